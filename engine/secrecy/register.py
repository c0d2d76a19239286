"""The separate register of secret documents (sổ theo dõi riêng): a line per document and its
paper-report reminders. Written when the office registers a secret document
(engine.secrecy.service) and when a ruleset that keeps secret content registers a secret
directive (engine.directives.service)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.directives.models import Directive
from engine.errors import EngineError
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.reports.calendar import paper_report_day
from engine.sandbox.helpers import next_period_end
from engine.secrecy.models import SecretAssignment, SecretDocument
from engine.working_days import WorkingCalendar
from engine.working_days.deadline import day_of

PURPOSE = "secret_document"


class SecrecyError(EngineError):
    pass


def start_paper_reports(engine, session: Session, bundle, rules: permissions.SecrecyPolicy, document: SecretDocument,
                         actor: User | None, planned_from: date | None = None, report_owed: bool = False) -> None:
    """The line's reminder process, planning the periods from `planned_from` (the end of the period before
    the first it plans; today for a new line); `report_owed`: a reminder already waits for its report."""
    if rules.paper_report:
        planned_from = planned_from or _first_planned_from(engine, session, bundle, rules.paper_report)
        data = {"secret_document_id": document.id, "symbol": document.symbol,
                "paper_report": list(rules.paper_report),
                "period_end": planned_from.isoformat(),  # the periods are planned from here
                "report_owed": report_owed}
        document.instance_id = engine.runtime.start(session, bundle, PURPOSE, data, actor=actor).id


def _first_planned_from(engine, session: Session, bundle, periods: Sequence[str]) -> date:
    """Where a new line's periods are planned from: today, or the end of today's period when that period's
    paper report was due before today. A document registered between the office's report day and the
    period's end cannot be in that report: its first is the next period's (Quỳnh Nhai, registered 25/03/2026
    after the first quarter's day 24/03, was reminded at once of a report "hạn 24/03/2026")."""
    today = clock.today()
    end = date.fromisoformat(next_period_end(today.isoformat(), list(periods)))
    due = paper_report_day(engine.compiled(bundle).settings, end, WorkingCalendar.lazily_from_db(session))
    return end if due < today else today


def add_directive_to_register(engine, session: Session, bundle, directive: Directive, items: list[dict],
                              actor: User | None) -> SecretDocument | None:
    """A secret directive whose content the ruleset lets the system keep still gets its
    line in the separate register (when the ruleset keeps one) and its paper-report reminders."""
    rules = permissions.secrecy_policy(engine.compiled(bundle).settings)
    if not directive.secrecy or not rules.keeps_register:
        return None
    header = {"symbol": directive.symbol, "issued_on": directive.issued_on.isoformat(), "issuer": directive.issuer,
              "secrecy": directive.secrecy}
    document = new_document(session, directive.ruleset, header, actor, directive_id=directive.id,
                            body_id=directive.issuing_body_id)
    _add_entries(session, document, items)
    session.flush()
    start_paper_reports(engine, session, bundle, rules, document, actor)
    return document


def follow_directive(session: Session, directive: Directive, added: Sequence[dict] = ()) -> None:
    """A directive's register line (if it has one) follows a correction of its header and
    gets a line for each assignment `added` after registration."""
    document = session.scalar(select(SecretDocument).where(SecretDocument.directive_id == directive.id))
    if document is None:
        return
    document.number, document.symbol = directive.number, directive.symbol
    document.issued_on, document.issuer = directive.issued_on, directive.issuer
    _add_entries(session, document, added)


def _add_entries(session: Session, document: SecretDocument, items) -> None:
    for item in items:
        document.entries.append(SecretAssignment(seq=item["seq"], lead_unit_id=org.require_unit(
            session, item["lead_unit"]).id, deadline=day_of(item.get("deadline"))))


def new_document(session: Session, ruleset: str, header: dict, actor: User | None,
                 directive_id: int | None = None, body_id: int | None = None) -> SecretDocument:
    issued_on = date.fromisoformat(header["issued_on"])
    duplicate = session.scalar(select(SecretDocument.id).where(
        SecretDocument.symbol == header["symbol"], SecretDocument.issued_on == issued_on,
        SecretDocument.issuer == header["issuer"]))
    if duplicate:
        raise SecrecyError("Secret document %(symbol)s is already in the register.", symbol=header["symbol"])
    document = SecretDocument(ruleset=ruleset, number=header["symbol"].split("/", 1)[0], symbol=header["symbol"],
                              issued_on=issued_on, issuer=header["issuer"], secrecy=header["secrecy"],
                              directive_id=directive_id, body_id=body_id, registered_by=getattr(actor, "id", None),
                              registered_at=clock.now())
    session.add(document)
    return document

"""Registering directives (vào sổ văn bản chỉ đạo) and reading assignments."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, forms
from engine.directives.models import URGENCIES, Assignment, AssignmentUnit, Directive
from engine.org import service as org
from engine.org.models import User
from engine.runtime.errors import EngineError
from engine.sandbox.helpers import current_calendar, working_deadline
from engine.working_days import WorkingCalendar

HEADER_FORM = "register_directive"


class DirectiveError(EngineError):
    pass


def register(engine, raw: dict, assignments: list[dict], actor: User) -> Directive:
    """Register a directive and its assignments and start the ruleset's directive process,
    in one transaction. `raw` is checked against the ruleset's register_directive form."""
    with engine.db.session() as session:
        bundle = engine.current_bundle(session)
        compiled = engine.compiled(bundle)
        header = forms.validate(compiled.forms[HEADER_FORM], raw, _lookups(session))
        if not assignments and header.get("tracked", True):
            raise DirectiveError("A tracked directive needs at least one assignment.")
        items = [_clean_assignment(session, i, item, header) for i, item in enumerate(assignments, start=1)]
        issued_on = date.fromisoformat(header["issued_on"])
        duplicate = session.scalar(select(Directive.id).where(
            Directive.symbol == header["symbol"], Directive.issued_on == issued_on,
            Directive.issuer == header["issuer"]))
        if duplicate:
            raise DirectiveError("Directive %(symbol)s is already registered.", symbol=header["symbol"])
        directive = Directive(
            ruleset=bundle.ruleset, doc_type=header.get("doc_type") or _doc_type(header["symbol"]),
            number=header["symbol"].split("/", 1)[0], symbol=header["symbol"], summary=header.get("summary") or "",
            issuer=header["issuer"], signer=header.get("signer"), submitting_body=header.get("submitting_body"),
            issued_on=issued_on, received_on=_date_or_none(header.get("received_on")) or clock.today(),
            urgency=header.get("urgency") or "normal", secrecy=header.get("secrecy") or None,
            tracked=header.get("tracked"), created_by=actor.id, created_at=clock.now(),
            source_document_id=header.get("source_document_id"))
        session.add(directive)
        session.flush()
        data = {"directive_id": directive.id, **header, "assignments": items,
                "registered_by": actor.username, "registered_on": clock.today().isoformat()}
        engine.runtime.start(session, bundle, "directive", data, actor=actor, directive_id=directive.id)
        audit.record(session, "directive.registered", "directive", directive.id, actor=actor,
                     after={"symbol": directive.symbol, "assignments": len(items)}, directive_id=directive.id)
        return directive


def _lookups(session: Session) -> forms.Lookups:
    from engine.runtime.service import DbLookups

    return DbLookups(session)


def _clean_assignment(session: Session, seq: int, item: dict, header: dict) -> dict:
    content = (item.get("content") or "").strip()
    if not content:
        raise DirectiveError("Assignment %(n)s: the content is required.", n=seq)
    lead = (item.get("lead_unit") or "").strip()
    if not lead:
        raise DirectiveError("Assignment %(n)s: exactly one lead unit is required.", n=seq)
    codes = [lead, *item.get("coordinating_units", [])]
    for code in codes:
        if org.unit_by_code(session, code) is None:
            raise DirectiveError("Assignment %(n)s: unknown unit %(code)s.", n=seq, code=code)
    coordinating = [c for c in dict.fromkeys(item.get("coordinating_units", [])) if c != lead]
    urgency = item.get("urgency") or header.get("urgency") or "normal"
    if urgency not in URGENCIES:
        raise DirectiveError("Assignment %(n)s: unknown urgency %(u)s.", n=seq, u=urgency)
    return {"seq": seq, "content": content, "lead_unit": lead, "coordinating_units": coordinating,
            "urgency": urgency, "requires_report": bool(item.get("requires_report")),
            **_deadline(session, seq, item)}


def _deadline(session: Session, seq: int, item: dict) -> dict:
    """A dated assignment has a date, or a number of working days from its assignment."""
    if item.get("deadline_days") not in (None, ""):
        token = current_calendar.set(WorkingCalendar.from_db(session))
        try:
            days = int(item["deadline_days"])
            return {"deadline_kind": "dated", "deadline": working_deadline(clock.today(), days)}
        except ValueError:
            raise DirectiveError("Assignment %(n)s: the number of working days must be a whole number.",
                                 n=seq) from None
        finally:
            current_calendar.reset(token)
    if item.get("deadline"):
        try:
            day = forms.parse_date(item["deadline"])
        except Exception:
            raise DirectiveError("Assignment %(n)s: the deadline must be a date (dd/mm/yyyy).", n=seq) from None
        return {"deadline_kind": "dated", "deadline": day.isoformat()}
    return {"deadline_kind": "open", "deadline": None}


def _date_or_none(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _doc_type(symbol: str) -> str:
    """'45/2016/QĐ-UBND' -> 'QĐ'; an official letter '123/UBND-VP' has no type: 'CV'."""
    tail = symbol.split("/")[-1]
    head = tail.split("-", 1)[0]
    return head if "-" in tail and head not in ("UBND", "VP", "HĐND") else "CV"


def create_assignments(session: Session, runtime, bundle, directive: Directive, items: list[dict],
                       actor: User | None) -> list[int]:
    """Create the assignment rows and start one assignment process each."""
    ids = []
    for item in items:
        deadline = item.get("deadline")
        rule = deadline if isinstance(deadline, dict) else None
        day = date.fromisoformat(rule["date"] if rule else deadline) if deadline else None
        assignment = Assignment(
            directive_id=directive.id, seq=item.get("seq", len(ids) + 1), content=item["content"],
            lead_unit_id=org.require_unit(session, item["lead_unit"]).id,
            deadline_kind=item.get("deadline_kind", "dated" if day else "open"), deadline=day,
            deadline_rule=rule, original_deadline=day, urgency=item.get("urgency", directive.urgency),
            requires_report=bool(item.get("requires_report")), secret=bool(directive.secrecy),
            assigned_on=clock.today(), created_at=clock.now())
        assignment.units.append(AssignmentUnit(unit_id=assignment.lead_unit_id, role="lead", deadline=day))
        for code in item.get("coordinating_units", []):
            assignment.units.append(AssignmentUnit(unit_id=org.require_unit(session, code).id,
                                                   role="coordinating", deadline=day))
        session.add(assignment)
        session.flush()
        data = {"assignment_id": assignment.id, "directive_id": directive.id, "symbol": directive.symbol,
                "summary": directive.summary, "issued_on": directive.issued_on.isoformat(),
                "assigned_on": clock.today().isoformat(), **item,
                "coordinating_units": {c: c for c in item.get("coordinating_units", [])}}
        instance = runtime.start(session, bundle, "assignment", data, actor=actor, directive_id=directive.id,
                                 assignment_id=assignment.id)
        assignment.instance_id = instance.id
        audit.record(session, "assignment.created", "assignment", assignment.id, actor=actor,
                     after={"lead_unit": item["lead_unit"], "deadline": day.isoformat() if day else None},
                     directive_id=directive.id, assignment_id=assignment.id)
        ids.append(assignment.id)
    return ids

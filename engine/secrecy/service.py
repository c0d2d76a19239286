"""What the ruleset lets the system keep of a secret document, the separate register, and
who may read it.

ruleset.toml `[secrecy]`: `store_content` (false: the summary, content and files of a
secret document are refused and only number/symbol, date, issuer, secrecy level, lead unit
and deadline go into the register), `register` ("separate" | "none": no trace at all in the
system), `visible_to` (the roles that may read the register), `paper_report` (periods at
whose end the office is reminded that the paper report is due). These settings are read,
and who may see what is decided, by engine.org.permissions; the register's lines are written
by engine.secrecy.register. The register's readers record the paper reports sent
(record_paper_report), which the reminder process hears of.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from engine import audit, clock, forms
from engine.clock import VN_TZ
from engine.db import rowcount
from engine.directives.models import SECRECY_LEVELS, Directive
from engine.directives.service import deadline_of, header_facts
from engine.errors import AlreadyDone, Forbidden, NotFound
from engine.instances.queries import current_data
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.runtime.models import InstanceStatus, WorkflowInstance
from engine.sandbox.helpers import previous_period_end
from engine.secrecy import register
from engine.secrecy.models import SecretAssignment, SecretDocument, SecretDocumentStatus
from engine.secrecy.register import SecrecyError
from engine.spiff import workflow as spiff
from engine.text import filled
from engine.working_days.deadline import day_of

HEADER_FORM = "register_directive"
REGISTER_FIELDS = ("symbol", "issued_on", "issuer", "secrecy")  # all a secret header may carry
ITEM_FIELDS = ("lead_unit", "deadline", "deadline_days")
CLOSED_MESSAGE = "secret_document_closed"
SENT_MESSAGE = "paper_report_sent"
# The day a paper report was sent: not after today, not before the document's own date
SENT_FORM = forms.FormDefinition(key="paper_report_sent", title="Paper report sent", fields=[
    forms.FormField(name="sent_on", label="Sent on", type="date", required=True, not_before="issued_on",
                    not_after="today")])
# The variables of a reminder process started before the line kept its days (secret_document.bpmn of
# before): the next paper report's day, and the result of the last reminder
# (operators.paper_report_due), which holds the day it reminded of.
NEXT_DUE, REMINDED = "paper_due", "reminded"


def register_secret_document(engine, raw: dict, items: list[dict], actor: User) -> SecretDocument:
    """Record a secret document in the separate register when the ruleset does not let the
    system hold its content. Anything beyond the register's fields is refused, not dropped."""
    with engine.db.session() as session:
        if not permissions.may_register_directives(session.get(User, actor.id)):
            raise Forbidden("Only the tracking office registers secret documents.")
        bundle = engine.current_bundle(session)
        compiled = engine.compiled(bundle)
        rules = permissions.secrecy_policy(compiled.settings)
        if rules.store_content:
            raise SecrecyError("This ruleset keeps secret directives like the others: register it as a directive.")
        if not rules.keeps_register:
            raise SecrecyError("Under this regulation secret documents are not recorded in the system: "
                               "follow them up on paper.")
        header = _clean_header(compiled.forms[HEADER_FORM], raw, session)
        body = permissions.users_body(session, session.get_one(User, actor.id))
        entries = [_clean_item(session, seq, item, body) for seq, item in enumerate(items, start=1)]
        if not entries:
            raise SecrecyError("Give at least one lead unit and deadline.")
        document = register.new_document(session, bundle.ruleset, header, actor, body_id=body.id)
        for seq, unit_id, deadline in entries:
            document.entries.append(SecretAssignment(seq=seq, lead_unit_id=unit_id, deadline=deadline))
        session.flush()
        register.start_paper_reports(engine, session, bundle, rules, document, actor)
        audit.record(session, "secret_document.registered", "secret_document", document.id, actor=actor,
                     after={"symbol": document.symbol, "secrecy": document.secrecy, "assignments": len(entries)})
        return document


def visible_documents(session: Session, user: User, settings: dict) -> list[SecretDocument]:
    """The register of `user`'s body, for the roles the ruleset names; anyone else is refused."""
    if not permissions.may_read_secret_register(user, settings):
        raise Forbidden("Only %(roles)s may read the secret-document register.",
                        roles=", ".join(permissions.secrecy_policy(settings).visible_to) or "-")
    return list(session.scalars(select(SecretDocument).where(_of_readers_body(session, user))
                                .options(selectinload(SecretDocument.entries))
                                .order_by(SecretDocument.registered_at.desc(), SecretDocument.id.desc())))


def _of_readers_body(session: Session, user: User):
    """SQL: the register's lines of `user`'s body (a commune's office head reads the commune's, the
    province's the province's)."""
    return permissions.recorded_by(session, permissions.users_body(session, user), SecretDocument.body_id)


def _readable_document(session: Session, user: User, settings: dict, document_id: int) -> SecretDocument:
    """One line of `user`'s body's register; NotFound alike for another body's line and for
    a reader the ruleset does not name (no one learns which ids exist)."""
    document = session.scalar(select(SecretDocument).where(SecretDocument.id == document_id,
                                                            _of_readers_body(session, user)))
    if document is None or not permissions.may_read_secret_register(user, settings):
        raise NotFound("Secret document %(id)s does not exist.", id=document_id)
    return document


@dataclass(frozen=True)
class RegisterLine:
    """A line of the register as its keeper reads it (sổ theo dõi riêng)."""

    document: SecretDocument
    secrecy_label: str                       # the level in the register form's words (Mật, Tối mật…)
    summary: str | None                      # trích yếu: only when the ruleset stores the content
    registered_by: str | None                # who entered it in the register, by full name
    entries: list[tuple[int, Unit, date | None]]  # (seq, lead unit, deadline)
    paper_due: date | None                   # the next paper report's day while the line is open
    paper_reminded: date | None              # the day of the last paper report reminded of (it may be past)
    paper_sent_on: date | None               # the last paper report recorded as sent
    paper_sent_by: str | None                # who recorded it, by full name


def register_lines(engine, session: Session, user: User) -> list[RegisterLine]:
    """The register of `user`'s body, newest first (Forbidden for a role the ruleset does not name)."""
    compiled = engine.compiled(engine.current_bundle(session))
    return _lines(engine, session, visible_documents(session, user, compiled.settings), _secrecy_labels(compiled))


def register_line(engine, session: Session, user: User, document_id: int) -> RegisterLine:
    compiled = engine.compiled(engine.current_bundle(session))
    document = _readable_document(session, user, compiled.settings, document_id)
    return _lines(engine, session, [document], _secrecy_labels(compiled))[0]


def _lines(engine, session: Session, documents: list[SecretDocument], labels: dict[str, str]) -> list[RegisterLine]:
    """The lines of `documents`, their units, people and directives read in one statement each, however
    many lines the register holds; the paper reports' days are the lines' own (the reminder processes
    of lines that do not keep them yet are read too, in one statement)."""
    units = _by_id(session, Unit, {e.lead_unit_id for d in documents for e in d.entries})
    people = _by_id(session, User, {d.registered_by for d in documents} | {d.paper_sent_by for d in documents})
    directives = _by_id(session, Directive, {d.directive_id for d in documents})
    reminders = _by_id(session, WorkflowInstance, {d.instance_id for d in documents if _days_unkept(d)})
    return [RegisterLine(
        document=d, secrecy_label=labels.get(d.secrecy, d.secrecy),
        summary=directives[d.directive_id].summary if d.directive_id in directives else None,
        registered_by=people[d.registered_by].full_name if d.registered_by in people else None,
        entries=[(e.seq, units[e.lead_unit_id], e.deadline) for e in d.entries],
        paper_sent_on=d.paper_sent_on,
        paper_sent_by=people[d.paper_sent_by].full_name if d.paper_sent_by in people else None,
        **_paper_reports(engine, session, d, reminders.get(d.instance_id))) for d in documents]


def _days_unkept(document: SecretDocument) -> bool:
    """An open line whose reminder process has planned no report since lines kept their days (a line
    written before, on the diagram of before)."""
    return document.status == SecretDocumentStatus.OPEN and document.paper_due is None


def _by_id(session: Session, model, ids: set[int | None]) -> dict:
    wanted = [i for i in ids if i is not None]
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(wanted)))} if wanted else {}


def _secrecy_labels(compiled) -> dict[str, str]:
    """The secrecy levels in the words of the ruleset's register form (Mật, Tối mật, Tuyệt mật)."""
    field = next((f for f in compiled.forms[HEADER_FORM].fields if f.name == "secrecy"), None)
    return {str(value): str(label) for value, label in (field.options if field else [])}


def _paper_reports(engine, session: Session, document: SecretDocument,
                   reminder: WorkflowInstance | None) -> dict[str, date | None]:
    """The next paper report's day and the one last reminded of while the line is open: the reminder
    comes working days before its day, and the next is planned at once. The line keeps them; one
    that does not yet reads them from its running reminder process, as the register did before."""
    if document.status != SecretDocumentStatus.OPEN:
        return {"paper_due": None, "paper_reminded": None}
    if not _days_unkept(document):
        return {"paper_due": document.paper_due, "paper_reminded": document.paper_reminded}
    if reminder is None or reminder.status != InstanceStatus.RUNNING:
        return {"paper_due": None, "paper_reminded": None}
    data = current_data(engine.runtime.workflow_of(session, reminder))
    reminded = data.get(REMINDED)
    return {"paper_due": day_of(data.get(NEXT_DUE)),
            "paper_reminded": day_of(reminded.get("due")) if isinstance(reminded, dict) else None}


def close_secret_document(engine, document_id: int, actor: User) -> SecretDocument:
    """The office records that a secret document's tasks are finished; the paper-report
    reminders for it stop. Closing is one conditional write: of two at once, or a retry, one
    closes and the other is told it is already done."""
    with engine.db.session() as session:
        user = session.get_one(User, actor.id)
        settings = engine.compiled(engine.current_bundle(session)).settings
        document = _readable_document(session, user, settings, document_id)
        closed = session.execute(update(SecretDocument).where(
            SecretDocument.id == document.id, SecretDocument.status == SecretDocumentStatus.OPEN).values(
            status=SecretDocumentStatus.CLOSED, closed_at=clock.now()))
        if rowcount(closed) != 1:
            raise AlreadyDone("This secret document is already closed.")
        session.refresh(document)
        if document.instance_id:
            engine.runtime.deliver_message(session, document.instance_id, CLOSED_MESSAGE, {}, actor=user)
        audit.record(session, "secret_document.closed", "secret_document", document.id, actor=user)
        return document


def record_paper_report(engine, document_id: int, raw: dict, actor: User) -> SecretDocument:
    """The keeper records that the line's paper report was sent on `raw["sent_on"]` (not after today,
    not before the document's date): the line shows it and who recorded it, and its reminder process
    hears of it (secret_document.bpmn: the report answers the one last reminded of, or the planned
    period's, whose reminder then moves to the next period). A process on a diagram of before, which
    knows no such message, is restarted on the version in force first (_restarted); one stopped at an
    incident hears nothing.
    One conditional write: the same day recorded again, or twice at once, applies once (AlreadyDone);
    a closed line takes none."""
    with engine.db.session() as session:
        user = session.get_one(User, actor.id)
        settings = engine.compiled(engine.current_bundle(session)).settings
        document = _readable_document(session, user, settings, document_id)
        if document.status != SecretDocumentStatus.OPEN:
            raise AlreadyDone("This secret document is already closed.")
        facts = {**forms.day_facts(), "issued_on": document.issued_on}
        sent_on = date.fromisoformat(forms.validate(SENT_FORM, raw, facts=facts)["sent_on"])
        none_recorded = document.paper_sent_on is None  # before this one
        recorded = session.execute(update(SecretDocument).where(
            SecretDocument.id == document.id, SecretDocument.status == SecretDocumentStatus.OPEN,
            or_(SecretDocument.paper_sent_on.is_(None), SecretDocument.paper_sent_on != sent_on)).values(
            paper_sent_on=sent_on, paper_sent_by=user.id))
        if rowcount(recorded) != 1:
            session.refresh(document)
            if document.status != SecretDocumentStatus.OPEN:
                raise AlreadyDone("This secret document is already closed.")
            raise AlreadyDone("The paper report sent on %(day)s is already recorded.", day=f"{sent_on:%d/%m/%Y}")
        session.refresh(document)
        reminder = session.get(WorkflowInstance, document.instance_id) if document.instance_id else None
        if reminder is not None and _on_diagram_of_before(engine, session, reminder):
            reminder = _restarted(engine, session, document, reminder, none_recorded, user)
        if reminder is not None and _hears(engine, session, reminder):
            engine.runtime.deliver_message(session, reminder.id, SENT_MESSAGE, {"sent_on": sent_on.isoformat()},
                                           actor=user)
        audit.record(session, "secret_document.paper_report_sent", "secret_document", document.id, actor=user,
                     after={"sent_on": sent_on.isoformat()})
        return document


def _hears(engine, session: Session, reminder: WorkflowInstance) -> bool:
    """Whether the line's reminder process takes a report sent: running (not stopped at an incident, which
    its administrator retries) on a diagram that catches it."""
    return reminder.status == InstanceStatus.RUNNING and SENT_MESSAGE in engine.runtime.waiting_messages(
        session, reminder)


def _on_diagram_of_before(engine, session: Session, reminder: WorkflowInstance) -> bool:
    """A running reminder process on a diagram that knows no report sent, where the version in force does."""
    return (reminder.status == InstanceStatus.RUNNING
            and SENT_MESSAGE not in engine.runtime.waiting_messages(session, reminder)
            and spiff.catches_message(_reminder_spec(engine.compiled(engine.current_bundle(session))), SENT_MESSAGE))


def _reminder_spec(compiled):
    return compiled.specs[compiled.process_id(register.PURPOSE)]


def _restarted(engine, session: Session, document: SecretDocument, reminder: WorkflowInstance, unanswered: bool,
               actor: User) -> WorkflowInstance:
    """The line's reminder restarted on the version in force, as reports.service.move_schedule restarts the
    report calendar (SpiffWorkflow's move refuses it: the changed steps have run): it plans the period the
    process of before planned, from the end of the period before it, or from the line's registration for
    its first; a reminder it sent waits for its report unless one was recorded on the line before."""
    data = current_data(engine.runtime.workflow_of(session, reminder))
    planned_from = max(date.fromisoformat(previous_period_end(data["period_end"], data["paper_report"])),
                       document.registered_at.astimezone(VN_TZ).date())
    engine.runtime.cancel(session, reminder.id, actor=actor, reason="restarted on the version in force")
    bundle = engine.current_bundle(session)
    register.start_paper_reports(engine, session, bundle, permissions.secrecy_policy(engine.compiled(bundle).settings),
                                 document, actor, planned_from=planned_from,
                                 report_owed=isinstance(data.get(REMINDED), dict) and unanswered)
    return session.get_one(WorkflowInstance, document.instance_id)


def _clean_header(form: forms.FormDefinition, raw: dict, session: Session) -> dict:
    extra = sorted(k for k, v in raw.items()
                   if k not in REGISTER_FIELDS and k != "csrf_token" and filled(v))
    if extra:
        raise SecrecyError("The regulation does not allow the system to keep %(fields)s of a secret document.",
                           fields=", ".join(extra))
    subset = forms.FormDefinition(key=form.key, title=form.title,
                                  fields=[f for f in form.fields if f.name in REGISTER_FIELDS])
    from engine.runtime.service import DbLookups

    header = forms.validate(subset, raw, DbLookups(session), facts=header_facts())
    if header.get("secrecy") not in SECRECY_LEVELS:
        raise SecrecyError("Choose the secrecy level (mật, tối mật, tuyệt mật).")
    return header


def _clean_item(session: Session, seq: int, item: dict, body: Unit) -> tuple[int, int, date | None]:
    """One task's lead unit (one of `body`'s: permissions.units_outside) and deadline."""
    extra = sorted(k for k, v in item.items() if k not in ITEM_FIELDS and filled(v))
    if extra:
        raise SecrecyError("Assignment %(n)s: the regulation does not allow the system to keep %(fields)s "
                           "of a secret document.", n=seq, fields=", ".join(extra))
    unit = org.unit_by_code(session, (item.get("lead_unit") or "").strip())
    if unit is None:
        raise SecrecyError("Assignment %(n)s: exactly one lead unit is required.", n=seq)
    if permissions.units_outside(session, body, [unit]):
        raise SecrecyError("Assignment %(n)s: %(code)s is not a unit of the issuing body.", n=seq, code=unit.code)
    return seq, unit.id, day_of(deadline_of(session, seq, item)["deadline"])

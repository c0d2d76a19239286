"""Registering directives (vào sổ văn bản chỉ đạo) and reading assignments."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, case, func, or_, select
from sqlalchemy.orm import Session

from engine import audit, clock, forms, translation
from engine.db import lock_name
from engine.directives.models import (
    ASSIGNMENT_DEADLINE,
    ORIGIN_OWN,
    ORIGIN_PROVINCE,
    URGENCIES,
    Assignment,
    AssignmentStatus,
    AssignmentUnit,
    DeadlineKind,
    Directive,
)
from engine.errors import EngineError, Forbidden, NotFound
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.org.names import spelled_out
from engine.runtime.models import WorkflowInstance, WorkItem, declare_people, declare_start_data
from engine.secrecy import register as secret_register
from engine.working_days import WorkingCalendar
from engine.working_days.deadline import Deadline, day_of

HEADER_FORM = "register_directive"
CLASSIFY_FORM = "classify_directive"  # the step naming the directive's follow-up officer (processes/*/forms)
MAX_CONTENT = 10_000        # characters of an assignment's content
MAX_WORKING_DAYS = 3650     # a deadline given in working days: about 14 years at most


class DirectiveError(EngineError):
    pass


def written_text(value, missing: str | None = None) -> str:
    """What a person wrote (a reason, a message), cleaned as every input is; with `missing`,
    a blank one is refused with that message."""
    try:
        text = forms.clean_input(value or "")
    except forms.Invalid as exc:
        raise DirectiveError(exc.message.text, **exc.message.params) from None
    if missing and not text:
        raise DirectiveError(missing)
    return text


def seen_assignment(session: Session, user: User, assignment_id: int) -> Assignment:
    """The assignment `user` may see, or NotFound — the same answer as for one that does not exist."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or not permissions.may_see(session, user, permissions.ASSIGNMENT, assignment.id):
        raise NotFound("Assignment %(id)s does not exist.", id=assignment_id)
    return assignment


def has_blocked_status(settings: dict) -> bool:
    """Whether "in progress with difficulties" is a status of the regulation (`[progress]
    blocked_status`; absent: it is, as in assignment_cycle.bpmn), so a filter and a column."""
    return bool((settings.get("progress") or {}).get("blocked_status", True))


def asks_first_report(settings: dict) -> bool:
    """Whether the regulation gives the lead unit a number of days for its first progress report
    (`[deadlines] first_update`), so the pages say who is late on it (chậm báo cáo lần đầu)."""
    return (settings.get("deadlines") or {}).get("first_update") is not None


def origin_labels(settings: dict) -> dict[str, str]:
    """What the regulation calls the tasks of each origin (ORIGINS), from `[terminology]`
    `province_given` and `own_given`; empty when it tracks no province-given tasks apart (only
    Quỳnh Nhai Đ.6 k.1c does), so that no filter is offered there."""
    terms = settings.get("terminology") or {}
    if "province_given" not in terms:
        return {}
    return {ORIGIN_PROVINCE: terms["province_given"],
            ORIGIN_OWN: terms.get("own_given")
            or translation.message("Tasks other than: %(term)s", {"term": terms["province_given"].lower()})}


class AssignmentError(DirectiveError):
    """A bad value in one assignment (`seq` from 1) of the list `items` (a directive's
    "assignments", the shares passed down); `field` names it so that a form can show the
    message beside it."""

    def __init__(self, seq: int, field: str, message: str, items: str = "assignments", **params):
        super().__init__(message, n=seq, **params)
        self.seq, self.field, self.items = seq, field, items


def register(engine, raw: dict, assignments: list[dict], actor: User,
             session: Session | None = None, *, sender_dated: bool = False, imported: bool = False) -> Directive:
    """Register a directive and its assignments and start the ruleset's directive process,
    in one transaction. `raw` is checked against the ruleset's register_directive form, its
    dates within the form's bounds unless `sender_dated` (see `header_facts`).
    Pass `session` to make it part of a larger transaction (an import of many directives).
    `imported`: the directive comes from the office's own register, kept before dondoc; the
    process's registration_deadline.dmn may count its classification from the import day."""
    with nullcontext(session) if session is not None else engine.db.session() as session:
        bundle = engine.current_bundle(session)
        compiled = engine.compiled(bundle)
        if not permissions.may_register_directives(actor):
            raise Forbidden("Only the tracking office registers directives.")
        if permissions.refuses_secret_content(compiled.settings, raw):
            if permissions.secrecy_policy(compiled.settings).register == "none":
                raise DirectiveError("This regulation keeps secret documents on paper, outside the system: "
                                     "follow this one by the paper procedure and do not register it here.")
            raise DirectiveError("This regulation does not let the system keep the content of secret documents: "
                                 "record it in the secret-document register instead.")
        header = forms.validate(compiled.forms[HEADER_FORM], raw, lookups(session), facts=header_facts(sender_dated))
        symbol = header["symbol"]
        columns = symbol_columns(header)
        check_fits(header, columns)
        registration = compiled.settings.get("registration", {})
        if not assignments and not registration.get("without_assignments", False):
            raise DirectiveError("A tracked directive needs at least one assignment.")
        upstream = upstream_deadline_label(compiled.settings) is not None
        body = permissions.users_body(session, actor)
        items = [clean_assignment(session, i, item, header, upstream=upstream, body=body)
                 for i, item in enumerate(assignments, start=1)]
        issued_on = date.fromisoformat(header["issued_on"])
        received_on = _date_or_none(header.get("received_on")) or clock.today()
        refuse_duplicate(session, header)
        directive = Directive(
            ruleset=bundle.ruleset, **columns, symbol=symbol, summary=header.get("summary") or "",
            issuer=header["issuer"], signer=header.get("signer"), submitting_body=header.get("submitting_body"),
            issued_on=issued_on, received_on=received_on,
            urgency=header.get("urgency") or "normal", secrecy=header.get("secrecy") or None,
            tracked=header.get("tracked"), created_by=actor.id, created_at=clock.now(),
            source_document_id=header.get("source_document_id"), issuing_body_id=body.id)
        session.add(directive)
        session.flush()
        # received_on: the day it reached the office (ngày đến), which a receiving office counts from
        data = {"directive_id": directive.id, **header, "assignments": items,
                "received_on": received_on.isoformat(),
                "registered_by": actor.username, "registered_on": clock.today().isoformat(), "imported": imported}
        secret_register.add_directive_to_register(engine, session, bundle, directive, items, actor)
        engine.runtime.start(session, bundle, "directive", data, actor=actor, directive_id=directive.id)
        audit.record(session, "directive.registered", "directive", directive.id, actor=actor,
                     after={"symbol": directive.symbol, "assignments": len(items)}, directive_id=directive.id)
        return directive


def header_facts(sender_dated: bool = False) -> dict[str, date] | None:
    """The days the header's date bounds name ("today": a directive is not issued or received in
    the future, by the engine's clock). None for a header dated by its sender (an edXML message
    from the hub): the office cannot refuse the sender's date, so it is taken as given."""
    return None if sender_dated else forms.day_facts()


def refuse_duplicate(session: Session, header: dict, directive_id: int | None = None) -> None:
    """Refuse the number/symbol, date and issuer of a directive other than `directive_id`: one
    document is registered once."""
    if registered_as(session, header, directive_id) is not None:
        raise DirectiveError("Directive %(symbol)s is already registered.", symbol=header["symbol"])


def registered_as(session: Session, header: dict, directive_id: int | None = None) -> Directive | None:
    """The directive other than `directive_id` registered with the number/symbol, date and issuer of `header`,
    or None. The name's lock, held until the caller's transaction commits, makes a second registration at the
    same moment (a double-click, two clerks importing one register) wait and then see it."""
    issued_on = date.fromisoformat(header["issued_on"])
    lock_name(session, f"directive:{header['symbol']}|{issued_on}")
    found = session.scalars(select(Directive).where(
        Directive.symbol == header["symbol"], Directive.issued_on == issued_on,
        Directive.id.is_distinct_from(directive_id)))
    # one body however its name is written: as its letterhead reads ("Ủy ban nhân dân tỉnh Gia Lai"), abbreviated
    # ("UBND tỉnh Gia Lai", "UBND TP. Pleiku"), in capitals, or with the older accent ("Uỷ ban")
    issuer = spelled_out(header["issuer"])
    return next((directive for directive in found if spelled_out(directive.issuer) == issuer), None)


def upstream_deadline_label(settings: dict) -> str | None:
    """What the ruleset calls the upper level's deadline of a task (ruleset.toml [registration]
    upstream_deadline; Bạc Liêu Đ.9 k.1), or None when it records none."""
    return settings.get("registration", {}).get("upstream_deadline") or None


@dataclass(frozen=True)
class LargeDirectiveReading:
    """From how many assignments or units a directive counts as large and gets the longer
    registration limit (Đắk Lắk Đ.7 k.1 "nhiều nhiệm vụ, nhiều cơ quan"). The text gives no
    number: the thresholds are the ruleset's reading, which the register form says so."""

    assignments: int | None  # [registration] complex_assignments
    units: int | None        # [registration] complex_units
    days: int                # [deadlines] registration_complex
    ordinary_days: int       # [deadlines] registration


def large_directive_reading(settings: dict) -> LargeDirectiveReading | None:
    """The ruleset's reading of a large directive, or None when its size changes nothing
    (no threshold, or the same limit for every directive)."""
    criteria, limits = settings.get("registration", {}), settings.get("deadlines", {})
    assignments, units = criteria.get("complex_assignments"), criteria.get("complex_units")
    days, ordinary = limits.get("registration_complex"), limits.get("registration")
    if (assignments is None and units is None) or days is None or ordinary is None or days == ordinary:
        return None
    return LargeDirectiveReading(assignments, units, days, ordinary)


def lookups(session: Session) -> forms.Lookups:
    from engine.runtime.service import DbLookups

    return DbLookups(session)


def symbol_columns(header: dict) -> dict:
    """The columns taken from the symbol: its number and, unless the header gives it, its document type."""
    symbol = header["symbol"]
    return {"doc_type": header.get("doc_type") or _doc_type(symbol), "number": symbol.split("/", 1)[0]}


def check_fits(header: dict, derived: dict) -> None:
    """Every text fits its column (a ruleset's form may allow more). `derived` holds the parts
    taken from the symbol (number, document type): a part too long is the symbol's fault."""
    errors = {}
    for column in Directive.__table__.columns:
        limit = column.type.length if isinstance(column.type, String) else None
        value = derived.get(column.name, header.get(column.name))
        if limit and isinstance(value, str) and len(value) > limit:
            part = column.name in derived
            errors["symbol" if part else column.name] = forms.Message(
                "Each part of the number/symbol has at most %(max)s characters." if part
                else "At most %(max)s characters.", {"max": limit})
    if errors:
        raise forms.FormValidationError(errors)


def clean_assignment(session: Session, seq: int, item: dict, header: dict, *, upstream: bool = False,
                     body: Unit | None = None, issued_on: date | None = None) -> dict:
    """One assignment as given (a form row, an API item), checked and cleaned; `header` gives
    the directive's urgency, the default. Errors name the row `seq`. `upstream`: the ruleset
    records the upper level's deadline (`upstream_deadline`); elsewhere it is refused, not dropped.
    `body`: the issuing body, whose units alone it may name (permissions.units_outside) and whose
    clerks may follow it up (None: any unit, the home body's clerks). `issued_on`: the issue date of
    the directive a task is added to later, which its deadlines may not precede (its units are today's;
    at registration both come from the header's `issued_on`)."""
    content = _text_of(seq, item, "content")
    if not content:
        raise AssignmentError(seq, "content", "Assignment %(n)s: the content is required.")
    if len(content) > MAX_CONTENT:
        raise AssignmentError(seq, "content", "Assignment %(n)s: the content has more than %(max)s characters.",
                              max=MAX_CONTENT)
    lead = _text_of(seq, item, "lead_unit")
    if not lead:
        raise AssignmentError(seq, "lead_unit", "Assignment %(n)s: exactly one lead unit is required.")
    coordinating = _coordinating(session, seq, item, lead)
    _named_units(session, seq, body, lead, list(coordinating))
    # A unit of the old tree (a pre-2025 commune or department) named for a directive issued after
    # it was reorganised stands for its successor (engine/org/seed.py).
    given_on = _date_or_none(header.get("issued_on")) or clock.today()
    lead = org.code_in_force(session, lead, given_on)
    coordinating = {code: due for code, due in ((org.code_in_force(session, c, given_on), d)
                                                for c, d in coordinating.items()) if code != lead}
    _in_force_on(session, seq, given_on, lead, list(coordinating))
    urgency = _text_of(seq, item, "urgency") or header.get("urgency") or "normal"
    if urgency not in URGENCIES:
        raise AssignmentError(seq, "urgency", "Assignment %(n)s: unknown urgency %(u)s.", u=urgency)
    officer = _follow_up_officer(session, seq, item, body)
    deadline = deadline_of(session, seq, item)
    issued = issued_on or _date_or_none(header.get("issued_on"))
    _due_after_issue(seq, deadline["deadline"], issued)
    _parts_due_in_time(seq, coordinating, deadline["deadline"], issued,
                       "coordinating_deadline" if item.get("coordinating_deadline") else "coordinating_units.deadline")
    return {"seq": seq, "content": content, "lead_unit": lead, "coordinating_units": list(coordinating),
            "coordinating_deadlines": {code: due for code, due in coordinating.items() if due},
            "follow_up_officer": officer, "urgency": urgency, "requires_report": bool(item.get("requires_report")),
            **deadline, **_upstream_deadline(seq, item, upstream)}


def _named_units(session: Session, seq: int, body: Unit | None, lead: str, coordinating: list[str]) -> None:
    """The lead and coordinating units known and ones `body` may give tasks to; errors name the field."""
    def unknown(field: str) -> Callable[[str], Exception]:
        return lambda code: AssignmentError(seq, field, "Assignment %(n)s: unknown unit %(code)s.", code=code)
    units = [*org.units_by_codes(session, [lead], unknown("lead_unit")),
             *org.units_by_codes(session, coordinating, unknown("coordinating_units"))]
    outside = permissions.units_outside(session, body, units)
    if outside:
        field = "lead_unit" if outside[0] is units[0] else "coordinating_units"
        raise AssignmentError(seq, field, "Assignment %(n)s: %(code)s is not a unit of the issuing body.",
                              code=outside[0].code)


def _in_force_on(session: Session, seq: int, day: date, lead: str, coordinating: list[str]) -> None:
    """The units taking the task (after `org.code_in_force`) were in force on the directive's issue day `day`:
    a unit formed after it (a ward of 1/7/2025 on a directive of May 2025) or closed before it without a
    successor received nothing of it. Errors name the field."""
    for field, codes in (("lead_unit", [lead]), ("coordinating_units", coordinating)):
        for code in codes:
            unit = org.unit_by_code(session, code)
            if unit is not None and not unit.is_valid_on(day):
                raise AssignmentError(seq, field, "Assignment %(n)s: %(unit)s was not in force on %(day)s, the "
                                      "directive's issue date.", unit=unit.name, day=day.strftime("%d/%m/%Y"))


def _follow_up_officer(session: Session, seq: int, item: dict, body: Unit | None) -> str | None:
    """The user name of the assignment's follow-up officer, an active tracking clerk of `body`, if one is named."""
    officer = _text_of(seq, item, "follow_up_officer") or None
    if officer:
        found = org.users_by_name(session, [officer])
        if not found:
            raise AssignmentError(seq, "follow_up_officer", "Assignment %(n)s: unknown follow-up officer %(name)s.",
                                  name=officer)
        if not permissions.may_follow_up(session, found[0], body):
            raise AssignmentError(seq, "follow_up_officer",
                                  "Assignment %(n)s: %(name)s is not an active tracking clerk of the office.",
                                  name=found[0].full_name)
    return officer


def _follow_up_people(session: Session, _lanes: Mapping[str, str], item: WorkItem) -> Mapping[str, list] | None:
    """The directive's classification offers as its follow-up officer the clerks of its body alone
    (a province's office is not offered every commune's clerks, nor a commune's the province's)."""
    if item.form_key != CLASSIFY_FORM:
        return None
    body = permissions.record_body(session, item.directive_id)
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name))
    return {"follow_up_officer": [u for u in users if permissions.may_follow_up(session, u, body)]}


declare_people(_follow_up_people)


def _arrival_day(session: Session, instance: WorkflowInstance) -> dict[str, object]:
    """A directive's process started before its start data carried `received_on` (ngày đến, which a
    receiving office's registration table counts from: Bạc Liêu's) gets it when moved to a version that
    reads it: the day recorded on the directive, else its issue day."""
    if instance.purpose != "directive" or instance.directive_id is None:
        return {}
    directive = session.get(Directive, instance.directive_id)
    if directive is None:
        return {}
    return {"received_on": (directive.received_on or directive.issued_on).isoformat()}


declare_start_data(_arrival_day)


def _due_after_issue(seq: int, deadline: dict | None, issued: date | None) -> None:
    """A task is never due before the document giving it was issued (hạn trước ngày ban hành): a year
    typed wrong in January, 15/01/2025 on a directive of 05/01/2026, made the task a year overdue
    from its registration, in the late lists, the reports and the escalation mails."""
    due = Deadline.from_json(deadline)
    if due is not None and issued is not None and due.date < issued:
        raise AssignmentError(seq, "deadline", "Assignment %(n)s: the deadline (%(d)s) is before the directive's "
                              "issue date (%(issued)s).", d=due.date.strftime("%d/%m/%Y"),
                              issued=issued.strftime("%d/%m/%Y"))


def tasks_due_before(session: Session, directive_id: int, issued: date) -> list[str]:
    """The directive's tasks (not withdrawn) due, or with a coordinating unit's part due, before `issued`:
    the rule of _due_after_issue and _parts_due_in_time on the tasks already given (a header correction
    moving the issue date later), each named by its number, content and the deadline that falls before."""
    early_part = (select(func.min(AssignmentUnit.deadline))
                  .where(AssignmentUnit.assignment_id == Assignment.id, AssignmentUnit.role == "coordinating",
                         AssignmentUnit.deadline < issued).correlate(Assignment).scalar_subquery())
    early_task = case((Assignment.deadline < issued, Assignment.deadline), else_=None)
    rows = session.execute(
        select(Assignment.seq, Assignment.content, func.coalesce(early_task, early_part))
        .where(Assignment.directive_id == directive_id, Assignment.status != AssignmentStatus.CANCELLED,
               or_(Assignment.deadline < issued, early_part.is_not(None)))
        .order_by(Assignment.seq, Assignment.id)).all()
    return [f"{seq}. {_short(content)} ({due.strftime('%d/%m/%Y')})" for seq, content, due in rows]


def _short(content: str, length: int = 60) -> str:
    return content if len(content) <= length else content[:length].rstrip() + "…"


def _parts_due_in_time(seq: int, coordinating: dict[str, object], deadline, issued: date | None,
                       field: str) -> None:
    """A coordinating unit's part is due no later than the assignment, whose lead unit reports
    with it (as a section's share is due no later than its unit's task), and, as the assignment,
    not before the directive was issued. `field` names where the parts' deadlines were given."""
    due = Deadline.from_json(deadline)
    for part in filter(None, map(Deadline.from_json, coordinating.values())):
        if issued is not None and part.date < issued:
            raise AssignmentError(seq, field, "Assignment %(n)s: a coordinating unit's deadline (%(d)s) is before "
                                  "the directive's issue date (%(issued)s).", d=part.date.strftime("%d/%m/%Y"),
                                  issued=issued.strftime("%d/%m/%Y"))
        if due is not None and part.date > due.date:
            raise AssignmentError(seq, field,
                                  "Assignment %(n)s: a coordinating unit's deadline may not be later than the "
                                  "assignment's (%(d)s).", d=due.date.strftime("%d/%m/%Y"))


def _upstream_deadline(seq: int, item: dict, recorded: bool) -> dict:
    """{"upstream_deadline": ISO date} when one is given (and the ruleset records it), else {}."""
    value = item.get("upstream_deadline")
    if value in (None, ""):
        return {}
    if not recorded:
        raise AssignmentError(seq, "upstream_deadline",
                              "Assignment %(n)s: this regulation records no deadline of the upper level.")
    try:
        return {"upstream_deadline": forms.parse_date(value).isoformat()}
    except forms.Invalid:
        raise AssignmentError(seq, "upstream_deadline",
                              "Assignment %(n)s: the upper level's deadline must be a date from %(first)s to "
                              "%(last)s (dd/mm/yyyy).", **forms.DATE_RANGE) from None


def _text_of(seq: int, item: dict, field: str) -> str:
    """A text value of an assignment ("" when absent), cleaned like every form text."""
    value = item.get(field)
    if value is None:
        return ""
    try:
        return forms.clean_input(value)
    except forms.Invalid as exc:
        raise AssignmentError(seq, field, _NOT_TEXT[exc.message.text]) from None


# The form check's refusals of a text, said of one assignment.
_NOT_TEXT = {"Enter text.": "Assignment %(n)s: this value must be text.",
             "This text contains characters that are not valid text.":
                 "Assignment %(n)s: this text contains characters that are not valid text."}


def _coordinating(session: Session, seq: int, item: dict, lead: str) -> dict[str, object]:
    """Coordinating units (code -> own deadline or None), given as codes, due on the item's
    `coordinating_deadline` when it has one (hạn phối hợp: a register row's, an import row's), or as
    {"unit", "deadline" | "deadline_days"} items; the lead unit is never also coordinating."""
    entries = item.get("coordinating_units") or []
    if not isinstance(entries, list | tuple):
        raise AssignmentError(seq, "coordinating_units", "Assignment %(n)s: the coordinating units must be a list.")
    _coordinating_deadline_has_units(seq, item, entries)
    units: dict[str, object] = {}
    for entry in entries:
        own = isinstance(entry, dict)
        spec = entry if own else {"unit": entry, "deadline": item.get("coordinating_deadline")}
        code = _text_of(seq, spec, "unit")
        if code and code != lead and code not in units:
            prefix = "coordinating_units." if own else "coordinating_"  # the field the deadline came in
            units[code] = deadline_of(session, seq, spec, field_prefix=prefix)["deadline"]
    return units


def _coordinating_deadline_has_units(seq: int, item: dict, entries) -> None:
    """The item's `coordinating_deadline` (or `_days`) is the day of the units given as codes:
    with none, it would be dropped without a word, so it is refused."""
    if any(not isinstance(entry, dict) for entry in entries):
        return
    for field in ("coordinating_deadline", "coordinating_deadline_days"):
        if item.get(field) not in (None, ""):
            raise AssignmentError(seq, field,
                                  "Assignment %(n)s: a coordinating deadline is given but no coordinating unit.")


def deadline_of(session: Session, seq: int, item: dict, field_prefix: str = "") -> dict:
    """A dated assignment has a date, or a number of working days from its assignment."""
    if item.get("deadline_days") not in (None, ""):
        days = _working_days(seq, item["deadline_days"], field_prefix + "deadline_days")
        deadline = Deadline.counted(WorkingCalendar.lazily_from_db(session), clock.today(), days)
        return {"deadline_kind": DeadlineKind.DATED, "deadline": deadline.to_json()}
    if item.get("deadline"):
        try:
            day = forms.parse_date(item["deadline"])
        except forms.Invalid:
            raise AssignmentError(seq, field_prefix + "deadline",
                                  "Assignment %(n)s: the deadline must be a date from %(first)s to %(last)s "
                                  "(dd/mm/yyyy).", **forms.DATE_RANGE) from None
        return {"deadline_kind": DeadlineKind.DATED, "deadline": day.isoformat()}
    return {"deadline_kind": DeadlineKind.OPEN, "deadline": None}


def day_off_deadlines(session: Session, assignments: list[dict], first: int = 1) -> dict[int, forms.Message]:
    """{task number: warning} for each task whose deadline, as written, is a day off; the tasks numbered
    from `first` (a task adjusted: its own number). A warning, not a refusal: the directive's day stands,
    and it ends with the next working day (Bộ luật Dân sự 2015, Đ.148 k.5), which is the day urging and
    lateness count from (engine.outcomes). A deadline counted in working days is always a working day.
    Registration, tasks added, a task adjusted and the Excel and edXML imports all warn by it."""
    calendar, found = WorkingCalendar.lazily_from_db(session), {}
    for n, item in enumerate(assignments, start=first):
        if item.get("deadline_days") not in (None, "") or not item.get("deadline"):
            continue
        try:
            day = forms.parse_date(item["deadline"])
        except forms.Invalid:
            continue  # refused by deadline_of, not warned of
        ends = calendar.effective_deadline(day)
        if ends != day:
            found[n] = forms.Message(
                "Assignment %(n)s: the deadline %(d)s is a day off; under Article 148 of the Civil Code it runs "
                "to the end of the next working day, %(ends)s.",
                {"n": n, "d": day.strftime("%d/%m/%Y"), "ends": ends.strftime("%d/%m/%Y")})
    return found


def _working_days(seq: int, value, field: str) -> int:
    """A whole number of working days within MAX_WORKING_DAYS (a form sends it as text; a long
    one is refused before int() spends time on it)."""
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and len(text) <= 6:
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WORKING_DAYS:
        raise AssignmentError(seq, field, "Assignment %(n)s: the number of working days must be a whole number "
                              "from 0 to %(max)s.", max=MAX_WORKING_DAYS)
    return value


def _user_id(session: Session, username: str | None) -> int | None:
    users = org.users_by_name(session, [username]) if username else []
    return users[0].id if users else None


def _date_or_none(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _doc_type(symbol: str) -> str:
    """'45/2016/QĐ-UBND' -> 'QĐ'; an official letter '123/UBND-VP' has no type: 'CV'."""
    tail = symbol.split("/")[-1]
    head = tail.split("-", 1)[0]
    return head if "-" in tail and head not in ("UBND", "VP", "HĐND") else "CV"


def create_assignments(session: Session, runtime, bundle, directive: Directive, items: list[dict],
                       actor: User | None) -> list[int]:
    """Create the assignment rows and start one assignment process each. The rows are written
    together, not task by task: on PostgreSQL one INSERT of the assignments, one of their units and
    one UPDATE naming their processes, where a notice of 107 tasks took 374 statements."""
    # A step between registration and here may have made a coordinating unit the lead (Gia Lai: the
    # Director's choice): the lead is never also coordinating.
    items = [{**item, "coordinating_units": [c for c in item.get("coordinating_units", []) if c != item["lead_unit"]]}
             for item in items]
    officers = {name: _user_id(session, name) for name in {item.get("follow_up_officer") for item in items}}
    assignments = [_new_assignment(session, directive, item, seq, officers[item.get("follow_up_officer")])
                   for seq, item in enumerate(items, start=1)]
    session.add_all(assignments)
    session.flush()
    instances = []
    for assignment, item in zip(assignments, items, strict=True):
        # What the assignment process (and the urging process it calls) reads.
        data = {"assignment_id": assignment.id, "directive_id": directive.id, "symbol": directive.symbol,
                "summary": directive.summary, "issued_on": directive.issued_on.isoformat(),
                "assigned_on": clock.today().isoformat(), "deadline": None, "deadline_kind": DeadlineKind.OPEN,
                "urgency": directive.urgency, "coordinating_deadlines": {}, **item,
                "coordinating_units": {c: c for c in item["coordinating_units"]}}
        instances.append(runtime.start(session, bundle, "assignment", data, actor=actor, directive_id=directive.id,
                                       assignment_id=assignment.id))
        day = assignment.original_deadline
        audit.record(session, "assignment.created", "assignment", assignment.id, actor=actor,
                     after={"lead_unit": item["lead_unit"], "deadline": day.isoformat() if day else None},
                     directive_id=directive.id, assignment_id=assignment.id)
    for assignment, instance in zip(assignments, instances, strict=True):
        assignment.instance_id = instance.id
    return [assignment.id for assignment in assignments]


def _new_assignment(session: Session, directive: Directive, item: dict, seq: int, officer_id: int | None
                    ) -> Assignment:
    """The row of the `seq`th task (its own `seq` when it has one), with its lead and coordinating units and
    its follow-up officer `officer_id` (the id of the one it names)."""
    deadline = Deadline.from_json(item.get("deadline"))
    day = deadline.date if deadline else None
    assignment = Assignment(
        directive_id=directive.id, seq=item.get("seq", seq), content=item["content"],
        lead_unit_id=org.require_unit(session, item["lead_unit"]).id,
        deadline_kind=item.get("deadline_kind", DeadlineKind.DATED if day else DeadlineKind.OPEN),
        original_deadline=day, urgency=item.get("urgency", directive.urgency),
        requires_report=bool(item.get("requires_report")), secret=bool(directive.secrecy),
        follow_up_officer_id=officer_id,
        upstream_deadline=day_of(item.get("upstream_deadline")), assigned_on=clock.today(), created_at=clock.now())
    ASSIGNMENT_DEADLINE.write(assignment, deadline)
    assignment.units.append(AssignmentUnit(unit_id=assignment.lead_unit_id, role="lead", deadline=day))
    own_deadlines = item.get("coordinating_deadlines") or {}
    for code in item["coordinating_units"]:
        assignment.units.append(AssignmentUnit(unit_id=org.require_unit(session, code).id, role="coordinating",
                                               deadline=day_of(own_deadlines.get(code)) or day))
    return assignment

"""Registering directives (vào sổ văn bản chỉ đạo) and reading assignments."""
from __future__ import annotations

from contextlib import nullcontext
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, forms
from engine.directives.models import URGENCIES, Assignment, AssignmentUnit, Directive
from engine.org import service as org
from engine.org.models import User
from engine.runtime.errors import EngineError
from engine.sandbox.helpers import current_calendar, working_deadline
from engine.secrecy import service as secrecy
from engine.working_days import WorkingCalendar

HEADER_FORM = "register_directive"


class DirectiveError(EngineError):
    pass


def register(engine, raw: dict, assignments: list[dict], actor: User,
             session: Session | None = None) -> Directive:
    """Register a directive and its assignments and start the ruleset's directive process,
    in one transaction. `raw` is checked against the ruleset's register_directive form.
    Pass `session` to make it part of a larger transaction (an import of many directives)."""
    with nullcontext(session) if session is not None else engine.db.session() as session:
        bundle = engine.current_bundle(session)
        compiled = engine.compiled(bundle)
        rules = secrecy.policy(compiled.settings)
        if secrecy.is_secret(raw) and not rules.store_content:
            raise DirectiveError("This regulation does not let the system keep the content of secret documents: "
                                 "record it in the secret-document register instead.")
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
        secrecy.add_directive_to_register(engine, session, bundle, directive, items, actor)
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
    coordinating = _coordinating(session, seq, item, lead)
    for code in [lead, *coordinating]:
        if org.unit_by_code(session, code) is None:
            raise DirectiveError("Assignment %(n)s: unknown unit %(code)s.", n=seq, code=code)
    urgency = item.get("urgency") or header.get("urgency") or "normal"
    if urgency not in URGENCIES:
        raise DirectiveError("Assignment %(n)s: unknown urgency %(u)s.", n=seq, u=urgency)
    officer = (item.get("follow_up_officer") or "").strip() or None
    if officer and not org.users_by_name(session, [officer]):
        raise DirectiveError("Assignment %(n)s: unknown follow-up officer %(name)s.", n=seq, name=officer)
    return {"seq": seq, "content": content, "lead_unit": lead, "coordinating_units": list(coordinating),
            "coordinating_deadlines": {code: due for code, due in coordinating.items() if due},
            "follow_up_officer": officer, "urgency": urgency, "requires_report": bool(item.get("requires_report")),
            **deadline_of(session, seq, item)}


def _coordinating(session: Session, seq: int, item: dict, lead: str) -> dict[str, object]:
    """Coordinating units (code -> own deadline or None), given as codes or as
    {"unit", "deadline" | "deadline_days"} items; the lead unit is never also coordinating."""
    units: dict[str, object] = {}
    for entry in item.get("coordinating_units") or []:
        spec = entry if isinstance(entry, dict) else {"unit": entry}
        code = str(spec.get("unit") or "").strip()
        if code and code != lead and code not in units:
            units[code] = deadline_of(session, seq, spec)["deadline"]
    return units


def deadline_of(session: Session, seq: int, item: dict) -> dict:
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


def _user_id(session: Session, username: str | None) -> int | None:
    users = org.users_by_name(session, [username]) if username else []
    return users[0].id if users else None


def _day_of(deadline) -> date | None:
    """The date of an ISO string or a working_deadline dict."""
    if not deadline:
        return None
    return date.fromisoformat(deadline["date"] if isinstance(deadline, dict) else deadline)


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
            follow_up_officer_id=_user_id(session, item.get("follow_up_officer")),
            assigned_on=clock.today(), created_at=clock.now())
        assignment.units.append(AssignmentUnit(unit_id=assignment.lead_unit_id, role="lead", deadline=day))
        own_deadlines = item.get("coordinating_deadlines") or {}
        for code in item.get("coordinating_units", []):
            assignment.units.append(AssignmentUnit(unit_id=org.require_unit(session, code).id,
                                                   role="coordinating",
                                                   deadline=_day_of(own_deadlines.get(code)) or day))
        session.add(assignment)
        session.flush()
        # What the assignment process (and the urging process it calls) reads.
        data = {"assignment_id": assignment.id, "directive_id": directive.id, "symbol": directive.symbol,
                "summary": directive.summary, "issued_on": directive.issued_on.isoformat(),
                "assigned_on": clock.today().isoformat(), "deadline": None, "deadline_kind": "open",
                "urgency": directive.urgency, "coordinating_deadlines": {}, **item,
                "coordinating_units": {c: c for c in item.get("coordinating_units", [])}}
        instance = runtime.start(session, bundle, "assignment", data, actor=actor, directive_id=directive.id,
                                 assignment_id=assignment.id)
        assignment.instance_id = instance.id
        audit.record(session, "assignment.created", "assignment", assignment.id, actor=actor,
                     after={"lead_unit": item["lead_unit"], "deadline": day.isoformat() if day else None},
                     directive_id=directive.id, assignment_id=assignment.id)
        ids.append(assignment.id)
    return ids

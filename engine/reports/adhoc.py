"""Ad-hoc reports (báo cáo đột xuất: Đắk Lắk Đ.19 k.4, Đ.20 k.1; Cần Thơ Đ.10–11; Quỳnh Nhai
Đ.16 k.4, Đ.17 k.1; Gia Lai Đ.8 k.3, Đ.9 k.1): the office or the leader asks chosen units
for a report on a topic by a day; adhoc_report.bpmn gives the units their work items and
reminders, and the office's report then goes the way of a periodic one."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock, forms
from engine.errors import EngineError, Forbidden, NotFound
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.reports.models import AD_HOC, PeriodicReport
from engine.text import clean_text
from engine.working_days import WorkingCalendar

PURPOSE = "adhoc_report"
MAX_TOPIC = 2000


class AdhocReportError(EngineError):
    """A refused request, naming the field at fault."""

    def __init__(self, field: str, message: str, **params):
        super().__init__(message, **params)
        self.field = field


def request_report(engine, raw: dict, actor: User) -> PeriodicReport:
    """Ask `units` (codes) for a report on `topic` by `due`; the office reports to the leader
    by `office_due`. Starts adhoc_report.bpmn; returns the report's record."""
    topic = clean_text(str(raw.get("topic") or "")).strip()
    if not topic:
        raise AdhocReportError("topic", "Say what the report is about.")
    if len(topic) > MAX_TOPIC:
        raise AdhocReportError("topic", "At most %(count)s characters.", count=MAX_TOPIC)
    due = _day(raw, "due", clock.today())
    office_due = _day(raw, "office_due", due)
    codes = raw.get("units")
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise AdhocReportError("units", "Choose at least one unit.")
    codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if not codes:
        raise AdhocReportError("units", "Choose at least one unit.")
    with engine.db.session() as session:
        user = session.get_one(User, actor.id)
        if not permissions.may_request_adhoc_report(user):
            raise Forbidden("You may not ask units for an ad-hoc report.")
        body = permissions.users_body(session, user)
        collecting = _collecting(session, body)
        for unit in _named_units(session, body, codes):
            if not unit.is_valid_on(due):  # a reorganised unit: nobody would answer; its successor reports
                raise AdhocReportError("units", "%(name)s is no longer in force on %(day)s: ask the unit that "
                                       "replaced it.", name=unit.name, day=due.strftime("%d/%m/%Y"))
            if unit.id in collecting:
                raise AdhocReportError("units", "%(name)s receives the units' reports: choose the units that report.",
                                       name=unit.name)
        calendar = WorkingCalendar.lazily_from_db(session)
        for field, day in (("due", due), ("office_due", office_due)):
            if not calendar.is_working_day(day):
                raise AdhocReportError(field, "%(day)s is a day off: choose a working day.",
                                       day=day.strftime("%d/%m/%Y"))
        bundle = engine.current_bundle(session)
        compiled = engine.compiled(bundle)
        if compiled.process_id(PURPOSE) not in compiled.specs:
            raise NotFound("The ruleset has no ad-hoc report process.")
        request = {"topic": topic, "units": codes, "due": due.isoformat(), "office_due": office_due.isoformat()}
        start = {"request": request, **_named_body(session, body)}
        instance = engine.runtime.start(session, bundle, PURPOSE, start, actor=user)
        return session.scalars(select(PeriodicReport).where(PeriodicReport.instance_id == instance.id,
                                                            PeriodicReport.period == AD_HOC)).one()


def _named_units(session: Session, body: Unit, codes: list[str]) -> list[Unit]:
    """The units `codes` name, each known and one of `body`'s (a commune's office asks its own sections)."""
    units = org.units_by_codes(session, codes,
                               lambda code: AdhocReportError("units", "Unknown unit %(code)s.", code=code))
    outside = permissions.units_outside(session, body, units)
    if outside:
        raise AdhocReportError("units", "%(name)s is not a unit of the issuing body %(body)s.",
                               name=outside[0].name, body=body.name)
    return units


def askable_units(session: Session, user: User) -> list[Unit]:
    """The units in force the office of `user`'s body may ask an ad-hoc report of, by name: a commune's
    office its own sections, the province's any unit."""
    body = permissions.users_body(session, user)
    collecting, own = _collecting(session, body), permissions.body_units(session, body)
    return [unit for unit in session.scalars(select(Unit).where(Unit.valid_to.is_(None)).order_by(Unit.name))
            if unit.id not in collecting and (own is None or unit.id in own)]


def _collecting(session: Session, body: Unit) -> set[int]:
    """The body and its office (the province's root unit and tracking office; a commune's own unit): they
    receive the units' reports, the office consolidating them."""
    return {unit.id for unit in (org.body_office(session, body), body) if unit}


def _named_body(session: Session, body: Unit) -> dict[str, str]:
    """The start data naming a body other than the home body, whose office and leader do the report's steps."""
    return {permissions.BODY_VARIABLE: body.code} if permissions.other_than_home(session, body) else {}


def _day(raw: dict, field: str, not_before: date) -> date:
    try:
        day = forms.parse_date(raw.get(field))
    except forms.Invalid as error:
        raise AdhocReportError(field, error.message.text, **error.message.params) from None
    if day < not_before:
        raise AdhocReportError(field, "The day may not be before %(day)s.", day=not_before.strftime("%d/%m/%Y"))
    return day

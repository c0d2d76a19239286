"""What periodic_report.bpmn, adhoc_report.bpmn and office_report.bpmn call: the operators
that open a reporting period or an ad-hoc request (and tell the units), remind the units that
have not reported, keep each unit's report, record the office's consolidation, and the
leader's sending back or the issue of the report; the helper `next_periodic_report`; and the
check of a ruleset's `[[report_calendar]]`."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import String, cast, func, or_, select, true
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.audit import AuditEntry
from engine.directives.models import Assignment, AssignmentStatus, tasks_given
from engine.forms import Message
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.org import service as org
from engine.org.models import ROLES, Unit, User
from engine.org.permissions import Sealed
from engine.reports.calendar import (
    SENDERS,
    ReportPeriod,
    calendar_problems,
    due_date,
    next_report,
    paper_report_day,
    periods_in_year,
)
from engine.reports.models import AD_HOC, PERIODS, PeriodicReport, PeriodicReportStatus, UnitReport
from engine.rulesets.models import instance_settings
from engine.rulesets.settings import FLAG, TEXT, WORKING_DAYS, settings_check, settings_schema
from engine.runtime.models import WorkItem, WorkItemStatus
from engine.sandbox.helpers import as_day, bounded_helper, calendar_of_step, current_settings, helper, today
from engine.sandbox.operators import OPERATORS, StepContext

settings_check("report_calendar")(calendar_problems)
# The types of each [[report_calendar]] entry; what the values may be is calendar_problems'.
# The `examples` are what the modeler's settings form offers (engine/rulesets/settings_form.py).
settings_schema("report_calendar", {"period": {**TEXT, "examples": list(PERIODS)},
                                    "sender": {**TEXT, "examples": list(SENDERS)}, "day": {"type": "integer"},
                                    "month": {"type": ["string", "integer"]}, "article": TEXT}, array=True)
# [reports]: read by periodic_report.bpmn (periodic, remind_before), engine.reports.calendar
# (cut_off_day), engine.reports.service (place), the issue below (symbol, send_to, send_to_unit, publish)
# and the keeping of a unit's report (unit_reports_to_unit, unit_reports_article).
settings_schema("reports", {"remind_before": WORKING_DAYS, "place": TEXT, "periodic": FLAG, "symbol": TEXT,
                            "cut_off_day": {"type": "integer"},
                            "send_to": {"type": "array", "items": TEXT}, "send_to_unit": TEXT, "publish": FLAG,
                            "unit_reports_to_unit": TEXT, "unit_reports_article": TEXT})
SEND_TO_UNITS = "units"     # [reports] send_to: the units that were asked to report
DEFAULT_SEND_TO = (*permissions.REPORT_RECIPIENTS, SEND_TO_UNITS)
DEFAULT_SYMBOL = "BC-VP"    # báo cáo của Văn phòng


@settings_check("reports")
def _send_to_problems(settings: dict) -> list[Message]:
    return [Message("Reports are sent to %(name)s, which is neither a role nor %(units)s.",
                    {"name": name, "units": SEND_TO_UNITS})
            for name in (settings.get("reports") or {}).get("send_to", [])
            if name != SEND_TO_UNITS and name not in ROLES]


@settings_check("reports")
def _cut_off_problems(settings: dict) -> list[Message]:
    day = (settings.get("reports") or {}).get("cut_off_day")
    return [] if day is None or 1 <= day <= 31 else [Message("The cut-off day of the reports' figures must be a "
                                                             "number from 1 to 31.")]


@bounded_helper
def before_period_day(moment, period: str, day: int) -> str:
    """The last day something due "trước ngày D" (before day D) of the last month of a
    reporting period may arrive, counted as the report calendar counts its entries (D − 1, or
    the working day before it when that is a day off): in the period `moment` falls in or,
    when that day is already past, the next one. The deadline shapes of the modeler use it
    (engine.rulesets.deadline_forms)."""
    start = as_day(moment)
    entry = {"day": int(day) - 1, "month": "last"}
    for year in (start.year, start.year + 1):
        for first, last in periods_in_year(period, year):
            if last >= start and (due := due_date(entry, first, last, calendar_of_step())) >= start:
                return due.isoformat()
    raise ValueError(f"no {period} period after {start}")


@helper
def next_periodic_report(after=None) -> dict:
    """The next periodic report of the ruleset's [[report_calendar]] whose units' due day
    comes after `after` (a day, default today), or after the report `after` (the last one asked
    for: another due the same day comes after it): {"period", "label", "start", "end",
    "unit_due", "office_due", "article", "unit_article"} (see engine.reports.calendar)."""
    settings, working = current_settings.get() or {}, calendar_of_step()
    if isinstance(after, dict):
        return next_report(settings, as_day(after["unit_due"]), working, after["period"]).as_dict()
    return next_report(settings, as_day(after or today()), working).as_dict()


@helper
def paper_report_due(end) -> str:
    """The day the paper report of a period ending on `end` is due (calendar.paper_report_day)."""
    return paper_report_day(current_settings.get() or {}, as_day(end), calendar_of_step()).isoformat()


def find_report(session: Session, ruleset: str, report: dict, body: Unit | None = None) -> PeriodicReport | None:
    """The record of `report`: the one its id names (a body's report of the calendar, an ad-hoc one),
    else the period's report of `body` (None: the home body's, as every period recorded before bodies)."""
    if report.get("id"):
        return session.get(PeriodicReport, report["id"])
    return session.scalar(select(PeriodicReport).where(
        PeriodicReport.ruleset == ruleset, PeriodicReport.period == report["period"],
        PeriodicReport.period_start == date.fromisoformat(report["start"]),
        PeriodicReport.body_id == body.id if body is not None else PeriodicReport.body_id.is_(None)))


def reporting_units(session: Session, start: date, end: date, body: Unit | None = None) -> list[Unit]:
    """The units answering for an assignment in hand during the period (assigned by its end, not
    done before it began): its lead unit, or the unit that replaced it by the period's end (a
    pre-2025 commune's new ward). Assignments given to the units, not the shares a unit passed to
    its own sections: the unit reports for them. Only the tasks of `body`'s directives (None: the home
    body's, the province's): a commune's own directives are its office's report, not the province's."""
    a = Assignment
    issuer = body or org.home_body(session)
    of_body = permissions.issued_by(session, issuer, on=end) if issuer is not None else None
    unit_ids = select(a.lead_unit_id).where(
        a.status != AssignmentStatus.CANCELLED, a.assigned_on <= end, a.lead_unit_id.is_not(None),
        tasks_given(), or_(a.completed_on.is_(None), a.completed_on >= start),
        *([of_body] if of_body is not None else [])).distinct()
    units = {org.in_force(session, unit, end) for unit in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    return sorted(units, key=lambda unit: unit.code)


def reporting_bodies(session: Session, start: date, end: date) -> list[tuple[Unit | None, list[Unit]]]:
    """The bodies whose office reports on the period, each with the units it asks: the home body (None)
    always, as before bodies; then, by code, each other unit marked an issuing body (a commune) in force on
    the period's last day whose own directives gave a unit a task in hand during the period. A commune with
    none gets no report: nobody would be asked, and its leader would be given an empty report to approve
    each period. A commune merged away (its end date, valid_to, on or before that day) gets none either,
    also for the period it ended in: its committee no longer issues papers when the report is made."""
    home = org.home_body(session)
    others = session.scalars(select(Unit).where(Unit.is_issuing_body.is_(True),
                                                *([Unit.id != home.id] if home is not None else []),
                                                Unit.is_valid_on(end))
                             .order_by(Unit.code))
    asked = [(body, reporting_units(session, start, end, body)) for body in others]
    return [(None, reporting_units(session, start, end)), *((body, units) for body, units in asked if units)]


def _report_row(ctx: StepContext, report: dict) -> PeriodicReport:
    """The report's record: an ad-hoc report's dict, and a body's of the calendar, carry its id; a period of
    a diagram before bodies is looked up (the home body's)."""
    row = find_report(ctx.session, ctx.bundle.settings["id"], report)
    if row is None:
        raise LookupError(f"periodic report {report.get('label')} was not opened")
    return row


@OPERATORS.register("periodic_report.open_bodies", required=("report",))
def open_bodies(ctx: StepContext, data: dict, params: dict) -> list[dict]:
    """Open the period's report of each body that reports on it (`reporting_bodies`: the province's, and
    each commune's with tasks of its own directives in hand) and ask each its units; returns, for the
    diagram's multi-instance sub-process, each body's report: the period's dict with the record's `id`,
    the `units` asked (codes) and the body (`issuing_body`: its code, None for the home body), whose
    office consolidates it and whose leader approves it."""
    report = params["report"]
    bodies = reporting_bodies(ctx.session, date.fromisoformat(report["start"]), date.fromisoformat(report["end"]))
    return [_open_for(ctx, report, body, units) for body, units in bodies]


@OPERATORS.register("periodic_report.open", required=("report",))
def open_period(ctx: StepContext, data: dict, params: dict) -> list[str]:
    """The home body's report alone, for a calendar still running a diagram of before bodies (it moves to
    the new version between two periods, engine.reports.service.move_schedule): its units' codes."""
    report = params["report"]
    units = reporting_units(ctx.session, date.fromisoformat(report["start"]), date.fromisoformat(report["end"]))
    return _open_for(ctx, report, None, units)["units"]


def _open_for(ctx: StepContext, report: dict, body: Unit | None, units: list[Unit]) -> dict:
    """Create the period's record of `body` (once) and ask each of `units` for its report."""
    row = find_report(ctx.session, ctx.bundle.settings["id"], report, body)
    if row is None:
        row = PeriodicReport(ruleset=ctx.bundle.settings["id"], period=report["period"],
                             period_start=date.fromisoformat(report["start"]),
                             period_end=date.fromisoformat(report["end"]),
                             unit_due=date.fromisoformat(report["unit_due"]),
                             office_due=date.fromisoformat(report["office_due"]),
                             article=report.get("article") or None, instance_id=ctx.instance.id,
                             counted_from=_day_or_none(report.get("counted_from")),
                             counted_to=_day_or_none(report.get("counted_to")), created_at=clock.now(),
                             body_id=body.id if body is not None else None)
        ctx.session.add(row)
        ctx.session.flush()
        audit.record(ctx.session, "periodic_report.opened", "periodic_report", row.id, actor=ctx.actor,
                     after={**report, **({"body": body.code} if body is not None else {})})
    # Kept: the report names as missing only the units asked now, not one that received its first
    # task later in the period (the period opens days before it ends) and was never asked.
    row.asked_units = [unit.code for unit in units]
    for unit in units:
        _ask(ctx, row, unit, "periodic_report", report["label"])
    return {**report, "id": row.id, "units": row.asked_units, "asked_by": _asking_body_name(ctx, row),
            permissions.BODY_VARIABLE: body.code if body is not None else None}


def _day_or_none(value: str | None) -> date | None:
    """A report planned before its counted window was (a running schedule's): None."""
    return date.fromisoformat(value) if value else None


def _ask(ctx: StepContext, row: PeriodicReport, unit: Unit, kind: str, label: str, at: str = "") -> None:
    """Tell the unit's report writers what is asked of them and by when (`at`: which of a
    report's several notices of one kind this is)."""
    notify_users(ctx.session, permissions.report_writers(ctx.session, unit.id), kind, directive=None,
                 assignment=None, link=f"/reports/periodic/{row.id}", dedup_key=f"{kind}:{row.id}{at}",
                 label=label, due=row.unit_due.strftime("%d/%m/%Y"), unit=unit.name, topic=row.topic or "",
                 asked_by=_asking_body_name(ctx, row))


def _asking_body_name(ctx: StepContext, row: PeriodicReport) -> str:
    """Who asks for the report: a unit asked the same period by the province and by the commune whose
    section it also answers for (a ward's officer) tells the two requests apart by it."""
    body = _body(ctx, row) or org.home_body(ctx.session)
    return body.name if body is not None else ""


def adhoc_label(topic: str) -> str:
    return f"đột xuất về {topic}"


@OPERATORS.register("adhoc_report.open", required=("request",))
def open_adhoc(ctx: StepContext, data: dict, params: dict) -> dict:
    """Record an ad-hoc request (once per instance) and tell the units asked; returns the
    report dict the rest of the diagram reads (its id, label, dues, units)."""
    request = params["request"]
    row = ctx.session.scalar(select(PeriodicReport).where(PeriodicReport.instance_id == ctx.instance.id))
    if row is None:
        due = date.fromisoformat(request["due"])
        row = PeriodicReport(ruleset=ctx.bundle.settings["id"], period=AD_HOC, period_start=clock.today(),
                             period_end=due, unit_due=due, office_due=date.fromisoformat(request["office_due"]),
                             topic=request["topic"], asked_units=list(request["units"]), body_id=_named_body(ctx, data),
                             requested_by=getattr(ctx.actor, "id", None), instance_id=ctx.instance.id,
                             created_at=clock.now())
        ctx.session.add(row)
        ctx.session.flush()
        audit.record(ctx.session, "adhoc_report.requested", "periodic_report", row.id, actor=ctx.actor,
                     after=request)
        for code in row.asked_units or []:
            _ask(ctx, row, org.require_unit(ctx.session, code), "adhoc_report", adhoc_label(row.topic or ""))
    return {"id": row.id, "period": AD_HOC, "label": adhoc_label(row.topic or ""), "topic": row.topic,
            "units": list(row.asked_units or []), "unit_due": row.unit_due.isoformat(),
            "office_due": row.office_due.isoformat(), "article": ""}


def _named_body(ctx: StepContext, data: dict) -> int | None:
    """The body the instance names (a commune office's request: engine.reports.adhoc); None, the home body."""
    code = data.get(permissions.BODY_VARIABLE)
    return org.require_unit(ctx.session, code).id if code else None


def _body(ctx: StepContext, row: PeriodicReport) -> Unit | None:
    return permissions.recorded_body(ctx.session, row.body_id)


@OPERATORS.register("adhoc_report.remind", required=("report", "unit"))
def remind_adhoc(ctx: StepContext, data: dict, params: dict) -> dict:
    """The working day before the due day, a unit that has not answered is reminded."""
    row = _report_row(ctx, params["report"])
    _ask(ctx, row, org.require_unit(ctx.session, params["unit"]), "adhoc_report_reminder", params["report"]["label"])
    return {"unit": params["unit"]}


# The urging events periodic_report.bpmn sends for the units' due day, and the notices they are.
REPORT_NOTICES = {"reminder": "periodic_report_reminder", "due_today": "periodic_report_due_today"}


@OPERATORS.register("periodic_report.remind", required=("report", "notice"))
def remind_periodic(ctx: StepContext, data: dict, params: dict) -> list[str]:
    """Remind the units each body's report of the period asked that have not sent theirs yet (a `notice`
    of next_urging); none once their due day is past (a server back after it: the collection is closing)."""
    if clock.today() > date.fromisoformat(params["report"]["unit_due"]):
        return []
    return [code for row in _period_rows(ctx, params["report"]) for code in _remind(ctx, row, params)]


def _period_rows(ctx: StepContext, report: dict) -> list[PeriodicReport]:
    """Every body's report of the period `report` that this calendar opened."""
    return list(ctx.session.scalars(select(PeriodicReport).where(
        PeriodicReport.instance_id == ctx.instance.id, PeriodicReport.period == report["period"],
        PeriodicReport.period_start == date.fromisoformat(report["start"])).order_by(PeriodicReport.id)))


def _remind(ctx: StepContext, row: PeriodicReport, params: dict) -> list[str]:
    """Remind the units `row` asked that have not reported; their codes."""
    reported = set(ctx.session.scalars(select(Unit.code).join(UnitReport, UnitReport.unit_id == Unit.id).where(
        UnitReport.periodic_report_id == row.id)))
    units = [code for code in row.asked_units or [] if code not in reported]
    notice = params["notice"]
    for code in units:
        _ask(ctx, row, org.require_unit(ctx.session, code), REPORT_NOTICES[notice["kind"]], params["report"]["label"],
             at=f":{notice['covers']}")
    return units


@OPERATORS.register("periodic_report.unit_report", required=("report", "unit"),
                        optional=("results", "difficulties", "proposals", "attachments", "secret"))
def keep_unit_report(ctx: StepContext, data: dict, params: dict) -> dict:
    """Keep a unit's report, with the files it was sent with (their digests: the form checked that the
    sender may attach them) and whether the unit marked it secret (mật)."""
    row = _report_row(ctx, params["report"])
    unit = org.require_unit(ctx.session, params["unit"])
    submission = ctx.session.scalar(select(UnitReport).where(UnitReport.periodic_report_id == row.id,
                                                             UnitReport.unit_id == unit.id))
    if submission is None:
        submission = UnitReport(periodic_report_id=row.id, unit_id=unit.id, submitted_at=clock.now())
        ctx.session.add(submission)
    submission.user_id = getattr(ctx.actor, "id", None)
    submission.results = params.get("results") or None
    submission.difficulties = params.get("difficulties") or None
    submission.proposals = params.get("proposals") or None
    submission.attachments = list(params.get("attachments") or [])
    submission.secret = bool(params.get("secret"))
    submission.submitted_at = clock.now()
    ctx.session.flush()
    audit.record(ctx.session, "periodic_report.unit_submitted", "periodic_report", row.id, actor=ctx.actor,
                 after={"unit": unit.code, "files": len(submission.attachments), "secret": submission.secret})
    _tell_also_sent_to(ctx, row, unit)
    return {"unit_report": submission.id}


def _tell_also_sent_to(ctx: StepContext, row: PeriodicReport, unit: Unit) -> None:
    """A unit reports to the office and to the unit `unit_reports_code` names (Quỳnh Nhai Đ.6 k.2: Phòng Nội vụ,
    which assesses the units by their reports): its staff are told that the unit sent it, to whom and under
    which article — not what it says, which may be secret —, with the report's page, where they read it
    (reads_every_unit_report). That unit's own report is not sent to itself."""
    code = unit_reports_code(ctx.session, ctx.bundle.settings, _body(ctx, row))
    if code is None or code == unit.code:
        return
    also = _named_unit(ctx, row, code, "unit_reports_to_unit", "periodic_report.unit_reports_unit_missing")
    if also is None:
        return
    office = org.tracking_office(ctx.session)
    notify_users(ctx.session, permissions.unit_staff(ctx.session, also.id), "unit_report_sent", directive=None,
                 assignment=None, link=f"/reports/periodic/{row.id}", dedup_key=f"unit_report_sent:{row.id}:{unit.id}",
                 label=report_label(row), unit=unit.name,
                 sent_to=" và ".join([*([office.name] if office is not None else []), also.name]),
                 article=(ctx.bundle.settings.get("reports") or {}).get("unit_reports_article") or "")


def read_as_sent(session: Session, row: PeriodicReport, user: User) -> bool:
    """Whether `user` reads the issued report `row` as it was sent — every unit's figures and
    nothing of secret documents, as the public reads a published one — rather than within their
    own units: the staff of the council unit it was sent to (`council_code` of the ruleset version
    that issued it: a home body's report; Quỳnh Nhai Đ.16 k.2, Đ.19 k.2)."""
    if row.status != PeriodicReportStatus.ISSUED:
        return False
    code = council_code(session, instance_settings(session, row.instance_id),
                        permissions.recorded_body(session, row.body_id))
    return permissions.is_staff_of(session, user, code)


def reads_every_unit_report(session: Session, row: PeriodicReport, user: User) -> bool:
    """Whether `user` reads the reports of every unit `row` asked, not only their own units': the council reading
    the issued report as sent (read_as_sent), and the staff of the unit the units send their reports to besides
    the office (receives_unit_reports), as soon as they are sent — to read, not to write or consolidate (their
    steps are the units' and the office's)."""
    return read_as_sent(session, row, user) or receives_unit_reports(session, row, user)


def receives_unit_reports(session: Session, row: PeriodicReport, user: User) -> bool:
    """Whether `user` is of the staff of the unit the units send their reports of `row` to besides the office
    (`unit_reports_code` of the ruleset version `row` runs on; Quỳnh Nhai Đ.6 k.2, Phòng Nội vụ)."""
    code = unit_reports_code(session, instance_settings(session, row.instance_id),
                             permissions.recorded_body(session, row.body_id))
    return permissions.is_staff_of(session, user, code)


def may_read_unit_report(session: Session, user: User, row: PeriodicReport, submission: UnitReport) -> bool:
    """Who reads a unit's report whole — its text and the files it was sent with: its sender; whoever reads that
    report on the report's page — its body's readers (permissions.may_see_office_report) within their own units,
    or those reading every unit's (reads_every_unit_report) —, and of a report marked secret (mật) only the
    readers of secret records (permissions.may_read_secret_of_unit, the rule of every secret record about no
    directive). The others see that the unit sent a secret report, not what it says (engine.reports.service)."""
    if submission.user_id == user.id:
        return True
    if not permissions.may_see_office_report(session, user, row.body_id):
        return False
    if not (permissions.acts_for_unit(session, user, submission.unit_id)
            or reads_every_unit_report(session, row, user)):
        return False
    return not submission.secret or permissions.may_read_secret_of_unit(
        session, user, instance_settings(session, row.instance_id), submission.unit_id)


def _reads_unit_report_file(session: Session, user: User, sha256: str) -> bool:
    found = session.execute(select(UnitReport, PeriodicReport).join(
        PeriodicReport, PeriodicReport.id == UnitReport.periodic_report_id).where(
        cast(UnitReport.attachments, String).contains(sha256)))
    return any(sha256 in (submission.attachments or []) and may_read_unit_report(session, user, row, submission)
               for submission, row in found)


permissions.declare_file_readers(_reads_unit_report_file)


def _unread_report_processes(session: Session, user: User, instance_ids: Collection[int]) -> dict[int, Sealed]:
    """The office reports' processes among `instance_ids` holding a unit's secret report `user` may not read
    (may_read_unit_report), each with what is sealed: the report's text and file digests — in the unit's step's
    data, which flows on to the office's steps — and the unit's steps in that process (their history). A report
    sent secret whose keeping failed is sealed as a kept one is (_secret_not_kept)."""
    found = [*session.execute(select(UnitReport, PeriodicReport).join(
        PeriodicReport, PeriodicReport.id == UnitReport.periodic_report_id).where(
        PeriodicReport.instance_id.in_(list(instance_ids)), UnitReport.secret.is_(True))),
        *_secret_not_kept(session, instance_ids)]
    sealed: dict[int, Sealed] = {}
    for submission, row in found:
        if row.instance_id is None or may_read_unit_report(session, user, row, submission):
            continue
        words = (submission.results, submission.difficulties, submission.proposals, *submission.attachments)
        steps = session.scalars(select(WorkItem.id).where(WorkItem.instance_id == row.instance_id,
                                                          WorkItem.unit_id == submission.unit_id))
        sealed[row.instance_id] = sealed.get(row.instance_id, Sealed()) | Sealed(
            frozenset(word for word in words if word and word.strip()), frozenset(steps))
    return sealed


def _secret_not_kept(session: Session, instance_ids: Collection[int]) -> list[tuple[UnitReport, PeriodicReport]]:
    """The units' reports sent marked secret in the office reports' processes among `instance_ids` that no
    UnitReport keeps: the step keeping it failed (an incident), its words stand only in the data the unit's step
    was completed with (its history, the failed step's data). Each as that step keeps it (the diagrams'
    parameters of periodic_report.unit_report), not saved, with the report that asked the unit."""
    rows = session.scalars(select(PeriodicReport).where(PeriodicReport.instance_id.in_(list(instance_ids)))).all()
    items = {str(item.id): item for item in session.scalars(select(WorkItem).where(
        WorkItem.instance_id.in_({row.instance_id for row in rows}), WorkItem.unit_id.is_not(None),
        WorkItem.status == WorkItemStatus.COMPLETED))}
    if not items:
        return []
    kept = {(report_id, unit_id) for report_id, unit_id in session.execute(
        select(UnitReport.periodic_report_id, UnitReport.unit_id).where(
            UnitReport.periodic_report_id.in_([row.id for row in rows])))}
    sent = session.execute(select(AuditEntry.object_id, AuditEntry.after).where(
        AuditEntry.action == "work_item.completed", AuditEntry.object_type == "work_item",
        AuditEntry.object_id.in_(list(items))))
    found = []
    for item_id, after in sent:
        data, item = (after or {}).get("data") or {}, items[item_id]
        if not data.get("report_secret"):
            continue
        row = _asking(session, rows, item)
        if (row.id, item.unit_id) not in kept:
            found.append((UnitReport(
                periodic_report_id=row.id, unit_id=item.unit_id, user_id=item.completed_by,
                results=data.get("results"), difficulties=data.get("difficulties"), proposals=data.get("proposals"),
                attachments=list(data.get("report_files") or []), secret=True), row))
    return found


def _asking(session: Session, rows: Sequence[PeriodicReport], item: WorkItem) -> PeriodicReport:
    """The report among `rows` that asked `item`'s unit: of `item`'s process, the body's whose units it asked (a
    period's process holds one per body); a report kept before the units asked were is its process's only one."""
    mine = [row for row in rows if row.instance_id == item.instance_id]
    code = session.get_one(Unit, item.unit_id).code
    return next((row for row in mine if code in (row.asked_units or [])), mine[0])


permissions.declare_instance_secrets(_unread_report_processes)


@OPERATORS.register("periodic_report.consolidate", required=("report",), optional=("summary",))
def consolidate(ctx: StepContext, data: dict, params: dict) -> dict:
    row = _report_row(ctx, params["report"])
    row.summary = params.get("summary") or None
    row.status = PeriodicReportStatus.CONSOLIDATED
    row.consolidated_by = getattr(ctx.actor, "id", None)
    row.consolidated_at = clock.now()
    audit.record(ctx.session, "periodic_report.consolidated", "periodic_report", row.id, actor=ctx.actor,
                 after={"status": row.status})
    _tell(ctx, row, permissions.body_holders(ctx.session, permissions.LEADER, _body(ctx, row)), "office_report_review")
    return {"periodic_report": row.id}


@OPERATORS.register("office_report.send_back", required=("report",), optional=("note",))
def send_back(ctx: StepContext, data: dict, params: dict) -> dict:
    """The leader returns the report to the office for revision, with what to change."""
    row = _report_row(ctx, params["report"])
    row.status = PeriodicReportStatus.RETURNED
    row.review_note = params.get("note") or None
    row.reviewed_by = getattr(ctx.actor, "id", None)
    audit.record(ctx.session, "office_report.returned", "periodic_report", row.id, actor=ctx.actor,
                 after={"note": row.review_note})
    # those who consolidate it again: the office as a body, its clerks and its head
    _tell(ctx, row, permissions.holders_in(ctx.session, permissions.OFFICE_BODY, None, _body(ctx, row)),
          "office_report_returned",
          note=row.review_note or "")
    return {"periodic_report": row.id}


def council_code(session: Session, settings: dict, body: Unit | None) -> str | None:
    """The code of the council an issued report of `body` (None: the home body's) is also sent to: `[reports]
    send_to_unit` of the ruleset version issuing it, for the home body's report only (`_of_home_body`: Quỳnh
    Nhai Đ.16 k.2, Đ.19 k.2, the district's report to the district's emulation council); a commune's goes to its
    own `send_to`, as its heading says."""
    return _of_home_body(session, body, (settings.get("reports") or {}).get("send_to_unit"))


def unit_reports_code(session: Session, settings: dict, body: Unit | None) -> str | None:
    """The code of the unit the units' reports to the office of `body` (None: the home body) also go to:
    `[reports] unit_reports_to_unit` (Quỳnh Nhai Đ.6 k.2: the Văn phòng and Phòng Nội vụ), for the home body's
    reports only (`_of_home_body`): a commune's sections report to their commune's office alone."""
    return _of_home_body(session, body, (settings.get("reports") or {}).get("unit_reports_to_unit"))


def _of_home_body(session: Session, body: Unit | None, code: str | None) -> str | None:
    """The unit `code` a `[reports]` key names, for the reports of the home body only: the regulations name the
    reports of their own tier (the district's office and units) and predate communes' own reports."""
    return None if permissions.other_than_home(session, body) else code or None


@OPERATORS.register("office_report.issue", required=("report",))
def issue(ctx: StepContext, data: dict, params: dict) -> dict:
    """The approved report is issued: the next number of the year under [reports] symbol,
    today's date; sent to [reports] send_to (and the home body's to send_to_unit: `council_code`); published
    when [reports] publish is true."""
    row = _report_row(ctx, params["report"])
    if row.status != PeriodicReportStatus.ISSUED:  # a retried step does not issue twice
        settings = ctx.bundle.settings.get("reports") or {}
        row.issued_on = clock.today()
        row.number = f"{_issued_in(ctx.session, _body(ctx, row), row.issued_on.year) + 1}/" \
                     f"{settings.get('symbol') or DEFAULT_SYMBOL}"
        row.status = PeriodicReportStatus.ISSUED
        row.reviewed_by = getattr(ctx.actor, "id", None)
        row.published = bool(settings.get("publish", False))
        audit.record(ctx.session, "office_report.issued", "periodic_report", row.id, actor=ctx.actor,
                     after={"number": row.number, "published": row.published})
        users = recipients(ctx.session, row, settings.get("send_to", DEFAULT_SEND_TO))
        code = council_code(ctx.session, ctx.bundle.settings, _body(ctx, row))
        council = _named_unit(ctx, row, code, "send_to_unit", "office_report.council_missing") if code else None
        if council is not None:
            users += permissions.unit_staff(ctx.session, council.id)
        _tell(ctx, row, users, "office_report_issued", number=row.number,
              issued_on=row.issued_on.strftime("%d/%m/%Y"))
    return {"number": row.number, "issued_on": row.issued_on.isoformat() if row.issued_on else None}


def _named_unit(ctx: StepContext, row: PeriodicReport, code: str, key: str, missing: str) -> Unit | None:
    """The unit `[reports] key` names by `code` (an emulation council, Phòng Nội vụ); a deployment without that
    unit sends the report to the others, and the audit log says so (the action `missing`)."""
    unit = org.unit_by_code(ctx.session, code)
    if unit is None:
        audit.record(ctx.session, missing, "periodic_report", row.id, actor=ctx.actor, after={key: code})
    return unit


def _issued_in(session: Session, body: Unit | None, year: int) -> int:
    """The reports the office of `body` issued in `year`, under any ruleset: its numbers restart each
    calendar year, not when the deployment switches rulesets (a province merged on 1/7/2025), and a
    commune's office numbers its own."""
    of_body = permissions.recorded_by(session, body, PeriodicReport.body_id) if body is not None else true()
    return session.scalar(select(func.count()).select_from(PeriodicReport).where(
        PeriodicReport.status == PeriodicReportStatus.ISSUED, of_body,
        PeriodicReport.issued_on >= date(year, 1, 1), PeriodicReport.issued_on <= date(year, 12, 31))) or 0


def recipients(session: Session, row: PeriodicReport, send_to) -> list[User]:
    """Who an issued report goes to: the holders of each role named, and for "units" the
    report writers of the units asked (an ad-hoc report's) or that reported (a period's)."""
    body = permissions.recorded_body(session, row.body_id)
    users = [user for name in send_to if name != SEND_TO_UNITS
             for user in permissions.body_holders(session, name, body)]
    if SEND_TO_UNITS in send_to:
        unit_ids = ([org.require_unit(session, code).id for code in row.asked_units or []] if row.period == AD_HOC
                    else list(session.scalars(select(UnitReport.unit_id).where(
                        UnitReport.periodic_report_id == row.id))))
        users += [user for unit_id in unit_ids for user in permissions.report_writers(session, unit_id)]
    return users


def _tell(ctx: StepContext, row: PeriodicReport, users: list, kind: str, **context) -> None:
    notify_users(ctx.session, users, kind, directive=None, assignment=None, link=f"/reports/periodic/{row.id}",
                 dedup_key=f"{kind}:{row.id}:{clock.now().isoformat()}", label=report_label(row), **context)


def titles_of_instances(session: Session, instance_ids: Collection[int]) -> dict[int, str]:
    """Each office report's label by its process instance ("Quý I năm 2026", "đột xuất về …"): what an
    admin reads for a running one, which belongs to no directive."""
    rows = session.scalars(select(PeriodicReport).where(PeriodicReport.instance_id.in_(list(instance_ids))))
    return {row.instance_id: report_label(row) for row in rows if row.instance_id is not None}


def report_label(row: PeriodicReport) -> str:
    """"Quý I năm 2026", or "đột xuất về …" for an ad-hoc report."""
    if row.period == AD_HOC:
        return adhoc_label(row.topic or "")
    return ReportPeriod(row.period, row.period_start, row.period_end, row.unit_due, row.office_due).label

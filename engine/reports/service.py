"""What callers ask of reports: a whole report ready to show or export, and the periodic
report schedule (one running periodic_report.bpmn instance per deployment)."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from engine import clock
from engine.directives import attachments
from engine.directives.models import Attachment
from engine.directives.service import has_blocked_status, origin_labels
from engine.errors import EngineError, NotFound
from engine.inbox import service as inbox
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.reports import counts
from engine.reports.adhoc import PURPOSE as ADHOC_PURPOSE
from engine.reports.calendar import MONTHS_IN, ReportPeriod, has_calendar, period_key
from engine.reports.counts import Counts, Scope
from engine.reports.models import AD_HOC, SCHEDULES, PeriodicReport, PeriodicReportStatus, UnitReport
from engine.reports.operators import (
    DEFAULT_SEND_TO,
    SEND_TO_UNITS,
    council_code,
    find_report,
    may_read_unit_report,
    reads_every_unit_report,
    report_label,
    reporting_units,
)
from engine.reports.overdue import OverdueAssignment, count_overdue, overdue_assignments
from engine.rulesets.models import ProcessBundle, instance_settings
from engine.rulesets.settings import form_terms
from engine.runtime.models import LIVE_STATUSES, WorkflowInstance, WorkItem
from engine.text import lower_first, upper_first

PURPOSE = "periodic_report"
DENOMINATOR_LABELS = {
    "fallen_due": "Tỷ lệ hoàn thành tính trên số nhiệm vụ đã đến hạn (đã hoàn thành hoặc đã quá hạn)",
    "assigned": "Tỷ lệ hoàn thành tính trên tổng số nhiệm vụ được giao",
}


# How a report's "Nơi nhận" names a role it is sent to where [terminology] (or, for the leader,
# engine.rulesets.settings.DEFAULT_TERMS) has no word for it
ROLE_WORDS = {"office_head": "Chánh Văn phòng", "clerk": "Chuyên viên theo dõi",
              "unit_head": "Lãnh đạo các đơn vị", "unit_officer": "Chuyên viên các đơn vị",
              "inspector": "Thành viên đoàn kiểm tra", "process_admin": "Quản trị quy trình",
              "system_admin": "Quản trị hệ thống"}
# The overdue tasks a report lists by name, the most overdue first: a report is read and signed,
# and writing a year's list of a badly behind province (tens of thousands of rows) into its
# three files took minutes (bench/scale_reads). The registry lists them all, with its export.
OVERDUE_LISTED = 200


@dataclass
class Header:
    """The administrative heading of a report (Decree 30/2020/NĐ-CP, Appendix I)."""

    parent_body: str          # cơ quan chủ quản: UBND TỈNH ĐẮK LẮK
    issuer: str               # cơ quan ban hành: VĂN PHÒNG
    number_symbol: str        # Số: …/BC-VP
    place: str                # địa danh
    issued_on: date
    title: str                # trích yếu
    signer_title: str = "CHÁNH VĂN PHÒNG"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)  # Nơi nhận


@dataclass
class SubmittedReport:
    unit_name: str
    results: str | None
    difficulties: str | None
    proposals: str | None
    by: str | None = None             # who sent it, by full name
    at: datetime | None = None        # when
    files: list[Attachment] = field(default_factory=list)  # the files it was sent with (none when sealed)
    secret: bool = False              # the unit marked it mật
    # secret, and its reader may not read it (may_read_unit_report): its text and files are withheld, what
    # shows is that the unit sent a secret report, when and by whom
    sealed: bool = False


@dataclass
class Report:
    header: Header
    scope: Scope
    denominator: str
    period_label: str
    total: Counts
    units: list[Counts]
    overdue: list[OverdueAssignment]  # the most overdue (OVERDUE_LISTED at most)
    submissions: list[SubmittedReport] = field(default_factory=list)
    missing_units: list[str] = field(default_factory=list)
    assessment: str | None = None  # the office's own words when it consolidated (tổng hợp)
    overdue_total: int = 0  # how many overdue tasks the list could name: more than it does when cut
    # the ruleset records "in progress with difficulties" (has_blocked_status): elsewhere the files'
    # column of it would read 0 however many units wrote of difficulties
    blocked_column: bool = True

    @property
    def overdue_cut(self) -> bool:
        return self.overdue_total > len(self.overdue)

    @property
    def denominator_label(self) -> str:
        return DENOMINATOR_LABELS[self.denominator]


def build_report(session: Session, scope: Scope, *, denominator: str = "fallen_due", period_label: str = "",
                 root_unit_id: int | None = None, periodic_report_id: int | None = None,
                 header: Header | None = None, settings: dict | None = None, organisation: str = "",
                 overdue_listed: int = OVERDUE_LISTED, body: Unit | None = None, reader: User | None = None) -> Report:
    """The figures, the per-unit table (children of `root_unit_id` with their sub-trees, or
    every lead unit), the `overdue_listed` most overdue tasks, and — for an office report — the
    units' reports as `reader` reads them (None: the public; a secret one sealed; every unit's, beyond the figures'
    units, for those reading them all: reads_every_unit_report); an issued one is headed with
    its number and date. `organisation`: the deployment's name of the parent body (absent: the root
    unit's). `body`: whose office writes it when it is no office report's (`permissions.figures_body`: a
    commune's office, its commune; None, the home body)."""
    if denominator not in counts.DENOMINATORS:
        raise ValueError(f"unknown denominator '{denominator}'")
    units = (counts.by_subtree(session, scope, root_unit_id) if root_unit_id is not None
             else counts.by_unit(session, scope))
    row = session.get(PeriodicReport, periodic_report_id) if periodic_report_id is not None else None
    header = header or default_header(session, scope, period_label, settings or {}, organisation,
                                      _body_of(session, row) if row is not None else body)
    if row is not None and row.period == AD_HOC:
        header.title = upper_first(row.topic or "")
    if row is not None and row.number and row.issued_on:
        header.number_symbol, header.issued_on = row.number, row.issued_on
    report = Report(header=header,
                    scope=scope, denominator=denominator, period_label=period_label,
                    total=counts.total(session, scope), units=units,
                    overdue=overdue_assignments(session, scope, limit=overdue_listed),
                    blocked_column=has_blocked_status(settings or {}))
    report.overdue_total = count_overdue(session, scope) if len(report.overdue) == overdue_listed \
        else len(report.overdue)
    if row is not None:
        every = reader is not None and reads_every_unit_report(session, row, reader)
        report.submissions, report.missing_units = _submissions(session, row.id, None if every else scope.unit_ids,
                                                                reader)
        report.assessment = row.summary
    return report


def _body_of(session: Session, row: PeriodicReport | None) -> Unit | None:
    """The body whose office writes the report `row` (a commune's); None, the home body's."""
    return permissions.recorded_body(session, row.body_id) if row is not None else None


@dataclass
class Speaker:
    """Who a document of a body's office speaks as: the body's committee ("UBND tỉnh Đắk Lắk", "UBND
    phường An Phú"), its office, the words for its leader and office, its place (None: [reports] place)."""

    committee: str
    office: str
    terms: dict[str, str]
    place: str | None = None
    assigned_by: str = ""  # the home body's [terminology] assigned_by: whose tasks, where not its committee's

    @property
    def givers(self) -> str:
        """Who gives the tasks its reports are about: "UBND tỉnh Đắk Lắk, Chủ tịch UBND tỉnh"; a Department
        tracks those the province gives it ("UBND tỉnh, Chủ tịch UBND tỉnh", Gia Lai Đ.10 k.2)."""
        return self.assigned_by or f"{self.committee}, {self.terms['leader']}"


def speaker_of(session: Session, settings: dict, organisation: str = "", body: Unit | None = None) -> Speaker:
    """The home body's (the province: the deployment's `organisation` name, else the root unit's; its
    tracking office; the ruleset's [terminology]), or another issuing body's (a commune: its committee,
    its office and leader as [body_terminology] names them, its own place)."""
    committee = org.other_committee(session, body)
    if committee is None:
        office = org.tracking_office(session)
        terms = form_terms(settings)
        return Speaker(org.organisation_name(session, organisation), office.name if office else "", terms,
                       assigned_by=terms.get("assigned_by", ""))
    terms = form_terms(settings, committee)
    return Speaker(committee, terms["tracking_office"], terms, _place_from(committee))


def default_header(session: Session, scope: Scope, period_label: str, settings: dict,
                   organisation: str = "", body: Unit | None = None) -> Header:
    speaker = speaker_of(session, settings, organisation, body)
    # dated the day it is made (its figures say their as-of day): an issued one takes its issue day
    header = office_header(session, settings, "      /BC-VP", clock.today(),
                           f"Kết quả thực hiện nhiệm vụ do {speaker.givers} giao"
                           + (f" {lower_first(period_label)}" if period_label else "")
                           + _origin_words(scope, settings), organisation, body)
    header.recipients = report_recipients(session, settings, speaker.terms, body)
    return header


def report_recipients(session: Session, settings: dict, terms: dict[str, str], body: Unit | None = None) -> list[str]:
    """"Nơi nhận": whom issuing the report of `body` (None: the home body's) sends it to ([reports] send_to, and
    the council `council_code` names, as office_report.issue does: the leader to be informed, "b/c"), then the
    office's archive; `terms` are the words of the body whose office writes it (`speaker_of`)."""
    reports = settings.get("reports") or {}
    names = []
    for name in reports.get("send_to", DEFAULT_SEND_TO):
        if name == SEND_TO_UNITS:
            names.append("Các đơn vị được giao nhiệm vụ")
        else:
            words = upper_first(terms.get(name) or ROLE_WORDS[name])
            names.append(f"{words} (b/c)" if name == "leader" else words)
    code = council_code(session, settings, body)
    council = org.unit_by_code(session, code) if code else None
    return [*names, *([council.name] if council else []), "Lưu: VT."]


def office_header(session: Session, settings: dict, number_symbol: str, issued_on: date, title: str,
                  organisation: str = "", body: Unit | None = None) -> Header:
    """The heading of a document the office of `body` issues (None: the home body's tracking office):
    the committee above it, the office, the place (a commune's own; the province's [reports] place,
    else read from the organisation's name)."""
    speaker = speaker_of(session, settings, organisation, body)
    place = speaker.place or (settings.get("reports") or {}).get("place") or _place_from(speaker.committee)
    return Header(parent_body=speaker.committee.upper(), issuer=speaker.office.upper(),
                  number_symbol=number_symbol, place=place, issued_on=issued_on, title=title)


def _origin_words(scope: Scope, settings: dict) -> str:
    """A report kept to one origin says so in its title: " (nhiệm vụ UBND tỉnh, … giao)"."""
    if scope.origin is None:
        return ""
    return f" ({lower_first(origin_labels(settings).get(scope.origin, scope.origin))})"


# The kinds of administrative unit a committee's name begins with (Decree 30/2020 Appendix I: the place
# of a body's papers is the name of its unit without its kind), the longest first.
_UNIT_KINDS = ("thành phố", "thị trấn", "đặc khu", "thị xã", "phường", "huyện", "quận", "tỉnh", "xã")


def _place_from(root_name: str) -> str:
    """"UBND tỉnh Đắk Lắk" → "Đắk Lắk", "UBND phường Tuy Hòa" → "Tuy Hòa"; a ward named by its number
    keeps its kind ("UBND phường 1" → "phường 1", Decree 30/2020 Appendix I)."""
    rest = root_name.removeprefix("UBND ")
    for kind in _UNIT_KINDS:
        if rest.lower().startswith(kind + " "):
            place = rest[len(kind) + 1:]
            return rest if place.isdigit() else place
    return rest


def _submissions(session: Session, periodic_report_id: int, unit_ids: Collection[int] | None,
                 reader: User | None = None) -> tuple[list[SubmittedReport], list[str]]:
    """The reports of the units among `unit_ids` (None: every unit), as `reader` reads them (`_submitted`), and
    the names of those asked that have not reported."""
    query = (select(UnitReport, Unit.name, User.full_name).join(Unit, Unit.id == UnitReport.unit_id)
             .outerjoin(User, User.id == UnitReport.user_id)
             .where(UnitReport.periodic_report_id == periodic_report_id).order_by(Unit.name))
    if unit_ids is not None:
        query = query.where(UnitReport.unit_id.in_(list(unit_ids)))
    rows = session.execute(query).all()
    period = session.get_one(PeriodicReport, periodic_report_id)
    files = {a.sha256: a for a in attachments.describe(session, [d for r, _n, _b in rows for d in r.attachments])}
    submitted = [_submitted(session, period, r, name, by, [files[d] for d in r.attachments if d in files], reader)
                 for r, name, by in rows]
    done = {name for _r, name, _by in rows}
    # the units asked, as recorded when the request went out (a period opened before that was
    # recorded: by the rule that opened it)
    asked = ([org.require_unit(session, code) for code in period.asked_units] if period.asked_units is not None
             else reporting_units(session, period.period_start, period.period_end))
    missing = [u.name for u in asked if u.name not in done and (unit_ids is None or u.id in unit_ids)]
    return submitted, missing


def _submitted(session: Session, row: PeriodicReport, submission: UnitReport, unit_name: str, by: str | None,
               files: list[Attachment], reader: User | None) -> SubmittedReport:
    """A unit's report as `reader` reads it (None: the public, an issued report's published file): whole,
    or — a secret one they may not read — sealed."""
    sealed = submission.secret and (reader is None or not may_read_unit_report(session, reader, row, submission))
    if sealed:
        return SubmittedReport(unit_name, None, None, None, by, submission.submitted_at, secret=True, sealed=True)
    return SubmittedReport(unit_name, submission.results, submission.difficulties, submission.proposals, by,
                           submission.submitted_at, files=files, secret=submission.secret)


def month_ends(last: date, count: int = 12) -> list[date]:
    """The last `count` month ends up to `last` (the last one is `last` itself)."""
    days, current = [last], last.replace(day=1) - timedelta(days=1)
    while len(days) < count:
        days.append(current)
        current = current.replace(day=1) - timedelta(days=1)
    return sorted(days)


# ---------------------------------------------------------------- the schedule
class ScheduleError(EngineError):
    """The report calendar cannot start now."""


def running_schedule(session: Session, ruleset: str) -> WorkflowInstance | None:
    """The report calendar of `ruleset`: the deployment's, whose days its regulation sets."""
    return session.scalar(_live_calendars().where(ProcessBundle.ruleset == ruleset))


def _live_calendars():
    # the purpose written out, as ix_instances_schedules reads it: a bound value would not use the index
    return select(WorkflowInstance).join(ProcessBundle, ProcessBundle.id == WorkflowInstance.bundle_id).where(
        text(SCHEDULES), WorkflowInstance.status.in_(LIVE_STATUSES))


def start_schedule(engine, actor: User | None = None) -> WorkflowInstance:
    """Start the periodic-report process unless one is already running (idempotent)."""
    with engine.db.session() as session:
        existing = running_schedule(session, engine.ruleset)
        if existing is not None:
            return existing
        bundle = engine.current_bundle(session)
        settings = engine.compiled(bundle).settings
        if PURPOSE not in settings.get("processes", {}):
            raise NotFound("The ruleset names no periodic report process ([processes] periodic_report).")
        if not has_calendar(settings):
            raise NotFound("The regulation sets no reporting calendar: there are no scheduled periodic reports.")
        yesterday = clock.today() - timedelta(days=1)  # a report due today is still planned
        after = max([yesterday, *_end_other_calendars(engine, session, actor)])
        return engine.runtime.start(session, bundle, PURPOSE, {"after": after.isoformat()}, actor=actor)


def _end_other_calendars(engine, session: Session, actor: User | None) -> list[date]:
    """A deployment switched to another ruleset (DONDOC_RULESET): the calendar of the one before
    would go on asking for reports on its own days beside the new one's. It ends, unless a
    report it asked for is not issued yet: that report is finished first. Returns the due days
    of the last reports the ended calendars asked for: the new one plans those after them."""
    asked = []
    for other in session.scalars(_live_calendars()):
        pending = _pending_report(session, other.id)
        if pending is not None:
            raise ScheduleError("The report calendar of the previous ruleset is still collecting the report "
                          "%(report)s: start this ruleset's calendar once that report is issued.",
                          report=report_label(pending))
        last = session.scalar(select(func.max(PeriodicReport.unit_due)).where(PeriodicReport.instance_id == other.id))
        asked += [last] if last else []
        engine.runtime.cancel(session, other.id, actor=actor, reason=f"the deployment runs ruleset {engine.ruleset}")
    return asked


def _pending_report(session: Session, instance_id: int) -> PeriodicReport | None:
    """A report the calendar `instance_id` asked for and is still collecting or reviewing."""
    return session.scalar(select(PeriodicReport).where(
        PeriodicReport.instance_id == instance_id, PeriodicReport.status != PeriodicReportStatus.ISSUED).limit(1))


def move_schedule(engine, actor: User | None = None) -> WorkflowInstance | None:
    """The running calendar of the deployment's ruleset, moved to the ruleset's published version
    when it runs an older one (a new diagram's steps, such as the units' reminders, apply to it);
    None when it does not. It moves between two periods: once every report it asked for is issued,
    it ends and one on the new version takes over from the last report it asked for, which plans
    the same next report (none skipped, none asked twice). SpiffWorkflow's migration cannot move
    it: its loop has passed every step of its diagram (engine.rulesets.migration refuses). While a
    report is pending it goes on as it is, and the scheduler moves it once that report is issued."""
    with engine.db.session() as session:
        schedule = running_schedule(session, engine.ruleset)
        if schedule is None:
            return None
        bundle = engine.current_bundle(session)
        if (schedule.bundle_id == bundle.id or _pending_report(session, schedule.id) is not None
                or not schedules_reports(engine.compiled(bundle).settings)):
            return None
        after = _last_asked(session, schedule.id) or (clock.today() - timedelta(days=1)).isoformat()
        # Two schedulers (or a load and a tick) may move it at once: the one that ends it starts the next.
        if not engine.runtime.cancel(session, schedule.id, actor=actor, reason=f"moved to version {bundle.number}"):
            return None
        return engine.runtime.start(session, bundle, PURPOSE, {"after": after}, actor=actor)


def _last_asked(session: Session, instance_id: int) -> dict | None:
    """The last report the calendar asked for, as its process knows it (next_periodic_report's
    `after`): of two due the same day, the shorter period, asked for second."""
    rows = session.scalars(select(PeriodicReport).where(PeriodicReport.instance_id == instance_id))
    last = max(rows, key=lambda row: (row.unit_due, -MONTHS_IN[row.period]), default=None)
    return {"period": last.period, "unit_due": last.unit_due.isoformat()} if last else None


def report_of_work_item(engine, session: Session, item: WorkItem) -> PeriodicReport | None:
    """The office report a work item is a step of (a unit's report, the office's consolidation, the
    leader's review), so its page can open the report; None for another process's item. An ad-hoc
    report is its instance's one; the calendar's instance runs every period, so its step's data
    names the period (the workflow is loaded for that item alone)."""
    purpose = session.scalar(select(WorkflowInstance.purpose).where(WorkflowInstance.id == item.instance_id))
    if purpose == ADHOC_PURPOSE:
        return session.scalar(select(PeriodicReport).where(PeriodicReport.instance_id == item.instance_id))
    if purpose != PURPOSE:
        return None
    report = engine.runtime.task_data(session, item).get("report")
    return find_report(session, instance_settings(session, item.instance_id)["id"], report) if report else None


# The steps that decide on the units' reports (office_report.bpmn): the office consolidates them,
# the leader approves the consolidation or sends it back. Each shows them on its own page.
DECIDING_STEPS = frozenset({"report_consolidate", "report_review"})


@dataclass
class ReportPapers:
    """What a step deciding on an office report shows: the units' reports its reader may see, the
    units asked that have not reported, and the office's assessment (tổng hợp) with who wrote it, when."""

    submissions: list[SubmittedReport]
    missing_units: list[str]
    assessment: str | None
    assessed_by: str | None
    assessed_at: datetime | None


def papers_of_step(session: Session, row: PeriodicReport, item: WorkItem, user: User) -> ReportPapers | None:
    """The papers of report `row` that its step `item` decides on (None for a unit's own report)."""
    if item.element_id not in DECIDING_STEPS:
        return None
    submissions, missing = unit_reports_read_by(session, row, user)
    by = session.get(User, row.consolidated_by) if row.consolidated_by is not None else None
    return ReportPapers(submissions, missing, row.summary, by.full_name if by else None, row.consolidated_at)


def unit_reports_read_by(session: Session, row: PeriodicReport, user: User) -> tuple[list[SubmittedReport],
                                                                                   list[str]]:
    """The units' reports of `row` that `user` reads, as its page lists them — every unit's for those who read
    them all (reads_every_unit_report: the council reading it as sent, the unit the units also report to), else
    those of their own units —, and the units asked that have not reported: what a step deciding on them and
    the API show."""
    units = None if reads_every_unit_report(session, row, user) else permissions.units_in_scope(session, user)
    return _submissions(session, row.id, units, user)


def steps_waiting_on(engine, session: Session, user: User, row: PeriodicReport) -> list[WorkItem]:
    """The steps of report `row` waiting in `user`'s inbox (a unit's report, the office's consolidation,
    the leader's review), which its page links to; whose report a step is: report_of_work_item."""
    if row.instance_id is None:
        return []
    ready = session.scalars(select(WorkItem).where(WorkItem.instance_id == row.instance_id,
                                                   *inbox.ready_for(session, user)).order_by(WorkItem.id))
    return [item for item in ready if report_of_work_item(engine, session, item) is row]  # one session: one object


def ensure_schedule(engine) -> WorkflowInstance | None:
    """Start the report calendar of a ruleset that has one (after loading it), or move the running
    one to the version just published (move_schedule); None when the ruleset has none (the
    calendar of a ruleset the deployment ran before then ends all the same)."""
    with engine.db.session() as session:
        settings = engine.compiled(engine.current_bundle(session)).settings
        if not schedules_reports(settings):
            _end_other_calendars(engine, session, None)
            return None
    return move_schedule(engine) or start_schedule(engine)


def other_rulesets_calendar(session: Session, ruleset: str) -> str | None:
    """The ruleset of a report calendar running while the deployment runs `ruleset`: it was
    switched (DONDOC_RULESET) without `dondoc ruleset load`, which would end that calendar and
    start this ruleset's; None when there is none."""
    return session.scalar(_live_calendars().with_only_columns(ProcessBundle.ruleset)
                          .where(ProcessBundle.ruleset != ruleset).limit(1))


def refuse_unloaded_switch(engine) -> None:
    """A server or scheduler does not start on a switch without the load (the other ruleset's
    calendar would go on asking for reports on its days, this one's would not run)."""
    with engine.db.reading() as session:
        other = other_rulesets_calendar(session, engine.ruleset)
    if other is not None:  # for the operator at the command line, as readiness words are
        raise ScheduleError("the report calendar of ruleset %(other)s is still running while this deployment runs "
                            "%(ruleset)s: run `dondoc ruleset load` to switch to %(ruleset)s", other=other,
                            ruleset=engine.ruleset)


def schedules_reports(settings: dict) -> bool:
    """Whether the ruleset has periodic reports to schedule: the process and a calendar."""
    return PURPOSE in settings.get("processes", {}) and has_calendar(settings)


def periodic_reports(session: Session, user: User, limit: int = 24) -> list[PeriodicReport]:
    """The office reports `user` may see (permissions.may_see_office_report), the latest due first."""
    return list(session.scalars(select(PeriodicReport).where(
        permissions.office_report_clause(session, user, PeriodicReport.body_id))
        .order_by(PeriodicReport.unit_due.desc(), PeriodicReport.id.desc()).limit(limit)))


def published_reports(session: Session) -> list[PeriodicReport]:
    """Issued reports the ruleset publishes ([reports] publish), newest first."""
    return list(session.scalars(select(PeriodicReport).where(
        PeriodicReport.status == PeriodicReportStatus.ISSUED, PeriodicReport.published.is_(True))
        .order_by(PeriodicReport.issued_on.desc(), PeriodicReport.id.desc())))


def report_args(row: PeriodicReport) -> dict[str, str]:
    """The report query of an office report: its period (an ad-hoc one: the year it was asked
    in) and the days it counts (chốt số liệu), as of the last of them, today, or, once issued,
    its issue day: an issued report keeps the figures the leader approved and is never taken as
    of a day after its date."""
    own = ReportPeriod(row.period, row.period_start, row.period_end, row.unit_due, row.office_due)
    period = str(row.period_start.year) if row.period == AD_HOC else period_key(own)
    first, last_counted = row.counted_from or row.period_start, row.counted_to or row.period_end
    last = min(clock.today(), last_counted, row.issued_on or last_counted)
    window = {"from": first.isoformat(), "to": last_counted.isoformat()} if row.counted_from else {}
    return {"period": period, **window, "as_of": max(first, last).isoformat()}

"""The outcome of an assignment (kết quả thực hiện nhiệm vụ): the one rule behind the inbox, the
registry, the API, the exports and the reports. docs/glossary.md gives the vocabulary and
docs/reports.md the rule with the articles it serves; tests/engine/test_outcomes.py checks that
the Python form (one assignment) and the SQL form (a CASE over the assignments table) agree.

As of day D, an assignment that is not cancelled (a cancelled one has no outcome and is never
counted) is:
- *done* when `completed_on` is set and not after D. `completed_on` is the day the lead unit
  reported it done, or the day the office records it was done when it updates the status after
  the deadline (Bạc Liêu Đ.9 k.1) (progress.record sets it; progress.reopen, the office sending
  the report back, clears it); closing the assignment always follows that report, so `status`
  "closed" and `closed_on` add nothing;
- done *on time* when it has no deadline or `completed_on` is not after the day its deadline ends
  (the deadline day itself is on time; a deadline on a day off ends as below), else done *late*; the
  SQL form compares with that day stored on the row (`deadline_ends`, finished_late);
- *overdue* when not done and its deadline has ended before D: on the deadline day it is still in
  time, and a deadline on a day off ends at the end of the next working day (Bộ luật Dân sự 2015,
  Đ.148 k.5; WorkingCalendar.effective_deadline): a task due Friday 20/02/2026, inside Tết, is in time
  on Monday 23/02 and overdue from 24/02. The SQL form reads it as `deadline <= the last working day
  before D` (WorkingCalendar.last_passed_deadline), one parameter, so the overdue index still serves;
  both forms take the deployment's calendar;
- else *in progress within the deadline*; and, within that bucket, *not started* while its
  progress as of D (progress_case: today its `progress`, as of a past day what its lead unit had
  reported by then) is `not_started`.
The deadline is the current one (an approved extension replaces it); an open assignment
(`deadline_kind = "open"`) has none, so it is never late.

Across the buckets, an assignment *meets difficulties* (gặp khó khăn, vướng mắc; Quỳnh Nhai
Đ.5 k.1g) as of D while the last progress its lead unit reported by then is `blocked` and it is
neither done nor cancelled: today, its `progress` (which a share passed down to a section also sets,
engine.directives.subassign.combined_progress) and status say so; as of a past day, its progress
updates: the last its lead unit made by the end of D, or the last of a share of it, is `blocked`.
A report taken as of a past day counts the difficulties of that day, as it does the buckets.

Across the buckets too, an assignment is *late on its first report* (chậm báo cáo lần đầu; Đắk Lắk
Đ.7 k.2a, Quỳnh Nhai Đ.7 k.2: the lead unit reports within [deadlines] first_update working days of
being given the task) while its lead unit has sent no progress report since it was given the task
(`first_update_due` is set: engine.urging.operators copies it from the process, progress.record clears
it; a section's report on a share the unit passed down to it is the unit's report too, as it is the
task's progress: subassignment.rollup clears it, first_report_query), that day has passed, and it is
neither done, closed, cancelled nor returned to the office. Its report is late, not the task: it
stays in its bucket (in progress within the deadline, or overdue). The column says how things stand
now, so the kind is read as of today only: as of a past day, no assignment is late on its first report.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import ScalarSelect, Select, and_, case, false, func, null, or_, select
from sqlalchemy.orm import InstrumentedAttribute, aliased, object_session
from sqlalchemy.sql.elements import ColumnElement

from engine import clock
from engine.directives.models import Assignment, AssignmentStatus, DeadlineKind, LinkCopy, ProgressUpdate
from engine.working_days import WorkingCalendar

# Where the SQL forms read an assignment's columns: its row, or its links' copies of them
Columns = type[Assignment] | type[LinkCopy]


class Outcome(StrEnum):
    DONE_ON_TIME = "done_on_time"  # hoàn thành đúng hạn
    DONE_LATE = "done_late"        # hoàn thành quá hạn
    IN_PROGRESS = "in_progress"    # đang thực hiện trong hạn
    NOT_STARTED = "not_started"    # chưa thực hiện: in progress within the deadline, not started yet
    OVERDUE = "overdue"            # quá hạn chưa hoàn thành


@dataclass(frozen=True)
class Term:
    """How an outcome is written: in reports (always Vietnamese), on pages (an English msgid the
    web UI's catalogues translate to the same Vietnamese) and in colour."""

    vietnamese: str
    msgid: str
    colour: str


TERMS = {
    Outcome.DONE_ON_TIME: Term("Hoàn thành đúng hạn", "Done on time", "green"),
    Outcome.DONE_LATE: Term("Hoàn thành quá hạn", "Done late", "orange"),
    Outcome.IN_PROGRESS: Term("Đang thực hiện trong hạn", "In progress within deadline", "blue"),
    Outcome.NOT_STARTED: Term("Chưa thực hiện", "Not started", "grey"),
    Outcome.OVERDUE: Term("Quá hạn chưa hoàn thành", "Overdue, not done", "red"),
}
# The regulation's four buckets: what reports count and rate. Not started counts as in progress.
BUCKETS = (Outcome.DONE_ON_TIME, Outcome.DONE_LATE, Outcome.IN_PROGRESS, Outcome.OVERDUE)
# The sums a report shows beside the buckets (engine.reports.counts.Counts.done, .fallen_due),
# by name, so that a figure can name the tasks behind it.
GROUPS = {"done": (Outcome.DONE_ON_TIME, Outcome.DONE_LATE),
          "fallen_due": (Outcome.DONE_ON_TIME, Outcome.DONE_LATE, Outcome.OVERDUE)}
BLOCKED = "blocked"  # Assignment.progress: in progress, with difficulties
_FINISHED = (AssignmentStatus.CLOSED, AssignmentStatus.CANCELLED)
# No first report is owed of these: finished, or sent back to the office to correct (urging pauses too)
_NOT_OWING = (*_FINISHED, AssignmentStatus.RETURNED)


def bucket(outcome: Outcome) -> Outcome:
    """The report bucket `outcome` is counted in."""
    return Outcome.IN_PROGRESS if outcome is Outcome.NOT_STARTED else outcome


# ---------------------------------------------------------------- the Python form
def decide(*, done: bool, late: bool, past_deadline: bool, started: bool = True) -> Outcome:
    """The rule's order: done (late or on time) first, then overdue, then in progress."""
    if done:
        return Outcome.DONE_LATE if late else Outcome.DONE_ON_TIME
    if past_deadline:
        return Outcome.OVERDUE
    return Outcome.IN_PROGRESS if started else Outcome.NOT_STARTED


def outcome_on(deadline: date | None, completed_on: date | None, as_of: date, *, started: bool = True,
               calendar: WorkingCalendar | None = None) -> Outcome:
    """The rule for anything with a deadline and a day it was done (a work item too); with
    `calendar`, a deadline on a day off ends only with the next working day (Đ.148 k.5), for
    being done late as for being overdue."""
    ends = calendar.effective_deadline(deadline) if calendar and deadline is not None else deadline
    done = completed_on is not None and completed_on <= as_of
    late = completed_on is not None and ends is not None and ends < completed_on <= as_of
    return decide(done=done, late=late, past_deadline=ends is not None and ends < as_of, started=started)


def past_deadline(deadline: date | None, as_of: date, calendar: WorkingCalendar) -> bool:
    """The deadline has ended before `as_of`: its effective day (Đ.148 k.5) is before it."""
    return deadline is not None and calendar.effective_deadline(deadline) < as_of


def calendar_of(assignment: Assignment) -> WorkingCalendar:
    """The working calendar of the assignment's database (its deployment's corrections), or the
    shipped one for an assignment in no session."""
    session = object_session(assignment)
    return WorkingCalendar.lazily_from_db(session) if session is not None else WorkingCalendar()


def outcome_of(assignment: Assignment, as_of: date, progress: str | None = None,
               calendar: WorkingCalendar | None = None) -> Outcome | None:
    """The outcome of one assignment as of `as_of`; None when it is cancelled. `progress`: its
    progress as of that day (progress_case), by default today's; `calendar`, by default its database's."""
    if assignment.status == AssignmentStatus.CANCELLED:
        return None
    deadline = assignment.deadline if assignment.deadline_kind != DeadlineKind.OPEN else None
    started = (progress or assignment.progress) != "not_started"
    return outcome_on(deadline, assignment.completed_on, as_of, started=started,
                      calendar=calendar or calendar_of(assignment))


def first_report_late(assignment: Assignment, as_of: date) -> bool:
    """The lead unit's first progress report is past its due day and still not in (the module's docstring)."""
    due = assignment.first_update_due
    return (as_of == clock.today() and due is not None and due < as_of and assignment.completed_on is None
            and assignment.status not in _NOT_OWING)


def first_report_query(assignment: Assignment) -> Select:
    """SQL: the progress updates that are its lead unit's first report (first_report_late): the lead
    unit's on the task, or a section's on a share the unit passed down to it (the share's reports roll up
    into the task's progress, subassign.roll_up)."""
    shares = select(Assignment.id).where(Assignment.parent_id == assignment.id)
    return select(ProgressUpdate.id).where(or_(
        and_(ProgressUpdate.assignment_id == assignment.id, ProgressUpdate.unit_id == assignment.lead_unit_id),
        ProgressUpdate.assignment_id.in_(shares)))


def meets_difficulties(assignment: Assignment) -> bool:
    """The lead unit last reported difficulties, and the assignment is still followed up (today)."""
    return assignment.progress == BLOCKED and assignment.status not in _FINISHED


# ---------------------------------------------------------------- the SQL form
def said_by(as_of: date) -> datetime:
    """The end of the day `as_of` (Vietnam time): what was reported by then stands for that day."""
    return datetime.combine(as_of + timedelta(days=1), time(), tzinfo=clock.VN_TZ)


def lead_report_by(as_of: date, a: type[Assignment] = Assignment) -> ScalarSelect:
    """SQL: the id of the last progress update the assignment's lead unit made by the end of
    `as_of` (a coordinating unit's part, ý kiến phối hợp, is not the task's report)."""
    return (select(func.max(ProgressUpdate.id)).where(ProgressUpdate.assignment_id == a.id,
                                                      ProgressUpdate.unit_id == a.lead_unit_id,
                                                      ProgressUpdate.created_at < said_by(as_of))
            .correlate(a).scalar_subquery())


def difficulties(as_of: date | None = None) -> ColumnElement[bool]:
    """SQL: the assignment meets difficulties as of `as_of` (default today; the module's docstring).
    Today's is meets_difficulties(), read off the few rows of ix_assignments_blocked."""
    if as_of is None or as_of >= clock.today():
        return and_(Assignment.progress == BLOCKED, Assignment.status.not_in(_FINISHED))
    share = aliased(Assignment)
    # only the few ever reported blocked by then have their last report looked up
    ever_blocked = select(ProgressUpdate.assignment_id).where(ProgressUpdate.progress == BLOCKED,
                                                              ProgressUpdate.created_at < said_by(as_of))
    blocked_shares = select(share.parent_id).where(share.parent_id.is_not(None), share.id.in_(ever_blocked),
                                                   _says_blocked(as_of, share))
    return or_(and_(Assignment.id.in_(ever_blocked), _says_blocked(as_of, Assignment)),
               and_(_open_on(as_of, Assignment), Assignment.id.in_(blocked_shares)))


def owes_first_report(as_of: date, a: type[Assignment] = Assignment) -> ColumnElement[bool]:
    """SQL: first_report_late(); the few owed are read off ix_assignments_first_update_owed."""
    if as_of != clock.today():
        return false()
    return and_(a.first_update_due.is_not(None), a.first_update_due < as_of, a.completed_on.is_(None),
                a.status.not_in(_NOT_OWING))


def _says_blocked(as_of: date, a: type[Assignment]) -> ColumnElement[bool]:
    """Its lead unit's last progress update by the end of `as_of` is blocked, and it is open then."""
    said = select(ProgressUpdate.progress).where(ProgressUpdate.id == lead_report_by(as_of, a)).scalar_subquery()
    return and_(_open_on(as_of, a), said == BLOCKED)


def _open_on(as_of: date, a: type[Assignment]) -> ColumnElement[bool]:
    """Neither done by `as_of` nor cancelled: its difficulties no longer count after."""
    return and_(a.status != AssignmentStatus.CANCELLED, or_(a.completed_on.is_(None), a.completed_on > as_of))


def progress_case(as_of: date, a: Columns = Assignment) -> ColumnElement | InstrumentedAttribute:
    """SQL: the assignment's progress (chưa / đang / vướng mắc / đã thực hiện) as of `as_of`. Today,
    its column. As of a past day, what was known by its end: done when done by then (the rule's
    `completed_on`); meeting difficulties as difficulties() says; else what its lead unit last
    reported by then (lead_report_by; a "done" that no longer stands, sent back since: in
    progress); else in progress when a share passed down of it had been reported on; else not started.
    Over the assignments only: the links' copies never answer a past day (registry._links_in_scope), and
    asking them (or an alias) for one is a ValueError."""
    if as_of >= clock.today():
        return a.progress
    if a is not Assignment:  # an assert would vanish under -O and the copies' rows join every assignment
        raise ValueError(f"a past day's progress is read over the assignments, not over {a.__name__}: "
                         "the copies hold today's columns only.")
    said = select(ProgressUpdate.progress).where(ProgressUpdate.id == lead_report_by(as_of)).scalar_subquery()
    share = aliased(Assignment)
    share_said = select(ProgressUpdate.id).join(share, share.id == ProgressUpdate.assignment_id).where(
        share.parent_id == Assignment.id, ProgressUpdate.unit_id == share.lead_unit_id,
        ProgressUpdate.created_at < said_by(as_of)).exists()
    return case((and_(Assignment.completed_on.is_not(None), Assignment.completed_on <= as_of), "done"),
                (difficulties(as_of), BLOCKED),
                (said == "done", "in_progress"),
                (said.is_not(None), said),
                (share_said, "in_progress"),
                else_="not_started")


def dated(a: Columns = Assignment) -> ColumnElement[bool]:
    """SQL: the assignment has a deadline that can pass."""
    return and_(a.deadline.is_not(None), a.deadline_kind != DeadlineKind.OPEN)


def not_done_in_time(a: Columns = Assignment) -> ColumnElement[bool]:
    """SQL: not done by its deadline (not yet, or late): every overdue assignment, whatever the
    as-of day; the rows of ix_assignments_not_in_time (no parameter: a prepared statement's
    generic plan can use it too)."""
    return or_(a.completed_on.is_(None), a.completed_on > a.deadline)


def finished_late(a: Columns = Assignment) -> ColumnElement[bool]:
    """SQL: reported done after its deadline ended (done late on every day from `completed_on`): after
    the working day a deadline on a day off ends on (Đ.148 k.5), stored with the row (`deadline_ends`:
    the database keeps it from calendar_days_off, in step with the calendar's corrections)."""
    return and_(dated(a), a.completed_on > a.deadline_ends)


def outcome_case(as_of: date, calendar: WorkingCalendar, *, sub_states: bool = True,
                 a: Columns = Assignment) -> ColumnElement:
    """SQL CASE giving each assignment's outcome as of `as_of` (NULL when cancelled) on the working
    `calendar`. Without `sub_states` it gives the report bucket and reads only the columns of the
    reports' covering index (ix_assignments_outcome)."""
    done = case((finished_late(a), Outcome.DONE_LATE.value), else_=Outcome.DONE_ON_TIME.value)
    # decide()'s order, testing "done" once: most rows are done, and this keeps a report over
    # 100k assignments as fast as the rule without the cancelled case (bench/reports)
    whens = [
        (a.status == AssignmentStatus.CANCELLED, null()),
        (and_(a.completed_on.is_not(None), a.completed_on <= as_of), done),
        (and_(dated(a), a.deadline <= calendar.last_passed_deadline(as_of)), Outcome.OVERDUE.value),
    ]
    if sub_states:
        whens.append((progress_case(as_of, a) == "not_started", Outcome.NOT_STARTED.value))
    return case(*whens, else_=Outcome.IN_PROGRESS.value)


def bucket_case(as_of: date, calendar: WorkingCalendar, a: Columns = Assignment) -> ColumnElement:
    return outcome_case(as_of, calendar, sub_states=False, a=a)


def outcome_is(outcome: Outcome | str, as_of: date, calendar: WorkingCalendar,
               a: Columns = Assignment) -> ColumnElement[bool]:
    """SQL condition: the assignment's outcome is `outcome`; a bucket takes its sub-states
    (in progress takes the not-started ones), a group (GROUPS) its buckets."""
    if outcome in GROUPS:
        return bucket_case(as_of, calendar, a).in_([bucket.value for bucket in GROUPS[outcome]])
    if outcome == Outcome.OVERDUE:
        # said again outside the CASE, so that PostgreSQL counts the clerk's overdue ones off
        # ix_assignments_not_in_time (at 1M, 20,001 of them: 35 → 14 ms, a scan of 130,000 rows before)
        return and_(not_done_in_time(a), a.deadline <= calendar.last_passed_deadline(as_of),
                    bucket_case(as_of, calendar, a) == str(outcome))
    if outcome in BUCKETS:
        return bucket_case(as_of, calendar, a) == str(outcome)
    found = outcome_case(as_of, calendar, a=a) == str(outcome)
    # said again outside the CASE, so that PostgreSQL reads ix_assignments_not_started (the
    # clerk's not-started ones at 1M: a scan of the million, 130 ms, against 25); as of a past day,
    # one started since was not started then
    today = as_of >= clock.today()
    return and_(a.progress == "not_started", found) if outcome == Outcome.NOT_STARTED and today else found

"""The outcome rule's two forms agree: for assignments inserted into the real database, the SQL
CASE (and the filters and report buckets built on it, over the assignments and over their links'
copies) gives each one the outcome the Python form gives it, as of any day. Every combination of the
rule's inputs first, then Hypothesis."""
from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, null, select, text
from sqlalchemy.orm import aliased

from engine import clock
from engine.clock import ManualClock
from engine.directives.models import (
    PROGRESS,
    Assignment,
    AssignmentStatus,
    AssignmentUnit,
    DeadlineKind,
    Directive,
    LinkCopy,
)
from engine.org.models import Unit
from engine.outcomes import (
    BUCKETS,
    Outcome,
    bucket,
    bucket_case,
    difficulties,
    first_report_late,
    meets_difficulties,
    outcome_case,
    outcome_is,
    outcome_of,
    outcome_on,
    owes_first_report,
    progress_case,
)
from engine.working_days import WorkingCalendar
from engine.working_days.models import CalendarOverride
from engine.working_days.service import remove_override, set_override
from tests.conftest import fresh_database_url, make_engine

D = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 2, 0, tzinfo=UTC)
STATUSES = tuple(AssignmentStatus)
KINDS = tuple(DeadlineKind)
INPUTS = ("progress", "status", "deadline_kind", "deadline", "completed_on", "closed_on")  # what a row is made of


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """An empty schema, and the id of one directive the generated assignments belong to (each led by
    Sở Tài chính, whose link copies its columns)."""
    with fresh_database_url(tmp_path_factory.mktemp("outcomes")) as url:
        engine = make_engine(url, ManualClock(NOW))
        with engine.db.session() as session:
            directive = Directive(ruleset="dak-lak", doc_type="CV", number="1", symbol="1/UBND-VP",
                                  summary="Về việc thử quy tắc", issuer="UBND tỉnh", issued_on=D,
                                  urgency="normal", tracked=True, status="assigned", created_at=NOW, extra={})
            session.add_all([directive, Unit(code="STC", name="Sở Tài chính", kind="department")])
            session.flush()
            directive_id = directive.id
        yield engine, directive_id
        engine.close()


def _rows(directive_id: int, combos) -> list[dict]:
    return [{"directive_id": directive_id, "content": "x", "created_at": NOW, **dict(zip(INPUTS, combo, strict=True))}
            for combo in combos]


def insert_rows(session, rows: list[dict]) -> None:
    """`rows` in place of the assignments there were, each with its lead unit's link."""
    session.execute(delete(AssignmentUnit))
    session.execute(delete(Assignment))
    if rows:  # an empty list would insert one row of defaults
        session.execute(insert(Assignment), rows)
    session.execute(text("INSERT INTO assignment_units (assignment_id, unit_id, role) "
                         "SELECT id, (SELECT min(id) FROM units), 'lead' FROM assignments"))


def check_both_forms(engine, rows: list[dict], as_of: date) -> None:
    """Insert `rows`, then compare, for each, the SQL outcome, the SQL bucket and the SQL filters
    with the Python outcome; nothing stays behind."""
    with engine.db.session() as session:
        insert_rows(session, rows)
        assert compare_forms(session, as_of) == len(rows)
        session.rollback()


def compare_forms(session, as_of: date) -> int:
    """Compare both forms over the assignments stored (the buckets over their links' copies too, and the
    outcome when as of today); returns how many were compared."""
    columns = [getattr(Assignment, name) for name in INPUTS]
    calendar = WorkingCalendar.from_db(session)
    found = session.execute(select(Assignment.id, outcome_case(as_of, calendar), bucket_case(as_of, calendar),
                                   progress_case(as_of), *columns)).all()
    selected = {o: set(session.scalars(select(Assignment.id).where(outcome_is(o, as_of, calendar))))
                for o in Outcome}
    blocked = set(session.scalars(select(Assignment.id).where(difficulties())))
    today = as_of >= clock.today()
    on_links = {link: (sql_bucket, sql_outcome) for link, sql_bucket, sql_outcome in session.execute(
        select(LinkCopy.id, bucket_case(as_of, calendar, LinkCopy),
               outcome_case(as_of, calendar, a=LinkCopy) if today else null()).select_from(AssignmentUnit))}
    links = {o: set(session.scalars(select(LinkCopy.id).select_from(AssignmentUnit)
                                    .where(outcome_is(o, as_of, calendar, LinkCopy))))
             for o in Outcome if today or o in BUCKETS}
    for assignment_id, sql_outcome, sql_bucket, progress, *values in found:
        inputs = dict(zip(INPUTS, values, strict=True))
        # the progress as of a past day comes from the reports (none here): progress_case's
        python = outcome_of(Assignment(**inputs), as_of, progress, calendar)
        assert (assignment_id in blocked) == meets_difficulties(Assignment(**inputs)), inputs
        assert sql_outcome == python, (inputs, as_of)
        assert sql_bucket == on_links[assignment_id][0] == (bucket(python) if python else None), (inputs, as_of)
        assert on_links[assignment_id][1] == (python if today else None), (inputs, as_of)
        for outcome, ids in selected.items():
            takes = python is not None and outcome in (python, bucket(python))
            assert (assignment_id in ids) == takes == (assignment_id in links.get(outcome, ids)), \
                (inputs, as_of, outcome)
    return len(found)


def test_every_combination_as_of_one_day(db):
    """Every progress, status and kind, with deadlines, completion and closing days before, on
    and after the as-of day and each other."""
    days = [None, *(D + timedelta(days=n) for n in (-2, -1, 0, 1, 2))]
    combos = itertools.product(PROGRESS, STATUSES, KINDS, days[:1] + days[2:5], days, [None, D - timedelta(1), D])
    engine, directive_id = db
    rows = _rows(directive_id, combos)
    assert len(rows) == 4 * 4 * 2 * 4 * 6 * 3
    check_both_forms(engine, rows, D)


TET_FRIDAY, SUNDAY = date(2026, 2, 20), date(2026, 3, 29)  # Tết 2026: Mon 16 – Fri 20/02 off


@pytest.mark.parametrize(("deadline", "in_time_on", "overdue_from"), [
    (TET_FRIDAY, date(2026, 2, 23), date(2026, 2, 24)), (SUNDAY, date(2026, 3, 30), date(2026, 3, 31))],
    ids=["inside Tết", "a Sunday"])
def test_a_deadline_on_a_day_off_ends_with_the_next_working_day(db, deadline, in_time_on, overdue_from):
    """Bộ luật Dân sự 2015, Đ.148 k.5: a task due on a day off is still in time on the next
    working day and overdue only after it, in both forms; the stored deadline stays as written."""
    engine, directive_id = db
    open_rows = _rows(directive_id, [(p, AssignmentStatus.OPEN, DeadlineKind.DATED, deadline, None, None)
                                     for p in ("not_started", "in_progress")])
    for as_of in (deadline, in_time_on, overdue_from, overdue_from + timedelta(days=7)):
        check_both_forms(engine, open_rows, as_of)
    calendar = WorkingCalendar()
    assert outcome_of(Assignment(**open_rows[1]), in_time_on, calendar=calendar) is Outcome.IN_PROGRESS
    assert outcome_of(Assignment(**open_rows[1]), overdue_from, calendar=calendar) is Outcome.OVERDUE
    assert calendar.effective_deadline(deadline) == in_time_on


@pytest.mark.parametrize(("deadline", "in_time_on", "late_on"), [
    (TET_FRIDAY, date(2026, 2, 23), date(2026, 2, 24)), (SUNDAY, date(2026, 3, 30), date(2026, 3, 31))],
    ids=["inside Tết", "a Sunday"])
def test_done_on_the_working_day_after_a_deadline_on_a_day_off_is_done_on_time(db, deadline, in_time_on, late_on):
    """Đ.148 k.5 for done late too: a task due on a day off and done on the next working day is done
    on time, done the day after, late; in both forms (the SQL form reads calendar_days_off)."""
    engine, directive_id = db
    done_rows = _rows(directive_id, [(p, s, DeadlineKind.DATED, deadline, done, None)
                                     for p, s in (("done", AssignmentStatus.OPEN), ("done", AssignmentStatus.CLOSED))
                                     for done in (deadline, in_time_on, late_on)])
    for as_of in (late_on, late_on + timedelta(days=30)):
        check_both_forms(engine, done_rows, as_of)
    found = [outcome_of(Assignment(**row), late_on, calendar=WorkingCalendar()) for row in done_rows[:3]]
    assert found == [Outcome.DONE_ON_TIME, Outcome.DONE_ON_TIME, Outcome.DONE_LATE]


def test_a_correction_to_the_calendar_moves_done_late_in_both_forms(db):
    """The administrator makes Mon 30/03/2026 a day off: a task due Sun 29/03 now runs to Tue 31/03,
    so done on 31/03 it is on time in both forms; the correction removed, late again."""
    engine, directive_id = db
    rows = _rows(directive_id, [("done", AssignmentStatus.CLOSED, DeadlineKind.DATED, SUNDAY, D, None)])
    monday = date(2026, 3, 30)
    set_override(engine, monday, False, "Nghỉ bù", refresh=False)
    try:
        check_both_forms(engine, rows, D)
        assert outcome_of(Assignment(**rows[0]), D, calendar=WorkingCalendar({monday: False})) is Outcome.DONE_ON_TIME
    finally:
        remove_override(engine, monday, refresh=False)
    check_both_forms(engine, rows, D)
    assert outcome_of(Assignment(**rows[0]), D, calendar=WorkingCalendar()) is Outcome.DONE_LATE


def test_the_rows_stored_follow_a_correction_made_after_them(db):
    """The office makes Mon 30/03/2026 a day off after the tasks were written: one due Sun 29/03 and done
    Tue 31/03 turns on time in both forms, over the assignments and the links' copies alike, and late
    again when the correction is removed; one due Fri 27/03 and done 31/03 stays late throughout."""
    engine, directive_id = db
    rows = _rows(directive_id, [("done", AssignmentStatus.CLOSED, DeadlineKind.DATED, day, D, None)
                                for day in (SUNDAY, SUNDAY - timedelta(days=2))])
    with engine.db.session() as session:
        insert_rows(session, rows)
    monday = date(2026, 3, 30)
    try:
        for correct, late in ((lambda: set_override(engine, monday, False, "Nghỉ bù", refresh=False), 1),
                              (lambda: remove_override(engine, monday, refresh=False), 2)):
            correct()
            with engine.db.reading() as session:
                assert compare_forms(session, D) == 2
                assert session.scalar(select(func.count()).where(
                    outcome_is(Outcome.DONE_LATE, D, WorkingCalendar.from_db(session)))) == late
    finally:
        remove_override(engine, monday, refresh=False)
        with engine.db.session() as session:
            insert_rows(session, [])


def test_a_correction_moves_the_stored_ends_in_its_own_transaction(db):
    """The ends the SQL form reads change with the correction, in the transaction that saves it: read
    within it, the task due Sun 29/03 and done Tue 31/03 is on time; rolled back, late again."""
    engine, directive_id = db
    rows = _rows(directive_id, [("done", AssignmentStatus.CLOSED, DeadlineKind.DATED, SUNDAY, D, None)])
    with engine.db.session() as session:
        insert_rows(session, rows)
        session.commit()
        try:
            session.add(CalendarOverride(day=date(2026, 3, 30), working=False, note="Nghỉ bù", created_at=NOW))
            session.flush()
            assert compare_forms(session, D) == 1
            assert session.scalar(select(LinkCopy.deadline_ends).select_from(AssignmentUnit)) == D
            session.rollback()
            assert compare_forms(session, D) == 1
            assert session.scalar(select(LinkCopy.deadline_ends).select_from(AssignmentUnit)) == date(2026, 3, 30)
        finally:
            session.rollback()
            insert_rows(session, [])
            session.commit()


def test_done_late_compares_two_columns_of_the_row():
    """The SQL form of done late reads the day the deadline ends off the row (and the links' copies),
    not the calendar's days off per row: the reports' statements name no calendar table."""
    for columns in (Assignment, LinkCopy):
        statement = str(select(bucket_case(D, WorkingCalendar(), columns)).compile())
        assert "calendar_days_off" not in statement and "deadline_ends" in statement, statement


def test_the_stored_end_is_the_python_form_s_for_every_day_of_the_calendar(db):
    """For a deadline on each day of 2015–2040 (every day off among them, with its Tết and swapped days),
    the end the database stores on insert is WorkingCalendar.effective_deadline's, as outcome_on reads it."""
    engine, directive_id = db
    first = date(2015, 1, 1)
    days = [first + timedelta(days=n) for n in range((date(2041, 1, 1) - first).days)]
    with engine.db.session() as session:
        insert_rows(session, _rows(directive_id, [("done", AssignmentStatus.OPEN, DeadlineKind.DATED, day, day, None)
                                                  for day in days]))
        stored = dict(session.execute(select(Assignment.deadline, Assignment.deadline_ends)).all())
        session.rollback()
    calendar = WorkingCalendar()
    assert stored == {day: calendar.effective_deadline(day) for day in days}
    tet = date(2026, 2, 20)
    assert stored[tet] == date(2026, 2, 23)
    assert outcome_on(tet, stored[tet], stored[tet], calendar=calendar) is Outcome.DONE_ON_TIME


WINDOW = st.dates(min_value=D - timedelta(days=3), max_value=D + timedelta(days=3))  # small: days often equal
ASSIGNMENT = st.tuples(st.sampled_from(PROGRESS), st.sampled_from(STATUSES), st.sampled_from(KINDS),
                       st.none() | WINDOW, st.none() | WINDOW, st.none() | WINDOW)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assignments=st.lists(ASSIGNMENT, min_size=1, max_size=25), as_of=WINDOW)
def test_generated_assignments(db, assignments, as_of):
    engine, directive_id = db
    check_both_forms(engine, _rows(directive_id, assignments), as_of)


def test_the_regulations_four_buckets():
    """Reports rate the regulation's four buckets; not started is counted as in progress."""
    assert set(BUCKETS) == set(Outcome) - {Outcome.NOT_STARTED}
    assert bucket(Outcome.NOT_STARTED) is Outcome.IN_PROGRESS
    assert all(bucket(b) is b for b in BUCKETS)


@pytest.mark.parametrize("columns", [LinkCopy, aliased(Assignment)], ids=["link copies", "an alias"])
def test_a_past_day_over_other_columns_is_refused(columns):
    """A past day's progress reads the progress updates of the assignments themselves: over the links'
    copies (or an alias) the CASE would join every assignment to every row. Refused with an error that
    says so, also under `python -O`, which drops asserts; today's column is read over any of them."""
    yesterday = clock.today() - timedelta(days=1)
    with pytest.raises(ValueError, match="past day's progress"):
        progress_case(yesterday, columns)
    with pytest.raises(ValueError, match="past day's progress"):
        outcome_case(yesterday, WorkingCalendar(), a=columns)
    assert progress_case(clock.today(), columns) is columns.progress


def test_late_on_the_first_report_only_while_owed_past_its_day_and_only_today(db):
    """Chậm báo cáo lần đầu: the first report's day passed (not on it), the task neither done, closed,
    cancelled nor returned; today only. Both forms agree."""
    engine, directive_id = db
    combos = itertools.product(STATUSES, [None, D - timedelta(1), D], [None, D - timedelta(1), D])
    rows = [{"directive_id": directive_id, "content": "x", "created_at": NOW, "status": status,
             "completed_on": done, "first_update_due": due} for status, done, due in combos]
    for as_of in (D, D - timedelta(1)):
        with engine.db.session() as session:
            insert_rows(session, rows)
            late = set(session.scalars(select(Assignment.id).where(owes_first_report(as_of))))
            python = {a.id for a in session.scalars(select(Assignment)) if first_report_late(a, as_of)}
            expected = set(session.scalars(select(Assignment.id).where(
                Assignment.status == AssignmentStatus.OPEN, Assignment.completed_on.is_(None),
                Assignment.first_update_due == D - timedelta(1))))
            session.rollback()
        assert late == python == (expected if as_of == D else set()), as_of
        assert len(late) == (1 if as_of == D else 0)

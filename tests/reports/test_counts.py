"""The buckets and both rates on the hand-computed data set of dataset.py."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.directives.models import Assignment
from engine.org import service as org
from engine.reports import counts
from engine.reports.counts import Scope
from engine.reports.overdue import overdue_assignments
from tests.reports.dataset import AS_OF, Q1


@pytest.fixture
def engine(seeded):
    return seeded.engine


def _buckets(counted) -> tuple:
    return counted.done_on_time, counted.done_late, counted.in_progress, counted.overdue


def _unit_ids(session, *codes):
    return [org.unit_by_code(session, code).id for code in codes]


def test_each_unit_and_both_rates(engine):
    with engine.db.session() as s:
        rows = {o.extra["code"]: o for o in counts.by_unit(s, Scope(as_of=AS_OF, start=Q1[0], end=Q1[1]))}
    assert set(rows) == {"STC", "STC-NS", "SXD"}
    stc = rows["STC"]
    # a1 (on the deadline day), a3 (extended), a5 (open) | a2 | a4 (open), a7 (deadline = D) | a6, a8
    assert _buckets(stc) == (3, 1, 2, 2)
    assert (stc.total, stc.done, stc.fallen_due) == (8, 4, 6)
    assert stc.rate("fallen_due") == 66.67 and stc.rate("assigned") == 50.0
    assert stc.on_time_rate("fallen_due") == 50.0
    assert _buckets(rows["STC-NS"]) == (0, 0, 0, 1) and rows["STC-NS"].rate() == 0.0
    # a10 was returned by STC and now belongs to SXD; a11 and a12 are secret but counted internally
    assert _buckets(rows["SXD"]) == (2, 0, 1, 0)
    assert rows["SXD"].rate("fallen_due") == 100.0 and rows["SXD"].rate("assigned") == 66.67


def test_whole_scope_and_the_denominator_is_stated(engine):
    with engine.db.session() as s:
        whole = counts.total(s, Scope(as_of=AS_OF, start=Q1[0], end=Q1[1]))
        with_earlier = counts.total(s, Scope(as_of=AS_OF))
    assert _buckets(whole) == (5, 1, 3, 3)           # x1 cancelled, x2 earlier, x3 later: not counted
    assert whole.as_dict("assigned")["denominator"] == "assigned"
    assert whole.as_dict("assigned")["rate"] == round(100 * 6 / 12, 2)
    assert whole.as_dict()["rate"] == round(100 * 6 / 9, 2)
    assert _buckets(with_earlier) == (6, 1, 3, 3)    # x2 (assigned 2025) joins when no start is given
    with pytest.raises(ValueError):
        whole.rate("everything")


def test_as_of_a_later_day(engine):
    """a8 was finished on 02/04 (late); a7's deadline day has passed by 05/04."""
    with engine.db.session() as s:
        stc = counts.total(s, Scope(as_of=date(2026, 4, 5), start=Q1[0], end=Q1[1],
                                      unit_ids=_unit_ids(s, "STC")))
    assert _buckets(stc) == (3, 2, 1, 2)


def test_sub_tree_sums_sections_into_their_department(engine):
    with engine.db.session() as s:
        root = org.unit_by_code(s, "UBND").id
        rows = {o.extra["code"]: o for o in counts.by_subtree(s, Scope(as_of=AS_OF, start=Q1[0]), root)}
        stc_tree = counts.total(s, Scope(as_of=AS_OF, start=Q1[0],
                                           unit_ids=org.subtree_ids(s, org.unit_by_code(s, "STC").id)))
    assert set(rows) == {"STC", "SXD"}
    assert _buckets(rows["STC"]) == (3, 1, 2, 3) == _buckets(stc_tree)


def test_public_scope_leaves_out_secret_assignments_and_directives(engine):
    with engine.db.session() as s:
        rows = {o.extra["code"]: o for o in counts.by_unit(s, Scope(as_of=AS_OF, start=Q1[0],
                                                                      include_secret=False))}
    assert _buckets(rows["SXD"]) == (0, 0, 1, 0)


def test_other_groupings(engine):
    with engine.db.session() as s:
        by_urgency = counts.count_buckets(s, Scope(as_of=AS_OF, start=Q1[0]), "urgency")
        by_directive = counts.count_buckets(s, Scope(as_of=AS_OF, start=Q1[0]), "directive")
        with pytest.raises(ValueError):
            counts.count_buckets(s, Scope(as_of=AS_OF), "colour")
    assert _buckets(by_urgency["normal"]) == (5, 1, 3, 3)
    assert sorted(o.total for o in by_directive.values()) == [1, 11]


def test_ranking_for_emulation(engine):
    with engine.db.session() as s:
        ranked = counts.ranking(s, Scope(as_of=AS_OF, start=Q1[0]))
    assert [(o.extra["code"], o.extra["rank"]) for o in ranked] == [("SXD", 1), ("STC", 2), ("STC-NS", 3)]


def test_trend_over_month_ends(engine):
    with engine.db.session() as s:
        rows = counts.trend(s, Scope(as_of=AS_OF, start=Q1[0]),
                              [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)])
    # 31/01: a1–a5, a11, a12 assigned; nothing done yet, none past its deadline
    assert _buckets(rows[0]) == (0, 0, 7, 0)
    # 28/02: a5 (01/02), a11 (09/02), a12 (20/02) done on time; a3's original deadline 27/02
    # no longer counts; a1–a4, a6–a9 still in time
    assert _buckets(rows[1]) == (3, 0, 8, 0)
    assert _buckets(rows[2]) == (5, 1, 3, 3)


def test_overdue_list_carries_reasons_and_proposals(engine):
    with engine.db.session() as s:
        rows = overdue_assignments(s, Scope(as_of=AS_OF, start=Q1[0]))
    assert [r.content for r in rows] == ["Nhiệm vụ a9", "Nhiệm vụ a8", "Nhiệm vụ a6"]
    a6 = rows[-1]
    assert a6.reason == "Chờ ý kiến của Bộ Tài chính" and a6.proposal.startswith("Đề nghị")
    assert a6.days_late == 1 and rows[0].days_late > 10


def test_trend_agrees_with_a_report_taken_on_each_day(engine):
    """The one-pass trend gives what a report taken on each of its days gives (deadline
    days, completion days and the day after them included)."""
    days = [date(2025, 12, 31), date(2026, 2, 10), date(2026, 2, 27), date(2026, 3, 10), date(2026, 3, 11),
            date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 2)]
    scope = Scope(as_of=days[-1], start=date(2025, 12, 1))
    with engine.db.session() as s:
        one_pass = counts.trend(s, scope, days)
        each_day = [counts.total(s, scope.at(day)) for day in days]
    assert [_buckets(o) for o in one_pass] == [_buckets(o) for o in each_day]
    assert [o.extra["as_of"] for o in one_pass] == [d.isoformat() for d in days]


def test_a_deadline_inside_tet_is_late_only_after_the_next_working_day(engine):
    """Due Fri 20/02/2026, inside Tết (Mon 16 – Fri 20 off): the deadline ends with Mon 23/02
    (Bộ luật Dân sự 2015, Đ.148 k.5). As of 23/02 the task is in time and not on the overdue list;
    as of 24/02 it is listed, 1 working day late, with its deadline as the directive wrote it."""
    with engine.db.session() as s:
        a9 = s.scalar(select(Assignment).where(Assignment.content == "Nhiệm vụ a9"))
        a9.deadline = a9.original_deadline = date(2026, 2, 20)
        s.flush()
        listed = {day: overdue_assignments(s, Scope(as_of=day, start=Q1[0])) for day in (date(2026, 2, 23),
                                                                                        date(2026, 2, 24))}
        buckets = [_buckets(counts.total(s, Scope(as_of=day, start=Q1[0]))) for day in listed]
        s.rollback()
    assert listed[date(2026, 2, 23)] == []
    [late] = listed[date(2026, 2, 24)]
    assert (late.content, late.deadline, late.days_late) == ("Nhiệm vụ a9", date(2026, 2, 20), 1)
    assert (late.ends_on, late.ends_later) == (date(2026, 2, 23), date(2026, 2, 23))  # shown beside the deadline
    assert buckets[0][3] == 0 and buckets[1][3] == 1


def test_a_task_due_inside_tet_and_done_on_the_next_working_day_counts_done_on_time(engine):
    """Due Fri 20/02/2026, inside Tết, done Mon 23/02: "hoàn thành đúng hạn" in the report and in its
    trend (Bộ luật Dân sự 2015, Đ.148 k.5); done Tue 24/02 it is "hoàn thành quá hạn" in both."""
    day = date(2026, 3, 31)
    found = {}
    with engine.db.session() as s:
        a9 = s.scalar(select(Assignment).where(Assignment.content == "Nhiệm vụ a9"))
        a9.deadline = a9.original_deadline = date(2026, 2, 20)
        for done in (date(2026, 2, 23), date(2026, 2, 24)):
            a9.completed_on, a9.status, a9.progress = done, "closed", "done"
            s.flush()
            scope = Scope(as_of=day, start=Q1[0])
            found[done] = (_buckets(counts.total(s, scope)), _buckets(counts.trend(s, scope, [day])[0]))
        s.rollback()
    on_time, late = found.values()
    assert on_time[0] == on_time[1] and late[0] == late[1]
    assert (late[0][0], late[0][1]) == (on_time[0][0] - 1, on_time[0][1] + 1)

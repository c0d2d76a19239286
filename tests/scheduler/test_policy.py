"""The urging schedule (engine.urging.policy) as a pure function of deadline, policy and clock."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.clock import VN_TZ
from engine.urging.policy import Policy, _period_end, next_urging

POLICY = {"before_deadline": [3, 1], "overdue_every": 2, "escalate_after": 5}


def plan(clock, deadline, policy=POLICY, count=6, assigned_on=None):
    """The next `count` events, moving the clock to each as a punctual scheduler would."""
    events, covered = [], None
    for _ in range(count):
        urge = next_urging(deadline, covered, assigned_on, policy)
        if urge is None:
            break
        clock.set(datetime.fromisoformat(urge["at"]))
        events.append((urge["kind"], datetime.fromisoformat(urge["at"]).astimezone(VN_TZ).strftime("%a %d/%m %H:%M")))
        covered = urge["covers"]
    return events


def test_reminders_skip_the_weekend(clock):
    clock.set(datetime(2026, 3, 2, 9))
    assert plan(clock, "2026-03-09") == [  # deadline Monday 9 March
        ("reminder", "Wed 04/03 08:00"), ("reminder", "Fri 06/03 08:00"), ("due_today", "Mon 09/03 08:00"),
        ("overdue", "Tue 10/03 08:00"), ("overdue", "Thu 12/03 08:00"), ("escalation", "Mon 16/03 08:00")]


def test_reminders_skip_tet_and_read_working_deadlines(clock):
    # Thu 12 Feb 09:00; Tết 2026 off Mon 16 – Fri 20 Feb. The 3-days-before reminder (Wed 11)
    # was before the assignment existed: not sent.
    deadline = {"date": "2026-02-23", "start": "2026-02-12", "working_days": 2}
    assert plan(clock, deadline) == [
        ("reminder", "Fri 13/02 08:00"), ("due_today", "Mon 23/02 08:00"), ("overdue", "Tue 24/02 08:00"),
        ("overdue", "Thu 26/02 08:00"), ("escalation", "Mon 02/03 08:00"), ("overdue", "Wed 04/03 08:00")]


def test_missed_events_collapse_into_the_most_serious(clock):
    clock.set(datetime(2026, 3, 20, 10))
    urge = next_urging("2026-03-09", "2026-03-06T08:00:00+07:00", None, POLICY)
    assert (urge["kind"], urge["at"], urge["covers"]) == (
        "escalation", clock.now().isoformat(), "2026-03-20T08:00:00+07:00")


def test_open_tasks_by_period_or_working_days(clock):
    clock.set(datetime(2026, 2, 12, 9))
    assert plan(clock, None, {"open_task_update": "monthly"}, count=3, assigned_on="2026-02-12") == [
        ("periodic_update", "Tue 24/02 08:00"), ("periodic_update", "Thu 26/03 08:00"),
        ("periodic_update", "Thu 23/04 08:00")]  # 27 Apr (Giỗ Tổ, observed), 30 Apr off
    clock.set(datetime(2026, 2, 12, 9))
    assert plan(clock, None, {"open_task_update": 10}, count=1, assigned_on="2026-02-12") == [
        ("periodic_update", "Thu 05/03 08:00")]  # 10 working days, Tết excluded
    assert plan(clock, None, {"open_task_update": "none"}, assigned_on="2026-02-12") == []


@pytest.mark.parametrize(("months", "day", "end"), [
    (1, date(2026, 2, 12), date(2026, 2, 28)), (3, date(2026, 2, 12), date(2026, 3, 31)),
    (3, date(2026, 12, 31), date(2026, 12, 31)), (6, date(2026, 7, 1), date(2026, 12, 31)),
    (12, date(2026, 2, 12), date(2026, 12, 31))])
def test_period_ends(months, day, end):
    assert _period_end(day, months) == end


@pytest.mark.parametrize("reminders", [{"open_task_update": "weekly"}, {"overdue_every": 0},
                                       {"escalate_after": -1}, {"before_deadline": [-2]},
                                       {"overdue_every": 251}, {"open_task_update": 10**9},
                                       {"before_deadline": [6, 5, 4, 3, 2, 1]}])
def test_bad_policy_is_refused_clearly(reminders):
    with pytest.raises(ValueError, match="Reminders"):
        Policy.from_settings(reminders)


def test_policy_accepts_a_single_number():
    assert Policy.from_settings({"before_deadline": 2}).before_deadline == (2,)


def test_a_ruleset_with_a_bad_policy_is_refused_at_load(tmp_path):
    from engine.rulesets.errors import RulesetError
    from engine.rulesets.loader import compile_bundle, read_ruleset
    from tests.scheduler.conftest import RULESET, processes_dir

    root = processes_dir(tmp_path, 'overdue_every = 0\n[reminders.recipients]\nreminder = ["unit_head"]\n')
    with pytest.raises(RulesetError, match="overdue_every"):
        compile_bundle(read_ruleset(root, RULESET))
    root = processes_dir(tmp_path / "b", '[reminders.recipients]\nreminders = ["unit_head"]\n')
    with pytest.raises(RulesetError, match=r"reminders.recipients\]: unknown key 'reminders'"):
        compile_bundle(read_ruleset(root, RULESET))


def test_first_update_is_urged_until_the_deadline_takes_over(clock):
    """deadlines.first_update: due Tue 24/02, the deadline Thu 26/02. At the same moment the
    deadline's event is the one sent; from the deadline day on, only the deadline is urged."""
    clock.set(datetime(2026, 2, 12, 9))
    events, covered = [], None
    for _ in range(5):
        urge = next_urging("2026-02-26", covered, None, POLICY, first_update="2026-02-24")
        clock.set(datetime.fromisoformat(urge["at"]))
        events.append((urge["kind"], urge["about"], datetime.fromisoformat(urge["at"]).strftime("%d/%m")))
        covered = urge["covers"]
    assert events == [("reminder", "deadline", "23/02"), ("due_today", "first_update", "24/02"),
                      ("reminder", "deadline", "25/02"), ("due_today", "deadline", "26/02"),
                      ("overdue", "deadline", "27/02")]
    # Missed together (a server off from 12/02 to 25/02 10:00): the deadline's reminder, though
    # the first update is overdue.
    clock.set(datetime(2026, 2, 25, 10))
    urge = next_urging("2026-02-26", "2026-02-12T09:00:00+07:00", None, POLICY, first_update="2026-02-24")
    assert (urge["kind"], urge["about"], urge["missed"]) == ("reminder", "deadline", True)
    clock.set(datetime(2026, 2, 12, 9))
    assert next_urging("2026-02-20", None, None, POLICY, first_update="2026-02-24")["about"] == "deadline"


def test_the_urging_helpers_are_bounded_whatever_their_arguments(clock):
    """next_urging and urging_moment run in the server process (no sandbox round trip), so no
    argument may make them walk the calendar for long: dates decades away and huge policies are
    refused, and the costliest call allowed stays far under a second (a runaway guard, not a
    performance figure)."""
    import time

    from engine.sandbox import _bounded
    from engine.sandbox.helpers import BOUNDED_HELPERS

    assert {"next_urging", "urging_moment"} <= BOUNDED_HELPERS
    assert _bounded('urge = next_urging(a["deadline"], covered, a["assigned_on"], first_update=a["first_update"])',
                    "exec")
    clock.set(datetime(2026, 2, 12, 9))
    for far in ("1990-01-01", "2100-01-01"):
        with pytest.raises(ValueError, match="years from today"):
            next_urging(far, None, None, POLICY)
    worst = {"before_deadline": [250, 200, 150, 100, 50], "overdue_every": 10, "escalate_after": 250,
             "open_task_update": 250}
    began = time.process_time()
    urge = next_urging("2016-03-01", None, "2016-03-01", worst, first_update="2016-03-01")
    assert urge["kind"] == "overdue" and time.process_time() - began < 1.0

"""The urging schedule (lịch đôn đốc): when an assignment's reminders, deadline-day notice,
overdue alerts, escalation and periodic update requests fall due, from the ruleset's
`[reminders]` policy, in working days of the injected calendar. The lead unit's first
progress report (`[deadlines] first_update`) is urged like a deadline of its own, in the
same stream, until the assignment's deadline takes over.

urging.bpmn asks `next_urging` for the one next event, waits for it with a `timeDate`
timer, notifies, and asks again. Because each answer is computed from the clock and from
what was already covered, a server that was off for a week wakes to ONE catch-up event
per assignment (the most serious one missed) instead of a burst of stale reminders.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from engine import clock
from engine.forms import Message
from engine.sandbox.helpers import as_day, calendar_of_step, current_settings
from engine.sandbox.helpers import start_of_day as _opening

KINDS = ("reminder", "due_today", "overdue", "escalation", "periodic_update")
# What an event is about: the assignment's (or a coordinating unit's) deadline, or the lead
# unit's first progress report.
DEADLINE, FIRST_UPDATE = "deadline", "first_update"
# Events at the same moment, or missed together: the more serious one is the one sent.
_SEVERITY = {kind: rank for rank, kind in enumerate(KINDS)}
_PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
# Overdue alerts are generated this far past "now" at most (they repeat forever otherwise).
_HORIZON_EVENTS = 400
# What keeps a call's cost bounded whatever its arguments (next_urging and urging_moment are
# bounded helpers: they run in the server process, not the sandbox worker): the policy's numbers
# of working days, how many reminders come before a deadline, and how far from today the dates
# the schedule is walked from may lie (the walk goes day by day).
MAX_POLICY_DAYS = 250  # about a year of working days
MAX_REMINDERS = 5
MAX_YEARS_AWAY = 10


@dataclass(frozen=True)
class Policy:
    """`ruleset.toml [reminders]`. Defaults follow the common practice of the regulations."""

    before_deadline: tuple[int, ...] = (3, 1)  # working days before the deadline
    on_deadline_day: bool = True
    overdue_every: int = 2                     # working days between overdue alerts
    escalate_after: int = 5                    # working days overdue -> unit head, office head, leader
    open_task_update: str | int = "quarterly"  # period, working days, or "none": updates of open tasks

    @classmethod
    def from_settings(cls, reminders: dict | None) -> Policy:
        raw = dict(reminders or {})
        before = raw.get("before_deadline", cls.before_deadline)
        before = (before,) if isinstance(before, int) else tuple(before)
        update = raw.get("open_task_update", cls.open_task_update)
        if not (isinstance(update, int) or update in _PERIOD_MONTHS or update == "none"):
            raise PolicyError(Message("Reminders: open_task_update must be a number of working days or one "
                                      "of %(choices)s.", {"choices": ", ".join([*_PERIOD_MONTHS, "none"])}))
        policy = cls(before_deadline=tuple(sorted({int(d) for d in before}, reverse=True)),
                     on_deadline_day=bool(raw.get("on_deadline_day", True)),
                     overdue_every=int(raw.get("overdue_every", cls.overdue_every)),
                     escalate_after=int(raw.get("escalate_after", cls.escalate_after)),
                     open_task_update=update)
        if policy.overdue_every < 1 or policy.escalate_after < 1 or any(d < 0 for d in policy.before_deadline):
            raise PolicyError(Message("Reminders: overdue_every and escalate_after must be at least 1, "
                                      "before_deadline at least 0."))
        if max(policy.day_counts()) > MAX_POLICY_DAYS or len(policy.before_deadline) > MAX_REMINDERS:
            raise PolicyError(Message("Reminders: each number of working days is at most %(days)s, and "
                                      "before_deadline has at most %(count)s reminders.",
                                      {"days": MAX_POLICY_DAYS, "count": MAX_REMINDERS}))
        return policy

    def day_counts(self) -> tuple[int, ...]:
        periodic = (self.open_task_update,) if isinstance(self.open_task_update, int) else ()
        return *self.before_deadline, self.overdue_every, self.escalate_after, *periodic


class PolicyError(ValueError):
    """A `[reminders]` value the policy cannot work with; `message` is for people to read."""

    def __init__(self, message: Message):
        super().__init__(message.text % message.params)
        self.message = message


def policy_problems(settings: dict) -> list[Message]:
    """What is wrong with a ruleset's `[reminders]` values (checked when the ruleset is loaded;
    their keys and types are the schema's, in engine/urging/operators.py)."""
    reminders = settings.get("reminders", {})
    try:
        Policy.from_settings(reminders)
    except PolicyError as exc:
        return [exc.message]
    return []


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    about: str = DEADLINE

    def rank(self) -> tuple[bool, int]:
        """How serious: the assignment's own urging before the first update's, then the kind."""
        return self.about == DEADLINE, _SEVERITY[self.kind]


def next_urging(deadline, last_covered: str | None = None, assigned_on=None,
                policy: dict | None = None, first_update=None) -> dict | None:
    """The next urging event of an assignment, for a BPMN `timeDate` timer.

    Returns `{"at": iso, "kind": ..., "covers": iso, "about": "deadline" | "first_update",
    "missed": bool}` or None when nothing is left. `at` is never before now (a missed event
    fires at once, `missed`);
    `covers` is the moment to pass back as `last_covered` next time: every missed event up to
    it is settled by this one. With no `last_covered` (the first call), nothing before now
    counts as missed. `first_update`: when the lead unit's first progress report is due, while
    it is still owed.
    """
    rules = Policy.from_settings(policy if policy is not None else (current_settings.get() or {}).get("reminders"))
    now = clock.now()
    after = datetime.fromisoformat(last_covered) if last_covered else now
    events = _events(rules, deadline, assigned_on, after, now, first_update)
    missed = [e for e in events if e.at <= now]
    if missed:
        chosen = max(missed, key=lambda e: (e.rank(), e.at))
        return {"at": now.isoformat(), "kind": chosen.kind, "covers": missed[-1].at.isoformat(),
                "about": chosen.about, "missed": True}
    if not events:
        return None
    first = events[0]
    return {"at": first.at.isoformat(), "kind": first.kind, "covers": first.at.isoformat(), "about": first.about,
            "missed": False}


def urging_moment(planned: dict, deadline, last_covered=None, assigned_on=None, first_update=None) -> str:
    """When the planned urging event falls due under the calendar as it is NOW: the plan is
    recomputed rather than read back, so that urging.bpmn's timer moves when an admin
    corrects the calendar (the runtime re-evaluates waiting timers then). `planned["at"]`
    when the fresh plan has nothing left, or when that moment has come already (the timer
    fires on the next sweep, and the catch-up step then decides what is sent)."""
    if datetime.fromisoformat(planned["at"]) <= clock.now():
        return planned["at"]
    return (next_urging(deadline, last_covered, assigned_on, first_update=first_update) or planned)["at"]


def _events(rules: Policy, deadline, assigned_on, after: datetime, now: datetime,
            first_update=None) -> list[Event]:
    """Events strictly after `after`, in time order (the more serious first at the same
    moment), up to the first one after `now`."""
    _check_within_reach(now.date(), deadline, assigned_on, first_update)
    takes_over: datetime | None
    if deadline not in (None, ""):
        generator, takes_over = _dated_events(rules, as_day(deadline)), _at(as_day(deadline))
    else:
        start = as_day(assigned_on) if assigned_on else clock.today()
        generator = _periodic_events(rules, start)
        takes_over = next((e.at for e in _periodic_events(rules, start)), None)
    if first_update not in (None, ""):
        generator = heapq.merge(generator, _first_update_events(rules, as_day(first_update), takes_over),
                                key=lambda e: (e.at, tuple(-r for r in e.rank())))
    found: list[Event] = []
    for event in generator:
        if event.at <= after:
            continue
        found.append(event)
        if event.at > now:
            break
    return found


def _check_within_reach(today: date, *dates) -> None:
    """Refuse a schedule walked from a date decades away (the walk would go day by day)."""
    for value in dates:
        if value not in (None, "") and abs(as_day(value).year - today.year) > MAX_YEARS_AWAY:
            raise ValueError(f"urging: {as_day(value).isoformat()} is more than {MAX_YEARS_AWAY} years from today")


def _dated_events(rules: Policy, written: date):
    """A deadline's urging, counted from the day it ends (a day off's: the next working day, Đ.148
    k.5), so that its due-day notice and first overdue alert come on and after that day."""
    cal = calendar_of_step()
    deadline = cal.effective_deadline(written)
    planned = [Event(_at(cal.subtract_working_days(deadline, n)), "reminder") for n in rules.before_deadline if n]
    if rules.on_deadline_day:
        planned.append(Event(_at(deadline), "due_today"))
    yield from sorted(planned, key=lambda e: e.at)
    escalation = cal.add_working_days(deadline, rules.escalate_after)
    day = cal.add_working_days(deadline, 1)
    escalated = False
    for _ in range(_HORIZON_EVENTS):
        if not escalated and escalation <= day:
            escalated = True
            yield Event(_at(escalation), "escalation")
            if escalation == day:
                day = cal.add_working_days(day, rules.overdue_every)
                continue
        yield Event(_at(day), "overdue")
        day = cal.add_working_days(day, rules.overdue_every)


def _first_update_events(rules: Policy, due: date, until: datetime | None):
    """The first progress report urged like a deadline (reminders, overdue alerts, escalation)
    until the assignment's own urging takes over: its deadline day, or an open task's first
    periodic update request. None when the report is due no earlier: that is what is owed then."""
    if until is not None and _at(due) >= until:
        return
    for event in _dated_events(rules, due):
        if until is not None and event.at >= until:
            return
        yield Event(event.at, event.kind, FIRST_UPDATE)


def _periodic_events(rules: Policy, start: date):
    """Open-ended assignments: ask for the periodic progress update before each period
    closes (the first `before_deadline` days, or on its last working day)."""
    if rules.open_task_update == "none":  # the regulation asks no periodic update (ruleset.toml)
        return
    cal = calendar_of_step()
    lead = rules.before_deadline[0] if rules.before_deadline else 0
    if isinstance(rules.open_task_update, int):
        day = start
        for _ in range(_HORIZON_EVENTS):
            day = cal.add_working_days(day, rules.open_task_update)
            yield Event(_at(day), "periodic_update")
        return
    months = _PERIOD_MONTHS[rules.open_task_update]
    period_end = _period_end(start, months)
    for _ in range(_HORIZON_EVENTS):
        last_working = cal.subtract_working_days(period_end + timedelta(days=1), 1)
        yield Event(_at(cal.subtract_working_days(last_working, lead)), "periodic_update")
        period_end = _period_end(period_end + timedelta(days=1), months)


def _period_end(day: date, months: int) -> date:
    """Last calendar day of the period (month, quarter, half year, year) containing `day`."""
    first_month = (day.month - 1) // months * months + 1
    end_month = first_month + months  # the month after the period, 13 for December
    year = day.year + (end_month - 1) // 12
    return date(year, (end_month - 1) % 12 + 1, 1) - timedelta(days=1)


def _at(day: date) -> datetime:
    return datetime.fromisoformat(_opening(day))

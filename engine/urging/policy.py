"""The urging schedule (lịch đôn đốc): when an assignment's reminders, deadline-day notice,
overdue alerts, escalation and periodic update requests fall due, from the ruleset's
`[reminders]` policy, in working days of the injected calendar.

urging.bpmn asks `next_urging` for the one next event, waits for it with a `timeDate`
timer, notifies, and asks again. Because each answer is computed from the clock and from
what was already covered, a server that was off for a week wakes to ONE catch-up event
per assignment (the most serious one missed) instead of a burst of stale reminders.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from engine import clock
from engine.sandbox.helpers import as_day, calendar_of_step, current_settings
from engine.sandbox.helpers import start_of_day as _opening

KINDS = ("reminder", "due_today", "overdue", "escalation", "periodic_update")
# Events at the same moment: the more serious one is the one sent.
_SEVERITY = {kind: rank for rank, kind in enumerate(KINDS)}
_PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
# Overdue alerts are generated this far past "now" at most (they repeat forever otherwise).
_HORIZON_EVENTS = 400


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
            raise ValueError(f"reminders.open_task_update: '{update}' is not a number of working days "
                             f"nor one of {', '.join(_PERIOD_MONTHS)}, none")
        policy = cls(before_deadline=tuple(sorted({int(d) for d in before}, reverse=True)),
                     on_deadline_day=bool(raw.get("on_deadline_day", True)),
                     overdue_every=int(raw.get("overdue_every", cls.overdue_every)),
                     escalate_after=int(raw.get("escalate_after", cls.escalate_after)),
                     open_task_update=update)
        if policy.overdue_every < 1 or policy.escalate_after < 1 or any(d < 0 for d in policy.before_deadline):
            raise ValueError("reminders: overdue_every and escalate_after must be at least 1, "
                             "before_deadline days at least 0")
        return policy


def policy_problems(settings: dict) -> list[str]:
    """What is wrong with a ruleset's `[reminders]` values (checked when the ruleset is loaded;
    their keys and types are the schema's, in engine/urging/operators.py)."""
    reminders = settings.get("reminders", {})
    try:
        Policy.from_settings(reminders)
    except (TypeError, ValueError) as exc:
        return [str(exc)]
    return []


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str


def next_urging(deadline, last_covered: str | None = None, assigned_on=None,
                policy: dict | None = None) -> dict | None:
    """The next urging event of an assignment, for a BPMN `timeDate` timer.

    Returns `{"at": iso, "kind": ..., "covers": iso}` or None when nothing is left. `at` is
    never before now (a missed event fires at once); `covers` is the moment to pass back as
    `last_covered` next time: every missed event up to it is settled by this one. With no
    `last_covered` (the first call), nothing before now counts as missed.
    """
    rules = Policy.from_settings(policy if policy is not None else (current_settings.get() or {}).get("reminders"))
    now = clock.now()
    after = datetime.fromisoformat(last_covered) if last_covered else now
    events = _events(rules, deadline, assigned_on, after, now)
    missed = [e for e in events if e.at <= now]
    if missed:
        chosen = max(missed, key=lambda e: (_SEVERITY[e.kind], e.at))
        return {"at": now.isoformat(), "kind": chosen.kind, "covers": missed[-1].at.isoformat()}
    if not events:
        return None
    return {"at": events[0].at.isoformat(), "kind": events[0].kind, "covers": events[0].at.isoformat()}


def urging_moment(planned: dict, deadline, last_covered=None, assigned_on=None) -> str:
    """When the planned urging event falls due under the calendar as it is NOW: the plan is
    recomputed rather than read back, so that urging.bpmn's timer moves when an admin
    corrects the calendar (the runtime re-evaluates waiting timers then). `planned["at"]`
    when the fresh plan has nothing left, or when that moment has come already (the timer
    fires on the next sweep, and the catch-up step then decides what is sent)."""
    if datetime.fromisoformat(planned["at"]) <= clock.now():
        return planned["at"]
    return (next_urging(deadline, last_covered, assigned_on) or planned)["at"]


def _events(rules: Policy, deadline, assigned_on, after: datetime, now: datetime) -> list[Event]:
    """Events strictly after `after`, in time order, up to the first one after `now`."""
    generator = _dated_events(rules, as_day(deadline)) if deadline not in (None, "") else \
        _periodic_events(rules, as_day(assigned_on) if assigned_on else clock.today())
    found: list[Event] = []
    for event in generator:
        if event.at <= after:
            continue
        found.append(event)
        if event.at > now:
            break
    return found


def _dated_events(rules: Policy, deadline: date):
    cal = calendar_of_step()
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

"""The four outcome buckets counted, and the two completion rates, with SQL aggregates over
the query tables (never by loading workflows). Which bucket an assignment is in is the one
rule of engine/outcomes.py; this module decides which assignments a report counts (docs/reports.md):

- the tasks given count, not the shares a unit passed down to its sections (its task carries them);
- an assignment counts once, for its lead unit as it stands now (a returned and reassigned
  assignment counts for the unit it is assigned to now), and a unit reorganised away (a
  pre-2025 commune, a merged department) counts under the unit that succeeds it today;
- it counts when it was assigned in the period and not after the as-of day; cancelled ones
  (no outcome) and ones never assigned do not count;
- beside the buckets, `blocked` counts those meeting difficulties as of the day (engine/outcomes.py);
- `origin` keeps the tasks a higher level gave (a district's province-given tasks, Quỳnh Nhai
  Đ.6 k.1c: "province") or the organisation's own ("own": directives with no origin).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from engine.directives.models import Assignment, AssignmentStatus, Directive, task_given_by, tasks_given
from engine.org import service as org
from engine.org.models import Unit
from engine.outcomes import BUCKETS, bucket_case, dated, decide, difficulties, finished_late
from engine.working_days import WorkingCalendar

# tỷ lệ trên số nhiệm vụ đã đến hạn / trên tổng số nhiệm vụ được giao
DENOMINATORS = ("fallen_due", "assigned")
GROUPINGS = ("unit", "officer", "directive", "urgency")


@dataclass(frozen=True)
class Scope:
    """Which assignments a report counts, and the day it is taken (as of)."""

    as_of: date
    start: date | None = None            # assigned on or after
    end: date | None = None              # assigned on or before (default: as_of)
    unit_ids: Collection[int] | None = None  # a sub-tree, or the units a user may see
    directive_id: int | None = None
    urgency: str | None = None
    officer_id: int | None = None
    origin: str | None = None            # who gave the task (directives.models.ORIGINS; None: any)
    include_secret: bool = True          # the public page sets False
    # Which assignments a list may name (the overdue list): SQL over Assignment, None for all.
    # Counts never need it: they name no assignment.
    shown: ColumnElement[bool] | None = field(default=None, compare=False)
    # Whose directives it counts: SQL over Assignment (permissions.issued_clause), None for any body's.
    issued: ColumnElement[bool] | None = field(default=None, compare=False)

    @property
    def assigned_until(self) -> date:
        """The last day a counted task was assigned on: the period's end, or the as-of day before
        it (nothing assigned after the day counts)."""
        return min(self.end or self.as_of, self.as_of)

    def at(self, as_of: date) -> Scope:
        return replace(self, as_of=as_of, end=min(self.end or as_of, as_of))


@dataclass
class Counts:
    """How many assignments of a group are in each bucket (field names: engine.outcomes.BUCKETS)."""

    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    overdue: int = 0
    blocked: int = 0  # of those, meeting difficulties as of the day (not a bucket: counted across them)
    extra: dict = field(default_factory=dict)  # label, code… of the group

    @property
    def total(self) -> int:
        return self.done_on_time + self.done_late + self.in_progress + self.overdue

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def fallen_due(self) -> int:
        """Assignments whose outcome is settled: done, or past their deadline undone."""
        return self.done + self.overdue

    def rate(self, denominator: str = "fallen_due") -> float | None:
        """Percentage of done assignments over `denominator`; None when it is zero."""
        if denominator not in DENOMINATORS:
            raise ValueError(f"unknown denominator '{denominator}'")
        base = self.fallen_due if denominator == "fallen_due" else self.total
        return round(100.0 * self.done / base, 2) if base else None

    def on_time_rate(self, denominator: str = "fallen_due") -> float | None:
        base = self.fallen_due if denominator == "fallen_due" else self.total
        return round(100.0 * self.done_on_time / base, 2) if base else None

    def add(self, other: Counts) -> None:
        for name in (*BUCKETS, "blocked"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self, denominator: str = "fallen_due") -> dict:
        data = {name.value: getattr(self, name) for name in BUCKETS}
        data.update(asdict(self)["extra"], blocked=self.blocked, total=self.total, done=self.done,
                    fallen_due=self.fallen_due, rate=self.rate(denominator),
                    on_time_rate=self.on_time_rate(denominator), denominator=denominator)
        return data


def scope_conditions(scope: Scope) -> list:
    a = Assignment
    conditions = [a.status != AssignmentStatus.CANCELLED, a.assigned_on.is_not(None),
                  a.assigned_on <= scope.assigned_until, tasks_given()]
    if scope.start:
        conditions.append(a.assigned_on >= scope.start)
    if scope.unit_ids is not None:
        conditions.append(a.lead_unit_id.in_(list(scope.unit_ids)))
    if scope.directive_id is not None:
        conditions.append(a.directive_id == scope.directive_id)
    if scope.urgency:
        conditions.append(a.urgency == scope.urgency)
    if scope.officer_id is not None:
        conditions.append(a.follow_up_officer_id == scope.officer_id)
    if scope.origin is not None:
        conditions.append(task_given_by(scope.origin, a.directive_id))
    if scope.issued is not None:
        conditions.append(scope.issued)
    if not scope.include_secret:
        conditions.append(a.secret.is_(False))
        public = select(Directive.id).where(Directive.secrecy.is_(None))
        conditions.append(a.directive_id.in_(public))
    return conditions


_GROUP_COLUMNS = {
    "unit": Assignment.lead_unit_id,
    "officer": Assignment.follow_up_officer_id,
    "directive": Assignment.directive_id,
    "urgency": Assignment.urgency,
}


def count_buckets(session: Session, scope: Scope, by: str | None = None) -> dict:
    """{group key: Counts}; with `by=None` a single key, None, for the whole scope."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping '{by}' (known: {', '.join(GROUPINGS)})")
    key = _GROUP_COLUMNS[by] if by else literal(None)
    bucket = bucket_case(scope.as_of, WorkingCalendar.lazily_from_db(session))
    sums = [func.sum(case((bucket == name.value, 1), else_=0)).label(name.value) for name in BUCKETS]
    sums.append(func.sum(case((difficulties(scope.as_of), 1), else_=0)).label("blocked"))
    query = select(key.label("key"), *sums).where(*scope_conditions(scope))
    if by:
        query = query.group_by(key)
    result = {}
    for row in session.execute(query):
        counts: dict[str, Any] = {name.value: int(getattr(row, name.value) or 0) for name in BUCKETS}
        result[row.key] = Counts(**counts, blocked=int(row.blocked or 0))
    return result


def total(session: Session, scope: Scope) -> Counts:
    return count_buckets(session, scope).get(None) or Counts()


def by_unit(session: Session, scope: Scope) -> list[Counts]:
    """One Counts per lead unit, labelled with the unit's code and name, by name."""
    counts = _per_current_unit(session, scope)
    units = _units(session, [uid for uid in counts if uid is not None])
    rows = []
    for unit_id, row in counts.items():
        unit = units.get(unit_id) if unit_id is not None else None
        row.extra = {"unit_id": unit_id, "code": unit.code if unit else "",
                     "name": unit.name if unit else "(chưa giao đơn vị)"}
        rows.append(row)
    return sorted(rows, key=lambda o: o.extra["name"])


def by_subtree(session: Session, scope: Scope, root_id: int) -> list[Counts]:
    """One Counts per child of `root_id`, each summing that child's whole sub-tree (a
    department with its sections); the root's own assignments come first when it has any. A
    reorganised unit's count under its successor, unless the successor is outside the tree (the
    report of an old unit itself): then under the old unit's own branch; a unit below one reorganised into
    `root_id` (a merged ward's section, in its successor ward's table) in a row of its own, by its name: so
    the rows add up to the total."""
    parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    latest = org.latest_successors(session)
    children = {uid for uid, parent in parents.items() if parent == root_id}
    sums: dict[int, Counts] = {}
    for unit_id, counted in count_buckets(session, scope, "unit").items():
        successor = latest.get(unit_id, unit_id) if isinstance(unit_id, int) else None
        branch = _branch_of(successor, root_id, children, parents)
        if branch is None:
            branch = _branch_of(unit_id, root_id, children, parents)
        if branch is None and isinstance(unit_id, int):
            branch = _predecessor_branch(unit_id, root_id, parents, latest)
        if branch is not None:
            sums.setdefault(branch, Counts()).add(counted)
    units = _units(session, list(sums))
    rows = []
    for unit_id, row in sums.items():
        row.extra = {"unit_id": unit_id, "code": units[unit_id].code, "name": units[unit_id].name}
        rows.append(row)
    return sorted(rows, key=lambda o: (o.extra["unit_id"] != root_id, o.extra["name"]))


def _per_current_unit(session: Session, scope: Scope) -> dict[int | None, Counts]:
    """The buckets per lead unit, a reorganised unit's counted under the unit that succeeds it
    today (a pre-2025 commune's under its new commune; the assignment still names the old one)."""
    latest = org.latest_successors(session)
    merged: dict[int | None, Counts] = {}
    for unit_id, counted in count_buckets(session, scope, "unit").items():
        key: int | None = latest.get(unit_id, unit_id) if isinstance(unit_id, int) else None
        if key in merged:
            merged[key].add(counted)
        else:
            merged[key] = counted
    return merged


def _branch_of(unit_id, root_id: int, children: set[int], parents: dict) -> int | None:
    """The child of `root_id` whose sub-tree holds `unit_id` (the root itself for its own)."""
    seen = set()
    while unit_id is not None and unit_id not in seen:
        if unit_id == root_id or unit_id in children:
            return unit_id
        seen.add(unit_id)
        unit_id = parents.get(unit_id)
    return None


def _predecessor_branch(unit_id: int, root_id: int, parents: dict, latest: dict[int, int]) -> int | None:
    """The unit just below one reorganised into `root_id` whose sub-tree holds `unit_id` (its own row in the
    successor's table: nothing of the successor's tree does its work)."""
    below: int | None = None
    seen = set()
    current: int | None = unit_id
    while current is not None and current not in seen:
        if latest.get(current) == root_id:
            return below
        seen.add(current)
        below, current = current, parents.get(current)
    return None


def ranking(session: Session, scope: Scope, denominator: str = "fallen_due",
            root_id: int | None = None) -> list[Counts]:
    """Units for emulation (thi đua) — every lead unit, or the children of `root_id` with
    their sub-trees: highest completion rate first, then on-time rate, then fewest overdue;
    units with nothing fallen due rank last."""
    rows = by_subtree(session, scope, root_id) if root_id is not None else by_unit(session, scope)
    rows = [o for o in rows if o.extra["unit_id"] is not None]
    rows.sort(key=lambda o: (o.rate(denominator) is None, -(o.rate(denominator) or 0),
                             -(o.on_time_rate(denominator) or 0), o.overdue, o.extra["name"]))
    for position, row in enumerate(rows, start=1):
        row.extra["rank"] = position
    return rows


def trend(session: Session, scope: Scope, days: Iterable[date]) -> list[Counts]:
    """The buckets as they stood at each of `days` (e.g. each month's end), in one pass.

    An assignment's bucket on day d depends only on whether it was assigned, done and past its
    deadline by d, so the query groups the rows by the first of `days` on which each of
    those became true (and by whether it was done late); Python then counts every day with the
    rule's decision (engine.outcomes.decide)."""
    days = sorted(set(days))
    if not days:
        return []
    a = Assignment
    never = len(days)
    first_assigned = _first_day_index(a.assigned_on <= day for day in days)
    first_done = _first_day_index(a.completed_on <= day for day in days)
    calendar = WorkingCalendar.lazily_from_db(session)
    passed = (a.deadline <= calendar.last_passed_deadline(day) for day in days)
    first_overdue = case((dated(), _first_day_index(passed)), else_=never)
    late = case((finished_late(), 1), else_=0)
    query = (select(first_assigned, first_done, first_overdue, late, func.count())
             .where(*scope_conditions(scope.at(days[-1])))
             .group_by(first_assigned, first_done, first_overdue, late))
    rows = [Counts(extra={"as_of": day.isoformat()}) for day in days]
    for assigned, done, overdue, was_late, count in session.execute(query):
        for index in range(assigned, never):
            name = decide(done=done <= index, late=bool(was_late), past_deadline=overdue <= index).value
            setattr(rows[index], name, getattr(rows[index], name) + count)
    return rows


def _first_day_index(conditions: Iterable):
    """SQL: the index of the first true condition (the days are in order), else their count."""
    whens = [(condition, index) for index, condition in enumerate(conditions)]
    return case(*whens, else_=len(whens))


def _units(session: Session, ids: list[int]) -> dict[int, Unit]:
    return {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}

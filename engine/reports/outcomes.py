"""The four outcome buckets and the two completion rates, counted with SQL aggregates over
the query tables (never by loading workflows). The rules are written out in docs/reports.md:

- an assignment counts once, for its lead unit as it stands now (a returned and reassigned
  assignment counts for the unit it is assigned to now); cancelled ones do not count;
- it is *done* as of day D when `completed_on` is set and `completed_on <= D`;
- done *on time* when `completed_on <= deadline` (finishing on the deadline day is on time);
- the deadline is the current one: an approved extension replaces it (`original_deadline`
  only keeps the record);
- an open assignment (no deadline) is never late;
- not done and `deadline < D`: overdue (on the deadline day itself it is still in time).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from engine.directives.models import Assignment, Directive
from engine.org.models import Unit

# hoàn thành đúng hạn, hoàn thành quá hạn, đang thực hiện trong hạn, quá hạn chưa hoàn thành
BUCKETS = ("on_time", "late", "in_progress", "overdue")
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
    include_secret: bool = True          # the public page sets False
    # Which assignments a list may name (the overdue list): SQL over Assignment, None for all.
    # Counts never need it: they name no assignment.
    shown: ColumnElement[bool] | None = field(default=None, compare=False)

    def at(self, as_of: date) -> Scope:
        return replace(self, as_of=as_of, end=min(self.end or as_of, as_of))


@dataclass
class Outcome:
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    overdue: int = 0
    extra: dict = field(default_factory=dict)  # label, code… of the group

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.in_progress + self.overdue

    @property
    def done(self) -> int:
        return self.on_time + self.late

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
        return round(100.0 * self.on_time / base, 2) if base else None

    def add(self, other: Outcome) -> None:
        for name in BUCKETS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self, denominator: str = "fallen_due") -> dict:
        data = {name: getattr(self, name) for name in BUCKETS}
        data.update(asdict(self)["extra"], total=self.total, done=self.done, fallen_due=self.fallen_due,
                    rate=self.rate(denominator), on_time_rate=self.on_time_rate(denominator),
                    denominator=denominator)
        return data


def bucket_expression(as_of: date):
    """SQL CASE giving each assignment's bucket as of `as_of`."""
    a = Assignment
    done = and_(a.completed_on.is_not(None), a.completed_on <= as_of)
    dated = and_(a.deadline.is_not(None), a.deadline_kind != "open")
    return case(
        (and_(done, or_(~dated, a.completed_on <= a.deadline)), "on_time"),
        (done, "late"),
        (and_(dated, a.deadline < as_of), "overdue"),
        else_="in_progress",
    )


def scope_conditions(scope: Scope) -> list:
    a = Assignment
    last_day = min(scope.end or scope.as_of, scope.as_of)  # nothing assigned after the day counts
    conditions = [a.status != "cancelled", a.assigned_on.is_not(None), a.assigned_on <= last_day]
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


def count_outcomes(session: Session, scope: Scope, by: str | None = None) -> dict:
    """{group key: Outcome}; with `by=None` a single key, None, for the whole scope."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping '{by}' (known: {', '.join(GROUPINGS)})")
    key = _GROUP_COLUMNS[by] if by else literal(None)
    bucket = bucket_expression(scope.as_of)
    sums = [func.sum(case((bucket == name, 1), else_=0)).label(name) for name in BUCKETS]
    query = select(key.label("key"), *sums).where(*scope_conditions(scope))
    if by:
        query = query.group_by(key)
    result = {}
    for row in session.execute(query):
        counts = {name: int(getattr(row, name) or 0) for name in BUCKETS}
        result[row.key] = Outcome(**counts)
    return result


def total(session: Session, scope: Scope) -> Outcome:
    return count_outcomes(session, scope).get(None) or Outcome()


def by_unit(session: Session, scope: Scope) -> list[Outcome]:
    """One Outcome per lead unit, labelled with the unit's code and name, by name."""
    counts = count_outcomes(session, scope, "unit")
    units = _units(session, [uid for uid in counts if uid is not None])
    rows = []
    for unit_id, outcome in counts.items():
        unit = units.get(unit_id)
        outcome.extra = {"unit_id": unit_id, "code": unit.code if unit else "",
                         "name": unit.name if unit else "(chưa giao đơn vị)"}
        rows.append(outcome)
    return sorted(rows, key=lambda o: o.extra["name"])


def by_subtree(session: Session, scope: Scope, root_id: int) -> list[Outcome]:
    """One Outcome per child of `root_id`, each summing that child's whole sub-tree (a
    department with its sections); the root's own assignments come first when it has any."""
    parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    per_unit = count_outcomes(session, scope, "unit")
    children = {uid for uid, parent in parents.items() if parent == root_id}
    sums: dict[int, Outcome] = {}
    for unit_id, outcome in per_unit.items():
        branch = _branch_of(unit_id, root_id, children, parents)
        if branch is not None:
            sums.setdefault(branch, Outcome()).add(outcome)
    units = _units(session, list(sums))
    rows = []
    for unit_id, outcome in sums.items():
        outcome.extra = {"unit_id": unit_id, "code": units[unit_id].code, "name": units[unit_id].name}
        rows.append(outcome)
    return sorted(rows, key=lambda o: (o.extra["unit_id"] != root_id, o.extra["name"]))


def _branch_of(unit_id, root_id: int, children: set[int], parents: dict) -> int | None:
    """The child of `root_id` whose sub-tree holds `unit_id` (the root itself for its own)."""
    seen = set()
    while unit_id is not None and unit_id not in seen:
        if unit_id == root_id or unit_id in children:
            return unit_id
        seen.add(unit_id)
        unit_id = parents.get(unit_id)
    return None


def ranking(session: Session, scope: Scope, denominator: str = "fallen_due",
            root_id: int | None = None) -> list[Outcome]:
    """Units for emulation (thi đua) — every lead unit, or the children of `root_id` with
    their sub-trees: highest completion rate first, then on-time rate, then fewest overdue;
    units with nothing fallen due rank last."""
    rows = by_subtree(session, scope, root_id) if root_id is not None else by_unit(session, scope)
    rows = [o for o in rows if o.extra["unit_id"] is not None]
    rows.sort(key=lambda o: (o.rate(denominator) is None, -(o.rate(denominator) or 0),
                             -(o.on_time_rate(denominator) or 0), o.overdue, o.extra["name"]))
    for position, outcome in enumerate(rows, start=1):
        outcome.extra["rank"] = position
    return rows


def trend(session: Session, scope: Scope, days: Iterable[date]) -> list[Outcome]:
    """The buckets as they stood at each of `days` (e.g. each month's end), in one pass.

    An assignment's bucket on day d depends only on whether it was assigned, done and past its
    deadline by d, so the query groups the rows by the first of `days` on which each of
    those became true (and by whether it was done on time); Python then counts every day."""
    days = sorted(set(days))
    if not days:
        return []
    a = Assignment
    dated = and_(a.deadline.is_not(None), a.deadline_kind != "open")
    never = len(days)
    first_assigned = _first_day_index(a.assigned_on <= day for day in days)
    first_done = _first_day_index(a.completed_on <= day for day in days)
    first_overdue = case((dated, _first_day_index(a.deadline < day for day in days)), else_=never)
    on_time = case((or_(~dated, a.completed_on <= a.deadline), 1), else_=0)
    query = (select(first_assigned, first_done, first_overdue, on_time, func.count())
             .where(*scope_conditions(scope.at(days[-1])))
             .group_by(first_assigned, first_done, first_overdue, on_time))
    rows = [Outcome(extra={"as_of": day.isoformat()}) for day in days]
    for assigned, done, overdue, was_on_time, count in session.execute(query):
        for index in range(assigned, never):
            bucket = ("on_time" if was_on_time else "late") if done <= index else \
                "overdue" if overdue <= index else "in_progress"
            setattr(rows[index], bucket, getattr(rows[index], bucket) + count)
    return rows


def _first_day_index(conditions: Iterable):
    """SQL: the index of the first true condition (the days are in order), else their count."""
    whens = [(condition, index) for index, condition in enumerate(conditions)]
    return case(*whens, else_=len(whens))


def _units(session: Session, ids: list[int]) -> dict[int, Unit]:
    return {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}

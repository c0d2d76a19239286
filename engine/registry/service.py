"""The registry of assignments (sổ theo dõi): search with unit-scoped access, one
assignment with its history, and the export rows."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, any_, case, false, func, or_, select, tuple_, union_all
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload, selectinload

from engine import clock
from engine.audit.models import AuditEntry
from engine.directives.changes import WITHDRAWN_ACTION
from engine.directives.models import (
    Assignment,
    AssignmentStatus,
    AssignmentUnit,
    Directive,
    DirectiveStatus,
    ExplanationRequest,
    ExtensionRequest,
    LinkCopy,
    ProgressUpdate,
    RaisedIssue,
    task_given_by,
    task_words_match,
    tasks_given,
)
from engine.directives.raised import issues_of
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.outcomes import (
    GROUPS,
    Columns,
    Outcome,
    difficulties,
    first_report_late,
    outcome_case,
    outcome_is,
    outcome_of,
    owes_first_report,
    progress_case,
    said_by,
)
from engine.reports.counts import Scope, scope_conditions
from engine.runtime.models import WorkflowInstance, WorkItem, WorkItemStatus
from engine.text import fold
from engine.working_days import WorkingCalendar


def _column_sorts(a: Columns | _Copies) -> dict[str, tuple]:
    """The orders of the assignment's own columns, over its row or its links' copies."""
    return {"deadline": (a.deadline.is_(None), a.deadline, a.id),
            "-deadline": (a.deadline.is_(None), a.deadline.desc(), a.id.desc()),
            "-updated": (a.last_update_at.is_(None), a.last_update_at.desc(), a.id.desc())}


DIRECTIVE_SORTS = ("issued", "-issued", "symbol")
SORTS = {**_column_sorts(Assignment),
         "issued": (Directive.issued_on, Assignment.seq),
         "-issued": (Directive.issued_on.desc(), Assignment.seq),
         "symbol": (Directive.symbol, Assignment.seq)}
_LINK_SORTS = _column_sorts(LinkCopy)
# The orders an index has (ix_assignments_deadline_order, ix_assignments_updated_order) again, as
# none has them (a CASE for `… IS NULL`): for the filters that may keep rows far along the order,
# which PostgreSQL would walk the index for, row by row (not started ones have deadlines to come,
# a period's are months from the first: seconds at 1M)
_SORTED = {
    "deadline": (case((Assignment.deadline.is_(None), 1), else_=0), Assignment.deadline, Assignment.id),
    "-updated": (case((Assignment.last_update_at.is_(None), 1), else_=0), Assignment.last_update_at.desc(),
                 Assignment.id.desc()),
}
# The deadline order as ix_assignments_not_started has it (no deadline last): the clerk's not-started
# page walked along that index at 1M, 54,000 past-deadline entries skipped (~5 ms), instead of sorted (~12)
_NOT_STARTED_ORDER = (Assignment.deadline.asc().nulls_last(), Assignment.id)
# Outcomes whose rows lie all along the deadline order from its start (past deadlines)
_EARLY_OUTCOMES = {Outcome.DONE_ON_TIME, Outcome.DONE_LATE, Outcome.OVERDUE, *GROUPS}
MAX_PER_PAGE = 200
# Rows a registry page counts at most: its outcome counts and total (search) are exact up to
# here; paging goes no further (bench/scale_reads measures a million assignments).
COUNT_LIMIT = 20_000
# A unit's page this far along its order or further is read from its links' copies, not walked to
# along the assignments' order (a department's at 1M: page 5 of 25 walked to in ~30 ms, page 200
# of 50 in ~350; its links read in ~50 whatever the page)
_WALKED_ROWS = 1_000
# A unit asked for by someone who sees every unit: its page is sorted from its assignments read by
# id up to this many rows (the clerk's S00-P1, 3,700 of them: 12–31 ms at 1M); beyond, it is walked
# to along the order (a department's 40,000: 57 ms walked, 218 sorted)
_PROBED_ROWS = 5_000
# A page a text, an origin or a period filters (_spread) is first looked for among this many rows from the
# start of the deadline order (a period's: from its earliest deadline), walked along its index: the clerk's
# "giai ngan" (a quarter of a million at 1M) finds its first page ~100 rows in (~15 ms) instead of sorting
# every match (~400 ms), Q1 2026 ~1,600 rows in (page 75 → 2 ms)
_WALK_BOUND = 5_000


@dataclass
class AssignmentQuery:
    """What a registry view asks for; every field is optional."""

    unit_code: str | None = None   # this unit and its sub-units
    # a bucket takes its sub-states (in progress: the not-started ones); a group name
    # (engine.outcomes.GROUPS: "done", "fallen_due") its buckets
    outcome: Outcome | str | None = None
    period_from: date | None = None  # assigned on or after
    period_to: date | None = None    # assigned on or before
    urgency: str | None = None
    directive_id: int | None = None
    blocked: bool = False            # only those meeting difficulties (gặp khó khăn, vướng mắc)
    first_report_late: bool = False  # only those late on their first report (chậm báo cáo lần đầu), today
    origin: str | None = None        # who gave the task (directives.models.ORIGINS)
    text: str = ""
    sort: str = "deadline"
    page: int = 1
    per_page: int = 25
    # The assignments a report figure counts (engine.reports.counts: its period, units, as-of
    # day…), their outcomes as of its day: the registry behind a dashboard figure.
    report: Scope | None = None

    def as_of(self) -> date:
        return self.report.as_of if self.report is not None else clock.today()


@dataclass
class RegistryRow:
    """One assignment as of the view's day (AssignmentQuery.as_of): its outcome, progress and
    completion day as they stood then, not today's beside them."""

    assignment: Assignment
    directive: Directive
    lead_unit: Unit | None
    outcome: Outcome | None  # None: cancelled
    progress: str  # engine.directives.models.PROGRESS
    completed_on: date | None  # done by then
    first_report_late: bool = False  # chậm báo cáo lần đầu (engine.outcomes.first_report_late)


@dataclass
class Page:
    rows: list[RegistryRow]
    total: int  # more than COUNT_LIMIT: COUNT_LIMIT + 1, a lower bound
    page: int
    per_page: int
    counts: dict[Outcome, int] = field(default_factory=dict)  # per outcome, as the filter counts them; none
    # when the other filters match more than COUNT_LIMIT rows
    any_outcome: int = 0  # every row the other filters match, cancelled ones too (at most COUNT_LIMIT + 1)
    unlisted: int = 0  # behind a report figure: the secret tasks it counts that the user may not see
    # of `total`, the shares units passed down to their sections (`tasks_given`): rows of their own
    # here, counted within their task by the reports, the office's "tasks"
    shares: int = 0

    total_exact: bool = True  # else `total` is a lower bound, and so are the pages
    any_exact: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-(self.total if self.total_exact else self.total - 1) // self.per_page))


def visible_assignments(session: Session, user: User) -> Select:
    """Assignments `user` may see (engine.org.permissions: their units' and, for
    organisation-wide roles, all but the secret ones their ruleset keeps from them)."""
    return (select(Assignment).join(Directive, Directive.id == Assignment.directive_id)
            .where(permissions.see_clause(session, user, permissions.ASSIGNMENT)))


def visible_assignment(session: Session, user: User, assignment_id: int) -> Assignment | None:
    """The assignment, or None when it does not exist or `user` may not see it (callers
    answer 404 either way, so an id cannot be probed). One statement: its directive from the
    scope's join, its unit links joined."""
    query = (visible_assignments(session, user).where(Assignment.id == assignment_id)
             .options(joinedload(Assignment.units), contains_eager(Assignment.directive)))
    return session.execute(query).unique().scalar_one_or_none()


def _filtered(session: Session, user: User, q: AssignmentQuery, *, listable_only: bool = True,
              probed: bool = True) -> Select:
    """The assignments `q` asks for among those `user` may see (without `listable_only`: among
    all, for counting what a report counts; `probed`: see _in_units)."""
    query = select(Assignment)
    if q.sort in DIRECTIVE_SORTS:  # else counting 1M rows need not join them
        query = query.join(Directive, Directive.id == Assignment.directive_id)
    if listable_only:
        query = query.where(permissions.see_clause(session, user, permissions.ASSIGNMENT))
    if q.report is not None:
        query = query.where(*scope_conditions(q.report))
    unit = org.unit_by_code(session, q.unit_code) if q.unit_code else None
    if unit is not None:
        query = query.where(_in_units(session, _asked_units(session, unit), probed))
    if q.directive_id:
        query = query.where(Assignment.directive_id == q.directive_id)
    if q.blocked:  # as of the report's day, as it counts them
        query = query.where(difficulties(q.report.as_of if q.report is not None else None))
    if q.first_report_late:
        query = query.where(owes_first_report(q.as_of()))
    return query.where(*_column_filters(q, Assignment))


def _in_units(session: Session, units: Iterable[int], probed: bool) -> ColumnElement[bool]:
    """The assignments linked to `units`. `probed`, on PostgreSQL: their ids are read off the
    links' index and the assignments probed by id (`id = ANY(ARRAY(…))`), where `IN` had the
    planner hash-join the links to a scan of the million (the clerk's count of a section's 3,700:
    156 → 20 ms, of a department's 20,001: 229 → 83)."""
    linked = select(AssignmentUnit.assignment_id).where(AssignmentUnit.unit_id.in_(units))
    if probed and session.get_bind().dialect.name == "postgresql":
        return Assignment.id == any_(func.array(linked.scalar_subquery()))
    return Assignment.id.in_(linked)


def _column_filters(q: AssignmentQuery, a: Columns) -> list:
    """The conditions of `q` on the assignment's own columns, over its row or its links' copies:
    its urgency, period, origin (its directive's) and text (its content's or its directive's words)."""
    found = ([a.urgency == q.urgency] if q.urgency else []) + _period(q, a)
    found += [task_given_by(q.origin, a.directive_id)] if q.origin else []
    return found + ([task_words_match(q.text, a)] if fold(q.text) else [])


def _period(q: AssignmentQuery, a: Columns) -> list:
    found = [a.assigned_on >= q.period_from] if q.period_from else []
    return found + ([a.assigned_on <= q.period_to] if q.period_to else [])


def _links_in_scope(session: Session, user: User, q: AssignmentQuery) -> list[int] | None:
    """The units whose links answer `q` from their copies of the assignments' columns
    (engine.directives.link_copies): those of a user of a unit, or the sub-tree of the unit asked
    for when it lies within them; None when `q` reads more than those columns (a report's scope, a
    sort by directive), when the few of a directive or meeting difficulties are found through their
    own index, or when the user sees every unit."""
    if q.directive_id or q.report is not None or q.sort in DIRECTIVE_SORTS or _few(q):
        return None
    units = permissions.units_in_scope(session, user)
    if units is None:
        return None
    unit = org.unit_by_code(session, q.unit_code) if q.unit_code else None
    if unit is None:
        return sorted(units)
    subtree = _asked_units(session, unit)
    return sorted(subtree) if subtree <= units else None


def _asked_units(session: Session, unit: Unit) -> set[int]:
    """The units a filter on `unit` lists the tasks of: its sub-tree with the units reorganised into it, as its report
    counts them (engine.reports.query.chosen_units) — Phường Tuy Hòa's lists what its pre-2025 communes received."""
    return org.with_predecessors(session, org.subtree_ids(session, unit.id))


def search(session: Session, user: User, q: AssignmentQuery, *, tabs: bool = True) -> Page:
    """One page of the registry, with the count of each outcome for the same filters. Counts
    stop at COUNT_LIMIT rows: beyond, the outcomes are not counted and the total is a lower
    bound (an office's unfiltered view of a million assignments took seconds to count). Without
    `tabs`, an outcome's page and its total alone: the other outcomes are not counted (the
    office's day, GET /today, shows the overdue ones: 20,001 rows read for nothing at 1M)."""
    today = q.as_of()
    units = _links_in_scope(session, user, q)
    a: Columns = Assignment if units is None else LinkCopy
    base = _filtered(session, user, q) if units is None else \
        select(LinkCopy.id).where(AssignmentUnit.unit_id.in_(units), *_column_filters(q, LinkCopy))
    counted = tabs or not q.outcome
    counts: dict[Outcome, int]
    if not counted:
        counts, any_outcome = {}, 0
    elif _scope_over_limit(session, user, q):
        counts, any_outcome = {}, COUNT_LIMIT + 1
    else:
        counts, any_outcome = _outcome_counts(session, base, today, a)
    query = _with_outcome(session, base, q, today, a)
    if not q.outcome:
        total = any_outcome
    elif counts:
        total = _total(counts, q.outcome)
    else:
        total = _capped_count(session, query, a)
    # a report counts the tasks given alone (its scope): else the shares among the rows are said
    shares = _shares(session, query, a) if q.report is None and total <= COUNT_LIMIT else 0
    per_page = max(1, min(q.per_page, MAX_PER_PAGE))
    page = min(max(1, q.page), -(-COUNT_LIMIT // per_page))
    offset = (page - 1) * per_page
    if units is not None and _walked(q, offset, total):
        query, units = _with_outcome(session, _filtered(session, user, q), q, today, Assignment), None
    elif units is None and q.unit_code and total > _PROBED_ROWS:
        query = _with_outcome(session, _filtered(session, user, q, probed=False), q, today, Assignment)
    walkable = _with_outcome(session, _filtered(session, user, q, probed=not (q.unit_code and total > _PROBED_ROWS)),
                             q, today, Assignment) \
        if _walked_first(session, q, units, offset, total) else None
    rows = _page_rows(session, query, q, units, offset, per_page, total, walkable)
    return Page(_rows(session, rows, today), total, page, per_page, counts, any_outcome,
                unlisted=_unlisted(session, user, q, total) if q.report is not None else 0,
                shares=shares,
                total_exact=total <= COUNT_LIMIT, any_exact=counted and any_outcome <= COUNT_LIMIT)


def _with_outcome(session: Session, query: Select, q: AssignmentQuery, today: date, a: Columns) -> Select:
    if not q.outcome:
        return query
    return query.where(outcome_is(q.outcome, today, WorkingCalendar.lazily_from_db(session), a))


def _walked(q: AssignmentQuery, offset: int, total: int) -> bool:
    """A unit's page is walked to along the assignments' order (_order) rather than read from its
    links when nothing but an outcome lying from the order's start narrows it, more than
    COUNT_LIMIT rows match (they lie close together along the order: a department's overdue
    ones, 6,400 of its 40,000, took 19 ms to walk to at 1M, 6 from its links) and it begins before
    the _WALKED_ROWS-th row."""
    return _walks(q) and not _column_filters(q, Assignment) and not q.unit_code and total > COUNT_LIMIT \
        and offset < _WALKED_ROWS


def _walked_first(session: Session, q: AssignmentQuery, units: list[int] | None, offset: int, total: int) -> bool:
    """On PostgreSQL, a page with a text, an origin or a period (_spread) is first looked for along
    the deadline order's index within _WALK_BOUND rows (_walked_within_bound); from a unit's links,
    only when more than COUNT_LIMIT rows match and it begins before the _WALKED_ROWS-th row (as
    _walked: they lie close together along the order; a department's "giai ngan" at 1M, 28,000 of
    its 40,000: its first page walked to in 22 ms, read from its links in 68, load ~5)."""
    return session.get_bind().dialect.name == "postgresql" and _spread(q) and (
        units is None or (total > COUNT_LIMIT and offset < _WALKED_ROWS))


def _page_rows(session: Session, query: Select, q: AssignmentQuery, units: list[int] | None, offset: int,
               limit: int, total: int, walkable: Select | None = None) -> list[Assignment]:
    """The page's assignments: their ids, then their rows (the ids alone may come from an index:
    the clerk's not-started ones from ix_assignments_not_started, 170 → 25 ms at 1M), from the
    links of `units` or, without them, from the assignments; either walked to first along
    `walkable`, the same rows over the assignments (_walked_first)."""
    walked = None if walkable is None else \
        _walked_within_bound(session, walkable.with_only_columns(Assignment.id), q, offset, limit, total)
    if walked is not None:
        return _by_id(session, walked)
    if units is not None:
        return _by_id(session, list(session.scalars(_links_page(query, q, len(units), offset, limit))))
    query = query.with_only_columns(Assignment.id)
    return _by_id(session, list(session.scalars(query.order_by(*_order(q)).offset(offset).limit(limit))))


class _Copies(NamedTuple):
    """The sorted copies of a subquery of links, by the assignment's names (as _column_sorts reads them)."""

    id: ColumnElement
    deadline: ColumnElement
    last_update_at: ColumnElement


def _links_page(query: Select, q: AssignmentQuery, units: int, offset: int, limit: int) -> Select:
    """A page's ids from the links of `query`, one an assignment. An assignment is there once each
    of the `units` linked to it, with the same copies: next to each other in the order, so a page
    near the start (before the _WALKED_ROWS-th row) lies among the first (offset + limit) × units
    links, which alone are grouped per assignment (all the 28,000 links of a department that a text
    matches took ~20 ms to group at 1M); further, the bounded sort would sort them all (page 200 of
    50: 45 → 65 ms), and they are grouped first."""
    sort = q.sort if q.sort in _LINK_SORTS else "deadline"
    query = query.with_only_columns(LinkCopy.id, LinkCopy.deadline, LinkCopy.last_update_at)
    if offset < _WALKED_ROWS:
        query = query.order_by(*_LINK_SORTS[sort]).limit((offset + limit) * units)
    copies = _Copies(*query.subquery().c)
    return select(copies.id).group_by(*copies).order_by(*_column_sorts(copies)[sort]).offset(offset).limit(limit)


def _by_id(session: Session, ids: list[int]) -> list[Assignment]:
    """The assignments of `ids`, in that order, with their directives."""
    found = {a.id: a for a in session.scalars(select(Assignment).where(Assignment.id.in_(ids))
                                              .options(selectinload(Assignment.directive)))}
    return [found[i] for i in ids]


def _walked_within_bound(session: Session, query: Select, q: AssignmentQuery, offset: int, limit: int,
                         total: int) -> list[int] | None:
    """The ids of the page of `query` (over the assignments' ids) walked to along the deadline
    order's index no further than its _WALK_BOUND-th row (_walked_first); None when fewer rows than
    the page holds (`total` match, a lower bound past COUNT_LIMIT) lie that far: then it is sorted,
    or read from the links. Rows found within the bound are the page: every row before them in the
    order lies within it too."""
    order = SORTS["deadline"]
    start = _period_start(session, q)
    if start is None:
        return None
    bound = session.execute(select(*order).where(*start).order_by(*order).offset(_WALK_BOUND - 1).limit(1)).first()
    if bound is not None and bound[1] is None:  # past the last deadline: no row value compares with it
        return None
    within = query.where(*start, *([tuple_(*order) <= tuple_(*bound)] if bound is not None else []))
    ids = list(session.scalars(within.order_by(*order).offset(offset).limit(limit)))
    return ids if len(ids) == (limit if total > COUNT_LIMIT else max(0, min(limit, total - offset))) else None


def _spread(q: AssignmentQuery) -> bool:
    """`q` asks for a text, an origin or a period in the deadline order, and nothing that keeps its
    rows far along that order (an outcome still to come…) or few (a directive, difficulties)."""
    return bool(fold(q.text) or q.origin or _period(q, Assignment)) and _sort(q) == "deadline" and not (
        q.directive_id or _few(q) or q.report is not None or (q.outcome and q.outcome not in _EARLY_OUTCOMES))


def _period_start(session: Session, q: AssignmentQuery) -> list | None:
    """Where the walk along the deadline order begins: at its start ([]), or for a period at its
    earliest deadline (the clerk's Q1 2026 at 1M: 406,302 rows in); None when no task given
    in the period has a deadline (its page is sorted)."""
    if not _period(q, Assignment):
        return []
    earliest = session.scalar(_earliest_deadline(q))
    order = SORTS["deadline"]
    return None if earliest is None else [tuple_(order[0], order[1]) >= tuple_(false(), earliest)]


def _earliest_deadline(q: AssignmentQuery) -> Select:
    """The earliest deadline of the tasks given in `q`'s period, read off ix_assignments_period a
    day at a time (a loose index scan: ~90 probes for a quarter, ~1 ms at 1M, against 10 reading
    its 128,000 entries)."""
    later, on_day = aliased(Assignment), aliased(Assignment)
    days = select(func.min(Assignment.assigned_on).label("day")).where(*_period(q, Assignment)) \
        .cte("days", recursive=True)
    days = days.union_all(select(select(func.min(later.assigned_on)).where(
        *_period(q, later), later.assigned_on > days.c.day).scalar_subquery()).where(days.c.day.is_not(None)))
    first = select(func.min(on_day.deadline)).where(on_day.assigned_on == days.c.day).scalar_subquery()
    return select(func.min(first)).where(days.c.day.is_not(None))


def _narrowed(q: AssignmentQuery) -> bool:
    """`q` filters by more than the user's scope, a unit and an outcome."""
    return bool(q.urgency) or _kept_far(q)


def _kept_far(q: AssignmentQuery) -> bool:
    """`q` has a filter whose rows may lie far along an order, or be few: a period, a text…"""
    return bool(fold(q.text) or q.origin or q.directive_id or _few(q) or q.period_from or q.period_to
                or q.report is not None)


def _few(q: AssignmentQuery) -> bool:
    """`q` asks for the few its own partial index finds: meeting difficulties, late on their first report."""
    return q.blocked or q.first_report_late


def _order(q: AssignmentQuery) -> tuple:
    """The page's order. The deadline and update orders are walked along their index and stop at
    the page (a department's first page: 250 → 9 ms at 1M) unless a filter may keep the rows far
    along them (an urgency, a column PostgreSQL keeps statistics of, does not). The not-started
    ones, which lie far along the deadline order, are walked along their own index's order."""
    sort = _sort(q)
    if sort == "deadline" and q.outcome == Outcome.NOT_STARTED and not (_kept_far(q) or q.unit_code):
        return _NOT_STARTED_ORDER
    return SORTS[sort] if _walks(q) or sort not in _SORTED else _SORTED[sort]


def _sort(q: AssignmentQuery) -> str:
    return q.sort if q.sort in SORTS else "deadline"


def _walks(q: AssignmentQuery) -> bool:
    """No filter keeps `q`'s rows far along its order's index."""
    return not _kept_far(q) and (not q.outcome or (_sort(q) == "deadline" and q.outcome in _EARLY_OUTCOMES))


def _scope_over_limit(session: Session, user: User, q: AssignmentQuery) -> bool:
    """A user of a unit asking for their whole scope, which holds more than COUNT_LIMIT
    assignments: counted on the index of their units' links alone (the assignments the unit
    leads or coordinates, as permissions.see_clause has them), not by reading 20,001 rows. With a
    text or an origin (and the other filters the links copy), over it when one of their units alone
    is: else their outcomes are counted (_outcome_counts)."""
    units = permissions.units_in_scope(session, user)
    if units is None or q.unit_code:
        return False
    if _narrowed(q):  # a text or an origin may keep most of the scope ("origin: own" all of it); a rarer
        # filter (an urgency, a period) is counted at once, not after a read of a department's own
        # 28,670 links (at 1M) for a check that could not pass
        return bool(fold(q.text) or q.origin) and not (q.directive_id or q.report is not None or _few(q)) and \
            _one_unit_over_limit(session, units, _column_filters(q, LinkCopy))
    if _one_unit_over_limit(session, units):
        return True
    linked = (select(AssignmentUnit.assignment_id).where(AssignmentUnit.unit_id.in_(units)).distinct()
              .limit(COUNT_LIMIT + 1).subquery())
    return (session.scalar(select(func.count()).select_from(linked)) or 0) > COUNT_LIMIT


def _one_unit_over_limit(session: Session, units: Iterable[int], filters: Iterable = ()) -> bool:
    """One of `units` alone is linked to more than COUNT_LIMIT assignments that `filters` (over
    the links' copies) keep (a unit's links name each assignment once): read off the first entries
    of each unit's links, where counting the assignments of all of them distinct hashes every link
    (a department at 1M, itself linked to 28,670 of its 39,837: 20,001 entries read, against 39,837
    hashed; its "giai ngan", 25,787 of its own: 22 ms against 110, "origin: own" 4 against 100)."""
    capped = [select(func.count()).select_from(select(AssignmentUnit.assignment_id).where(
        AssignmentUnit.unit_id == unit, *filters).limit(COUNT_LIMIT + 1).subquery()) for unit in sorted(units)]
    counts = union_all(*capped).subquery()
    return (session.scalar(select(func.max(counts.c[0]))) or 0) > COUNT_LIMIT


def _outcome_counts(session: Session, base: Select, today: date, a: Columns) -> tuple[dict[Outcome, int], int]:
    """Each outcome's count among the rows of `base`, and how many rows it holds, in one pass
    that reads COUNT_LIMIT + 1 rows at most: past that, no counts and the lower bound."""
    outcome = outcome_case(today, WorkingCalendar.lazily_from_db(session), a=a)
    outcomes = _one_per_assignment(base, a, outcome.label("outcome")).limit(COUNT_LIMIT + 1).subquery()
    found = {outcome: n for outcome, n in session.execute(
        select(outcomes.c.outcome, func.count()).group_by(outcomes.c.outcome))}
    rows = sum(found.values())
    if rows > COUNT_LIMIT:
        return {}, rows
    counts = {outcome: found.get(outcome.value, 0) for outcome in Outcome}
    counts[Outcome.IN_PROGRESS] += counts[Outcome.NOT_STARTED]  # a bucket counts its sub-state
    return counts, rows


def _shares(session: Session, query: Select, a: Columns) -> int:
    """How many of the rows of `query` are shares passed down to sections (read off ix_assignments_shares)."""
    return _capped_count(session, query.where(a.id.in_(select(Assignment.id).where(Assignment.parent_id.is_not(None)))),
                         a)


def _capped_count(session: Session, query: Select, a: Columns) -> int:
    """How many rows `query` gives, counting COUNT_LIMIT + 1 at most."""
    limited = _one_per_assignment(query, a).limit(COUNT_LIMIT + 1).subquery()
    return session.scalar(select(func.count()).select_from(limited)) or 0


def _one_per_assignment(query: Select, a: Columns, *columns) -> Select:
    """`query` selecting `columns` (else the ids), one row an assignment: on the links, an
    assignment two of the units hold (a lead and a coordinating one) is there twice."""
    if a is LinkCopy:
        return query.with_only_columns(*columns, a.id).order_by(None).distinct()
    return query.with_only_columns(*(columns or (a.id,))).order_by(None)


def _unlisted(session: Session, user: User, q: AssignmentQuery, listed: int) -> int:
    """A report counts the secret tasks it names to no one (engine.reports.counts): how many of
    those behind its figure the registry does not list, so that the page still adds up to it."""
    return max(0, _counted(session, user, q, listable_only=False) - listed)


def unlisted_in_report(session: Session, user: User, q: AssignmentQuery) -> int:
    """`_unlisted` for the export, which lists every row: 0 for a list that is no report's figure."""
    return _unlisted(session, user, q, _counted(session, user, q)) if q.report is not None else 0


def _counted(session: Session, user: User, q: AssignmentQuery, listable_only: bool = True) -> int:
    query = _filtered(session, user, q, listable_only=listable_only)
    if q.outcome:
        query = query.where(outcome_is(q.outcome, q.as_of(), WorkingCalendar.lazily_from_db(session)))
    return session.scalar(query.with_only_columns(func.count(Assignment.id)).order_by(None)) or 0


def _total(counts: dict[Outcome, int], outcome: Outcome | str) -> int:
    """How many rows one outcome, bucket or group holds, from the per-outcome counts."""
    if outcome in GROUPS:
        return sum(counts[bucket] for bucket in GROUPS[outcome])
    return counts[Outcome(outcome)]


@dataclass
class ExportRow(RegistryRow):
    """A registry row with what only the export shows."""

    coordinating: list[Unit] = field(default_factory=list)  # by name
    latest_report: str = ""  # the note of the lead unit's newest progress report that has one, by the view's day


def export_rows(session: Session, user: User, q: AssignmentQuery, limit: int = 10000) -> list[ExportRow]:
    """Every row of the current view (no paging) for an Excel export: the same rows, in the
    same order, as the registry page shows `user` for `q`."""
    today = q.as_of()
    query = _filtered(session, user, q)
    if q.outcome:
        query = query.where(outcome_is(q.outcome, today, WorkingCalendar.lazily_from_db(session)))
    assignments = session.scalars(query.order_by(*_order(q)).options(selectinload(Assignment.directive))
                                  .limit(limit)).all()
    ids = [a.id for a in assignments]
    coordinating, reports = _coordinating_units(session, ids), _latest_reports(session, ids, today)
    return [ExportRow(**vars(row), coordinating=coordinating.get(row.assignment.id, []),
                      latest_report=reports.get(row.assignment.id, "")) for row in _rows(session, assignments, today)]


def _coordinating_units(session: Session, ids: list[int]) -> dict[int, list[Unit]]:
    found: dict[int, list[Unit]] = {}
    for assignment_id, unit in session.execute(
            select(AssignmentUnit.assignment_id, Unit).join(Unit, Unit.id == AssignmentUnit.unit_id)
            .where(AssignmentUnit.assignment_id.in_(ids), AssignmentUnit.role == "coordinating").order_by(Unit.name)):
        found.setdefault(assignment_id, []).append(unit)
    return found


def _latest_reports(session: Session, ids: list[int], as_of: date) -> dict[int, str]:
    """Each assignment's newest note from its lead unit by the end of `as_of` (a coordinating unit's
    part is its opinion to the lead, not the task's report), as _lead_reports for the directive page."""
    newest = func.row_number().over(partition_by=ProgressUpdate.assignment_id,
                                    order_by=(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()))
    ranked = (select(ProgressUpdate.assignment_id, ProgressUpdate.note, newest.label("n"))
              .join(Assignment, Assignment.id == ProgressUpdate.assignment_id)
              .where(ProgressUpdate.assignment_id.in_(ids), ProgressUpdate.unit_id == Assignment.lead_unit_id,
                     ProgressUpdate.note.is_not(None), ProgressUpdate.note != "",
                     ProgressUpdate.created_at < said_by(as_of))
              .subquery())
    return dict(session.execute(select(ranked.c.assignment_id, ranked.c.note).where(ranked.c.n == 1)).all())


def _rows(session: Session, assignments, as_of: date) -> list[RegistryRow]:
    """The rows of the page and of the export alike, every column as of `as_of`."""
    unit_ids = {a.lead_unit_id for a in assignments if a.lead_unit_id}
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    progress = _progress_as_of(session, assignments, as_of)
    return [RegistryRow(a, a.directive, units.get(a.lead_unit_id), outcome_of(a, as_of, progress[a.id]),
                        progress[a.id], a.completed_on if a.completed_on and a.completed_on <= as_of else None,
                        first_report_late(a, as_of))
            for a in assignments]


def _progress_as_of(session: Session, assignments, as_of: date) -> dict[int, str]:
    """Each assignment's progress as of `as_of` (progress_case): today's read off the rows, a past
    day's in one query for them all."""
    if as_of >= clock.today() or not assignments:
        return {a.id: a.progress for a in assignments}
    ids = [a.id for a in assignments]
    return dict(session.execute(select(Assignment.id, progress_case(as_of)).where(Assignment.id.in_(ids))).all())


@dataclass(frozen=True)
class Withdrawal:
    """Why, on whose instruction, by whom (full name) and on which day an assignment was withdrawn."""

    reason: str
    instruction: str | None
    by: str
    on: date


def withdrawals(session: Session, assignment_ids: list[int]) -> dict[int, Withdrawal]:
    """The withdrawals of these assignments, read from their history."""
    rows = session.execute(select(AuditEntry, User.full_name).outerjoin(User, User.id == AuditEntry.actor_id)
                           .where(AuditEntry.action == WITHDRAWN_ACTION, AuditEntry.assignment_id.in_(assignment_ids)))
    found = {}
    for entry, name in rows:
        after = entry.after or {}
        if entry.assignment_id is not None:
            found[entry.assignment_id] = Withdrawal(reason=after.get("reason", ""),
                                                    instruction=after.get("instruction"), by=name or entry.actor_name,
                                                    on=entry.at.astimezone(clock.VN_TZ).date())
    return found


@dataclass
class AssignmentDetail:
    assignment: Assignment
    directive: Directive
    outcome: Outcome | None
    units: list[tuple[str, Unit]]          # (lead | coordinating, unit)
    part_deadlines: dict[int, date]        # a coordinating unit's own deadline (hạn phối hợp), by unit id
    work_items: list[WorkItem]             # ready ones, for the actions
    instance: WorkflowInstance | None
    extensions: list[ExtensionRequest]     # đề nghị gia hạn
    explanations: list[ExplanationRequest]  # yêu cầu giải trình
    raised_issues: list[RaisedIssue]        # kiến nghị
    withdrawal: Withdrawal | None = None    # thu hồi
    # the full names of those who asked and answered the extensions and explanations, by user id
    people: dict[int, str] = field(default_factory=dict)


def assignment_detail(session: Session, user: User, assignment_id: int) -> AssignmentDetail | None:
    """One assignment as its page and the API show it, without its progress reports and its
    history (progress_page, history_page: a page of each): what it reads does not grow with them,
    nor with the organisation (only the units the assignment names are read)."""
    assignment = visible_assignment(session, user, assignment_id)
    if assignment is None:
        return None
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_([link.unit_id
                                                                            for link in assignment.units])))}
    ready = session.scalars(select(WorkItem).where(WorkItem.assignment_id == assignment.id,
                                                   WorkItem.status == WorkItemStatus.READY).order_by(WorkItem.id)).all()
    instance = session.get(WorkflowInstance, assignment.instance_id) if assignment.instance_id else None
    extensions = session.scalars(select(ExtensionRequest).where(ExtensionRequest.assignment_id == assignment.id)
                                 .order_by(ExtensionRequest.requested_at.desc())).all()
    explanations = session.scalars(select(ExplanationRequest).where(
        ExplanationRequest.assignment_id == assignment.id).order_by(ExplanationRequest.requested_at.desc())).all()
    return AssignmentDetail(
        assignment=assignment, directive=assignment.directive,
        outcome=outcome_of(assignment, clock.today()),
        units=sorted(((link.role, units[link.unit_id]) for link in assignment.units),
                     key=lambda pair: (pair[0] != "lead", pair[1].name)),
        part_deadlines={link.unit_id: link.deadline for link in assignment.units
                        if link.role == "coordinating" and link.deadline},
        work_items=list(ready), instance=instance, extensions=list(extensions),
        explanations=list(explanations), raised_issues=issues_of(session, assignment.id),
        withdrawal=withdrawals(session, [assignment.id]).get(assignment.id),
        people=_full_names(session, [*(r.requested_by for r in extensions), *(r.decided_by for r in extensions),
                                     *(r.requested_by for r in explanations), *(r.answered_by for r in explanations)]))


def _full_names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {user_id for user_id in user_ids if user_id is not None}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(wanted))).all()) if wanted else {}


@dataclass(frozen=True)
class ProgressPage:
    reports: list[tuple[ProgressUpdate, Unit | None, User | None]]  # newest first, with their unit and author
    older: int | None                                                # when older ones follow: their page's cursor


def progress_page(session: Session, assignment_id: int, size: int, before: int | None = None) -> ProgressPage:
    """One page of an assignment's progress reports, newest first: `size` reports older than
    report `before` (BadCursor when it is none of this assignment's), through the index on
    (assignment, time, id), with the units and people of those reports only."""
    where = [ProgressUpdate.assignment_id == assignment_id,
             *_older_than(session, ProgressUpdate, ProgressUpdate.created_at, assignment_id, before)]
    rows = session.execute(select(ProgressUpdate, Unit, User).outerjoin(Unit, Unit.id == ProgressUpdate.unit_id)
                           .outerjoin(User, User.id == ProgressUpdate.user_id).where(*where)
                           .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
                           .limit(size + 1)).all()
    return ProgressPage(*_cut([(update, unit, by) for update, unit, by in rows], size))


@dataclass(frozen=True)
class UnitReport:
    """A unit's last report on an assignment: the lead unit's progress, a coordinating unit's
    contribution, or the progress of a section the lead unit passed a share down to."""

    role: str                  # lead | coordinating | section
    unit: Unit
    update: ProgressUpdate
    by: User | None


REPORT_ORDER = {"lead": 0, "coordinating": 1, "section": 2}


def latest_reports(session: Session, user: User, assignment: Assignment) -> list[UnitReport]:
    """Each unit's last report on `assignment`, the lead unit first: what the office reviews
    (the report, its files, the coordinating units' input), what the unit sees again when its
    report comes back, and the reports of the sections it passed shares down to (not withdrawn),
    which the unit consolidates into its own (tổng hợp); a share's report only where `user`
    may see the share (not a coordinating unit)."""
    roles: dict[tuple[int, int | None], str] = {(assignment.id, link.unit_id): link.role for link in assignment.units}
    shares = session.execute(visible_assignments(session, user).with_only_columns(
        Assignment.id, Assignment.lead_unit_id).where(
        Assignment.parent_id == assignment.id, Assignment.status != AssignmentStatus.CANCELLED)).all()
    roles.update({(share_id, unit_id): "section" for share_id, unit_id in shares})
    last: dict[tuple[int, int | None], ProgressUpdate] = {}
    for update in session.scalars(select(ProgressUpdate).where(
            ProgressUpdate.assignment_id.in_({assignment_id for assignment_id, _unit in roles}))
            .order_by(ProgressUpdate.created_at, ProgressUpdate.id)):
        if (update.assignment_id, update.unit_id) in roles:
            last[update.assignment_id, update.unit_id] = update
    reports = [UnitReport(roles[key], session.get_one(Unit, key[1]), update,
                          session.get(User, update.user_id) if update.user_id else None)
               for key, update in last.items()]
    return sorted(reports, key=lambda r: (REPORT_ORDER[r.role], r.unit.name))


@dataclass
class DirectiveDetail:
    directive: Directive
    rows: list[RegistryRow]                  # the assignments `user` may see, in order
    withdrawals: dict[int, Withdrawal]       # by assignment id
    history: list[tuple[AuditEntry, str]]    # the directive's own entries and its withdrawals, with who (full name)
    coordinating: dict[int, list[Unit]] = field(default_factory=dict)   # by assignment id, by name
    latest: dict[int, ProgressUpdate] = field(default_factory=dict)     # the lead unit's last report, by assignment id
    work_items: list[WorkItem] = field(default_factory=list)            # the directive's ready work items
    awaiting: int = 0  # the tasks registered with it, none given out yet: it waits to be classified

    @property
    def progress(self) -> tuple[int, int]:
        """(done, counted): tasks done (on time or late) of those given and not cancelled (a share
        passed down to a section is its unit's task's: counted as reports count it)."""
        counted = [row for row in self.rows if row.outcome is not None and not row.assignment.is_share]
        return sum(row.outcome in (Outcome.DONE_ON_TIME, Outcome.DONE_LATE) for row in counted), len(counted)

    @property
    def awaited_steps(self) -> list[str]:
        """The steps a directive not yet given out waits for, by their names, once each: the office's
        classification, or first the Director's assignment where the ruleset has one (Gia Lai Đ.5 k.1a)."""
        return list(dict.fromkeys(item.title for item in self.work_items if item.assignment_id is None))


def directive_assignments(session: Session, user: User, directive_id: int) -> list[Assignment]:
    """The directive's assignments `user` may see, in order, with their unit links (read together:
    one statement for the links, not one per assignment)."""
    return list(session.scalars(visible_assignments(session, user).where(Assignment.directive_id == directive_id)
                                .options(selectinload(Assignment.units))
                                .order_by(Assignment.seq, Assignment.id)))


def directive_detail(session: Session, user: User, directive_id: int) -> DirectiveDetail | None:
    """One directive's page: its assignments and its history (newest first)."""
    if not permissions.may_see(session, user, permissions.DIRECTIVE, directive_id):
        return None
    assignments = directive_assignments(session, user, directive_id)
    rows = _rows(session, assignments, clock.today())
    trail = history(session, AuditEntry.directive_id == directive_id,
                     or_(AuditEntry.assignment_id.is_(None),
                         (AuditEntry.action == WITHDRAWN_ACTION)
                         & AuditEntry.assignment_id.in_([a.id for a in assignments])))
    ids = [a.id for a in assignments]
    directive = session.get_one(Directive, directive_id)
    return DirectiveDetail(directive=directive, rows=rows, awaiting=_awaiting_classification(directive, rows, trail),
                           withdrawals=withdrawals(session, ids), history=trail,
                           coordinating=_coordinating_units(session, ids), latest=_lead_reports(session, assignments),
                           work_items=list(session.scalars(select(WorkItem).where(
                               WorkItem.directive_id == directive_id, WorkItem.status == WorkItemStatus.READY)
                               .order_by(WorkItem.id))))


def _awaiting_classification(directive: Directive, rows: list[RegistryRow],
                             trail: list[tuple[AuditEntry, str]]) -> int:
    """The tasks registered with a directive not yet classified: its tasks are given out only when it is
    (the directive process), so its page counts what its registration recorded ("Số nhiệm vụ: 2")."""
    if directive.status != DirectiveStatus.REGISTERED or rows:
        return 0
    return next((int((entry.after or {}).get("assignments") or 0) for entry, _who in trail
                 if entry.action == "directive.registered"), 0)


def _lead_reports(session: Session, assignments) -> dict[int, ProgressUpdate]:
    """Each assignment's last report by its lead unit (one query for the page)."""
    leads = {a.id: a.lead_unit_id for a in assignments}
    latest: dict[int, ProgressUpdate] = {}
    for update in session.scalars(select(ProgressUpdate).where(ProgressUpdate.assignment_id.in_(leads))
                                  .order_by(ProgressUpdate.created_at, ProgressUpdate.id)):
        if update.unit_id == leads[update.assignment_id]:
            latest[update.assignment_id] = update
    return latest


# The engine's own bookkeeping, kept in the audit but not in the history people read: every
# message a person sends (an extension or explanation request, an adjustment, an issue raised)
# has its own entry in words beside the raw delivery.
MECHANICS = ("instance.message",)


def history(session: Session, *where, limit: int | None = None) -> list[tuple[AuditEntry, str]]:
    """Audit entries newest first (the first `limit` of them), each with who acted by full
    name (the user name of an account since deleted, the recorded name of the system)."""
    rows = session.execute(select(AuditEntry, User.full_name).outerjoin(User, User.id == AuditEntry.actor_id)
                           .where(*where, AuditEntry.action.not_in(MECHANICS))
                           .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)).all()
    return [(entry, name or entry.actor_name) for entry, name in rows]


@dataclass(frozen=True)
class HistoryPage:
    entries: list[tuple[AuditEntry, str]]   # newest first, with who (full name)
    older: int | None                       # when older entries follow: the cursor of their page


class BadCursor(ValueError):
    """A page's cursor that names no history entry (or progress report) of this assignment."""


def history_page(session: Session, assignment_id: int, size: int, before: int | None = None) -> HistoryPage:
    """One page of an assignment's history, newest first: `size` entries older than entry
    `before` (the cursor of the previous page), read through the index on (assignment, time,
    id) so that a page costs the same whatever the length of the history."""
    where = [AuditEntry.assignment_id == assignment_id,
             *_older_than(session, AuditEntry, AuditEntry.at, assignment_id, before)]
    return HistoryPage(*_cut(history(session, *where, limit=size + 1), size))


def _cut(rows: list, size: int) -> tuple[list, int | None]:
    """A page of `size` from `rows` (read one more, each led by its row object), and the cursor
    of the next page (the id of the page's last row) when there are more."""
    return rows[:size], rows[size - 1][0].id if len(rows) > size else None


def _older_than(session: Session, model, at, assignment_id: int, before: int | None) -> list:
    """The keyset condition of a page after row `before` of this assignment's rows of `model`
    (ordered by `at`, then id, newest first); BadCursor when `before` is not one of them."""
    if before is None:
        return []
    moment = session.scalar(select(at).where(model.id == before, model.assignment_id == assignment_id))
    if moment is None:
        raise BadCursor(before)
    return [tuple_(at, model.id) < tuple_(moment, before)]


def registered_on(session: Session, user: User, day: date) -> list[tuple[Directive, int]]:
    """The directives registered on `day` (Vietnam time) that `user` may see, newest first, each
    with its number of tasks given (not the shares passed down to sections): the office's
    registrations of the day (counted, not loaded: a province's day at 1M, 177 directives, loaded
    1,400 tasks)."""
    start = datetime.combine(day, time.min, tzinfo=clock.VN_TZ)
    tasks = select(func.count(Assignment.id)).where(Assignment.directive_id == Directive.id,
                                                    tasks_given()).scalar_subquery()
    rows = session.execute(
        select(Directive, tasks).where(Directive.created_at >= start, Directive.created_at < start + timedelta(days=1),
                                       permissions.see_clause(session, user, permissions.DIRECTIVE))
        .order_by(Directive.created_at.desc(), Directive.id.desc())).all()
    planned = _registered_tasks(session, [d.id for d, n in rows if not n and d.status == DirectiveStatus.REGISTERED])
    return [(directive, n or planned.get(directive.id, 0)) for directive, n in rows]


def _registered_tasks(session: Session, directive_ids: list[int]) -> dict[int, int]:
    """How many tasks each of these directives, not yet classified, was registered with: they are given
    (assignments made) only when the office classifies it, and its registration's entry counts them."""
    if not directive_ids:
        return {}
    return {directive_id: (after or {}).get("assignments", 0) for directive_id, after in session.execute(
        select(AuditEntry.directive_id, AuditEntry.after).where(
            AuditEntry.action == "directive.registered", AuditEntry.directive_id.in_(directive_ids)))}


class TaskName(NamedTuple):
    """What people name an assignment by, never its database id (the page words them)."""
    symbol: str
    seq: int
    content: str


def task_names(session: Session, user: User, assignment_ids: Iterable[int | None],
               width: int = 80) -> dict[int, TaskName]:
    """The names of these assignments, their content shortened to `width` characters; only those
    `user` may see."""
    ids = {i for i in assignment_ids if i is not None}
    rows = session.execute(visible_assignments(session, user).where(Assignment.id.in_(ids)).with_only_columns(
        Assignment.id, Assignment.seq, Assignment.content, Directive.symbol))
    return {aid: TaskName(symbol, seq, shorten(content, width)) for aid, seq, content, symbol in rows}


def shorten(text: str, width: int) -> str:
    """`text` cut at a word before `width` characters, with an ellipsis when cut."""
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"

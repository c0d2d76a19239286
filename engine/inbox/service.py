"""Inbox queries: what waits for a user (their roles, their unit), ready-made views,
counts, saved filters, and the form definition of a work item."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import lock_name
from engine.directives.models import Assignment, Directive, words_match
from engine.errors import EngineError
from engine.forms import FormDefinition
from engine.inbox.models import SavedFilter
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.outcomes import Outcome, first_report_late, outcome_of, outcome_on
from engine.runtime.models import WorkflowInstance, WorkItem, WorkItemStatus
from engine.text import fold, like_pattern

VIEWS = ("mine", "unit", "week", "overdue", "done")
DONE_LIMIT = 200
PER_PAGE = 50  # rows per inbox page: a province office may have hundreds of items waiting
MAX_SAVED_FILTERS = 20


class InboxError(EngineError):
    pass


@dataclass
class InboxQuery:
    view: str = "mine"
    text: str = ""
    urgency: str = ""

    def as_params(self) -> dict:
        return {"view": self.view, "text": self.text, "urgency": self.urgency}


@dataclass
class InboxRow:
    item: WorkItem
    directive: Directive | None
    assignment: Assignment | None
    unit: Unit | None
    outcome: Outcome | None  # the assignment's when the item has one, else the item's own
    # whether the user may open the item's form: the unit view also lists the unit's items
    # waiting for others (the officer's step, on the unit head's landing page)
    may_open: bool = True
    # its lead unit is late on its first report (chậm báo cáo lần đầu): the officer who must send it sees it here
    first_report_late: bool = False

    @property
    def subject(self) -> str:
        """What the work concerns, the row's title (the step's name is its label): the task's
        content, else the directive's summary, else the step's name (a periodic report…)."""
        if self.assignment is not None:
            return self.assignment.content
        return self.directive.summary if self.directive is not None else self.item.title


def ready_for(session: Session, user: User) -> list[ColumnElement[bool]]:
    """Ready items `user` may complete (engine.org.permissions, as Runtime.check_may_act)."""
    return [WorkItem.status == WorkItemStatus.READY, permissions.act_clause(
        session, user, role=WorkItem.role, unit_id=WorkItem.unit_id, directive_id=WorkItem.directive_id,
        assignment_id=WorkItem.assignment_id, performers=WorkItem.performers)]


def _view_query(session: Session, user: User, view: str) -> Select:
    query = select(WorkItem)
    now = clock.now()
    if view == "done":
        return query.where(WorkItem.completed_by == user.id, WorkItem.status == WorkItemStatus.COMPLETED)
    if view == "unit":
        return query.where(WorkItem.status == WorkItemStatus.READY, permissions.unit_items_clause(
            session, user, unit_id=WorkItem.unit_id, directive_id=WorkItem.directive_id,
            assignment_id=WorkItem.assignment_id, performers=WorkItem.performers))
    query = query.where(*ready_for(session, user))
    if view == "week":
        return query.where(WorkItem.due_at.is_not(None), WorkItem.due_at <= end_of_week(now))
    if view == "overdue":
        return query.where(WorkItem.due_at.is_not(None), WorkItem.due_at < now)
    return query


def end_of_week(moment: datetime) -> datetime:
    """Sunday 23:59:59 (Vietnam time) of the week `moment` falls in."""
    local = moment.astimezone(clock.VN_TZ)
    sunday = local.date() + timedelta(days=6 - local.weekday())
    return datetime.combine(sunday, time(23, 59, 59), tzinfo=clock.VN_TZ)


def _filtered(query: Select, q: InboxQuery) -> Select:
    """`query` with the text and urgency filters; joined to the item's assignment and directive
    only when they filter (a count over 100,000 items)."""
    if not (fold(q.text) or q.urgency):
        return query
    query = (query.outerjoin(Assignment, Assignment.id == WorkItem.assignment_id)
             .outerjoin(Directive, Directive.id == WorkItem.directive_id))
    if fold(q.text):  # the task's and the directive's words without diacritics or case; the step's as typed
        typed = like_pattern(q.text.strip())
        query = query.where(or_(words_match(q.text), WorkItem.title.ilike(typed, escape="\\"),
                                WorkItem.instructions.ilike(typed, escape="\\")))
    if q.urgency:
        query = query.where(func.coalesce(Assignment.urgency, Directive.urgency) == q.urgency)
    return query


def inbox(session: Session, user: User, q: InboxQuery, page: int | None = None,
          per_page: int = PER_PAGE) -> list[InboxRow]:
    """The rows of view `q.view`, most urgent first (the done view: latest first, at most
    DONE_LIMIT rows unless paged). `page` (from 1): only that page of `per_page` rows."""
    view = q.view if q.view in VIEWS else "mine"
    order = ((WorkItem.completed_at.desc(), WorkItem.id.desc()) if view == "done"
             else (WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id))
    # the page's items chosen first, then their assignments and directives read: joined before
    # the sort, a department's 2,884 waiting items were each read with theirs (36 ms at 1M)
    chosen = _filtered(_view_query(session, user, view), q).with_only_columns(WorkItem.id) \
        .order_by(*order)
    if page is not None:
        chosen = chosen.offset((max(1, page) - 1) * per_page).limit(per_page)
    elif view == "done":
        chosen = chosen.limit(DONE_LIMIT)
    query = (select(WorkItem, Directive, Assignment).outerjoin(Assignment, Assignment.id == WorkItem.assignment_id)
             .outerjoin(Directive, Directive.id == WorkItem.directive_id)
             .where(WorkItem.id.in_(select(chosen.subquery().c.id))).order_by(*order))
    today = clock.today()
    rows = session.execute(query).all()
    unit_ids = {item.unit_id for item, _d, _a in rows if item.unit_id}
    units: dict[int | None, Unit] = ({u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
                                     if unit_ids else {})
    openable = _openable(session, user, [item.id for item, _d, _a in rows]) if view == "unit" else None
    if view == "done":  # work done on a task given to another unit since: no link to what is no longer theirs
        rows = _as_seen_now(session, user, rows)
    return [InboxRow(item, directive, assignment, units.get(item.unit_id), _row_outcome(item, assignment, today),
                     may_open=openable is None or item.id in openable,
                     first_report_late=assignment is not None and first_report_late(assignment, today))
            for item, directive, assignment in rows]


def _as_seen_now(session: Session, user: User, rows) -> list:
    """`rows` (item, directive, assignment) without the directives and assignments `user` no longer sees
    (a task returned and given to another unit): the step stays in their record, read from its own words,
    and nothing links to a page that answers 404 nor tells the state of another unit's task."""
    def seen(kind: str, model, ids: set[int]) -> set[int]:
        if not ids:
            return set()
        visible = permissions.see_clause(session, user, kind)
        return set(session.scalars(select(model.id).where(model.id.in_(ids), visible)))

    directives = seen(permissions.DIRECTIVE, Directive, {d.id for _i, d, _a in rows if d is not None})
    assignments = seen(permissions.ASSIGNMENT, Assignment, {a.id for _i, _d, a in rows if a is not None})
    return [(item, directive if directive is not None and directive.id in directives else None,
             assignment if assignment is not None and assignment.id in assignments else None)
            for item, directive, assignment in rows]


def _openable(session: Session, user: User, item_ids: list[int]) -> set[int]:
    """Which of a page's ready items `user` may act on (one query: the rule of may_open_work_item)."""
    if not item_ids:
        return set()
    return set(session.scalars(select(WorkItem.id).where(WorkItem.id.in_(item_ids), *ready_for(session, user))))


def _row_outcome(item: WorkItem, assignment: Assignment | None, today: date) -> Outcome | None:
    """What an inbox row shows: the outcome of the assignment the work is for, so that a task
    looks the same here as in the registry; work for no assignment (classifying a directive, a
    periodic report…) by the same rule from its own due day."""
    if assignment is not None:
        return outcome_of(assignment, today)
    completed = item.completed_at if item.status == WorkItemStatus.COMPLETED else None
    return outcome_on(_day(item.due_at), _day(completed), today)


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(clock.VN_TZ).date() if moment else None


_ACTING_VIEWS = ("mine", "week", "overdue")


def counts(session: Session, user: User, q: InboxQuery | None = None,
           views: Collection[str] = VIEWS) -> dict[str, int]:
    """How many items each ready-made view of `views` holds (with the same text/urgency filters),
    the others not counted (a department's unit view reads its thousands of items). The three
    views of the items `user` may act on are counted in one pass."""
    q = q or InboxQuery()
    now = clock.now()
    result: dict[str, int] = {}
    if set(views) & set(_ACTING_VIEWS):
        mine = _filtered(_view_query(session, user, "mine"), q).with_only_columns(
            func.count(WorkItem.id), _count_if(WorkItem.due_at <= end_of_week(now)), _count_if(WorkItem.due_at < now))
        result.update(zip(_ACTING_VIEWS, (n or 0 for n in session.execute(mine).one()), strict=True))
    for view in {"unit", "done"} & set(views):
        query = _filtered(_view_query(session, user, view), q)
        result[view] = session.scalar(query.with_only_columns(func.count(WorkItem.id)).order_by(None)) or 0
    return {view: result[view] for view in VIEWS if view in views}


def _count_if(condition) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def visible_work_item(session: Session, user: User, item_id: int) -> WorkItem | None:
    """A work item the user may act on, or had completed; None otherwise (404 for callers)."""
    item = session.get(WorkItem, item_id)
    return item if item is not None and permissions.may_open_work_item(session, user, item) else None


def work_item_form(engine, session: Session, item: WorkItem) -> FormDefinition:
    """The form of the bundle version the item's instance started on (never the current files), in the
    words of the body whose directive it serves (a commune's: "Chuyển lại Văn phòng HĐND và UBND phường
    …"; the home body's, or about no directive: the ruleset's)."""
    instance = session.get_one(WorkflowInstance, item.instance_id)
    committee = None
    body_id = permissions.record_body_id(session, item.directive_id, item.assignment_id)
    # a recorded body not marked an issuing body is the top of the tree, the home body: no unit is read
    # for the province's own directives (an assignment's page reads only the units it names)
    if body_id is not None and body_id in org.issuing_body_ids(session):
        committee = org.other_committee(session, session.get_one(Unit, body_id))
    return engine.cache.by_id(session, instance.bundle_id).form(item.form_key, committee)


# An assignment's ready work items with the bundle version their instance started on: the
# columns a permission check and a form need, no entity (nothing the step then re-reads stale).
_READY_OF_ASSIGNMENT = (
    select(WorkItem.id, WorkItem.role, WorkItem.unit_id, WorkItem.directive_id, WorkItem.assignment_id,
           WorkItem.completed_by, WorkItem.performers, WorkItem.form_key, WorkflowInstance.bundle_id)
    .join(WorkflowInstance, WorkflowInstance.id == WorkItem.instance_id)
    .where(WorkItem.assignment_id == bindparam("assignment_id"), WorkItem.status == WorkItemStatus.READY)
    .order_by(WorkItem.id))


def ready_items(engine, session: Session, user: User, assignment_id: int) -> list[tuple[int, FormDefinition]]:
    """The ids and forms of the assignment's ready work items that `user` may act on, oldest
    first, read in one statement (what an API call on the assignment completes)."""
    rows = session.execute(_READY_OF_ASSIGNMENT, {"assignment_id": assignment_id}).all()
    # the fields and options a call completes, whose words it does not show: the compiled form's
    return [(row.id, engine.cache.by_id(session, row.bundle_id).forms[row.form_key]) for row in rows
            if permissions.may_open_work_item(session, user, row)]


# ---------------------------------------------------------------- saved filters
def saved_filters(session: Session, user: User) -> list[SavedFilter]:
    return list(session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id)
                                .order_by(SavedFilter.name)))


def save_filter(session: Session, user: User, name: str, q: InboxQuery) -> SavedFilter:
    """Save (or replace, by name) the current view and filters."""
    name = name.strip()
    if not name or len(name) > 80:
        raise InboxError("Give the filter a name of at most 80 characters.")
    lock_name(session, f"saved_filters:{user.id}")  # a double-click saves the name once, within the limit
    row = session.scalar(select(SavedFilter).where(SavedFilter.user_id == user.id, SavedFilter.name == name))
    if row is None:
        if len(saved_filters(session, user)) >= MAX_SAVED_FILTERS:
            raise InboxError("You can keep at most %(n)s saved filters.", n=MAX_SAVED_FILTERS)
        row = SavedFilter(user_id=user.id, name=name, created_at=clock.now())
        session.add(row)
    row.params = q.as_params()
    session.flush()
    audit.record(session, "inbox.filter_saved", "saved_filter", row.id, actor=user, after=row.params)
    return row


def delete_filter(session: Session, user: User, filter_id: int) -> bool:
    row = session.get(SavedFilter, filter_id)
    if row is None or row.user_id != user.id:
        return False
    session.delete(row)
    return True

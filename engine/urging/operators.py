"""What urging.bpmn calls: the operators `urging.check` (how the assignment stands now) and
`urging.notify` (who hears about a reminder, overdue alert or escalation), the helpers
`next_urging` and `urging_moment` (when the next event falls due), and the check of a
ruleset's `[reminders]`.

One urging process runs for the lead unit (called by assignment.bpmn) and one for each
coordinating unit's part (called by coordination.bpmn with `urged_unit`, the unit's code, in
its data): a part is urged to that unit's own deadline, and its events go to that unit's
staff only.
"""
from __future__ import annotations

from datetime import datetime

from engine import audit
from engine.directives.models import (
    ASSIGNMENT_DEADLINE,
    FIRST_UPDATE_DUE,
    URGING_SENT,
    Assignment,
    AssignmentStatus,
    AssignmentUnit,
    DeadlineKind,
    Directive,
    ProgressUpdate,
)
from engine.notifications.models import Notification
from engine.notifications.service import notify_users, told_people, word
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.outcomes import first_report_query
from engine.rulesets.settings import FLAG, ROLE, WORKING_DAYS, settings_check, settings_schema
from engine.sandbox.helpers import as_day, bounded_helper, calendar_of_step, date_vn, days_late, deadline_date, today
from engine.sandbox.operators import OPERATORS, StepContext
from engine.urging.policy import (
    DEADLINE,
    FIRST_UPDATE,
    KINDS,
    MAX_POLICY_DAYS,
    next_urging,
    policy_problems,
    urging_moment,
)
from engine.urging.steps import STEP_KINDS
from engine.working_days.deadline import Deadline

# Bounded (engine.urging.policy: MAX_POLICY_DAYS, MAX_REMINDERS, MAX_YEARS_AWAY): urging.bpmn's
# scripts and timer run in the server process instead of three round trips to the sandbox worker.
bounded_helper(next_urging)
bounded_helper(urging_moment)
settings_check("reminders")(policy_problems)
# The types of [reminders]; what the values may be is policy_problems'.
settings_schema("reminders", {
    "before_deadline": {"type": ["integer", "array"], "items": WORKING_DAYS},
    "on_deadline_day": FLAG,
    "overdue_every": {"type": "integer"},
    "escalate_after": {"type": "integer"},
    "open_task_update": {"type": ["string", "integer"]},
    # the late steps (engine.urging.steps): the office's, a unit's, a leader's
    "office_escalate_after": {"type": "integer", "minimum": 1, "maximum": MAX_POLICY_DAYS},
    "waiting_steps": {"type": "array", "items": {"type": "string"}},
    # [reminders.recipients]: roles told of each kind; of an office step's, those of the record's body
    # (its office, its leader: engine.urging.steps.step_recipients)
    "recipients": {"type": "object", "properties": {
        **{kind: {"type": "array", "items": ROLE} for kind in KINDS},
        **{kind: {"type": "array", "items": {"enum": [*permissions.OFFICE, permissions.LEADER]}}
           for kind in STEP_KINDS}},
        "additionalProperties": False},
})

CLOSED = (AssignmentStatus.CLOSED, AssignmentStatus.CANCELLED)


def _assignment(ctx: StepContext, data: dict) -> Assignment:
    assignment_id = data.get("assignment_id") or ctx.instance.assignment_id
    assignment = ctx.get(Assignment, assignment_id) if assignment_id else None
    if assignment is None:
        raise LookupError(f"urging: assignment {assignment_id!r} does not exist")
    return assignment


def _deadline(assignment: Assignment) -> str | dict | None:
    """The current deadline, keeping the working-day rule when it has one."""
    if assignment.deadline_kind == DeadlineKind.OPEN or assignment.deadline is None:
        return None
    deadline = ASSIGNMENT_DEADLINE.read(assignment)
    return deadline.to_json() if deadline else None


def _part(ctx: StepContext, assignment: Assignment, data: dict) -> tuple[Unit | None, AssignmentUnit | None]:
    """For a coordinating unit's urging (`urged_unit` in its data): the unit and its link to
    the assignment, None when it no longer coordinates."""
    unit = org.unit_by_code(ctx.session, data["urged_unit"])
    link = next((link for link in assignment.units if unit is not None and link.unit_id == unit.id
                 and link.role == "coordinating"), None)
    return unit, link


def _part_deadline(assignment: Assignment, link: AssignmentUnit | None) -> dict | str | None:
    """A coordinating unit's own deadline; the assignment's (with its rule) when it is that one."""
    if link is None or link.deadline is None:
        return None
    return _deadline(assignment) if link.deadline == assignment.deadline else link.deadline.isoformat()


def _first_update(ctx: StepContext, assignment: Assignment, data: dict) -> dict | str | None:
    """When the lead unit's first progress report is due (`first_update_due`, computed by the
    assignment process from [deadlines] first_update), while the lead unit has reported nothing
    (itself, or its section on a share: first_report_query) since it was given the assignment
    (`first_update_since`, set when a correction changes the lead); None when none is owed. Counted on
    the day's calendar: after a correction the process's copy waits for the scheduler's refresh, and
    the mails and the lists say the corrected day."""
    due = Deadline.from_json(data.get("first_update_due"))
    if due is None:
        return None
    query = first_report_query(assignment)
    if data.get("first_update_since"):
        query = query.where(ProgressUpdate.created_at >= datetime.fromisoformat(data["first_update_since"]))
    return None if ctx.session.scalar(query.limit(1)) else due.recomputed(calendar_of_step()).to_json()


def _keep_first_update_due(assignment: Assignment, owed: dict | str | None) -> None:
    """The assignment's row holds the day its first report is due while it is owed, where lists and
    reports read it (engine.outcomes.first_report_late): urging checks the process's data each time it
    starts (the task given, a correction's new lead unit) and wakes."""
    due = Deadline.from_json(owed)  # with its working-day rule, which a calendar correction counts again
    if FIRST_UPDATE_DUE.read(assignment) != due:
        FIRST_UPDATE_DUE.write(assignment, due)


@OPERATORS.register("urging.check")
def check(ctx: StepContext, data: dict, params: dict) -> dict:
    """The assignment as it stands (the row, not the copy in task data: deadlines get
    extended, assignments closed, while urging waits). For a coordinating unit's part: its
    own deadline, and closed once the unit no longer coordinates; `first_update` while the lead
    unit's first progress report is owed."""
    assignment = _assignment(ctx, data)
    if data.get("urged_unit"):
        _, link = _part(ctx, assignment, data)
        part_open, deadline, first_update = link is not None, _part_deadline(assignment, link), None
    else:
        part_open, deadline, first_update = True, _deadline(assignment), _first_update(ctx, assignment, data)
        _keep_first_update_due(assignment, first_update)
    previous = data.get("assignment_now") or {}
    return {
        "open": assignment.status not in CLOSED and part_open,
        "deadline": deadline,
        "first_update": first_update,
        "assigned_on": (assignment.assigned_on or assignment.created_at.date()).isoformat(),
        "deadline_changed": bool(previous) and deadline_date(previous.get("deadline")) != deadline_date(deadline),
        "upstream_deadline": assignment.upstream_deadline.isoformat() if assignment.upstream_deadline else None,
        "reported_done": assignment.progress == "done",  # waiting for the office's review
    }


@OPERATORS.register("urging.notify", required=("kind",), optional=("at", "roles", "about", "due"))
def notify(ctx: StepContext, data: dict, params: dict) -> dict:
    """Notify the people `roles` names for urging event `kind`, `about` the deadline `due`
    (the assignment's or a coordinating unit's) or the lead unit's first progress report.
    Nothing is sent while the unit has reported it done or returned it (the office acts next)."""
    kind, at, about = params["kind"], params.get("at") or "", params.get("about") or DEADLINE
    assignment = _assignment(ctx, data)
    unit = _part(ctx, assignment, data)[0] if data.get("urged_unit") else None
    due = params.get("due", assignment.deadline.isoformat() if assignment.deadline else None)
    if assignment.progress == "done" or assignment.status == AssignmentStatus.RETURNED:
        _record_urging(ctx, assignment, kind, about, due, unit, [], paused=True)
        return {"notified": 0, "paused": True}
    scope = unit.code if unit else (FIRST_UPDATE if about == FIRST_UPDATE else None)
    recipients = _recipients(ctx, assignment, unit, kind, params.get("roles"))
    created = notify_users(
        ctx.session, recipients, kind,
        directive=ctx.get(Directive, assignment.directive_id), assignment=assignment,
        dedup_key=":".join(str(p) for p in ("urge", assignment.id, scope, kind, at) if p is not None),
        days_late=days_late(due), deadline=date_vn(due) or word("no_deadline"),
        coordinating=unit.name if unit else "", first_update=about == FIRST_UPDATE)
    told = {user.id: user for user in recipients}
    _record_urging(ctx, assignment, kind, about, due, unit, [(told[note.user_id], note) for note in created])
    return {"notified": len(created)}


def _record_urging(ctx: StepContext, assignment: Assignment, kind: str, about: str, due, unit: Unit | None,
                   told: list[tuple[User, Notification]], paused: bool = False) -> None:
    """The urging event in the assignment's history: its kind, about what and which day, the working
    days left (a reminder) or late, the coordinating unit whose part it is, and each person told —
    their unit and full name as they are today, and whether a mail goes to them — none when nobody
    was (no holder of the roles, or `paused`: the unit has reported it done or returned it)."""
    day = as_day(due) if due else None
    days = _days_left(day) if kind == "reminder" else days_late(due)
    audit.record(ctx.session, URGING_SENT, "assignment", assignment.id,
                 after={"kind": kind, "about": about, "due": day.isoformat() if day else None, "days": max(days, 0),
                        "part": unit.name if unit else None, "paused": paused, "told": told_people(ctx.session, told)},
                 directive_id=assignment.directive_id, assignment_id=assignment.id)


def _days_left(deadline) -> int:
    """Working days until `deadline` ends: on a day off, with the working day after it (Bộ luật Dân sự
    Đ.148 k.5), as `days_late` counts the days past it — the history says what the mail says."""
    if deadline is None:
        return 0
    calendar = calendar_of_step()
    return calendar.working_days_between(as_day(today()), calendar.effective_deadline(deadline))


def _recipients(ctx: StepContext, assignment: Assignment, unit: Unit | None, kind: str,
                configured: list[str] | None) -> list[User]:
    """The holders of the roles told of `kind`: for the lead unit's urging as
    holders_for_assignment finds them, for a coordinating unit's part its own staff."""
    roles = permissions.urging_roles(kind, configured)
    if unit is None:
        return [user for role in roles for user in permissions.holders_for_assignment(ctx.session, assignment, role)]
    return [user for role in roles for user in permissions.holders_for_part(ctx.session, unit.id, role)]

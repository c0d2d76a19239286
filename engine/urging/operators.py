"""What urging.bpmn calls: the operators `urging.check` (how the assignment stands now) and
`urging.notify` (who hears about a reminder, overdue alert or escalation), the helpers
`next_urging` and `urging_moment` (when the next event falls due), and the check of a
ruleset's `[reminders]`."""
from __future__ import annotations

from engine.directives.models import ASSIGNMENT_DEADLINE, Assignment, AssignmentStatus, DeadlineKind, Directive
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.rulesets.settings import FLAG, ROLE, WORKING_DAYS, settings_check, settings_schema
from engine.sandbox.helpers import days_late, deadline_date, helper
from engine.sandbox.operators import OPERATORS, StepContext
from engine.urging.policy import KINDS, next_urging, policy_problems, urging_moment

helper(next_urging)
helper(urging_moment)
settings_check("reminders")(policy_problems)
# The types of [reminders]; what the values may be is policy_problems'.
settings_schema("reminders", {
    "before_deadline": {"type": ["integer", "array"], "items": WORKING_DAYS},
    "on_deadline_day": FLAG,
    "overdue_every": {"type": "integer"},
    "escalate_after": {"type": "integer"},
    "open_task_update": {"type": ["string", "integer"]},
    "recipients": {"type": "object", "properties": {kind: {"type": "array", "items": ROLE} for kind in KINDS},
                   "additionalProperties": False},  # [reminders.recipients]: roles told of each kind
})

CLOSED = (AssignmentStatus.CLOSED, AssignmentStatus.CANCELLED)


def _assignment(ctx: StepContext, data: dict) -> Assignment:
    assignment_id = data.get("assignment_id") or ctx.instance.assignment_id
    assignment = ctx.session.get(Assignment, assignment_id) if assignment_id else None
    if assignment is None:
        raise LookupError(f"urging: assignment {assignment_id!r} does not exist")
    return assignment


def _deadline(assignment: Assignment):
    """The current deadline, keeping the working-day rule when it has one."""
    if assignment.deadline_kind == DeadlineKind.OPEN or assignment.deadline is None:
        return None
    return ASSIGNMENT_DEADLINE.read(assignment).to_json()


@OPERATORS.register("urging.check")
def check(ctx: StepContext, data: dict, params: dict) -> dict:
    """The assignment as it stands (the row, not the copy in task data: deadlines get
    extended, assignments closed, while urging waits)."""
    assignment = _assignment(ctx, data)
    deadline = _deadline(assignment)
    previous = data.get("assignment_now") or {}
    return {
        "open": assignment.status not in CLOSED,
        "deadline": deadline,
        "assigned_on": (assignment.assigned_on or assignment.created_at.date()).isoformat(),
        "deadline_changed": bool(previous) and deadline_date(previous.get("deadline")) != deadline_date(deadline),
    }


@OPERATORS.register("urging.notify", required=("kind",), optional=("at", "roles"))
def notify(ctx: StepContext, data: dict, params: dict) -> dict:
    """Notify the people `roles` names for urging event `kind`. Nothing is sent while the
    unit has reported it done or returned it (the office acts next)."""
    kind, at = params["kind"], params.get("at") or ""
    assignment = _assignment(ctx, data)
    if assignment.progress == "done" or assignment.status == AssignmentStatus.RETURNED:
        return {"notified": 0, "paused": True}
    users = [user for role in permissions.urging_roles(kind, params.get("roles"))
             for user in permissions.holders_for_assignment(ctx.session, assignment, role)]
    directive = ctx.session.get(Directive, assignment.directive_id)
    late = days_late(assignment.deadline.isoformat()) if assignment.deadline else 0
    created = notify_users(ctx.session, users, kind, directive=directive, assignment=assignment,
                           dedup_key=f"urge:{assignment.id}:{kind}:{at}", days_late=late)
    return {"notified": len(created)}

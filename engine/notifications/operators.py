"""The `notify` operator: a service task tells the holders of a role in a unit."""
from __future__ import annotations

import hashlib

from engine.directives.models import Assignment, Directive
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.sandbox.operators import OPERATORS, StepContext


@OPERATORS.register("notify", optional=("kind", "role", "unit", "body", "reason"))
def notify(ctx: StepContext, data: dict, params: dict) -> dict:
    """Service task: notify the holders of `role` in `unit` (default: the tracking office)
    about the instance's assignment or directive. `reason` is what the unit wrote (a difficulty),
    for the template; a message with another body or reason is not collapsed into an unread one."""
    kind = params.get("kind") or "default"
    assignment = ctx.session.get(Assignment, ctx.instance.assignment_id) if ctx.instance.assignment_id else None
    directive = ctx.session.get(Directive, ctx.instance.directive_id) if ctx.instance.directive_id else None
    users = permissions.holders_in(ctx.session, params.get("role") or permissions.UNIT_OFFICER, params.get("unit"))
    dedup = f"{kind}:{assignment.id if assignment else ctx.instance.id}"
    said = "\n".join(str(params.get(name) or "") for name in ("body", "reason"))
    if said.strip():
        dedup += ":" + hashlib.sha256(said.encode()).hexdigest()[:16]
    created = notify_users(ctx.session, users, kind, directive=directive, assignment=assignment,
                           body=params.get("body"), dedup_key=dedup, reason=params.get("reason") or "")
    return {"notified": len(created)}

"""The `notify` operator: a service task tells the holders of a role in a unit."""
from __future__ import annotations

from engine.directives.models import Assignment, Directive
from engine.notifications.service import notify_users, said_key
from engine.org import permissions
from engine.org import service as org
from engine.sandbox.operators import OPERATORS, StepContext


@OPERATORS.register("notify", optional=("kind", "role", "lane", "unit", "user", "body", "reason", "coordinating",
                                       "due"))
def notify(ctx: StepContext, data: dict, params: dict) -> dict:
    """Service task: notify the holders of `role` — or of the role the ruleset maps `lane` to,
    the one the lane's work items go to — in `unit` (default: for office roles the office of the
    body that issued the directive) about the instance's assignment or directive. `reason` is what the unit wrote (a
    difficulty), for the template, and `coordinating` the code of the coordinating unit the
    message is about (named in it), `due` the reader's own due day (dd/mm/yyyy: an explanation's,
    a coordinating unit's part's; not the task's), `user` the username of one more person told (who
    asked: the leader asking for an explanation reads its answer with the office); a message with
    another body, reason or due day is not collapsed into an unread one."""
    kind = params.get("kind") or "default"
    assignment = ctx.get(Assignment, ctx.instance.assignment_id) if ctx.instance.assignment_id else None
    directive = ctx.get(Directive, ctx.instance.directive_id) if ctx.instance.directive_id else None
    role = permissions.lane_role(ctx.bundle.lanes, params["lane"]) if params.get("lane") else params.get("role")
    users = permissions.holders_in(ctx.session, role or permissions.UNIT_OFFICER, params.get("unit"),
                                   permissions.record_body(ctx.session, ctx.instance.directive_id,
                                                           ctx.instance.assignment_id))
    if params.get("user"):
        users += org.users_by_name(ctx.session, [params["user"]])
    dedup = said_key(f"{kind}:{assignment.id if assignment else ctx.instance.id}",
                     *(str(params.get(name) or "") for name in ("body", "reason", "coordinating", "due")))
    created = notify_users(ctx.session, users, kind, directive=directive, assignment=assignment,
                           body=params.get("body"), dedup_key=dedup, reason=params.get("reason") or "",
                           due=params.get("due") or "",
                           coordinating=org.require_unit(ctx.session, params["coordinating"]).name
                           if params.get("coordinating") else "")
    return {"notified": len(created)}

"""Operators BPMN service tasks call to change directives, assignments and progress.

Parameters are evaluated in the sandbox before the operator runs; an operator only sees
plain values. Unknown fields are refused so that a typo in a diagram is an incident, not
silently ignored.
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TypeVar

from engine import audit, clock
from engine.directives import changes
from engine.directives import service as directives
from engine.directives.models import (
    ASSIGNMENT_DEADLINE,
    FIRST_UPDATE_DUE,
    PROGRESS,
    URGENCIES,
    Assignment,
    AssignmentStatus,
    AssignmentUnit,
    DeadlineKind,
    Directive,
    DirectiveStatus,
    ExplanationRequest,
    ExplanationStatus,
    ExtensionRequest,
    ExtensionStatus,
    ProgressUpdate,
    RaisedIssue,
    RaisedIssueStatus,
)
from engine.directives.subassign import DEADLINE_MOVED_MESSAGE, roll_up
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit
from engine.rulesets.models import ProcessBundle
from engine.rulesets.settings import FLAG, TEXT, WORKING_DAYS, settings_schema
from engine.runtime.models import InstanceStatus, WorkflowInstance
from engine.sandbox.operators import OPERATORS, StepContext
from engine.working_days.deadline import Deadline, day_of

DIRECTIVE_FIELDS = {"status", "tracked", "secrecy", "urgency", "registration_due", "origin"}
ASSIGNMENT_FIELDS = {"status", "progress", "deadline", "lead_unit", "completed_on", "closed_on", "follow_up_officer"}
S = TypeVar("S", bound=StrEnum)

# What the directive and assignment diagrams (registration_deadline.dmn, assignment*.bpmn,
# Bạc Liêu's government_directive.bpmn) and engine.directives.extensions read of ruleset.toml.
# A deadline that is absent is one the regulation does not set: no due date, no such step.
settings_schema("deadlines", {key: WORKING_DAYS for key in (
    "registration", "registration_complex", "registration_urgent", "first_update", "office_status_update",
    "explanation")})
settings_schema("registration", {"urgent_levels": {"type": "array", "items": {"enum": list(URGENCIES)}},
                                 "complex_assignments": {"type": "integer", "minimum": 1},
                                 "complex_units": {"type": "integer", "minimum": 1},
                                 # read by engine.directives.service and the registration page
                                 "without_assignments": FLAG, "upstream_deadline": TEXT})
settings_schema("progress", {"overdue_reason_required": FLAG, "blocked_status": FLAG})
settings_schema("closing", {"mode": {"enum": ["office_review", "status_complete"]}})
settings_schema("extensions", {"office_proposes": FLAG})  # the office head proposes before the decision
settings_schema("scope", {"out_of_scope": {"type": "array", "items": TEXT},
                          "out_of_scope_legal": {"type": "array", "items": TEXT}})


def _directive(ctx: StepContext, data: dict) -> Directive:
    directive_id = ctx.instance.directive_id or data.get("directive_id")
    directive = ctx.get(Directive, directive_id)
    if directive is None:
        raise LookupError(f"no directive {directive_id} for this instance")
    return directive


def _assignment(ctx: StepContext, data: dict) -> Assignment:
    assignment_id = ctx.instance.assignment_id or data.get("assignment_id")
    assignment = ctx.get(Assignment, assignment_id)
    if assignment is None:
        raise LookupError(f"no assignment {assignment_id} for this instance")
    return assignment


@OPERATORS.register("directive.update", optional=DIRECTIVE_FIELDS)
def update_directive(ctx: StepContext, data: dict, params: dict) -> dict:
    directive = _directive(ctx, data)
    before = {k: _plain(getattr(directive, k)) for k in params}
    for key, value in params.items():
        if key == "status":
            value = _member(DirectiveStatus, value, "directive.update")
        setattr(directive, key, day_of(value) if key == "registration_due" else value)
    after = {k: _plain(getattr(directive, k)) for k in params}
    changed = [k for k in params if after[k] != before[k]]
    if changed:  # the history reads each entry as a change: one that changes nothing says nothing
        audit.record(ctx.session, "directive.updated", "directive", directive.id, actor=ctx.actor,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed},
                     directive_id=directive.id)
    return {"directive_id": directive.id}


@OPERATORS.register("directive.decide_scope", required=("proposed", "in_scope"), optional=("reason",))
def decide_scope(ctx: StepContext, data: dict, params: dict) -> dict:
    """The office's decision whether the directive is within the regulation's scope, beside what
    its symbol proposed (Bạc Liêu Đ.2): kept in the history with who decided it."""
    directive = _directive(ctx, data)
    proposed, in_scope = bool(params["proposed"]), bool(params["in_scope"])
    audit.record(ctx.session, "directive.scope_decided", "directive", directive.id, actor=ctx.actor,
                 before={"in_scope": proposed},
                 after={"in_scope": in_scope, "overridden": in_scope != proposed, "reason": params.get("reason")},
                 directive_id=directive.id)
    return {"in_scope": in_scope, "overridden": in_scope != proposed}


@OPERATORS.register("assignments.create", required=("items",), optional=("follow_up_officer",))
def create_assignments(ctx: StepContext, data: dict, params: dict) -> list[int]:
    """Create the directive's assignments; `follow_up_officer` (a user name) is the default
    follow-up officer for items that name none. All or none (a savepoint): a task whose process
    fails to start leaves no task of the directive behind the incident, whose retry creates them once."""
    directive = _directive(ctx, data)
    bundle = ctx.session.get(ProcessBundle, ctx.instance.bundle_id)
    officer = params.get("follow_up_officer")
    items = [{**item, "follow_up_officer": item.get("follow_up_officer") or officer}
             for item in params.get("items") or []]
    with ctx.session.begin_nested():
        return directives.create_assignments(ctx.session, ctx.runtime, bundle, directive, items, ctx.actor)


@OPERATORS.register("assignment.update", optional=ASSIGNMENT_FIELDS)
def update_assignment(ctx: StepContext, data: dict, params: dict) -> dict:
    assignment = _assignment(ctx, data)
    before = {}
    for key, value in params.items():
        if key == "lead_unit":
            before[key] = assignment.lead_unit_id
            _set_units(ctx.session, assignment, org.require_unit(ctx.session, value), None)
        elif key == "follow_up_officer":
            before[key] = assignment.follow_up_officer_id
            user = org.users_by_name(ctx.session, [value])
            assignment.follow_up_officer_id = user[0].id if user else None
        elif key == "deadline":
            before[key] = _plain(assignment.deadline)
            _set_deadline(ctx, assignment, value)
        elif key in ("completed_on", "closed_on"):
            before[key] = _plain(getattr(assignment, key))
            setattr(assignment, key, day_of(value))
        else:
            if key == "progress" and value not in PROGRESS:
                raise ValueError(f"assignment.update: unknown progress '{value}'")
            if key == "status":
                value = _member(AssignmentStatus, value, "assignment.update")
            before[key] = getattr(assignment, key)
            setattr(assignment, key, value)
    audit.record(ctx.session, "assignment.updated", "assignment", assignment.id, actor=ctx.actor, before=before,
                 after={k: _plain(v) for k, v in params.items()}, directive_id=assignment.directive_id,
                 assignment_id=assignment.id)
    return {"assignment_id": assignment.id}


@OPERATORS.register("assignment.return", required=("reason",))
def return_assignment(ctx: StepContext, data: dict, params: dict) -> dict:
    """The lead unit sends the assignment back (chuyển lại) with its reason; the office is told."""
    reason = (params.get("reason") or "").strip()
    if not reason:
        raise ValueError("assignment.return: a reason is required")
    assignment = _assignment(ctx, data)
    assignment.status = AssignmentStatus.RETURNED
    audit.record(ctx.session, "assignment.returned", "assignment", assignment.id, actor=ctx.actor,
                 before={"lead_unit_id": assignment.lead_unit_id}, after={"reason": reason},
                 directive_id=assignment.directive_id, assignment_id=assignment.id)
    _notify_office(ctx, assignment, "returned", reason)
    return {"assignment_id": assignment.id, "returned": True}


@OPERATORS.register("assignment.reassign", required=("lead_unit",),
                    optional=("deadline", "note", "content", "coordinating_units"))
def reassign(ctx: StepContext, data: dict, params: dict) -> dict:
    """The office corrects a returned assignment: any combination of lead unit, coordinating
    units (codes; absent or None keeps them), content and deadline. The old lead leaves unless
    the office lists it among the coordinating units. Returns what is now in force, what
    changed and which units newly coordinate, so that the diagram carries it on."""
    assignment = _assignment(ctx, data)
    was, was_coordinating = _as_corrected(ctx.session, assignment), _coordinating(ctx.session, assignment)
    content = (params.get("content") or "").strip()
    if len(content) > directives.MAX_CONTENT:
        raise ValueError(f"assignment.reassign: the content has more than {directives.MAX_CONTENT} characters")
    if content:
        assignment.content = content
    if params.get("deadline") not in (None, ""):
        _set_deadline(ctx, assignment, params["deadline"])
    coordinating, lead_before = params.get("coordinating_units"), assignment.lead_unit_id
    lead = org.require_unit(ctx.session, params["lead_unit"])
    _set_units(ctx.session, assignment, lead,
               None if coordinating is None else [org.require_unit(ctx.session, c) for c in coordinating])
    if lead.id != lead_before:
        changes.withdraw_shares_left_behind(ctx.runtime, ctx.session, assignment, ctx.actor,
                                            str(params.get("note") or lead.name))
        # The task's progress is its lead's: the new lead starts, with no report yet (the "recently
        # updated" sort and the API's last_update_at); the old one's reports stay, under its name.
        assignment.progress, assignment.completed_on, assignment.last_update_at = "not_started", None, None
    assignment.status = AssignmentStatus.OPEN
    now = _as_corrected(ctx.session, assignment)
    changed = [key for key in now if now[key] != was[key]]
    audit.record(ctx.session, "assignment.reassigned", "assignment", assignment.id, actor=ctx.actor,
                 before={key: was[key] for key in changed},
                 after={**{key: now[key] for key in changed}, "note": params.get("note")},
                 directive_id=assignment.directive_id, assignment_id=assignment.id)
    coordinating_now = _coordinating(ctx.session, assignment)
    deadline = ASSIGNMENT_DEADLINE.read(assignment)
    return {"lead_unit": ctx.session.get_one(Unit, assignment.lead_unit_id).code,
            "deadline": deadline.to_json() if deadline else None, "deadline_kind": assignment.deadline_kind,
            "content": assignment.content, **_coordination_payload(assignment, coordinating_now),
            "added_units": [unit.code for unit in coordinating_now if unit not in was_coordinating],
            "changed": bool(changed)}


def _coordinating(session, assignment: Assignment) -> dict[Unit, date | None]:
    """The coordinating units and their own deadlines."""
    return {session.get(Unit, link.unit_id): link.deadline for link in assignment.units
            if link.role == "coordinating"}


def _coordination_payload(assignment: Assignment, coordinating: dict[Unit, date | None]) -> dict:
    """The coordinating units, and each one's own deadline where it is not the assignment's,
    as the message coordination_changed carries them to the parts."""
    return {"coordinating_units": [unit.code for unit in coordinating],
            "coordinating_deadlines": {unit.code: day.isoformat() for unit, day in coordinating.items()
                                       if day and day != assignment.deadline}}


def _as_corrected(session, assignment: Assignment) -> dict:
    """What a correction may change, as the history shows it (unit names, ISO dates)."""
    return {"lead_unit": session.get(Unit, assignment.lead_unit_id).name,
            "coordinating_units": sorted(unit.name for unit in _coordinating(session, assignment)),
            "content": assignment.content, "deadline": _plain(assignment.deadline), "progress": assignment.progress}


@OPERATORS.register("progress.reopen", optional=("note",))
def reopen_progress(ctx: StepContext, data: dict, params: dict) -> dict:
    """The office does not accept a 'done' report and sends the assignment back to the unit."""
    assignment = _assignment(ctx, data)
    before = {"progress": assignment.progress, "completed_on": _plain(assignment.completed_on)}
    assignment.progress, assignment.completed_on = "in_progress", None
    audit.record(ctx.session, "assignment.sent_back", "assignment", assignment.id, actor=ctx.actor, before=before,
                 after={"progress": "in_progress", "note": params.get("note")},
                 directive_id=assignment.directive_id, assignment_id=assignment.id)
    return {"assignment_id": assignment.id}


def _set_deadline(ctx: StepContext, assignment: Assignment, value) -> None:
    """The lead's deadline, and a coordinating unit's that was the assignment's, move with it;
    a coordinating unit's own earlier deadline stays, one now later comes forward to it (a part
    is never due after the assignment it serves), and so does an open share the lead unit passed
    down to a section (its urging reads the row: subassign's rule when the share was given)."""
    before = assignment.deadline
    ASSIGNMENT_DEADLINE.write(assignment, Deadline.from_json(value))
    assignment.deadline_kind = DeadlineKind.DATED if assignment.deadline else DeadlineKind.OPEN
    now = assignment.deadline
    for link in assignment.units:
        if link.role == "lead" or link.deadline == before or (now and link.deadline and link.deadline > now):
            link.deadline = now
    for share in changes.open_shares(ctx.session, assignment):
        if now and (share.deadline is None or share.deadline > now):
            was = _plain(share.deadline)
            _set_deadline(ctx, share, now)
            audit.record(ctx.session, "assignment.updated", "assignment", share.id, actor=ctx.actor,
                         before={"deadline": was},
                         after={"deadline": now.isoformat()}, directive_id=share.directive_id, assignment_id=share.id)
            _tell_share_process(ctx, share)
            _tell_section(ctx, share)


def _tell_section(ctx: StepContext, share: Assignment) -> None:
    """The section's staff read the share's new, earlier day: nothing else tells them."""
    from engine.notifications.service import notify_users

    assert share.lead_unit_id is not None and share.deadline is not None  # a share brought forward
    notify_users(ctx.session, permissions.unit_staff(ctx.session, share.lead_unit_id), DEADLINE_MOVED_MESSAGE,
                 directive=share.directive, assignment=share,
                 dedup_key=f"{DEADLINE_MOVED_MESSAGE}:{share.id}:{share.deadline.isoformat()}")


def _tell_share_process(ctx: StepContext, share: Assignment) -> None:
    """The share's step takes its new date (the section's inbox shows it), where its process
    waits for it: one started on an older version of subassignment.bpmn reads the row alone."""
    instance = ctx.get(WorkflowInstance, share.instance_id) if share.instance_id else None
    if instance is not None and instance.status == InstanceStatus.RUNNING \
            and DEADLINE_MOVED_MESSAGE in ctx.runtime.waiting_messages(ctx.session, instance):
        ctx.runtime.deliver_message(ctx.session, instance.id, DEADLINE_MOVED_MESSAGE,
                                    {"deadline": share.deadline.isoformat() if share.deadline else None},
                                    actor=ctx.actor)


def _notify_office(ctx: StepContext, assignment: Assignment, kind: str, reason: str) -> None:
    """Through the template, which names the task and keeps a secret one's reason out."""
    from engine.notifications.service import notify_users, said_key

    clerks = permissions.office_clerks(ctx.session, permissions.record_body(ctx.session, assignment.directive_id))
    notify_users(ctx.session, clerks, kind, directive=assignment.directive,
                 assignment=assignment, dedup_key=said_key(f"{kind}:{assignment.id}", reason), reason=reason)


def _set_units(session, assignment: Assignment, lead: Unit, coordinating: list[Unit] | None) -> None:
    """The lead and the coordinating units (None: those there now) as corrected. The lead is
    never also coordinating (one row per unit); a unit keeping its role keeps its row and its
    deadline, a unit taking a new role gets the assignment's deadline."""
    if coordinating is None:
        wanted = {link.unit_id: "coordinating" for link in assignment.units if link.role == "coordinating"}
    else:
        wanted = {unit.id: "coordinating" for unit in coordinating}
    wanted[lead.id] = "lead"
    for link in list(assignment.units):
        role = wanted.pop(link.unit_id, None)
        if role is None:
            assignment.units.remove(link)  # delete-orphan
        elif role != link.role:
            link.role, link.deadline = role, assignment.deadline
    assignment.units.extend(AssignmentUnit(unit_id=unit_id, role=role, deadline=assignment.deadline)
                            for unit_id, role in wanted.items())
    assignment.lead_unit_id = lead.id


@OPERATORS.register("progress.record", required=("progress",),
                        optional=("note", "unit", "attachments", "overdue_reason", "completed_on", "blocked_reason"))
def record_progress(ctx: StepContext, data: dict, params: dict) -> dict:
    """`completed_on`: the day it was done, when the office records it afterwards (Bạc Liêu
    Đ.9 k.1); absent, a "done" report is done the day it is recorded. `blocked_reason`: the
    difficulties the unit reports (khó khăn, vướng mắc), kept with the update."""
    assignment = _assignment(ctx, data)
    progress = params.get("progress")
    if progress not in PROGRESS:
        raise ValueError(f"progress.record: unknown progress '{progress}'")
    completed_on = day_of(params.get("completed_on")) or clock.today()
    if completed_on > clock.today():
        raise ValueError(f"progress.record: completed_on {completed_on} is after today")
    blocked_reason = params.get("blocked_reason") or None
    unit = org.unit_by_code(ctx.session, params["unit"]) if params.get("unit") else None
    update = ProgressUpdate(assignment_id=assignment.id, unit_id=unit.id if unit else assignment.lead_unit_id,
                            user_id=getattr(ctx.actor, "id", None), progress=progress, note=params.get("note"),
                            overdue_reason=params.get("overdue_reason"), blocked_reason=blocked_reason,
                            attachments=list(params.get("attachments") or []), created_at=clock.now())
    ctx.session.add(update)
    if unit is None or unit.id == assignment.lead_unit_id:
        assignment.progress = progress
        assignment.completed_on = completed_on if progress == "done" else None
        FIRST_UPDATE_DUE.write(assignment, None)  # its first report is in (báo cáo lần đầu)
    assignment.last_update_at = update.created_at
    ctx.session.flush()
    coordinating = unit is not None and unit.id != assignment.lead_unit_id
    # a coordinating unit's report is its part of the work (ý kiến phối hợp), not the task's progress
    after = {"unit": unit.code, "contribution": progress} if coordinating and unit else {"progress": progress}
    after["note"] = params.get("note")
    if progress == "done" and params.get("completed_on"):
        after["completed_on"] = completed_on.isoformat()
    if blocked_reason:
        after["blocked_reason"] = blocked_reason
    audit.record(ctx.session, "coordination.contributed" if coordinating else "progress.recorded", "assignment",
                 assignment.id, actor=ctx.actor, after=after, directive_id=assignment.directive_id,
                 assignment_id=assignment.id)
    return {"progress_update_id": update.id,  # and who reported, as people read it (a notice's body)
            "unit_name": (unit or ctx.session.get_one(Unit, assignment.lead_unit_id)).name}


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _member(statuses: type[S], value, operator: str) -> S:
    """`value` as one of `statuses`; a status the diagram mistyped is an incident."""
    try:
        return statuses(value)
    except ValueError:
        raise ValueError(f"{operator}: unknown status '{value}'") from None


# ------------------------------------------------- extension and explanation requests
def _pending_extension(ctx: StepContext, request_id) -> tuple[ExtensionRequest, Assignment]:
    request = ctx.session.get(ExtensionRequest, request_id)
    assignment = ctx.session.get(Assignment, request.assignment_id) if request else None
    if request is None or assignment is None or assignment.id != ctx.instance.assignment_id:
        raise LookupError(f"no extension request {request_id} for this assignment")
    if request.status != ExtensionStatus.PENDING:
        raise ValueError(f"extension request {request.id} was already decided")
    return request, assignment


@OPERATORS.register("extension.propose", required=("request_id", "supported"), optional=("note",))
def propose_extension(ctx: StepContext, data: dict, params: dict) -> dict:
    """The office head's proposal to the leader who decides (Đắk Lắk Đ.20 k.2): in the history."""
    request, assignment = _pending_extension(ctx, params["request_id"])
    supported = bool(params.get("supported"))
    action = "extension.supported" if supported else "extension.opposed"
    audit.record(ctx.session, action, "extension_request", request.id, actor=ctx.actor,
                 after={"new_deadline": request.new_deadline.isoformat(), "note": params.get("note")},
                 directive_id=assignment.directive_id, assignment_id=assignment.id)
    return {"supported": supported}


@OPERATORS.register("extension.decide", required=("request_id", "approved"), optional=("note", "deadline"))
def decide_extension(ctx: StepContext, data: dict, params: dict) -> dict:
    """Record the decision; an approval moves the deadline to the day granted (`deadline`, which
    the decision form checks is after the day of the decision; the day asked for without one) and
    keeps the original. Returns the lead unit as it is now, for the announcement of the new deadline."""
    request, assignment = _pending_extension(ctx, params["request_id"])
    approved = bool(params.get("approved"))
    request.status = ExtensionStatus.APPROVED if approved else ExtensionStatus.REFUSED
    request.decided_by = getattr(ctx.actor, "id", None)
    request.decided_at = clock.now()
    request.decision_note = params.get("note")
    before = assignment.deadline
    parts_before = _coordinating(ctx.session, assignment)
    if approved:
        if assignment.original_deadline is None:
            assignment.original_deadline = assignment.deadline
        request.granted_deadline = day_of(params.get("deadline")) or request.new_deadline
        _set_deadline(ctx, assignment, request.granted_deadline)  # a date the assigner chose; parts due with it follow
    audit.record(ctx.session, f"extension.{request.status}", "extension_request", request.id, actor=ctx.actor,
                 before={"deadline": before.isoformat() if before else None},
                 after={"deadline": assignment.deadline.isoformat() if assignment.deadline else None,
                        "note": request.decision_note},
                 directive_id=assignment.directive_id, assignment_id=assignment.id)
    parts = _coordinating(ctx.session, assignment)
    return {"approved": approved, "deadline": assignment.deadline.isoformat() if assignment.deadline else None,
            "lead_unit": ctx.session.get_one(Unit, assignment.lead_unit_id).code,
            # for the parts that moved with it (coordination_changed, as after a correction)
            "parts_moved": parts != parts_before, "content": assignment.content,
            **_coordination_payload(assignment, parts)}


@OPERATORS.register("explanation.answer", required=("request_id",), optional=("answer", "proposal", "attachments"))
def answer_explanation(ctx: StepContext, data: dict, params: dict) -> dict:
    request = ctx.session.get(ExplanationRequest, params["request_id"])
    if request is None or request.assignment_id != ctx.instance.assignment_id:
        raise LookupError(f"no explanation request {params.get('request_id')} for this assignment")
    request.status = ExplanationStatus.ANSWERED
    request.answer = params.get("answer")
    request.proposal = params.get("proposal") or None
    request.attachments = list(params.get("attachments") or [])
    request.answered_by = getattr(ctx.actor, "id", None)
    request.answered_at = clock.now()
    audit.record(ctx.session, "explanation.answered", "explanation_request", request.id, actor=ctx.actor,
                 after={"answer": request.answer, "proposal": request.proposal}, assignment_id=request.assignment_id)
    return {"request_id": request.id}


# ------------------------------------------------------------- raised issues (kiến nghị)
def _open_issue(ctx: StepContext, issue_id) -> RaisedIssue:
    issue = ctx.session.get(RaisedIssue, issue_id)
    if issue is None or issue.assignment_id != ctx.instance.assignment_id:
        raise LookupError(f"no raised issue {issue_id} for this assignment")
    if issue.status == RaisedIssueStatus.ANSWERED:
        raise ValueError(f"raised issue {issue.id} was already answered")
    return issue


@OPERATORS.register("issue.submit", required=("issue_id", "opinion"))
def submit_issue(ctx: StepContext, data: dict, params: dict) -> dict:
    """The office head puts a request for direction to the leader, with the office's opinion."""
    issue = _open_issue(ctx, params["issue_id"])
    issue.status = RaisedIssueStatus.SUBMITTED
    issue.office_opinion = params["opinion"]
    audit.record(ctx.session, "issue.submitted", "raised_issue", issue.id, actor=ctx.actor,
                 after={"opinion": issue.office_opinion}, assignment_id=issue.assignment_id)
    return {"issue_id": issue.id}


@OPERATORS.register("issue.answer", required=("issue_id", "answer"))
def answer_issue(ctx: StepContext, data: dict, params: dict) -> dict:
    """The leader's direction, or what the office did about a flag: the issue is settled."""
    issue = _open_issue(ctx, params["issue_id"])
    issue.status = RaisedIssueStatus.ANSWERED
    issue.answer = params["answer"]
    issue.answered_by = getattr(ctx.actor, "id", None)
    issue.answered_at = clock.now()
    audit.record(ctx.session, f"issue.answered_{issue.kind}", "raised_issue", issue.id, actor=ctx.actor,
                 after={"answer": issue.answer}, assignment_id=issue.assignment_id)
    return {"issue_id": issue.id}


# ------------------------------------------------------------- sub-assignments
# Versions stored before the parameters were declared give `progress` (never read): they keep running.
@OPERATORS.register("subassignment.rollup", optional=("progress",))
def rollup(ctx: StepContext, data: dict, params: dict) -> dict:
    child = ctx.session.get(Assignment, ctx.instance.assignment_id)
    parent = ctx.session.get(Assignment, child.parent_id) if child and child.parent_id else None
    if parent is None:
        raise LookupError(f"assignment {ctx.instance.assignment_id} was not passed down from another")
    combined = roll_up(ctx.session, ctx.runtime, parent, ctx.actor)
    # its section reported on its share: the unit's first report is in (engine.outcomes.first_report_query)
    FIRST_UPDATE_DUE.write(parent, None)
    return {"progress": parent.progress, "sections": combined}

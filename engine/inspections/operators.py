"""Operators the inspection diagrams call: the decision, the end of inspecting, the results
report, and who is told."""
from __future__ import annotations

from engine import audit, clock
from engine.forms import Message
from engine.inspections.models import REPORT_DUE, Inspection, InspectionMember, InspectionStatus
from engine.inspections.service import DECISION_PARTS, file_paper, policy
from engine.notifications.service import notify_users, said_key
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.rulesets.settings import FLAG, TEXT, WORKING_DAYS, settings_check, settings_schema
from engine.sandbox.operators import OPERATORS, StepContext
from engine.working_days.deadline import Deadline, day_of

# inspection.bpmn dates the results report `inspection_report` working days after the end, so
# a ruleset that names the inspection process must give the number — where the regulation sets
# none, the one it uses, said so in a comment — rather than get one it never wrote.
settings_schema("deadlines", {"inspection_report": WORKING_DAYS})
# Read by engine.inspections.service.policy: internal inspections by a unit's head, publishing
# the conclusion, and the emulation council's unit told of each results report.
settings_schema("inspection", {"internal": FLAG, "publish_conclusion": FLAG, "council_unit": TEXT,
                               "unit_report_article": TEXT, "office_told_of_internal": FLAG})


@settings_check("deadlines")
def report_deadline_problems(settings: dict) -> list[Message]:
    if "inspection" not in settings.get("processes", {}) or "inspection_report" in settings.get("deadlines", {}):
        return []
    return [Message("The deadline of the inspection results report is required when the ruleset has inspections: "
                    "the process dates the report (where the regulation sets no number, give the one used and say "
                    "so in a comment).")]


def _inspection(ctx: StepContext, data: dict) -> Inspection:
    inspection = ctx.session.get(Inspection, data.get("inspection_id"))
    if inspection is None:
        raise LookupError(f"no inspection {data.get('inspection_id')} for this instance")
    return inspection


@OPERATORS.register("inspection.decide", required=("ends_on",), optional=(
    "decision_symbol", "legal_basis", "scope", "content", "decided_on", "starts_on", "team_leader", "team_members",
    "experts", "attachments"))
def decide(ctx: StepContext, data: dict, params: dict) -> dict:
    """Record the inspection decision with its five parts and its team."""
    inspection = _inspection(ctx, data)
    team = [params.get("team_leader"), *(params.get("team_members") or [])]
    team = [name for name in dict.fromkeys(team) if name]
    values = {**params, "team": team}
    missing = [label for key, label in DECISION_PARTS.items() if not values.get(key)]
    if missing:
        raise ValueError(f"inspection.decide: the decision lacks {', '.join(missing)}")
    users = {u.username: u for u in org.users_by_name(ctx.session, team)}
    inspection.members = [InspectionMember(user_id=users[name].id,
                                           role="leader" if name == params.get("team_leader") else "member")
                          for name in team]
    for key in ("decision_symbol", "legal_basis", "scope", "content"):
        setattr(inspection, key, params.get(key))
    inspection.experts = (params.get("experts") or "").strip() or None
    inspection.decided_on, inspection.starts_on = day_of(params.get("decided_on")), day_of(params.get("starts_on"))
    inspection.ends_on = day_of(params["ends_on"])
    inspection.decided_by, inspection.status = getattr(ctx.actor, "id", None), InspectionStatus.DECIDED
    title = f"Quyết định kiểm tra {params.get('decision_symbol') or ''}".strip()
    file_paper(ctx.session, inspection, "decision", title, params.get("attachments"), ctx.actor)
    audit.record(ctx.session, "inspection.decided", "inspection", inspection.id, actor=ctx.actor,
                 after={"decision": params.get("decision_symbol"), "team": [users[name].full_name for name in team]})
    return {"inspection_id": inspection.id, "team": team}


@OPERATORS.register("inspection.end", required=("ended_on", "report_due"), optional=("findings", "minutes"))
def end(ctx: StepContext, data: dict, params: dict) -> dict:
    """The team has finished inspecting: findings, minutes, and the report's due date."""
    inspection = _inspection(ctx, data)
    inspection.ended_on = day_of(params["ended_on"])
    report_due = Deadline.from_json(params["report_due"])
    if report_due is None:
        raise ValueError("inspection.end: report_due has no date")
    REPORT_DUE.write(inspection, report_due)
    inspection.findings, inspection.status = params.get("findings"), InspectionStatus.REPORTING
    if params.get("minutes"):
        file_paper(ctx.session, inspection, "minutes", "Biên bản kiểm tra", params["minutes"], ctx.actor)
    audit.record(ctx.session, "inspection.ended", "inspection", inspection.id, actor=ctx.actor,
                 after={"ended_on": params["ended_on"], "report_due": report_due.date.isoformat()})
    return {"inspection_id": inspection.id}


@OPERATORS.register("inspection.report", optional=("assessment", "conclusion", "recommendations", "attachments"))
def report(ctx: StepContext, data: dict, params: dict) -> dict:
    """The results report (facts and assessment; conclusion; recommendations)."""
    inspection = _inspection(ctx, data)
    for key in ("assessment", "conclusion", "recommendations"):
        setattr(inspection, key, params.get(key))
    reported_on, due = clock.today(), inspection.report_due
    assert due is not None  # inspection.end, which comes first, set it
    inspection.reported_on, inspection.status = reported_on, InspectionStatus.REPORTED
    inspection.published = policy(ctx.bundle.settings).publish_conclusion
    file_paper(ctx.session, inspection, "results_report", "Báo cáo kết quả kiểm tra", params.get("attachments"),
               ctx.actor)
    audit.record(ctx.session, "inspection.reported", "inspection", inspection.id, actor=ctx.actor,
                 after={"reported_on": reported_on.isoformat(), "report_due": due.isoformat()})
    return {"inspection_id": inspection.id, "on_time": reported_on <= due}


@OPERATORS.register("inspection.hand_over", required=("unit",), optional=("note", "attachments"))
def hand_over(ctx: StepContext, data: dict, params: dict) -> dict:
    """An inspected unit hands its report and documents to the team: a paper of the file."""
    inspection = _inspection(ctx, data)
    unit = org.require_unit(ctx.session, params["unit"])
    title = f"Báo cáo, hồ sơ của {unit.name}"
    note = (params.get("note") or "").strip()
    file_paper(ctx.session, inspection, "execution_reports", f"{title}: {note}" if note else title,
               params.get("attachments"), ctx.actor)
    audit.record(ctx.session, "inspection.handed_over", "inspection", inspection.id, actor=ctx.actor,
                 after={"unit": unit.name, "files": len(params.get("attachments") or [])})
    return {"unit": unit.code}


@OPERATORS.register("inspection.notify", optional=("leader", "office", "units", "unit", "team", "council",
                                                  "office_if_internal", "kind", "body"))
def notify(ctx: StepContext, data: dict, params: dict) -> dict:
    """Tell the leader of the inspection's body (unless `leader` is false) — and, for an internal
    inspection, the head of the unit running it —, that body's office's clerks and head when `office` is true, the
    inspected units when `units` is true (only `unit`, the code of the one the message is about,
    when given), the team's members when `team` is true, the emulation council's unit
    (`[inspection] council_unit`) when `council` is true and the ruleset names one, and the office
    when `office_if_internal` is true, the inspection is internal and the ruleset's `[inspection]
    office_told_of_internal` says so (`kind`: the template; without a `body`, its body, which may
    name the `title`, the `unit` and its due day)."""
    inspection = _inspection(ctx, data)
    about = org.require_unit(ctx.session, params["unit"]) if params.get("unit") else None
    office = params.get("office") or (params.get("office_if_internal") and inspection.proposing_unit_id is not None
                                      and policy(ctx.bundle.settings).office_told_of_internal)
    users = []
    body = permissions.recorded_body(ctx.session, inspection.body_id)  # the leader and office of its body
    if params.get("leader", True):
        users += permissions.body_holders(ctx.session, permissions.LEADER, body)
        if inspection.proposing_unit_id is not None:
            users += permissions.holders(ctx.session, permissions.UNIT_HEAD, inspection.proposing_unit_id)
    if office:
        users += [user for role in permissions.OFFICE for user in permissions.holders_in(ctx.session, role, None,
                                                                                          body)]
    if params.get("units"):
        for unit_id in [about.id] if about else [link.unit_id for link in inspection.units]:
            users += permissions.unit_staff(ctx.session, unit_id)
    if params.get("team"):  # named in the decision, whatever their role: an office head, an officer
        users += [ctx.session.get_one(User, member.user_id) for member in inspection.members]
    council = policy(ctx.bundle.settings).council_unit
    if params.get("council") and council:
        users += _council_staff(ctx, inspection, council)
    users = list({user.id: user for user in users}.values())
    kind = params.get("kind") or "inspection"
    created = notify_users(ctx.session, users, kind, directive=None, assignment=None, body=params.get("body"),
                           link=f"/inspections/{inspection.id}",
                           dedup_key=said_key(f"{kind}:inspection:{inspection.id}", about.code if about else ""),
                           title=inspection.title, unit=about.name if about else "",
                           due=Deadline(inspection.ends_on).format_vn() if inspection.ends_on else "")
    return {"notified": len(created)}


def _council_staff(ctx: StepContext, inspection: Inspection, code: str) -> list:
    """The staff of the council's unit; a deployment without that unit sends the report to the
    others, and the audit log says the council was not told."""
    staff = permissions.unit_staff_by_code(ctx.session, code)
    if staff is None:
        audit.record(ctx.session, "inspection.council_missing", "inspection", inspection.id, actor=ctx.actor,
                     after={"council_unit": code})
        return []
    return staff

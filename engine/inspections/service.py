"""Proposing an inspection, its file, and the operators the `inspection` process calls.

The flow (decision by the leader, findings by the team, the results report due
`deadlines.inspection_report` working days after the inspection ends, notification of the
leader and the inspected units) is in processes/common/inspection.bpmn; this module keeps the
tables and checks what the diagram hands it.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine import audit, clock
from engine.directives.service import DirectiveError
from engine.errors import EngineError, Forbidden, NotFound
from engine.inspections.models import (
    PAPER_KINDS,
    REPORT_DUE,
    InspectedUnit,
    Inspection,
    InspectionKind,
    InspectionMember,
    InspectionPaper,
    InspectionStatus,
)
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.sandbox.operators import OPERATORS, StepContext
from engine.working_days.deadline import Deadline, day_of

PURPOSE = "inspection"
# The five parts a decision must hold (Đắk Lắk Đ.15 k.1, Quỳnh Nhai Đ.12 k.1).
DECISION_PARTS = {"legal_basis": "legal basis", "scope": "scope, subjects and duty", "content": "content",
                  "ends_on": "time limit", "team": "team members"}


class InspectionError(EngineError):
    pass


def propose(engine, raw: dict, actor: User) -> Inspection:
    """Open an inspection (planned or ad hoc) of `units` and start the ruleset's inspection
    process; the leader then issues the decision."""
    title = (raw.get("title") or "").strip()
    codes = list(dict.fromkeys(c.strip() for c in raw.get("units") or [] if c and c.strip()))
    if not title:
        raise InspectionError("Give the inspection a title.")
    try:
        kind = InspectionKind(raw.get("kind") or InspectionKind.PLANNED)
    except ValueError:
        raise InspectionError("The kind of inspection must be planned or ad hoc.") from None
    if kind is InspectionKind.AD_HOC and not (raw.get("reason") or "").strip():
        raise InspectionError("Say why this ad-hoc inspection is needed.")
    if not codes:
        raise InspectionError("Name at least one unit to inspect.")
    with engine.db.session() as session:
        user = session.get(User, actor.id)
        if not permissions.may_propose_inspection(user):
            raise Forbidden("You may not propose an inspection.")
        bundle = engine.current_bundle(session)
        units = []
        for code in codes:
            unit = org.unit_by_code(session, code)
            if unit is None:
                raise DirectiveError("Unknown unit %(code)s.", code=code)
            units.append(unit)
        inspection = Inspection(ruleset=bundle.ruleset, kind=kind, title=title, reason=raw.get("reason"),
                                created_by=user.id, created_at=clock.now(),
                                units=[InspectedUnit(unit_id=u.id) for u in units])
        session.add(inspection)
        session.flush()
        data = {"inspection_id": inspection.id, "title": title, "kind": kind.value,
                "inspected_units": [u.code for u in units]}
        inspection.instance_id = engine.runtime.start(session, bundle, PURPOSE, data, actor=user).id
        audit.record(session, "inspection.proposed", "inspection", inspection.id, actor=user,
                     after={"title": title, "kind": kind, "units": codes})
        return inspection


def add_paper(engine, inspection_id: int, kind: str, title: str, attachments: list[str],
              actor: User) -> InspectionPaper:
    """File a paper in the inspection file (one of the eight kinds)."""
    if kind not in PAPER_KINDS:
        raise InspectionError("Unknown kind of paper %(kind)s.", kind=kind)
    if not (title or "").strip():
        raise InspectionError("Give the paper a title.")
    with engine.db.session() as session:
        user = session.get(User, actor.id)
        inspection = _visible(session, inspection_id, user)
        paper = _file(session, inspection, kind, title.strip(), attachments, user)
        audit.record(session, "inspection.paper_added", "inspection", inspection.id, actor=user,
                     after={"kind": kind, "title": title})
        return paper


def inspection_file(session: Session, inspection_id: int, user: User) -> dict[str, list[InspectionPaper]]:
    """The file in its regulation order: every one of the eight kinds, even when empty."""
    inspection = _visible(session, inspection_id, user)
    papers = {kind: [] for kind in PAPER_KINDS}
    for paper in inspection.papers:
        papers[paper.kind].append(paper)
    return papers


def _visible(session: Session, inspection_id: int, user: User) -> Inspection:
    """Organisation-wide roles see every inspection; a unit sees the ones it is inspected in."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or not permissions.may_see_inspection(session, user, [u.unit_id for u in inspection.units]):
        raise NotFound("Inspection %(id)s does not exist.", id=inspection_id)
    return inspection


def _file(session: Session, inspection: Inspection, kind: str, title: str, attachments, user) -> InspectionPaper:
    paper = InspectionPaper(kind=kind, title=title[:255], attachments=list(attachments or []),
                            added_by=getattr(user, "id", None), added_at=clock.now())
    inspection.papers.append(paper)
    session.flush()
    return paper


def _inspection(ctx: StepContext, data: dict) -> Inspection:
    inspection = ctx.session.get(Inspection, data.get("inspection_id"))
    if inspection is None:
        raise LookupError(f"no inspection {data.get('inspection_id')} for this instance")
    return inspection


# ---------------------------------------------------------------------- operators
@OPERATORS.register("inspection.decide", required=("ends_on",), optional=(
    "decision_symbol", "legal_basis", "scope", "content", "decided_on", "starts_on", "team_leader", "team_members",
    "attachments"))
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
    inspection.decided_on, inspection.starts_on = day_of(params.get("decided_on")), day_of(params.get("starts_on"))
    inspection.ends_on = day_of(params["ends_on"])
    inspection.decided_by, inspection.status = getattr(ctx.actor, "id", None), InspectionStatus.DECIDED
    _file(ctx.session, inspection, "decision", f"Quyết định kiểm tra {params.get('decision_symbol') or ''}".strip(),
          params.get("attachments"), ctx.actor)
    audit.record(ctx.session, "inspection.decided", "inspection", inspection.id, actor=ctx.actor,
                 after={"decision": params.get("decision_symbol"), "team": team})
    return {"inspection_id": inspection.id, "team": team}


@OPERATORS.register("inspection.end", required=("ended_on", "report_due"), optional=("findings", "minutes"))
def end(ctx: StepContext, data: dict, params: dict) -> dict:
    """The team has finished inspecting: findings, minutes, and the report's due date."""
    inspection = _inspection(ctx, data)
    inspection.ended_on = day_of(params["ended_on"])
    REPORT_DUE.write(inspection, Deadline.from_json(params["report_due"]))
    inspection.findings, inspection.status = params.get("findings"), InspectionStatus.REPORTING
    if params.get("minutes"):
        _file(ctx.session, inspection, "minutes", "Biên bản kiểm tra", params["minutes"], ctx.actor)
    audit.record(ctx.session, "inspection.ended", "inspection", inspection.id, actor=ctx.actor,
                 after={"ended_on": params["ended_on"], "report_due": inspection.report_due.isoformat()})
    return {"inspection_id": inspection.id}


@OPERATORS.register("inspection.report", optional=("assessment", "conclusion", "recommendations", "attachments"))
def report(ctx: StepContext, data: dict, params: dict) -> dict:
    """The results report (facts and assessment; conclusion; recommendations)."""
    inspection = _inspection(ctx, data)
    for key in ("assessment", "conclusion", "recommendations"):
        setattr(inspection, key, params.get(key))
    inspection.reported_on, inspection.status = clock.today(), InspectionStatus.REPORTED
    _file(ctx.session, inspection, "results_report", "Báo cáo kết quả kiểm tra", params.get("attachments"),
          ctx.actor)
    audit.record(ctx.session, "inspection.reported", "inspection", inspection.id, actor=ctx.actor,
                 after={"reported_on": inspection.reported_on.isoformat(),
                        "on_time": inspection.reported_on <= inspection.report_due})
    return {"inspection_id": inspection.id, "on_time": inspection.reported_on <= inspection.report_due}


@OPERATORS.register("inspection.notify", optional=("leader", "units", "kind", "body"))
def notify(ctx: StepContext, data: dict, params: dict) -> dict:
    """Tell the leader (unless `leader` is false) and, when `units` is true, the inspected
    units (`kind`: the template)."""
    inspection = _inspection(ctx, data)
    users = permissions.leaders(ctx.session) if params.get("leader", True) else []
    if params.get("units"):
        for link in inspection.units:
            users += permissions.unit_staff(ctx.session, link.unit_id)
    kind = params.get("kind") or "inspection"
    body = params.get("body") or inspection.title
    created = notify_users(ctx.session, users, kind, directive=None, assignment=None, body=body,
                           link=f"/inspections/{inspection.id}", dedup_key=f"{kind}:inspection:{inspection.id}")
    return {"notified": len(created)}

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
    InspectedUnit,
    Inspection,
    InspectionKind,
    InspectionPaper,
)
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User

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
        paper = file_paper(session, inspection, kind, title.strip(), attachments, user)
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


def file_paper(session: Session, inspection: Inspection, kind: str, title: str, attachments, user) -> InspectionPaper:
    paper = InspectionPaper(kind=kind, title=title[:255], attachments=list(attachments or []),
                            added_by=getattr(user, "id", None), added_at=clock.now())
    inspection.papers.append(paper)
    session.flush()
    return paper

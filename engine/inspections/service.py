"""Proposing an inspection, its file, and the operators the `inspection` process calls.

The flow (decision by the leader, findings by the team, the results report due
`deadlines.inspection_report` working days after the inspection ends, notification of the
leader and the inspected units) is in processes/common/inspection.bpmn; this module keeps the
tables and checks what the diagram hands it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session, contains_eager

from engine import audit, clock
from engine.audit.models import AuditEntry
from engine.directives.models import URGING_SENT, Assignment, AssignmentUnit, Attachment, Directive, tasks_given
from engine.directives.service import register as register_directive
from engine.errors import Conflict, EngineError, Forbidden, NotFound
from engine.forms import DIGEST
from engine.inspections.models import (
    PAPER_KINDS,
    InspectedUnit,
    Inspection,
    InspectionKind,
    InspectionPaper,
    InspectionStatus,
)
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.outcomes import said_by
from engine.registry.service import history as registry_history
from engine.registry.service import visible_assignments
from engine.rulesets.models import instance_settings
from engine.rulesets.settings import form_terms
from engine.runtime.models import WorkItem, WorkItemStatus, declare_people, declare_performers
from engine.urging.steps import StepRecord, declare_step_record

PURPOSE = "inspection"
# The five parts a decision must hold (Đắk Lắk Đ.15 k.3, Quỳnh Nhai Đ.12 k.2).
DECISION_PARTS = {"legal_basis": "legal basis", "scope": "scope, subjects and duty", "content": "content",
                  "ends_on": "time limit", "team": "team members"}
TITLE_MAX = 255  # an inspection's and a paper's title column (engine/inspections/models.py)
# Who files which kinds of paper in the file (Đắk Lắk Đ.16, Đ.18; Quỳnh Nhai Đ.13, Đ.15): who runs the inspection its
# decision and the documents it rests on, the team its plan, minutes and results report, an inspected unit its
# reports; anyone of them other documents (an explanation).
RUNNER_PAPERS = frozenset({"decision", "assigning_documents", "urging_documents", "plan", "other"})
TEAM_PAPERS = frozenset({"plan", "minutes", "results_report", "other"})
UNIT_PAPERS = frozenset({"execution_reports", "other"})
TEAM_STEPS = ("inspection_findings", "inspection_report")  # the forms of the team's steps
HAND_OVER = "inspection_hand_over"  # the form of an inspected unit's hand-over
DECISION = "inspection_decision"  # the form of the decision, with the team's person fields
TEAM_FIELDS = ("team_leader", "team_members")
# inspection.bpmn's lanes of the team (ruleset.toml [lanes] gives their roles): the office's, an internal one's
TEAM_LANE, UNIT_TEAM_LANE = "Đoàn kiểm tra", "Đoàn kiểm tra của đơn vị"


class InspectionError(EngineError):
    """A refused inspection request; `field` names the value at fault."""

    def __init__(self, message: str, field: str, **params):
        super().__init__(message, **params)
        self.field = field


@dataclass(frozen=True)
class InspectionPolicy:
    """A ruleset's `[inspection]` settings."""

    internal: bool            # a unit's head may inspect its own units (kiểm tra nội bộ)
    publish_conclusion: bool  # the results report's conclusion is published (công khai)
    council_unit: str | None  # the code of the unit told of every results report (Hội đồng Thi đua khen thưởng)
    unit_report_article: str | None  # the article an inspected unit's hand-over cites (its duty to report)
    office_told_of_internal: bool  # an internal inspection's results report goes to the tracking office too


def policy(settings: Mapping) -> InspectionPolicy:
    table = settings.get("inspection") or {}
    return InspectionPolicy(internal=bool(table.get("internal", False)),
                            publish_conclusion=bool(table.get("publish_conclusion", False)),
                            council_unit=table.get("council_unit") or None,
                            unit_report_article=table.get("unit_report_article") or None,
                            office_told_of_internal=bool(table.get("office_told_of_internal", False)))


def propose(engine, raw: dict, actor: User) -> Inspection:
    """Open an inspection (planned or ad hoc) of `units` and start the ruleset's inspection
    process: the office's, which the leader decides, or — where the ruleset allows — a unit
    head's internal one of the units under them, which that head decides."""
    title = (raw.get("title") or "").strip()
    codes = list(dict.fromkeys(c.strip() for c in raw.get("units") or [] if c and c.strip()))
    if not title:
        raise InspectionError("Give the inspection a title.", "title")
    if len(title) > TITLE_MAX:
        raise InspectionError("The inspection's title has at most %(max)s characters.", "title", max=TITLE_MAX)
    try:
        kind = InspectionKind(raw.get("kind") or InspectionKind.PLANNED)
    except ValueError:
        raise InspectionError("The kind of inspection must be planned or ad hoc.", "kind") from None
    if kind is InspectionKind.AD_HOC and not (raw.get("reason") or "").strip():
        raise InspectionError("Say why this ad-hoc inspection is needed.", "reason")
    if not codes:
        raise InspectionError("Name at least one unit to inspect.", "units")
    with engine.db.session() as session:
        user = session.get(User, actor.id)
        bundle = engine.current_bundle(session)
        units = org.units_by_codes(session, codes,
                                   lambda code: InspectionError("Unknown unit %(code)s.", "units", code=code))
        settings = engine.compiled(bundle).settings
        proposing_unit = _proposing_unit(session, settings, user, units)
        body = _body(session, user, units)
        inspection = Inspection(ruleset=bundle.ruleset, kind=kind, title=title, reason=raw.get("reason") or None,
                                created_by=user.id, created_at=clock.now(), body_id=body.id if body else None,
                                proposing_unit_id=proposing_unit.id if proposing_unit else None,
                                units=[InspectedUnit(unit_id=u.id) for u in units])
        session.add(inspection)
        session.flush()
        data = {"inspection_id": inspection.id, "title": title, "kind": kind.value,
                "inspected_units": [u.code for u in units], "inspected_unit_names": [u.name for u in units],
                "internal": proposing_unit is not None,
                "proposing_unit": proposing_unit.code if proposing_unit else None,
                "unit_report_article": policy(settings).unit_report_article,
                **({permissions.BODY_VARIABLE: body.code} if body else {})}
        inspection.instance_id = engine.runtime.start(session, bundle, PURPOSE, data, actor=user).id
        audit.record(session, "inspection.proposed", "inspection", inspection.id, actor=user,
                     after={"title": title, "units": [u.name for u in units],
                            "internal": proposing_unit.name if proposing_unit else None})
        return inspection


def _proposing_unit(session: Session, settings: Mapping, user: User, units: list[Unit]) -> Unit | None:
    """None for an inspection of the office (proposed by the office, the leader or an inspector);
    the unit running an internal one; Forbidden otherwise."""
    if permissions.may_propose_inspection(user):
        return None
    if policy(settings).internal and permissions.may_run_internal_inspection(session, user, [u.id for u in units]):
        return session.get(Unit, user.unit_id)
    raise Forbidden("You may not propose an inspection of these units.")


def _body(session: Session, user: User, units: list[Unit]) -> Unit | None:
    """The body whose inspection this is: the proposer's (None: the home body's). A commune's office
    inspects its own units only, whose leader decides it (the instance names the body)."""
    body = permissions.users_body(session, user)
    outside = permissions.units_outside(session, body, units)
    if outside:
        raise InspectionError("%(name)s is not a unit of the issuing body %(body)s.", "units",
                              name=outside[0].name, body=body.name)
    return body if permissions.other_than_home(session, body) else None


@dataclass(frozen=True)
class InspectionQuery:
    status: str = ""
    kind: str = ""
    unit: str = ""   # a unit code: inspections of it
    year: int | None = None  # the year the inspection was proposed


def list_inspections(session: Session, user: User, query: InspectionQuery) -> list[Inspection]:
    """The inspections `user` may see, newest first, filtered by `query`."""
    stmt = select(Inspection).order_by(Inspection.created_at.desc(), Inspection.id.desc())
    if query.status:
        stmt = stmt.where(Inspection.status == query.status)
    if query.kind:
        stmt = stmt.where(Inspection.kind == query.kind)
    if query.unit:
        unit_id = org.unit_id_by_code(session, query.unit)
        stmt = stmt.where(Inspection.units.any(InspectedUnit.unit_id == unit_id))
    if query.year:  # the office's year: a proposal of 1 January before 07:00 is in it, not the year before
        stmt = stmt.where(Inspection.created_at >= datetime(query.year, 1, 1, tzinfo=clock.VN_TZ),
                          Inspection.created_at < datetime(query.year + 1, 1, 1, tzinfo=clock.VN_TZ))
    return [i for i in session.scalars(stmt) if _may_see(session, user, i)]


def published_conclusions(session: Session) -> list[Inspection]:
    """The reported inspections whose conclusion the ruleset publishes, newest first (for the public page)."""
    return list(session.scalars(select(Inspection).where(Inspection.published.is_(True))
                                .order_by(Inspection.reported_on.desc(), Inspection.id.desc())))


def of_instance(session: Session, instance_id: int) -> Inspection | None:
    """The inspection a process instance runs (one each): its work items' pages open it."""
    return session.scalar(select(Inspection).where(Inspection.instance_id == instance_id))


def get(session: Session, inspection_id: int, user: User) -> Inspection:
    return _visible(session, inspection_id, user)


def follow_up(engine, inspection_id: int, header: dict, assignments: list[dict], actor: User) -> Directive:
    """Register the results' recommendations as an ordinary directive with its assignments
    (the conclusion notice, thông báo kết luận kiểm tra), tracked and urged like any other,
    and link it to the inspection."""
    with engine.db.session() as session:
        user = session.get(User, actor.id)
        inspection = _visible(session, inspection_id, user)
        if inspection.status != InspectionStatus.REPORTED:
            raise Conflict("Follow-up tasks come from the results report: it has not been sent yet.")
        if inspection.follow_up_directive_id is not None:
            raise Conflict("The follow-up tasks of this inspection are already registered.")
        directive = register_directive(engine, header, assignments, user, session=session)
        directive.extra = {**(directive.extra or {}), "inspection_id": inspection.id}
        inspection.follow_up_directive_id = directive.id
        # everyone who sees the inspection reads its history: a secret directive is named only in its own
        audit.record(session, "inspection.followed_up", "inspection", inspection.id, actor=user,
                     after={"directive": None if directive.secrecy else directive.symbol,
                            "assignments": len(assignments)})
        return directive


def add_paper(engine, inspection_id: int, kind: str, title: str, attachments: list[str],
              actor: User) -> InspectionPaper:
    """File a paper in the inspection file (one of the eight kinds)."""
    if kind not in PAPER_KINDS:
        raise InspectionError("Unknown kind of paper %(kind)s.", "kind", kind=kind)
    if not (title or "").strip():
        raise InspectionError("Give the paper a title.", "title")
    with engine.db.session() as session:
        user = session.get(User, actor.id)
        inspection = _visible(session, inspection_id, user, filing=True)
        if kind not in filing_kinds(session, user, inspection):
            raise InspectionError("You may not file a paper of this kind: the inspected unit files its reports, "
                                  "the team its plan, minutes and results report, who runs the inspection its "
                                  "decision.", "kind")
        # Filing a file lets whoever sees the inspection read it: a digest alone is not a file of one's own.
        if not all(DIGEST.fullmatch(d) and permissions.may_see_file(session, user, d) for d in attachments):
            raise InspectionError("You may attach only files you sent or may already see.", "attachments")
        paper = file_paper(session, inspection, kind, title.strip(), attachments, user)
        audit.record(session, "inspection.paper_added", "inspection", inspection.id, actor=user,
                     after={"kind": kind, "title": title})
        return paper


def filing_kinds(session: Session, user: User, inspection: Inspection) -> tuple[str, ...]:
    """The kinds of paper `user` files in the inspection's file, in PAPER_KINDS order (none: they only read it)."""
    kinds: set[str] = set()
    if permissions.runs_inspection(session, user, inspection.proposing_unit_id):
        kinds |= RUNNER_PAPERS
    if any(member.user_id == user.id for member in inspection.members):
        kinds |= TEAM_PAPERS
    if permissions.is_staff_of_unit(session, user, [link.unit_id for link in inspection.units]):
        kinds |= UNIT_PAPERS
    return tuple(kind for kind in PAPER_KINDS if kind in kinds) if _takes_part(session, user, inspection) else ()


def inspection_file(session: Session, inspection_id: int, user: User) -> dict[str, list[InspectionPaper]]:
    """The file in its regulation order: every one of the eight kinds, even when empty."""
    inspection = _visible(session, inspection_id, user)
    papers: dict[str, list[InspectionPaper]] = {kind: [] for kind in PAPER_KINDS}
    for paper in inspection.papers:
        papers[paper.kind].append(paper)
    return papers


# The newest tasks and urgings the file lists (parts 2 and 3): a unit inspected after years of tasks would
# otherwise have every one of them, and their hundreds of urgings, on one page; the rest are counted.
HELD_TASKS, HELD_URGINGS = 100, 200


@dataclass(frozen=True)
class HeldPapers:
    """What the system itself holds for the file's parts 2 and 3 (Quỳnh Nhai Đ.15 k.2–3, Đắk Lắk Đ.18): the
    tasks given to the inspected units — to lead or to coordinate — by directives issued by the inspection's
    last day, and the schedule's
    urgings of those tasks until that day's end — only those the reader may see (permissions.see_clause)."""

    tasks: list[Assignment]                 # by the directive's issue date, symbol, then task number
    urgings: list[tuple[AuditEntry, Assignment]]  # URGING_SENT entries, oldest first
    units: dict[int, Unit]                  # the tasks' lead units and the inspected units, by id
    # task id → the inspected units given a part of it (phối hợp): a unit is inspected on the tasks it
    # coordinates as on those it leads (the documents gave it both)
    coordinating: dict[int, list[Unit]]
    tasks_left_out: int = 0                 # older tasks beyond HELD_TASKS
    urgings_left_out: int = 0               # older urgings beyond HELD_URGINGS

    @property
    def directives(self) -> list[tuple[Directive, list[Assignment]]]:
        """The documents giving the tasks, each with its tasks, in `tasks` order."""
        grouped: dict[int, tuple[Directive, list[Assignment]]] = {}
        for task in self.tasks:
            grouped.setdefault(task.directive_id, (task.directive, []))[1].append(task)
        return list(grouped.values())


def held_papers(session: Session, inspection: Inspection, user: User) -> HeldPapers:
    """The directives and urgings about the inspected units that `user` may see (HeldPapers). The
    inspection's period ends on its decision's last day; before the decision, today."""
    until = inspection.ends_on or clock.today()
    units = [link.unit_id for link in inspection.units]
    linked = select(AssignmentUnit.assignment_id).where(AssignmentUnit.unit_id.in_(units))
    given = (visible_assignments(session, user)
             .where(Assignment.id.in_(linked), tasks_given(), Directive.issued_on <= until))
    tasks = list(session.scalars(
        given.options(contains_eager(Assignment.directive))
        .order_by(Directive.issued_on.desc(), Directive.symbol.desc(), Directive.id.desc(), Assignment.seq.desc(),
                  Assignment.id.desc()).limit(HELD_TASKS)))[::-1]
    by_id = {task.id: task for task in tasks}
    urged = select(AuditEntry).where(AuditEntry.action == URGING_SENT, AuditEntry.assignment_id.in_(list(by_id)),
                                     AuditEntry.at < said_by(until))
    urgings = [(entry, by_id[entry.assignment_id]) for entry in session.scalars(
        urged.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(HELD_URGINGS))][::-1]
    named = {unit.id: unit for unit in session.scalars(
        select(Unit).where(Unit.id.in_(set(units) | {task.lead_unit_id for task in tasks})))}
    coordinating: dict[int, list[Unit]] = {}
    for task_id, unit_id in session.execute(
            select(AssignmentUnit.assignment_id, AssignmentUnit.unit_id)
            .where(AssignmentUnit.assignment_id.in_(list(by_id)), AssignmentUnit.unit_id.in_(units),
                   AssignmentUnit.role == "coordinating").order_by(AssignmentUnit.id)):
        coordinating.setdefault(task_id, []).append(named[unit_id])
    return HeldPapers(tasks=tasks, urgings=urgings, units=named, coordinating=coordinating,
                      tasks_left_out=_count(session, given) - len(tasks),
                      urgings_left_out=_count(session, urged) - len(urgings))


def _count(session: Session, query: Select) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def _visible(session: Session, inspection_id: int, user: User, *, filing: bool = False) -> Inspection:
    """The inspection `user` may see; `filing`: one they take part in (a reader adds no paper)."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or not _may_see(session, user, inspection):
        raise NotFound("Inspection %(id)s does not exist.", id=inspection_id)
    if filing and not _takes_part(session, user, inspection):
        raise Forbidden("You may not add papers to this inspection's file.")
    return inspection


def _may_see(session: Session, user: User, inspection: Inspection) -> bool:
    return _takes_part(session, user, inspection) or _council_reads(session, user, inspection)


def _takes_part(session: Session, user: User, inspection: Inspection) -> bool:
    """Organisation-wide roles in every inspection; a unit in the ones it is inspected in or runs,
    a team member in the ones they are on."""
    units = [u.unit_id for u in inspection.units]
    if inspection.proposing_unit_id is not None:
        units.append(inspection.proposing_unit_id)
    return permissions.may_see_inspection(session, user, units, [m.user_id for m in inspection.members],
                                          inspection.body_id)


def _council_reads(session: Session, user: User, inspection: Inspection) -> bool:
    """The staff of the council unit told of the results report (`[inspection] council_unit` of
    the ruleset version the inspection ran on; Quỳnh Nhai Đ.14 k.1) read what they were told of."""
    if inspection.status != InspectionStatus.REPORTED:
        return False
    council = policy(instance_settings(session, inspection.instance_id)).council_unit
    return permissions.is_staff_of(session, user, council)


def file_paper(session: Session, inspection: Inspection, kind: str, title: str, attachments, user) -> InspectionPaper:
    paper = InspectionPaper(kind=kind, title=title[:TITLE_MAX], attachments=list(attachments or []),
                            added_by=getattr(user, "id", None), added_at=clock.now())
    inspection.papers.append(paper)
    session.flush()
    return paper


@dataclass
class InspectionDetail:
    """One inspection's page, in names people read."""

    inspection: Inspection
    units: list[Unit]                         # inspected
    proposing_unit: Unit | None               # an internal inspection's unit; None: the office's
    team: list[tuple[str, str]]               # (role: leader | member, full name)
    file: dict[str, list[InspectionPaper]]    # PAPER_KINDS order
    held: HeldPapers                          # parts 2 and 3 as the system holds them, beside the papers filed
    filenames: dict[str, str]                 # digest -> the file's name
    open_items: list[WorkItem]                # what the process waits for
    item_units: dict[int, str]                # unit id -> name, of the units open items wait in
    follow_up: Directive | None               # None too where the reader may not see it (a secret one)
    follow_up_assignments: list[Assignment]
    history: list[tuple[AuditEntry, str]]     # newest first, with who (full name)
    filing_kinds: tuple[str, ...]             # the kinds of paper the reader files (none: a council only reads)
    terms: dict[str, str]                     # the ruleset's words (its [terminology]): who runs and decides it


def detail(session: Session, inspection_id: int, user: User) -> InspectionDetail:
    inspection = _visible(session, inspection_id, user)
    names = dict(session.execute(select(User.id, User.full_name)
                                 .where(User.id.in_([m.user_id for m in inspection.members]))).all())
    team = sorted(((m.role, names.get(m.user_id, "")) for m in inspection.members), key=lambda r: r[0] != "leader")
    items = list(session.scalars(select(WorkItem).where(WorkItem.instance_id == inspection.instance_id,
                                                        WorkItem.status == WorkItemStatus.READY)
                                 .order_by(WorkItem.id))) if inspection.instance_id else []
    # the follow-up directive as its own rules show it: a secret one to those who may see it
    follow_up = (session.get(Directive, inspection.follow_up_directive_id) if permissions.may_see(
        session, user, permissions.DIRECTIVE, inspection.follow_up_directive_id) else None)
    return InspectionDetail(
        inspection=inspection,
        units=list(session.scalars(select(Unit).where(Unit.id.in_([u.unit_id for u in inspection.units])))),
        proposing_unit=session.get(Unit, inspection.proposing_unit_id) if inspection.proposing_unit_id else None,
        team=team, file=inspection_file(session, inspection_id, user), held=held_papers(session, inspection, user),
        open_items=items,
        item_units=dict(session.execute(select(Unit.id, Unit.name).where(
            Unit.id.in_({item.unit_id for item in items if item.unit_id is not None}))).all()),
        filenames=dict(session.execute(select(Attachment.sha256, Attachment.filename).where(
            Attachment.sha256.in_([sha for paper in inspection.papers for sha in paper.attachments or []]))).all()),
        follow_up=follow_up, follow_up_assignments=[a for a in follow_up.assignments if permissions.may_see(
            session, user, permissions.ASSIGNMENT, a.id)] if follow_up else [],
        history=registry_history(session, AuditEntry.object_type == "inspection",
                                 AuditEntry.object_id == str(inspection.id)),
        filing_kinds=filing_kinds(session, user, inspection),
        terms=form_terms(instance_settings(session, inspection.instance_id)))


def titles_of_instances(session: Session, instance_ids: Iterable[int]) -> dict[int, str]:
    """Each inspection's title by its process instance: what an admin reads for a running one,
    which belongs to no directive."""
    return {instance_id: title for instance_id, title in session.execute(
        select(Inspection.instance_id, Inspection.title).where(Inspection.instance_id.in_(list(instance_ids))))
        if instance_id is not None}


def unit_names(session: Session, inspection: Inspection) -> list[str]:
    """The inspected units' names, for lists."""
    ids = [u.unit_id for u in inspection.units]
    return list(session.scalars(select(Unit.name).where(Unit.id.in_(ids)).order_by(Unit.name)))


def _reads_file(session: Session, user: User, sha256: str) -> bool:
    """Whoever sees an inspection reads the files of its inspection file."""
    ids = set(session.scalars(select(InspectionPaper.inspection_id)
                              .where(cast(InspectionPaper.attachments, String).contains(sha256))))
    return any(_may_see(session, user, inspection) for inspection in
               session.scalars(select(Inspection).where(Inspection.id.in_(ids))))


permissions.declare_file_readers(_reads_file)


def _performers(session: Session, instance_id: int, form_key: str, unit_id: int | None,
                role: str) -> list[int] | None:
    """Who does an inspection's step by name, on any version of its diagram: the team the decision
    names records the findings and writes the report (Đắk Lắk Đ.16 k.1, Quỳnh Nhai Đ.13 k.1), not every
    inspector; an inspected unit's own officers (its head when it has none) hand over its papers
    (Đ.16 k.3, Đ.13 k.3), not the unit above it, which in an internal inspection is the one inspecting."""
    if form_key not in (*TEAM_STEPS, HAND_OVER):
        return None
    inspection = session.scalar(select(Inspection).where(Inspection.instance_id == instance_id))
    if inspection is None:
        return None
    if form_key == HAND_OVER:
        return [user.id for user in permissions.holders_for_part(session, unit_id, role)]
    return [member.user_id for member in inspection.members]


declare_performers(_performers)


def _step_record(session: Session, item: WorkItem) -> StepRecord | None:
    """An inspection's late step (engine.urging.steps) is named by the inspection's title, and its office
    is the office of the body keeping the inspection (a commune's office, its own)."""
    inspection = of_instance(session, item.instance_id)
    if inspection is None:
        return None
    body = permissions.keeping_body(session, inspection.body_id)
    return StepRecord(inspection.title, body.code if body else None)


declare_step_record(_step_record)


def team_candidates(session: Session, lanes: Mapping[str, str], inspection: Inspection) -> list[User]:
    """Whom the decision may put on the team, by full name: the holders, their accounts in force, of the role the
    ruleset gives the team's lane (the office's inspection: «Đoàn kiểm tra»; an internal one:
    «Đoàn kiểm tra của đơn vị», within the unit running it) and those who run the inspection
    (permissions.runs_inspection: the office and the leader, or the head running an internal one);
    never the staff of an inspected unit or of a unit under it (a unit is not inspected by its own
    people), nor anyone else (the administrators, another unit's officers)."""
    internal = inspection.proposing_unit_id is not None
    role = permissions.lane_role(lanes, UNIT_TEAM_LANE if internal else TEAM_LANE)
    inspected = org.subtrees_ids(session, [u.unit_id for u in inspection.units])
    runs = inspection.proposing_unit_id
    within = org.subtrees_ids(session, _running_units(session, runs)) if runs else None
    return [u for u in permissions.working_users(session)
            if (u.has_role(role) or permissions.runs_inspection(session, u, runs))
            and u.unit_id not in inspected and (within is None or u.unit_id in within)]


def _running_units(session: Session, proposing_unit_id: int) -> list[int]:
    """The unit that proposed an internal inspection and the one doing its work today (org.working_unit: an old
    ward's is run by the new ward, whose people it may put on the team)."""
    return [proposing_unit_id, org.working_unit(session, session.get_one(Unit, proposing_unit_id), clock.today()).id]


def _decision_people(session: Session, lanes: Mapping[str, str], item: WorkItem) -> Mapping[str, list] | None:
    """The team's fields of an inspection's decision offer team_candidates alone."""
    if item.form_key != DECISION:
        return None
    inspection = of_instance(session, item.instance_id)
    if inspection is None:
        return None
    candidates = team_candidates(session, lanes, inspection)
    return dict.fromkeys(TEAM_FIELDS, candidates)


declare_people(_decision_people)

"""Moving running instances to a newer version of their ruleset (chuyển phiên bản quy trình).

Running instances keep the version they started on. A process admin may move selected ones
to a newer version; SpiffWorkflow's diff aligns task specs by BPMN id
(SpiffWorkflow.bpmn.util.diff). The move is refused, with the reason, when a step that was
changed or removed is already started or completed in that instance: what it did can no
longer match the new diagram. Waiting and ready steps are re-predicted, so a changed timer
gets its new due time. A dry run reports the same plan without changing anything.

Each instance moves in its own step: lock → load → migrate → run engine steps → save →
work items → audit, through Runtime's own lock/load/step, in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, filter_tasks, migrate_workflow
from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import NotFound
from engine.rulesets.loader import CompiledBundle
from engine.rulesets.models import BundleStatus, ProcessBundle
from engine.runtime.models import InstanceStatus, WorkflowInstance, WorkItem, WorkItemStatus
from engine.spiff.state import REGISTRY

UNSAFE = TaskState.STARTED | TaskState.COMPLETED
# An instance stopped at an incident moves too: a version whose step fails is corrected by a
# newer one, and its incident, retried there, runs the corrected step.
MOVABLE = (InstanceStatus.RUNNING, InstanceStatus.ERROR)


@dataclass
class MigrationPlan:
    instance_id: int
    process_id: str
    from_number: int | None = None
    to_number: int | None = None
    added: list[str] = field(default_factory=list)  # BPMN ids of new steps
    changed: dict[str, list[str]] = field(default_factory=dict)  # BPMN id -> what changed
    removed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # BPMN ids of started/completed changed steps
    refusal: str | None = None  # why it cannot move (English msgid with params)
    refusal_params: dict = field(default_factory=dict)
    migrated: bool = False

    @property
    def ok(self) -> bool:
        return self.refusal is None


def migrate_instances(engine, instance_ids: list[int], bundle_id: int, actor, *,
                      dry_run: bool = False) -> list[MigrationPlan]:
    """Plan (dry run) or carry out the move of each instance to bundle `bundle_id`, one
    transaction per instance so one refusal does not hold back the others."""
    plans = []
    for instance_id in instance_ids:
        with engine.db.session() as session:
            plans.append(_migrate_one(engine.runtime, session, instance_id, bundle_id, actor, dry_run))
    return plans


def _migrate_one(runtime, session: Session, instance_id: int, bundle_id: int, actor,
                 dry_run: bool) -> MigrationPlan:
    target = session.get(ProcessBundle, bundle_id)
    if target is None:
        raise NotFound("Process version %(id)s does not exist.", id=bundle_id)
    instance = session.get(WorkflowInstance, instance_id) if dry_run else runtime._lock(session, instance_id)
    if instance is None:
        raise NotFound("Workflow instance %(id)s does not exist.", id=instance_id)
    current = session.get_one(ProcessBundle, instance.bundle_id)
    plan = MigrationPlan(instance.id, instance.process_id, current.number, target.number)
    refusal = _refusal(instance, current, target)
    if refusal:
        plan.refusal, plan.refusal_params = refusal
        return plan
    new = runtime.cache.get(target)
    if instance.process_id not in new.specs:
        plan.refusal, plan.refusal_params = "Process %(process)s is not in the new version.", {
            "process": instance.process_id}
        return plan
    _compiled, workflow = runtime._load(session, instance)
    diffs = _diff(workflow, new.specs[instance.process_id], new.subprocess_specs(instance.process_id),
                  unchanged_files(current.files, target.files))
    _describe(plan, diffs)
    if dry_run:
        return plan
    if plan.refusal is None:
        try:
            _apply(runtime, session, instance, target, new, workflow, diffs, actor)
        except WorkflowException as exc:  # nothing written: the instance stays where it was
            plan.refusal = "A waiting step cannot be planned on the new version: %(error)s"
            plan.refusal_params = {"error": str(exc)}
    if plan.refusal is not None:  # not plan.ok
        audit.record(session, "instance.migration_refused", "workflow_instance", instance.id, actor=actor,
                     after={"bundle": target.id, "number": target.number, "blocked": plan.blocked,
                            "reason": plan.refusal % plan.refusal_params},
                     directive_id=instance.directive_id, assignment_id=instance.assignment_id)
        return plan
    audit.record(session, "instance.migrated", "workflow_instance", instance.id, actor=actor,
                 before={"bundle": current.id, "number": current.number},
                 after={"bundle": target.id, "number": target.number, "added": plan.added,
                        "changed": plan.changed, "removed": plan.removed},
                 directive_id=instance.directive_id, assignment_id=instance.assignment_id)
    plan.migrated = True
    return plan


def _refusal(instance: WorkflowInstance, current: ProcessBundle,
             target: ProcessBundle) -> tuple[str, dict] | None:
    if instance.status not in MOVABLE:
        return "The instance is %(status)s, not running.", {"status": instance.status}
    if target.ruleset != current.ruleset:
        return "Version %(number)s belongs to another ruleset.", {"number": target.number}
    if not _moves_to(current, target):
        return "The instance already runs version %(number)s or a later one.", {"number": current.number}
    return None


def _moves_to(current: ProcessBundle, target: ProcessBundle) -> bool:
    """An instance moves forward, or back to the version in force from one published after it:
    after a rollback (an earlier version published again) those started on the version rolled
    back from have no later one to go to (saving the same content again gives back the same
    version)."""
    rolled_back_from = current.published_at is not None and current.id != target.id
    return current.number < target.number or (target.status == BundleStatus.PUBLISHED and rolled_back_from)


def movable_instances(session: Session, target: ProcessBundle, limit: int = 500) -> list[tuple[WorkflowInstance, int]]:
    """The running instances that may move to `target`, with their version's number: `_moves_to`
    as a query, so that only the listed rows are read."""
    moves = ProcessBundle.number < target.number
    if target.status == BundleStatus.PUBLISHED:
        moves = or_(moves, and_(ProcessBundle.published_at.is_not(None), ProcessBundle.id != target.id))
    rows = session.execute(select(WorkflowInstance, ProcessBundle.number).join(
        ProcessBundle, ProcessBundle.id == WorkflowInstance.bundle_id).where(
        ProcessBundle.ruleset == target.ruleset, moves, WorkflowInstance.status.in_(MOVABLE))
        .order_by(WorkflowInstance.id).limit(limit))
    return [(instance, number) for instance, number in rows]


def _diff(workflow, new_spec, new_deps: dict, unchanged: frozenset[str]) -> list[tuple]:
    """(workflow or sub-workflow, SpecDiff, WorkflowDiff, new spec) for the instance and each
    running sub-process; SpecDiff is None when a sub-process's spec is gone. This is
    diff_workflow() keeping the SpecDiffs, which say what was added and what changed. A spec
    read from a file in `unchanged` has no changes, whatever its compiled objects say (they
    differ by what SpiffWorkflow wires while running, not by what the admin edited)."""
    pairs = [(workflow, new_spec)] + [(sub, new_deps.get(sub.spec.name)) for sub in workflow.subprocesses.values()]
    result = []
    for wf, spec in pairs:
        spec_diff = _spec_diff(wf.spec, spec, wf.spec.file in unchanged) if spec is not None else None
        result.append((wf, spec_diff, WorkflowDiff(wf, spec_diff) if spec_diff else None, spec))
    return result


def _spec_diff(old_spec, new_spec, unchanged: bool) -> SpecDiff:
    """SpecDiff, also aligning (by id) the task specs it cannot reach from the start task: the
    event sub-processes, which the start task triggers without having them as outputs."""
    spec_diff = SpecDiff(REGISTRY, old_spec, new_spec)
    for task_spec in old_spec.task_specs.values():
        if task_spec not in spec_diff.alignment:
            aligned = spec_diff.alignment[task_spec] = new_spec.task_specs.get(task_spec.name)
            if aligned is not None:
                spec_diff.comparisons[task_spec] = spec_diff._compare_task_specs(task_spec, aligned)
    if unchanged:
        spec_diff.comparisons = dict.fromkeys(spec_diff.comparisons, [])
        spec_diff.added = []
    return spec_diff


def unchanged_files(old: dict[str, str], new: dict[str, str]) -> frozenset[str]:
    """BPMN files with the same text in both versions, when no decision table changed either
    (a business rule task carries its table: a changed table changes the diagrams using it)."""
    if any(old.get(p) != new.get(p) for p in set(old) | set(new) if p.endswith(".dmn")):
        return frozenset()
    return frozenset(p for p, text in old.items() if p.endswith(".bpmn") and new.get(p) == text)


def _describe(plan: MigrationPlan, diffs: list[tuple]) -> None:
    for _wf, spec_diff, wf_diff, _spec in diffs:
        if spec_diff is None:
            plan.refusal = "A running sub-process is not in the new version."
            continue
        plan.added += sorted(s.bpmn_id for s in spec_diff.added if s.bpmn_id)
        changed = _real_changes(spec_diff)
        for task_spec, what in changed.items():
            plan.changed[task_spec.bpmn_id or task_spec.name] = sorted(what)
        plan.removed += sorted(s.bpmn_id or s.name for s in spec_diff.removed)
        touched = [t for t in wf_diff.changed if t.task_spec in changed] + wf_diff.removed
        unsafe = filter_tasks(touched, state=UNSAFE)
        plan.blocked += sorted({t.task_spec.bpmn_id or t.task_spec.name for t in unsafe} - set(plan.blocked))
    if plan.blocked and plan.ok:
        plan.refusal = "Changed or removed steps already started or completed: %(steps)s."
        plan.refusal_params = {"steps": ", ".join(plan.blocked)}


def _real_changes(spec_diff: SpecDiff) -> dict:
    """SpecDiff.changed without differences of order only: an editor may write a gateway's
    flows in another order, which changes nothing as long as the conditioned flows keep theirs
    (the default flow, condition None, is taken last whatever its place)."""
    result = {}
    for old_spec, what in spec_diff.changed.items():
        before = REGISTRY.convert(old_spec)
        after = REGISTRY.convert(spec_diff.alignment[old_spec])
        real = [key for key in what if _normalised(key, before.get(key)) != _normalised(key, after.get(key))]
        if real:
            result[old_spec] = real
    return result


def _normalised(key: str, value):
    if key in ("inputs", "outputs") and isinstance(value, list):
        return sorted(value)
    if key == "cond_task_specs" and isinstance(value, list):
        conditioned = [(c["condition"], c["task_spec"]) for c in value if c.get("condition") is not None]
        return conditioned, sorted(c["task_spec"] for c in value if c.get("condition") is None)
    return value


def _apply(runtime, session: Session, instance: WorkflowInstance, target: ProcessBundle, new: CompiledBundle,
           workflow, diffs: list[tuple], actor) -> None:
    drafts = _work_item_drafts(session, instance.id)
    # Moving re-predicts the waiting events: their timers are evaluated on the new version's
    # settings and the deployment's calendar, as a step of that version evaluates them.
    with runtime.step_context(session, instance, new, actor):
        for wf, _spec_diff, wf_diff, spec in diffs:
            migrate_workflow(wf_diff, wf, spec)
    runtime.fill_in_start_data(session, instance, workflow)
    workflow.subprocess_specs = new.subprocess_specs(instance.process_id)
    instance.bundle_id = target.id
    runtime._step(session, instance, new, workflow, actor, action=None)
    _restore_work_item_drafts(session, instance.id, drafts)


def _work_item_drafts(session: Session, instance_id: int) -> dict[str, dict | None]:
    """Half-filled forms of the ready work items: a re-predicted user task gets a new task id
    (a new work item), and the person's typing must follow it."""
    items = session.scalars(select(WorkItem).where(
        WorkItem.instance_id == instance_id, WorkItem.status == WorkItemStatus.READY, WorkItem.draft.is_not(None)))
    return {item.element_id: item.draft for item in items}


def _restore_work_item_drafts(session: Session, instance_id: int, drafts: dict[str, dict | None]) -> None:
    session.flush()
    for item in session.scalars(select(WorkItem).where(WorkItem.instance_id == instance_id,
                                                       WorkItem.status == WorkItemStatus.READY)):
        if item.draft is None and item.element_id in drafts:
            item.draft = drafts[item.element_id]

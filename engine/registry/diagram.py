"""The BPMN diagram an instance runs on (from the bundle it started on, never the current
files) and where it stands: the elements active now and those already passed."""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow import TaskState
from sqlalchemy.orm import Session

from engine.rulesets.models import ProcessBundle
from engine.runtime.models import WorkflowInstance
from engine.spiff.state import load_state

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass
class DiagramPosition:
    process_id: str
    xml: str
    active: list[str]
    done: list[str]
    processes: list[tuple[str, str]]  # (id, name): the instance's process, then called ones now running


def instance_diagram(engine, session: Session, instance: WorkflowInstance,
                     process_id: str | None = None) -> DiagramPosition | None:
    """The diagram of `process_id` (default: the called process where a person has work now,
    else the instance's own process) with the elements active and passed."""
    bundle = session.get_one(ProcessBundle, instance.bundle_id)
    compiled = engine.compiled(bundle)
    workflow = load_state(instance.state, compiled.specs[instance.process_id],
                          compiled.subprocess_specs(instance.process_id), engine.runtime.script_engine)
    active, done = set(), set()
    running, with_work = [instance.process_id], []
    live = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
    for task in workflow.get_tasks():
        element = task.task_spec.bpmn_id
        if element is None:
            continue
        if task.state & live:
            active.add(element)
            owner = task.workflow.spec.name
            if owner in compiled.specs and owner not in running:
                running.append(owner)
            if task.task_spec.manual and task.state == TaskState.READY and owner in compiled.specs:
                with_work.append(owner)
        elif task.state == TaskState.COMPLETED:
            done.add(element)
    chosen = process_id if process_id in running else (with_work[0] if with_work else instance.process_id)
    xml = _file_defining(bundle.files, chosen)
    if xml is None:
        return None
    names = [(pid, compiled.specs[pid].description or pid) for pid in running]
    return DiagramPosition(process_id=chosen, xml=xml, active=sorted(active), done=sorted(done - active),
                           processes=names)


def _file_defining(files: dict[str, str], process_id: str) -> str | None:
    for path, text in sorted(files.items()):
        if not path.endswith(".bpmn") or process_id not in text:
            continue
        root = etree.fromstring(text.encode())
        if root.find(f"{{{BPMN_NS}}}process[@id='{process_id}']") is not None:
            return text
    return None

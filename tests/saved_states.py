"""The corpus of saved workflow states (tests/fixtures/states/): recording it and replaying it.

An entry is one running instance at one moment of a scenario or process test, with everything
needed to take its next step again in a fresh database: the rows of the world around it (org,
directives, assignments, every instance's state, open work items…; not the audit trail,
notifications or mail), the ruleset version it runs on (its files, kept once per content hash
in bundles.json.gz, each file once), the action the test took next (a work item completed
with the data the test gave, its timers fired at that moment, or a message delivered) and
what that action led to (the instance's status and its ready work items).

Recording (DONDOC_RECORD_STATES=1, see tests/fixtures/states/README.md) watches the runtime's
entry points. Before an action, the instance's state is described by its features (waiting
in a loop round, finished rounds pruned, mid multi-instance, a timer waiting, inside an event
sub-process, waiting for a message); the world is kept only when the action covers a
(ruleset, process, feature, action kind) not in the corpus yet (an entry's "covers"), and written when the action
succeeded. Entries are only ever added: an existing one is never rewritten.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask, StandardLoopTask
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from engine import clock
from engine.backup import _encode, _insert_all  # the backup's row encoding, both databases
from engine.config import REPO_ROOT
from engine.db import Base
from engine.org.models import User
from engine.rulesets.models import ProcessBundle
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.runtime.service import Runtime
from engine.sandbox.operators import current_step
from engine.spiff.timers import next_timer_due
from engine.spiff.workflow import event_definitions, tasks_in

CORPUS = REPO_ROOT / "tests" / "fixtures" / "states"
INDEX = CORPUS / "index.json"
BUNDLES = CORPUS / "bundles.json.gz"
RECORDING = os.environ.get("DONDOC_RECORD_STATES") == "1"
RECORDED_TESTS = ("tests/scenarios/", "tests/processes/")
# Written by a step but never read by the next one: left out of the world.
NOT_WORLD = {"audit_log", "notifications", "mail_digests", "api_tokens", "idempotency_keys", "saved_filters",
             "process_drafts", "attachments"}
LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


# ---------------------------------------------------------------- what a state holds
def features(workflow) -> list[str]:
    """The interesting things a workflow state holds (what makes it worth keeping)."""
    found = set()
    for task in tasks_in(workflow, LIVE):
        spec = task.task_spec
        if isinstance(spec, StandardLoopTask) and task.state == TaskState.STARTED:
            found.add("loop_round")
            if spec.task_info(task)["iterations_completed"]:
                found.add("loop_rounds_pruned")
        elif isinstance(spec, MultiInstanceTask) and task.state == TaskState.STARTED:
            info = spec.task_info(task)
            found.add("multi_instance_partly_done" if info["completed"] and info["running"] else "multi_instance")
        elif spec.name in task.workflow.spec.start.trigger_specs:  # what an event starts
            found.add("event_subprocess")
        elif isinstance(spec, CatchingEvent) and task.state == TaskState.WAITING \
                and any(isinstance(d, MessageEventDefinition) for d in event_definitions(spec)):
            found.add("message_waiting")
    if next_timer_due(workflow) is not None:
        found.add("timer_waiting")
    return sorted(found)


def outcome(session: Session, instance_id: int) -> dict:
    """What an action led to: the instance's status and its ready work items."""
    status = session.scalar(select(WorkflowInstance.status).where(WorkflowInstance.id == instance_id))
    ready = session.scalars(select(WorkItem.element_id).where(WorkItem.instance_id == instance_id,
                                                              WorkItem.status == "ready"))
    return {"status": status, "ready": sorted(ready)}


# ---------------------------------------------------------------- the corpus on disk
def _read_gz(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def _write_gz(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))


def index() -> dict[str, dict]:
    return json.loads(INDEX.read_text(encoding="utf-8")) if INDEX.exists() else {}


def entry_ids() -> list[str]:
    return sorted(index())


# ---------------------------------------------------------------- recording
@dataclass
class Candidate:
    instance_id: int
    about: dict
    keys: list[str]
    world: dict[str, list[dict]]
    bundles: dict[str, dict]  # content hash -> the version's files and settings


@dataclass
class Recorder:
    entries: dict[str, dict] = field(default_factory=index)
    worlds: dict[str, dict] = field(default_factory=dict)
    bundles: dict[str, dict] = field(default_factory=dict)
    test: str = ""

    @property
    def covered(self) -> set[str]:
        return {key for entry in self.entries.values() for key in entry["covers"]}

    def consider(self, runtime: Runtime, session: Session, instance_id: int, kind: str) -> Candidate | None:
        """The instance's world, when its next action of `kind` covers something new."""
        instance = session.get(WorkflowInstance, instance_id)
        if instance is None or instance.status != "running":
            return None
        bundle = session.get(ProcessBundle, instance.bundle_id)
        _compiled, workflow = runtime._load(session, instance)
        found = features(workflow)
        keys = [f"{bundle.ruleset} {instance.process_id} {feature or '-'} {kind}" for feature in ["", *found]]
        if set(keys) <= self.covered:
            return None
        about = {"test": self.test, "ruleset": bundle.ruleset, "bundle": bundle.content_hash,
                 "process": instance.process_id, "instance": instance.id, "features": found,
                 "recorded_with": {"SpiffWorkflow": version("SpiffWorkflow"),
                                   "format": json.loads(instance.state).get("format")}}
        sources = {b.content_hash: {"ruleset": b.ruleset, "files": b.files, "settings": b.settings}
                   for b in session.scalars(select(ProcessBundle))}
        return Candidate(instance.id, about, keys, world(session.connection()), sources)

    def keep(self, candidate: Candidate, action: dict, expect: dict) -> None:
        about = candidate.about
        name = _entry_name(about["ruleset"], about["process"], self.entries)
        self.entries[name] = {**about, "action": action, "expect": expect,
                              "covers": sorted(set(candidate.keys) - self.covered)}
        self.worlds[name] = candidate.world
        self.bundles.update(candidate.bundles)

    def write(self) -> None:
        if not self.worlds:
            return
        stored = _read_gz(BUNDLES) if BUNDLES.exists() else {"files": {}, "bundles": {}}
        for content_hash, bundle in self.bundles.items():
            stored["bundles"][content_hash] = {**bundle, "files": _store_files(stored["files"], bundle["files"])}
        _write_gz(BUNDLES, stored)
        for name, rows in self.worlds.items():
            _write_gz(CORPUS / f"{name}.json.gz", rows)
        INDEX.write_text(json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                         encoding="utf-8")


def _store_files(store: dict[str, str], files: dict[str, str]) -> dict[str, str]:
    """Keep each file text once (most are the common processes every ruleset shares);
    returns path -> key."""
    keys = {}
    for path, text in files.items():
        keys[path] = hashlib.sha256(text.encode()).hexdigest()[:16]
        store[keys[path]] = text
    return keys


def _entry_name(ruleset: str, process: str, taken: dict) -> str:
    number = 1
    while f"{ruleset}/{process}-{number:02d}" in taken:
        number += 1
    return f"{ruleset}/{process}-{number:02d}"


def world(conn: Connection) -> dict[str, list[dict]]:
    """The rows a step may read, as the backup encodes them (bundle rows without their files)."""
    rows = {}
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_WORLD:
            continue
        found = [{k: _encode(v) for k, v in row.items()}
                 for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()]
        if table.name == "process_bundles":
            found = [{k: v for k, v in row.items() if k not in ("files", "settings")} for row in found]
        if found:
            rows[table.name] = found
    return rows


def install(monkeypatch: pytest.MonkeyPatch, recorder: Recorder, test: str) -> None:
    """Watch the runtime's entry points for the rest of the test `test`."""
    recorder.test = test
    complete, fire_timers, deliver_message = Runtime.complete, Runtime.fire_timers, Runtime.deliver_message

    def recording_complete(self: Runtime, work_item_id: int, raw: dict, actor: User):
        with self.db.reading() as session:
            item = session.get(WorkItem, work_item_id)
            candidate = item and recorder.consider(self, session, item.instance_id, "complete")
            element = item.element_id if item else None
        result = complete(self, work_item_id, raw, actor)
        if candidate:
            action = {"kind": "complete", "at": clock.now().isoformat(), "work_item": work_item_id,
                      "element": element, "user": actor.username, "data": raw}
            _keep_after(self, recorder, candidate, action)
        return result

    def recording_fire_timers(self: Runtime, instance_id: int, moment: datetime | None = None) -> bool:
        moment = moment or clock.now()
        with self.db.reading() as session:
            candidate = recorder.consider(self, session, instance_id, "timers")
        fired = fire_timers(self, instance_id, moment)
        if fired and candidate:
            _keep_after(self, recorder, candidate, {"kind": "timers", "at": moment.isoformat()})
        return fired

    def recording_deliver_message(self: Runtime, session: Session, instance_id: int, name: str,
                                  payload: dict | None = None, *, actor: User | None = None) -> None:
        # A message an operator sends from inside another step belongs to that step.
        nested = current_step.get(None) is not None
        session.flush()  # the caller's rows written with the message belong to the world
        candidate = None if nested else recorder.consider(self, session, instance_id, "message")
        deliver_message(self, session, instance_id, name, payload, actor=actor)
        if candidate:
            action = {"kind": "message", "at": clock.now().isoformat(), "name": name, "payload": payload,
                      "user": actor.username if actor else None}
            recorder.keep(candidate, action, outcome(session, instance_id))

    monkeypatch.setattr(Runtime, "complete", recording_complete)
    monkeypatch.setattr(Runtime, "fire_timers", recording_fire_timers)
    monkeypatch.setattr(Runtime, "deliver_message", recording_deliver_message)


def _keep_after(runtime: Runtime, recorder: Recorder, candidate: Candidate, action: dict) -> None:
    with runtime.db.reading() as session:
        recorder.keep(candidate, action, outcome(session, candidate.instance_id))


def records(path: str) -> bool:
    return RECORDING and path.startswith(RECORDED_TESTS)


# ---------------------------------------------------------------- replaying
def restore(entry_id: str, engine) -> dict:
    """Fill `engine`'s empty database with the world of entry `entry_id`; returns the entry."""
    entry = index()[entry_id]
    rows = _read_gz(CORPUS / f"{entry_id}.json.gz")
    sources = _read_gz(BUNDLES)
    bundles = [{**row, **_bundle_content(sources, row)} for row in rows.get("process_bundles", [])]
    batches = ((table.name, bundles if table.name == "process_bundles" else rows[table.name])
               for table in Base.metadata.sorted_tables if table.name in rows)
    _insert_all(engine, batches)
    return entry


def _bundle_content(sources: dict, row: dict) -> dict:
    source = sources["bundles"][row["content_hash"]]
    return {"files": {path: sources["files"][key] for path, key in source["files"].items()},
            "settings": source["settings"]}


def advance(engine, entry: dict, clock_) -> dict:
    """Take the entry's recorded action again; returns what it led to."""
    action = entry["action"]
    clock_.set(datetime.fromisoformat(action["at"]))
    runtime, instance_id = engine.runtime, entry["instance"]
    with engine.db.session() as session:
        actor = session.scalar(select(User).where(User.username == action.get("user")))
    if action["kind"] == "complete":
        runtime.complete(action["work_item"], action["data"], actor)
    elif action["kind"] == "timers":
        assert runtime.fire_timers(instance_id), "the saved state's timers are not due"
    else:
        runtime.send_message(instance_id, action["name"], action["payload"], actor=actor)
    with engine.db.reading() as session:
        return outcome(session, instance_id)

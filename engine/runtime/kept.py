"""The workflows a worker stepped, kept for its next step of the same instance.

Loading a state is a seventh of a progress update's CPU (bench/README.md). A worker that saves a
step keeps the workflow it saved, with the row's new version and the text it wrote; the next step
of that instance takes it instead of loading the row's text again, when the locked row still holds
that version and that very text. The text is what makes the entry safe whoever wrote the row
since: another worker's or a scheduler's step (a new version), a transaction that rolled back
after the save (the row kept its old text), a restore or a migration that wrote states past the
step. An entry is taken out while a step uses it, and only a saved step puts one back: a step that
fails leaves nothing kept, whatever it had changed of the workflow. Bounded, least recently
stepped dropped first (setting `workflow_cache_size`; 0 keeps none).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from SpiffWorkflow.bpmn import BpmnWorkflow


@dataclass(frozen=True)
class _Kept:
    version: int
    state: str
    workflow: BpmnWorkflow


class KeptWorkflows:
    """Per worker process (one per Runtime), shared by its threads."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[int, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, instance_id: int, version: int, state: str, spec) -> BpmnWorkflow | None:
        """The workflow kept for `instance_id` if it is the one the row (`version`, `state`) holds, on
        the compiled `spec` the step runs (a recompiled bundle is another); it is no longer kept."""
        with self._lock:
            kept = self._entries.pop(instance_id, None)
        if kept is not None and kept.version == version and kept.workflow.spec is spec and kept.state == state:
            return kept.workflow
        return None

    def keep(self, instance_id: int, version: int, state: str, workflow: BpmnWorkflow) -> None:
        """`workflow`, just saved as `state` at `version` (whether that commits, `take` finds out)."""
        if self.size <= 0:
            return
        with self._lock:
            self._entries[instance_id] = _Kept(version, state, workflow)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

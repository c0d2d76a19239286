"""Compiled specs wired once, the same in every worker.

Specs are built with the parser and workflow state is loaded without its spec (see
engine.spiff.state), so the spec must never depend on what this process happened to run
before: `prepare_specs` wires, once at compile time, everything SpiffWorkflow would otherwise
wire lazily while running.
"""
from __future__ import annotations

from collections.abc import Iterable

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask


def prepare_specs(specs: Iterable) -> None:
    """Make parsed process specs behave the same in every worker, whatever it ran before.

    SpiffWorkflow wires two things lazily, in the process that first needs them:
    - a loop or multi-instance task connects its "round finished" handler to the round's
      spec only when it creates a round. A worker that loads a workflow whose round was
      created elsewhere (after a restart, in another server process) would finish the round
      and never start the next one;
    - an event sub-process (the explanation request, say) gets its input from the start task
      the first time one is triggered. A worker that loads a triggered one without having
      triggered one itself fails it ("No input task connected"). Its input is given here
      without making it an output of the start task, so that starting a workflow never
      creates one (SpiffWorkflow's lazy wiring does that to every workflow started later).
    """
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, LoopTask):
                round_spec = spec.task_specs[task_spec.task_spec]
                if not round_spec.completed_event.is_connected(task_spec.merge_child):
                    round_spec.completed_event.connect(task_spec.merge_child)
        for name in spec.start.trigger_specs:
            triggered = spec.task_specs[name]
            if spec.start not in triggered.inputs:
                triggered.inputs = [*triggered.inputs, spec.start]
                triggered.connect(spec.end)

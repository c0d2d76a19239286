"""Steps that must not depend on the worker they run in.

"restart" mode: each engine step runs as in a newly started worker, which has compiled no
bundle and cached no unit or calendar, and loads every instance from the database. Every
compiled-bundle lookup gets a bundle no step has run on — a deep copy of one compiled from its
stored row and never handed out — and forgets the per-worker caches, so no step can lean on
process memory left by an earlier one. (A copy, not a compile: compiling is a function of the
row's content, the operators and the settings registry, which is what production's
CompiledByContent keys its compiles by too; copying costs ~0.05 s against a compile's ~0.16 s,
and a scenario in this mode looks its bundle up hundreds of times.)

"warm" mode: one worker runs every step, and at the end each bundle it compiled must still
be wired exactly as a freshly compiled one (SpiffWorkflow wires some things lazily while
running, which a worker started later would not have; see engine.spiff.specs.prepare_specs).
"""
from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from engine import working_days
from engine.org import service as org_service
from engine.rulesets.loader import BundleSource, CompiledBundle, compile_bundle
from engine.rulesets.models import ProcessBundle
from engine.rulesets.service import BundleCache, CompiledByContent

# compiled bundles no step runs on: only their deep copies are handed out
_PRISTINE = CompiledByContent()


def _fresh_compile(bundle: ProcessBundle) -> CompiledBundle:
    org_service._unit_ids.clear()
    working_days._cache.clear()
    pristine = _PRISTINE.compiled(BundleSource(bundle.ruleset, bundle.files, bundle.settings), stored=True)
    return copy.deepcopy(pristine)


def restart_between_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on in this test, every step starts in a fresh worker (see the module doc)."""
    monkeypatch.setattr(BundleCache, "get", lambda self, bundle: _fresh_compile(bundle))
    monkeypatch.setattr(BundleCache, "by_id",
                        lambda self, session, bundle_id: _fresh_compile(session.get(ProcessBundle, bundle_id)))


def specs_stay_as_compiled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fails the test if running it changed the wiring of any bundle it used: compiled in this
    test or kept, compiled by an earlier one, by the process's CompiledByContent."""
    used: dict[int, CompiledBundle] = {}
    compiled = CompiledByContent.compiled

    def recording(self: CompiledByContent, source: BundleSource, *, stored: bool = False) -> CompiledBundle:
        bundle = compiled(self, source, stored=stored)
        used[id(bundle)] = bundle
        return bundle

    monkeypatch.setattr(CompiledByContent, "compiled", recording)
    yield
    for bundle in used.values():
        assert wiring(bundle) == wiring(compile_bundle(bundle.source, stored=True)), \
            f"running steps changed the compiled specs of ruleset {bundle.source.ruleset}"


def wiring(bundle: CompiledBundle) -> dict:
    """Every connection between the task specs of `bundle`, and every event handler on them."""
    events = ("update_event", "ready_event", "completed_event", "error_event", "cancelled_event", "run_event")
    return {(process_id, name): (tuple(s.name for s in task_spec.inputs), tuple(s.name for s in task_spec.outputs),
                                 tuple(getattr(task_spec, e).n_subscribers() for e in events))
            for process_id, spec in bundle.specs.items() for name, task_spec in spec.task_specs.items()}

"""The process's compiles by content (engine.rulesets.service.CompiledByContent): Engines of one
process run on one compile of the same files, which running leaves as compiled; an edited file
or another version is compiled anew; a few are kept."""
from __future__ import annotations

import shutil
from dataclasses import asdict

import pytest
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.forms import Message
from engine.rulesets import settings
from engine.rulesets.errors import RulesetError
from engine.rulesets.loader import BundleSource, CompiledBundle, compile_bundle
from engine.rulesets.service import CompiledByContent, published_bundle
from engine.sandbox.operators import OPERATORS
from tests import restart
from tests.conftest import create_org_tree, fresh_database_url, make_engine
from tests.engine.conftest import instance_row, mini_engine, open_assignment, ready_item, start_mini
from tests.fixtures import PROCESSES
from tests.fixtures.operators import require_unit

SPECS = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
RETURN = {"action": "return", "return_reason": "Không thuộc chức năng của Sở"}


def as_compiled(bundle: CompiledBundle) -> dict:
    """Everything of `bundle` a step may read: its specs as SpiffWorkflow writes them, their
    wiring, its forms, settings, lanes and warnings."""
    return {"specs": {pid: SPECS.registry.convert(spec) for pid, spec in bundle.specs.items()},
            "wiring": restart.wiring(bundle), "forms": {key: asdict(form) for key, form in bundle.forms.items()},
            "settings": bundle.settings, "lanes": bundle.lanes, "warnings": bundle.warnings}


def walk(engine, users) -> list[tuple[str, str]]:
    """Return an assignment twice (the correction loop), then report it done and close it: the
    work items met on the way."""
    handle = open_assignment(engine, users)
    trail = [(handle.element_id, handle.status)]
    for _ in range(2):
        engine.runtime.complete(handle.id, RETURN, users["stc"])
        correct = ready_item(engine, handle.instance_id, "correct")
        engine.runtime.complete(correct.id, {"correction_note": "Giữ nguyên"}, users["clerk"])
        handle = ready_item(engine, handle.instance_id, "handle")
        trail += [(correct.element_id, correct.status), (handle.element_id, handle.status)]
    engine.runtime.complete(handle.id, {"action": "update", "progress": "done", "note": "Đã xong"}, users["stc"])
    review = ready_item(engine, handle.instance_id, "review")
    engine.runtime.complete(review.id, {"decision": "close"}, users["clerk"])
    return [*trail, (review.element_id, review.status), ("instance", instance_row(engine, handle.instance_id).status)]


def test_two_engines_run_on_one_compile_and_leave_it_as_compiled(tmp_path, clock):
    engines, trails = [], []
    try:
        for name in ("first", "second"):
            with fresh_database_url(tmp_path, name) as url:
                engine = make_engine(url, clock, tmp_path=tmp_path / name)
                engines.append(engine)
                users = create_org_tree(engine)
                with engine.db.session() as s:
                    compiled = engine.compiled(engine.load_ruleset(s))
                if name == "first":
                    shared, before = compiled, as_compiled(compiled)
                assert compiled is shared, "the second Engine compiled the same files again"
                trails.append(walk(engine, users))
    finally:
        for engine in engines:
            engine.close()
    assert trails[0] == trails[1] and trails[0][-1] == ("instance", "completed"), trails
    assert as_compiled(shared) == before == as_compiled(compile_bundle(shared.source, stored=True))


def test_an_edited_file_of_the_same_name_is_compiled_anew(tmp_path, clock):
    processes = tmp_path / "processes"
    shutil.copytree(PROCESSES, processes)
    with fresh_database_url(tmp_path, "before") as url:
        before = mini_engine(url, clock, tmp_path / "before", processes)
        try:
            assert ratio(before, 4) == 25
            script = processes / "common" / "mini.bpmn"
            script.write_text(script.read_text(encoding="utf-8").replace("100 / divisor", "200 / divisor"),
                              encoding="utf-8")
            with before.engine.db.session() as s:  # the admin loads the edited files: version 2
                assert before.engine.load_ruleset(s).number == 2
            assert ratio(before, 4) == 50
        finally:
            before.engine.close()
    with fresh_database_url(tmp_path, "after") as url:  # a worker started on the edited files
        after = mini_engine(url, clock, tmp_path / "after", processes)
        try:
            assert ratio(after, 4) == 50
        finally:
            after.engine.close()


def ratio(world, divisor: int) -> object:
    """What mini's script computes, run on the version in force."""
    engine = world.engine
    instance_id = start_mini(engine)
    engine.runtime.complete(ready_item(engine, instance_id, "enter").id, {"divisor": divisor, "unit_code": "VP"},
                            world.clerk)
    with engine.db.session() as s:
        return engine.runtime.task_data(s, ready_item(engine, instance_id, "confirm"))["ratio"]


def test_a_few_compiles_are_kept_the_least_recently_used_dropped_first(mini):
    with mini.engine.db.reading() as s:
        bundle = published_bundle(s, "mini")
        source = BundleSource("mini", bundle.files, bundle.settings)
    compiles = CompiledByContent(size=2)
    versions = [BundleSource("mini", source.files, {**source.settings, "name": f"Mini {n}"}) for n in range(3)]
    first = compiles.compiled(versions[0])
    assert compiles.compiled(versions[0]) is first
    second = compiles.compiled(versions[1])
    compiles.compiled(versions[0])  # used again: the second is now the least recently used
    compiles.compiled(versions[2])
    assert len(compiles) == 2 and compiles.compiled(versions[0], stored=True) is first
    assert compiles.compiled(versions[1]) is not second, "the least recently used compile was kept"
    versions[0].settings["name"] = "Mini đã sửa"  # the caller's dict (a row's JSON column) changes
    assert first.settings["name"] == "Mini 0", "the compile shares its settings with the caller"


def test_a_compile_that_skipped_the_settings_check_does_not_pass_a_new_version(mini):
    """A stored version's compile skips the settings check; the same content saved as a new
    version is checked (a key newer dondoc refuses is refused, not served from the cache)."""
    with mini.engine.db.reading() as s:
        bundle = published_bundle(s, "mini")
    stale = BundleSource("mini", bundle.files, {**bundle.settings, "retired_key": True})
    compiles = CompiledByContent()
    assert compiles.compiled(stale, stored=True).settings["retired_key"] is True
    with pytest.raises(RulesetError) as refused:
        compiles.compiled(stale)
    assert any("retired_key" in str(problem.params) for problem in refused.value.problems), refused.value.problems


def test_a_compile_is_not_served_after_the_registries_it_consulted_changed(mini, monkeypatch):
    """A compile consults the operators and the settings checks registered (engine.features.discover); one
    registered, or registered again, after a compile of the same files is heeded by the next compile of
    them: a service task now missing a required parameter, settings a new check refuses. The stale
    compile was served."""
    with mini.engine.db.reading() as s:
        bundle = published_bundle(s, "mini")
    source = BundleSource("mini", bundle.files, bundle.settings)
    compiles = CompiledByContent()
    compiles.compiled(source)
    monkeypatch.setattr(OPERATORS, "_operators", dict(OPERATORS._operators))
    OPERATORS.register("fixture.require_unit", required=("code", "level"))(require_unit)
    with pytest.raises(RulesetError) as refused:
        compiles.compiled(source)
    assert any("level" in str(problem.params) for problem in refused.value.problems), refused.value.problems
    monkeypatch.undo()
    compiles.compiled(source)
    monkeypatch.setattr(settings, "SETTINGS_CHECKS", list(settings.SETTINGS_CHECKS))
    settings.settings_check("processes")(lambda values: [Message("Refused by a check registered later")])
    with pytest.raises(RulesetError, match="check"):
        compiles.compiled(source)
    monkeypatch.undo()
    assert compiles.compiled(source).settings == bundle.settings


def test_restart_mode_gives_each_lookup_a_bundle_of_its_own_as_compiled(tmp_path, clock, monkeypatch):
    """tests/restart.py's "restart" mode hands each lookup a deep copy of a compile no step ran on:
    a bundle object, and specs, no other lookup got, as a compile of the stored row gives them."""
    handed: list[CompiledBundle] = []
    fresh_compile = restart._fresh_compile

    def recording(bundle):
        handed.append(fresh_compile(bundle))
        return handed[-1]

    with fresh_database_url(tmp_path) as url:
        engine = make_engine(url, clock, tmp_path=tmp_path)
        try:
            users = create_org_tree(engine)
            with engine.db.session() as s:
                engine.load_ruleset(s)
            restart.restart_between_steps(monkeypatch)
            monkeypatch.setattr(restart, "_fresh_compile", recording)
            assert walk(engine, users)[-1] == ("instance", "completed")
        finally:
            engine.close()
    assert len(handed) > 10
    specs = [spec for bundle in handed for spec in bundle.specs.values()]
    assert len({id(bundle) for bundle in handed}) == len(handed) and len({id(s) for s in specs}) == len(specs)
    assert as_compiled(handed[-1]) == as_compiled(compile_bundle(handed[-1].source, stored=True))

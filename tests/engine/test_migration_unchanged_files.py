"""The migration dry run names only steps of files that changed. An instance whose diagram file
is the same in both versions has no changed step, whatever SpiffWorkflow wired into its
compiled spec while running; and a running event sub-process (an explanation request) is
aligned instead of failing the dry run."""
import shutil

import pytest
from sqlalchemy import select

from engine.config import REPO_ROOT
from engine.directives import extensions
from engine.rulesets import drafts, migration
from engine.rulesets.models import ProcessBundle
from tests.conftest import create_org_tree, make_engine
from tests.modeler.conftest import start_assignment


@pytest.fixture
def setup(database_url, clock, tmp_path):
    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    engine = make_engine(database_url, clock, processes_dir=str(processes), tmp_path=tmp_path)
    users = create_org_tree(engine)
    with engine.db.session() as s:
        engine.load_ruleset(s)
    running = start_assignment(engine, users, "1/2026/QĐ-UBND")
    extensions.request_explanation(engine, running.assignment_id, "Vì sao chậm?", users["clerk"])
    yield engine, users, processes, running
    engine.close()


def new_version(engine, processes, admin, path: str, edit) -> int:
    with engine.db.session() as s:
        published = s.scalars(select(ProcessBundle).where(ProcessBundle.status == "published")).one()
        draft = drafts.open_draft(s, processes, published, path, admin)
        result = drafts.save_version(s, processes, engine.cache, draft, edit(draft.xml), "sửa", admin)
        assert result.bundle is not None, result.problems
        return result.bundle.id


def test_an_instance_of_an_unedited_file_has_no_changed_step(setup):
    engine, users, processes, running = setup
    with engine.db.session() as s:  # what running wires into a compiled spec, in this worker only
        compiled = engine.cache.by_id(s, running.bundle_id)
    compiled.specs["assignment_cycle"].task_specs["handle"].extensions["wired"] = "while running"
    other = new_version(engine, processes, users["admin"], "directive.bpmn",
                        lambda xml: xml.replace('name="Phân loại', 'name="Phân loại văn bản', 1))
    [plan] = migration.migrate_instances(engine, [running.id], other, users["admin"], dry_run=True)
    assert plan.ok and (plan.changed, plan.added, plan.removed) == ({}, [], [])


def test_a_changed_file_still_shows_its_changed_steps(setup):
    engine, users, processes, running = setup
    edited = new_version(engine, processes, users["admin"], "assignment_cycle.bpmn",
                         lambda xml: xml.replace('name="Thực hiện và cập nhật tiến độ"', 'name="Thực hiện"', 1))
    [plan] = migration.migrate_instances(engine, [running.id], edited, users["admin"], dry_run=True)
    assert "handle" in plan.changed and plan.ok


def test_a_changed_decision_table_leaves_no_file_unchanged():
    old = {"a.bpmn": "A", "b.bpmn": "B", "t.dmn": "T", "scenarios/x.toml": "X"}
    assert migration.unchanged_files(old, {**old, "b.bpmn": "B2"}) == {"a.bpmn"}
    assert migration.unchanged_files(old, {**old, "t.dmn": "T2"}) == frozenset()

"""Drafts, server-side validation, versions, publishing to disk, conflicts and migration."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.rulesets import deadline_forms, diff, drafts, migration
from engine.rulesets.loader import BundleSource
from engine.rulesets.models import ProcessBundle, ProcessDraft
from engine.rulesets.service import store_bundle
from engine.runtime.models import Incident, WorkflowInstance
from tests.modeler.conftest import ASSIGNMENT, NEW_TIMER, OLD_TIMER, instance, signed_in, start_assignment

GATEWAY_DEFAULT = ' default="flow_not_done"'
OLD_SCRIPT = 'reminder_at = working_days_before('
LANE = 'name="Đơn vị chủ trì"'


def save(engine, processes_dir, admin, edit, comment="sửa"):
    with engine.db.session() as s:
        bundle = s.scalars(select(ProcessBundle).where(ProcessBundle.status == "published")).one()
        draft = drafts.open_draft(s, processes_dir, bundle, ASSIGNMENT, admin)
        result = drafts.save_version(s, processes_dir, engine.cache, draft, edit(draft.xml), comment, admin)
        return draft.id, result


def publish(engine, processes_dir, admin, bundle_id):
    with engine.db.session() as s:
        return drafts.publish_version(s, processes_dir, s.get(ProcessBundle, bundle_id), admin)


def test_saved_version_is_published_to_disk_and_used_by_new_directives_only(loaded, org_tree, processes_dir):
    admin = org_tree["admin"]
    old = start_assignment(loaded, org_tree, "1/2026/QĐ-UBND")
    _draft_id, result = save(loaded, processes_dir, admin, lambda x: x.replace(OLD_TIMER, NEW_TIMER), "nhắc 5 ngày")
    assert result.problems == [] and result.bundle.status == "draft" and result.bundle.source == "modeler"
    assert publish(loaded, processes_dir, admin, result.bundle.id) == ["dak-lak/assignment.bpmn"]
    assert NEW_TIMER in (processes_dir / "dak-lak" / ASSIGNMENT).read_text()
    assert OLD_TIMER in (processes_dir / "common" / ASSIGNMENT).read_text()  # common untouched
    new = start_assignment(loaded, org_tree, "2/2026/QĐ-UBND")
    assert (instance(loaded, old.id).bundle_id, new.bundle_id) == (old.bundle_id, result.bundle.id)
    # deadline 10 working days from 12/02 across Tết: 2 days before vs 5 days before
    assert old.next_timer_due.isoformat() == "2026-03-03T01:00:00+00:00"
    assert new.next_timer_due.isoformat() == "2026-02-26T01:00:00+00:00"
    # loading the disk again finds the same content: no new version, nothing diverges
    with loaded.db.session() as s:
        assert loaded.load_ruleset(s).id == result.bundle.id
        actions = set(s.scalars(select(AuditEntry.action)))
    assert {"draft.saved", "bundle.published", "bundle.written_to_disk"} <= actions


@pytest.mark.parametrize("edit, element, words", [
    (lambda x: x.replace(GATEWAY_DEFAULT, ""), "is_done", "default flow"),
    (lambda x: x.replace(OLD_SCRIPT, "import os\n" + OLD_SCRIPT), "plan_reminders", "import"),
    (lambda x: x.replace(LANE, 'name="Tổ công tác"'), "handle", "no role"),
])
def test_invalid_change_is_refused_at_its_element_and_the_draft_is_kept(loaded, org_tree, processes_dir,
                                                                         edit, element, words):
    draft_id, result = save(loaded, processes_dir, org_tree["admin"], edit)
    assert result.bundle is None
    assert any(p.element == element and words in p.text for p in result.problems), result.problems
    with loaded.db.session() as s:
        draft = s.get(ProcessDraft, draft_id)
        assert draft.status == "open" and draft.problems  # the admin's work is kept, problems too
        assert draft.xml != s.scalars(select(ProcessBundle)).one().files[ASSIGNMENT]
        assert s.scalar(select(ProcessBundle).where(ProcessBundle.number == 2)) is None
    assert (processes_dir / "dak-lak" / ASSIGNMENT).exists() is False


def test_disk_change_during_an_edit_is_a_conflict_the_admin_resolves(loaded, org_tree, processes_dir):
    admin = org_tree["admin"]
    with loaded.db.session() as s:
        bundle = s.scalars(select(ProcessBundle)).one()
        draft = drafts.open_draft(s, processes_dir, bundle, ASSIGNMENT, admin)
        drafts.keep(draft, draft.xml.replace(OLD_TIMER, NEW_TIMER))
        assert drafts.conflict(s, processes_dir, draft) is None
        common = processes_dir / "common" / ASSIGNMENT
        common.write_text(common.read_text().replace('name="Nhắc hạn"', 'name="Nhắc hạn xử lý"'))
        assert drafts.conflict(s, processes_dir, draft).origin == "common"
        with pytest.raises(drafts.DiskConflict):
            drafts.save_version(s, processes_dir, loaded.cache, draft, draft.xml, "x", admin)
        drafts.resolve_conflict(s, processes_dir, draft, "disk", admin)
        assert "Nhắc hạn xử lý" in draft.xml and NEW_TIMER not in draft.xml
        assert drafts.conflict(s, processes_dir, draft) is None


def test_rollback_publishes_the_earlier_version_and_restores_the_file(loaded, org_tree, processes_dir):
    admin = org_tree["admin"]
    _d, result = save(loaded, processes_dir, admin, lambda x: x.replace(OLD_TIMER, NEW_TIMER))
    publish(loaded, processes_dir, admin, result.bundle.id)
    with loaded.db.session() as s:
        first = s.scalar(select(ProcessBundle).where(ProcessBundle.number == 1))
    assert publish(loaded, processes_dir, admin, first.id) == ["dak-lak/assignment.bpmn"]
    # The common file is back in force: the ruleset's override goes, rather than stay as a copy
    # that would hide every later change of the common file from this ruleset.
    assert not (processes_dir / "dak-lak" / ASSIGNMENT).exists()
    with loaded.db.session() as s:
        assert loaded.load_ruleset(s).id == first.id  # the disk reads as the version in force
        assert s.get(ProcessBundle, first.id).status == "published"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "bundle.written_to_disk")
                          .order_by(AuditEntry.id.desc())).first()
        assert entry.after["rollback"] is True


def test_version_diff_is_readable_by_element():
    before = (FIXTURE := (__import__("tests.modeler.conftest", fromlist=["FIXTURES"]).FIXTURES
                          / "common" / ASSIGNMENT)).read_text()
    after = before.replace(OLD_TIMER, NEW_TIMER).replace(GATEWAY_DEFAULT, "")
    after = after.replace('<bpmn:endEvent id="reminded">', '<bpmn:endEvent id="reminded2">')
    [file_diff] = diff.diff_files({ASSIGNMENT: before, "forms/a.toml": "x"}, {ASSIGNMENT: after, "forms/a.toml": "x"})
    assert FIXTURE.name == file_diff.path
    changed = {c.element: c.changes for c in file_diff.changed}
    assert ("timeDate", "reminder_at", "working_days_before(deadline, 5)") in changed["reminder_timer"]
    assert ("@default", "flow_not_done", None) in changed["is_done"]
    assert [c.element for c in file_diff.added] == ["reminded2"]
    assert [c.element for c in file_diff.removed] == ["reminded"]


def test_migration_dry_run_then_move_then_refusal(loaded, org_tree, processes_dir):
    admin = org_tree["admin"]
    running = start_assignment(loaded, org_tree, "1/2026/QĐ-UBND")
    _d, timer = save(loaded, processes_dir, admin, lambda x: x.replace(OLD_TIMER, NEW_TIMER))
    [plan] = migration.migrate_instances(loaded, [running.id], timer.bundle.id, admin, dry_run=True)
    assert plan.ok and not plan.migrated and plan.changed == {"reminder": ["event_definition"]}
    assert instance(loaded, running.id).bundle_id == running.bundle_id  # a dry run changes nothing
    [plan] = migration.migrate_instances(loaded, [running.id], timer.bundle.id, admin)
    moved = instance(loaded, running.id)
    assert plan.migrated and moved.bundle_id == timer.bundle.id
    assert moved.next_timer_due.isoformat() == "2026-02-26T01:00:00+00:00"  # the new timer, recomputed
    # a change to a step this instance already ran is refused, with the step named
    _d, script = save(loaded, processes_dir, admin, lambda x: x.replace(OLD_SCRIPT, "plan = 1\n" + OLD_SCRIPT))
    [plan] = migration.migrate_instances(loaded, [running.id], script.bundle.id, admin)
    assert not plan.ok and plan.blocked == ["plan_reminders"] and not plan.migrated
    assert instance(loaded, running.id).bundle_id == timer.bundle.id
    [plan] = migration.migrate_instances(loaded, [running.id], running.bundle_id, admin)
    assert plan.refusal.startswith("The instance already runs version")
    with loaded.db.session() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "instance.migrated")).after["number"] == 2
        refused = s.scalar(select(AuditEntry).where(AuditEntry.action == "instance.migration_refused"))
        assert refused.after["blocked"] == ["plan_reminders"] and refused.actor_name == "admin"


def test_an_untouched_draft_follows_the_version_in_force_an_edited_one_stays(loaded, org_tree, processes_dir):
    admin, other = org_tree["admin"], org_tree["office_head"]
    with loaded.db.session() as s:
        first = s.scalars(select(ProcessBundle)).one()
        untouched = drafts.open_draft(s, processes_dir, first, ASSIGNMENT, admin).id
        edited = drafts.open_draft(s, processes_dir, first, ASSIGNMENT, other)
        drafts.keep(edited, edited.xml.replace('name="Nhắc hạn"', 'name="Nhắc"'))
    _d, result = save(loaded, processes_dir, org_tree["leader"], lambda x: x.replace(OLD_TIMER, NEW_TIMER))
    publish(loaded, processes_dir, admin, result.bundle.id)
    with loaded.db.session() as s:
        second = s.get(ProcessBundle, result.bundle.id)
        fresh = drafts.open_draft(s, processes_dir, second, ASSIGNMENT, admin)
        assert fresh.id != untouched and NEW_TIMER in fresh.xml
        assert s.get(ProcessDraft, untouched).status == "discarded"
        kept = drafts.open_draft(s, processes_dir, second, ASSIGNMENT, other)
        assert kept.id == edited.id and drafts.conflict(s, processes_dir, kept) is not None


def test_a_draft_aimed_at_the_common_file_is_published_there(loaded, org_tree, processes_dir):
    admin = org_tree["admin"]
    with loaded.db.session() as s:
        bundle = s.scalars(select(ProcessBundle)).one()
        draft = drafts.open_draft(s, processes_dir, bundle, ASSIGNMENT, admin)
        with pytest.raises(drafts.DraftError):
            drafts.keep(draft, "<x/>", target="elsewhere")
        assert draft.target == "ruleset" and draft.xml != "<x/>"
        drafts.keep(draft, draft.xml, target="common")
        result = drafts.save_version(s, processes_dir, loaded.cache, draft,
                                     draft.xml.replace(OLD_TIMER, NEW_TIMER), "mọi quy chế", admin)
        assert drafts.publish_version(s, processes_dir, result.bundle, admin) == ["common/assignment.bpmn"]
    assert NEW_TIMER in (processes_dir / "common" / ASSIGNMENT).read_text()
    assert not (processes_dir / "dak-lak" / ASSIGNMENT).exists()


def test_a_draft_aimed_at_the_common_file_replaces_the_rulesets_own(loaded, org_tree, processes_dir):
    """A ruleset with its own copy of a file whose edit the admin writes to the common file: the
    ruleset reads the published text from then on, not its old copy (which `ruleset load` would
    have put back in force)."""
    admin = org_tree["admin"]
    _draft_id, result = save(loaded, processes_dir, admin, lambda x: x.replace(OLD_TIMER, NEW_TIMER))
    publish(loaded, processes_dir, admin, result.bundle.id)  # dak-lak/assignment.bpmn, its own
    with loaded.db.session() as s:
        draft = drafts.open_draft(s, processes_dir, result.bundle, ASSIGNMENT, admin)
        drafts.keep(draft, draft.xml, target="common")
        common = drafts.save_version(s, processes_dir, loaded.cache, draft, draft.xml.replace(
            'name="Nhắc hạn"', 'name="Nhắc hạn xử lý"'), "mọi quy chế", admin).bundle
        drafts.publish_version(s, processes_dir, common, admin)
    assert 'name="Nhắc hạn xử lý"' in (processes_dir / "common" / ASSIGNMENT).read_text()
    assert not (processes_dir / "dak-lak" / ASSIGNMENT).exists()
    with loaded.db.session() as s:
        assert loaded.load_ruleset(s).id == common.id


def test_a_publish_that_fails_writing_to_disk_leaves_the_disk_as_it_was(loaded, org_tree, processes_dir,
                                                                        monkeypatch):
    """The page says "nothing changed": a disk that fails part-way (here at ruleset.toml, after
    the diagram was written) keeps none of the files, which `ruleset load` would publish."""
    admin = org_tree["admin"]
    _draft_id, result = save(loaded, processes_dir, admin, lambda x: x.replace(OLD_TIMER, NEW_TIMER))
    settings = processes_dir / "dak-lak" / "ruleset.toml"
    before = settings.read_text(encoding="utf-8")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(drafts, "write_settings", disk_full)
    with pytest.raises(OSError):
        publish(loaded, processes_dir, admin, result.bundle.id)
    assert not (processes_dir / "dak-lak" / ASSIGNMENT).exists()
    assert settings.read_text(encoding="utf-8") == before
    with loaded.db.session() as s:
        assert s.get(ProcessBundle, result.bundle.id).status == "draft"


def test_a_publish_whose_transaction_rolls_back_after_the_writes_leaves_the_disk_as_it_was(loaded, org_tree,
                                                                                         processes_dir):
    """The files are written before the commit: a commit that fails (or an error after the
    writes) rolls the version back to a draft, and the disk with it; `ruleset load` would
    otherwise publish on the next start what the database never put in force."""
    admin = org_tree["admin"]
    _draft_id, result = save(loaded, processes_dir, admin, lambda x: x.replace(OLD_TIMER, NEW_TIMER))
    with pytest.raises(RuntimeError), loaded.db.session() as s:
        drafts.publish_version(s, processes_dir, s.get(ProcessBundle, result.bundle.id), admin)
        assert NEW_TIMER in (processes_dir / "dak-lak" / ASSIGNMENT).read_text()
        raise RuntimeError("the commit failed")
    assert not (processes_dir / "dak-lak" / ASSIGNMENT).exists()
    with loaded.db.session() as s:
        assert s.get(ProcessBundle, result.bundle.id).status == "draft"
    publish(loaded, processes_dir, admin, result.bundle.id)  # committed: a later rollback puts nothing back
    with loaded.db.session() as s:
        s.rollback()
    assert NEW_TIMER in (processes_dir / "dak-lak" / ASSIGNMENT).read_text()


def test_a_move_to_a_version_with_other_settings_replans_the_timers_reading_them(loaded, org_tree, processes_dir):
    """A timer the deadline editor wrote with N from a [deadlines] setting falls due where the
    settings of the version the instance moved to put it, as for an instance started on that
    version (moving evaluated it without any settings: the Move failed)."""
    admin = org_tree["admin"]
    timer = deadline_forms.render(deadline_forms.Shape("working_days_before", base="deadline", setting="first_update"),
                                  "timer")
    _d, result = save(loaded, processes_dir, admin,
                      lambda x: x.replace(OLD_TIMER, f"<bpmn:timeDate>{timer}</bpmn:timeDate>"))
    publish(loaded, processes_dir, admin, result.bundle.id)
    running = start_assignment(loaded, org_tree, "1/2026/QĐ-UBND")
    assert running.next_timer_due.isoformat() == "2026-03-02T01:00:00+00:00"  # 3 working days before
    with loaded.db.session() as s:
        bundle = s.get(ProcessBundle, result.bundle.id)
        settings = {**bundle.settings, "deadlines": {**bundle.settings["deadlines"], "first_update": 5}}
        five = store_bundle(s, BundleSource(bundle.ruleset, bundle.files, settings), loaded.cache, publish=False)
    [plan] = migration.migrate_instances(loaded, [running.id], five.id, admin)
    assert plan.migrated and plan.changed == {}
    assert instance(loaded, running.id).next_timer_due.isoformat() == "2026-02-26T01:00:00+00:00"
    # A waiting step the new version cannot plan refuses the move, naming the error; nothing moves.
    _d, broken = save(loaded, processes_dir, admin,
                      lambda x: x.replace(timer, 'working_days_before(deadline, int("năm"))'))
    [plan] = migration.migrate_instances(loaded, [running.id], broken.bundle.id, admin)
    assert not plan.migrated and plan.refusal.startswith("A waiting step cannot be planned")
    assert "working_days_before" in plan.refusal_params["error"]
    assert instance(loaded, running.id).bundle_id == five.id


def test_an_instance_stopped_by_a_broken_version_moves_to_the_corrected_one(app, loaded, org_tree, processes_dir):
    """A version whose script fails at run time stops its instances at an incident; retrying runs
    the same script again. The corrected version is where they go: the version page offers them,
    the move keeps the incident, and retrying it runs the corrected step."""
    admin = org_tree["admin"]
    _d, broken = save(loaded, processes_dir, admin, lambda x: x.replace(OLD_SCRIPT, 'x = int("năm")\n' + OLD_SCRIPT))
    publish(loaded, processes_dir, admin, broken.bundle.id)
    stopped = start_assignment(loaded, org_tree, "1/2026/QĐ-UBND")
    assert instance(loaded, stopped.id).status == "error"
    _d, fixed = save(loaded, processes_dir, admin, lambda x: x.replace('x = int("năm")\n', 'x = 5\n'))
    publish(loaded, processes_dir, admin, fixed.bundle.id)
    page = signed_in(app, "admin").get(f"/modeler/versions/{fixed.bundle.id}").get_data(as_text=True)
    assert f'value="{stopped.id}"' in page and "Dừng do sự cố" in page
    [plan] = migration.migrate_instances(loaded, [stopped.id], fixed.bundle.id, admin)
    assert plan.migrated and plan.changed == {"plan_reminders": ["script"]}
    with loaded.db.session() as s:
        incident = s.scalars(select(Incident).where(Incident.instance_id == stopped.id)).one()
        assert (s.get(WorkflowInstance, stopped.id).status, incident.status) == ("error", "open")
    loaded.runtime.retry_incident(incident.id, admin)
    moved = instance(loaded, stopped.id)
    assert moved.status == "running" and moved.next_timer_due.isoformat() == "2026-03-03T01:00:00+00:00"


def test_after_a_rollback_the_instances_of_the_version_rolled_back_from_move_back(loaded, org_tree, processes_dir):
    """A bad version published, a directive started on it, the earlier version published again:
    that directive can be moved to the version in force (saving the same content again would
    only give back that version, so no later one could take it). A version not in force still
    takes only earlier versions' instances."""
    admin = org_tree["admin"]
    with loaded.db.session() as s:
        first = loaded.current_bundle(s).id
    _d, bad = save(loaded, processes_dir, admin, lambda x: x.replace(OLD_TIMER, NEW_TIMER))
    publish(loaded, processes_dir, admin, bad.bundle.id)
    running = start_assignment(loaded, org_tree, "1/2026/QĐ-UBND")
    assert running.bundle_id == bad.bundle.id
    [plan] = migration.migrate_instances(loaded, [running.id], first, admin, dry_run=True)
    assert plan.refusal.startswith("The instance already runs version")  # not in force: no move back
    publish(loaded, processes_dir, admin, first)  # the rollback
    with loaded.db.session() as s:
        assert [i.id for i, _n in migration.movable_instances(s, s.get(ProcessBundle, first))] == [running.id]
        assert migration.movable_instances(s, s.get(ProcessBundle, bad.bundle.id)) == []
    [plan] = migration.migrate_instances(loaded, [running.id], first, admin)
    assert plan.migrated and instance(loaded, running.id).bundle_id == first
    assert instance(loaded, running.id).next_timer_due.isoformat() != "2026-02-26T01:00:00+00:00"  # old timer again


def test_a_save_after_the_live_check_of_the_same_diagram_compiles_it_once(loaded, org_tree, processes_dir,
                                                                           counted_compiles, tmp_path):
    admin = org_tree["admin"]
    with loaded.db.session() as s:
        bundle = s.scalars(select(ProcessBundle).where(ProcessBundle.status == "published")).one()
        draft = drafts.open_draft(s, processes_dir, bundle, ASSIGNMENT, admin)
        # content no other test compiled (this process keeps compiles by content)
        xml = draft.xml.replace(OLD_TIMER, NEW_TIMER) + f"<!-- {tmp_path.name} -->"
        assert drafts.check(s, loaded.cache, draft, xml) == []  # the editor's autosave
        assert len(counted_compiles) == 1
        result = drafts.save_version(s, processes_dir, loaded.cache, draft, xml, "nhắc 5 ngày", admin)
    assert result.problems == [] and result.bundle.number == 2
    assert len(counted_compiles) == 1, "the save compiled again what the live check had compiled"

"""Forms edited in the form builder, at the engine: the builder's data checked and written back
into the same TOML (comments kept), the load-time checks, fields a gateway reads, the diff in
words, and publishing to disk read again by a new Engine (a restart)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from engine.forms import FormValidationError, parse_form, validate
from engine.rulesets import diff, drafts
from engine.rulesets.form_drafts import save_form
from engine.rulesets.form_edit import FormEditError, apply, form_data, user_tasks
from engine.rulesets.loader import compile_bundle, read_ruleset
from engine.rulesets.models import ProcessBundle, ProcessDraft
from engine.runtime.models import WorkItem
from tests.conftest import make_engine
from tests.modeler.conftest import FIXTURES, start_assignment

FORM = "forms/update_progress.toml"
TERMS = {"returns_to": "Văn phòng", "tracking_office": "Văn phòng"}
REPORT_NO = {"was": "", "name": "so_van_ban", "label": "Số văn bản báo cáo", "type": "text", "required": True,
             "help": "Số, ký hiệu văn bản báo cáo của đơn vị", "show_if": ""}
REPORT_DATE = {"was": "", "name": "ngay_van_ban", "label": "Ngày văn bản báo cáo", "type": "date",
               "required": True, "show_if": "so_van_ban"}


def with_fields(text: str, *added: dict, at: int = 2) -> dict:
    data = form_data(text)
    data["fields"][at:at] = [dict(field) for field in added]
    return data


def common_form() -> str:
    return (FIXTURES / "common" / FORM).read_text(encoding="utf-8")


def test_unchanged_data_writes_every_shipped_form_back_byte_for_byte():
    forms = sorted(Path(__file__).parents[2].glob("processes/*/forms/*.toml"))
    assert len(forms) > 20
    for path in forms:
        text = path.read_text(encoding="utf-8")
        assert apply(text, form_data(text)) == text, path


def test_a_new_field_is_written_in_place_with_comments_and_untouched_keys_kept():
    text = common_form().replace('[[fields]]\nname = "note"', '# ghi chú của đơn vị\n[[fields]]\nname = "note"')
    data = with_fields(text, REPORT_NO)
    data["fields"][1]["label"] = "Tiến độ"
    written = apply(text, data)
    assert '# ghi chú của đơn vị\n[[fields]]\nname = "note"' in written
    assert 'default = "update"' in written  # a key the builder does not edit
    choice = 'title = "T"\n[[fields]]\nname = "a"\nlabel = "A"\ntype = "select"\ndefault = "x"\n' \
             'options = [["x", "X"], ["y", "Y"]]\n'
    fewer = form_data(choice)
    fewer["fields"][0]["options"] = [["y", "Y"]]
    assert "default" not in apply(choice, fewer)  # …unless no option offers it any more
    form = parse_form("update_progress", written, TERMS)
    assert [f.name for f in form.fields][:4] == ["action", "progress", "so_van_ban", "note"]
    added = form.field("so_van_ban")
    assert (added.label, added.type, added.required, added.help) == (
        "Số văn bản báo cáo", "text", True, "Số, ký hiệu văn bản báo cáo của đơn vị")
    assert form.field("progress").label == "Tiến độ"
    moved = form_data(written)
    moved["fields"].insert(0, moved["fields"].pop())
    assert [f["name"] for f in form_data(apply(written, moved))["fields"]][:2] == ["attachments", "action"]
    twice = form_data(written)  # a field sent twice under its old name: the second is a new table
    twice["fields"].append({**twice["fields"][3], "name": "note_2"})
    assert parse_form("update_progress", apply(written, twice), TERMS).field("note").label == "Nội dung cập nhật"
    moved = form_data(written)
    moved["fields"].append(moved["fields"].pop(3))  # the commented field last: its comment follows it
    assert apply(written, moved).endswith('# ghi chú của đơn vị\n[[fields]]\nname = "note"\nlabel = "Nội dung cập '
                                          'nhật"\ntype = "textarea"\n')


@pytest.mark.parametrize("change, where, words", [
    (lambda d: d["fields"][1].update(name="action"), "fields.2.name", "Another field already has the name"),
    (lambda d: d["fields"][0].update(options=[]), "fields.1.options", "at least one option"),
    (lambda d: d["fields"][0].update(options=[["a", "A"], ["a", "B"]]), "fields.1.options", "same value"),
    (lambda d: d["fields"][3].update(name="Ghi chú"), "fields.4.name", "lower-case"),
    (lambda d: d["fields"][3].update(label=" "), "fields.4.label", "required"),
    (lambda d: d["fields"][3].update(type="rich_text"), "fields.4.type", "offered values"),
    (lambda d: d["fields"][3].update(show_if="attachments"), "fields.4.show_if", "above this one"),
    (lambda d: d["fields"][1].update(show_if="action=later"), "fields.2.show_if", "not one of the options"),
    (lambda d: d["fields"][3].update(max_length="nhiều"), "fields.4.max_length", "whole number"),
    (lambda d: d.update(title=""), "title", "required"),
    (lambda d: d.update(fields=[]), "fields", "at least one field"),
])
def test_bad_builder_data_is_refused_naming_the_part(change, where, words):
    data = form_data(common_form())
    change(data)
    with pytest.raises(FormEditError) as refused:
        apply(common_form(), data)
    assert words in refused.value.errors[where].text % refused.value.errors[where].params


def test_the_loader_refuses_twice_named_fields_choices_without_options_and_dangling_conditions():
    for broken, words in [('name = "note"', "defined twice"), ('options = [["update"', "needs options"),
                          ('show_if = "action=return"', "names no other field")]:
        text = common_form()
        if words == "defined twice":
            text = text.replace('name = "overdue_reason"', 'name = "note"')
        elif words == "needs options":
            text = text.replace(text[text.index("options = [[\"update\""):].split("\n")[0], "")
        else:
            text = text.replace(broken, 'show_if = "nothing=return"')
        with pytest.raises(ValueError, match=words):
            parse_form("update_progress", text, {"returns_to": "x", "tracking_office": "x"})


def test_a_condition_on_any_value_hides_the_field_and_its_requirement():
    data = with_fields(common_form(), REPORT_NO, REPORT_DATE)
    data["fields"][2]["required"] = False
    form = parse_form("update_progress", apply(common_form(), data), {"returns_to": "x", "tracking_office": "x"})
    given = {"action": "update", "progress": "in_progress"}
    assert validate(form, given)["ngay_van_ban"] is None  # hidden: not asked
    with pytest.raises(FormValidationError) as refused:
        validate(form, {**given, "so_van_ban": "12/BC-STC"})
    assert set(refused.value.errors) == {"ngay_van_ban"}
    assert validate(form, {**given, "so_van_ban": "12/BC-STC", "ngay_van_ban": "13/02/2026"})["ngay_van_ban"] \
        == "2026-02-13"
    # What the page still sends of a hidden field is not taken, nor checked.
    assert validate(form, {**given, "ngay_van_ban": "31/02/2026"})["ngay_van_ban"] is None


def test_a_removed_field_a_gateway_reads_is_reported_at_the_gateway(loaded, org_tree, processes_dir):
    admin = org_tree["admin"]
    with loaded.db.session() as s:
        bundle = s.scalars(select(ProcessBundle)).one()
        assert [use.name for use in user_tasks(bundle.files)["update_progress"]] == ["Thực hiện và cập nhật tiến độ"]
        draft = drafts.open_draft(s, processes_dir, bundle, FORM, admin)
        data = form_data(draft.xml)
        data["fields"][1]["name"] = "tien_do"  # renamed: the "done?" flow reads `progress`
        result = save_form(s, processes_dir, loaded.cache, draft, data, "đổi tên", admin)
        assert result.bundle is None
        [problem] = result.problems
        assert problem.file == "assignment.bpmn" and problem.params["field"] == "progress"
        assert "reads it" in problem.text and problem.element
        assert s.get(ProcessDraft, draft.id).status == "open"


def test_published_form_is_written_to_the_rulesets_folder_and_read_after_a_restart(
        loaded, org_tree, processes_dir, database_url, clock, tmp_path):
    admin = org_tree["admin"]
    with loaded.db.session() as s:
        bundle = s.scalars(select(ProcessBundle)).one()
        draft = drafts.open_draft(s, processes_dir, bundle, FORM, admin)
        with pytest.raises(FormEditError):  # refused data: nothing kept, nothing stored
            save_form(s, processes_dir, loaded.cache, draft, {**form_data(draft.xml), "title": ""}, "x", admin)
        assert draft.xml == bundle.files[FORM]
        result = save_form(s, processes_dir, loaded.cache, draft, with_fields(draft.xml, REPORT_NO),
                           "Thêm số văn bản", admin)
        assert result.problems == [] and result.bundle.number == 2
        [change] = diff.diff_files(bundle.files, result.bundle.files)
        assert [w.render() for w in change.words] == ["Field «Số văn bản báo cáo»: added, required"]
        written = drafts.publish_version(s, processes_dir, s.get(ProcessBundle, result.bundle.id), admin)
    assert written == [f"dak-lak/{FORM}"]
    assert "so_van_ban" not in (processes_dir / "common" / FORM).read_text(encoding="utf-8")
    restarted = make_engine(database_url, clock, processes_dir=str(processes_dir), tmp_path=tmp_path)
    try:
        compiled = compile_bundle(read_ruleset(processes_dir, "dak-lak"))
        assert compiled.forms["update_progress"].field("so_van_ban").required
        with restarted.db.session() as s:
            assert restarted.load_ruleset(s).number == 2  # the disk is what was published: no new version
        assignment = start_assignment(restarted, org_tree, "2/2026/QĐ-UBND")
        with restarted.db.session() as s:
            item = s.scalars(select(WorkItem).where(WorkItem.instance_id == assignment.id,
                                                    WorkItem.element_id == "handle")).one()
        with pytest.raises(FormValidationError) as refused:
            restarted.runtime.complete(item.id, {"action": "update", "progress": "in_progress"}, org_tree["stc"])
        assert set(refused.value.errors) == {"so_van_ban"}
        restarted.runtime.complete(item.id, {"action": "update", "progress": "in_progress",
                                             "so_van_ban": "12/BC-STC"}, org_tree["stc"])
    finally:
        restarted.close()


def test_a_person_field_s_roles_are_real_roles_and_only_a_person_field_has_them():
    person = '[[fields]]\nname = "officer"\nlabel = "Người theo dõi"\ntype = "user"\nroles = ["%s"]\n'
    form = parse_form("pick", person % "clerk")
    assert form.field("officer").roles == ["clerk"]
    with pytest.raises(ValueError, match="roles are for a person field"):
        parse_form("pick", person % "secretary")  # no such role: the list would offer nobody
    with pytest.raises(ValueError, match="roles are for a person field"):
        parse_form("pick", (person % "clerk").replace('type = "user"', 'type = "text"'))

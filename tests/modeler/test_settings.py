"""Ruleset settings edited in the modeler (issue #19): the form generated from the schema of
ruleset.toml, refused values named in Vietnamese with nothing stored, a saved change published
back to ruleset.toml keeping its comments, read again after a restart, running instances on the
settings of their own version, and the pages (process admins only, CSRF)."""
from __future__ import annotations

import copy
import re
import tomllib

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.clock import VN_TZ
from engine.directives import service as directives
from engine.features import discover
from engine.rulesets import drafts, settings_form
from engine.rulesets.diff import diff_settings
from engine.rulesets.loader import read_ruleset
from engine.rulesets.models import ProcessBundle
from engine.rulesets.settings import SETTINGS_SCHEMA
from engine.rulesets.settings_labels import LABELS
from engine.runtime.models import WorkItem
from tests.conftest import REPO_ROOT, make_engine
from tests.modeler.conftest import ASSIGNMENT, NEW_TIMER, OLD_TIMER, signed_in

SHIPPED = sorted(p.parent.name for p in (REPO_ROOT / "processes").glob("*/ruleset.toml"))


def bundles(engine) -> list[ProcessBundle]:
    with engine.db.session() as s:
        return list(s.scalars(select(ProcessBundle).order_by(ProcessBundle.number)))


def changed(settings: dict, **tables) -> dict:
    """`settings` with keys of tables replaced: changed(s, deadlines={"registration": 3})."""
    new = copy.deepcopy(settings)
    for table, values in tables.items():
        new.setdefault(table, {}).update(values)
    return new


def save(engine, admin, settings: dict, comment: str = "") -> drafts.SaveResult:
    with engine.db.session() as s:
        return settings_form.save_settings(s, engine.cache, engine.ruleset, settings, comment, admin)


def publish(engine, processes_dir, admin, bundle_id: int) -> list[str]:
    with engine.db.session() as s:
        return drafts.publish_version(s, processes_dir, s.get(ProcessBundle, bundle_id), admin)


def published_settings(engine) -> dict:
    return bundles(engine)[-1].settings


def classify_due(engine, directive_id: int) -> str:
    with engine.db.session() as s:
        item = s.scalars(select(WorkItem).where(WorkItem.directive_id == directive_id,
                                                WorkItem.element_id == "classify")).one()
        return item.due_at.astimezone(VN_TZ).date().isoformat()


def register(engine, users, symbol: str) -> int:
    return directives.register(engine, {"symbol": symbol, "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
                                        "summary": "Về việc X"},
                               [{"content": "Báo cáo", "lead_unit": "STC", "deadline": "06/03/2026"}],
                               users["clerk"]).id


# ---------------------------------------------------------------- the form
def fields(items) -> list:
    return [f for item in items for f in [item, *fields(item.children)]]


def test_every_key_of_the_schema_has_a_vietnamese_label():
    discover()  # every feature's keys
    every = fields(f for section in settings_form.sections() for f in section.fields)
    unlabelled = [f.path for f in every if f.label not in LABELS.values()]
    assert not unlabelled, "add to engine/rulesets/settings_labels.py LABELS: " + ", ".join(unlabelled)
    assert {f.path for f in every} >= {f"{table}.{key}" for table, entry in SETTINGS_SCHEMA.items()
                                        for key in entry["properties"]}
    deadline = next(f for section in settings_form.sections() for f in section.fields
                    if f.path == "deadlines.registration")
    assert (deadline.kind, deadline.minimum, deadline.label.heading) == ("number", 0,
                                                                         "Hạn phân loại (ngày làm việc)")


def test_the_update_period_of_open_tasks_reads_in_its_own_words():
    """"none" is no periodic update here (not secrecy's "no register, on paper"), and a number
    is working days: a regulation moving from none to every 10 days reads so in the diff."""
    old = {"reminders": {"open_task_update": "none"}, "secrecy": {"register": "none"}}
    new = {"reminders": {"open_task_update": 10}, "secrecy": {"register": "separate"}}
    assert [c.words for c in diff_settings(old, new)] == [
        "Nhiệm vụ không thời hạn cập nhật: Không cập nhật định kỳ → 10 ngày làm việc",
        "Sổ theo dõi văn bản mật: Không có sổ (theo dõi trên giấy) → Sổ riêng trong hệ thống"]
    assert diff_settings({"reminders": {"open_task_update": "monthly"}}, old)[0].words == \
        "Nhiệm vụ không thời hạn cập nhật: Tháng → Không cập nhật định kỳ"


@pytest.mark.parametrize("ruleset", SHIPPED)
def test_the_form_of_every_shipped_ruleset_reads_back_to_the_same_settings(ruleset):
    settings = read_ruleset(REPO_ROOT / "processes", ruleset).settings
    result = settings_form.read_form(settings_form.form_values(settings), settings)
    assert result.errors == [] and result.settings == settings


def test_the_form_reads_typed_values_and_names_a_wrong_one_in_vietnamese(loaded):
    settings = published_settings(loaded)
    form = settings_form.form_values(settings)
    form.update({"deadlines.registration": ["3"], "reminders.before_deadline": ["5, 1"],
                 "lanes.2.key": ["Chánh Văn phòng"], "lanes.2.value": ["office_head"],
                 "registration.urgent_levels": ["flash", "very_urgent"], "progress.blocked_status": ["false"],
                 "id": ["khac"]})
    read = settings_form.read_form(form, settings)
    assert read.errors == [] and read.settings["id"] == "dak-lak"  # the folder's name is not the form's
    assert read.settings["deadlines"]["registration"] == 3 and read.settings["reminders"]["before_deadline"] == [5, 1]
    assert read.settings["lanes"]["Chánh Văn phòng"] == "office_head"
    assert read.settings["registration"]["urgent_levels"] == ["very_urgent", "flash"]
    assert read.settings["progress"] == {"blocked_status": False}
    form.update({"deadlines.registration": ["hai"], "deadlines.first_update": ["-1"], "name": [""],
                 "lanes.0.value": ["thư ký"]})
    messages = [e.message for e in settings_form.read_form(form, settings).errors]
    assert messages == ["«Tên quy chế» không được để trống.",
                        "«Vai trò của từng làn»: chọn giá trị cho «Văn phòng».",
                        "«Hạn phân loại» phải là số nguyên, không phải «hai».",
                        "«Hạn đơn vị cập nhật lần đầu» phải từ 0 trở lên, không phải -1."]


# ---------------------------------------------------------------- checked as at load, versioned
def test_a_value_the_load_check_refuses_is_named_and_nothing_is_stored(loaded, org_tree):
    settings = published_settings(loaded)
    no_office_lane = copy.deepcopy(settings)
    del no_office_lane["lanes"]["Văn phòng"]
    result = save(loaded, org_tree["admin"], no_office_lane)
    assert result.bundle is None
    assert any("lane 'Văn phòng' has no role" in p.text for p in result.problems), result.problems
    bad_reminders = changed(settings, reminders={"open_task_update": "weekly"})
    result = save(loaded, org_tree["admin"], bad_reminders)
    words = [settings_form.problem_words(p) for p in result.problems]
    assert result.bundle is None and any(w.startswith("«Nhắc việc, đôn đốc» (reminders): ") for w in words), words
    unknown = changed(settings, deadlines={"registraton": 3})
    words = [settings_form.problem_words(p) for p in save(loaded, org_tree["admin"], unknown).problems]
    assert words == ["«Thời hạn» (deadlines): unknown key 'registraton' (known: explanation, first_update, "
                     "inspection_report, office_status_update, registration, registration_complex, "
                     "registration_urgent)"]
    assert len(bundles(loaded)) == 1


def test_saved_settings_are_a_version_published_to_ruleset_toml_keeping_its_comments(
        loaded, org_tree, processes_dir, database_url, clock, tmp_path):
    admin, before_text = org_tree["admin"], (processes_dir / "dak-lak" / "ruleset.toml").read_text(encoding="utf-8")
    settings = published_settings(loaded)
    result = save(loaded, admin, changed(settings, deadlines={"registration": 3}), "Phân loại trong 3 ngày")
    assert result.problems == [] and (result.bundle.number, result.bundle.status) == (2, "draft")
    assert save(loaded, admin, result.bundle.settings).bundle.id == result.bundle.id  # unchanged: no new version
    assert [c.words for c in diff_settings(settings, result.bundle.settings)] == [
        "Hạn phân loại: 2 → 3 ngày làm việc"]
    assert publish(loaded, processes_dir, admin, result.bundle.id) == ["dak-lak/ruleset.toml"]
    text = (processes_dir / "dak-lak" / "ruleset.toml").read_text(encoding="utf-8")
    assert "registration = 3           # Đ.7 k.1: ≤ 2 ngày làm việc sau khi ban hành" in text
    assert text.replace("registration = 3  ", "registration = 2  ") == before_text  # nothing else moved
    # a restart reads the file: the same content, so the same version, in force
    restarted = make_engine(database_url, clock, processes_dir=str(processes_dir), tmp_path=tmp_path)
    try:
        with restarted.db.session() as s:
            again = restarted.load_ruleset(s)
            assert (again.id, again.settings["deadlines"]["registration"]) == (result.bundle.id, 3)
    finally:
        restarted.close()
    with loaded.db.session() as s:
        actions = set(s.scalars(select(AuditEntry.action)))
        saved = s.scalars(select(AuditEntry).where(AuditEntry.action == "settings.saved")).one()
    assert {"settings.saved", "bundle.written_to_disk"} <= actions
    assert saved.after["changes"] == {"deadlines.registration": [2, 3]}
    assert publish(loaded, processes_dir, admin, 1) == ["dak-lak/ruleset.toml"]  # the rollback writes it back too
    assert (processes_dir / "dak-lak" / "ruleset.toml").read_text(encoding="utf-8") == before_text


def test_a_table_row_and_key_added_and_removed_are_written_with_the_rest_untouched(tmp_path):
    from engine.rulesets.settings_file import key_comments, write_settings

    folder = tmp_path / "dak-lak"
    folder.mkdir()
    shipped = (REPO_ROOT / "processes" / "dak-lak" / "ruleset.toml").read_text(encoding="utf-8")
    (folder / "ruleset.toml").write_text(shipped, encoding="utf-8")
    settings = tomllib.loads(shipped)
    new = changed(settings, returns={"corrected_by": "leader"}, lanes={"Tổ công tác": "unit_officer"})
    del new["deadlines"]["first_update"]
    new["report_calendar"] = new["report_calendar"][:-1]
    assert write_settings(tmp_path, "dak-lak", new) and not write_settings(tmp_path, "dak-lak", new)
    text = (folder / "ruleset.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text) == new
    assert "first_update" not in text and '"Tổ công tác" = "unit_officer"' in text and "[returns]" in text
    assert key_comments(tmp_path, "dak-lak")["deadlines.registration"].startswith("Đ.7 k.1: phân loại")
    assert "# Đ.5 k.2: báo cáo bằng văn bản theo chế độ Mật" in text  # a comment on a line of its own


def test_a_running_directive_keeps_the_settings_of_its_version(loaded, org_tree, processes_dir):
    admin = org_tree["admin"]
    old = register(loaded, org_tree, "1/UBND-VP")
    settings = published_settings(loaded)
    result = save(loaded, admin, changed(settings, deadlines={"registration": 3, "first_update": 5}))
    publish(loaded, processes_dir, admin, result.bundle.id)
    new = register(loaded, org_tree, "2/UBND-VP")
    # Thu 12/02/2026, Tết 16–20/02 off: 2 working days end on 23/02, 3 on 24/02
    assert (classify_due(loaded, old), classify_due(loaded, new)) == ("2026-02-23", "2026-02-24")


def test_a_diagram_saved_after_a_settings_change_keeps_the_changed_settings(loaded, org_tree, processes_dir):
    admin = org_tree["admin"]
    settings = save(loaded, admin, changed(published_settings(loaded), deadlines={"registration": 3})).bundle.settings
    with loaded.db.session() as s:
        in_force = s.scalars(select(ProcessBundle).where(ProcessBundle.status == "published")).one()
        draft = drafts.open_draft(s, processes_dir, in_force, ASSIGNMENT, admin)
        result = drafts.save_version(s, processes_dir, loaded.cache, draft, draft.xml.replace(OLD_TIMER, NEW_TIMER),
                                     "", admin)
        assert result.bundle.number == 3 and result.bundle.settings == settings


# ---------------------------------------------------------------- the pages
def token(client, url: str = "/modeler/settings") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_only_process_admins_reach_the_settings_and_a_post_needs_the_token(app):
    admin, clerk = signed_in(app, "admin"), signed_in(app, "clerk")
    assert clerk.get("/modeler/settings").status_code == 403
    assert clerk.post("/modeler/settings", data={"csrf_token": token(admin)}).status_code in (400, 403)
    assert admin.post("/modeler/settings", data={"deadlines.registration": "3"}).status_code == 400


def test_the_settings_page_saves_a_change_and_the_version_says_it_in_words(app, loaded):
    admin = signed_in(app, "admin")
    page = admin.get("/modeler/settings").get_data(as_text=True)
    assert "Hạn phân loại (ngày làm việc)" in page and "Đ.7 k.1: ≤ 2 ngày làm việc" in page
    form = {**settings_form.form_values(published_settings(loaded)), "csrf_token": [token(admin)], "base": ["1"]}
    refused = admin.post("/modeler/settings", data={**form, "deadlines.registration": ["ba"]})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "«Hạn phân loại» phải là số nguyên, không phải «ba»." in body
    assert 'value="ba"' in body and len(bundles(loaded)) == 1  # the admin's input stays; nothing stored
    forged = admin.post("/modeler/settings", data={**form, "level": ["planet"], "id": ["khac"], "lanes.0.key": [""],
                                                   "reports.publish": ["maybe"]})
    said = forged.get_data(as_text=True)
    no_lane = admin.post("/modeler/settings", data={**form, "lanes.1.key": [""]}).get_data(as_text=True)
    assert "làn &#39;Đơn vị chủ trì&#39; chưa được gán vai trò trong ruleset.toml [lanes]" in no_lane
    assert forged.status_code == 422 and "«Cấp»: «planet» không phải một lựa chọn." in said
    assert "«Công khai báo cáo đã ban hành»: «maybe» không phải một lựa chọn." in said
    saved = admin.post("/modeler/settings", data={**form, "deadlines.registration": ["3"],
                                                  "comment": ["Phân loại trong 3 ngày"]})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/modeler/versions/2")
    version = admin.get("/modeler/versions/2").get_data(as_text=True)
    assert "Hạn phân loại: 2 → 3 ngày làm việc" in version
    confirm = admin.get("/modeler/versions/2/publish").get_data(as_text=True)
    assert 'data-file="ruleset.toml"' in confirm and "Hạn phân loại: 2 → 3 ngày làm việc" in confirm
    stale = admin.post("/modeler/settings", data={**form, "deadlines.registration": ["4"]})  # opened on version 1
    assert stale.status_code == 409 and "Phiên bản 2 đã được lưu sau khi" in stale.get_data(as_text=True)
    assert len(bundles(loaded)) == 2


def test_the_start_page_warns_when_ruleset_toml_on_disk_differs_from_the_version_in_force(app, processes_dir):
    admin = signed_in(app, "admin")
    assert 'role="alert"' not in admin.get("/modeler/").get_data(as_text=True)
    path = processes_dir / "dak-lak" / "ruleset.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("registration = 2 ", "registration = 4 "), encoding="utf-8")
    warning = admin.get("/modeler/").get_data(as_text=True)
    assert re.search(r'role="alert">\s*[^<]*: ruleset\.toml\.', warning), warning


@pytest.mark.parametrize("bad", [
    {"deadlines": {"registraton": 3}}, {"nonsense": {}}, {"deadlines": {"registration": "two"}},
    {"deadlines": {"registration": -1}}, {"closing": {"mode": "auto"}}, {"reminders": {"open_task_update": "weekly"}},
    {"reminders": {"overdue_every": 0}}, {"reports": {"send_to": ["chairman"]}},
    {"secrecy": {"register": "none", "paper_report": ["quarterly"]}},
    {"report_calendar": [{"period": "weekly", "sender": "leader", "day": 40, "month": 13}]},
    {"report_calendar": [{"period": "quarterly", "sender": "unit", "day": 5, "month": 4}]},
    {"report_calendar": [{"period": "monthly", "sender": "unit", "day": 5}]},
])
def test_every_problem_of_the_settings_check_reads_in_vietnamese(app, bad):
    """What the load check says of a wrong value (the schema's and each feature's own rules) is a
    msgid the catalogue translates: the settings page shows no English."""
    from flask_babel import gettext

    from engine.rulesets.settings import check_settings

    settings = tomllib.loads((REPO_ROOT / "processes" / "dak-lak" / "ruleset.toml").read_text(encoding="utf-8"))
    problems = check_settings({**settings, **{table: {**settings.get(table, {}), **values}
                                              if isinstance(values, dict) else values
                                              for table, values in bad.items()}})
    assert problems, bad
    with app.test_request_context():
        english = [p.text for p in problems if gettext(p.message, **p.params) == p.text]
    assert english == [], english

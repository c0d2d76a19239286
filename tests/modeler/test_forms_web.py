"""The form builder's pages through Flask: who reaches them, CSRF, refused data named in
Vietnamese with nothing kept, and a saved form's changes in words on the version page (the
browser test is test_forms_browser.py)."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from engine.rulesets.form_edit import form_data
from engine.rulesets.models import ProcessBundle, ProcessDraft
from tests.modeler.conftest import signed_in
from tests.modeler.test_forms import FORM, REPORT_NO

BUILDER = "/modeler/forms/update_progress"


def builder(client) -> tuple[dict, str, str]:
    """(the form's data as the page holds it, the save URL, the CSRF token)."""
    page = client.get(BUILDER).get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="builder-data">(.*?)</script>', page,
                                re.S).group(1))
    return page, data["saveUrl"], data["csrf"]


def test_only_process_admins_reach_the_form_builder(app):
    clerk = signed_in(app, "clerk")
    for url in ("/modeler/forms/", BUILDER):
        assert clerk.get(url).status_code == 403
    admin = signed_in(app, "admin")
    listing = admin.get("/modeler/forms/").get_data(as_text=True)
    assert "Cập nhật tình hình thực hiện" in listing and "Thực hiện và cập nhật tiến độ" in listing
    assert "Biểu mẫu của Quy chế theo dõi" in listing  # the ruleset by its name, not its id
    assert admin.get("/modeler/forms/no_such_form").status_code == 404
    assert admin.get("/modeler/forms/..%2Fruleset").status_code == 404
    assert admin.get(f"/modeler/edit/{FORM}").headers["Location"].endswith(BUILDER)
    _page, save_url, _token = builder(admin)
    assert clerk.post(save_url, json={"form": {}}).status_code in (400, 403)  # CSRF first, then the role
    assert admin.post(save_url, json={"form": {}}).status_code == 400  # no CSRF token


def test_refused_data_names_the_field_in_vietnamese_and_keeps_nothing(app, loaded):
    admin = signed_in(app, "admin")
    page, save_url, token = builder(admin)
    assert "Số văn bản báo cáo" not in page and "Văn bản ngắn" in page
    fields = [{"was": "action", "name": "action", "label": "Thao tác", "type": "select",
               "options": [["update", "Cập nhật"], ["return", "Chuyển lại"]]},
              {**REPORT_NO, "label": ""}, {**REPORT_NO, "name": "action", "label": "Trùng tên"}]
    response = admin.post(save_url, json={"form": {"title": "Cập nhật", "fields": fields}},
                          headers={"X-CSRFToken": token})
    assert response.status_code == 400
    messages = [e["message"] for e in response.get_json()["errors"]]
    assert "Trường 2 («so_van_ban»), Nhãn: Trường này bắt buộc." in messages
    assert "Trường 3 («Trùng tên»), Tên trường (sơ đồ đọc theo tên này): Đã có trường khác mang tên action." \
        in messages
    for garbage in ("[]", '{"form": [1]}', '{"form": {"title": "x", "fields": [1, "a"]}}'):
        answer = admin.post(save_url, data=garbage, content_type="application/json", headers={"X-CSRFToken": token})
        assert answer.status_code == 400 and answer.get_json()["errors"], garbage
    with loaded.db.session() as s:
        assert s.scalar(select(ProcessBundle.id).where(ProcessBundle.number == 2)) is None
        draft = s.scalars(select(ProcessDraft).where(ProcessDraft.path == FORM)).one()
        assert draft.xml == s.scalars(select(ProcessBundle)).one().files[FORM]  # nothing half-saved


def test_a_saved_form_shows_its_changes_in_words_on_the_version_page(app):
    admin = signed_in(app, "admin")
    page, save_url, token = builder(admin)
    from engine.rulesets.form_edit import form_data
    with app.extensions["dondoc"].db.session() as s:
        data = form_data(s.scalars(select(ProcessBundle)).one().files[FORM])
    data["fields"].insert(2, REPORT_NO)
    data["fields"][1]["label"] = "Tiến độ"
    response = admin.post(save_url, json={"form": data, "comment": "Thêm số văn bản"},
                          headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_json()
    version = admin.get(response.get_json()["versionUrl"]).get_data(as_text=True)
    assert "Trường «Số văn bản báo cáo»: thêm, bắt buộc" in version
    assert "Trường «Tiến độ»: nhãn «Tình hình thực hiện» → «Tiến độ»" in version
    version_id = response.get_json()["versionUrl"].rsplit("/", 1)[1]
    assert f"{BUILDER}?from={version_id}" in version  # go on from the unpublished version
    assert "Số văn bản báo cáo" in admin.get(f"{BUILDER}?from={version_id}").get_data(as_text=True)


def test_a_draft_that_is_not_toml_opens_as_the_version_with_a_message(app, loaded):
    admin = signed_in(app, "admin")
    builder(admin)
    with loaded.db.session() as s:
        s.scalars(select(ProcessDraft).where(ProcessDraft.path == FORM)).one().xml = "title = "
    page = admin.get(BUILDER).get_data(as_text=True)
    assert "không đúng định dạng TOML" in page and 'value="Cập nhật tình hình thực hiện"' in page


def test_a_field_a_flow_reads_renamed_is_refused_naming_the_flow_not_its_id(app, loaded):
    """The process admin fixes what the list names: the flow by its kind and name, as the
    modeler's list does, not "flow_done" (an id nobody sees on the page)."""
    admin = signed_in(app, "admin")
    _page, save_url, token = builder(admin)
    with loaded.db.session() as s:
        data = form_data(s.scalars(select(ProcessBundle)).one().files[FORM])
    data["fields"][1]["name"] = "tien_do"  # the "done?" flow reads `progress`
    answer = admin.post(save_url, json={"form": data, "comment": "đổi tên"}, headers={"X-CSRFToken": token})
    assert answer.status_code == 422
    [problem] = answer.get_json()["problems"]
    assert problem["where"] == "luồng “Đã xong”" and problem["element"] == "flow_done"
    reopened = admin.get(BUILDER).get_data(as_text=True)  # the draft kept, its problems listed in words
    assert f"{problem['where']} — " in reopened.replace("&#34;", '"').replace("&ldquo;", "“")

"""The modeler's pages and JSON endpoints through Flask (the browser test is test_browser.py)."""
from __future__ import annotations

import json
import re

from tests.modeler.conftest import ASSIGNMENT, NEW_TIMER, OLD_TIMER, signed_in, start_assignment
from tests.modeler.test_versions import GATEWAY_DEFAULT, LANE, OLD_SCRIPT


def editor(client, query: str = ""):
    page = client.get(f"/modeler/edit/{ASSIGNMENT}{query}").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="modeler-data">(.*?)</script>', page,
                                re.S).group(1))
    return data


def test_only_process_admins_reach_the_modeler(app):
    clerk = signed_in(app, "clerk")
    assert clerk.get("/modeler/").status_code == 403
    assert clerk.get(f"/modeler/edit/{ASSIGNMENT}").status_code == 403
    admin = signed_in(app, "admin")
    page = admin.get("/modeler/").get_data(as_text=True)
    assert ASSIGNMENT in page and "directive.bpmn" in page
    assert admin.get("/modeler/edit/../../etc/passwd.bpmn").status_code == 404


def test_save_without_csrf_token_is_refused(app):
    admin = signed_in(app, "admin")
    data = editor(admin)
    response = admin.post(data["saveUrl"], json={"xml": data["xml"], "comment": "x"})
    assert response.status_code == 400


def test_invalid_saves_return_problems_at_elements_and_keep_the_draft(app):
    admin = signed_in(app, "admin")
    data = editor(admin)
    for edit, element in [(lambda x: x.replace(GATEWAY_DEFAULT, ""), "is_done"),
                          (lambda x: x.replace(OLD_SCRIPT, "import os\n" + OLD_SCRIPT), "plan_reminders"),
                          (lambda x: x.replace(LANE, 'name="Tổ công tác"'), "handle")]:
        bad = edit(data["xml"])
        response = admin.post(data["saveUrl"], json={"xml": bad, "comment": "x"},
                              headers={"X-CSRFToken": data["csrf"]})
        assert response.status_code == 422
        assert element in {p["element"] for p in response.get_json()["problems"]}
        again = editor(admin)  # reopening shows the kept draft with its problems
        assert again["xml"] == bad and element in {p["element"] for p in again["problems"]}


def test_save_publish_diff_and_migrate_through_the_pages(app, loaded, org_tree):
    running = start_assignment(loaded, org_tree, "1/2026/QĐ-UBND")
    admin = signed_in(app, "admin")
    data = editor(admin)
    token = data["csrf"]
    response = admin.post(data["saveUrl"], json={"xml": data["xml"].replace(OLD_TIMER, NEW_TIMER),
                                                 "comment": "Nhắc trước 5 ngày"}, headers={"X-CSRFToken": token})
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] and body["number"] == 2
    page = admin.get(body["versionUrl"]).get_data(as_text=True)
    assert "working_days_before(deadline, 5)" in page and "reminder_timer" in page
    assert f'value="{running.id}"' in page
    version_id = body["versionUrl"].rsplit("/", 1)[1]
    assert f"/modeler/edit/{ASSIGNMENT}?from={version_id}" in page
    assert "working_days_before(deadline, 5)" in editor(admin, f"?from={version_id}")["xml"]
    dry = admin.post(f"/modeler/versions/{version_id}/migrate",
                     data={"instance_id": str(running.id), "mode": "dry-run", "csrf_token": token})
    assert dry.status_code == 200 and f'data-instance="{running.id}" class="ok"' in dry.get_data(as_text=True)
    published = admin.post(f"/modeler/versions/{version_id}/publish", data={"csrf_token": token, "confirmed": "yes"})
    assert published.status_code == 302
    moved = admin.post(f"/modeler/versions/{version_id}/migrate",
                       data={"instance_id": str(running.id), "mode": "migrate", "csrf_token": token})
    moved_table = moved.get_data(as_text=True).split('id="migration"')[1].split("</table>")[0]
    assert "refused" not in moved_table
    assert "1/2026/QĐ-UBND" in moved_table  # the moved instance is named by its directive, as before the move


def test_a_versions_page_compares_it_with_the_version_it_was_made_from(app, loaded, org_tree, processes_dir):
    """Two process admins edit the version in force (1): one the reminder's timer (version 2, not
    published), the other a step's name (version 3). Version 3's page compared it with 2, the
    number before it, and listed the timer as changed back, which its author never touched."""
    from engine.org import service as org
    from tests.conftest import PASSWORD
    from tests.modeler.test_versions import save

    with loaded.db.session() as s:
        other = org.create_user(s, "admin2", PASSWORD, "Đặng Quản Trị", "VP", ["process_admin"])
    _draft, timer = save(loaded, processes_dir, org_tree["admin"], lambda x: x.replace(OLD_TIMER, NEW_TIMER))
    _draft, renamed = save(loaded, processes_dir, other,
                           lambda x: x.replace('name="Nhắc hạn"', 'name="Nhắc hạn trước thời hạn"'))
    assert (timer.bundle.number, renamed.bundle.number) == (2, 3)
    page = signed_in(app, "admin").get(f"/modeler/versions/{renamed.bundle.id}").get_data(as_text=True)
    assert "Thay đổi so với phiên bản 1" in page
    assert "Nhắc hạn trước thời hạn" in page and "working_days_before(deadline, 5)" not in page
    # another version to compare with is still asked for by ?against=
    against = signed_in(app, "admin").get(f"/modeler/versions/{renamed.bundle.id}?against={timer.bundle.id}")
    assert "Thay đổi so với phiên bản 2" in against.get_data(as_text=True)

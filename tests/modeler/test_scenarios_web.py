"""Process tests in the modeler, through Flask: writing a scenario file (checked on the server,
problems with line and key in Vietnamese), running the draft's files, the publish confirmation
(changed files, running instances, scenario results) and the refusal while one fails."""
from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from engine.rulesets.models import ProcessBundle
from tests.modeler.conftest import signed_in, start_assignment

# Đắk Lắk's registration: 2 working days (a directive of Thu 12/02/2026, Tết 16–20/02 off).
SCENARIO = '''title = "Hạn phân loại văn bản thường"
[given]
on = "12/02/2026 09:00"
[given.directive]
symbol = "101/UBND-VP"
issued_on = "12/02/2026"
[[given.directive.tasks]]
content = "Báo cáo"
lead_unit = "STC"
deadline = "06/03/2026"
[given.expect]
work_items = [{ task = "classify", due = "DUE", role = "clerk" }]
'''


def token(client, url: str = "/modeler/scenarios/") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def write(client, name: str, text: str):
    return client.post("/modeler/scenarios/write", data={"csrf_token": token(client), "name": name, "text": text})


def bundles(engine) -> list[ProcessBundle]:
    with engine.db.session() as s:
        return list(s.scalars(select(ProcessBundle).order_by(ProcessBundle.number)))


@pytest.fixture
def admin(app):
    return signed_in(app, "admin")


def test_only_process_admins_reach_the_process_tests_and_posts_need_the_token(app, admin):
    clerk = signed_in(app, "clerk")
    for url in ("/modeler/scenarios/", "/modeler/scenarios/write", "/modeler/versions/1/publish"):
        assert clerk.get(url).status_code == 403
    assert clerk.post("/modeler/scenarios/run", data={"csrf_token": token(admin)}).status_code in (400, 403)
    assert admin.post("/modeler/scenarios/write", data={"name": "x", "text": SCENARIO}).status_code == 400
    assert admin.post("/modeler/scenarios/run").status_code == 400


def test_a_malformed_scenario_is_refused_naming_line_and_key_and_nothing_is_stored(admin, loaded):
    page = admin.get("/modeler/scenarios/write").get_data(as_text=True)
    assert "[given.directive]" in page  # the template to start from
    refused = write(admin, "han-phan-loai", SCENARIO.replace('on = "12/02/2026 09:00"', 'on = "hôm nay"'))
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "dòng 3, khóa «given.on»" in body and "hôm nay" in body
    bad_toml = write(admin, "han-phan-loai", 'title = "x"\n[given\non = 1')
    assert bad_toml.status_code == 422 and "dòng 2, cột 7: không đọc được TOML" in bad_toml.get_data(as_text=True)
    bad_name = write(admin, "../../etc/x", SCENARIO)
    assert bad_name.status_code == 400 and "chữ thường" in bad_name.get_data(as_text=True)
    assert len(bundles(loaded)) == 1


def test_a_written_scenario_joins_a_new_version_and_runs_against_the_draft(admin, loaded):
    saved = write(admin, "han-phan-loai", SCENARIO.replace("DUE", "24/02/2026"))
    assert saved.status_code == 302
    first, draft = bundles(loaded)
    assert (draft.number, draft.status) == (2, "draft") and "scenarios/han-phan-loai.toml" in draft.files
    assert "scenarios/han-phan-loai.toml" not in first.files
    listed = admin.get("/modeler/scenarios/").get_data(as_text=True)
    assert "scenarios/han-phan-loai.toml" in listed and "Chạy kịch bản kiểm thử" in listed
    ran = admin.post("/modeler/scenarios/run", data={"csrf_token": token(admin)}).get_data(as_text=True)
    row = ran.split('data-file="scenarios/han-phan-loai.toml"')[1].split("</tr>")[0]
    assert 'class="failed"' in ran and "Không đạt" in row
    assert "đăng ký văn bản 101/UBND-VP (12/02/2026 09:00" in row
    assert "việc «classify» hạn 24/02/2026, vai trò clerk" in row and "hạn 23/02/2026" in row
    fixed = write(admin, "han-phan-loai", SCENARIO.replace("DUE", "23/02/2026"))
    assert fixed.status_code == 302 and len(bundles(loaded)) == 3
    ran = admin.post("/modeler/scenarios/run", data={"csrf_token": token(admin)}).get_data(as_text=True)
    assert 'class="ok"' in ran and 'class="failed"' not in ran


def test_publishing_shows_what_it_does_and_is_refused_while_a_scenario_fails(admin, loaded, org_tree,
                                                                              processes_dir):
    running = start_assignment(loaded, org_tree, "1/2026/QĐ-UBND")
    write(admin, "han-phan-loai", SCENARIO.replace("DUE", "24/02/2026"))
    failing = bundles(loaded)[-1]
    page = admin.get(f"/modeler/versions/{failing.id}/publish").get_data(as_text=True)
    assert 'data-file="scenarios/han-phan-loai.toml"' in page.split('id="publish-files"')[1].split("</section>")[0]
    instances = page.split('id="publish-instances"')[1].split("</section>")[0]
    assert f'data-instance="{running.id}" class="ok"' in instances and "Có thể chuyển" in instances
    assert "văn bản 1/2026/QĐ-UBND" in instances and "Thực hiện nhiệm vụ" in instances
    assert 'id="publish-refused"' in page and 'id="confirm-publish" disabled' in page
    refused = admin.post(f"/modeler/versions/{failing.id}/publish",
                         data={"csrf_token": token(admin), "confirmed": "yes"}, follow_redirects=True)
    assert "Chưa ban hành phiên bản 2: 1 kịch bản không đạt: scenarios/han-phan-loai.toml" in \
        refused.get_data(as_text=True)
    assert [b.status for b in bundles(loaded)] == ["published", "draft"]
    unconfirmed = admin.post(f"/modeler/versions/{failing.id}/publish", data={"csrf_token": token(admin)})
    assert unconfirmed.headers["Location"].endswith(f"/modeler/versions/{failing.id}/publish")

    write(admin, "han-phan-loai", SCENARIO.replace("DUE", "23/02/2026"))
    passing = bundles(loaded)[-1]
    page = admin.get(f"/modeler/versions/{passing.id}/publish").get_data(as_text=True)
    assert 'id="publish-refused"' not in page and "Đạt" in page
    done = admin.post(f"/modeler/versions/{passing.id}/publish", data={"csrf_token": token(admin), "confirmed": "yes"})
    assert done.status_code == 302 and bundles(loaded)[-1].status == "published"
    again = admin.get(f"/modeler/versions/{passing.id}/publish")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/modeler/versions/{passing.id}")
    written = processes_dir / "dak-lak" / "scenarios" / "han-phan-loai.toml"
    assert written.read_text(encoding="utf-8") == SCENARIO.replace("DUE", "23/02/2026")
    with loaded.db.session() as s:  # disk and database stay one: loading the disk finds this version
        assert loaded.load_ruleset(s).id == passing.id
    assert 'id="publish-older"' not in page
    # the version saved before it would undo its changes: the page says so before anyone confirms
    older = admin.get(f"/modeler/versions/{failing.id}/publish").get_data(as_text=True)
    assert "Phiên bản 2 cũ hơn phiên bản 3 đang áp dụng (ban hành lúc " in html.unescape(older)


def test_the_diagram_page_runs_the_scenarios_with_its_autosaved_draft(admin, loaded):
    write(admin, "han-phan-loai", SCENARIO.replace("DUE", "24/02/2026"))
    page = admin.get("/modeler/edit/directive.bpmn").get_data(as_text=True)
    draft_id = re.search(r'name="draft_id" value="(\d+)"', page).group(1)
    data = json.loads(re.search(r'id="modeler-data">(.*?)</script>', page, re.S).group(1))
    days = 'setting("deadlines.registration", 2)'
    three_days = data["xml"].replace(days + ")", days + " + 1)")
    assert admin.post(data["autosaveUrl"], json={"xml": three_days},
                      headers={"X-CSRFToken": data["csrf"]}).get_json()["ok"]
    with_draft = admin.post("/modeler/scenarios/run", data={"csrf_token": data["csrf"], "draft_id": draft_id})
    assert 'class="ok"' in with_draft.get_data(as_text=True)
    without = admin.post("/modeler/scenarios/run", data={"csrf_token": data["csrf"]})
    assert 'class="failed"' in without.get_data(as_text=True)
    assert admin.post("/modeler/scenarios/run", data={"csrf_token": data["csrf"], "draft_id": "999"}).status_code == 404


def test_the_scenarios_count_the_deployments_working_days(admin, loaded):
    """A day the deployment made a day off (its calendar override) is one in the scratch run too."""
    from engine.working_days.service import set_override

    write(admin, "han-phan-loai", SCENARIO.replace("DUE", "23/02/2026"))
    set_override(loaded, date(2026, 2, 23), False, "Nghỉ bù")
    ran = admin.post("/modeler/scenarios/run", data={"csrf_token": token(admin)}).get_data(as_text=True)
    assert 'class="failed"' in ran and "hạn 24/02/2026" in ran


def test_a_refused_step_is_shown_in_vietnamese(admin, loaded):
    step = '[[steps]]\nby = "clerk"\ndo = "complete"\ntask = "classify"\ndata = { tracked = "on" }\n' \
           '[[steps]]\nby = "stc"\ndo = "request_extension"\nnew_deadline = "01/03/2026"\n'
    write(admin, "gia-han-som", SCENARIO.replace("DUE", "23/02/2026") + step)
    ran = admin.post("/modeler/scenarios/run", data={"csrf_token": token(admin)}).get_data(as_text=True)
    row = ran.split('data-file="scenarios/gia-han-som.toml"')[1].split("</tr>")[0]
    assert "Thực tế: bị từ chối:" in row and "06/03/2026" in row and "The new deadline" not in row

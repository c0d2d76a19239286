"""The REST API end to end: tokens, directives with idempotency keys, work items with form
validation, progress with files, returns, extensions, paging, the testing clock."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from engine.api_tokens import service as tokens
from engine.directives.models import Directive, ProgressUpdate
from tests.api.conftest import Caller, api_app, make_token
from tests.scenarios.drive import Scenario

DIRECTIVE = {"symbol": "45/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "summary": "Về việc X",
             "assignments": [{"content": "Báo cáo tình hình", "lead_unit": "STC", "deadline_days": 5,
                              "coordinating_units": ["SXD"]}]}


def register_and_classify(clerk, body=DIRECTIVE) -> int:
    created = clerk("POST", "/directives", json=body)
    assert created.status_code == 201, created.get_json()
    items = clerk("GET", "/work-items").get_json()["items"]
    classify = next(i for i in items if i["directive_id"] == created.get_json()["id"])
    classified = clerk("POST", f"/work-items/{classify['id']}/complete", json={"tracked": True})
    assert classified.status_code == 200 and classified.get_json()["warnings"] == {}  # a step setting no deadline
    return created.get_json()["id"]


def test_requests_without_a_valid_token_are_refused(api, loaded, as_user):
    assert api.get("/api/v1/me").status_code == 401
    assert api.get("/api/v1/me", headers={"Authorization": "Bearer ddk_nonsense"}).status_code == 401
    response = api.get("/api/v1/assignments", headers={"Authorization": "Basic Y2xlcms6eA=="})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorised"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    clerk = as_user("clerk")
    assert clerk("GET", "/me").get_json()["roles"] == ["clerk"]
    with loaded.db.session() as s:
        row = next(t for t, name in tokens.list_tokens(s) if name == "clerk")
        tokens.revoke_token(s, row.id)
    assert clerk("GET", "/me").status_code == 401


def test_only_a_system_admin_manages_tokens_and_the_token_is_shown_once(as_user, loaded):
    admin, clerk = as_user("admin"), as_user("clerk")
    assert clerk("POST", "/tokens", json={"username": "stc", "name": "x"}).status_code == 403
    created = admin("POST", "/tokens", json={"username": "stc", "name": "Phần mềm QLVB",
                                             "reason": "Kết nối phần mềm quản lý văn bản"})
    assert created.status_code == 201
    token = created.get_json()["token"]
    listed = admin("GET", "/tokens").get_json()["items"]
    assert all("token" not in t for t in listed) and any(t["name"] == "Phần mềm QLVB" for t in listed)
    with loaded.db.session() as s:  # only the hash is stored
        assert all(token not in (t.token_hash, t.prefix) for t, _n in tokens.list_tokens(s))
    stc = admin.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert stc.get_json()["username"] == "stc"
    assert admin("DELETE", f"/tokens/{created.get_json()['id']}").get_json()["revoked"] is True
    assert admin.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert admin("POST", "/tokens", json={"username": "nobody", "name": "x"}).status_code == 422


def test_a_retried_create_does_not_register_twice(as_user, loaded):
    clerk = as_user("clerk")
    key = {"Idempotency-Key": "qlvb-2026-0045"}
    first = clerk("POST", "/directives", json=DIRECTIVE, headers=key)
    again = clerk("POST", "/directives", json=DIRECTIVE, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    other = clerk("POST", "/directives", json={**DIRECTIVE, "symbol": "46/2026/QĐ-UBND"}, headers=key)
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "idempotency_conflict"
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Directive.id))) == 1
    # A refused request frees its key: the corrected retry goes through.
    bad = clerk("POST", "/directives", json={**DIRECTIVE, "symbol": "x"}, headers={"Idempotency-Key": "k2"})
    assert bad.status_code == 422
    fixed = clerk("POST", "/directives", json={**DIRECTIVE, "symbol": "47/2026/QĐ-UBND"},
                  headers={"Idempotency-Key": "k2"})
    assert fixed.status_code == 201
    # Without a key, a duplicate is refused by the registry itself.
    assert clerk("POST", "/directives", json=DIRECTIVE).status_code == 422


def test_validation_errors_name_the_fields(as_user):
    clerk = as_user("clerk")
    response = clerk("POST", "/directives", json={"symbol": "45/QĐ", "issued_on": "31/02/2026", "assignments": []})
    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "validation_failed"
    assert {"symbol", "issued_on", "issuer", "summary"} <= set(error["fields"])
    assert error["message"] == "Một số trường chưa hợp lệ."  # Vietnamese unless asked otherwise
    english = clerk("POST", "/directives", json={}, headers={"Accept-Language": "en"}).get_json()["error"]
    assert english["message"] == "Some fields are not valid."
    assert clerk("POST", "/directives", data="not json", content_type="application/json").status_code == 400
    assert as_user("stc")("POST", "/directives", json=DIRECTIVE).status_code == 403


def test_a_directive_is_neither_issued_nor_received_after_today(as_user, loaded):
    """The clock says 12/02/2026: a directive dated tomorrow, or received before it was issued,
    is refused naming the field, and nothing is registered."""
    clerk = as_user("clerk")
    for dates, fields in (({"issued_on": "13/02/2026"}, {"issued_on": "Không được sau ngày hôm nay (12/02/2026)."}),
                          ({"received_on": "13/02/2026"},
                           {"received_on": "Không được sau ngày hôm nay (12/02/2026)."}),
                          ({"issued_on": "10/02/2026", "received_on": "09/02/2026"},
                           {"received_on": "Không được trước ngày 10/02/2026."})):
        refused = clerk("POST", "/directives", json={**DIRECTIVE, **dates})
        assert refused.status_code == 422 and refused.get_json()["error"]["fields"] == fields
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0
    today = clerk("POST", "/directives", json={**DIRECTIVE, "issued_on": "12/02/2026", "received_on": "12/02/2026"})
    assert today.status_code == 201, today.get_json()


def test_work_items_progress_with_files_and_return(as_user, loaded):
    clerk, stc = as_user("clerk"), as_user("stc")
    directive_id = register_and_classify(clerk)
    inbox = stc("GET", "/work-items").get_json()
    assert inbox["total"] == 1
    handle = inbox["items"][0]
    detail = stc("GET", f"/work-items/{handle['id']}").get_json()
    assert "progress" in [f["name"] for f in detail["form"]["fields"]]
    invalid = stc("POST", f"/work-items/{handle['id']}/complete", json={"action": "update", "progress": "soon"})
    assert invalid.status_code == 422 and set(invalid.get_json()["error"]["fields"]) == {"progress"}

    assignment_id = handle["assignment_id"]
    def report_once():  # each attempt is a new multipart body (another boundary), same content
        return stc("POST", f"/assignments/{assignment_id}/progress", headers={"Idempotency-Key": "bb-1"},
                   data={"progress": "in_progress", "note": "Đã họp triển khai",
                         "files": [(io.BytesIO(b"bien ban hop"), "bien-ban.pdf")]},
                   content_type="multipart/form-data")

    report, retried = report_once(), report_once()
    assert report.status_code == 201 and report.get_json()["progress"] == "in_progress"
    assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "true"
    updates = stc("GET", f"/assignments/{assignment_id}/progress").get_json()["items"]
    [sha] = updates[0]["attachments"]
    download = stc("GET", f"/attachments/{sha}")
    assert download.status_code == 200 and download.data == b"bien ban hop"
    assert clerk("GET", f"/attachments/{sha}").status_code == 200   # the office sees every unit
    assert as_user("stc_gd")("GET", f"/attachments/{'0' * 64}").status_code == 404
    refused_type = stc("POST", "/attachments", data={"file": (io.BytesIO(b"<script>"), "x.html")},
                       content_type="multipart/form-data")
    assert refused_type.status_code == 422

    returned = stc("POST", f"/assignments/{assignment_id}/return", json={"reason": "Không thuộc chức năng của Sở"})
    assert returned.status_code == 200 and returned.get_json()["status"] == "returned"
    again = stc("POST", f"/assignments/{assignment_id}/progress", json={"progress": "done"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "no_waiting_step"
    assert stc("POST", f"/assignments/{assignment_id}/return", json={}).status_code == 422
    directive = clerk("GET", f"/directives/{directive_id}").get_json()
    assert directive["assignments"][0]["status"] == "returned"
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(ProgressUpdate.id))) == 1


def test_extension_request(as_user):
    clerk, stc = as_user("clerk"), as_user("stc")
    register_and_classify(clerk)
    assignment_id = stc("GET", "/assignments").get_json()["items"][0]["id"]
    missing = stc("POST", f"/assignments/{assignment_id}/extensions", json={"reason": "x"})
    assert missing.status_code == 422 and "new_deadline" in missing.get_json()["error"]["fields"]
    too_early = stc("POST", f"/assignments/{assignment_id}/extensions",
                    json={"new_deadline": "2026-02-20", "reason": "Chờ số liệu"})
    assert too_early.status_code == 422
    asked = stc("POST", f"/assignments/{assignment_id}/extensions",
                json={"new_deadline": "2026-03-31", "reason": "Chờ số liệu của Bộ"})
    assert asked.status_code == 201 and asked.get_json()["status"] == "pending"
    assert clerk("GET", f"/assignments/{assignment_id}/extensions").get_json()["items"][0]["reason"] == \
        "Chờ số liệu của Bộ"


def test_a_coordinating_deadline_without_coordinating_units_is_refused(as_user):
    """Hạn phối hợp for nobody was dropped without a word; the clerk meant a unit left out."""
    for field, value in (("coordinating_deadline", "2026-03-01"), ("coordinating_deadline_days", 5)):
        refused = as_user("clerk")("POST", "/directives", json={**DIRECTIVE, "assignments": [
            {"content": "Báo cáo tình hình", "lead_unit": "STC", "deadline": "2026-03-16", field: value}]})
        assert refused.status_code == 422, refused.get_json()
        assert refused.get_json()["error"]["fields"] == {
            f"assignments[0].{field}": "Nhiệm vụ 1: có hạn phối hợp nhưng không có đơn vị phối hợp nào."}


def test_a_deadline_before_the_issue_date_is_refused_and_nothing_registered(as_user, loaded):
    """A year typed wrong in January (15/01/2025 on a directive of 12/02/2026) was registered: the
    task was a year overdue from its first day, in the late lists, the reports and the escalation
    mails (found walking an inspection's follow-up, whose form posts the same assignment)."""
    clerk = as_user("clerk")
    refused = clerk("POST", "/directives", json={**DIRECTIVE, "assignments": [
        {"content": "Báo cáo tình hình", "lead_unit": "STC", "deadline": "15/01/2025"}]})
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["fields"] == {
        "assignments[0].deadline": "Nhiệm vụ 1: thời hạn (15/01/2025) không được trước ngày ban hành văn bản "
                                   "(12/02/2026)."}
    # nor is a coordinating unit's part, also of a task with no deadline
    refused = clerk("POST", "/directives", json={**DIRECTIVE, "assignments": [
        {"content": "Báo cáo tình hình", "lead_unit": "STC", "coordinating_units": [
            {"unit": "SXD", "deadline": "10/02/2026"}]}]})
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["fields"] == {
        "assignments[0].coordinating_units.deadline": "Nhiệm vụ 1: thời hạn của đơn vị phối hợp (10/02/2026) không "
                                                      "được trước ngày ban hành văn bản (12/02/2026)."}
    with loaded.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Directive)) == 0
    # due on the issue day itself is a task to do at once, as before
    assert clerk("POST", "/directives", json={**DIRECTIVE, "assignments": [
        {"content": "Báo cáo tình hình", "lead_unit": "STC", "deadline": "12/02/2026"}]}).status_code == 201


def test_a_coordinating_unit_is_told_why_it_may_not_ask_for_an_extension(as_user):
    """It sees the assignment: "Nhiệm vụ 5 không tồn tại" told it something false."""
    clerk, sxd = as_user("clerk"), as_user("sxd")
    register_and_classify(clerk, {**DIRECTIVE, "assignments": [
        {"content": "Báo cáo tình hình", "lead_unit": "STC", "deadline": "2026-03-16", "coordinating_units": ["SXD"]}]})
    assignment_id = clerk("GET", "/assignments").get_json()["items"][0]["id"]
    assert sxd("GET", f"/assignments/{assignment_id}").status_code == 200
    refused = sxd("POST", f"/assignments/{assignment_id}/extensions",
                  json={"new_deadline": "2026-03-31", "reason": "Chờ số liệu"})
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["error"]["message"] == "Chỉ đơn vị chủ trì mới được xin gia hạn."
    assert as_user("stc_gd")("POST", "/assignments/999999/extensions",
                             json={"new_deadline": "2026-03-31", "reason": "x"}).status_code == 404


def test_each_coordinating_units_deadline_is_read_back(as_user):
    """A coordinating unit registered with its own deadline (hạn phối hợp) has it in the answers."""
    clerk = as_user("clerk")
    register_and_classify(clerk, {**DIRECTIVE, "assignments": [
        {"content": "Báo cáo tình hình", "lead_unit": "STC", "deadline": "2026-03-16",
         "coordinating_units": [{"unit": "SXD", "deadline": "20/02/2026"}, "STC-NS"]}]})
    listed = clerk("GET", "/assignments").get_json()["items"][0]
    assert listed["coordinating_deadlines"] == {"SXD": "2026-02-20", "STC-NS": "2026-03-16"}
    assert clerk("GET", f"/assignments/{listed['id']}").get_json()["coordinating_deadlines"] == \
        listed["coordinating_deadlines"]
    # its part serves the lead unit's report: not due after the assignment, as a section's share
    late = clerk("POST", "/directives", json={**DIRECTIVE, "symbol": "46/2026/QĐ-UBND", "assignments": [
        {"content": "Lập dự toán", "lead_unit": "STC", "deadline": "2026-03-16",
         "coordinating_units": [{"unit": "SXD", "deadline": "2026-04-30"}]}]})
    assert late.status_code == 422 and late.get_json()["error"]["fields"] == {
        "assignments[0].coordinating_units.deadline":
            "Nhiệm vụ 1: thời hạn của đơn vị phối hợp không được muộn hơn thời hạn của nhiệm vụ (16/03/2026)."}


def test_lists_are_paginated_and_filtered(as_user):
    clerk = as_user("clerk")
    for n in range(1, 6):
        body = {**DIRECTIVE, "symbol": f"{n}/2026/QĐ-UBND"}
        register_and_classify(clerk, body)
    page = clerk("GET", "/assignments?per_page=2&page=3").get_json()
    assert (page["total"], page["page"], len(page["items"])) == (5, 3, 1)
    assert clerk("GET", "/directives?per_page=2").get_json()["total"] == 5
    assert clerk("GET", "/directives?q=3/2026").get_json()["total"] == 1
    assert clerk("GET", "/directives?q=VE VIEC").get_json()["total"] == 5  # without diacritics or case
    assert clerk("GET", "/assignments?q=bao cao tinh hinh").get_json()["total"] == 5
    assert clerk("GET", "/assignments?outcome=not_started").get_json()["total"] == 5
    assert clerk("GET", "/assignments?unit=SXD").get_json()["total"] == 5   # as coordinating unit
    assert clerk("GET", "/assignments?per_page=500").status_code == 400
    assert clerk("GET", "/assignments?outcome=late").status_code == 400
    assert clerk("GET", "/assignments?unit=NOPE").get_json()["error"]["message"]
    summary = clerk("GET", "/reports/summary").get_json()
    assert summary["total"]["total"] == 5 and summary["denominator"] == "fallen_due"
    # as the dashboard: not as of a day to come (tasks with time left would count as overdue), nor
    # before the tasks counted were assigned
    for asked, why in (("as_of=2026-02-13", "Ngày báo cáo không được sau ngày hôm nay."),
                       ("start=2026-02-01&as_of=2026-01-31", "Ngày báo cáo ở trước ngày bắt đầu kỳ báo cáo.")):
        refused = clerk("GET", f"/reports/summary?{asked}")
        assert refused.status_code == 400 and refused.get_json()["error"]["fields"] == {"as_of": why}


def test_a_unit_outside_ones_own_is_named_as_such_in_the_summary(as_user):
    """A department asking the figures of another said 'Không có đơn vị STC', which every unit
    list shows to exist; the dashboard's words say why, and the field is named."""
    refused = as_user("sxd")("GET", "/reports/summary?unit=STC")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["fields"] == {
        "unit": "Đơn vị 'STC' không tồn tại hoặc ngoài phạm vi đơn vị của Anh/Chị."}
    assert as_user("sxd")("GET", "/reports/summary?unit=SXD").status_code == 200


def test_unknown_urls_and_methods_answer_json(as_user):
    clerk = as_user("clerk")
    assert clerk("GET", "/nothing/here").get_json()["error"]["code"] == "not_found"
    wrong = clerk("DELETE", "/directives")
    assert wrong.status_code == 405 and wrong.is_json
    assert clerk("GET", "/assignments?q=a%00b").status_code == 400


def test_the_testing_clock_exists_only_in_testing_mode(api, loaded, clock):
    moved = api.post("/api/v1/testing/clock", json={"now": "2026-03-02T08:00:00+07:00"})
    assert moved.status_code == 200 and clock.today().isoformat() == "2026-03-02"
    assert api.post("/api/v1/testing/timers/run").get_json()["fired"] == 0
    assert api.post("/api/v1/testing/clock", json={"now": "tomorrow"}).status_code == 422
    loaded.settings.testing = False
    try:
        assert api.post("/api/v1/testing/clock", json={"now": "2027-01-01T00:00:00"}).status_code == 404
        assert api.post("/api/v1/testing/timers/run").status_code == 404
    finally:
        loaded.settings.testing = True
    assert clock.today().isoformat() == "2026-03-02"


def test_the_openapi_document_is_served(api, loaded):
    yaml_doc = api.get("/api/v1/openapi.yaml")
    assert yaml_doc.status_code == 200 and yaml_doc.mimetype == "application/yaml"
    document = api.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    app = api_app(loaded)
    routes = {r.rule.removeprefix("/api/v1") for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    documented = {p.replace("{", "<").replace("}", ">") for p in document["paths"]}
    assert {_plain(r) for r in routes} == {_plain(p) for p in documented}
    # and each path's methods: a route answering a method the document does not name, or the reverse
    served = {(_plain(r.rule.removeprefix("/api/v1")), method) for r in app.url_map.iter_rules()
              if r.endpoint.startswith("api.") for method in r.methods - {"HEAD", "OPTIONS"}}
    described = {(_plain(path.replace("{", "<").replace("}", ">")), method.upper())
                 for path, operations in document["paths"].items() for method in operations
                 if method in ("get", "post", "put", "patch", "delete")}
    assert sorted(served - described) == [] and sorted(described - served) == []


def _plain(rule: str) -> str:
    """'/a/<int(max=…):id>/b' and '/a/{id}/b' both -> '/a/<id>/b'."""
    import re

    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule)


def test_token_commands(loaded, org_tree):
    from click.testing import CliRunner

    from engine.cli import cli

    created = CliRunner().invoke(cli, ["tokens", "create", "--user", "stc", "--name", "Phần mềm QLVB"], obj=loaded)
    assert created.exit_code == 0, created.output
    token = next(line for line in created.output.splitlines() if line.startswith("ddk_"))
    client = api_app(loaded).test_client()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = CliRunner().invoke(cli, ["tokens", "list"], obj=loaded)
    assert "Phần mềm QLVB" in listed.output and token not in listed.output
    token_id = created.output.split()[1]
    assert CliRunner().invoke(cli, ["tokens", "revoke", token_id], obj=loaded).exit_code == 0
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    unknown = CliRunner().invoke(cli, ["tokens", "create", "--user", "ghost", "--name", "x"], obj=loaded)
    assert unknown.exit_code == 1 and "ghost" in unknown.output


def test_the_api_inside_the_whole_app(loaded, org_tree):
    """With every web feature registered: tokens work, cookies do not, errors stay JSON."""
    from tests.api.conftest import make_token
    from webui.app import create_app

    client = create_app(loaded, WTF_CSRF_ENABLED=False).test_client()  # to sign in by form below
    token = make_token(loaded, "clerk")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["username"] == "clerk"
    signed_in = client.post("/login", data={"username": "clerk", "password": "mat-khau-123"})
    assert signed_in.status_code in (302, 303)
    assert client.get("/api/v1/me").status_code == 401  # a browser session is not an API credential
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.is_json
    assert client.post("/api/v1/directives", json={}, headers={"Authorization": f"Bearer {token}"}).status_code == 422


def test_difficulties_and_origin_through_the_api(database_url, clock, tmp_path):
    """Quỳnh Nhai: a blocked report needs its difficulties (422 naming the field) and tells the
    office; the registry and the report summary filter on difficulties and on who gave the task."""
    sc = Scenario.start(database_url, clock, "quynh-nhai", tmp_path)
    try:
        sc.at("2026-02-12 09:00")
        one = [{"content": "Nhiệm vụ", "lead_unit": "SXD", "deadline": "27/03/2026"}]
        province = sc.register("330/UBND-VP", "12/02/2026", one)
        sc.complete("classify", "clerk", {"tracked": "on", "province_given": "on"}, directive_id=province.id)
        own = sc.register("331/UBND-VP", "12/02/2026", one)
        sc.complete("classify", "clerk", {"tracked": "on"}, directive_id=own.id)
        [task] = sc.assignments(province.id)
        client = api_app(sc.engine).test_client()
        clerk, sxd = (Caller(client, make_token(sc.engine, name)) for name in ("clerk", "sxd"))

        refused = sxd("POST", f"/assignments/{task.id}/progress", json={"progress": "blocked", "note": "Vướng"})
        assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"blocked_reason"}
        reported = sxd("POST", f"/assignments/{task.id}/progress",
                       json={"progress": "blocked", "blocked_reason": "Chưa bố trí vốn"})
        assert reported.status_code == 201 and reported.get_json()["progress"] == "blocked"
        assert "Chưa bố trí vốn" in sc.notices("blocked", task.id)[0].body
        [update] = clerk("GET", f"/assignments/{task.id}/progress").get_json()["items"]
        assert update["blocked_reason"] == "Chưa bố trí vốn"

        def listed(query: str) -> list[int]:
            return [item["id"] for item in clerk("GET", f"/assignments?{query}").get_json()["items"]]

        assert listed("blocked=true") == [task.id] and len(listed("blocked=false")) == 2
        assert listed("origin=province") == [task.id] and listed("origin=own") == [sc.assignments(own.id)[0].id]
        for bad in ("blocked=maybe", "origin=county"):
            assert clerk("GET", f"/assignments?{bad}").status_code == 400
        province_only = clerk("GET", "/reports/summary?origin=province").get_json()
        assert (province_only["origin"], province_only["total"]["total"], province_only["total"]["blocked"]) == (
            "province", 1, 1)
        assert clerk("GET", "/reports/summary?origin=own").get_json()["total"]["blocked"] == 0
        assert clerk("GET", "/reports/summary?origin=county").status_code == 400
    finally:
        sc.close()


def test_urging_with_a_letter_returns_its_download(as_user, loaded):
    clerk, stc = as_user("clerk"), as_user("stc")
    register_and_classify(clerk)
    assignment_id = stc("GET", "/assignments").get_json()["items"][0]["id"]
    urged = clerk("POST", f"/assignments/{assignment_id}/urge", json={"message": "Khẩn trương báo cáo", "letter": True})
    assert urged.status_code == 200 and urged.get_json()["notified"] >= 1
    letter = stc("GET", f"/attachments/{urged.get_json()['letter']}")
    assert letter.status_code == 200 and letter.data[:2] == b"PK"  # a .docx, readable by the unit urged
    assert clerk("POST", f"/assignments/{assignment_id}/urge", json={"message": "Lần nữa"}).get_json()["letter"] is None


@pytest.mark.parametrize("path", ["/directives?issued_from=13/02/2026", "/assignments?assigned_to=2026-02-30",
                                  "/reports/summary?start=hôm nay"])
def test_a_date_parameter_that_is_no_date_is_named(as_user, path):
    """Every list's date parameters are read by one rule (webui/api/core.py date_arg): 400 naming the
    parameter, in Vietnamese, not a 500 nor the parameter ignored."""
    refused = as_user("clerk")("GET", path)
    name = path.split("?")[1].split("=")[0]
    assert refused.status_code == 400, refused.get_data(as_text=True)
    assert refused.get_json()["error"]["message"] == f"Tham số {name} phải là ngày (YYYY-MM-DD)."


def test_a_deadline_on_a_day_off_is_registered_with_a_warning_naming_the_day_it_ends(as_user):
    """Due Fri 20/02/2026, inside Tết: registered (a warning, not a refusal), the deadline kept as
    written, and the answer says it runs to the end of Mon 23/02 (Bộ luật Dân sự 2015, Đ.148 k.5)."""
    clerk = as_user("clerk")
    task = {"content": "Báo cáo tình hình", "lead_unit": "STC", "deadline": "20/02/2026"}
    created = clerk("POST", "/directives", json={**DIRECTIVE, "assignments": [DIRECTIVE["assignments"][0], task]})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["warnings"] == {
        "assignments[1].deadline": "Nhiệm vụ 2: hạn 20/02/2026 là ngày nghỉ; theo Điều 148 Bộ luật Dân sự, hạn được "
                                   "tính đến hết ngày làm việc tiếp theo 23/02/2026."}
    working_day = clerk("POST", "/directives", json={**DIRECTIVE, "symbol": "46/2026/QĐ-UBND"})
    assert working_day.status_code == 201 and working_day.get_json()["warnings"] == {}

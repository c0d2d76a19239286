"""Unit-scoped access through EVERY endpoint: an officer of Sở Xây dựng (SXD) gets 404 or
403 for Sở Tài chính's (STC) objects, and lists never show them. The cases are keyed by
route, and a test checks that every route of the API has one — a new route without a
scope case fails here."""
from __future__ import annotations

import io

import pytest

from tests.api.conftest import Caller, api_app, make_token, shared_engine

# route -> (method, path with {placeholders}, body kind, accepted statuses, what must not appear)
CASES = {
    "/openapi.yaml": ("GET", "/openapi.yaml", None, {200}, None),
    "/openapi.json": ("GET", "/openapi.json", None, {200}, None),
    "/me": ("GET", "/me", None, {200}, "STC-secret"),
    "/org/units": ("GET", "/org/units", None, {200}, None),  # the tree is not secret
    "/directives": ("GET", "/directives", None, {200}, "Việc riêng của Sở Tài chính"),
    "/directives/<directive_id>": [
        ("GET", "/directives/{directive}", None, {404}, None),
        ("PATCH", "/directives/{directive}", {"summary": "Sửa"}, {403, 404}, None),
    ],
    "/directives/<directive_id>/assignments": ("POST", "/directives/{directive}/assignments", {
        "assignments": [{"content": "Thêm", "lead_unit": "SXD", "deadline_days": 5}]}, {403, 404}, None),
    "/assignments": ("GET", "/assignments?unit=STC", None, {200}, "Việc riêng của Sở Tài chính"),
    "/assignments/<assignment_id>": ("GET", "/assignments/{assignment}", None, {404}, None),
    "/assignments/<assignment_id>/history": ("GET", "/assignments/{assignment}/history", None, {404}, None),
    "/assignments/<assignment_id>/progress": [
        ("GET", "/assignments/{assignment}/progress", None, {404}, None),
        ("POST", "/assignments/{assignment}/progress", {"progress": "done"}, {404}, None),
    ],
    "/assignments/<assignment_id>/adjust": ("POST", "/assignments/{assignment}/adjust", {"correction_note": "x"},
                                            {403, 404}, None),
    "/assignments/<assignment_id>/withdraw": ("POST", "/assignments/{assignment}/withdraw", {"reason": "x"},
                                              {403, 404}, None),
    "/assignments/<assignment_id>/return": ("POST", "/assignments/{assignment}/return", {"reason": "x"}, {404}, None),
    "/assignments/<assignment_id>/extensions": [
        ("GET", "/assignments/{assignment}/extensions", None, {404}, None),
        ("POST", "/assignments/{assignment}/extensions", {"new_deadline": "2026-12-31", "reason": "x"}, {404}, None),
    ],
    "/assignments/<assignment_id>/issues": [
        ("GET", "/assignments/{assignment}/issues", None, {404}, None),
        ("POST", "/assignments/{assignment}/issues", {"kind": "direction", "text": "x"}, {404}, None),
    ],
    "/assignments/<assignment_id>/urge": ("POST", "/assignments/{assignment}/urge", {"message": "x"}, {403, 404},
                                          None),
    "/assignments/<assignment_id>/sub-assignments": [
        ("GET", "/assignments/{assignment}/sub-assignments", None, {404}, None),
        ("POST", "/assignments/{assignment}/sub-assignments", {"items": [{"unit": "STC-NS"}]}, {404}, None),
    ],
    "/attachments": ("POST", "/attachments", "file", {201}, None),  # one's own upload only
    "/attachments/<sha256>": ("GET", "/attachments/{attachment}", None, {404}, None),
    "/work-items": ("GET", "/work-items?view=unit", None, {200}, "Việc riêng của Sở Tài chính"),
    "/work-items/<item_id>": ("GET", "/work-items/{work_item}", None, {404}, None),
    "/work-items/<item_id>/complete": ("POST", "/work-items/{work_item}/complete",
                                       {"action": "update", "progress": "done"}, {404}, None),
    "/held-work": ("GET", "/held-work", None, {200}, None),  # an officer hands nothing over
    "/held-work/hand-over": ("POST", "/held-work/hand-over", {"kind": "work_item", "id": 1, "holder": "stc",
                                                               "user": "sxd"}, {422}, None),
    "/inspections": ("GET", "/inspections", None, {200}, "Việc riêng của Sở Tài chính"),
    "/inspections/published": ("GET", "/inspections/published", None, {200}, None),
    "/inspections/<inspection_id>": ("GET", "/inspections/{inspection}", None, {404}, None),
    "/inspections/<inspection_id>/papers": ("POST", "/inspections/{inspection}/papers",
                                            {"kind": "plan", "title": "x"}, {404}, None),
    "/inspections/<inspection_id>/follow-up": ("POST", "/inspections/{inspection}/follow-up", {
        "symbol": "1/TB-UBND", "issued_on": "2026-02-12", "issuer": "UBND", "summary": "x",
        "assignments": [{"content": "x", "lead_unit": "SXD", "deadline_days": 5}]}, {403, 404}, None),
    "/secret-documents": ("GET", "/secret-documents", None, {403}, None),  # the register's keepers only
    "/secret-documents/<document_id>": [
        ("GET", "/secret-documents/{secret_document}", None, {404}, None),
        ("PATCH", "/secret-documents/{secret_document}", {"status": "closed"}, {404}, None),
    ],
    "/secret-documents/<document_id>/paper-reports": ("POST", "/secret-documents/{secret_document}/paper-reports",
                                                       {"sent_on": "2026-02-12"}, {404}, None),
    "/reports/office": ("GET", "/reports/office", None, {200}, None),  # the office's reports are not a unit's
    "/reports/adhoc": ("POST", "/reports/adhoc", {"topic": "x", "units": ["STC"], "due": "2026-12-31",
                                                  "office_due": "2026-12-31"}, {403}, None),
    "/directives/proposals": ("POST", "/directives/proposals", {"text": "Giao Sở Tài chính chủ trì"}, {403}, None),
    "/reports/summary": [
        ("GET", "/reports/summary", None, {200}, '"code":"STC"'),
        ("GET", "/reports/summary?unit=STC", None, {400}, None),
    ],
    "/imports/edxml": ("POST", "/imports/edxml", "file", {403}, None),
    "/imports/edxml/received": ("GET", "/imports/edxml/received", None, {403}, None),  # the office's documents
    "/imports/edxml/received/<received_id>": ("POST", "/imports/edxml/received/1", {"assignments": []}, {403}, None),
    "/imports/edxml/received/<received_id>/dismiss": ("POST", "/imports/edxml/received/1/dismiss", {"reason": "x"},
                                                      {403}, None),
    "/imports/edxml/recall-requests": ("GET", "/imports/edxml/recall-requests", None, {403}, None),
    "/imports/edxml/recall-requests/<request_id>": ("POST", "/imports/edxml/recall-requests/1",
                                                    {"answer": "accept"}, {403}, None),
    "/imports/excel": ("POST", "/imports/excel", "file", {403}, None),
    "/imports/excel/template": ("GET", "/imports/excel/template", None, {200}, None),
    "/tokens": [("GET", "/tokens", None, {403}, None),
                ("POST", "/tokens", {"username": "stc", "name": "x"}, {403}, None)],
    "/tokens/<token_id>": ("DELETE", "/tokens/{token}", None, {403}, None),
    "/testing/clock": ("POST", "/testing/clock", {"now": "2026-02-12T09:00:00+07:00"}, {200}, None),
    "/testing/timers/run": ("POST", "/testing/timers/run", None, {200}, None),
}
FLAT = [(route, case) for route, cases in CASES.items() for case in (cases if isinstance(cases, list) else [cases])]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A directive whose only assignment is led by STC, with a progress update and a file;
    built once (the cases only read or get refused)."""
    with shared_engine(tmp_path_factory, "scope") as engine:
        client = api_app(engine).test_client()
        clerk, stc, admin, sxd = (Caller(client, make_token(engine, name)) for name in ("clerk", "stc", "admin", "sxd"))
        created = clerk("POST", "/directives", json={
            "symbol": "99/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
            "summary": "Việc riêng của Sở Tài chính",
            "assignments": [{"content": "Việc riêng của Sở Tài chính", "lead_unit": "STC", "deadline_days": 5}]})
        classify = clerk("GET", "/work-items").get_json()["items"][0]
        clerk("POST", f"/work-items/{classify['id']}/complete", json={"tracked": True})
        work_item = stc("GET", "/work-items").get_json()["items"][0]
        stc("POST", f"/assignments/{work_item['assignment_id']}/progress", content_type="multipart/form-data",
            data={"progress": "in_progress", "files": [(io.BytesIO(b"STC-secret"), "stc.pdf")]})
        update = stc("GET", f"/assignments/{work_item['assignment_id']}/progress").get_json()["items"][0]
        token = admin("POST", "/tokens", json={"username": "stc", "name": "QLVB", "reason": "Kết nối"}).get_json()
        work_item = stc("GET", "/work-items").get_json()["items"][0]  # the next ready one
        inspection = clerk("POST", "/inspections", json={"title": "Việc riêng của Sở Tài chính", "units": ["STC"]})
        ids = {"directive": created.get_json()["id"], "assignment": work_item["assignment_id"],
               "work_item": work_item["id"], "attachment": update["attachments"][0], "token": token["id"],
               "inspection": inspection.get_json()["id"],
               "secret_document": 1}  # this ruleset keeps no register: tests/secrecy reads one
        yield client.application, sxd, ids


def test_every_route_has_a_scope_case(world):
    app, _sxd, _ids = world
    routes = {_plain(r.rule.removeprefix("/api/v1")) for r in app.url_map.iter_rules()
              if r.endpoint.startswith("api.")}
    assert routes == set(CASES)


@pytest.mark.parametrize(("route", "case"), FLAT, ids=[f"{c[0]} {r}" for r, c in FLAT])
def test_another_unit_cannot_reach_stc_objects(route, case, world):
    method, path, body, allowed, must_not_show = case
    _app, sxd, ids = world
    kwargs = {}
    if body == "file":
        kwargs = {"data": {"file": (io.BytesIO(b"<edXML/>"), "x.pdf")}, "content_type": "multipart/form-data"}
    elif body is not None:
        kwargs = {"json": body}
    response = sxd(method, path.format(**ids), **kwargs)
    assert response.status_code in allowed, response.get_data(as_text=True)[:300]
    if must_not_show:
        assert must_not_show not in response.get_data(as_text=True).replace(" ", "")
        assert must_not_show.replace(" ", "") not in response.get_data(as_text=True).replace(" ", "")


def _plain(rule: str) -> str:
    import re

    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule)

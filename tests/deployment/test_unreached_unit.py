"""A task given to a unit with no account yet, as it lives: gunicorn, the administrator's organisation page names
the unit, the administrator makes its first account on the users page, the server restarts, and the new account
signs in to find the unit's open task in its inbox; the unit is named no more (engine.directives.reach)."""
from __future__ import annotations

import re

import pytest
import requests

from engine.org import service as org
from tests.conftest import PASSWORD
from tests.deployment.harness import Deployment
from tests.secrecy.test_deployment import signed_in, token

NAMED = re.compile(r"<tr><td>UBND phường A</td><td>1</td></tr>")


@pytest.fixture
def ward_deployment(database_url, smtp, tmp_path):
    running = Deployment(tmp_path, database_url, smtp.port, ruleset="tinh-2025")
    running.populate()
    with running.engine.db.session() as s:  # a seeded ward nobody has an account in yet
        org.create_unit(s, "xa-a", "UBND phường A", parent_code="UBND", kind="commune")
        org.create_user(s, "quantri", PASSWORD, "Trần Quản Trị", "VP", ["system_admin"])
    yield running
    running.close()


def test_the_first_account_of_a_unit_finds_its_open_task_after_a_restart(ward_deployment):
    running = ward_deployment
    base = running.start_web(workers=2)
    clerk = running.client("clerk")
    created = clerk.send("POST", "/directives", json={
        "symbol": "12/KH-UBND", "issued_on": "02/03/2026", "issuer": "UBND tỉnh", "summary": "Kế hoạch rà soát",
        "assignments": [{"content": "Rà soát hồ sơ đất đai", "lead_unit": "xa-a", "deadline_days": 5}]})
    assert created.status == 201, created.body
    [item] = [i for i in clerk.send("GET", "/work-items?per_page=200").body["items"]
              if i["directive_id"] == created.body["id"]]
    assert clerk.send("POST", f"/work-items/{item['id']}/complete", json={"tracked": True}).status == 200

    admin = signed_in(base, "quantri")
    assert NAMED.search(admin.get(f"{base}/admin/organisation").text)
    made = admin.post(f"{base}/admin/users", allow_redirects=False, data={
        "username": "cv_phuong_a", "full_name": "Đỗ Chuyên Viên", "password": "mat-khau-dai", "unit": "xa-a",
        "roles": ["unit_officer"], "csrf_token": token(admin, f"{base}/admin/users")})
    assert made.status_code == 302, made.text

    running.stop_web()
    base = running.start_web(workers=2)
    officer = requests.Session()
    signed = officer.post(f"{base}/login", allow_redirects=False, data={
        "username": "cv_phuong_a", "password": "mat-khau-dai", "csrf_token": token(officer, f"{base}/login")})
    assert signed.status_code == 302
    assert "Rà soát hồ sơ đất đai" in officer.get(f"{base}/inbox").text
    assert not NAMED.search(signed_in(base, "quantri").get(f"{base}/admin/organisation").text)

"""Sessions and API tokens (issue #15): signing out, a new password and deactivation end every
session of the user, a copied cookie included; a new password revokes the user's API tokens;
a token made for someone else needs a reason that person sees; every account action is in
the audit trail, readable."""
from __future__ import annotations

from sqlalchemy import select

from engine.api_tokens import service as tokens
from engine.audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.webui.conftest import Browser

NEW_PASSWORD = "mat-khau-moi-456"


def copy_of(app, b: Browser) -> Browser:
    """Another browser holding the same session cookie (stolen, or copied off a shared computer)."""
    thief = Browser(app)
    thief.client.set_cookie("session", b.client.get_cookie("session").value)
    assert thief.get("/inbox").status_code == 200
    return thief


def mint(engine, username: str) -> str:
    with engine.db.session() as s:
        return tokens.create_token(s, username, "Phần mềm QLVB")[1]


def api_me(app, token: str) -> int:
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_signing_out_ends_a_copied_session(app, browser):
    clerk = browser("clerk")
    thief = copy_of(app, clerk)
    other_browser = browser("clerk")
    assert clerk.post("/logout", page="/inbox").status_code == 302
    assert thief.get("/inbox").status_code == 302
    assert other_browser.get("/inbox").status_code == 302  # every session of the user
    assert browser("clerk").get("/inbox").status_code == 200  # signing in again works


def test_changing_ones_password_ends_other_sessions_and_revokes_tokens(app, engine, browser):
    token = mint(engine, "stc")
    assert api_me(app, token) == 200
    officer = browser("stc")
    thief = copy_of(app, officer)
    wrong = officer.post("/account/security", {"current_password": "doan-bua", "password": NEW_PASSWORD,
                                               "password_again": NEW_PASSWORD})
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True) and api_me(app, token) == 200
    changed = officer.post("/account/security", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                 "password_again": NEW_PASSWORD})
    assert changed.status_code == 302
    assert officer.get("/inbox").status_code == 200  # this browser stays signed in…
    assert thief.get("/inbox").status_code == 302  # …the copied cookie does not
    assert api_me(app, token) == 401
    assert Browser(app).login("stc").status_code == 200 and Browser(app).login("stc", NEW_PASSWORD).status_code == 302
    page = officer.get("/account/security").get_data(as_text=True)
    assert "Chủ tài khoản đổi mật khẩu" in page and "Thu hồi khóa API do đổi mật khẩu" in page


def test_an_admin_password_reset_and_deactivation_end_sessions_and_tokens(app, engine, browser, org_tree):
    admin, officer = browser("admin"), browser("stc")
    thief, token = copy_of(app, officer), mint(engine, "stc")
    page = f"/admin/users/{org_tree['stc'].id}"
    assert admin.post(page, {"full_name": "Phạm Chuyên Viên", "unit": "STC", "roles": ["unit_officer"],
                             "password": NEW_PASSWORD}).status_code == 302
    assert thief.get("/inbox").status_code == 302 and officer.get("/inbox").status_code == 302
    assert api_me(app, token) == 401
    again = browser("sxd")
    thief = copy_of(app, again)
    assert admin.post(f"/admin/users/{org_tree['sxd'].id}/active", page="/admin/users").status_code == 302
    assert thief.get("/inbox").status_code == 302
    with engine.db.session() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.actor_name == "admin")).all()
    assert {"password.reset", "api_token.revoked_with_password", "user.deactivated"} <= set(actions)


def test_a_token_stays_dead_when_its_deactivated_user_comes_back(app, engine, browser, org_tree):
    """Deactivation ended the sessions for good but only hid the tokens: reactivating the account
    (the person back from leave, the account given to their successor) brought every token made
    before back to life, a leaked one included. They are revoked with the deactivation."""
    admin, token = browser("admin"), mint(engine, "sxd")
    toggle = f"/admin/users/{org_tree['sxd'].id}/active"
    assert admin.post(toggle, page="/admin/users").status_code == 302
    assert api_me(app, token) == 401
    assert admin.post(toggle, page="/admin/users").status_code == 302  # active again
    assert api_me(app, token) == 401
    assert api_me(app, mint(engine, "sxd")) == 200  # a new one works
    page = browser("sxd").get("/account/security").get_data(as_text=True)
    assert "Thu hồi khóa API do khóa tài khoản" in page


def test_a_token_for_another_user_needs_a_reason_they_see(app, engine, browser):
    admin_token = mint(engine, "admin")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {admin_token}"}
    refused = api.post("/api/v1/tokens", json={"username": "chutich", "name": "Trợ lý"}, headers=headers)
    assert refused.status_code == 422 and "reason" in refused.get_json()["error"]["fields"]
    made = api.post("/api/v1/tokens", json={"username": "chutich", "name": "Trợ lý",
                                            "reason": "Đồng bộ lịch công tác theo yêu cầu của Văn phòng"},
                    headers=headers)
    assert made.status_code == 201 and made.get_json()["reason"].startswith("Đồng bộ lịch")
    own = api.post("/api/v1/tokens", json={"username": "admin", "name": "Của tôi"}, headers=headers)
    assert own.status_code == 201  # for oneself no reason is asked
    leader = browser("chutich")
    assert 'href="/account/security"' in leader.get("/inbox").get_data(as_text=True)  # the link on their name
    page = leader.get("/account/security").get_data(as_text=True)
    assert "Đồng bộ lịch công tác theo yêu cầu của Văn phòng" in page and "Quản Trị" in page  # why, and who
    assert "Tạo khóa API" in page


def test_account_actions_are_audited_readably(app, engine, browser):
    admin = browser("admin")
    created = admin.post("/admin/users", {"username": "ketoan", "full_name": "Hồ Kế Toán", "unit": "STC",
                                          "roles": ["unit_officer"], "password": PASSWORD})
    assert created.status_code == 302
    with engine.db.session() as s:
        user_id = s.scalar(select(AuditEntry.object_id).where(AuditEntry.action == "user.created",
                                                              AuditEntry.actor_name == "admin"))
    page = f"/admin/users/{user_id}"
    admin.post(page, {"full_name": "Hồ Kế Toán", "unit": "STC", "roles": ["unit_head"]})
    admin.post(f"/admin/users/{user_id}/active", page="/admin/users")
    history = admin.get(page).get_data(as_text=True)
    for words in ("Tạo tài khoản", "Sửa tài khoản", "Khóa tài khoản", "Quản Trị", "Vai trò", "Sở Tài chính"):
        assert words in history, words

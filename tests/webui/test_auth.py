"""Sign-in, CSRF, session expiry and language switch."""
from datetime import timedelta

from sqlalchemy import select

from tests.webui.conftest import Browser


def test_wrong_password_is_refused(app):
    """(Throttling after repeated failures: tests/security/test_login.py.)"""
    b = Browser(app)
    response = b.login("clerk", "wrong-password")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)
    assert b.get("/inbox").status_code == 302  # still signed out


def test_post_without_csrf_token_is_refused_and_changes_nothing(app, engine, browser):
    clerk = browser("clerk")
    response = clerk.client.post("/directives/new", data={"symbol": "1/QĐ-UBND", "issued_on": "12/02/2026",
                                                         "issuer": "UBND tỉnh", "summary": "x",
                                                         "a-0-content": "y", "a-0-lead_unit": "STC"})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    response = clerk.client.post("/inbox/filters", data={"name": "x", "csrf_token": "forged"})
    assert response.status_code == 400
    from engine.directives.models import Directive

    with engine.db.session() as s:
        assert s.scalar(select(Directive.id)) is None


def test_session_expires_when_idle_and_after_its_lifetime(app, browser, clock):
    clerk = browser("clerk")
    assert clerk.get("/inbox").status_code == 200
    clock.advance(timedelta(minutes=29))
    assert clerk.get("/inbox").status_code == 200  # activity keeps it alive
    clock.advance(timedelta(minutes=31))
    response = clerk.get("/inbox")
    assert response.status_code == 302 and "/login" in response.location
    page = clerk.get(response.location).get_data(as_text=True)
    assert "Phiên làm việc đã hết hạn" in page

    active = browser("clerk")
    for _ in range(3):  # busy all along, yet the lifetime (60 min) still ends the session
        clock.advance(timedelta(minutes=25))
        active.get("/inbox")
    assert active.get("/inbox").status_code == 302


def test_language_switch_and_vietnamese_default(app):
    b = Browser(app)
    assert "Đăng nhập" in b.get("/login").get_data(as_text=True)
    b.post("/language", {"language": "en", "next": "/login"}, page="/login")
    assert "Sign in" in b.get("/login").get_data(as_text=True)
    b.post("/language", {"language": "vi", "next": "//evil.example"}, page="/login")
    assert "Đăng nhập" in b.get("/login").get_data(as_text=True)


def test_roles_guard_pages(app, browser):
    unit_officer = browser("stc")
    assert unit_officer.get("/directives/new").status_code == 403
    assert unit_officer.get("/admin/incidents").status_code == 403
    assert "Vào sổ văn bản" not in unit_officer.get("/inbox").get_data(as_text=True)

"""Admin pages: incidents with retry, calendar corrections, users."""
from datetime import date

from sqlalchemy import select

from engine import clock
from engine.audit.models import AuditEntry
from engine.org.models import User
from engine.runtime.models import Incident, WorkflowInstance
from engine.scheduler.service import tick
from engine.working_days.models import CalendarOverride
from tests.webui.conftest import Browser


def test_incidents_are_listed_escaped_and_retry_reports_back(loaded, assigned, browser):
    with loaded.db.session() as s:
        instance_id = s.scalar(select(WorkflowInstance.id))
        s.add(Incident(instance_id=instance_id, element_id="x", error="ValueError: <b>bad</b>",
                       created_at=clock.now(), status="open"))
    admin = browser("admin")
    page = admin.get("/admin/incidents").get_data(as_text=True)
    assert "ValueError: &lt;b&gt;bad&lt;/b&gt;" in page
    assert f"/admin/instances/{instance_id}" in page  # the process admin goes on to the instance
    with loaded.db.session() as s:
        incident_id = s.scalar(select(Incident.id))
    response = admin.post(f"/admin/incidents/{incident_id}/retry", page="/admin/incidents")
    assert response.status_code == 302
    with loaded.db.session() as s:
        assert s.get(Incident, incident_id).status == "resolved"
    assert browser("clerk").get("/admin/incidents").status_code == 403


def test_calendar_correction_and_users(engine, browser):
    admin = browser("admin")
    response = admin.post("/admin/calendar", {"day": "02/01/2026", "working": "0", "note": "Nghỉ bù"})
    assert response.status_code == 302
    with engine.db.session() as s:
        assert s.scalar(select(CalendarOverride.day)) == date(2026, 1, 2)
    page = admin.get("/admin/calendar").get_data(as_text=True)
    assert "Nghỉ bù" in page and "Đang tính lại các thời hạn còn mở" in page  # the scheduler will follow
    tick(engine)
    assert "Đang tính lại" not in admin.get("/admin/calendar").get_data(as_text=True)
    assert admin.post("/admin/calendar/2026-01-02/delete", page="/admin/calendar").status_code == 302

    response = admin.post("/admin/users", {"username": "moi", "full_name": "Người Mới", "password": "ngan",
                                           "unit": "STC", "roles": ["unit_officer"]})
    assert response.status_code == 200 and "Chưa tạo được người dùng" in response.get_data(as_text=True)
    response = admin.post("/admin/users", {"username": "moi", "full_name": "Người Mới", "password": "mat-khau-dai",
                                           "unit": "STC", "roles": ["unit_officer"]})
    assert response.status_code == 302
    with engine.db.session() as s:
        user = s.scalar(select(User).where(User.username == "moi"))
    admin.post(f"/admin/users/{user.id}/active", page="/admin/users")
    with engine.db.session() as s:
        assert s.get(User, user.id).active is False


def test_admin_edits_a_user_and_a_new_password_ends_the_old_sessions(engine, org_tree, browser, app):
    admin, officer = browser("admin"), browser("stc")
    user_id = org_tree["stc"].id
    page = f"/admin/users/{user_id}"
    assert "stc" in admin.get(page).get_data(as_text=True)
    assert officer.get(page).status_code == 403

    short = admin.post(page, {"full_name": "Nguyễn Văn A", "unit": "STC", "roles": ["unit_officer"],
                              "password": "ngan"})
    assert "Chưa sửa được người dùng: Mật khẩu phải có ít nhất 8 ký tự." in short.get_data(as_text=True)
    assert officer.get("/inbox").status_code == 200  # nothing changed: still signed in

    changed = admin.post(page, {"full_name": "Nguyễn Văn A", "unit": "SXD", "roles": ["unit_officer", "unit_head"],
                                "email": "a@stc.example", "password": "mat-khau-moi-123"})
    assert changed.status_code == 302
    with engine.db.session() as s:
        user = s.get(User, user_id)
        assert (user.full_name, user.unit.code, user.roles) == ("Nguyễn Văn A", "SXD", ["unit_officer", "unit_head"])
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.updated")).one()
        assert entry.before["roles"] == ["unit_officer"] and entry.after["unit"] == "Sở Xây dựng"
        reset = s.scalars(select(AuditEntry).where(AuditEntry.action == "password.reset")).one()
        assert reset.actor_name == "admin" and "mat-khau" not in str(reset.after)
    assert officer.get("/inbox").status_code == 302  # the old session ended with the new password
    assert Browser(app).login("stc").status_code == 200  # the old password no longer works
    assert Browser(app).login("stc", "mat-khau-moi-123").status_code == 302


def test_an_admin_cannot_remove_their_own_admin_role(org_tree, browser):
    admin = browser("admin")
    page = f"/admin/users/{org_tree['admin'].id}"
    refused = admin.post(page, {"full_name": "Quản trị", "unit": "VP", "roles": ["clerk"]})
    assert "Không thể tự bỏ vai trò quản trị hệ thống của chính mình." in refused.get_data(as_text=True)
    assert admin.get("/admin/users").status_code == 200


def test_the_system_admin_seeds_a_province_from_the_page(engine, browser):
    admin = browser("admin")
    page = admin.get("/admin/organisation").get_data(as_text=True)
    assert page.count("<option value=\"") == 1 + 34 and "Tỉnh Cao Bằng" in page  # the 34 of 2025
    response = admin.post("/admin/organisation", {"province": "04"})
    assert response.status_code == 302
    page = admin.get("/admin/organisation").get_data(as_text=True)
    assert "UBND tỉnh Cao Bằng: đã tạo" in page
    assert "<td>UBND tỉnh Cao Bằng</td><td>12</td><td>56</td>" in page
    response = admin.post("/admin/organisation", {"province": "99"}, page="/admin/organisation")
    assert response.status_code == 400 and "Không có tỉnh, thành phố mã 99" in response.get_data(as_text=True)
    assert browser("clerk").get("/admin/organisation").status_code == 403

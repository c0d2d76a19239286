"""Admin pages: incidents with retry, calendar corrections, users."""
from datetime import date

from sqlalchemy import select

from engine import clock
from engine.org.models import User
from engine.runtime.models import Incident, WorkflowInstance
from engine.working_days.models import CalendarOverride


def test_incidents_are_listed_escaped_and_retry_reports_back(loaded, assigned, browser):
    with loaded.db.session() as s:
        instance_id = s.scalar(select(WorkflowInstance.id))
        s.add(Incident(instance_id=instance_id, element_id="x", error="ValueError: <b>bad</b>",
                       created_at=clock.now(), status="open"))
    admin = browser("admin")
    page = admin.get("/admin/incidents").get_data(as_text=True)
    assert "ValueError: &lt;b&gt;bad&lt;/b&gt;" in page
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
    assert "Nghỉ bù" in admin.get("/admin/calendar").get_data(as_text=True)
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

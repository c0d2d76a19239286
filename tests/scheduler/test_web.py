"""The notification list in the web UI: each person sees only their own, the unread badge,
mark read (one, all), open, the e-mail preference; CSRF and escaping hold."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, update

from engine.clock import VN_TZ
from engine.directives.models import Assignment, AssignmentUnit
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import User
from engine.scheduler.service import tick
from tests.scheduler.conftest import start_urging
from tests.webui.conftest import Browser
from webui.app import create_app


@pytest.fixture
def app(urging):
    return create_app(urging, SECRET_KEY="test-secret", TESTING=True)


def signed_in(app, username: str) -> Browser:
    b = Browser(app)
    assert b.login(username).status_code == 302
    return b


@pytest.fixture
def reminded(urging, clock):
    """Two reminders for the STC officer, one with markup in its assignment's content."""
    clock.set(datetime(2026, 3, 2, 9, tzinfo=VN_TZ))
    start_urging(urging, "2026-03-05", symbol="1/CT-UBND")
    start_urging(urging, "2026-03-05", symbol="2/CT-UBND", content="<script>alert(1)</script> Báo cáo")
    clock.set(datetime(2026, 3, 4, 8, 1, tzinfo=VN_TZ))
    tick(urging)
    with urging.db.session() as s:
        # by assignment: one tick may write the two reminders in either order
        return list(s.scalars(select(Notification.id).order_by(Notification.assignment_id)))


def test_list_badge_and_mark_read(app, reminded):
    stc = signed_in(app, "stc")
    page = stc.get("/notifications").get_data(as_text=True)
    assert "Nhắc hạn: nhiệm vụ theo văn bản 1/CT-UBND đến hạn ngày 05/03/2026" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert '<span class="badge overdue">2</span>' in page and "2 thông báo chưa đọc" in page
    assert stc.post("/notifications/read", {"id": str(reminded[0])}, page="/notifications").status_code == 302
    assert '<span class="badge overdue">1</span>' in stc.get("/notifications").get_data(as_text=True)
    opened = stc.post(f"/notifications/{reminded[1]}/open", page="/notifications")
    assert opened.status_code == 302 and opened.location.endswith("/assignments/2")
    page = stc.get("/notifications?show=unread").get_data(as_text=True)
    assert "Không có thông báo." in page and 'class="badge overdue"' not in page


def test_people_see_and_touch_only_their_own(app, reminded, urging):
    other = signed_in(app, "sxd")
    assert "1/CT-UBND" not in other.get("/notifications").get_data(as_text=True)
    assert other.post(f"/notifications/{reminded[0]}/open", page="/notifications").status_code == 404
    other.post("/notifications/read", page="/notifications")  # "all": all of *mine*
    with urging.db.session() as s:
        assert s.scalars(select(Notification.read_at)).all() == [None, None]
    no_token = other.client.post("/notifications/read", data={})
    assert no_token.status_code == 400
    assert Browser(app).get("/notifications").status_code == 302  # signed out: to the sign-in page


def test_choosing_the_daily_digest(app, reminded, urging):
    stc = signed_in(app, "stc")
    assert stc.post("/notifications/preferences", {"email": "sometimes"}).status_code == 200
    saved = stc.post("/notifications/preferences", {"email": "digest"})
    assert saved.status_code == 302
    page = stc.get("/notifications/preferences").get_data(as_text=True)
    assert 'value="digest" checked' in page
    assert "khi có hơn 10 thông báo cùng chờ gửi" in page  # the catch-up mail, said in Vietnamese
    with urging.db.session() as s:
        assert s.scalar(select(User.email_digest).where(User.username == "stc")) is True
        assert set(s.scalars(select(Notification.email_status))) == {"digest"}  # waiting ones follow


# The neutral line a withheld notification shows, addressing its reader as Anh/Chị (it said "Bạn")
WITHHELD = "Anh/Chị không còn quyền xem nội dung này"


@pytest.mark.usefixtures("vietnamese")
def test_a_notification_shows_its_content_only_while_its_reader_may_see_its_task(app, reminded, urging, org_tree):
    """The first task goes to Sở Xây dựng: its reminder says only the neutral line to the STC
    officer, is not counted unread and opens nothing; once the officer moves to Sở Xây dựng,
    it is theirs to read again and the second one is withheld."""
    with urging.db.session() as s:
        first = s.get_one(Notification, reminded[0]).assignment_id
        sxd = org.require_unit(s, "SXD").id
        s.get_one(Assignment, first).lead_unit_id = sxd
        s.execute(update(AssignmentUnit).where(AssignmentUnit.assignment_id == first).values(unit_id=sxd))
    stc = signed_in(app, "stc")
    page = stc.get("/notifications").get_data(as_text=True)
    assert "1/CT-UBND" not in page and "2/CT-UBND" in page and page.count(WITHHELD) == 1
    assert '<span class="badge overdue">1</span>' in page and page.count('name="id"') == 1
    assert WITHHELD not in stc.get("/notifications?show=unread").get_data(as_text=True)
    opened = stc.post(f"/notifications/{reminded[0]}/open", page="/notifications")
    assert opened.status_code == 302 and opened.location.endswith("/notifications")
    with urging.db.session() as s:
        s.get_one(User, org_tree["stc"].id).unit_id = sxd
    page = stc.get("/notifications").get_data(as_text=True)
    assert "1/CT-UBND" in page and "2/CT-UBND" not in page and page.count(WITHHELD) == 1

"""Admin pages: incidents with retry, the calendar's year and its corrections, users."""
import html
import re
from datetime import date, datetime

from sqlalchemy import func, select

from engine import clock
from engine.audit.models import AuditEntry
from engine.org import service as org
from engine.org.models import User
from engine.runtime.models import Incident, WorkflowInstance, WorkItem
from engine.scheduler.service import tick
from engine.working_days import WorkingCalendar
from engine.working_days.models import CalendarOverride
from tests.conftest import PASSWORD
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
    # a day of a year the calendar does not hold is refused: its page could neither show nor remove it
    response = admin.post("/admin/calendar", {"day": "01/01/2050", "working": "0", "note": "Nghỉ Tết"})
    assert response.status_code == 302
    assert "Ngày: lịch chỉ có các năm từ 2015 đến 2040." in admin.get(response.location).get_data(as_text=True)
    with engine.db.session() as s:
        assert s.scalar(select(CalendarOverride.day)) is None

    response = admin.post("/admin/users", {"username": "moi", "full_name": "Người Mới", "password": "ngan",
                                           "unit": "STC", "roles": ["unit_officer"]})
    assert response.status_code == 422 and "Chưa tạo được người dùng" in response.get_data(as_text=True)
    for blank, said in (({"username": ""}, "Cần nhập tên đăng nhập"), ({"username": "moi moi"}, "không có dấu cách"),
                        ({"full_name": " "}, "Cần nhập họ và tên"), ({"unit": ""}, "Cần chọn đơn vị")):
        response = admin.post("/admin/users", {"username": "moi", "full_name": "Người Mới", "password": "mat-khau-dai",
                                               "unit": "STC", "roles": ["unit_officer"], **blank})
        assert response.status_code == 422 and said in response.get_data(as_text=True), blank
    with engine.db.session() as s:  # none of them was created
        assert s.scalar(select(User).where(User.full_name.in_(["Người Mới", " "]))) is None
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
    assert short.status_code == 422
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


def test_a_user_s_name_and_address_are_checked_before_they_are_kept(engine, org_tree, browser):
    """A username or full name longer than its column was a server error on PostgreSQL (kept
    whole by SQLite), and an address without '@' was kept, every mail to it then failing."""
    admin = browser("admin")
    person = {"username": "moi", "full_name": "Người Mới", "password": "mat-khau-dai", "unit": "STC",
              "roles": ["unit_officer"]}
    for wrong, said in (({"username": "u" * 65}, "Tên đăng nhập có tối đa 64 ký tự."),
                        ({"full_name": "H" * 256}, "Họ và tên có tối đa 255 ký tự."),
                        ({"email": "moi.stc.gov.vn"}, "Địa chỉ thư điện tử moi.stc.gov.vn không hợp lệ."),
                        ({"email": "a@" + "b" * 255}, "không hợp lệ")):
        response = admin.post("/admin/users", {**person, **wrong})
        assert response.status_code == 422 and said in response.get_data(as_text=True), wrong
    with engine.db.session() as s:
        assert s.scalar(select(User).where(User.full_name.in_(["Người Mới", "H" * 256]))) is None
    page = f"/admin/users/{org_tree['stc'].id}"
    edited = admin.post(page, {"full_name": "Phạm Chuyên Viên", "unit": "STC", "roles": ["unit_officer"],
                               "email": "stc@"})
    assert edited.status_code == 422 and "Địa chỉ thư điện tử stc@ không hợp lệ." in edited.get_data(as_text=True)
    assert admin.post("/admin/users", {**person, "email": " Moi@STC.gov.vn "}).status_code == 302


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
    # seeded beside the deployment's own tree: said in Vietnamese, with the office that goes on tracking
    assert ("Hệ thống này còn có: UBND tỉnh. Mỗi tỉnh là một cây tổ chức riêng, do Văn phòng UBND tỉnh theo dõi; khi "
            "có hai tỉnh") in page
    response = admin.post("/admin/organisation", {"province": "99"}, page="/admin/organisation")
    assert response.status_code == 400 and "Không có tỉnh, thành phố mã 99" in response.get_data(as_text=True)
    response = admin.post("/admin/organisation", {"province": "95"}, page="/admin/organisation")
    assert response.status_code == 400 and ("Mã 95 là mã của Tỉnh Bạc Liêu trước ngày 01/07/2025, nay thuộc Tỉnh Cà "
                                            "Mau: hãy khởi tạo theo mã 96") in response.get_data(as_text=True)
    assert browser("clerk").get("/admin/organisation").status_code == 403


def test_the_system_admin_marks_a_commune_an_issuing_body_from_the_page(engine, browser):
    """Its own office then tracks its committee's directives (org.body_of); the change is audited."""
    admin = browser("admin")
    marked = admin.post("/admin/organisation/issuing-body", {"unit": "STC", "issuing": "on"},
                        page="/admin/organisation", follow_redirects=True).get_data(as_text=True)
    assert "Sở Tài chính là cơ quan ban hành" in marked and "Số cơ quan ban hành: 1 (Sở Tài chính)" in marked
    with engine.db.session() as s:
        assert org.body_of(s, org.require_unit(s, "STC-NS").id).code == "STC"
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.action == "unit.issuing_body")).all()
    admin.post("/admin/organisation/issuing-body", {"unit": "STC"}, page="/admin/organisation")
    with engine.db.session() as s:
        assert org.body_of(s, org.require_unit(s, "STC-NS").id).code == "UBND"
    unknown = admin.post("/admin/organisation/issuing-body", {"unit": "XX", "issuing": "on"},
                         page="/admin/organisation", follow_redirects=True).get_data(as_text=True)
    assert "XX" in unknown and "Số cơ quan ban hành: 0" in unknown
    assert browser("clerk").post("/admin/organisation/issuing-body", {"unit": "STC", "issuing": "on"},
                                 page="/directives/new").status_code == 403


def _cell(page: str, day: str) -> str:
    """The grid cell of `day` (dd/mm/yyyy) on the calendar page."""
    found = re.search(rf'<td class="([^"]+)" data-day="{day}" title="([^"]+)">', page)
    assert found, day
    return f"{found.group(1)} | {html.unescape(found.group(2))}"


def test_the_calendar_shows_the_year_as_deadlines_count_it(engine, browser):
    admin = browser("admin")
    page = admin.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "Lịch ngày làm việc năm 2026" in page
    assert all(f"Tháng {n}</h2>" in page for n in range(1, 13))
    assert re.findall(r'<th scope="col">([^<]+)</th>', page)[:7] == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    assert _cell(page, "17/02/2026") == "holiday | 17/02/2026: Ngày lễ, ngày nghỉ · Tết Nguyên Đán"
    assert _cell(page, "10/01/2026") == "swapped | 10/01/2026: Ngày làm bù · Làm bù cho thứ Sáu 02/01/2026"
    assert _cell(page, "22/08/2026").startswith("swapped | ")  # the holidays package's own swap
    assert _cell(page, "24/11/2026").startswith("working | 24/11/2026: Ngày làm việc · Ngày Văn hóa Việt Nam")
    assert _cell(page, "14/02/2026") == "weekend | 14/02/2026: Nghỉ cuối tuần"
    assert _cell(page, "13/02/2026") == "working | 13/02/2026: Ngày làm việc"
    assert 'href="/admin/calendar?year=2025"' in page and 'href="/admin/calendar?year=2027"' in page
    # one rule: every day of the grid is what the deadline computation counts
    calendar = WorkingCalendar()
    kinds = {day: kind for kind, day in re.findall(r'<td class="(\w+)[^"]*" data-day="([\d/]+)"', page)}
    assert len(kinds) == 365
    assert all((kind in ("working", "swapped")) == calendar.is_working_day(datetime.strptime(d, "%d/%m/%Y").date())
               for d, kind in kinds.items())

    response = admin.post("/admin/calendar", {"day": "05/02/2027", "working": "0", "note": "Nghỉ thêm dịp Tết"},
                          page="/admin/calendar")
    assert response.location.endswith("/admin/calendar?year=2027")
    page = admin.get(response.location).get_data(as_text=True)
    assert _cell(page, "05/02/2027") == "holiday corrected | 05/02/2027: Ngày lễ, ngày nghỉ · Nghỉ thêm dịp Tết"
    assert "Các điều chỉnh năm 2027" in page
    assert "<td>05/02/2027</td><td>Ngày nghỉ</td><td>Nghỉ thêm dịp Tết</td>" in page
    with engine.db.session() as s:
        assert WorkingCalendar.from_db(s).is_working_day(date(2027, 2, 5)) is False

    chosen = admin.get("/admin/calendar?year=2026&day=17/02/2026").get_data(as_text=True)
    assert 'name="day" placeholder="dd/mm/yyyy" required value="17/02/2026"' in chosen
    assert '<option value="1" selected>' in chosen  # a day off now: the form offers to make it worked
    refused = admin.get("/admin/calendar?year=2041")
    assert refused.status_code == 400 and "Năm: lịch chỉ có các năm từ 2015 đến 2040." in refused.get_data(as_text=True)
    assert browser("clerk").get("/admin/calendar").status_code == 403


def test_the_users_list_is_searched_without_diacritics_and_paged(engine, org_tree, browser):
    with engine.db.session() as s:
        for n in range(60):
            org.create_user(s, f"cv{n:02d}", PASSWORD, f"Nguyễn Văn Số {n:02d}", "SXD", ["unit_officer"])
    admin = browser("admin")
    first = admin.get("/admin/users").get_data(as_text=True)
    assert "67 người dùng" in first and first.count('href="/admin/users/') == 50  # page size 50
    assert 'href="/admin/users?page=2"' in first and '<strong aria-current="page">1</strong>' in first
    second = admin.get("/admin/users?page=2").get_data(as_text=True)
    assert second.count('href="/admin/users/') == 17
    past = admin.get("/admin/users?page=99").get_data(as_text=True)  # past the end: the last page
    assert past.count('href="/admin/users/') == 17 and '<strong aria-current="page">2</strong>' in past

    found = admin.get("/admin/users?q=nguyen+van").get_data(as_text=True)
    assert "61 người dùng" in found and "Nguyễn Văn Theo Dõi" in found  # the clerk and the sixty
    assert 'href="/admin/users?q=nguyen+van&amp;page=2"' in found
    assert "61 người dùng" in admin.get("/admin/users?q=NGUYỄN%20%20văn").get_data(as_text=True)
    by_unit = admin.get("/admin/users?q=so+tai+chinh").get_data(as_text=True)  # Sở Tài chính
    assert "2 người dùng" in by_unit and "Phạm Chuyên Viên" in by_unit and "Võ Giám Đốc" in by_unit
    assert "1 người dùng" in admin.get("/admin/users?q=chutich").get_data(as_text=True)
    assert "Không có người dùng phù hợp." in admin.get("/admin/users?q=khong+ai").get_data(as_text=True)


def test_the_admin_is_told_when_the_last_holder_of_a_role_leaves_work_waiting(engine, org_tree, assigned, browser):
    """Work items wait for a role in a unit: deactivating its last officer, or taking the role
    away, leaves them with nobody (the unit head holds another role); the admin is told which."""
    admin = browser("admin")
    with engine.db.session() as s:
        waiting = s.scalar(select(func.count()).select_from(WorkItem).where(
            WorkItem.status == "ready", WorkItem.role == "unit_officer", WorkItem.unit_id == org_tree["stc"].unit_id))
    assert waiting == 1
    told = ("Ở Sở Tài chính không còn ai đang hoạt động giữ vai trò Chuyên viên đơn vị: 1 việc đang chờ ở đó "
            "không ai nhận xử lý được.")
    response = admin.post(f"/admin/users/{org_tree['stc'].id}/active", page="/admin/users")
    assert told in html.unescape(admin.get(response.location).get_data(as_text=True))
    admin.post(f"/admin/users/{org_tree['stc'].id}/active", page="/admin/users")  # back at work: nothing to say
    assert "không còn ai" not in html.unescape(admin.get("/admin/users").get_data(as_text=True))

    response = admin.post(f"/admin/users/{org_tree['stc'].id}",
                          {"full_name": "Phạm Chuyên Viên", "unit": "STC", "roles": ["unit_head"]})
    assert told in html.unescape(admin.get(response.location).get_data(as_text=True))
    # a second officer of the unit takes the items: nobody is told
    admin.post("/admin/users", {"username": "stc2", "full_name": "Hồ Chuyên Viên", "password": "mat-khau-dai",
                                "unit": "STC", "roles": ["unit_officer"]})
    response = admin.post(f"/admin/users/{org_tree['stc'].id}",
                          {"full_name": "Phạm Chuyên Viên", "unit": "STC", "roles": ["unit_officer"]})
    admin.get(response.location)
    response = admin.post(f"/admin/users/{org_tree['stc'].id}/active", page="/admin/users")
    assert "không còn ai" not in html.unescape(admin.get(response.location).get_data(as_text=True))

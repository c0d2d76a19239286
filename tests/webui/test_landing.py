"""Each role lands where its work is, after signing in and on "/" (webui/nav.py landing)."""
from sqlalchemy import func, select

from engine import clock
from engine.directives.models import Assignment, Directive
from engine.runtime.models import Incident, WorkflowInstance
from tests.conftest import PASSWORD


def _lands(browser, username: str) -> str:
    b = browser(username)
    return b.get("/").location


def test_each_role_lands_where_its_work_is(loaded, assigned, browser):
    assert _lands(browser, "chutich") == "/reports"
    assert _lands(browser, "clerk") == "/today"
    assert _lands(browser, "chanhvp") == "/today"
    assert _lands(browser, "admin") == "/modeler/"  # no incident open: the process versions
    assert _lands(browser, "stc") == "/inbox"       # the task waits for the unit officer
    assert _lands(browser, "sxd") == "/assignments?unit=SXD"  # nothing waits: its unit's tasks, not an empty inbox


def test_sign_in_goes_through_the_landing(app, loaded):
    from tests.webui.conftest import Browser

    b = Browser(app)
    signed_in = b.client.post("/login", data={"username": "chutich", "password": PASSWORD,
                                              "csrf_token": b.token()}, follow_redirects=True)
    assert signed_in.request.path == "/reports"


def test_process_admin_lands_on_open_incidents(loaded, assigned, browser):
    with loaded.db.session() as s:
        instance_id = s.scalar(select(WorkflowInstance.id))
        s.add(Incident(instance_id=instance_id, error="boom", created_at=clock.now()))
    assert _lands(browser, "admin") == "/admin/incidents"


def test_office_day_lists_todays_registrations_and_overdue_tasks(loaded, assigned, browser):
    clerk = browser("clerk")
    with loaded.db.reading() as s:
        tasks = s.scalar(select(func.count(Assignment.id)).join(Directive).where(Directive.symbol == "45/2026/QĐ-UBND"))
    page = clerk.get("/today").get_data(as_text=True)
    assert "45/2026/QĐ-UBND" in page and "Đăng ký hôm nay" in page
    assert f"</span></td>\n        <td>{tasks}</td>" in page and tasks > 0  # its number of tasks
    assert browser("stc").get("/today").status_code == 403


def test_office_day_counts_the_tasks_a_directive_awaiting_classification_was_registered_with(loaded, browser):
    """Its tasks are given when the office classifies it: until then the day read 0 tasks beside a directive
    registered (or imported from an Excel register) with two, as if they had been lost."""
    from tests.webui.conftest import register

    clerk = browser("clerk")
    registered = register(clerk, symbol="46/2026/QĐ-UBND", **{
        "a-1-content": "Tuyên truyền", "a-1-lead_unit": "SXD", "a-1-deadline_days": "10"})
    assert registered.status_code == 302
    page = clerk.get("/today").get_data(as_text=True)
    assert "46/2026/QĐ-UBND" in page and "</span></td>\n        <td>2</td>" in page


def test_unit_head_and_inspector_land_on_their_work(loaded, assigned, browser):
    from engine.org import service as org

    with loaded.db.session() as s:
        org.create_user(s, "thanhtra", PASSWORD, "Hồ Thanh Tra", "VP", ["inspector"])
        org.create_user(s, "hethong", PASSWORD, "Lý Hệ Thống", "VP", ["system_admin"])
    # the unit officer's step does not wait for the head in person: the unit's inbox
    assert _lands(browser, "stc_gd") == "/inbox?view=unit"
    assert _lands(browser, "thanhtra") == "/inspections"
    assert _lands(browser, "hethong") == "/admin/users"  # the system admin: the users


def test_every_step_the_unit_view_lists_opens(loaded, assigned, browser):
    """The unit head lands on the unit's waiting work, the officer's step among it: each row opens
    a page (the step's form when the reader may do it, else the task it is for), never a 404."""
    import re

    with loaded.db.reading() as s:
        assignment_id = s.scalar(select(Assignment.id))
    head = browser("stc_gd")
    page = head.get("/inbox?view=unit").get_data(as_text=True)
    assert f'<a class="title" href="/assignments/{assignment_id}">' in page  # the officer's step
    for link in re.findall(r'href="(/work/\d+)"', page):
        assert head.get(link).status_code == 200, link

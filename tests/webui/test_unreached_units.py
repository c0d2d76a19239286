"""A task given to a unit no account receives tasks in (a seeded commune before its accounts): the office is told
when it gives it — on the register form and the classification — and keeps being told — on the directive's page,
its day's and the registry's lists —, the administrator's organisation page lists the unit, and all of it stops
once an account is made there (engine.directives.reach)."""
from __future__ import annotations

import re
from datetime import timedelta

from engine.org import service as org
from tests.conftest import PASSWORD
from tests.webui.conftest import register

WARNING = ("Chưa có tài khoản nào nhận việc ở: UBND xã A. Nhiệm vụ vẫn được giao; "
           "đơn vị sẽ thấy nhiệm vụ khi có tài khoản.")
TAG = '<span class="tag unreached">Chưa có tài khoản nào nhận việc</span>'


def _tagged(page: str) -> bool:
    return TAG in page


def test_the_office_and_the_administrator_are_told_of_a_unit_nobody_receives_until_its_account_is_made(
        loaded, browser, clock):
    with loaded.db.session() as s:
        org.create_unit(s, "xa-a", "UBND xã A", parent_code="UBND", kind="commune")
    clerk = browser("clerk")
    form = clerk.get("/directives/new").get_data(as_text=True)
    assert re.search(r'<option value="xa-a"[^>]* data-unreached="UBND xã A"', form)
    assert not re.search(r'<option value="STC"[^>]* data-unreached', form)
    assert "Chưa có tài khoản nào nhận việc ở: {units}." in form

    registered = register(clerk, lead="xa-a", **{"a-0-coordinating_units": "STC"})
    assert registered.status_code == 302, registered.get_data(as_text=True)
    page = clerk.get(registered.location).get_data(as_text=True)
    step = re.search(r'class="button primary" href="(/work/\d+)"', page).group(1)
    assert WARNING in clerk.get(step).get_data(as_text=True)  # before the office confirms its classification
    assert clerk.post(step, {"tracked": "on"}).status_code == 302

    page = clerk.get(registered.location).get_data(as_text=True)
    assert page.count(TAG) == 1 and re.search(r"UBND xã A\s*" + re.escape(TAG), page)
    clock.advance(timedelta(days=20))  # past its deadline: on the office's day and the registry's late list
    clerk = browser("clerk")
    assert _tagged(clerk.get("/today").get_data(as_text=True))
    assert _tagged(clerk.get("/assignments?outcome=overdue").get_data(as_text=True))
    admin = browser("admin")
    listed = admin.get("/admin/organisation").get_data(as_text=True)
    assert "Đơn vị có nhiệm vụ đang mở nhưng chưa có ai nhận" in listed
    assert re.search(r"<tr><td>UBND xã A</td><td>1</td></tr>", listed)

    with loaded.db.session() as s:
        org.create_user(s, "cv_xa_a", PASSWORD, "Đỗ Chuyên Viên", "xa-a", ["unit_officer"])
    assert not _tagged(clerk.get(registered.location).get_data(as_text=True))
    assert not _tagged(clerk.get("/today").get_data(as_text=True))
    assert "UBND xã A" not in admin.get("/admin/organisation").get_data(as_text=True)
    assert "Báo cáo kết quả rà soát" in browser("cv_xa_a").get("/inbox").get_data(as_text=True)  # its work found


def test_the_other_forms_giving_tasks_mark_the_units_nobody_receives(loaded, browser, tmp_path):
    """The page adding tasks to a directive and the register page of a document from the national hub."""
    from tests.webui.test_received_page import _waiting

    with loaded.db.session() as s:
        org.create_unit(s, "xa-a", "UBND xã A", parent_code="UBND", kind="commune")
    clerk = browser("clerk")
    registered = register(clerk)
    directive_id = int(registered.location.rstrip("/").rsplit("/", 1)[1])
    for path in (f"/directives/{directive_id}/assignments/new", f"/directives/received/{_waiting(loaded, tmp_path)}"):
        form = clerk.get(path).get_data(as_text=True)
        assert re.search(r'<option value="xa-a"[^>]* data-unreached="UBND xã A"', form), path
        assert not re.search(r'<option value="STC"[^>]* data-unreached', form), path

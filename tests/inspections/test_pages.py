"""The inspection pages: propose, the list with its filters, a page per inspection in names
people read (units, full names, dd/mm/yyyy, Vietnamese history), the file and the follow-up
form; a unit sees only the inspections it is in."""
from __future__ import annotations

import io
import re
import shutil
from datetime import datetime

import pytest
from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.clock import VN_TZ
from engine.config import REPO_ROOT
from engine.directives.models import URGING_SENT, Assignment
from engine.inspections import service as inspections
from engine.inspections.models import Inspection
from tests.conftest import make_engine, publish_newer_version
from tests.inspections.conftest import populate
from tests.inspections.test_api import DECISION, complete, work
from tests.processes import drive
from tests.webui.conftest import Browser
from webui.app import create_app
from webui.formatting import vn_date


@pytest.fixture
def browser(deployment):
    engine, _ = deployment
    app = create_app(engine, SECRET_KEY="test-secret", TESTING=True)

    def signed_in(username: str) -> Browser:
        b = Browser(app)
        assert b.login(username).status_code == 302
        return b

    return signed_in


def text(response) -> str:
    return response.get_data(as_text=True)


def test_propose_follow_and_read_an_inspection(deployment, browser, clock):
    engine, users = deployment
    clock.set(datetime(2026, 4, 15, 9, 0))
    office = browser("chanhvp")
    refused = office.post("/inspections/new", {"title": "Đột xuất", "kind": "ad_hoc", "units": ["STC"]})
    assert refused.status_code == 422 and "Hãy nêu lý do cần kiểm tra đột xuất." in text(refused)
    made = office.post("/inspections/new", {"title": "Kiểm tra nhiệm vụ năm 2025", "kind": "planned",
                                            "units": ["STC", "SXD"]}, page="/inspections/new")
    assert made.status_code == 302
    page = made.headers["Location"]
    listed = text(office.get("/inspections?kind=planned&year=2026&unit=STC"))
    assert "Kiểm tra nhiệm vụ năm 2025" in listed and "Sở Tài chính, Sở Xây dựng" in listed
    assert "Kiểm tra nhiệm vụ năm 2025" not in text(office.get("/inspections?status=reported"))

    drive.complete(engine, "decide", DECISION, users["leader"])
    clock.set(datetime(2026, 4, 23, 16, 0))
    drive.complete(engine, "record_findings", {"ended_on": "23/04/2026", "findings": "Chậm 2 nhiệm vụ"},
                   users["inspector"])
    office = browser("chanhvp")  # signed in again, on the inspection's last day
    shown = text(office.get(page))
    for words in ("Hoàng Kiểm Tra (Trưởng đoàn)", "Trần Chánh Văn Phòng (Thành viên)", "20/04/2026 – 23/04/2026",
                  "TS. Trần Văn Chuyên", "07/05/2026", "Ban hành quyết định kiểm tra", "Đề xuất kiểm tra",
                  "Sở Tài chính, Sở Xây dựng",
                  "Báo cáo kết quả kiểm tra</a> — hạn 07/05/2026"):  # a link: the office head is on the team
        assert words in shown, words
    assert "kiemtra" not in shown and "2026-05-07" not in shown  # names and dd/mm/yyyy, not ids
    run_by = {"dak-lak": "Văn phòng UBND tỉnh, theo quyết định của Chủ tịch UBND tỉnh",  # the ruleset's terms
              "quynh-nhai": "Văn phòng HĐND và UBND huyện, theo quyết định của Chủ tịch UBND huyện"}[engine.ruleset]
    assert f'<dd class="run-by">{run_by}</dd>' in shown
    # the process's history reads the team by name too (a "users" field listed usernames)
    with engine.db.session() as s:
        instance_id = s.scalar(select(Inspection.instance_id))
    steps = text(browser("admin").get(f"/admin/instances/{instance_id}"))
    assert "Thành viên đoàn kiểm tra: Hoàng Kiểm Tra, Trần Chánh Văn Phòng" in steps

    # The inspected unit adds a paper with its file; the leader can open it.
    unit = browser("stc")
    added = unit.post(page + "/papers", {"kind": "execution_reports", "title": "Báo cáo của Sở Tài chính",
                                         "files": (io.BytesIO(b"%PDF-1.4 bao cao"), "bao-cao.pdf")}, page=page,
                      content_type="multipart/form-data")
    assert added.status_code == 302
    shown = text(browser("chutich").get(page))
    assert "Báo cáo của Sở Tài chính" in shown and "bao-cao.pdf</a>" in shown
    link = shown.split('class="file" href="', 1)[1].split('"', 1)[0]
    assert browser("chutich").get(link).status_code == 200

    drive.complete(engine, "write_report", {"assessment": "Cơ bản hoàn thành", "conclusion": "Chậm do thiếu số liệu",
                                            "recommendations": "Hoàn thành 2 nhiệm vụ"}, users["inspector"])
    follow = browser("clerk").post(page + "/follow-up", {
        "symbol": "25/TB-UBND", "issued_on": "23/04/2026", "issuer": "UBND", "summary": "Thông báo kết luận",
        "content": "Hoàn thành 2 nhiệm vụ còn lại", "lead_unit": "STC", "deadline": "29/05/2026"}, page=page)
    assert follow.status_code == 302 and "/work/" in follow.headers["Location"]  # on to classifying it
    shown = text(office.get(page))
    assert "25/TB-UBND" in shown
    directive = shown.split("Đã vào sổ thành văn bản <a href=\"", 1)[1].split('"', 1)[0]
    assert f'href="{page}">Xem cuộc kiểm tra</a>' in text(office.get(directive))  # linked back

    # Quỳnh Nhai Đ.14 k.1: the emulation council, told of the results report, reads it (and the
    # inspected unit's file) but adds nothing to the file.
    council = browser("tdkt")
    if engine.settings.ruleset == "quynh-nhai":
        shown = text(council.get(page))
        assert "Chậm do thiếu số liệu" in shown and "Thêm vào hồ sơ" not in shown
        assert council.get(link).status_code == 200
    else:
        assert council.get(page).status_code == 404


def test_a_title_longer_than_the_file_keeps_is_refused_naming_it(deployment, browser):
    """The page has no bound of its own (the API's schema has): a title of 256 characters was a
    server error on PostgreSQL."""
    engine, _ = deployment
    refused = browser("chanhvp").post("/inspections/new", {"title": "K" * 256, "kind": "planned", "units": ["STC"]})
    assert refused.status_code == 422 and "Tên cuộc kiểm tra có tối đa 255 ký tự." in text(refused)
    with engine.db.session() as s:
        assert s.scalar(select(Inspection.id)) is None


def test_a_unit_sees_only_its_inspections_and_may_not_propose_for_others(deployment, browser):
    office = browser("chanhvp")
    page = office.post("/inspections/new", {"title": "Kiểm tra Sở Tài chính", "kind": "planned", "units": ["STC"]},
                       page="/inspections/new").headers["Location"]
    assert browser("stc").get(page).status_code == 200
    outsider = browser("sxd")
    assert outsider.get(page).status_code == 404
    assert "Kiểm tra Sở Tài chính" not in text(outsider.get("/inspections"))
    assert outsider.get("/inspections/new").status_code == 403
    head = browser("stc_gd")  # a department head: internal inspections of its own units only
    refused = head.post("/inspections/new", {"title": "Kiểm tra Sở Xây dựng", "kind": "planned", "units": ["SXD"]})
    assert refused.status_code == 422 and "Anh/Chị không được đề xuất kiểm tra các đơn vị này." in text(refused)


def test_the_history_names_the_kind_of_a_paper_added_to_the_file(deployment, browser):
    office = browser("chanhvp")
    page = office.post("/inspections/new", {"title": "Kiểm tra Sở Tài chính", "kind": "planned", "units": ["STC"]},
                       page="/inspections/new").headers["Location"]
    assert office.post(page + "/papers", {"kind": "urging_documents", "title": "Công văn đôn đốc"},
                       page=page).status_code == 302
    history = text(office.get(page)).split("Nhật ký", 1)[1]
    assert "Văn bản theo dõi, đôn đốc" in history
    assert "urging_documents" not in history


def test_what_the_inspection_waits_for_names_the_unit(deployment, browser):
    """Each inspected unit's hand-over waits on the page under its unit's name: the office sees
    which unit has not yet handed over its report (two lines read the same before)."""
    engine, users = deployment
    office = browser("chanhvp")
    page = office.post("/inspections/new", {"title": "Kiểm tra hai sở", "kind": "planned", "units": ["STC", "SXD"]},
                       page="/inspections/new").headers["Location"]
    drive.complete(engine, "decide", DECISION, users["leader"])
    waiting = text(office.get(page)).split("Đang chờ xử lý", 1)[1].split("</section>", 1)[0]
    assert "cung cấp hồ sơ cho đoàn kiểm tra — Sở Tài chính — hạn 23/04/2026" in waiting
    assert "cung cấp hồ sơ cho đoàn kiểm tra — Sở Xây dựng — hạn 23/04/2026" in waiting


def test_a_refused_follow_up_names_each_field_at_fault_and_keeps_what_was_typed(deployment, browser, clock):
    """The follow-up form is on the inspection's page, which marks no field: the refusal names
    each one with its message ('Please correct the fields marked below' marked nothing). It answers
    422 with the page and the form as typed: it redirected (302) to an empty form, and the clerk typed
    the symbol, issuer, task, lead unit and deadline again for one wrong date (found walking it)."""
    engine, users = deployment
    clock.set(datetime(2026, 4, 15, 9, 0))
    office = browser("chanhvp")
    page = office.post("/inspections/new", {"title": "Kiểm tra Sở Tài chính", "kind": "planned", "units": ["STC"]},
                       page="/inspections/new").headers["Location"]
    drive.complete(engine, "decide", DECISION, users["leader"])
    clock.set(datetime(2026, 4, 23, 16, 0))
    drive.complete(engine, "record_findings", {"ended_on": "23/04/2026", "findings": "Chậm"}, users["inspector"])
    drive.complete(engine, "write_report", {"assessment": "Chậm", "conclusion": "Chậm 2 nhiệm vụ"}, users["inspector"])
    clerk = browser("clerk")
    notice = {"symbol": "25/TB-UBND", "issued_on": "23/04/2026", "issuer": "UBND", "summary": "Thông báo kết luận",
              "content": "Hoàn thành 2 nhiệm vụ", "lead_unit": "STC", "deadline": "29/05/2026"}
    for wrong, named in (({"issued_on": "32/04/2026"}, "Ngày ban hành: Nhập ngày theo dạng dd/mm/yyyy."),
                         ({"deadline": "31/02/2026"}, "Nhiệm vụ 1: thời hạn phải là ngày")):
        refused = clerk.post(page + "/follow-up", {**notice, **wrong}, page=page)
        assert refused.status_code == 422
        shown = text(refused)
        assert named in shown and "đánh dấu bên dưới" not in shown
        typed = {**notice, **wrong}
        for name in ("symbol", "issued_on", "issuer", "deadline"):
            assert re.search(rf'name="{name}"[^>]*value="{re.escape(typed[name])}"', shown), name
        assert '<option value="STC" selected>' in shown
        assert ">Hoàn thành 2 nhiệm vụ</textarea>" in shown and ">Thông báo kết luận</textarea>" in shown
        assert named not in text(clerk.get(page))  # told once


def test_the_follow_up_form_offers_the_inspected_unit_not_the_committee(deployment, browser, clock):
    """The recommendations are the inspected unit's to carry out: with one unit inspected, the follow-up's lead
    unit is it; with several, none is chosen for the clerk. The form chose the tree's first unit, the People's
    Committee itself, and a clerk who did not look gave it the task (found walking Quỳnh Nhai's follow-up)."""
    engine, users = deployment
    clock.set(datetime(2026, 4, 15, 9, 0))
    office, pages = browser("chanhvp"), {}
    for units in (("STC",), ("STC", "SXD")):  # one after the other: drive.complete takes the one step ready
        clock.set(datetime(2026, 4, 15, 9, 0))
        proposed = office.post("/inspections/new", {"title": f"Kiểm tra {'-'.join(units)}", "kind": "planned",
                                                    "units": list(units)}, page="/inspections/new")
        pages[units] = proposed.headers["Location"]
        drive.complete(engine, "decide", DECISION, users["leader"])
        clock.set(datetime(2026, 4, 23, 16, 0))
        drive.complete(engine, "record_findings", {"ended_on": "23/04/2026", "findings": "Chậm"}, users["inspector"])
        drive.complete(engine, "write_report", {"assessment": "Chậm", "conclusion": "Chậm"}, users["inspector"])
    clerk = browser("clerk")

    def chosen(page: str) -> list[str]:
        form = text(clerk.get(page)).split('name="lead_unit"', 1)[1].split("</select>", 1)[0]
        return re.findall(r'<option value="([^"]*)" selected>', form)

    assert chosen(pages[("STC",)]) == ["STC"]
    assert chosen(pages[("STC", "SXD")]) == [] and '<option value="">— Chọn —</option>' in text(
        clerk.get(pages[("STC", "SXD")]))


def test_the_version_page_names_a_running_inspection_by_its_title(database_url, clock, tmp_path):
    """Moving running instances to a new version: an inspection's is named by its title, as a
    directive's by its symbol (it read only 'Kiểm tra việc thực hiện nhiệm vụ · phiên bản 1')."""
    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    engine = make_engine(database_url, clock, processes_dir=str(processes), tmp_path=tmp_path)
    users = populate(engine)
    inspections.propose(engine, {"title": "Kiểm tra Sở Tài chính năm 2026", "units": ["STC"]}, users["office_head"])
    newer = publish_newer_version(engine, processes, "dak-lak", "first_update = 3", "first_update = 4")
    admin = Browser(create_app(engine, SECRET_KEY="test-secret", TESTING=True))
    assert admin.login("admin").status_code == 302
    page = text(admin.get(f"/modeler/versions/{newer}"))
    assert "Kiểm tra việc thực hiện nhiệm vụ · phiên bản 1 · Kiểm tra Sở Tài chính năm 2026" in page
    engine.close()


def test_a_secret_follow_up_is_not_shown_to_those_of_the_inspection_who_may_not_see_it(deployment, browser, clock):
    """Quỳnh Nhai keeps secret documents: follow-up tasks registered as a secret directive are
    listed on the inspection's page only to those who may see that directive — not to another
    inspected unit, nor to the council that reads the results."""
    engine, users = deployment
    if engine.settings.ruleset != "quynh-nhai":
        pytest.skip("only Quỳnh Nhai stores secret documents")
    clock.set(datetime(2026, 4, 15, 9, 0))
    office = browser("chanhvp")
    page = office.post("/inspections/new", {"title": "Kiểm tra hai phòng", "kind": "planned",
                                            "units": ["STC", "SXD"]}, page="/inspections/new").headers["Location"]
    drive.complete(engine, "decide", DECISION, users["leader"])
    clock.set(datetime(2026, 4, 23, 16, 0))
    drive.complete(engine, "record_findings", {"ended_on": "23/04/2026", "findings": "Chậm"}, users["inspector"])
    drive.complete(engine, "write_report", {"assessment": "Chậm", "conclusion": "Chậm"}, users["inspector"])
    inspection_id = int(page.rsplit("/", 1)[1])
    notice = {"symbol": "25/TB-XMATX", "issued_on": "23/04/2026", "issuer": "UBND", "summary": "XSUMMARYX",
              "secrecy": "secret"}
    task = {"content": "XCONTENTX", "lead_unit": "STC", "deadline": "29/05/2026"}
    inspections.follow_up(engine, inspection_id, notice, [task], users["office_head"])
    assert "XSUMMARYX" in text(browser("chanhvp").get(page))
    for outsider in ("sxd", "tdkt"):
        shown = text(browser(outsider).get(page))
        assert "Kiểm tra hai phòng" in shown or outsider == "tdkt"
        assert not any(marker in shown for marker in ("XMATX", "XSUMMARYX", "XCONTENTX")), outsider


def test_the_file_form_offers_the_kinds_the_reader_files(deployment, browser):
    """The inspected unit is offered its reports and other documents, the office not those reports."""
    page = browser("chanhvp").post("/inspections/new", {"title": "Kiểm tra Sở Tài chính", "kind": "planned",
                                                        "units": ["STC"]}, page="/inspections/new").headers["Location"]
    offered = {who: text(browser(who).get(page)).split('<select name="kind">', 1)[1].split("</select>", 1)[0]
               for who in ("stc", "chanhvp")}
    assert offered["stc"].count("<option") == 2 and 'value="execution_reports"' in offered["stc"]
    assert 'value="decision"' in offered["chanhvp"] and 'value="execution_reports"' not in offered["chanhvp"]


def test_a_step_of_an_inspection_opens_it(deployment, browser, clock):
    """The leader deciding an inspection, and the team recording its findings, reach its page (the
    proposal's reason, the units, the file) from the step they answer."""
    engine, users = deployment
    clock.set(datetime(2026, 4, 15, 9, 0))
    made = browser("chanhvp").post("/inspections/new", {"title": "Kiểm tra nhiệm vụ chậm", "kind": "ad_hoc",
                                                        "reason": "Nhiều nhiệm vụ quá hạn", "units": ["STC"]},
                                   page="/inspections/new")
    page = made.headers["Location"]
    for who, element in (("chutich", "decide"), ("kiemtra", "record_findings")):
        item_id = drive.ready(engine, element).id
        shown = text(browser(who).get(f"/work/{item_id}"))
        assert f'Cuộc kiểm tra: <a href="{page.removeprefix("http://localhost")}">Kiểm tra nhiệm vụ chậm</a>' in shown
        if element == "decide":
            drive.complete(engine, "decide", DECISION, users["leader"])


def test_each_step_of_an_inspection_shows_what_it_rests_on(deployment, browser, clock):
    """The leader deciding an ad-hoc inspection reads the proposal's reason and the units on the step's
    own page; the team writing the results report reads its findings and the file there, the unit's
    hand-over with its file linked — not only a link to the inspection's page."""
    engine, users = deployment
    clock.set(datetime(2026, 4, 15, 9, 0))
    browser("chanhvp").post("/inspections/new", {"title": "Kiểm tra nhiệm vụ chậm", "kind": "ad_hoc",
                                                 "reason": "Nhiều nhiệm vụ quá hạn", "units": ["STC"]},
                            page="/inspections/new")
    decide = _shown(browser("chutich"), drive.ready(engine, "decide").id)
    assert "Đột xuất: Nhiều nhiệm vụ quá hạn" in decide and "Sở Tài chính" in decide
    drive.complete(engine, "decide", DECISION, users["leader"])
    page = f"/work/{drive.ready(engine, 'hand_over', 'STC').id}"
    handed = browser("stc").post(page, {"hand_over_note": "Đã hoàn thành 10/12 nhiệm vụ",
                                        "hand_over_files": (io.BytesIO(b"%PDF-1.4 ho so"), "ho-so.pdf")},
                                 page=page, content_type="multipart/form-data")
    assert handed.status_code == 302
    clock.set(datetime(2026, 4, 23, 16, 0))
    drive.complete(engine, "record_findings", {"ended_on": "23/04/2026", "findings": "Chậm 2 nhiệm vụ"},
                   users["inspector"])
    report = _shown(browser("kiemtra"), drive.ready(engine, "write_report").id)
    assert "Chậm 2 nhiệm vụ" in report and "150/QĐ-UBND" in report
    assert "Báo cáo, hồ sơ của Sở Tài chính: Đã hoàn thành 10/12 nhiệm vụ" in report and "ho-so.pdf</a>" in report
    link = report.split('class="file" href="', 1)[1].split('"', 1)[0]
    assert browser("kiemtra").get(link).status_code == 200


def _shown(reader: Browser, item_id: int) -> str:
    """The step's section showing its inspection ('' without one)."""
    html = text(reader.get(f"/work/{item_id}"))
    return html.split('id="inspection-papers"')[1].split("</section>")[0] if 'id="inspection-papers"' in html else ""


def _offered(page: str, field: str) -> set[str]:
    select_ = re.search(rf'<select id="f-{field}" name="{field}".*?</select>', page, re.S)
    assert select_, field
    return set(re.findall(r'<option value="([^"]+)"', select_.group(0)))


def test_the_decision_offers_and_accepts_only_those_who_may_inspect(deployment, browser, call):
    """The team is drawn from those who may inspect: the holders of the role of the «Đoàn kiểm tra»
    lane and those running the inspection (the office, the leader), never the inspected unit's
    staff, another unit's officers or the administrators. The form offers no other; the server
    refuses one in Vietnamese naming the field, on the page and through the API."""
    engine, users = deployment
    browser("chanhvp").post("/inspections/new", {"title": "Kiểm tra Sở Tài chính", "kind": "planned",
                                                 "units": ["STC"]}, page="/inspections/new")
    item = work(call("chutich"), "inspection_decision")["id"]
    leader = browser("chutich")
    form = text(leader.get(f"/work/{item}"))
    for field in ("team_leader", "team_members"):
        offered = _offered(form, field)
        assert {"kiemtra", "chanhvp", "chutich"} <= offered, offered
        assert not offered & {"stc", "stc_gd", "stcns", "admin", "snv"}, offered
    refused = leader.post(f"/work/{item}", {**DECISION, "team_members": ["kiemtra", "stc"]}, page=f"/work/{item}")
    assert refused.status_code == 422
    assert "Phạm Chuyên Viên không thuộc những người được chọn ở mục này." in text(refused)
    assert "Thành viên đoàn kiểm tra" in text(refused)
    answer = call("chutich")("POST", f"/work-items/{item}/complete", json={**DECISION, "team_leader": "admin"})
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {
        "team_leader": "Quản Trị không thuộc những người được chọn ở mục này."}
    complete(call("chutich"), "inspection_decision", DECISION)


def test_the_file_holds_the_units_directives_and_their_urgings_from_the_system(deployment, browser, call, clock):
    """Parts 2 and 3 of the file (Quỳnh Nhai Đ.15 k.2–3) are not empty while dondoc holds them: the tasks
    given to the inspected unit by directives issued by the inspection's last day, by symbol, date and
    summary with each task and its page, and the schedule's urgings of those tasks in the history's words;
    a task it coordinates with the inspected unit named as taking part (the document gave it that part too);
    not another unit's task, nor a directive issued after the inspection. The API's file says the same."""
    engine, users = deployment
    clock.set(datetime(2026, 3, 2, 9, 0))
    drive.register(engine, users, [{"content": "Rà soát hồ sơ đất đai", "lead_unit": "STC", "deadline": "10/03/2026"},
                                   {"content": "XSNVTASKX", "lead_unit": "SNV", "deadline": "10/03/2026"},
                                   {"content": "Kiểm kê nhà công vụ", "lead_unit": "SXD", "deadline": "10/03/2026",
                                    "coordinating_units": ["STC"]}],
                   symbol="45/2026/QĐ-UBND", issued_on="27/02/2026", summary="Về việc rà soát đất đai")
    for day in range(3, 20):  # the schedule urges the task through its deadline and after it
        drive.run_timers_at(engine, clock, datetime(2026, 3, day, 9, 0, tzinfo=VN_TZ))
    with engine.db.session() as s:
        urged = s.scalars(select(AuditEntry).where(AuditEntry.action == URGING_SENT).order_by(AuditEntry.id)).all()
        said = [(vn_date(e.at), e.after["kind"]) for e in urged
                if s.get(Assignment, e.assignment_id).content == "Rà soát hồ sơ đất đai"]
        urged_coordinated = [e for e in urged if s.get(Assignment, e.assignment_id).content == "Kiểm kê nhà công vụ"]
    assert {kind for _day, kind in said} >= {"reminder", "overdue"}, said
    clock.set(datetime(2026, 4, 15, 9, 0))
    office = browser("chanhvp")
    page = office.post("/inspections/new", {"title": "Kiểm tra Sở Tài chính", "kind": "planned", "units": ["STC"]},
                       page="/inspections/new").headers["Location"]
    drive.complete(engine, "decide", DECISION, users["leader"])  # ends 23/04/2026
    clock.set(datetime(2026, 4, 28, 9, 0))
    drive.register(engine, users, [{"content": "XLATERX", "lead_unit": "STC", "deadline": "29/05/2026"}],
                   symbol="60/2026/QĐ-UBND", issued_on="27/04/2026")

    html = text(browser("kiemtra").get(page))
    part = {m.group(1): m.group(2) for m in re.finditer(r"<th>\d\. ([^<]+)</th>\s*<td>(.*?)</td></tr>", html, re.S)}
    given, urgings = part["Văn bản giao nhiệm vụ và văn bản liên quan"], part["Văn bản theo dõi, đôn đốc"]
    assert re.search(r'<a href="/directives/\d+">45/2026/QĐ-UBND</a> ngày 27/02/2026 — Về việc rà soát đất đai',
                     given), given
    assert re.search(r'<a href="/assignments/\d+">Nhiệm vụ 1</a>: Rà soát hồ sơ đất đai — Sở Tài chính — thời hạn '
                     r"10/03/2026", given), given
    assert re.search(r'<a href="/assignments/\d+">Nhiệm vụ 3</a>: Kiểm kê nhà công vụ — Sở Xây dựng — phối hợp: '
                     r"Sở Tài chính — thời hạn 10/03/2026", given), given
    assert "XSNVTASKX" not in given and "XLATERX" not in given and "60/2026" not in given
    assert re.search(r'<a href="/assignments/\d+">45/2026/QĐ-UBND, Nhiệm vụ 1</a>: Nhắc hạn \(còn', urgings), urgings
    assert "Cảnh báo quá hạn" in urgings and "Báo cáo đề nghị chỉ đạo" in urgings and ">—<" not in urgings
    assert urgings.count('class="held urging"') == len(said) + len(urged_coordinated)

    held = call("kiemtra")("GET", f"/inspections/{page.rsplit('/', 1)[1]}").get_json()["held"]
    assert [(d["symbol"], d["issued_on"], [a["content"] for a in d["assignments"]])
            for d in held["assigning_documents"]] == [("45/2026/QĐ-UBND", "2026-02-27",
                                                         ["Rà soát hồ sơ đất đai", "Kiểm kê nhà công vụ"])]
    assert [[(a["lead_unit"]["name"], [u["name"] for u in a["coordinating_units"]]) for a in d["assignments"]]
            for d in held["assigning_documents"]] == [[("Sở Tài chính", []), ("Sở Xây dựng", ["Sở Tài chính"])]]
    assert len(held["urging_documents"]) == len(said) + len(urged_coordinated)
    assert held["urging_documents"][0]["said"].startswith("Nhắc hạn (còn")


def test_a_secret_directive_is_in_the_file_only_for_those_who_may_see_it(deployment, browser, clock):
    """Quỳnh Nhai keeps secret documents: the secret directive giving a task to one inspected unit is in
    that unit's reading of the file, not in another inspected unit's (permissions.see_clause)."""
    engine, users = deployment
    if engine.settings.ruleset != "quynh-nhai":
        pytest.skip("only Quỳnh Nhai stores secret documents")
    clock.set(datetime(2026, 3, 2, 9, 0))
    drive.register(engine, users, [{"content": "XCONTENTX", "lead_unit": "STC", "deadline": "10/03/2026"}],
                   symbol="7/2026/QĐ-XMATX", issued_on="27/02/2026", summary="XSUMMARYX", secrecy="secret")
    clock.set(datetime(2026, 4, 15, 9, 0))
    page = browser("chanhvp").post("/inspections/new", {"title": "Kiểm tra hai sở", "kind": "planned",
                                                        "units": ["STC", "SXD"]},
                                   page="/inspections/new").headers["Location"]
    assert "XSUMMARYX" in text(browser("stc").get(page))
    shown = text(browser("sxd").get(page))
    assert "Kiểm tra hai sở" in shown
    assert not any(marker in shown for marker in ("XMATX", "XSUMMARYX", "XCONTENTX"))


def test_the_file_lists_the_newest_tasks_and_urgings_and_counts_the_older_ones(deployment, browser, call, clock,
                                                                               monkeypatch):
    """A unit inspected after years of tasks does not get every task and every urging on one page: the file
    lists the newest (HELD_TASKS, HELD_URGINGS; here 1 and 2) and says how many older ones it leaves out, on the
    page and in the API."""
    monkeypatch.setattr(inspections, "HELD_TASKS", 1)
    monkeypatch.setattr(inspections, "HELD_URGINGS", 2)
    engine, users = deployment
    clock.set(datetime(2026, 3, 2, 9, 0))
    drive.register(engine, users, [{"content": "XOLDERX", "lead_unit": "STC", "deadline": "10/03/2026"}],
                   symbol="44/2026/QĐ-UBND", issued_on="26/02/2026")
    drive.register(engine, users, [{"content": "XNEWERX", "lead_unit": "STC", "deadline": "10/03/2026"}],
                   symbol="45/2026/QĐ-UBND", issued_on="27/02/2026")
    for day in range(3, 13):
        drive.run_timers_at(engine, clock, datetime(2026, 3, day, 9, 0, tzinfo=VN_TZ))
    with engine.db.session() as s:
        newer = s.scalar(select(Assignment.id).where(Assignment.content == "XNEWERX"))
        urged = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == URGING_SENT,
                                                                             AuditEntry.assignment_id == newer))
    assert urged > 2
    clock.set(datetime(2026, 4, 15, 9, 0))
    page = browser("chanhvp").post("/inspections/new", {"title": "Kiểm tra Sở Tài chính", "kind": "planned",
                                                        "units": ["STC"]},
                                   page="/inspections/new").headers["Location"]
    html = text(browser("kiemtra").get(page))
    assert "XNEWERX" in html and "XOLDERX" not in html
    assert "Và 1 nhiệm vụ giao trước đó, không liệt kê ở đây (xem Sổ theo dõi nhiệm vụ)." in html
    assert html.count('class="held urging"') == 2
    assert f"Và {urged - 2} lần đôn đốc trước đó, không liệt kê ở đây" in html
    held = call("kiemtra")("GET", f"/inspections/{page.rsplit('/', 1)[1]}").get_json()["held"]
    assert [a["content"] for d in held["assigning_documents"] for a in d["assignments"]] == ["XNEWERX"]
    assert (len(held["urging_documents"]), held["assigning_documents_left_out"],
            held["urging_documents_left_out"]) == (2, 1, urged - 2)

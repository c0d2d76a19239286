"""The inspection pages: propose, the list with its filters, a page per inspection in names
people read (units, full names, dd/mm/yyyy, Vietnamese history), the file and the follow-up
form; a unit sees only the inspections it is in."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.inspections.models import Inspection
from tests.inspections.test_api import DECISION
from tests.processes import drive
from tests.webui.conftest import Browser
from webui.app import create_app


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
                  "Sở Tài chính, Sở Xây dựng", "Báo cáo kết quả kiểm tra — hạn 07/05/2026"):
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
        "symbol": "25/TB-UBND", "issued_on": "06/05/2026", "issuer": "UBND", "summary": "Thông báo kết luận",
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

"""An inspection in headless Chromium, under Đắk Lắk and Quỳnh Nhai: the office head proposes
it, the leader decides it with the five parts and the team, the inspected unit hands over its
documents, the team leader records the findings and sends the results report (due 7 working
days after Thu 23/04/2026: Thu 07/05/2026), the clerk registers the follow-up task."""
from datetime import datetime

import pytest

from tests.conftest import make_engine, screenshot
from tests.e2e.conftest import choose
from tests.e2e.test_scenario import open_work
from tests.inspections.conftest import RULESETS, populate
from webui.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(params=RULESETS)
def site(request, database_url, clock, tmp_path, serve):
    engine = make_engine(database_url, clock, ruleset=request.param, tmp_path=tmp_path)
    populate(engine)
    yield engine, serve(create_app(engine, SECRET_KEY="e2e-secret"))
    engine.close()


@pytest.fixture
def live_server(site):
    """The site's server, for the suite's `sign_in` (tests/e2e/conftest.py)."""
    return site[1]


def submit(page) -> None:
    page.click("button.primary")
    page.wait_for_selector(".flash.success")


def test_inspection_from_proposal_to_follow_up_task(site, sign_in, tmp_path, clock):
    engine = site[0]
    ruleset = engine.settings.ruleset
    clock.set(datetime(2026, 4, 23, 8, 0))  # the inspection's last day: its end is not a day to come

    office = sign_in("chanhvp")
    office.click("nav.menu a:has-text('Kiểm tra')")
    office.click("a.button:has-text('Đề xuất kiểm tra')")
    office.fill("input[name=title]", "Kiểm tra việc thực hiện nhiệm vụ năm 2025")
    office.check("input[name=kind][value=ad_hoc]")
    office.fill("textarea[name=reason]", "Nhiều nhiệm vụ quá hạn")
    choose(office, "select[name=units]", ["Sở Tài chính", "Sở Xây dựng"])
    submit(office)
    page = office.url
    assert "Sở Tài chính, Sở Xây dựng" in office.inner_text("dd.units")

    leader = sign_in("chutich")
    open_work(leader, "Ban hành quyết định kiểm tra")
    for name, value in (("decision_symbol", "150/QĐ-UBND"), ("decided_on", "17/04/2026"),
                        ("starts_on", "20/04/2026"), ("ends_on", "23/04/2026")):
        leader.fill(f"input[name={name}]", value)
    for name, value in (("legal_basis", "Quy chế theo dõi, đôn đốc, kiểm tra"), ("scope", "Sở Tài chính, Sở Xây dựng"),
                        ("content", "Tình hình, kết quả thực hiện nhiệm vụ"),
                        ("experts", "TS. Trần Văn Chuyên (Trường Đại học Tây Nguyên)")):
        leader.fill(f"textarea[name={name}]", value)
    leader.select_option("select[name=team_leader]", "kiemtra")
    choose(leader, "select[name=team_members]", ["Hoàng Kiểm Tra", "Trần Chánh Văn Phòng"])
    screenshot(leader, f"inspection-{ruleset}-1-decision")
    submit(leader)

    unit = sign_in("stc")
    report = tmp_path / "bao-cao-stc.pdf"
    report.write_bytes(b"%PDF-1.4 bao cao tinh hinh thuc hien")
    open_work(unit, "Báo cáo, cung cấp hồ sơ cho đoàn kiểm tra")
    unit.fill("textarea[name=hand_over_note]", "Đã hoàn thành 10/12 nhiệm vụ")
    unit.set_input_files("input[type=file][name=hand_over_files]", str(report))
    submit(unit)

    team = sign_in("kiemtra")
    open_work(team, "Kiểm tra, ghi nhận kết quả")
    team.fill("input[name=ended_on]", "23/04/2026")
    team.fill("textarea[name=findings]", "Sở Tài chính chậm 2 nhiệm vụ")
    submit(team)
    team.goto(page)
    assert team.inner_text("dd.report-due") == "07/05/2026"
    assert "Hoàng Kiểm Tra (Trưởng đoàn)" in team.inner_text("dd.team")
    assert "Báo cáo, hồ sơ của Sở Tài chính: Đã hoàn thành 10/12 nhiệm vụ" in team.inner_text("section.file")
    with team.expect_download() as download:  # the team reads what the unit handed over
        team.click("section.file a.file:has-text('bao-cao-stc.pdf')")
    assert download.value.suggested_filename == "bao-cao-stc.pdf"
    open_work(team, "Báo cáo kết quả kiểm tra")
    team.fill("textarea[name=assessment]", "Cơ bản hoàn thành")
    team.fill("textarea[name=conclusion]", "Sở Tài chính chậm 2 nhiệm vụ do thiếu số liệu")
    team.fill("textarea[name=recommendations]", "Sở Tài chính hoàn thành 2 nhiệm vụ còn lại")
    submit(team)

    unit.goto(page)
    assert "Đã báo cáo kết quả" in unit.inner_text("h1")
    assert ("Đã công khai" in unit.inner_text("dd.conclusion")) == (ruleset == "dak-lak")
    assert "Báo cáo kết quả kiểm tra" in unit.inner_text("section.card:has(h2:has-text('Nhật ký'))")
    screenshot(unit, f"inspection-{ruleset}-2-reported")

    clerk = sign_in("clerk")
    clerk.goto(page)
    for name, value in (("symbol", "25/TB-UBND"), ("issued_on", "23/04/2026"), ("issuer", "UBND"),
                        ("deadline", "29/05/2026")):
        clerk.fill(f"section.follow-up input[name={name}]", value)
    clerk.select_option("section.follow-up select[name=lead_unit]", "STC")
    clerk.click("button:has-text('Vào sổ nhiệm vụ sau kiểm tra')")
    clerk.wait_for_selector("h1:has-text('Phân loại văn bản')")  # on to classifying it, like any directive
    submit(clerk)
    clerk.goto(page)
    assert "Sở Tài chính hoàn thành 2 nhiệm vụ còn lại — thời hạn 29/05/2026" in clerk.inner_text("section.follow-up")
    open_work(unit, "Thực hiện và cập nhật tiến độ")  # the unit's ordinary task, urged like any other
    assert "Sở Tài chính hoàn thành 2 nhiệm vụ còn lại" in unit.inner_text("main")

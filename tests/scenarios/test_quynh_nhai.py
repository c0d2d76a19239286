"""Quỳnh Nhai district (QĐ 02/2015/QĐ-UBND) from receipt to closing, on the 2026 calendar
(Tết: Mon 16 – Fri 20 Feb off)."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.config import REPO_ROOT
from engine.errors import Forbidden
from engine.forms import FormValidationError, parse_form
from engine.registry import service as registry
from engine.reports import counts
from engine.reports.export_xlsx import write_xlsx
from engine.reports.query import ReportQuery
from engine.reports.service import build_report
from engine.secrecy import service as secrecy
from engine.secrecy.models import SecretDocument
from tests.scenarios.drive import Scenario, due_day, run_inspection


@pytest.fixture
def sc(database_url, clock, tmp_path):
    scenario = Scenario.start(database_url, clock, "quynh-nhai", tmp_path)
    scenario.at("2026-02-12 09:00")  # Thursday before Tết
    yield scenario
    scenario.close()


def test_registration_two_days_or_the_same_day(sc):
    """Đ.7 k.1: ≤ 2 working days after issue; "to be done at once": the same day."""
    one = [{"content": "Báo cáo", "lead_unit": "STC", "deadline": "06/03/2026"}]
    normal = sc.register("301/UBND-VP", "12/02/2026", one)
    at_once = sc.register("302/UBND-VP", "12/02/2026", one, urgency="flash")
    due = {d.symbol: due_day(sc.ready("classify", directive_id=d.id)) for d in (normal, at_once)}
    assert due == {"301/UBND-VP": date(2026, 2, 23), "302/UBND-VP": date(2026, 2, 12)}


def test_province_given_task_tracked_apart_with_difficulties_and_extension(sc):
    directive = sc.register("02/KH-UBND", "12/02/2026",
                            [{"content": "Thực hiện chỉ đạo của UBND tỉnh", "lead_unit": "STC",
                              "deadline": "27/02/2026"}])
    sc.complete("classify", "clerk", {"tracked": "on", "province_given": "on"})  # Đ.6 k.1c
    assert sc.directive(directive.id).origin == "province"
    [assignment] = sc.assignments(directive.id)
    assert due_day(sc.ready("handle")) == date(2026, 2, 23)  # Đ.7 k.2: unit updates ≤ 2 working days

    sc.complete("handle", "stc", {"action": "return", "return_reason": "Thuộc lĩnh vực xây dựng"})
    sc.complete("correct", "clerk", {"correction_note": "Giao phòng khác", "new_lead_unit": "SXD"})
    sc.at("2026-02-23 09:00")
    # Đ.5 k.1g: "đang thực hiện nhưng phát sinh khó khăn, vướng mắc"
    sc.complete("handle", "sxd", {"action": "update", "progress": "blocked", "blocked_reason": "Thiếu mặt bằng"})
    assert sc.assignment(assignment.id).progress == "blocked"

    sc.at("2026-03-02 09:00")  # the deadline (Fri 27/02) has passed
    assert sc.notices("overdue", assignment.id)
    # Đ.17 k.2: through the office, which proposes to the Chairman; the Chairman decides.
    sc.extend(assignment.id, "sxd", "13/03/2026", "Chờ giải phóng mặt bằng", proposer="office_head",
              decider="leader", report={"action": "update", "progress": "blocked",
                                        "blocked_reason": "Chưa có mặt bằng",
                                        "overdue_reason": "Chờ giải phóng mặt bằng"})
    sc.complete("handle", "sxd", {"action": "update", "progress": "done", "note": "Đã xong"})
    sc.complete("review", "clerk", {"decision": "close"})
    assert sc.assignment(assignment.id).status == "closed"


def test_difficulties_need_a_reason_alert_the_office_and_are_filtered_and_counted(sc):
    """Đ.5 k.1g status "in progress with difficulties"; Đ.17 k.2, Đ.18 k.2: the unit tells the
    office what the difficulties are; Đ.8 k.1b: the office proposes how to solve them."""
    one = [{"content": "Giải phóng mặt bằng khu tái định cư", "lead_unit": "SXD", "deadline": "27/03/2026"}]
    blocked = sc.register("310/UBND-VP", "12/02/2026", one)
    sc.complete("classify", "clerk", {"tracked": "on"}, directive_id=blocked.id)
    smooth = sc.register("311/UBND-VP", "12/02/2026", one)
    sc.complete("classify", "clerk", {"tracked": "on"}, directive_id=smooth.id)
    [task], [other] = sc.assignments(blocked.id), sc.assignments(smooth.id)

    with pytest.raises(FormValidationError) as refused:
        sc.complete("handle", "sxd", {"action": "update", "progress": "blocked", "note": "Vướng"},
                    assignment_id=task.id)
    assert set(refused.value.errors) == {"blocked_reason"}
    assert sc.assignment(task.id).progress == "not_started" and not sc.notices("blocked")

    sc.complete("handle", "sxd", {"action": "update", "progress": "blocked",
                                  "blocked_reason": "Dân chưa nhận tiền đền bù"}, assignment_id=task.id)
    sc.complete("handle", "sxd", {"action": "update", "progress": "in_progress"}, assignment_id=other.id)
    [notice] = sc.notices("blocked", task.id)
    assert notice.user_id == sc.users["clerk"].id and "Dân chưa nhận tiền đền bù" in notice.body
    assert "Sở Xây dựng" in notice.subject and "310/UBND-VP" in notice.subject

    with sc.engine.db.session() as s:
        found = registry.search(s, sc.users["clerk"], registry.AssignmentQuery(blocked=True))
        assert [row.assignment.id for row in found.rows] == [task.id]
        scope = ReportQuery.from_args({"period": "2026-Q1"}, date(2026, 2, 12)).scope(s, sc.users["clerk"])
        [unit] = counts.by_unit(s, scope)
        assert (unit.extra["code"], unit.total, unit.blocked) == ("SXD", 2, 1)
        report = build_report(s, scope, settings=sc.engine.compiled(sc.engine.current_bundle(s)).settings)
    summary = load_workbook(BytesIO(write_xlsx(report)))["Tổng hợp"]
    table = [r for r in summary.iter_rows(values_only=True) if r and r[1] in ("Đơn vị", "Sở Xây dựng")]
    assert dict(zip(table[0], table[1], strict=True))["Đang gặp khó khăn, vướng mắc"] == 1

    # Done (or closed), it no longer meets difficulties.
    sc.complete("handle", "sxd", {"action": "update", "progress": "done"}, assignment_id=task.id)
    with sc.engine.db.session() as s:
        assert registry.search(s, sc.users["clerk"], registry.AssignmentQuery(blocked=True)).rows == []


def test_province_given_tasks_filtered_in_registry_and_reports(sc):
    """Đ.6 k.1c: tasks the province gave the district are classified and tracked apart."""
    one = [{"content": "Nhiệm vụ", "lead_unit": "STC", "deadline": "27/03/2026"}]
    province = sc.register("320/UBND-VP", "12/02/2026", one)
    sc.complete("classify", "clerk", {"tracked": "on", "province_given": "on"}, directive_id=province.id)
    own = sc.register("321/UBND-VP", "12/02/2026", one)
    sc.complete("classify", "clerk", {"tracked": "on"}, directive_id=own.id)

    def listed(origin):
        with sc.engine.db.session() as s:
            rows = registry.search(s, sc.users["clerk"], registry.AssignmentQuery(origin=origin)).rows
            return {row.directive.symbol for row in rows}

    assert (listed("province"), listed("own"), listed(None)) == (
        {"320/UBND-VP"}, {"321/UBND-VP"}, {"320/UBND-VP", "321/UBND-VP"})
    with sc.engine.db.session() as s:
        settings = sc.engine.compiled(sc.engine.current_bundle(s)).settings
        words = {"province": "(nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao)",
                 "own": "(nhiệm vụ UBND huyện, Chủ tịch UBND huyện giao (không gồm nhiệm vụ UBND tỉnh giao))"}
        for origin, title_end in words.items():
            query = ReportQuery.from_args({"period": "2026-Q1", "origin": origin}, date(2026, 2, 12))
            scope = query.scope(s, sc.users["clerk"])
            assert counts.total(s, scope).total == 1 and query.args()["origin"] == origin
            report = build_report(s, scope, period_label=query.period.label, settings=settings)
            assert load_workbook(BytesIO(write_xlsx(report)))["Tổng hợp"]["A2"].value.endswith(title_end)
        everything = build_report(s, ReportQuery.from_args({"period": "2026-Q1"}, date(2026, 2, 12))
                                  .scope(s, sc.users["clerk"]), settings=settings)
        assert everything.total.total == 2 and "tỉnh" not in everything.header.title


def test_district_own_directive_is_not_province_given(sc):
    directive = sc.register("303/UBND-VP", "12/02/2026", [{"content": "Việc của huyện", "lead_unit": "STC"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    assert sc.directive(directive.id).origin is None


def test_secret_directive_goes_to_the_separate_register(sc):
    """Đ.5 k.2, Đ.6 k.1b: recorded in a separate register kept under secrecy."""
    directive = sc.register("5/QĐ-UBND", "12/02/2026",
                            [{"content": "Nội dung mật", "lead_unit": "STC", "deadline": "06/03/2026"}],
                            secrecy="secret")
    settings = sc.engine.compiled(_bundle(sc)).settings
    with sc.engine.db.session() as s:
        [entry] = secrecy.visible_documents(s, sc.users["office_head"], settings)
        assert (entry.directive_id, entry.secrecy) == (directive.id, "secret")
        with pytest.raises(Forbidden):
            secrecy.visible_documents(s, sc.users["clerk"], settings)
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    # The registry: the unit doing it, the register's readers and the clerk handling it (who
    # registered and classified it) only; tests/security/test_secret_visibility.py walks every surface.
    with sc.engine.db.session() as s:
        seen = {who: registry.visible_assignment(s, sc.users[who], assignment.id) is not None
                for who in ("stc", "office_head", "leader", "clerk", "inspector", "sxd")}
    assert seen == {"stc": True, "office_head": True, "leader": True, "clerk": True, "inspector": False, "sxd": False}


def test_secret_tasks_paper_report_is_reminded_before_the_reports_day(sc):
    """Đ.5 k.2: secret tasks are reported on paper, with every report of Đ.19: the office's of
    the first quarter before 25/03 (k.2), so the register's readers are reminded before that
    day (5 working days, as the periodic report opens), not at the quarter's end."""
    sc.register("6/QĐ-UBND", "12/02/2026", [{"content": "Nội dung mật", "lead_unit": "STC",
                                            "deadline": "30/06/2026"}], secrecy="secret")
    sc.at("2026-03-16 09:00")
    assert sc.notices("paper_report") == []
    sc.at("2026-03-17 09:00")  # Tue 24/03 less 5 working days
    told = sc.notices("paper_report")
    assert {n.user_id for n in told} == {sc.users["office_head"].id, sc.users["leader"].id}
    assert all(n.body.endswith("về văn bản 6/QĐ-UBND, hạn 24/03/2026.") for n in told)
    sc.at("2026-04-01 09:00")  # the quarter's end passes: no second reminder of it
    assert len(sc.notices("paper_report")) == 2
    sc.at("2026-06-17 09:00")  # the half-year's report (Đ.19: before 25/06, Wed 24/06)
    assert len(sc.notices("paper_report")) == 4 and sc.notices("paper_report")[-1].body.endswith("hạn 24/06/2026.")


def test_a_secret_directive_registered_after_the_quarter_s_report_day_goes_into_the_next_report(sc):
    """Registered Wed 25/03/2026, the day after the first quarter's report was due (Đ.19 k.2: before 25/03),
    it cannot be in that report: its first paper report is the half-year's, reminded from 17/06 for 24/06.
    It was reminded at once of a report "hạn 24/03/2026", already past (found walking Quỳnh Nhai)."""
    sc.at("2026-03-25 09:00")
    directive = sc.register("7/QĐ-UBND", "25/03/2026", [{"content": "Nội dung mật", "lead_unit": "STC",
                                                         "deadline": "30/06/2026"}], secrecy="secret")
    sc.at("2026-03-25 09:05")
    assert sc.notices("paper_report") == []
    with sc.engine.db.session() as s:
        line = s.scalars(select(SecretDocument).where(SecretDocument.directive_id == directive.id)).one()
        assert line.paper_due == date(2026, 6, 24)
    sc.at("2026-06-17 09:00")
    assert [n.body.endswith("về văn bản 7/QĐ-UBND, hạn 24/06/2026.") for n in sc.notices("paper_report")] == [True] * 2


def _bundle(sc):
    with sc.engine.db.session() as s:
        return sc.engine.current_bundle(s)


def test_inspection_report_within_seven_working_days(sc):
    """Đ.14 k.1: the results report ≤ 7 working days after the inspection ends."""
    assert due_day(run_inspection(sc, ["STC"], "12/02/2026")) == date(2026, 3, 2)


def test_classify_form_keeps_every_common_field():
    """The override adds the province-given flag; it must not drop what the common form asks."""
    def names(ruleset):
        path = REPO_ROOT / "processes" / ruleset / "forms" / "classify_directive.toml"
        return {f.name for f in parse_form("classify_directive", path.read_text(encoding="utf-8")).fields}

    assert names("common") | {"province_given"} == names("quynh-nhai")


def test_the_directive_s_history_says_in_words_where_its_tasks_come_from(sc):
    """Đ.6 k.1c: the classification's record of the tasks' origin reads "Nguồn giao: — → Nhiệm vụ UBND tỉnh, Chủ
    tịch UBND tỉnh giao" on the directive's page, and a directive of the district's own adds no line. Both
    read "Cập nhật văn bản" with nothing after it (the origin unnamed; a write of None over None recorded)."""
    import re

    from tests.webui.conftest import Browser
    from webui.app import create_app

    one = [{"content": "Thực hiện chỉ đạo", "lead_unit": "STC", "deadline": "27/03/2026"}]
    province = sc.register("02/KH-UBND", "12/02/2026", one)
    sc.complete("classify", "clerk", {"tracked": "on", "province_given": "on"}, directive_id=province.id)
    own = sc.register("03/KH-UBND", "12/02/2026", one)
    sc.complete("classify", "clerk", {"tracked": "on"}, directive_id=own.id)
    clerk = Browser(create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True))
    assert clerk.login("clerk").status_code == 302

    def history(directive_id: int) -> list[str]:
        page = clerk.get(f"/directives/{directive_id}").get_data(as_text=True)
        rows = page.split('class="list audit"', 1)[1].split("</table>", 1)[0].split("<tr")[2:]
        return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "<tr" + row)).strip() for row in rows]

    updates = [row for row in history(province.id) if "Cập nhật văn bản" in row]
    assert any(row.endswith("Cập nhật văn bản Nguồn giao: — → Nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao")
               for row in updates), updates
    assert [row for row in history(own.id) if row.endswith("Cập nhật văn bản")] == []

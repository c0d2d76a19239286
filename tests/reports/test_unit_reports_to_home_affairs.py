"""Quỳnh Nhai Đ.6 k.2: the units report "về Văn phòng HĐND và UBND huyện và Phòng Nội vụ" ([reports]
unit_reports_to_unit = "SNV", the home affairs unit of the scenarios' organisation): when a unit sends its
report, the home affairs unit's staff — its head and its officers — are told, in the application and by mail,
and read every unit's report of that period as sent — the report's page, its Word, Excel and PDF files,
GET /api/v1/reports/office — without a step to write or consolidate; a report marked secret stays sealed for
them (the ruleset's readers of secret records are the office head and the leader). Another section's head
reads its own unit's report only. A deployment without that unit keeps the reports and the audit log says so."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.audit import AuditEntry
from engine.directives.models import Assignment
from engine.instances import actions
from engine.notifications.mail import send_due_mail
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import User
from engine.reports import adhoc, operators
from engine.reports.models import PeriodicReport, UnitReport
from engine.reports.operators import may_read_unit_report, reads_every_unit_report
from engine.reports.service import start_schedule
from engine.rulesets.models import instance_settings
from engine.runtime.models import Incident, WorkItem
from tests.conftest import PASSWORD, add_communes, create_org_tree, make_engine
from tests.reports.dataset import seed
from tests.reports.test_unit_report_files import SEALED, _api_unit_reports, _exports, _signed_in, _unit_reports
from tests.scenarios.drive import Scenario
from tests.scheduler.smtp import SmtpServer
from webui.app import create_app

STC_TEXT = "Hoàn thành 4/6 nhiệm vụ quý I"
SXD_SECRET = "Nội dung mật về dự án của Sở Xây dựng"
TOLD = ("Sở Tài chính đã gửi báo cáo Quý I năm 2026 (gửi Văn phòng và Sở Nội vụ — Đ.6 k.2). Xem báo cáo của các "
        "đơn vị trên trang báo cáo.")


@pytest.fixture
def quarter(database_url, clock, tmp_path):
    """Quỳnh Nhai's first quarter of 2026, asked of STC, its section and SXD (the reports' data set): the
    home affairs unit has an officer (the scenarios' "snv") and a head; SXD has a head."""
    sc = Scenario.start(database_url, clock, "quynh-nhai", tmp_path)
    sc.at("2026-02-12 09:00")
    seed(sc.engine)
    with sc.engine.db.session() as s:
        sc.users["snv_head"] = org.create_user(s, "snv_gd", PASSWORD, "Lường Văn Nội", "SNV", ["unit_head"])
        sc.users["sxd_head"] = org.create_user(s, "sxd_gd", PASSWORD, "Quàng Văn Xây", "SXD", ["unit_head"])
        for user in s.scalars(select(User)):
            user.email = f"{user.username}@dondoc.test"
    start_schedule(sc.engine)
    sc.at("2026-03-13 09:00")  # Q1 opens: the units' due day is 19/03 (Đ.19 k.1)
    yield sc
    sc.close()


def _send(sc: Scenario, who: str, data: dict) -> None:
    with sc.engine.db.session() as s:
        item = s.scalars(select(WorkItem).where(WorkItem.element_id == "pr_unit_report", WorkItem.status == "ready",
                                                WorkItem.unit_id == sc.users[who].unit_id)).one()
    sc.engine.runtime.complete(item.id, data, sc.users[who])


def test_home_affairs_is_told_of_each_unit_report_and_reads_them_as_sent(quarter, monkeypatch):
    sc = quarter
    _send(sc, "stc", {"results": STC_TEXT})
    _send(sc, "sxd", {"results": SXD_SECRET, "report_secret": "on"})
    with sc.engine.db.session() as s:
        row = s.scalars(select(PeriodicReport)).one()
        notes = s.scalars(select(Notification).where(Notification.kind == "unit_report_sent")
                          .order_by(Notification.id)).all()
        told = {(s.get_one(User, n.user_id).username, n.subject) for n in notes}
    assert told == {(login, f"{unit} đã gửi báo cáo Quý I năm 2026") for login in ("snv", "snv_gd")
                    for unit in ("Sở Tài chính", "Sở Xây dựng")}
    assert {n.link for n in notes} == {f"/reports/periodic/{row.id}"}
    assert TOLD in {n.body for n in notes}
    assert not [n for n in notes if "dự án" in n.subject + n.body]  # nothing of a secret report

    server = SmtpServer().start()
    try:
        sc.engine.settings.smtp_host, sc.engine.settings.smtp_port = "127.0.0.1", server.port
        sc.engine.settings.base_url = "https://dondoc.quynhnhai.gov.vn"
        send_due_mail(sc.engine.db, sc.engine.settings)
        mails = server.inbox.to("snv_gd@dondoc.test")
    finally:
        server.stop()
    [mail] = [m for m in mails if m["Subject"] == "Sở Tài chính đã gửi báo cáo Quý I năm 2026"]
    body = mail.get_content()
    assert "Lường Văn Nội" in body and TOLD in body
    assert f"https://dondoc.quynhnhai.gov.vn/reports/periodic/{row.id}" in body

    app = create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True)
    home_affairs, other_head = _signed_in(app, "snv_gd"), _signed_in(app, "sxd_gd")
    page = _unit_reports(home_affairs.get(f"/reports/periodic/{row.id}").get_data(as_text=True))
    assert "Sở Tài chính" in page and STC_TEXT in page
    assert "Sở Xây dựng" in page and SEALED in page and SXD_SECRET not in page
    page = _unit_reports(other_head.get(f"/reports/periodic/{row.id}").get_data(as_text=True))
    assert SXD_SECRET in page and "Sở Tài chính" not in page and STC_TEXT not in page  # its own unit's only

    files = _exports(sc.engine, home_affairs, row.id)
    assert all(STC_TEXT in text and SXD_SECRET not in text for text in files.values())
    assert f"Sở Xây dựng (gửi ngày 13/03/2026)\n{SEALED}." in files["docx"]
    assert all(STC_TEXT not in text for text in _exports(sc.engine, other_head, row.id).values())

    sent = {r["unit"]: r for r in _api_unit_reports(sc.engine, "snv_gd")}
    assert sent["Sở Tài chính"]["results"] == STC_TEXT and not sent["Sở Tài chính"]["sealed"]
    assert sent["Sở Xây dựng"]["sealed"] and sent["Sở Xây dựng"]["results"] is None
    assert [r["unit"] for r in _api_unit_reports(sc.engine, "sxd_gd")] == ["Sở Xây dựng"]

    # to read, not to consolidate: the office's step is not theirs
    sc.at("2026-03-20 09:00")
    consolidate = sc.ready("report_consolidate")
    assert _signed_in(app, "snv_gd").get(f"/work/{consolidate.id}").status_code == 404
    with sc.engine.db.session() as s:
        row = s.get_one(PeriodicReport, row.id)
        secret = s.scalars(select(UnitReport).where(UnitReport.secret.is_(True))).one()
        assert reads_every_unit_report(s, row, s.get_one(User, sc.users["snv"].id))
        assert not reads_every_unit_report(s, row, s.get_one(User, sc.users["sxd_head"].id))
        assert not may_read_unit_report(s, s.get_one(User, sc.users["snv_head"].id), row, secret)
        assert may_read_unit_report(s, s.get_one(User, sc.users["office_head"].id), row, secret)  # visible_to
        # a ruleset whose readers of secret records included the unit heads would open it to the head
        settings = instance_settings(s, row.instance_id)
        monkeypatch.setattr(operators, "instance_settings", lambda *_: {
            **settings, "secrecy": {**settings["secrecy"], "visible_to": ["office_head", "leader", "unit_head"]}})
        assert may_read_unit_report(s, s.get_one(User, sc.users["snv_head"].id), row, secret)
        assert not may_read_unit_report(s, s.get_one(User, sc.users["snv"].id), row, secret)


def test_home_affairs_reads_the_units_reports_first_and_its_own_figures_only_when_it_leads_tasks(quarter):
    """Phòng Nội vụ comes to the report's page for the units' reports, and which units sent none: they lead
    its page. Its own unit's figures follow them only when it leads tasks in the report (under the unit's
    name), not as an empty table; the office reads the report's figures first, as ever."""
    sc = quarter
    _send(sc, "stc", {"results": STC_TEXT})
    app = create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True)
    with sc.engine.db.session() as s:
        row = s.scalars(select(PeriodicReport)).one()
    home_affairs, clerk = _signed_in(app, "snv_gd"), _signed_in(app, "clerk")
    page = home_affairs.get(f"/reports/periodic/{row.id}").get_data(as_text=True)
    assert STC_TEXT in _unit_reports(page) and "Chưa báo cáo: Phòng Ngân sách, Sở Xây dựng" in _unit_reports(page)
    assert "nhiệm vụ được giao" not in page and 'id="report-figures"' not in page  # it leads none

    with sc.engine.db.session() as s:  # one of the quarter's tasks (a9) led by Phòng Nội vụ instead
        task = s.scalars(select(Assignment).where(Assignment.lead_unit_id == org.require_unit(s, "STC-NS").id)).one()
        task.lead_unit_id = org.require_unit(s, "SNV").id
    page = home_affairs.get(f"/reports/periodic/{row.id}").get_data(as_text=True)
    figures = page.split('id="report-figures"')[1].split("</section>")[0]
    assert page.index('id="unit-reports"') < page.index('id="report-figures"')
    assert "Nhiệm vụ do Sở Nội vụ chủ trì" in figures and "Tổng số 1 nhiệm vụ được giao" in figures
    page = clerk.get(f"/reports/periodic/{row.id}").get_data(as_text=True)
    assert page.index('id="report-figures"') < page.index('id="unit-reports"') and "chủ trì</h2>" not in page


def test_the_process_administrator_reads_the_report_process_with_the_secret_report_sealed(quarter, monkeypatch):
    """A periodic report's process holding a unit's secret report stays the process administrator's to read and
    run: its steps, its data and its history — another unit's report as sent —, with the secret report's words
    sealed wherever they stand (the unit's step's history, the data the office's steps carry on); an
    administrator who also reads secret records ([secrecy] visible_to: the office head) reads it whole."""
    sc = quarter
    _process_admins(sc)
    _send(sc, "stc", {"results": STC_TEXT})
    _send(sc, "sxd", {"results": SXD_SECRET, "difficulties": "Vướng mắc mật về mặt bằng", "report_secret": "on"})
    sc.at("2026-03-20 09:00")  # the units' reports are in: the office's consolidation carries their data on
    with sc.engine.db.session() as s:
        instance_id = s.scalars(select(PeriodicReport.instance_id)).one()
    app = create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True)
    admin = _signed_in(app, "admin")
    listed = admin.get("/admin/instances").get_data(as_text=True)
    assert "Báo cáo định kỳ kết quả thực hiện nhiệm vụ" in listed and ">Mật</span>" not in listed
    assert "<div>Quý I năm 2026</div>" in listed  # which report: it belongs to no directive
    page = admin.get(f"/admin/instances/{instance_id}").get_data(as_text=True)
    assert SXD_SECRET not in page and "Vướng mắc mật" not in page and ">Mật</span>" not in page
    steps = page.split('id="work-items"')[1].split("</table>")[0]
    assert "Sở Xây dựng" in steps and "Tổng hợp báo cáo trình lãnh đạo" in steps
    data = page.split('id="instance-data"')[1].split("</table>")[0]
    assert f'<th>results</th><td class="pre">{SEALED}</td>' in data  # the last unit's words, carried on
    assert '<th>reporting_units</th><td class="pre">[&#34;STC&#34;, &#34;STC-NS&#34;, &#34;SXD&#34;]</td>' in data
    history = page.split('id="history"')[1]
    assert f"Kết quả thực hiện nhiệm vụ trong kỳ: {STC_TEXT}" in history  # another unit's report, as sent
    assert history.count(SEALED) == 1  # the secret one's step: when and by whom, not a word of it
    whole = _signed_in(app, "admin_vp").get(f"/admin/instances/{instance_id}").get_data(as_text=True)
    assert SXD_SECRET in whole and SEALED not in whole

    # the office's step fails (its notice to the leader, here): the failed step's data carries the secret words
    def fails(*_args, **_kwargs):
        raise RuntimeError("mail queue down")
    monkeypatch.setattr(operators, "_tell", fails)
    sc.engine.runtime.complete(sc.ready("report_consolidate").id, {"summary": "Tổng hợp"}, sc.users["office_head"])
    with sc.engine.db.session() as s:
        incident_id = s.scalars(select(Incident.id).where(Incident.status == "open")).one()
    page = admin.get(f"/admin/instances/{instance_id}").get_data(as_text=True)
    incidents = page.split('id="incidents"')[1].split("</table>")[0]
    assert "Bước này dừng vì gặp lỗi khi chạy." in incidents and SXD_SECRET not in page
    assert f"/incidents/{incident_id}/data" not in incidents  # no correction of data it may not read
    assert admin.get(f"/admin/instances/incidents/{incident_id}/data").status_code == 404
    assert SXD_SECRET in _signed_in(app, "admin_vp").get(f"/admin/instances/incidents/{incident_id}/data") \
        .get_data(as_text=True)


def test_a_secret_report_whose_keeping_fails_stays_sealed_from_the_process_administrator(quarter, monkeypatch):
    """The step keeping a unit's report fails (an incident) before any UnitReport holds it: the words the unit
    sent marked secret stand only in its step's data — the failed step's, the data carried on, its history —,
    sealed there as a kept secret report's are; an administrator who reads secret records reads them, corrects
    the data and retries, and the report is kept secret."""
    sc = quarter
    _process_admins(sc)
    _send(sc, "stc", {"results": STC_TEXT})
    with monkeypatch.context() as failing:
        failing.setattr(operators, "_report_row", _store_down)
        _send(sc, "sxd", {"results": SXD_SECRET, "difficulties": "Vướng mắc mật về mặt bằng", "report_secret": "on"})
    with sc.engine.db.session() as s:
        instance_id = s.scalars(select(PeriodicReport.instance_id)).one()
        assert s.scalars(select(UnitReport.unit_id)).all() == [sc.users["stc"].unit_id]  # SXD's not kept
    app = create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True)
    page, incident_id = _sealed_from_the_administrator(sc, app, instance_id)
    data = page.split('id="instance-data"')[1].split("</table>")[0]
    assert f'<th>results</th><td class="pre">{SEALED}</td>' in data
    history = page.split('id="history"')[1]
    assert f"Kết quả thực hiện nhiệm vụ trong kỳ: {STC_TEXT}" in history and SEALED in history

    reader = _signed_in(app, "admin_vp")  # [secrecy] visible_to: the office head
    assert SXD_SECRET in reader.get(f"/admin/instances/{instance_id}").get_data(as_text=True)
    page = f"/admin/instances/incidents/{incident_id}/data"
    assert SXD_SECRET in reader.get(page).get_data(as_text=True)
    corrected = {**actions.incident_data(sc.engine, sc.users["admin_vp"], incident_id),
                 "difficulties": "Vướng mắc mật về giải phóng mặt bằng"}
    assert reader.post(page, {"data": json.dumps(corrected, ensure_ascii=False), "reason": "Sửa khó khăn"},
                       page=page).status_code == 302
    with sc.engine.db.session() as s:
        kept = s.scalars(select(UnitReport).where(UnitReport.unit_id == sc.users["sxd"].unit_id)).one()
        assert (kept.results, kept.difficulties, kept.secret) == (SXD_SECRET, corrected["difficulties"], True)
    assert SXD_SECRET not in _signed_in(app, "admin").get(f"/admin/instances/{instance_id}").get_data(as_text=True)


def test_a_secret_ad_hoc_report_whose_keeping_fails_stays_sealed_from_the_process_administrator(quarter, monkeypatch):
    sc = quarter
    _process_admins(sc)
    row = adhoc.request_report(sc.engine, {"topic": "Giải phóng mặt bằng", "units": ["SXD"], "due": "18/03/2026",
                                           "office_due": "20/03/2026"}, sc.users["clerk"])
    with monkeypatch.context() as failing:
        failing.setattr(operators, "_report_row", _store_down)
        sc.complete("adhoc_unit_report", "sxd", {"results": SXD_SECRET, "report_secret": "on"})
    app = create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True)
    _sealed_from_the_administrator(sc, app, row.instance_id)
    assert SXD_SECRET in _signed_in(app, "admin_vp").get(f"/admin/instances/{row.instance_id}").get_data(as_text=True)


def _process_admins(sc: Scenario) -> None:
    """A process administrator, and one who also reads secret records (the office head)."""
    with sc.engine.db.session() as s:
        org.create_user(s, "admin", PASSWORD, "Quản Trị Quy Trình", "VP", ["process_admin"])
        sc.users["admin_vp"] = org.create_user(s, "admin_vp", PASSWORD, "Lò Văn Quản", "VP",
                                               ["process_admin", "office_head"])


def _store_down(*_args, **_kwargs):
    raise LookupError("periodic report store unreachable")


def _sealed_from_the_administrator(sc: Scenario, app, instance_id: int) -> tuple[str, int]:
    """The process administrator's page of `instance_id`, stopped by an incident at the keeping of SXD's secret
    report: not a word of it, nor the incident's error or data; the page and the incident's id."""
    with sc.engine.db.session() as s:
        incident_id = s.scalars(select(Incident.id).where(Incident.instance_id == instance_id,
                                                          Incident.status == "open")).one()
    admin = _signed_in(app, "admin")
    page = admin.get(f"/admin/instances/{instance_id}").get_data(as_text=True)
    assert SXD_SECRET not in page and "Vướng mắc mật" not in page and SEALED in page
    incidents = page.split('id="incidents"')[1].split("</table>")[0]
    assert "Bước này dừng vì gặp lỗi khi chạy." in incidents and "store unreachable" not in incidents
    assert f"/incidents/{incident_id}/data" not in incidents  # no correction of data it may not read
    assert admin.get(f"/admin/instances/incidents/{incident_id}/data").status_code == 404
    listed = admin.get("/admin/incidents").get_data(as_text=True)  # the incidents' own list says no more
    assert f"#{instance_id}" in listed and "store unreachable" not in listed and ">Mật</span>" in listed
    assert f"/incidents/{incident_id}/data" not in listed and f"/incidents/{incident_id}/retry" in listed
    return page, incident_id


def test_a_deployment_without_the_home_affairs_unit_keeps_the_report_and_says_so(database_url, clock, tmp_path):
    engine = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path)
    try:
        users = create_org_tree(engine)  # no SNV
        with engine.db.session() as s:
            engine.load_ruleset(s)
        _ad_hoc_report_sent(engine, clock, users["clerk"], "STC", users["stc"])
        with engine.db.session() as s:
            assert s.scalars(select(UnitReport.results)).one() == "Đã giải ngân 45%"
            assert _audited_missing(s) == [{"unit_reports_to_unit": "SNV"}]
            assert not s.scalars(select(Notification).where(Notification.kind == "unit_report_sent")).all()
    finally:
        engine.close()


def test_a_communes_sections_report_to_their_communes_office_alone(database_url, clock, tmp_path):
    """Đ.6 k.2 is the district's units' reporting to the district's office: a commune's own request (an
    issuing body's office) tells the district's Phòng Nội vụ nothing, and it does not open that report."""
    engine = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path)
    try:
        users = create_org_tree(engine)
        with engine.db.session() as s:
            users.update(add_communes(s, {"xa-a": ("UBND xã Mường Giôn", "UBND", True),
                                          "xa-a-kt": ("Phòng Kinh tế xã Mường Giôn", "xa-a", False)},
                                      {"vp_a": ("xa-a", ["clerk"]), "kt_a": ("xa-a-kt", ["unit_officer"])}))
            org.create_unit(s, "SNV", "Phòng Nội vụ", parent_code="UBND", kind="department")
            users["snv"] = org.create_user(s, "snv_gd", PASSWORD, "Lường Văn Nội", "SNV", ["unit_head"])
            engine.load_ruleset(s)
        row = _ad_hoc_report_sent(engine, clock, users["vp_a"], "xa-a-kt", users["kt_a"])
        with engine.db.session() as s:
            assert s.get_one(PeriodicReport, row.id).body_id == org.require_unit(s, "xa-a").id
            assert not s.scalars(select(Notification).where(Notification.kind == "unit_report_sent")).all()
            assert _audited_missing(s) == []
            [submission] = s.scalars(select(UnitReport)).all()
            assert not may_read_unit_report(s, s.get_one(User, users["snv"].id), s.get_one(PeriodicReport, row.id),
                                            submission)
    finally:
        engine.close()


def _ad_hoc_report_sent(engine, clock, asker: User, unit: str, sender: User) -> PeriodicReport:
    """`asker`'s office asks `unit` for an ad-hoc report, which `sender` sends."""
    clock.set(datetime(2026, 3, 2, 9, 0))
    row = adhoc.request_report(engine, {"topic": "Giải ngân vốn đầu tư công", "units": [unit], "due": "06/03/2026",
                                        "office_due": "11/03/2026"}, asker)
    with engine.db.session() as s:
        item = s.scalars(select(WorkItem.id).where(WorkItem.element_id == "adhoc_unit_report",
                                                   WorkItem.status == "ready")).one()
    engine.runtime.complete(item, {"results": "Đã giải ngân 45%"}, sender)
    return row


def _audited_missing(session) -> list:
    return session.scalars(select(AuditEntry.after).where(
        AuditEntry.action == "periodic_report.unit_reports_unit_missing")).all()

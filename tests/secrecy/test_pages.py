"""The register's page (/secrecy): what its keeper reads and closes, who else is kept out, and
the paper-report reminder's link landing on it."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.directives import service as directives
from engine.notifications.models import Notification
from engine.secrecy import service as secrecy
from engine.secrecy.models import SecretDocument
from tests.api.test_request_cost import statements
from tests.conftest import create_org_tree, make_engine
from tests.processes import drive
from tests.secrecy.conftest import HEADER
from tests.webui.conftest import Browser
from webui.app import create_app

KEEPERS = ("chanhvp", "chutich")          # [secrecy] visible_to: office head, leader
OTHERS = ("clerk", "stc", "sxd", "admin")  # registers it (clerk), does it (units), administers


def signed_in(app, username: str) -> Browser:
    browser = Browser(app)
    assert browser.login(username).status_code == 302
    return browser


def status_of(register, line: str) -> str:
    with register.engine.db.session() as s:
        return s.get_one(SecretDocument, register.lines[line]).status


def row(page: str, document_id: int) -> str:
    """The register row of one line, as text without tags."""
    found = re.search(rf'<tr id="line-{document_id}">(.*?)</tr>', page, re.S)
    assert found, f"no row for line {document_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def test_the_keeper_reads_the_register_of_the_body_in_words(app, register):
    page = signed_in(app, "chanhvp").get("/secrecy")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Sổ theo dõi văn bản mật" in text
    first = row(text, register.lines["first"])
    for words in ("12/QĐ-UBND", "ban hành ngày 12/02/2026, UBND tỉnh", "Tối mật", "1. Sở Tài chính — hạn 31/03/2026",
                  "2. Sở Xây dựng — không có thời hạn", "Nguyễn Văn Theo Dõi 12/02/2026 09:00",
                  "Đang theo dõi 31/03/2026 Kết thúc theo dõi"):
        assert words in first, (words, first)
    assert "Tuyệt mật" in row(text, register.lines["second"])
    assert f'id="line-{register.lines["ward"]}"' not in text and "3/QĐ-UBND-PA" not in text  # the ward's
    assert 'href="/secrecy"' in text  # in the menu


def test_the_menu_offers_the_register_only_to_its_keepers(app):
    for username in (*KEEPERS, "cvp_a"):
        assert 'href="/secrecy"' in signed_in(app, username).get("/notifications").get_data(as_text=True), username
    for username in (*OTHERS, "vt_a"):
        assert 'href="/secrecy"' not in signed_in(app, username).get("/notifications").get_data(as_text=True)


def test_everyone_else_is_kept_out_and_changes_nothing(app, register):
    for username in (*OTHERS, "vt_a"):
        browser = signed_in(app, username)
        assert browser.get("/secrecy").status_code == 403, username
        closing = browser.post(f"/secrecy/{register.lines['first']}/close", page="/notifications")
        assert closing.status_code == 403, username
        sending = browser.post(f"/secrecy/{register.lines['first']}/paper-reports", {"sent_on": "12/02/2026"},
                               page="/notifications")
        assert sending.status_code == 403, username
    anonymous = app.test_client()
    assert anonymous.get("/secrecy").headers["Location"].startswith("/login")
    # another body's keeper: the ward's office head reads the ward's line only, and finds no other
    ward = signed_in(app, "cvp_a")
    text = ward.get("/secrecy").get_data(as_text=True)
    assert "3/QĐ-UBND-PA" in text and "12/QĐ-UBND" not in text.replace("3/QĐ-UBND-PA", "")
    assert ward.post(f"/secrecy/{register.lines['first']}/close", page="/secrecy").status_code == 404
    assert ward.post(f"/secrecy/{register.lines['first']}/paper-reports", {"sent_on": "12/02/2026"},
                     page="/secrecy").status_code == 404
    # a forged form (no CSRF token) from the keeper's own browser
    keeper = signed_in(app, "chanhvp")
    assert keeper.client.post(f"/secrecy/{register.lines['first']}/close").status_code == 400
    assert keeper.client.post(f"/secrecy/{register.lines['first']}/paper-reports",
                              data={"sent_on": "12/02/2026"}).status_code == 400
    assert status_of(register, "first") == "open"
    with register.engine.db.session() as s:
        assert s.get_one(SecretDocument, register.lines["first"]).paper_sent_on is None


def test_closing_a_line_stops_its_reminders_and_a_second_press_changes_nothing(app, register):
    keeper = signed_in(app, "chanhvp")
    closed = keeper.post(f"/secrecy/{register.lines['first']}/close", page="/secrecy")
    assert closed.status_code == 302 and closed.headers["Location"].endswith(f"/secrecy#line-{register.lines['first']}")
    text = keeper.get("/secrecy").get_data(as_text=True)
    assert "Đã kết thúc theo dõi văn bản mật 12/QĐ-UBND: không còn nhắc báo cáo bằng văn bản giấy." in text
    line = row(text, register.lines["first"])
    # closed when; no paper report due any more, no button
    assert line.rstrip().endswith("Theo Dõi 12/02/2026 09:00 Đã kết thúc theo dõi 12/02/2026 09:00")
    with register.engine.db.session() as s:
        instance_id = s.get_one(SecretDocument, register.lines["first"]).instance_id
    assert drive.instance(register.engine, instance_id).status == "completed"
    again = keeper.post(f"/secrecy/{register.lines['first']}/close", page="/secrecy")  # the page opened before
    assert again.status_code == 302
    assert "Văn bản mật này đã kết thúc theo dõi." in keeper.get("/secrecy").get_data(as_text=True)
    with register.engine.db.session() as s:
        closings = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "secret_document.closed"))
    assert closings == 1


def test_the_keeper_records_a_paper_report_sent_and_reads_the_next_one(app, register, clock):
    """Sent on 10/03, before the quarter's reminder: the row says so, by whom, and shows the next quarter's
    day; a day after today is refused naming the field, and the same day again changes nothing."""
    clock.set(datetime(2026, 3, 10, 9, 0))
    keeper, path = signed_in(app, "chanhvp"), f"/secrecy/{register.lines['first']}/paper-reports"
    refused = keeper.post(path, {"sent_on": "11/03/2026"}, page="/secrecy")
    assert refused.status_code == 302
    assert "Ngày gửi báo cáo giấy: Không được sau ngày hôm nay (10/03/2026)." in keeper.get("/secrecy").get_data(
        as_text=True)
    sent = keeper.post(path, {"sent_on": "10/03/2026"}, page="/secrecy")
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/secrecy#line-{register.lines['first']}")
    text = keeper.get("/secrecy").get_data(as_text=True)
    assert "Đã ghi nhận báo cáo bằng văn bản giấy về văn bản mật 12/QĐ-UBND gửi ngày 10/03/2026." in text
    assert "Đang theo dõi 30/06/2026 đã gửi báo cáo ngày 10/03/2026 (Trần Chánh Văn Phòng ghi nhận)" in row(
        text, register.lines["first"])
    assert "Đang theo dõi 31/03/2026 Kết thúc theo dõi" in row(text, register.lines["second"])  # its own
    keeper.post(path, {"sent_on": "10/03/2026"}, page="/secrecy")
    assert "Báo cáo giấy gửi ngày 10/03/2026 đã được ghi nhận." in keeper.get("/secrecy").get_data(as_text=True)
    with register.engine.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "secret_document.paper_report_sent")) == 1


def test_the_paper_report_reminder_opens_the_register(app, register, clock):
    """The quarter ends: the reminder reaches the keepers, and its link opens the register at the
    line whose report is due."""
    drive.run_timers_at(register.engine, clock, datetime(2026, 3, 31, 9, 0))
    keeper = signed_in(app, "chanhvp")
    with register.engine.db.session() as s:
        note_id = s.scalar(select(Notification.id).where(Notification.kind == "paper_report",
                                                         Notification.body.contains("12/QĐ-UBND"),
                                                         Notification.user_id == register.users["office_head"].id))
    listed = keeper.get("/notifications").get_data(as_text=True)
    assert '<span class="badge in_progress">Báo cáo giấy</span>' in listed  # the kind's badge in words
    opened = keeper.post(f"/notifications/{note_id}/open", page="/notifications")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/secrecy#line-{register.lines['first']}"
    page = keeper.get(opened.headers["Location"])
    assert page.status_code == 200
    # the report the reminder is about, though the next quarter's is planned already
    assert "Đang theo dõi 30/06/2026 đã nhắc báo cáo hạn 31/03/2026 Kết thúc theo dõi" in row(
        page.get_data(as_text=True), register.lines["first"])



def test_where_the_ruleset_keeps_secret_content_the_line_shows_its_excerpt(database_url, clock, tmp_path):
    """Quỳnh Nhai (Đ.5 k.2) keeps a secret directive in the system and its line in the register: the
    keeper reads its excerpt there and opens the directive from it."""
    engine = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path)
    try:
        users = create_org_tree(engine)
        with engine.db.session() as s:
            engine.load_ruleset(s)
        directive = directives.register(
            engine, {**HEADER, "summary": "Về việc bảo vệ bí mật nhà nước"},
            [{"content": "Rà soát", "lead_unit": "STC", "deadline": "20/03/2026"}], users["clerk"])
        app = create_app(engine, SECRET_KEY="secreg-secret", TESTING=True)
        text = signed_in(app, "chanhvp").get("/secrecy").get_data(as_text=True)
        assert f'<a href="/directives/{directive.id}">12/QĐ-UBND</a>' in text
        assert "Về việc bảo vệ bí mật nhà nước" in text and "Sở Tài chính — hạn 20/03/2026" in text
        assert signed_in(app, "clerk").get("/secrecy").status_code == 403  # registered it, keeps no register
    finally:
        engine.close()


def test_the_register_costs_the_same_statements_however_many_lines(app, register):
    """Each line's units, people and directive are read in one statement per kind for the whole page: 200
    open lines took 3.1 s on SQLite with a few statements per line, 1.2 s with one per kind (most of it
    loading each reminder process's state for its paper report days, which the lines now keep:
    bench.secret_register)."""
    keeper = signed_in(app, "chanhvp")
    keeper.get("/secrecy")
    with statements(register.engine) as two_lines:
        assert keeper.get("/secrecy").status_code == 200
    for n in range(10):
        secrecy.register_secret_document(register.engine, {**HEADER, "symbol": f"{100 + n}/QĐ-UBND"},
                                         [{"lead_unit": "STC"}, {"lead_unit": "SXD"}], register.users["clerk"])
    with statements(register.engine) as twelve_lines:
        text = keeper.get("/secrecy").get_data(as_text=True)
    assert text.count('<tr id="line-') == 12
    reads = [[sql for sql in seen if sql.lstrip().startswith("SELECT")] for seen in (two_lines, twelve_lines)]
    assert len(reads[1]) == len(reads[0]), "\n".join(reads[1])  # (a connection's PRAGMAs vary with the pool)
    # the paper reports' days are the lines' own: no reminder process is read (each one's state was loaded)
    assert not [sql for sql in reads[1] if "workflow_instances" in sql], "\n".join(reads[1])

"""Issue #18's scenario in headless Chromium, with a real SMTP server on localhost: the clerk
registers a directive with its scanned document and three tasks and lands on its page, urges
one task; the unit sees the urging, reports, is sent back with a reason it reads on the
reopened form, reports again; the clerk reviews with the unit's file in view and closes. The
history reads as sentences, and each step told the people it concerns, in the application
and by e-mail."""
import re

import pytest
from sqlalchemy import select

from engine.directives.models import Assignment
from engine.notifications.mail import send_due_mail
from engine.org.models import User
from engine.runtime.models import WorkItem
from tests.conftest import screenshot
from tests.e2e.conftest import choose
from tests.scheduler.smtp import SmtpServer

pytestmark = pytest.mark.browser
SYMBOL = "46/2026/CT-UBND"
REASON = "Thiếu số liệu giải ngân quý IV"
# What a history must not show: user names, keys, action ids, Python values, database ids
RAW = re.compile(r"\b(clerk|stc|sxd|chanhvp)\b|[a-z]+_[a-z]+|\b(assignment|directive|progress|instance|extension)"
                 r"\.[a-z]|\{'|#\d|\bNone\b|\bTrue\b|\bFalse\b")


@pytest.fixture
def smtp(loaded):
    """Everyone has an address; the engine's mail goes to a real SMTP server on localhost."""
    with loaded.db.session() as s:
        for user in s.scalars(select(User)):
            user.email = f"{user.username}@dondoc.test"
    server = SmtpServer().start()
    loaded.settings.smtp_host, loaded.settings.smtp_port = "127.0.0.1", server.port
    yield server
    server.stop()


def mailed(engine, smtp, username: str) -> dict[str, str]:
    """Send what is due, then {subject: body} of the mail `username` has received."""
    send_due_mail(engine.db, engine.settings)
    return {m["Subject"]: m.get_content() for m in smtp.inbox.to(f"{username}@dondoc.test")}


def ready_item(engine, element_id: str, assignment_id: int | None = None) -> int:
    with engine.db.session() as s:
        query = select(WorkItem.id).where(WorkItem.element_id == element_id, WorkItem.status == "ready")
        if assignment_id is not None:
            query = query.where(WorkItem.assignment_id == assignment_id)
        return s.scalars(query).one()


def submit(page, form: str = "form.form") -> None:
    page.click(f"{form} button.primary")
    page.wait_for_selector(".flash.success")


def notices(page, live_server: str) -> str:
    page.goto(f"{live_server}/notifications")
    return page.inner_text(".notes")


def test_register_urge_send_back_and_close_with_every_notice(loaded, live_server, sign_in, smtp, tmp_path):
    scan, report, again = tmp_path / "46-CT-UBND.pdf", tmp_path / "bao-cao.pdf", tmp_path / "bao-cao-bo-sung.pdf"
    for path in (scan, report, again):
        path.write_bytes(b"%PDF-1.4 " + path.name.encode())

    # The clerk registers the directive, its scanned document and three tasks …
    clerk = sign_in("clerk")
    clerk.goto(f"{live_server}/directives/new")
    clerk.fill("input[name=symbol]", SYMBOL)
    clerk.fill("input[name=issued_on]", "12/02/2026")
    clerk.fill("input[name=issuer]", "UBND tỉnh Đắk Lắk")
    clerk.fill("textarea[name=summary]", "Về việc đẩy nhanh giải ngân vốn đầu tư công")
    clerk.set_input_files("input[name=scan]", str(scan))
    tasks = [("Báo cáo tình hình giải ngân", "STC"), ("Rà soát dự án chậm tiến độ", "SXD"),
             ("Đề xuất điều chuyển vốn", "SXD")]
    for n, (content, lead) in enumerate(tasks):
        if n:
            clerk.click("#add-row")
        clerk.fill(f"textarea[name='a-{n}-content']", content)
        clerk.select_option(f"select[name='a-{n}-lead_unit']", lead)
        clerk.fill(f"input[name='a-{n}-deadline']", "27/02/2026")
    choose(clerk, "select[name='a-0-coordinating_units']", ["Sở Xây dựng"])
    clerk.click("button.primary:has-text('Vào sổ')")

    # … and lands on its page: header, scanned document, what is left to do (classify), then
    # the three tasks once given.
    clerk.wait_for_selector(f"h1:has-text('{SYMBOL}')")
    directive_page = clerk.url
    assert clerk.is_visible("ul.documents a.file:has-text('46-CT-UBND.pdf')")
    screenshot(clerk, "notices-01-directive-registered")
    clerk.click(".actions-panel a.primary:has-text('Phân loại văn bản')")
    submit(clerk)
    clerk.goto(directive_page)
    assert clerk.locator("tr[id^=assignment-]").count() == 3
    assert "Đã hoàn thành 0/3 nhiệm vụ" in clerk.inner_text("dl.facts")
    assert "Sở Xây dựng" in clerk.inner_text("tr[id^=assignment-]:first-child")  # coordinating, by name
    screenshot(clerk, "notices-01-directive-page")
    with loaded.db.session() as s:
        first = s.scalar(select(Assignment).where(Assignment.seq == 1))
    assert any(s.startswith(f"Nhiệm vụ mới theo văn bản {SYMBOL}") for s in mailed(loaded, smtp, "stc"))
    sxd_mail = mailed(loaded, smtp, "sxd")
    assert f"Phối hợp thực hiện nhiệm vụ theo văn bản {SYMBOL}" in sxd_mail
    assert f"Nhiệm vụ mới theo văn bản {SYMBOL}" in sxd_mail

    # The clerk urges the first task from the directive's page, with a công văn đôn đốc.
    clerk.goto(directive_page)
    clerk.click(f"#assignment-{first.id} a.urge")
    clerk.click("#urge summary")
    clerk.fill("#urge textarea[name=message]", "Đề nghị Sở Tài chính báo cáo trước ngày 20/02/2026")
    clerk.check("#urge input[name=letter]")
    submit(clerk, "#urge form")
    with clerk.expect_download() as letter:
        clerk.click("#urge .letters a.file")
    assert letter.value.suggested_filename.startswith("cong-van-don-doc-46-2026-CT-UBND")
    screenshot(clerk, "notices-02-urged")

    # The unit sees the urging, in the application and by mail.
    stc = sign_in("stc")
    assert "Đề nghị Sở Tài chính báo cáo trước ngày 20/02/2026" in notices(stc, live_server)
    urged = mailed(loaded, smtp, "stc")[f"Đôn đốc thực hiện nhiệm vụ theo văn bản {SYMBOL}"]
    assert "Đề nghị Sở Tài chính báo cáo trước ngày 20/02/2026" in urged
    screenshot(stc, "notices-03-unit-notified")

    # The coordinating unit sends its part; the lead unit is told.
    sxd = sign_in("sxd")
    told = notices(sxd, live_server)
    assert "Đề nghị phối hợp" in told and "Nhiệm vụ mới" in told  # its part, and its own two tasks
    sxd.goto(f"{live_server}/work/{ready_item(loaded, 'contribute', first.id)}")
    sxd.fill("textarea[name=contribution_note]", "Sở Xây dựng đã gửi danh mục 12 dự án chậm")
    submit(sxd)
    assert "Sở Xây dựng gửi ý kiến, kết quả phối hợp" in notices(stc, live_server)
    assert any(s.startswith("Sở Xây dựng gửi ý kiến, kết quả phối hợp") for s in mailed(loaded, smtp, "stc"))

    # The unit reports it done, with its file.
    stc.goto(f"{live_server}/work/{ready_item(loaded, 'handle', first.id)}")
    stc.select_option("select[name=progress]", "done")
    stc.fill("textarea[name=note]", "Đã giải ngân 85% kế hoạch vốn")
    stc.set_input_files("input[type=file][name=attachments]", str(report))
    submit(stc)

    # The clerk reviews: the report, its file and the coordinating unit's input; nothing chosen.
    review = f"{live_server}/work/{ready_item(loaded, 'review', first.id)}"
    clerk.goto(review)
    reports = clerk.inner_text(".reports")
    assert "Đã giải ngân 85% kế hoạch vốn" in reports and "Sở Xây dựng đã gửi danh mục 12 dự án chậm" in reports
    assert clerk.is_visible(".reports a.file:has-text('bao-cao.pdf')")
    assert clerk.input_value("select[name=decision]") == ""
    screenshot(clerk, "notices-04-review")
    clerk.select_option("select[name=decision]", "send_back")
    clerk.click("form.form button.primary")
    assert "Lý do trả lại, yêu cầu đối với đơn vị" in clerk.inner_text(".flash.error")  # no reason: refused
    clerk.fill("textarea[name=review_note]", REASON)
    submit(clerk)

    # The unit is told why, and reads it on the reopened form with its report kept.
    assert REASON in notices(stc, live_server)
    sent_back = mailed(loaded, smtp, "stc")[f"Văn phòng trả lại báo cáo kết quả nhiệm vụ theo văn bản {SYMBOL}"]
    assert f"Yêu cầu của Văn phòng: {REASON}" in sent_back
    stc.goto(f"{live_server}/work/{ready_item(loaded, 'handle', first.id)}")
    assert REASON in stc.inner_text(".instructions")
    assert "Đã giải ngân 85% kế hoạch vốn" in stc.inner_text(".reports")
    assert stc.input_value("select[name=progress]") != "not_started"
    screenshot(stc, "notices-05-reopened")
    stc.select_option("select[name=progress]", "done")
    stc.fill("textarea[name=note]", "Đã bổ sung số liệu giải ngân quý IV")
    stc.set_input_files("input[type=file][name=attachments]", str(again))
    submit(stc)

    # The clerk reviews again with the file in view, and closes.
    clerk.goto(f"{live_server}/work/{ready_item(loaded, 'review', first.id)}")
    assert clerk.is_visible(".reports a.file:has-text('bao-cao-bo-sung.pdf')")
    clerk.select_option("select[name=decision]", "close")
    submit(clerk)
    assert f"Kết thúc nhiệm vụ theo văn bản {SYMBOL}" in mailed(loaded, smtp, "stc")
    badges = notices(stc, live_server)
    for word in ("Nhiệm vụ mới", "Đôn đốc", "Kết quả phối hợp", "Trả lại báo cáo", "Kết thúc nhiệm vụ"):
        assert word in badges, word

    # The history reads as sentences: names and words, no keys, ids or user names.
    for page in (f"{live_server}/assignments/{first.id}", directive_page):
        clerk.goto(page)
        history = clerk.inner_text("table.audit")
        assert "Nguyễn Văn Theo Dõi" in history
        assert not RAW.search(history), RAW.search(history)
    screenshot(clerk, "notices-06-history")
    clerk.goto(f"{live_server}/assignments/{first.id}")
    history = clerk.inner_text("table.audit")
    for words in ("Phạm Chuyên Viên", "Đôn đốc", "Trả lại", REASON, "cong-van-don-doc"):
        assert words in history, words

"""The clerk registers a directive from its text in Chromium: pasted, or as a DOCX. The
proposals appear as assignment rows with their source sentences; the clerk edits one, drops
one and registers the rest — nothing is stored before the form is submitted."""
import threading
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from engine.cli import cli
from engine.directives.models import Assignment, Directive
from engine.org import service as org
from engine.org.models import Unit
from engine.proposals import service as proposal_service
from tests.conftest import screenshot
from tests.e2e.conftest import register_and_classify
from tests.proposals.texts import HEADED_NOTICE, NOTICE, notice_docx, plan_docx
from webui.directives import routes

pytestmark = pytest.mark.browser
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML_FIXTURES = Path(__file__).parents[1] / "fixtures" / "html"


@pytest.mark.parametrize("how", ["text", "docx"])
def test_register_from_proposals(loaded, live_server, sign_in, how):
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    clerk.fill("input[name=symbol]", "12/TB-UBND")
    clerk.fill("input[name=issued_on]", "12/02/2026")
    clerk.fill("input[name=issuer]", "UBND tỉnh")
    clerk.fill("textarea[name=summary]", "Kết luận về giải ngân vốn đầu tư công")
    if how == "text":
        clerk.fill("#proposal-text", NOTICE)
    else:
        clerk.set_input_files("#proposal-file", files=[{"name": "thong-bao.docx", "mimeType": DOCX,
                                                         "buffer": notice_docx()}])
    clerk.click("#propose")
    clerk.wait_for_selector("#proposal-status:has-text('Các nhiệm vụ đề xuất')")
    rows = clerk.locator("fieldset.assignment")
    assert rows.count() == 4   # the blank row made way for the four proposals
    sources = clerk.locator("fieldset.assignment p.proposal-source q").all_inner_texts()
    assert sources[0].startswith("Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng")
    assert sources[2].startswith("Yêu cầu Phòng Ngân sách")
    assert "hằng tháng, trước ngày 20" in rows.nth(2).locator(".proposal-deadline").inner_text()
    assert rows.nth(0).locator("select[name$='-lead_unit']").input_value() == "STC"
    assert rows.nth(0).locator("input[name$='-deadline']").input_value() == "15/03/2026"
    with loaded.db.reading() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0
    screenshot(clerk, f"proposals-{how}")

    rows.nth(0).locator("textarea").fill("Rà soát và điều chuyển kế hoạch vốn")   # edited
    rows.nth(1).locator(".remove-row").click()                                     # dropped
    assert clerk.locator("fieldset.assignment").count() == 3
    register_and_classify(clerk)
    with loaded.db.reading() as s:
        registered = [(a.content, a.deadline.isoformat())
                      for a in s.scalars(select(Assignment).order_by(Assignment.seq))]
    assert registered == [
        ("Rà soát và điều chuyển kế hoạch vốn", "2026-03-15"),
        ("Yêu cầu Phòng Ngân sách tổng hợp số liệu giải ngân, báo cáo hằng tháng trước ngày 20", "2026-02-20"),
        ("Giao STC phối hợp với SXD đề xuất phương án điều chuyển vốn trong quý II/2026", "2026-06-30")]


def test_the_header_fields_left_empty_are_filled_from_the_text_and_the_one_typed_is_kept(loaded, live_server, sign_in):
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    clerk.fill("input[name=issuer]", "UBND tỉnh")   # typed before: never overwritten
    clerk.fill("#proposal-text", HEADED_NOTICE)
    clerk.click("#propose")
    clerk.wait_for_selector("#proposal-status:has-text('Các nhiệm vụ đề xuất')")
    assert clerk.input_value("input[name=symbol]") == "45/TB-UBND"
    assert clerk.input_value("input[name=issued_on]") == "10/02/2026"
    assert clerk.input_value("textarea[name=summary]") == (
        "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về tiến độ giải ngân vốn đầu tư công")
    assert clerk.input_value("input[name=issuer]") == "UBND tỉnh"
    sources = clerk.locator(".header-source")
    notes = {sources.nth(n).get_attribute("data-field"): sources.nth(n).inner_text() for n in range(sources.count())}
    assert set(notes) == {"symbol", "issued_on", "summary"}   # none under the field the clerk typed in
    assert notes["symbol"].startswith("Đọc từ văn bản:") and "Số: 45/TB-UBND" in notes["symbol"]
    assert "Đắk Lắk, ngày 10 tháng 02 năm 2026" in notes["issued_on"]
    assert clerk.locator("fieldset.assignment").count() == 4
    screenshot(clerk, "proposals-header")
    with loaded.db.reading() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0   # filled, not registered: the clerk confirms

    # another text: the fields still as the first text filled them are its own; the one the clerk corrected stays;
    # its own date, not the first text's, is the day its monthly report falls after ("hằng tháng trước ngày 20")
    clerk.fill("textarea[name=summary]", "Kết luận về giải ngân vốn đầu tư công")
    clerk.fill("#proposal-text", HEADED_NOTICE.replace("45/TB-UBND", "46/TB-UBND").replace("ngày 10 tháng 02",
                                                                                          "ngày 15 tháng 01"))
    clerk.click("#propose")
    clerk.wait_for_selector(".header-source[data-field=symbol]:has-text('46/TB-UBND')")
    assert clerk.input_value("input[name=symbol]") == "46/TB-UBND"
    assert clerk.input_value("input[name=issued_on]") == "15/01/2026"
    third = clerk.locator("fieldset.assignment").nth(6)   # its 3rd row, after the first text's four
    assert third.locator("input[name$='-deadline']").input_value() == "20/01/2026"
    assert clerk.input_value("textarea[name=summary]") == "Kết luận về giải ngân vốn đầu tư công"
    assert clerk.locator(".header-source[data-field=symbol]").count() == 1
    assert clerk.locator(".header-source[data-field=summary]").count() == 0

    register_and_classify(clerk)
    with loaded.db.reading() as s:
        [directive] = s.scalars(select(Directive)).all()
        assert (directive.symbol, directive.issued_on, directive.issuer, directive.summary) == (
            "46/TB-UBND", date(2026, 1, 15), "UBND tỉnh", "Kết luận về giải ngân vốn đầu tư công")


ODT = HTML_FIXTURES.parent / "odt" / "ke-hoach-chuyen-doi-so.odt"


@pytest.mark.parametrize(("name", "media_type", "data", "first", "leads"), [   # leads: the table's rows last
    ("ke-hoach.docx", DOCX, plan_docx, "1 | Rà soát các quy định về quản lý tài sản công | Sở Tài chính",
     ["STC", "SXD", "SXD"]),
    ("Kế hoạch.odt", "application/vnd.oasis.opendocument.text", ODT.read_bytes, "Giao Sở Tài chính chủ trì",
     ["STC", "SXD", "STC", "SXD", "SXD"])], ids=["docx", "odt"])
def test_a_document_s_tasks_and_task_table_propose_a_row_a_task(loaded, live_server, sign_in, name, media_type, data,
                                                                 first, leads):
    """A plan's task table proposes a task a row. LibreOffice Writer's .odt (tests/fixtures/odt/MANIFEST.md: the
    same plan after a list of two tasks), which the file picker offered not and the server refused as unsupported,
    proposes its list's tasks and its table's rows."""
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    assert name.rsplit(".")[-1] in clerk.get_attribute("#proposal-file", "accept").replace(".", "").split(",")
    clerk.set_input_files("#proposal-file", files=[{"name": name, "mimeType": media_type, "buffer": data()}])
    clerk.fill("input[name=issued_on]", "12/02/2026")
    clerk.click("#propose")
    clerk.wait_for_selector("#proposal-status:has-text('Các nhiệm vụ đề xuất')")
    rows = clerk.locator("fieldset.assignment")
    assert rows.count() == len(leads)
    assert clerk.locator("fieldset.assignment p.proposal-source q").all_inner_texts()[0].startswith(first)
    assert [rows.nth(n).locator("select[name$='-lead_unit']").input_value() for n in range(len(leads))] == leads
    table = rows.nth(len(leads) - 3)   # the table's first row: "Quý II/2026"
    assert table.locator("input[name$='-deadline']").input_value() == "30/06/2026"
    screenshot(clerk, f"proposals-table-{name.rsplit('.')[-1]}")


@pytest.mark.parametrize(("name", "path", "media_type"), [
    ("CT9UB.DOC", HTML_FIXTURES / "ct-09-2009-ct-ubnd-binh-duong.doc", "application/msword"),
    ("CT9UB.mht", HTML_FIXTURES.parent / "mht" / "ct-09-2009-ct-ubnd-binh-duong.mht", "multipart/related")],
    ids=["web-page-as-doc", "single-file-web-page"])
def test_a_web_page_saved_as_doc_proposes_its_tasks(loaded, live_server, sign_in, name, path, media_type):
    """What an office system exports as "Word" is often a web page named .doc (tests/fixtures/html): picked on
    the register page, it proposes the directive's tasks, read as HTML (antiword refused it as unreadable). So
    does Word's single-file web page (.mht, tests/fixtures/mht), which the file picker offered not and the
    server refused as unsupported."""
    with loaded.db.session() as s:
        org.create_unit(s, "SKHCN", "Sở Khoa học và Công nghệ", parent_code="UBND", kind="department")
        org.create_unit(s, "SNV", "Sở Nội vụ", parent_code="UBND", kind="department")
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    assert path.suffix.lower() in clerk.get_attribute("#proposal-file", "accept").split(",")
    clerk.set_input_files("#proposal-file", files=[{"name": name, "mimeType": media_type, "buffer": path.read_bytes()}])
    clerk.fill("input[name=issued_on]", "15/04/2009")
    clerk.click("#propose")
    clerk.wait_for_selector("#proposal-status:has-text('Các nhiệm vụ đề xuất')")
    rows = clerk.locator("fieldset.assignment")
    leads = [rows.nth(n).locator("select[name$='-lead_unit']").input_value() for n in range(rows.count())]
    assert leads[-4:] == ["SNV", "STC", "STC", "SKHCN"]
    assert clerk.locator("fieldset.assignment p.proposal-source q").all_inner_texts()[-4].startswith("Rà soát, bổ sung")


EVERY_COMMUNE = "UBND các xã, phường tập trung chỉ đạo giải ngân vốn được giao, hoàn thành trước ngày 31/01/2027."


def _propose_on_a_new_directive(clerk, text: str, symbol: str = "215/TB-UBND", issued_on: str = "12/02/2026",
                                issuer: str = "UBND tỉnh") -> None:
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    clerk.fill("input[name=symbol]", symbol)
    clerk.fill("input[name=issued_on]", issued_on)
    clerk.fill("input[name=issuer]", issuer)
    clerk.fill("textarea[name=summary]", "Kết luận về giải ngân vốn đầu tư công")
    clerk.fill("#proposal-text", text)
    clerk.click("#propose")


def test_a_task_for_every_commune_of_a_seeded_province_is_a_row_each_and_more_than_fit_are_told(
        loaded, live_server, sign_in, monkeypatch):
    """Gia Lai has 135 communes and wards since 1/7/2025: "UBND các xã, phường" gives each its row (a hundred
    were kept before, silently), and rows past the bound are not dropped unsaid."""
    assert CliRunner().invoke(cli, ["org", "seed", "--province", "52"], obj=loaded).exit_code == 0
    with loaded.db.reading() as s:
        communes = sum(u.kind == "commune" and u.is_valid_on(date(2026, 2, 12)) for u in s.scalars(select(Unit)))
    assert communes >= 135
    clerk = sign_in("clerk")
    _propose_on_a_new_directive(clerk, EVERY_COMMUNE)
    clerk.wait_for_selector("#proposal-status:has-text('Các nhiệm vụ đề xuất')", timeout=30000)
    assert clerk.locator("fieldset.assignment").count() == communes
    register_and_classify(clerk, timeout=60000)
    with loaded.db.reading() as s:
        assert s.scalar(select(func.count(Assignment.id))) == communes

    monkeypatch.setattr(routes, "MAX_ASSIGNMENTS", 40)
    _propose_on_a_new_directive(clerk, EVERY_COMMUNE)
    clerk.wait_for_selector("#proposal-status:has-text('Chỉ thêm 40 nhiệm vụ đầu tiên')", timeout=30000)
    assert clerk.locator("fieldset.assignment").count() == 40


def test_a_merged_province_s_task_of_before_the_merger_keeps_the_old_department_it_names(
        loaded, live_server, sign_in):
    """A Bình Định text of 10/03/2025 on a seeded Gia Lai names Bình Định's departments, which today's unit list
    lacks: the row offers each by name, marked with its last day, and the task is registered to them (reports
    roll them up to today's)."""
    assert CliRunner().invoke(cli, ["org", "seed", "--province", "52"], obj=loaded).exit_code == 0
    clerk = sign_in("clerk")
    _propose_on_a_new_directive(clerk, "1. Giao Sở Tài chính tỉnh Bình Định chủ trì, phối hợp với Sở Xây dựng tỉnh "
                                       "Bình Định rà soát kế hoạch vốn, hoàn thành trước ngày 30/3/2025.",
                                "88/TB-UBND", "10/03/2025", "UBND tỉnh Bình Định")
    clerk.wait_for_selector("#proposal-status:has-text('Các nhiệm vụ đề xuất')")
    row = clerk.locator("fieldset.assignment").first
    lead = row.locator("select[name$='-lead_unit']")
    assert lead.input_value() == "cu-tinh-52-stc"
    assert lead.locator("option:checked").inner_text() == "Sở Tài chính tỉnh Bình Định (đến 30/06/2025)"
    assert [c.split("\n")[0] for c in row.locator(".ms-chips li").all_inner_texts()] == [
        "Sở Xây dựng tỉnh Bình Định (đến 30/06/2025)"]
    register_and_classify(clerk)
    with loaded.db.reading() as s:
        [assignment] = s.scalars(select(Assignment)).all()
        assert s.get(Unit, assignment.lead_unit_id).code == "cu-tinh-52-stc"


def test_while_a_document_is_read_the_page_says_so_and_a_second_click_reads_it_not_again(
        loaded, live_server, sign_in, monkeypatch):
    """A 5-page scan took 48 s through OCR on a gunicorn worker, the page showing "…" with the button live: the
    clerk's second click read it again beside the first (two OCRs each past the 60 s bound of a program run,
    both refused as too slow), and two answers added every row twice."""
    release, calls = threading.Event(), []
    read = proposal_service.read_and_propose

    def slow_read(*args, **kwargs):
        calls.append(1)
        release.wait(20)   # the OCR of a scan, held until the test has looked at the page
        return read(*args, **kwargs)

    monkeypatch.setattr(proposal_service, "read_and_propose", slow_read)
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    clerk.fill("input[name=issued_on]", "12/02/2026")
    clerk.fill("#proposal-text", NOTICE)
    clerk.click("#propose")
    clerk.wait_for_selector("#proposal-status:has-text('Đang đọc văn bản')")
    assert "nhận dạng chữ (OCR), có thể mất đến 90 giây" in clerk.inner_text("#proposal-status")
    assert clerk.is_disabled("#propose")
    clerk.click("#propose", force=True)   # clicked again: nothing seems to happen
    release.set()
    clerk.wait_for_selector("#proposal-status:has-text('Các nhiệm vụ đề xuất')")
    assert clerk.locator("fieldset.assignment").count() == 4
    assert len(calls) == 1
    assert clerk.is_enabled("#propose")   # another text may be proposed after


@pytest.mark.parametrize(("script", "button"), [("proposals.js", "#propose"), ("register.js", "#add-row")])
def test_a_button_is_disabled_until_its_script_listens_and_a_click_then_works(loaded, live_server, sign_in,
                                                                               script, button):
    """CI on a loaded machine: the clerk's click on "Đề xuất" came while the page's scripts were still loading, and
    nothing happened (no reading, no word). The button waits, disabled, until its script is in place."""
    clerk = sign_in("clerk")
    held = []
    clerk.route(f"**/static/{script}", lambda route: held.append(route))   # held back, as on a slow line
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    clerk.wait_for_selector(button, state="attached")
    assert clerk.is_disabled(button)
    while not held:                    # the browser has asked for the script: let it in
        clerk.wait_for_timeout(50)
    held[0].continue_()
    clerk.fill("input[name=issued_on]", "12/02/2026")
    clerk.fill("#proposal-text", NOTICE)
    clerk.click(button)
    if button == "#propose":
        clerk.wait_for_selector("#proposal-status:has-text('Các nhiệm vụ đề xuất')")
        assert clerk.locator("fieldset.assignment").count() == 4
    else:
        assert clerk.locator("fieldset.assignment").count() == 2


def test_a_password_protected_docx_is_refused_saying_so(loaded, live_server, sign_in):
    """Word's "Encrypt with Password" DOCX (tests/fixtures/doc/MANIFEST.md) was refused as damaged."""
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    clerk.set_input_files("#proposal-file", str(Path(__file__).parents[1] / "fixtures" / "doc" /
                                                 "thong-bao-mat-khau.docx"))
    clerk.click("#propose")
    clerk.wait_for_selector("#proposal-status:has-text('Tệp được đặt mật khẩu: hãy lưu lại tệp không đặt mật khẩu, "
                            "hoặc dán nội dung văn bản.')")
    assert clerk.locator("fieldset.assignment").count() == 1   # the blank row, as before


def test_a_refused_form_comes_back_with_each_proposal_s_sentence_and_the_pasted_text(loaded, live_server, sign_in):
    """Registering with a header field left empty shows the form again: the rows and their edits came back, but
    not the sentence each came from nor the pasted text, and the clerk could no longer check a row against its
    sentence (30 rows of a conclusion notice) nor propose again."""
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    clerk.fill("input[name=symbol]", "12/TB-UBND")
    clerk.fill("input[name=issued_on]", "12/02/2026")
    clerk.fill("textarea[name=summary]", "Kết luận về giải ngân vốn đầu tư công")
    clerk.fill("#proposal-text", NOTICE)
    clerk.click("#propose")
    clerk.wait_for_selector("#proposal-status:has-text('Các nhiệm vụ đề xuất')")
    rows = clerk.locator("fieldset.assignment")
    rows.nth(0).locator("textarea").fill("Rà soát và điều chuyển kế hoạch vốn")   # edited
    rows.nth(1).locator(".remove-row").click()                                     # dropped
    clerk.click("button.primary:has-text('Vào sổ')")                              # the issuer left empty
    clerk.wait_for_selector(".flash.error")
    rows = clerk.locator("fieldset.assignment")
    assert rows.count() == 3
    assert rows.nth(0).locator("textarea").input_value() == "Rà soát và điều chuyển kế hoạch vốn"
    assert [rows.nth(n).locator(".source").inner_text() for n in range(3)] == [
        "Trích từ văn bản: Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát kế hoạch vốn; hoàn thành "
        "trước ngày 15/3/2026.",
        "Trích từ văn bản: Yêu cầu Phòng Ngân sách tổng hợp số liệu giải ngân, báo cáo hằng tháng trước ngày 20.",
        "Trích từ văn bản: Giao STC phối hợp với SXD đề xuất phương án điều chuyển vốn trong quý II/2026."]
    assert clerk.input_value("#proposal-text") == NOTICE
    clerk.fill("input[name=issuer]", "UBND tỉnh")
    register_and_classify(clerk)
    with loaded.db.reading() as s:
        assert [a.content for a in s.scalars(select(Assignment).order_by(Assignment.seq))] == [
            "Rà soát và điều chuyển kế hoạch vốn",
            "Yêu cầu Phòng Ngân sách tổng hợp số liệu giải ngân, báo cáo hằng tháng trước ngày 20",
            "Giao STC phối hợp với SXD đề xuất phương án điều chuyển vốn trong quý II/2026"]

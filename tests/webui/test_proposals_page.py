"""The register page's proposal call (POST /directives/proposals, used by static/proposals.js):
proposals with Vietnamese deadline words and dd/mm/yyyy dates; refusals in Vietnamese."""
import io

from tests.proposals.texts import NOTICE, TCVN3_NOTICE


def test_the_page_gets_proposals_with_words_and_dates_people_read(loaded, browser):
    clerk = browser("clerk")
    answer = clerk.post("/directives/proposals", {"text": NOTICE, "issued_on": "12/02/2026"}, page="/directives/new")
    assert answer.status_code == 200
    deadlines = [p["deadline"] for p in answer.get_json()["proposals"]]
    assert [(d["label"], d.get("display")) for d in deadlines] == [
        ("trước ngày", "15/03/2026"), ("trong tháng, đến hết ngày", "30/04/2026"),
        ("hằng tháng, trước ngày 20", "20/02/2026"), ("trong quý, đến hết ngày", "30/06/2026")]


def test_refusals_are_said_in_vietnamese_and_only_the_office_may_ask(loaded, browser):
    clerk = browser("clerk")
    empty = clerk.post("/directives/proposals", {"text": " "}, page="/directives/new")
    assert empty.status_code == 422
    assert empty.get_json()["error"] == "Hãy dán nội dung văn bản hoặc đính kèm tệp văn bản."
    wrong = clerk.post("/directives/proposals", {"file": (io.BytesIO(b"x"), "notes.txt")}, page="/directives/new",
                       content_type="multipart/form-data")
    assert wrong.status_code == 422 and wrong.get_json()["error"].startswith("Hãy đính kèm tệp DOCX")
    bad_day = clerk.post("/directives/proposals", {"text": NOTICE, "issued_on": "31/02/2026"}, page="/directives/new")
    assert bad_day.status_code == 422
    unit = browser("stc")
    assert unit.post("/directives/proposals", {"text": NOTICE}, page="/inbox").status_code == 403


def test_a_scan_on_a_server_without_ocr_is_refused_asking_for_the_text(loaded, browser, monkeypatch):
    from engine.proposals import reading

    monkeypatch.setattr(reading.shutil, "which", lambda name: None)   # no tesseract installed
    clerk = browser("clerk")
    scan = clerk.post("/directives/proposals", {"file": (io.BytesIO(b"\x89PNG scan"), "scan.png")},
                      page="/directives/new", content_type="multipart/form-data")
    assert scan.status_code == 422
    assert scan.get_json()["error"] == ("Tệp này là bản quét nhưng máy chủ chưa cài nhận dạng chữ (OCR có dữ liệu "
                                        "tiếng Việt): hãy dán nội dung văn bản.")


def test_a_text_in_a_pre_unicode_font_is_refused_in_vietnamese_naming_the_font(loaded, browser):
    legacy = browser("clerk").post("/directives/proposals", {"text": TCVN3_NOTICE}, page="/directives/new")
    assert legacy.status_code == 422
    assert legacy.get_json()["error"].startswith("Không đọc được phông chữ: văn bản dùng phông chữ cũ")

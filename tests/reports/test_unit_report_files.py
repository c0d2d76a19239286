"""A unit's report carries its signed document (the scanned PDF or the DOCX sent with the lines typed):
stored through the attachment store, shown and downloaded on the office's consolidation step, the
leader's approval step and the report's page by those who read that unit's report, and named in the
report's files and GET /api/v1/reports/office; a report marked secret (mật) shows its text and files only
to the readers of secret records ([secrecy] visible_to) and the unit itself, the others reading that the
unit sent a secret report, when, and nothing of it. A refused file names its field and saves nothing; a
retried submission stores nothing twice."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import datetime
from urllib.parse import urlencode

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.directives import attachments
from engine.directives.models import Attachment
from engine.notifications.models import Notification
from engine.reports.models import PeriodicReport, UnitReport
from engine.reports.query import ReportQuery
from engine.reports.service import build_report, report_args
from engine.runtime.models import WorkItem
from tests.api.conftest import api_app, make_token
from tests.conftest import create_org_tree, make_engine
from tests.webui.conftest import Browser
from webui.app import create_app

ASK = {"topic": "Tình hình giải ngân vốn đầu tư công", "units": ["STC", "SXD"], "due": "06/03/2026",
       "office_due": "11/03/2026"}
SIGNED = b"%PDF-1.4\n% Bao cao so 12/BC-STC da ky\n" + bytes(range(256)) * 40
NAME = "12-BC-STC giải ngân.pdf"


def _signed_in(app, username: str) -> Browser:
    browser = Browser(app)
    assert browser.login(username).status_code == 302
    return browser


def _asked(app) -> int:
    asked = _signed_in(app, "clerk").post("/reports/adhoc/new", ASK, page="/reports/adhoc/new")
    assert asked.status_code == 302
    return int(asked.headers["Location"].rstrip("/").split("/")[-1])


def _item(engine, element_id: str, unit_id: int | None = None) -> int:
    with engine.db.session() as s:
        query = select(WorkItem.id).where(WorkItem.element_id == element_id, WorkItem.status == "ready")
        return s.scalars(query.where(WorkItem.unit_id == unit_id) if unit_id else query).one()


def _send(browser: Browser, item_id: int, content: bytes = SIGNED, name: str = NAME, **fields):
    return browser.post(f"/work/{item_id}", {"results": "Đã giải ngân 45% kế hoạch vốn",
                                            "report_files": (io.BytesIO(content), name), **fields},
                        content_type="multipart/form-data")


def _unit_reports(html: str) -> str:
    return html.split('id="unit-reports"')[1].split("</section>")[0]


SEALED = "Báo cáo mật — nội dung chỉ người được phép xem"
TEXT = "Đã giải ngân 45% kế hoạch vốn"


def _exports(loaded, browser: Browser, report_id: int) -> dict[str, str]:
    """The report's Word and PDF files (their text) and Excel sheet of the units' reports (its rows), as its page
    links them."""
    with loaded.db.session() as s:
        args = urlencode({**report_args(s.get_one(PeriodicReport, report_id)), "periodic": report_id})
    docx, xlsx, pdf = (browser.get(f"/reports/export/{fmt}?{args}") for fmt in ("docx", "xlsx", "pdf"))
    assert docx.status_code == xlsx.status_code == pdf.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data))["Báo cáo của các đơn vị"]
    pdf_text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True).stdout
    return {"docx": "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs),
            "xlsx": repr([row for row in sheet.iter_rows(min_row=6, values_only=True)]),
            "pdf": " ".join(pdf_text.decode().split())}


def _process_page(loaded, app, report_id: int) -> str:
    """The page of the report's process, as the process administrator reads it."""
    with loaded.db.session() as s:
        instance_id = s.get_one(PeriodicReport, report_id).instance_id
    page = _signed_in(app, "admin").get(f"/admin/instances/{instance_id}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _api_unit_reports(loaded, username: str) -> list[dict]:
    client = api_app(loaded).test_client()
    answer = client.get("/api/v1/reports/office", headers={"Authorization": f"Bearer {make_token(loaded, username)}"})
    assert answer.status_code == 200
    [report] = answer.get_json()["items"]
    return report["unit_reports"]


def test_a_unit_report_carries_its_signed_document_to_the_steps_that_decide_on_it(loaded, org_tree, clock):
    app = create_app(loaded, SECRET_KEY="test-secret", TESTING=True)
    report_id = _asked(app)
    stc = _signed_in(app, "stc")
    unit_item = _item(loaded, "adhoc_unit_report", org_tree["stc"].unit_id)
    form = stc.get(f"/work/{unit_item}").get_data(as_text=True)
    assert re.search(r'<input[^>]*type="file"[^>]*name="report_files"', form) and "Văn bản báo cáo đã ký" in form
    # Đắk Lắk keeps no secret paper in the system (store_content = false, Đ.5 k.2): a secret report goes on
    # paper, the form offers no such mark and a sent one is not taken
    assert 'name="report_secret"' not in form
    assert _send(stc, unit_item, report_secret="on").status_code == 302
    with loaded.db.session() as s:
        submission = s.scalars(select(UnitReport)).one()
        [digest] = submission.attachments
        assert not submission.secret
        assert s.get_one(Attachment, digest).filename == NAME
    link = f'href="/attachments/{digest}" class="file">{NAME}</a>'

    clock.set(datetime(2026, 3, 9, 9, 0))
    loaded.runtime.run_due_timers()
    clerk = _signed_in(app, "clerk")
    assert link in _unit_reports(clerk.get(f"/work/{_item(loaded, 'report_consolidate')}").get_data(as_text=True))
    assert clerk.get(f"/attachments/{digest}").data == SIGNED
    assert link in clerk.get(f"/reports/periodic/{report_id}").get_data(as_text=True)
    # the report's files and the API name the file (not its id) under its unit's report
    files = _exports(loaded, clerk, report_id)
    assert f"{TEXT}\nTệp đính kèm: {NAME}." in files["docx"]
    assert f"(1, 'Sở Tài chính', datetime.datetime(2026, 2, 12, 0, 0), '{TEXT}', None, None, '{NAME}')" in files["xlsx"]
    assert f"Kết quả: {TEXT} Tệp đính kèm: {NAME}." in files["pdf"]
    [sent] = _api_unit_reports(loaded, "clerk")
    assert sent == {"unit": "Sở Tài chính", "sent_by": "Phạm Chuyên Viên", "sent_at": sent["sent_at"], "secret": False,
                    "sealed": False, "results": TEXT, "difficulties": None, "proposals": None,
                    "files": [{"name": NAME, "content_type": "application/pdf", "size": len(SIGNED),
                               "url": f"/api/v1/attachments/{digest}"}]}
    assert TEXT in _process_page(loaded, app, report_id)  # no secret: its process's history says what was sent
    loaded.runtime.complete(_item(loaded, "report_consolidate"), {"summary": "Tổng hợp"}, org_tree["clerk"])

    leader = _signed_in(app, "chutich")
    review = leader.get(f"/work/{_item(loaded, 'report_review')}").get_data(as_text=True)
    assert link in _unit_reports(review)
    downloaded = leader.get(f"/attachments/{digest}")
    assert downloaded.data == SIGNED and downloaded.mimetype == "application/pdf"

    # another unit reads its own report only: neither the link nor the file
    sxd = _signed_in(app, "sxd")
    assert NAME not in sxd.get(f"/reports/periodic/{report_id}").get_data(as_text=True)
    assert sxd.get(f"/attachments/{digest}").status_code == 404


def test_a_secret_report_opens_its_files_only_to_the_readers_of_secret_records(database_url, clock, tmp_path):
    """Quỳnh Nhai keeps secret papers (store_content) for the office head and the leader (visible_to,
    Đ.6 k.1b): they open a secret report's files, the clerks do not (their step shows the report and
    counts its files); the unit and its head do, another unit does not."""
    engine = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path)
    try:
        org_tree = create_org_tree(engine)
        with engine.db.session() as s:
            engine.load_ruleset(s)
        _secret_report_read(engine, org_tree, clock)
    finally:
        engine.close()


def _secret_report_read(loaded, org_tree, clock) -> None:
    app = create_app(loaded, SECRET_KEY="test-secret", TESTING=True)
    report_id = _asked(app)
    stc = _signed_in(app, "stc")
    unit_item = _item(loaded, "adhoc_unit_report", org_tree["stc"].unit_id)
    assert 'name="report_secret"' in stc.get(f"/work/{unit_item}").get_data(as_text=True)
    assert _send(stc, unit_item, report_secret="on").status_code == 302
    with loaded.db.session() as s:
        submission = s.scalars(select(UnitReport)).one()
        assert submission.secret
        [digest] = submission.attachments
    clock.set(datetime(2026, 3, 9, 9, 0))
    loaded.runtime.run_due_timers()
    clerk = _signed_in(app, "clerk")
    # the clerk consolidating reads that the unit sent a secret report, when, by whom: not a word of it
    step = _unit_reports(clerk.get(f"/work/{_item(loaded, 'report_consolidate')}").get_data(as_text=True))
    page = _unit_reports(clerk.get(f"/reports/periodic/{report_id}").get_data(as_text=True))
    for shown in (step, page):
        assert "Sở Tài chính" in shown and SEALED in shown
        assert "Đã giải ngân" not in shown and digest not in shown and NAME not in shown
    assert clerk.get(f"/attachments/{digest}").status_code == 404
    files = _exports(loaded, clerk, report_id)
    assert f"Sở Tài chính (gửi ngày 12/02/2026)\n{SEALED}." in files["docx"]
    assert f"(1, 'Sở Tài chính', datetime.datetime(2026, 2, 12, 0, 0), '{SEALED}', None, None, None)" in files["xlsx"]
    assert f"Sở Tài chính (gửi ngày 12/02/2026): {SEALED}." in files["pdf"]
    assert all("Đã giải ngân" not in text and NAME not in text for text in files.values())
    [sealed] = _api_unit_reports(loaded, "clerk")
    assert sealed == {"unit": "Sở Tài chính", "sent_by": sealed["sent_by"], "sent_at": sealed["sent_at"],
                      "secret": True, "sealed": True, "results": None, "difficulties": None, "proposals": None,
                      "files": []}
    for username in ("chanhvp", "chutich", "stc_gd", "stc"):
        reader = _signed_in(app, username)
        assert reader.get(f"/attachments/{digest}").data == SIGNED, username
        page = _unit_reports(reader.get(f"/reports/periodic/{report_id}").get_data(as_text=True))
        assert f'href="/attachments/{digest}"' in page and TEXT in page and SEALED not in page, username
        [whole] = _api_unit_reports(loaded, username)
        assert whole["results"] == TEXT and [f["name"] for f in whole["files"]] == [NAME], username
    files = _exports(loaded, _signed_in(app, "chanhvp"), report_id)
    assert f"{TEXT}\nTệp đính kèm (mật): {NAME}." in files["docx"] and SEALED not in files["docx"]
    with loaded.db.session() as s:  # nor the public, reading an issued report's published Word file as sent
        scope = ReportQuery.from_args(report_args(s.get_one(PeriodicReport, report_id)), clock.today()).scope(s, None)
        [public] = build_report(s, scope, periodic_report_id=report_id).submissions
    assert public.sealed and (public.results, public.files) == (None, [])
    # nor does the process administrator read it in the process's data or history (the unit's step holds it)
    assert "Đã giải ngân" not in _process_page(loaded, app, report_id)
    # consolidated, approved and issued: no notice (nor its mail) on the way says a word of it
    loaded.runtime.complete(_item(loaded, "report_consolidate"), {"summary": "Tổng hợp"}, org_tree["office_head"])
    loaded.runtime.complete(_item(loaded, "report_review"), {"review_decision": "approve"}, org_tree["leader"])
    with loaded.db.session() as s:
        assert s.get_one(PeriodicReport, report_id).status == "issued"
        notes = s.scalars(select(Notification)).all()
        assert {n.kind for n in notes} >= {"adhoc_report", "office_report_review", "office_report_issued"}
        assert not [n for n in notes if "giải ngân 45" in n.subject + n.body or NAME in n.subject + n.body]
    assert _signed_in(app, "sxd").get(f"/attachments/{digest}").status_code == 404


def test_a_refused_file_names_its_field_and_nothing_is_saved(loaded, org_tree, clock, monkeypatch):
    app = create_app(loaded, SECRET_KEY="test-secret", TESTING=True)
    _asked(app)
    stc = _signed_in(app, "stc")
    unit_item = _item(loaded, "adhoc_unit_report", org_tree["stc"].unit_id)
    script = _send(stc, unit_item, b"MZ\x90\x00", "bao-cao.exe")
    assert script.status_code == 422
    page = script.get_data(as_text=True)
    assert "Vui lòng sửa các trường được đánh dấu dưới đây: Văn bản báo cáo đã ký (bản scan PDF, DOCX)." in page
    assert "Không nhận tệp loại .exe." in page
    monkeypatch.setattr(attachments, "MAX_SIZE", len(SIGNED) - 1)  # a file one byte too large
    too_large = _send(stc, unit_item)
    assert too_large.status_code == 422 and f"Tệp {NAME} lớn hơn" in too_large.get_data(as_text=True)
    assert "Văn bản báo cáo đã ký (bản scan PDF, DOCX)." in too_large.get_data(as_text=True)
    with loaded.db.session() as s:
        assert s.scalar(select(func.count()).select_from(UnitReport)) == 0
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
        assert s.get_one(WorkItem, unit_item).status == "ready"


def test_the_api_sends_a_unit_report_with_its_file_once_however_often_it_is_retried(loaded, org_tree, clock):
    """POST /work-items/{id}/complete, multipart: the form's fields and the file in `report_files`; the
    same call again with its Idempotency-Key replays the answer, stores no second file nor report."""
    _asked(create_app(loaded, SECRET_KEY="test-secret", TESTING=True))
    client = api_app(loaded).test_client()
    headers = {"Authorization": f"Bearer {make_token(loaded, 'stc')}", "Idempotency-Key": "stc-bc-12"}
    unit_item = _item(loaded, "adhoc_unit_report", org_tree["stc"].unit_id)

    def complete(content: bytes, name: str = NAME, key: dict | None = None):
        return client.post(f"/api/v1/work-items/{unit_item}/complete", headers=key or headers,
                           content_type="multipart/form-data",
                           data={"results": "Đã giải ngân 45%", "report_files": (io.BytesIO(content), name)})

    refused = complete(b"<script>alert(1)</script>", "bao-cao.html",
                       {**headers, "Idempotency-Key": "stc-bc-12-html"})
    assert refused.status_code == 422 and refused.get_json()["error"]["fields"] == {"report_files":
                                                                           "Không nhận tệp loại .html."}
    first, again = complete(SIGNED), complete(SIGNED)
    assert first.status_code == again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    with loaded.db.session() as s:
        [digest] = s.scalars(select(UnitReport.attachments)).one()
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1
        assert s.get_one(Attachment, digest).filename == NAME
        assert s.scalars(select(PeriodicReport)).one().asked_units == ["STC", "SXD"]
    clerk = {"Authorization": f"Bearer {make_token(loaded, 'clerk')}"}
    assert client.get(f"/api/v1/attachments/{digest}", headers=clerk).data == SIGNED

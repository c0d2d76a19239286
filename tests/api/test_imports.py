"""Importing directives from an edXML header and from the Excel template: good files, and
broken ones reported by row and column with nothing half-imported."""
from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.cli import cli
from engine.directives.models import Assignment, AssignmentUnit, Directive
from engine.exchange import received
from engine.exchange.models import ReceivedDocument
from engine.imports import ImportFailed, edxml, excel
from engine.org import service as org
from engine.org.models import Unit
from engine.runtime.models import WorkItem
from tests.api.test_api import register_and_classify

FILES = Path(__file__).parent / "files"
MESSAGE = (FILES / "edxml_message.xml").read_bytes()


def _leads(engine) -> dict[str, str]:
    """{directive symbol: code of its assignment's lead unit}"""
    with engine.db.session() as s:
        return dict(s.execute(select(Directive.symbol, Unit.code)
                              .join(Assignment, Assignment.directive_id == Directive.id)
                              .join(Unit, Unit.id == Assignment.lead_unit_id)).all())


def _count(engine, model) -> int:
    with engine.db.session() as s:
        return s.scalar(select(func.count(model.id)))


# ---------------------------------------------------------------- edXML
def test_edxml_header_is_read():
    header = edxml.parse_header(MESSAGE)
    assert {key: header[key] for key in ("symbol", "issued_on", "issuer", "summary", "signer", "urgency",
                                         "due_date", "doc_type_name", "source_document_id")} == {
        "symbol": "318/UBND-TH", "issued_on": "2026-02-12", "issuer": "UBND tỉnh Đắk Lắk",
        "summary": "V/v triển khai thực hiện giải ngân vốn đầu tư công năm 2026", "signer": "Nguyễn Văn A",
        "urgency": "urgent", "due_date": "2026-03-16", "doc_type_name": "Công văn",
        "source_document_id": "000.00.00.H17,2026/02/12,0001234"}
    assert header["doc_type"] == "CV"  # DocumentType/TypeName "Công văn", not guessed from "UBND-TH"


def test_edxml_import_through_the_api(as_user, loaded):
    clerk = as_user("clerk")
    preview = clerk("POST", "/imports/edxml?preview=true", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(MESSAGE), "msg.xml")})
    assert preview.status_code == 200 and preview.get_json()["symbol"] == "318/UBND-TH"
    assert _count(loaded, Directive) == 0
    items = [{"content": "Báo cáo tiến độ giải ngân", "lead_unit": "STC"},
             {"content": "Rà soát dự án chậm", "lead_unit": "SXD", "deadline": "2026-03-31"}]
    created = clerk("POST", "/imports/edxml", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(MESSAGE), "msg.xml"), "assignments": json.dumps(items)})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["symbol"], body["urgency"], body["source_document_id"]) == (
        "318/UBND-TH", "urgent", "000.00.00.H17,2026/02/12,0001234")
    clerk("POST", f"/work-items/{clerk('GET', '/work-items').get_json()['items'][0]['id']}/complete",
          json={"tracked": True})
    with loaded.db.session() as s:
        deadlines = dict(s.execute(select(Assignment.content, Assignment.deadline)).all())
    assert {k: v.isoformat() for k, v in deadlines.items()} == {
        "Báo cáo tiến độ giải ngân": "2026-03-16", "Rà soát dự án chậm": "2026-03-31"}  # DueDate as default


@pytest.mark.parametrize(("data", "expected"), [
    (b"<edXML:edXMLEnvelope", "Not well-formed XML"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
     b"<x><MessageHeader><Subject>&xxe;</Subject></MessageHeader></x>", "DOCTYPE"),
    (b"<x><y/></x>", "No edXML MessageHeader"),
    (MESSAGE.replace(b"<edXML:CodeNumber>318</edXML:CodeNumber>", b""), "symbol"),
], ids=["truncated", "external-entity", "not-edxml", "no-number"])
def test_broken_edxml_is_refused(data, expected, loaded, org_tree):
    with pytest.raises(ImportFailed) as failure:
        received.receive(loaded, data, [{"content": "x", "lead_unit": "STC"}], org_tree["clerk"], "msg.xml")
    reported = " ".join(f"{e.field} {e.render()}" for e in failure.value.errors)
    assert expected in reported and "root:" not in reported
    assert _count(loaded, Directive) == 0


def test_edxml_without_assignments_waits_for_the_office_with_no_directive(as_user, loaded):
    """As from the watched folder (docs/import.md): it was refused (422), the API skipping the
    documents waiting to be registered."""
    response = as_user("clerk")("POST", "/imports/edxml", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(MESSAGE), "msg.xml")})
    assert (response.status_code, response.get_json()["action"], response.get_json()["directive"]) == (
        202, "kept", None)
    assert response.get_json()["received"]["message"]["symbol"] == "318/UBND-TH"
    assert _count(loaded, Directive) == 0 and _count(loaded, ReceivedDocument) == 1


def test_an_edxml_document_dated_after_today_is_taken_and_noted(as_user, loaded):
    """The clock says 12/02/2026 and the hub brings a document dated 20/02/2026 (the sender's
    clock or typo): the office cannot refuse the sender's date, so it is registered as dated and
    its history says so, for the clerk to check (docs/import.md)."""
    ahead = MESSAGE.replace(b"<edXML:PromulgationDate>2026-02-12<", b"<edXML:PromulgationDate>2026-02-20<")
    created = as_user("clerk")("POST", "/imports/edxml", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(ahead), "msg.xml"),
                                     "assignments": json.dumps([{"content": "Báo cáo", "lead_unit": "STC"}])})
    assert created.status_code == 201, created.get_json()
    with loaded.db.session() as s:
        directive = s.get(Directive, created.get_json()["id"])
        assert (directive.issued_on, directive.received_on) == (date(2026, 2, 20), date(2026, 2, 12))
        notes = s.scalars(select(AuditEntry.after).where(AuditEntry.action == "directive.dated_ahead")).all()
    assert notes == [{"issued_on": "2026-02-20", "received_on": "2026-02-12"}]
    # the clerk's own correction of that header brings the date to today or before
    clerk, path = as_user("clerk"), f"/directives/{created.get_json()['id']}"
    refused = clerk("PATCH", path, json={"summary": "V/v giải ngân vốn đầu tư công"})
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"issued_on", "received_on"}
    assert clerk("PATCH", path, json={"issued_on": "12/02/2026"}).status_code == 200


# ---------------------------------------------------------------- Excel
def _sheet(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = excel.SHEET
    sheet.append([c.heading for c in excel.COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    ["45/2026/QĐ-UBND", "12/02/2026", "UBND tỉnh", "Kế hoạch A", "Lê Chủ Tịch", "Khẩn",
     "Xây dựng kế hoạch", "STC", "SXD", "31/03/2026", None, "Có"],
    [None, None, None, None, None, None, "Tổ chức thực hiện", "SXD", None, None, 10, "Không"],
    ["46/2026/CT-UBND", "11/02/2026", "UBND tỉnh", "Chỉ thị B", None, None,
     "Tăng cường kỷ luật", "STC-NS", None, None, None, None],
]


def test_excel_import_registers_every_directive(as_user, loaded):
    response = as_user("clerk")("POST", "/imports/excel", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(_sheet(GOOD)), "nhiem-vu.xlsx")})
    assert response.status_code == 201, response.get_json()
    assert [d["symbol"] for d in response.get_json()["items"]] == ["45/2026/QĐ-UBND", "46/2026/CT-UBND"]
    assert response.get_json()["items"][0]["urgency"] == "urgent"
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Directive.id))) == 2


def test_a_broken_sheet_is_reported_by_row_and_column_and_nothing_is_imported(as_user, loaded):
    broken = [GOOD[0], GOOD[1],
              ["47/2026/QĐ-UBND", "31/02/2026", "UBND tỉnh", "Sai", None, "Rất gấp",
               None, "SO-KHONG-CO", "SXD, XYZ", "ngày mai", None, "có lẽ"],
              [None, None, None, None, None, None, "Việc", "STC", None, "01/04/2026", 5, None]]
    response = as_user("clerk")("POST", "/imports/excel", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(_sheet(broken)), "nhiem-vu.xlsx")})
    assert response.status_code == 422
    rows = response.get_json()["error"]["rows"]
    found = {(r["row"], r["column"].split(" ")[0]) for r in rows}
    assert found == {(4, "B"), (4, "F"), (4, "G"), (4, "H"), (4, "I"), (4, "J"), (4, "L"), (5, "K")}
    assert next(r for r in rows if r["column"].startswith("I"))["message"] == "Không có đơn vị XYZ."
    assert _count(loaded, Directive) == 0  # the good rows 2-3 were not imported either


def test_an_excel_row_dated_after_today_is_refused_on_its_cell(as_user, loaded):
    """The clock says 12/02/2026: a register row issued 13/02/2026 (a typo) is refused on its
    column B, and the good rows of the file are not imported either."""
    ahead = [GOOD[0], GOOD[1], ["47/2026/QĐ-UBND", "13/02/2026", *GOOD[2][2:]]]
    response = as_user("clerk")("POST", "/imports/excel", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(_sheet(ahead)), "nhiem-vu.xlsx")})
    assert response.status_code == 422
    assert [(r["row"], r["column"], r["field"], r["message"]) for r in response.get_json()["error"]["rows"]] == [
        (4, "B (Ngày ban hành)", "issued_on", "Không được sau ngày hôm nay (12/02/2026).")]
    assert _count(loaded, Directive) == 0


def test_a_directive_in_the_registry_already_is_passed_over_and_the_others_imported(as_user, loaded):
    clerk = as_user("clerk")
    first = clerk("POST", "/imports/excel", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(_sheet(GOOD[2:])), "a.xlsx")})
    assert first.status_code == 201
    again = clerk("POST", "/imports/excel", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(_sheet(GOOD)), "b.xlsx")})
    assert again.status_code == 201
    assert [d["symbol"] for d in again.get_json()["items"]] == ["45/2026/QĐ-UBND"]
    assert [(k["symbol"], k["rows"]) for k in again.get_json()["already_registered"]] == [("46/2026/CT-UBND", [4])]
    assert _count(loaded, Directive) == 2
    not_excel = clerk("POST", "/imports/excel", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(b"PK\x03\x04 not really"), "c.xlsx")})
    assert not_excel.status_code == 422 and not_excel.get_json()["error"]["rows"][0]["row"] is None


def test_the_template_command_writes_an_importable_sheet(tmp_path, loaded, org_tree):
    out = tmp_path / "mau.xlsx"
    result = CliRunner().invoke(cli, ["import", "template", str(out)], obj=loaded)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert [c.value for c in book[excel.SHEET][1]][:2] == ["Số, ký hiệu *", "Ngày ban hành *"]
    assert "Hướng dẫn" in book.sheetnames
    # The example row is never imported: the template alone has nothing to import.
    bad = CliRunner().invoke(cli, ["import", "excel", str(out), "--as", "clerk"], obj=loaded)
    assert bad.exit_code == 1 and "no rows to import" in bad.output
    assert _count(loaded, Directive) == 0


def test_excel_rows_naming_a_reorganised_unit_go_to_its_successor_when_issued_after(as_user, loaded):
    """A pre-1/3/2025 department (Sở Kế hoạch và Đầu tư, merged into Finance): an old directive keeps
    naming it; one issued after the merger is given to the department that took over its work."""
    with loaded.db.session() as s:
        org.create_unit(s, "SKHDT", "Sở Kế hoạch và Đầu tư", parent_code="UBND", kind="department")
        org.retire_unit(s, "SKHDT", date(2025, 3, 1), successor_code="STC")
    rows = [["10/2025/KH-UBND", "10/01/2025", "UBND tỉnh", "Kế hoạch cũ", None, None,
             "Kế hoạch đầu tư công", "SKHDT", None, None, None, None],
            ["11/2026/KH-UBND", "12/02/2026", "UBND tỉnh", "Kế hoạch mới", None, None,
             "Giải ngân vốn", "SKHDT", "SXD, SKHDT", None, None, None]]
    response = as_user("clerk")("POST", "/imports/excel", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(_sheet(rows)), "nhiem-vu.xlsx")})
    assert response.status_code == 201, response.get_json()
    with loaded.db.session() as s:
        classify = s.scalars(select(WorkItem.id).where(WorkItem.form_key == "classify_directive")).all()
        clerk = org.users_by_name(s, ["clerk"])[0]
    for item_id in classify:
        loaded.runtime.complete(item_id, {"tracked": "on"}, clerk)
    leads = _leads(loaded)
    with loaded.db.session() as s:
        coordinating = s.scalars(select(Unit.code).join(AssignmentUnit, AssignmentUnit.unit_id == Unit.id)
                                 .where(AssignmentUnit.role != "lead")).all()
    assert leads == {"10/2025/KH-UBND": "SKHDT", "11/2026/KH-UBND": "STC"}
    assert coordinating == ["SXD"]  # the merged department is the lead now, not also coordinating


def test_registered_through_the_api_a_reorganised_unit_keeps_its_old_tasks_and_its_successor_reports_them(
        as_user, loaded):
    """POST /directives: a directive issued before the merger keeps naming the merged department;
    one issued after goes to its successor; the successor's summary counts both."""
    with loaded.db.session() as s:
        org.create_unit(s, "SKHDT", "Sở Kế hoạch và Đầu tư", parent_code="UBND", kind="department")
        org.retire_unit(s, "SKHDT", date(2025, 3, 1), successor_code="STC")
    clerk = as_user("clerk")
    for symbol, issued_on in (("10/2025/KH-UBND", "10/01/2025"), ("11/2026/KH-UBND", "12/02/2026")):
        register_and_classify(clerk, {"symbol": symbol, "issued_on": issued_on, "issuer": "UBND tỉnh",
                                      "summary": "Kế hoạch", "assignments": [
                                          {"content": "Giải ngân vốn", "lead_unit": "SKHDT", "deadline_days": 5}]})
    assert _leads(loaded) == {"10/2025/KH-UBND": "SKHDT", "11/2026/KH-UBND": "STC"}
    summary = clerk("GET", "/reports/summary?unit=STC").get_json()
    assert summary["total"]["total"] == 2 and [u["code"] for u in summary["units"]] == ["STC"]


def test_excel_import_through_the_api_keeps_to_the_web_limit(as_user, loaded):
    rows = [GOOD[0]] + [[f"{n}/UBND-TH", "12/02/2026", "UBND tỉnh", "Về việc", None, None, "Việc", "STC", None,
                         None, None, None] for n in range(1, excel.WEB_MAX_ROWS + 2)]
    response = as_user("clerk")("POST", "/imports/excel", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(_sheet(rows)), "nhiem-vu.xlsx")})
    assert response.status_code == 422
    assert response.get_json()["error"]["rows"][0]["message"].startswith(
        f"Mỗi lần nhập tối đa {excel.WEB_MAX_ROWS} dòng")
    assert _count(loaded, Directive) == 0


def test_the_template_s_columns_are_docs_import_md_s_table():
    """docs/import.md, "From Excel": column letter and heading (a * for a required one), as the template writes them."""
    from engine.config import REPO_ROOT

    text = (REPO_ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    table = text.split("| col | heading | content |", 1)[1].split("\n\n", 1)[0]
    documented = [tuple(cell.strip() for cell in row.split("|")[1:3]) for row in table.splitlines()[2:]]
    written = [(chr(ord("A") + index), column.heading + (" *" if column.required else ""))
               for index, column in enumerate(excel.COLUMNS)]
    assert documented == written

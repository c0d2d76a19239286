"""POST /directives/proposals: assignments proposed from a pasted text or a DOCX; the caller
edits one, drops one and registers the rest with POST /directives — nothing is stored before."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fpdf import FPDF
from fpdf.enums import EncryptionMethod
from sqlalchemy import func, select

from engine.cli import cli
from engine.directives.models import Assignment, AssignmentUnit, Directive
from engine.org import service as org
from engine.org.models import Unit
from tests.api.test_api import register_and_classify
from tests.proposals.texts import (
    HEADED_NOTICE,
    NOTICE,
    TCVN3_NOTICE,
    VNI_NOTICE,
    headed_notice_docx,
    notice_docx,
    plan_docx,
)

HEADER = {"symbol": "12/TB-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
          "summary": "Kết luận về giải ngân vốn đầu tư công"}


def _register_from(clerk, loaded, proposals: list[dict]) -> list[Assignment]:
    with loaded.db.reading() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0   # proposing stored nothing
    edited, dropped, *rest = proposals
    items = [{"content": "Rà soát và điều chuyển kế hoạch vốn", "lead_unit": edited["lead_units"][0]["code"],
              "coordinating_units": [u["code"] for u in edited["coordinating_units"]],
              "deadline": edited["deadline"]["date"]}]
    items += [{"content": p["content"], "lead_unit": p["lead_units"][0]["code"],
               "coordinating_units": [u["code"] for u in p["coordinating_units"]],
               "deadline": p["deadline"]["date"]} for p in rest]
    assert dropped["lead_units"] == [{"code": "SXD", "name": "Sở Xây dựng"}]
    register_and_classify(clerk, {**HEADER, "assignments": items})
    with loaded.db.reading() as s:
        return list(s.scalars(select(Assignment).order_by(Assignment.seq)))


@pytest.mark.parametrize("how", ["text", "docx"])
def test_proposals_from_text_and_docx_then_registered_after_editing_and_dropping(as_user, loaded, how):
    clerk = as_user("clerk")
    if how == "text":
        answer = clerk("POST", "/directives/proposals", json={"text": NOTICE, "issued_on": "2026-02-12"})
    else:
        answer = clerk("POST", "/directives/proposals", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(notice_docx()), "thong-bao.docx"), "issued_on": "2026-02-12"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["method"] == how and body["truncated"] is False
    found = body["proposals"]
    assert [(p["lead_units"][0]["code"], p["deadline"]["kind"], p["deadline"]["date"]) for p in found] == [
        ("STC", "before", "2026-03-15"), ("SXD", "within_month", "2026-04-30"),
        ("STC-NS", "monthly", "2026-02-20"), ("STC", "within_quarter", "2026-06-30")]
    assert found[0]["source"].startswith("Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng")
    assert found[2]["deadline"]["day_of_month"] == 20
    registered = _register_from(clerk, loaded, found)
    assert [(a.content, a.deadline.isoformat()) for a in registered] == [
        ("Rà soát và điều chuyển kế hoạch vốn", "2026-03-15"),
        ("Yêu cầu Phòng Ngân sách tổng hợp số liệu giải ngân, báo cáo hằng tháng trước ngày 20", "2026-02-20"),
        ("Giao STC phối hợp với SXD đề xuất phương án điều chuyển vốn trong quý II/2026", "2026-06-30")]


@pytest.mark.parametrize("how", ["text", "docx"])
def test_the_header_the_text_carries_is_proposed_beside_the_tasks_and_registers_as_the_caller_sends_it(
        as_user, loaded, how):
    clerk = as_user("clerk")
    if how == "text":
        answer = clerk("POST", "/directives/proposals", json={"text": HEADED_NOTICE})
    else:   # the letterhead a table of the DOCX, as Word's templates lay it out
        answer = clerk("POST", "/directives/proposals", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(headed_notice_docx()), "thong-bao.docx")})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["header"] == {
        "symbol": {"value": "45/TB-UBND", "source": "Số: 45/TB-UBND"},
        "issued_on": {"value": "2026-02-10", "source": "Đắk Lắk, ngày 10 tháng 02 năm 2026"},
        "issuer": {"value": "Ủy ban nhân dân tỉnh Đắk Lắk", "source": "ỦY BAN NHÂN DÂN / TỈNH ĐẮK LẮK"},
        "kind": {"value": "Thông báo", "source": "THÔNG BÁO"},
        "summary": {"value": "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về tiến độ giải ngân vốn đầu tư công",
                    "source": "THÔNG BÁO / Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về tiến độ giải ngân vốn "
                              "đầu tư công"}}
    assert len(body["proposals"]) == 4   # the header gives no task
    with loaded.db.reading() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0
    header = {name: body["header"][name]["value"] for name in ("symbol", "issued_on", "issuer", "summary")}
    first = body["proposals"][0]
    task = {"content": first["content"], "lead_unit": first["lead_units"][0]["code"],
            "deadline": first["deadline"]["date"]}
    register_and_classify(clerk, {**header, "assignments": [task]})
    with loaded.db.reading() as s:
        [directive] = s.scalars(select(Directive)).all()
        assert (directive.symbol, directive.issued_on.isoformat(), directive.issuer, directive.doc_type) == (
            "45/TB-UBND", "2026-02-10", "Ủy ban nhân dân tỉnh Đắk Lắk", "TB")


def test_without_an_issue_date_the_text_s_own_date_completes_a_deadline_written_without_its_year(as_user):
    """A notice of 20/11/2025 pasted in February 2026: "trước ngày 15/12" is 15/12/2025, as its date says (today
    would make it 15/12/2026); an issue date the clerk gives still counts first."""
    text = ("UBND TỈNH ĐẮK LẮK\nSố: 310/TB-UBND\nĐắk Lắk, ngày 20 tháng 11 năm 2025\n\n"
            "Giao Sở Tài chính rà soát kế hoạch vốn, hoàn thành trước ngày 15/12.")
    clerk = as_user("clerk")
    undated = clerk("POST", "/directives/proposals", json={"text": text}).get_json()
    assert [p["deadline"]["date"] for p in undated["proposals"]] == ["2025-12-15"]
    dated = clerk("POST", "/directives/proposals", json={"text": text, "issued_on": "2026-02-12"}).get_json()
    assert [p["deadline"]["date"] for p in dated["proposals"]] == ["2026-12-15"]


def test_a_text_without_a_header_gives_an_empty_one(as_user):
    body = as_user("clerk")("POST", "/directives/proposals", json={"text": NOTICE.split("Căn cứ")[1]}).get_json()
    assert body["header"] == {} and body["proposals"]


def test_bad_requests_are_refused_naming_the_field(as_user):
    clerk = as_user("clerk")
    empty = clerk("POST", "/directives/proposals", json={"text": "  "})
    assert empty.status_code == 422 and "text" in empty.get_json()["error"]["fields"]
    bad_day = clerk("POST", "/directives/proposals", json={"text": NOTICE, "issued_on": "12/2026"})
    assert bad_day.status_code == 422 and "issued_on" in bad_day.get_json()["error"]["fields"]
    wrong = clerk("POST", "/directives/proposals", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(b"hello"), "notes.txt")})
    assert wrong.status_code == 422
    error = wrong.get_json()["error"]
    assert error["code"] == "unsupported" and "file" in error["fields"]
    assert as_user("stc")("POST", "/directives/proposals", json={"text": NOTICE}).status_code == 403


def test_a_text_in_a_pre_unicode_font_is_refused_saying_so_pasted_or_attached(as_user):
    """Pasted or in a DOCX, TCVN3's "Së Tµi chÝnh" reads as no unit and no date: the clerk is told the font, not
    shown an empty list."""
    clerk = as_user("clerk")
    for text in (TCVN3_NOTICE, VNI_NOTICE):
        pasted = clerk("POST", "/directives/proposals", json={"text": text})
        assert pasted.status_code == 422, pasted.get_json()
        assert pasted.get_json()["error"]["code"] == "legacy_font" and "text" in pasted.get_json()["error"]["fields"]
        attached = clerk("POST", "/directives/proposals", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(notice_docx(text)), "cong-van.docx")})
        assert attached.status_code == 422 and "file" in attached.get_json()["error"]["fields"]


def test_a_docx_task_table_gives_a_proposal_a_row(as_user):
    answer = as_user("clerk")("POST", "/directives/proposals", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(plan_docx()), "ke-hoach.docx"), "issued_on": "2026-02-12"})
    assert answer.status_code == 200, answer.get_json()
    found = answer.get_json()["proposals"]
    assert [(p["content"], [u["code"] for u in p["lead_units"]], [u["code"] for u in p["coordinating_units"]],
             p["deadline"]["kind"], p["deadline"]["date"]) for p in found] == [
        ("Rà soát các quy định về quản lý tài sản công", ["STC"], ["SXD"], "within_quarter", "2026-06-30"),
        ("Xây dựng quy chế quản lý công trình", ["SXD"], ["STC"], "within_month", "2026-09-30"),
        ("Kiểm tra các công trình chậm tiến độ", ["SXD"], [], "none", None)]
    assert found[0]["source"] == ("1 | Rà soát các quy định về quản lý tài sản công | Sở Tài chính | Sở Xây dựng"
                                  " | Quý II/2026")


def test_an_odt_gives_its_tasks_as_the_docx_does(as_user):
    """LibreOffice Writer's .odt (tests/fixtures/odt/MANIFEST.md: the plan of plan_docx() after a list of two tasks)
    was refused as unsupported (422)."""
    answer = as_user("clerk")("POST", "/directives/proposals", content_type="multipart/form-data",
                              data={"file": (io.BytesIO((FIXTURES / "odt" / "ke-hoach-chuyen-doi-so.odt").read_bytes()),
                                             "Kế hoạch.odt"), "issued_on": "2026-02-12"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["method"] == "odt"
    found = [(p["content"][:20], [u["code"] for u in p["lead_units"]], p["deadline"]["date"])
             for p in answer.get_json()["proposals"]]
    assert found == [("Giao Sở Tài chính ch", ["STC"], "2026-03-15"), ("Sở Xây dựng kiểm tra", ["SXD"], "2026-04-30"),
                     ("Rà soát các quy định", ["STC"], "2026-06-30"), ("Xây dựng quy chế quả", ["SXD"], "2026-09-30"),
                     ("Kiểm tra các công tr", ["SXD"], None)]


def test_a_task_for_every_commune_of_a_seeded_province_registers_through_the_api(as_user, loaded):
    """Gia Lai's 135 communes and wards: a row each, or all of them coordinating (100 at most were taken before)."""
    assert CliRunner().invoke(cli, ["org", "seed", "--province", "52"], obj=loaded).exit_code == 0
    with loaded.db.reading() as s:
        communes = list(s.scalars(select(Unit.code).where(Unit.kind == "commune", Unit.code.like("xa-%"))))
    assert len(communes) == 135
    deadline = {"deadline": "31/01/2027"}
    items = [{"content": "Khảo sát các điểm sạt lở", "lead_unit": "STC", "coordinating_units": communes, **deadline}]
    items += [{"content": "Kiểm tra khu vực có nguy cơ sạt lở", "lead_unit": code, **deadline} for code in communes]
    register_and_classify(as_user("clerk"), {**HEADER, "assignments": items})
    with loaded.db.reading() as s:
        assert s.scalar(select(func.count(Assignment.id))) == 136
        coordinating = select(func.count(AssignmentUnit.id)).join(Assignment).where(
            Assignment.seq == 1, AssignmentUnit.role == "coordinating")
        assert s.scalar(coordinating) == 135


FIXTURES = Path(__file__).parents[1] / "fixtures"
DOC = FIXTURES / "doc" / "ct-09-2009-ct-ubnd-binh-duong.doc"
# The same directive as Word saves it as a web page, windows-1258, still named .doc (tests/fixtures/html/MANIFEST.md)
HTML_DOC = FIXTURES / "html" / "ct-09-2009-ct-ubnd-binh-duong.doc"


# … saved as one file (MHTML): by Word as .mht, by a web application as .doc (tests/fixtures/mht/MANIFEST.md)
MHT, MHT_DOC = (FIXTURES / "mht" / name for name in ("ct-09-2009-ct-ubnd-binh-duong.mht",
                                                      "ct-09-2009-ct-ubnd-binh-duong-export.doc"))


@pytest.mark.parametrize(("path", "method"), [(DOC, "doc"), (HTML_DOC, "html"), (MHT, "mhtml"), (MHT_DOC, "mhtml")],
                         ids=["word-97", "web-page-as-doc", "single-file-web-page", "single-file-web-page-as-doc"])
def test_a_directive_named_doc_gives_its_tasks(as_user, loaded, path, method):
    """A real Word 97–2003 directive (tests/fixtures/doc/MANIFEST.md: Chỉ thị 09/2009/CT-UBND of Bình Dương, its
    tasks by department under "6. Phân công tổ chức thực hiện") was refused as unsupported: read through antiword.
    The same directive saved as a web page and still named .doc (what office systems export, "report.doc") was
    refused as unreadable (antiword reads no HTML): read as HTML, it gives the same tasks; and so, read as its page,
    does the directive saved as a single file (MHTML), refused as unsupported (.mht) or unreadable (.doc)."""
    with loaded.db.session() as s:
        org.create_unit(s, "SKHCN", "Sở Khoa học và Công nghệ", parent_code="UBND", kind="department")
        org.create_unit(s, "SNV", "Sở Nội vụ", parent_code="UBND", kind="department")
    answer = as_user("clerk")("POST", "/directives/proposals", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(path.read_bytes()), "CT9UB" + path.suffix.upper()),
                                    "issued_on": "2009-04-15"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["method"] == method
    found = [([u["code"] for u in p["lead_units"]], p["content"]) for p in answer.get_json()["proposals"]]
    assert [(leads, content.split(",")[0][:40]) for leads, content in found[-8:]] == [
        (["SKHCN"], "Hướng dẫn các sở"), (["SKHCN"], "Tham mưu Ủy ban nhân dân tỉnh ban hành t"),
        (["SKHCN"], "Hướng dẫn các sở"), (["SKHCN"], "Hướng dẫn và hỗ trợ về chuyên môn"),
        (["SNV"], "Rà soát"), (["STC"], "Bố trí kinh phí triển khai kế hoạch hoạt"),
        (["STC"], "Chỉ đạo cơ quan tài chính cùng cấp"), (["SKHCN"], "Giao Sở Khoa học và Công nghệ theo dõi")]


def _password_pdf() -> bytes:
    """A PDF one opens only with its password (fpdf2's RC4 encryption, as Acrobat's "Require a password to open")."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "Giao So Tai chinh chu tri ra soat ke hoach von, hoan thanh truoc ngay 15/3/2026.")
    pdf.set_encryption(owner_password="chu-so-huu", user_password="matkhau", encryption_method=EncryptionMethod.RC4)
    return bytes(pdf.output())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
@pytest.mark.parametrize(("name", "data"), [
    ("Thông báo mật khẩu.docx", (FIXTURES / "doc" / "thong-bao-mat-khau.docx").read_bytes()),
    ("thong-bao.pdf", _password_pdf()),
    ("Bảo vệ.doc", (FIXTURES / "doc" / "tika-protected-passtika.doc").read_bytes()),
    ("Bảo mật.odt", (FIXTURES / "odt" / "tika-odt-encrypted.odt").read_bytes())], ids=["docx", "pdf", "doc", "odt"])
def test_a_password_protected_file_is_refused_saying_so(as_user, name, data):
    """A DOCX Word saved with "Encrypt with Password", a Word 97–2003 document Word saved with a password to open
    (tests/fixtures/doc/MANIFEST.md: antiword answers "Encrypted documents are not supported") and a PDF that opens
    only with its password were refused as "damaged or not what its name says": the clerk checked a file that was
    neither. The refusal says a password protects it."""
    answer = as_user("clerk")("POST", "/directives/proposals", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(data), name)})
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "encrypted"
    assert error["fields"]["file"].startswith("The file is protected by a password")   # this app: no page catalogue


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")
def test_a_word_97_file_renamed_docx_gives_its_tasks(as_user, loaded):
    """A .doc renamed .docx (by hand, or by a system that names every Word file so) was refused as unreadable:
    read by its bytes, as a Word 97–2003 file."""
    with loaded.db.session() as s:
        org.create_unit(s, "SKHCN", "Sở Khoa học và Công nghệ", parent_code="UBND", kind="department")
    answer = as_user("clerk")("POST", "/directives/proposals", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(DOC.read_bytes()), "CT9UB.docx"), "issued_on": "2009-04-15"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["method"] == "doc"
    assert ["SKHCN"] in [[u["code"] for u in p["lead_units"]] for p in answer.get_json()["proposals"]]


def test_a_document_registered_by_hand_and_again_from_its_file_is_one_directive(as_user, loaded):
    """The header read from a file names its issuer as the letterhead writes it ("Ủy ban nhân dân tỉnh Gia Lai"),
    a clerk types "UBND tỉnh Gia Lai" or "Uỷ ban nhân dân tỉnh Gia Lai" (the older accent): walked on a served
    deployment, a notice 215/TB-UBND was registered twice, by hand and from its DOCX, 44 tasks twice."""
    clerk = as_user("clerk")
    header = clerk("POST", "/directives/proposals", json={"text": "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 215/TB-UBND\n"
                                                          "Gia Lai, ngày 10 tháng 02 năm 2026\n" + NOTICE}
                   ).get_json()["header"]
    assert header["issuer"]["value"] == "Ủy ban nhân dân tỉnh Gia Lai"
    body = {"symbol": "215/TB-UBND", "issued_on": "2026-02-10", "issuer": "UBND tỉnh Gia Lai",
            "summary": "Kết luận giao ban",
            "assignments": [{"content": "Rà soát", "lead_unit": "STC", "deadline_days": 5}]}
    assert clerk("POST", "/directives", json=body).status_code == 201
    for issuer in (header["issuer"]["value"], "Uỷ ban nhân dân tỉnh Gia Lai", "UBND  TỈNH GIA LAI"):
        again = clerk("POST", "/directives", json={**body, "issuer": issuer})
        assert again.status_code == 422, issuer
        assert again.get_json()["error"]["message"] == "Văn bản 215/TB-UBND đã được vào sổ."
    other = clerk("POST", "/directives", json={**body, "issuer": "Văn phòng UBND tỉnh Gia Lai"})
    assert other.status_code == 201   # another issuer's 215/TB-UBND
    with loaded.db.reading() as s:
        assert s.scalar(select(func.count(Directive.id))) == 2

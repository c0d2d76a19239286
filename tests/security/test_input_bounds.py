"""Input that costs the server more than it costs the sender, or that it cannot handle (issue
#15): an xlsx that unpacks to hundreds of megabytes is refused before openpyxl reads it, with
a Vietnamese message and little memory, and a DOCX attached for proposals before python-docx
reads it; a huge integer in any URL is a 404 (never a 500); every error under /api is JSON, a
too-large body (413) included; a directive filter names only a directive the user may see."""
from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from engine.directives.models import Directive
from tests.api.conftest import Caller, make_token
from tests.modeler.conftest import start_assignment
from tests.webui.conftest import Browser
from webui.app import create_app

HUGE = 10**30
PAST_ANY_ID = 2**31  # one past PostgreSQL's integer
BOMB_STRING = 200 * 1024 * 1024


SHARED = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
# What a workbook with a shared string adds to openpyxl's (which writes its strings inline).
WIRING = {
    "xl/worksheets/sheet1.xml": (b'<c r="A2" t="inlineStr"><is><t>x</t></is></c>', b'<c r="A2" t="s"><v>0</v></c>'),
    "xl/_rels/workbook.xml.rels": (b"</Relationships>", f'<Relationship Id="rIdSS" Type="{SHARED}" '
                                   'Target="sharedStrings.xml"/></Relationships>'.encode()),
    "[Content_Types].xml": (b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
}


def xlsx_with_shared_string(length: int) -> bytes:
    """A workbook whose cell A2 is one shared string of `length` letters, written as a stream."""
    book = Workbook()
    book.active["A2"] = "x"
    plain = io.BytesIO()
    book.save(plain)
    return package_with_long_text(plain.getvalue(), WIRING, "xl/sharedStrings.xml", length,
                                  b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                                  b'uniqueCount="1"><si><t>', b"</t></si></sst>")


def package_with_long_text(plain: bytes, wiring: dict, part: str, length: int, head: bytes, tail: bytes) -> bytes:
    """The Office package `plain` with its members rewired (old bytes → new) and `part` written as a
    stream: `head`, `length` letters, `tail`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename == part:
                continue
            old, new = wiring.get(member.filename, (b"", b""))
            content = source.read(member)
            assert old in content, member.filename
            target.writestr(member, content.replace(old, new) if old else content)
        with target.open(part, "w") as stream:
            stream.write(head)
            chunk = b"a" * min(length, 2**20)
            for _ in range(length // len(chunk)):
                stream.write(chunk)
            stream.write(tail)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return xlsx_with_shared_string(BOMB_STRING)


@pytest.fixture
def app(loaded):
    # Errors answered as in production (the test default lets them propagate).
    return create_app(loaded, SECRET_KEY="test-secret", TESTING=False)


@pytest.fixture
def clerk(app, loaded) -> Caller:
    return Caller(app.test_client(), make_token(loaded, "clerk"))


# ---------------------------------------------------------------- bounded decompression
def posted_measuring_memory(clerk: Caller, path: str, data: bytes, filename: str):
    """The answer to `data` posted as the file `filename`, and the peak of memory the request took."""
    tracemalloc.start()
    try:
        response = clerk("POST", path, content_type="multipart/form-data", data={"file": (io.BytesIO(data), filename)})
        return response, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(clerk, bomb):
    assert len(bomb) < 300_000  # about 206 KB on the wire
    response, peak = posted_measuring_memory(clerk, "/imports/excel", bomb, "nhiem-vu.xlsx")
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    message = response.get_json()["error"]["rows"][0]["message"]
    assert message.startswith("Tệp bị từ chối: khi giải nén sẽ vượt quá 32 MB") and "sharedStrings" in message
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB"


def test_a_part_that_unpacks_far_beyond_its_size_is_refused(clerk):
    def first_problem(length: int) -> dict:
        response = clerk("POST", "/imports/excel", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(xlsx_with_shared_string(length)), "nhiem-vu.xlsx")})
        assert response.status_code == 422
        return response.get_json()["error"]["rows"][0]

    # under the size bound, a thousand times its packed size
    refused = first_problem(4 * 2**20)
    assert refused["row"] is None and "lớn hơn 100 lần" in refused["message"]
    # a small part compresses as well as it likes: the sheet is read (and, headed by no column, is no register)
    assert first_problem(2**20 // 2)["message"].startswith("Trang tính này không phải sổ theo dõi")


def docx_with_long_paragraph(length: int) -> bytes:
    """A DOCX (python-docx's own) whose word/document.xml holds one paragraph of `length` letters."""
    import docx

    plain = io.BytesIO()
    docx.Document().save(plain)
    return package_with_long_text(plain.getvalue(), {}, "word/document.xml", length,
                                  b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                                  b"<w:body><w:p><w:r><w:t>", b"</w:t></w:r></w:p></w:body></w:document>")


def odt_with_long_paragraph(length: int) -> bytes:
    """An ODT (tests/fixtures/odt/ke-hoach-chuyen-doi-so.odt) whose content.xml holds one paragraph of `length`
    letters."""
    plain = (Path(__file__).parents[1] / "fixtures" / "odt" / "ke-hoach-chuyen-doi-so.odt").read_bytes()
    return package_with_long_text(plain, {}, "content.xml", length,
                                  b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office'
                                  b':1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
                                  b"<office:text><text:p>", b"</text:p></office:text></office:body>"
                                  b"</office:document-content>")


@pytest.mark.parametrize(("name", "package"), [("chi-thi.docx", docx_with_long_paragraph),
                                              ("ke-hoach.odt", odt_with_long_paragraph)], ids=["docx", "odt"])
def test_a_document_bomb_attached_for_proposals_is_refused_before_it_is_unpacked(clerk, name, package):
    """The directive's DOCX the clerk attaches for proposals is a zip too (issue #21), and so is its ODT."""
    bomb = package(BOMB_STRING)
    assert len(bomb) < 300_000
    response, peak = posted_measuring_memory(clerk, "/directives/proposals", bomb, name)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == "unpacks_too_large" and "file" in error["fields"]
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB"
    fine = clerk("POST", "/directives/proposals", content_type="multipart/form-data",
                 data={"file": (io.BytesIO(package(2**19)), name)})
    assert fine.status_code == 200, fine.get_data(as_text=True)[:300]


# ---------------------------------------------------------------- huge integers
def test_a_huge_integer_in_any_url_is_not_found(app, loaded, org_tree):
    start_assignment(loaded, org_tree, "45/2026/QĐ-UBND")
    browser = Browser(app)
    assert browser.login("admin").status_code == 302
    adapter, checked = app.url_map.bind("localhost"), 0
    for rule in app.url_map.iter_rules():
        ints = [name for name in rule.arguments if isinstance(rule._converters[name], IntegerConverter)]
        if not ints:
            continue
        for huge in (PAST_ANY_ID, HUGE):
            path = adapter.build(rule.endpoint, {name: huge if name in ints else "x" for name in rule.arguments})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = browser.client.open(path, method=method)
                assert response.status_code == 404, (method, path, response.status_code)
                checked += 1
    assert checked > 30
    for path in (f"/assignments?directive={HUGE}&page={HUGE}&per_page={HUGE}", f"/notifications?page={HUGE}",
                 f"/inbox?page={HUGE}", f"/modeler/versions/1?against={HUGE}"):
        assert browser.get(path).status_code == 200, path


# ---------------------------------------------------------------- API errors
def test_every_api_error_is_json(clerk, app):
    too_large = clerk("POST", "/imports/excel", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
                      content_type="application/octet-stream")
    assert too_large.status_code == 413
    assert too_large.get_json()["error"]["code"] == "request_entity_too_large"
    cases = {("GET", "/api/v1/nothing"): 404, ("DELETE", "/api/v1/directives"): 405,
             ("GET", f"/api/v1/directives/{HUGE}"): 404, ("GET", "/api"): 404,
             ("POST", "/api/v1/directives"): 401}
    for (method, path), status in cases.items():
        response = clerk.client.open(path, method=method)
        assert response.status_code == status, path
        assert response.is_json and response.get_json()["error"]["code"], path


# ---------------------------------------------------------------- a directive named in a filter
def test_the_directive_filter_names_only_a_visible_directive(app, loaded, org_tree):
    start_assignment(loaded, org_tree, "913/2026/QĐ-XSYMBOLQ")  # STC's assignment only
    with loaded.db.session() as s:
        directive_id = s.scalar(select(Directive.id))
    for username, sees in (("stc", True), ("sxd", False)):
        browser = Browser(app)
        browser.login(username)
        page = browser.get(f"/assignments?directive={directive_id}").get_data(as_text=True)
        assert ("XSYMBOLQ" in page) is sees, username

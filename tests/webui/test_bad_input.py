"""The registration form given careless or hostile input comes back (422) with the Vietnamese
message beside the field at fault — never a 500 — and nothing is registered."""
from __future__ import annotations

import re
import unicodedata

import pytest
from sqlalchemy import func, select

from engine.db import Base
from tests.webui.conftest import register

HEADER = "header"
ROW = "row"
# (label, form fields changed, where the message must stand (header field or assignment row
# field), words of the Vietnamese message)
CASES = [
    ("document type over 16 characters", {"symbol": "12/ABCDEFGHIJKLMNOPQRSTU-UBND"}, (HEADER, "symbol"),
     "tối đa 16 ký tự"),
    ("symbol over 64 characters", {"symbol": "12/2026/QĐ-" + "-".join(["UBND"] * 12)}, (HEADER, "symbol"),
     "Tối đa 64 ký tự"),
    ("issuer over 255 characters", {"issuer": "UBND " * 60}, (HEADER, "issuer"), "Tối đa 255 ký tự"),
    ("issued in year 9999", {"issued_on": "31/12/9999"}, (HEADER, "issued_on"), "từ 01/01/1901 đến 31/12/2100"),
    ("received in 1800", {"received_on": "01/01/1800"}, (HEADER, "received_on"), "từ 01/01/1901"),
    ("31 February", {"issued_on": "31/02/2026"}, (HEADER, "issued_on"), "dd/mm/yyyy"),
    # the clock says Thu 12/02/2026: a date to come is a typo that would move every deadline
    ("issued tomorrow", {"issued_on": "13/02/2026"}, (HEADER, "issued_on"), "Không được sau ngày hôm nay (12/02/2026)"),
    ("received tomorrow", {"received_on": "13/02/2026"}, (HEADER, "received_on"),
     "Không được sau ngày hôm nay (12/02/2026)"),
    ("received before issued", {"issued_on": "10/02/2026", "received_on": "09/02/2026"}, (HEADER, "received_on"),
     "Không được trước ngày 10/02/2026"),
    ("NUL in the summary", {"summary": "Về việc\x00 X"}, (HEADER, "summary"), "ký tự không hợp lệ"),
    ("invalid UTF-8 in the symbol", {"symbol": b"45/2026/Q\xed\xa0\x80-UBND"}, (HEADER, "symbol"), "Số, ký hiệu"),
    ("deadline in year 9999", {"a-0-deadline": "31/12/9999", "a-0-deadline_days": ""}, (ROW, "deadline"),
     "từ 01/01/1901 đến 31/12/2100"),
    ("3 million working days", {"a-0-deadline_days": "3000000"}, (ROW, "deadline_days"), "từ 0 đến 3650"),
    ("negative working days", {"a-0-deadline_days": "-1"}, (ROW, "deadline_days"), "từ 0 đến 3650"),
    ("fractional working days", {"a-0-deadline_days": "1.5"}, (ROW, "deadline_days"), "số nguyên"),
    ("full-width digits", {"a-0-deadline_days": "１２"}, (ROW, "deadline_days"), "số nguyên"),
    ("content over 10,000 characters", {"a-0-content": "x" * 10_001}, (ROW, "content"), "10000 ký tự"),
    ("NUL in the content", {"a-0-content": "Báo\x00 cáo"}, (ROW, "content"), "ký tự không hợp lệ"),
    ("unknown lead unit", {"a-0-lead_unit": "KHONGCO"}, (ROW, "lead_unit"), "KHONGCO"),
]


def rows(engine) -> tuple:
    with engine.db.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables)


def message_beside(page: str, where: tuple[str, str]) -> str:
    """The error shown in the field's own block."""
    kind, name = where
    if kind == HEADER:
        block = re.search(rf'<div class="field has-error"[^>]*>\s*<label for="f-{name}".*?</div>\s*</div>', page, re.S)
    else:
        block = re.search(rf'name="a-0-{name}".*?<div class="error" role="alert">(.*?)</div>', page, re.S)
    assert block, f"no error beside {name}"
    return block.group(0)


@pytest.mark.parametrize(("label", "changes", "where", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_registration_comes_back_with_the_message_beside_the_field(loaded, browser, label, changes, where,
                                                                     words):
    clerk = browser("clerk")
    before = rows(loaded)
    response = register(clerk, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    assert words in message_beside(page, where)
    assert rows(loaded) == before


def test_a_unicode_twin_is_refused_as_already_registered(loaded, browser):
    clerk, issuer = browser("clerk"), "UBND tỉnh Đắk Lắk"
    assert register(clerk, issuer=issuer).status_code == 302
    before = rows(loaded)
    for twin in ({"issuer": unicodedata.normalize("NFD", issuer)}, {"issuer": issuer + "\u200b"},
                 {"symbol": "45/2026/QĐ\u2060-UBND"}):
        response = register(clerk, **{"issuer": issuer, **twin})
        assert response.status_code == 422
        assert "45/2026/QĐ-UBND" in response.get_data(as_text=True) and "đã được vào sổ" in \
            response.get_data(as_text=True)
    assert rows(loaded) == before

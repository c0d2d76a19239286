"""The register page for a directive issued before a reorganisation (the backlog an office enters
after the 2025 mergers): the units of its day are offered, the retired ones named with their last
day, and the task is recorded with the unit the directive named."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.directives.models import Assignment, Directive
from engine.org import service as org
from engine.org.models import Unit
from tests.webui.conftest import classify, register


def _lead_of(loaded, symbol: str) -> str:
    with loaded.db.session() as s:
        directive_id = s.scalar(select(Directive.id).where(Directive.symbol == symbol))
        [lead_id] = s.scalars(select(Assignment.lead_unit_id).where(Assignment.directive_id == directive_id))
        return s.get_one(Unit, lead_id).code


def test_a_directive_issued_before_a_unit_was_retired_names_it(loaded, browser):
    with loaded.db.session() as s:
        org.create_unit(s, "STTTT", "Sở Thông tin và Truyền thông", parent_code="UBND", kind="department")
        org.retire_unit(s, "STTTT", date(2025, 3, 1), "STC")  # merged into Finance on 1/3/2025
    clerk = browser("clerk")
    page = clerk.get("/directives/new").get_data(as_text=True)
    assert '<option value="STTTT"' in page and "Sở Thông tin và Truyền thông (đến 28/02/2025)" in page
    classify(clerk, register(clerk, "7/QĐ-UBND", lead="STTTT", issued_on="10/01/2025"))
    assert _lead_of(loaded, "7/QĐ-UBND") == "STTTT"
    # a directive issued after the merger naming it gives the task to its successor, as the API does
    classify(clerk, register(clerk, "8/QĐ-UBND", lead="STTTT"))
    assert _lead_of(loaded, "8/QĐ-UBND") == "STC"

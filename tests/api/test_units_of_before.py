"""A directive registered through the API names the units in force on its issue date (issue #21): a unit of
before for an old directive (kept, as the body that received it), a reorganised one for a later directive (its
successor takes the task); a unit formed after the issue date, or closed before it without a successor, is
refused naming the field, in Vietnamese, and nothing is written."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from engine.directives.models import Assignment, AssignmentUnit, Directive
from engine.org import service as org
from engine.org.models import Unit
from tests.api.test_api import register_and_classify

OLD = {"symbol": "7/QĐ-UBND", "issued_on": "10/01/2025", "issuer": "UBND tỉnh", "summary": "Việc cũ",
       "assignments": [{"content": "Rà soát", "lead_unit": "STTTT", "deadline": "30/03/2025"}]}


@pytest.fixture
def reorganised(loaded):
    """Sở TT&TT merged into Finance on 1/3/2025; a board closed then without a successor; a ward formed 1/7/2025."""
    with loaded.db.session() as s:
        org.create_unit(s, "STTTT", "Sở Thông tin và Truyền thông", parent_code="UBND", kind="department")
        org.retire_unit(s, "STTTT", date(2025, 3, 1), "STC")
        org.create_unit(s, "BQL", "Ban Quản lý dự án", parent_code="UBND", kind="department")
        org.retire_unit(s, "BQL", date(2025, 3, 1))
        org.create_unit(s, "xa-moi", "Phường Hòa Bình", parent_code="UBND", kind="commune",
                        valid_from=date(2025, 7, 1))
    return loaded


def _units(engine, symbol: str) -> tuple[str, list[str]]:
    with engine.db.reading() as s:
        [assignment] = s.scalars(select(Assignment).join(Directive).where(Directive.symbol == symbol))
        coordinating = s.scalars(select(Unit.code).join(AssignmentUnit, AssignmentUnit.unit_id == Unit.id).where(
            AssignmentUnit.assignment_id == assignment.id, AssignmentUnit.unit_id != assignment.lead_unit_id))
        return s.get_one(Unit, assignment.lead_unit_id).code, sorted(coordinating)


def test_an_old_directive_keeps_the_unit_of_its_day_and_a_later_one_gives_it_to_the_successor(reorganised, as_user):
    clerk = as_user("clerk")
    register_and_classify(clerk, OLD)
    assert _units(reorganised, "7/QĐ-UBND") == ("STTTT", [])
    later = {**OLD, "symbol": "8/QĐ-UBND", "issued_on": "12/02/2026",
             "assignments": [{**OLD["assignments"][0], "deadline": "30/03/2026"}]}
    register_and_classify(clerk, later)
    assert _units(reorganised, "8/QĐ-UBND") == ("STC", [])


@pytest.mark.parametrize("issued_on, named, field, words", [
    ("10/01/2025", {"lead_unit": "xa-moi"}, "lead_unit", "Phường Hòa Bình"),
    ("10/01/2025", {"coordinating_units": ["xa-moi"]}, "coordinating_units", "Phường Hòa Bình"),
    ("12/02/2026", {"lead_unit": "BQL"}, "lead_unit", "Ban Quản lý dự án"),
], ids=["formed-after", "coordinating-formed-after", "closed-before"])
def test_a_unit_not_in_force_on_the_issue_date_is_refused_naming_the_field(reorganised, as_user, issued_on, named,
                                                                          field, words):
    clerk = as_user("clerk")
    item = {**OLD["assignments"][0], "lead_unit": "STC", "deadline": "30/03/2026", **named}
    refused = clerk("POST", "/directives", json={**OLD, "issued_on": issued_on, "assignments": [item]},
                    headers={"Idempotency-Key": f"old-{field}-{issued_on}"})
    assert refused.status_code == 422, refused.get_json()
    [(name, message)] = refused.get_json()["error"]["fields"].items()
    assert name == f"assignments[0].{field}"
    assert message == (f"Nhiệm vụ 1: {words} không hoạt động vào ngày ban hành văn bản {issued_on} "
                       "(đơn vị chưa thành lập hoặc đã giải thể).")
    with reorganised.db.reading() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0

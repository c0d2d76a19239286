"""A task given to a unit nobody receives (no account in force there or above it holds a unit role): given all
the same, named to the office and the administrator, and found by the first account made there
(engine.directives.reach, permissions.receiving_units)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from engine.directives import reach
from engine.directives import service as directives
from engine.directives.models import Assignment
from engine.org import accounts, permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.runtime.models import WorkItem
from tests.conftest import PASSWORD, make_engine

UNITS = {"UBND": ("UBND tỉnh", None, "province"), "VP": ("Văn phòng UBND tỉnh", "UBND", "office"),
         "STC": ("Sở Tài chính", "UBND", "department"), "xa-a": ("UBND phường A", "UBND", "commune"),
         "xa-a-kt": ("Phòng Kinh tế phường A", "xa-a", "section"), "xa-b": ("UBND xã B", "UBND", "commune"),
         "xa-c-cu": ("UBND xã C (cũ)", "UBND", "commune")}


@pytest.fixture
def province(database_url, clock, tmp_path):
    """Tasks to ward A (Sở Tài chính coordinating), to its section, to commune B and to Sở Tài chính; only the
    office, the department and ward A's Chairman (leader alone) have accounts. Commune C (old) is merged into A."""
    engine = make_engine(database_url, clock, ruleset="tinh-2025", tmp_path=tmp_path)
    with engine.db.session() as s:
        for code, (name, parent, kind) in UNITS.items():
            org.create_unit(s, code, name, parent_code=parent, kind=kind, tracking_office=code == "VP")
        clerk = org.create_user(s, "vanthu", PASSWORD, "Nguyễn Văn Thư", "VP", ["clerk"])
        admin = org.create_user(s, "quantri", PASSWORD, "Trần Quản Trị", "VP", ["system_admin"])
        org.create_user(s, "cv_stc", PASSWORD, "Lê Chuyên Viên", "STC", ["unit_officer"])
        org.create_user(s, "ct_xa_a", PASSWORD, "Phạm Chủ Tịch", "xa-a", ["leader"])
        engine.load_ruleset(s)
    for n, (lead, coordinating) in enumerate((("xa-a", ["STC"]), ("xa-a-kt", []), ("xa-b", []), ("STC", []))):
        directive_id = directives.register(engine, {"symbol": f"{n + 1}/UBND-VP", "issued_on": "12/02/2026",
                                                    "issuer": "UBND tỉnh", "summary": f"Văn bản {n + 1}"},
                                           [{"content": f"Việc {n + 1}", "lead_unit": lead, "deadline": "20/03/2026",
                                             "coordinating_units": coordinating}], clerk).id
        with engine.db.session() as s:
            item = s.scalars(select(WorkItem).where(WorkItem.directive_id == directive_id,
                                                    WorkItem.element_id == "classify")).one()
        engine.runtime.complete(item.id, {"tracked": "on"}, clerk)
    yield engine, admin
    engine.close()


def _ids(s, *codes: str) -> set[int]:
    return {org.unit_by_code(s, code).id for code in codes}


def _unreached(engine) -> list[tuple[str, int]]:
    with engine.db.session() as s:
        return [(row.unit.name, row.open_tasks) for row in reach.unreached_work(s)]


def test_a_unit_without_a_unit_account_is_named_until_one_is_made_and_finds_its_work(province):
    engine, admin = province
    with engine.db.session() as s:
        assert reach.unreached_units(s, _ids(s, *UNITS)) == _ids(s, "UBND", "VP", "xa-a", "xa-a-kt", "xa-b", "xa-c-cu")
    # the ward's Chairman (leader alone) receives no unit's task: the ward is nobody's to do
    assert _unreached(engine) == [("Phòng Kinh tế phường A", 1), ("UBND phường A", 1), ("UBND xã B", 1)]
    with engine.db.session() as s:
        officer = org.create_user(s, "cv_xa_a", PASSWORD, "Đỗ Chuyên Viên", "xa-a", ["unit_officer"])
    # the ward's officer receives the ward's and its section's tasks, and those of the old commune merged into it
    with engine.db.session() as s:
        org.retire_unit(s, "xa-c-cu", date(2026, 2, 1), successor_code="xa-a")
        assert reach.unreached_units(s, _ids(s, "xa-a", "xa-a-kt", "xa-c-cu", "xa-b")) == _ids(s, "xa-b")
        officer = s.get_one(User, officer.id)
        inbox = set(s.scalars(select(WorkItem.assignment_id).where(WorkItem.status == "ready", permissions.act_clause(
            s, officer, role=WorkItem.role, unit_id=WorkItem.unit_id, directive_id=WorkItem.directive_id,
            assignment_id=WorkItem.assignment_id, performers=WorkItem.performers))))
        given = set(s.scalars(select(Assignment.id).join(Unit, Unit.id == Assignment.lead_unit_id).where(
            Unit.code.in_(["xa-a", "xa-a-kt"]))))
    assert given and given <= inbox
    assert _unreached(engine) == [("UBND xã B", 1)]
    # a disabled account receives nothing: its unit is named again
    with engine.db.session() as s:
        accounts.set_active(s, officer.id, False, s.get_one(User, admin.id))
    assert _unreached(engine) == [("Phòng Kinh tế phường A", 1), ("UBND phường A", 1), ("UBND xã B", 1)]


def test_a_form_giving_tasks_and_a_classification_name_the_units_nobody_receives(province):
    engine, _admin = province
    with engine.db.session() as s:
        assert [u.name for u in reach.unreached_named(s, ["STC", "xa-b", "xa-a", "khong-co"])] == [
            "UBND phường A", "UBND xã B"]
    assert reach.planned_codes({"assignments": [{"lead_unit": "xa-a", "coordinating_units": ["STC", "xa-b"]},
                                                {"lead_unit": "xa-a"}]}) == {"xa-a", "STC", "xa-b"}


def test_an_officer_whose_account_ended_with_its_unit_receives_nothing_and_the_query_keeps_the_accounts_rule(province):
    """receiving_units reads the accounts in SQL (`in_force_clause`): the same rule as `account_in_force` on a loaded
    account — an officer of a commune closed without a successor is out of force, an administrator there is not."""
    engine, admin = province
    with engine.db.session() as s:
        org.create_user(s, "cv_xa_c", PASSWORD, "Vũ Chuyên Viên", "xa-c-cu", ["unit_officer"])
        disabled = org.create_user(s, "cv_xa_b", PASSWORD, "Hoàng Chuyên Viên", "xa-b", ["unit_officer"])
        accounts.set_active(s, disabled.id, False, s.get_one(User, admin.id))
        assert _ids(s, "xa-c-cu") <= set(s.scalars(permissions.receiving_units()))  # its officer in force today
        org.retire_unit(s, "xa-c-cu", date(2026, 2, 1))
        org.create_user(s, "qt_xa_c", PASSWORD, "Đinh Quản Trị", "xa-c-cu", ["system_admin"])
    with engine.db.session() as s:
        assert reach.unreached_units(s, _ids(s, "xa-b", "xa-c-cu", "STC")) == _ids(s, "xa-b", "xa-c-cu")
        every = s.scalars(select(User)).all()
        in_force = set(s.scalars(select(User.id).join(Unit, Unit.id == User.unit_id)
                                 .where(permissions.in_force_clause())))
        assert in_force == {user.id for user in every if permissions.account_in_force(user)}
        assert {user.username for user in every if user.id not in in_force} == {"cv_xa_c", "cv_xa_b"}
        # the administrator of the closed commune keeps working, but holds no unit role: it receives no task
        assert s.scalar(select(User.id).where(User.has_role("system_admin"), User.username == "qt_xa_c"))


def test_the_units_carried_are_followed_down_their_successor_links_by_an_index(province):
    """org.carried_select, from the ~440 staffed units of a province of 600 (bench/receiving.py), scanned the units at
    each step of its recursion for the units merged into those it holds: 120–280 ms a page on SQLite, 3.5 ms with
    units.successor_id indexed. SQLite's plan names the index (PostgreSQL's planner scans a table this small)."""
    engine, _admin = province
    if engine.db.engine.dialect.name != "sqlite":
        pytest.skip("the plan's words are SQLite's")
    query = permissions.receiving_units().compile(engine.db.engine, compile_kwargs={"literal_binds": True})
    with engine.db.reading() as s:
        plan = " ".join(row[-1] for row in s.execute(text(f"EXPLAIN QUERY PLAN {query}")))
    assert "USING INDEX ix_units_successor_id" in plan, plan

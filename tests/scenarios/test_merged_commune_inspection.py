"""An internal inspection proposed by a merged-away ward's head (issue #21): on 12/05/2025 the head of "UBND phường
1" proposed an inspection of its section (kiểm tra nội bộ, waiting for the head's decision); then `dondoc org seed
--province 66` adopted the ward into Phường Tuy Hòa. The new ward's head runs it: decides it, may put the new ward's
officer on the team and files the runner's papers. Where Phường Tuy Hòa was closed in turn without a successor, the
head of the unit above it (whose work it then is) is asked, not nobody."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from engine.cli import cli
from engine.inspections.models import Inspection, InspectionPaper
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit
from engine.runtime.models import WorkItem
from tests.conftest import PASSWORD
from tests.scenarios.test_commune_office import _deployment, _page
from tests.scenarios.test_merged_commune import OLD_WARD, SUCCESSOR
from tests.scenarios.test_merged_commune_records import DECISION

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

TITLE = "Kiểm tra nội bộ Phòng Kinh tế phường 1"
OLD_PEOPLE = {"tt_p1": ("PY-P1", ["unit_head"])}
NEW_PEOPLE = {"tt_th": ("Lương Thủ Trưởng", ["unit_head"]), "cv_th": ("Đinh Chuyên Viên", ["unit_officer"])}


@pytest.fixture
def merged(database_url, clock, tmp_path):
    clock.set(datetime(2025, 5, 12, 9, 0))
    engine, browser = _deployment(database_url, clock, tmp_path, "tinh-2025", OLD_WARD, OLD_PEOPLE)
    proposed = browser("tt_p1").post("/inspections/new", {"title": TITLE, "kind": "planned", "units": ["PY-P1-KT"]},
                                     page="/inspections/new")
    assert proposed.status_code == 302, proposed.get_data(as_text=True)
    seeded = CliRunner().invoke(cli, ["org", "seed", "--province", "66"], obj=engine)
    assert seeded.exit_code == 0, seeded.output
    with engine.db.session() as s:
        for username, (name, roles) in NEW_PEOPLE.items():
            org.create_user(s, username, PASSWORD, name, SUCCESSOR, roles)
        inspection = s.scalars(select(Inspection).where(Inspection.title == TITLE)).one()
        assert inspection.proposing_unit_id == org.require_unit(s, "PY-P1").id
        decide = s.scalars(select(WorkItem).where(WorkItem.instance_id == inspection.instance_id,
                                                  WorkItem.status == "ready")).one()
        ids = inspection.id, decide.id
    clock.set(datetime(2026, 3, 2, 9, 0))
    yield engine, browser, ids
    engine.close()


def _papers(engine, inspection_id: int) -> int:
    with engine.db.session() as s:
        return s.scalar(select(func.count()).select_from(InspectionPaper)
                        .where(InspectionPaper.inspection_id == inspection_id))


def test_the_new_ward_s_head_runs_the_old_ward_s_internal_inspection(merged):
    engine, browser, (inspection_id, decide_id) = merged
    head = browser("tt_th")
    filed = head.post(f"/inspections/{inspection_id}/papers", {"kind": "decision", "title": "Quyết định kiểm tra"})
    assert filed.status_code == 302
    assert _papers(engine, inspection_id) == 1
    assert f"/work/{decide_id}" in _page(head, "/inbox")
    decision = _page(head, f"/work/{decide_id}")
    for username in NEW_PEOPLE:  # the new ward runs it: its people make the team
        assert f'value="{username}"' in decision, username


def test_a_successor_closed_without_one_hands_the_decision_to_the_unit_above(merged):
    engine, browser, (inspection_id, decide_id) = merged
    with engine.db.session() as s:  # its accounts ended with it: who is told of, and asked, its work?
        org.retire_unit(s, SUCCESSOR, date(2026, 1, 1))
        above = s.get_one(Unit, org.require_unit(s, SUCCESSOR).parent_id)
        org.create_user(s, "tt_tren", PASSWORD, "Hà Thủ Trưởng", above.code, ["unit_head"])
        told = permissions.holders(s, permissions.UNIT_HEAD, org.require_unit(s, "PY-P1").id)
        assert [user.username for user in told] == ["tt_tren"]
    head = browser("tt_tren")
    decided = head.post(f"/work/{decide_id}", {**DECISION, "team_leader": "tt_tren", "team_members": ["tt_tren"]})
    assert decided.status_code == 302, decided.get_data(as_text=True)

"""A calendar correction on the demo database (`dondoc demo-data`), with an open deadline of
every kind: an assignment counted in working days, one with a date a person entered, its tasks,
an explanation request, an inspection report and the timers waiting on them. From
`dondoc calendar set` in its own process (the features owning stored deadlines must have
registered them there) and from the admin's calendar page."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.clock import VN_TZ
from engine.config import REPO_ROOT, Settings
from engine.core import Engine
from engine.demo import DEMO_PASSWORD, load_demo
from engine.directives import extensions
from engine.directives import service as directives
from engine.directives.models import Assignment, Directive, ExplanationRequest
from engine.inspections import service as inspections
from engine.inspections.models import Inspection
from engine.org.models import User
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.scheduler.service import tick
from tests.webui.conftest import Browser
from webui.app import create_app

NOW = datetime(2026, 3, 2, 9, 0)  # Monday; the demo's directives are dated from it
DECISION = {"decision_symbol": "150/QĐ-UBND", "decided_on": "02/03/2026", "legal_basis": "Quyết định 45/2016/QĐ-UBND",
            "scope": "Sở Tài chính", "content": "Kiểm tra việc thực hiện nhiệm vụ", "starts_on": "02/03/2026",
            "ends_on": "02/03/2026", "team_leader": "kiemtra", "team_members": "kiemtra"}
# What Wednesday 04/03 declared off moves: whatever was counted in working days across it.
# What is not listed stays put: the dated assignment, its coordinating unit's task.
MOVED_BY_WEDNESDAY_OFF = {
    "counted assignment": ("2026-03-09", "2026-03-10"),  # 5 working days from 02/03
    "counted assignment's task": ("2026-03-05 17:00", "2026-03-06 17:00"),  # first update: 3 working days
    "counted assignment's urging": ("2026-03-04 08:00", "2026-03-05 08:00"),  # 3 working days before
    "dated assignment's task": ("2026-03-05 17:00", "2026-03-06 17:00"),  # its first update is counted
    "dated assignment's urging": ("2026-03-04 08:00", "2026-03-05 08:00"),  # its first update, 1 day before
    "explanation": ("2026-03-05", "2026-03-06"),  # 3 working days
    "explanation task": ("2026-03-05 17:00", "2026-03-06 17:00"),
    "inspection report": ("2026-03-11", "2026-03-12"),  # 7 working days from the end
    "inspection report task": ("2026-03-11 17:00", "2026-03-12 17:00"),
    "inspection overdue timer": ("2026-03-11 17:00", "2026-03-12 17:00"),
}
# Saturday 07/03 worked instead brings the longer ones a day closer.
MOVED_BY_SATURDAY_WORKED = {
    "counted assignment": ("2026-03-09", "2026-03-07"),
    "inspection report": ("2026-03-11", "2026-03-10"),
    "inspection report task": ("2026-03-11 17:00", "2026-03-10 17:00"),
    "inspection overdue timer": ("2026-03-11 17:00", "2026-03-10 17:00"),
}


@dataclass
class Demo:
    """The demo engine and the ids of the rows holding its open deadlines."""

    engine: Engine
    counted: int  # the assignment counted in working days
    dated: int  # the assignment with a date a person entered
    explanation: int
    inspection: int


@pytest.fixture
def demo(database_url, clock, tmp_path):
    clock.set(NOW)
    engine = Engine(Settings.load(database_url=database_url, demo=True, testing=True,
                                  attachments_dir=str(tmp_path / "attachments")), clock=clock)
    load_demo(engine)
    users = _users(engine)
    with engine.db.session() as s:  # the demo's one date in the future: 87/QĐ-UBND, due 30/03
        dated = s.scalar(select(Assignment.id).where(Assignment.deadline == date(2026, 3, 30)))
    directive = directives.register(engine, {
        "symbol": "20/2026/CT-UBND", "issued_on": "02/03/2026", "issuer": "UBND tỉnh", "urgency": "normal",
        "summary": "Về việc báo cáo trong 5 ngày làm việc"},
        [{"content": "Báo cáo tình hình giải ngân", "lead_unit": "SXD", "deadline_days": 5}], users["theodoi"])
    engine.runtime.complete(_ready(engine, "classify").id, {"tracked": "on"}, users["theodoi"])
    with engine.db.session() as s:
        counted = s.scalar(select(Assignment.id).where(Assignment.directive_id == directive.id))
    explanation = extensions.request_explanation(engine, counted, "Vì sao chưa báo cáo?", users["theodoi"])
    inspection = inspections.propose(engine, {"title": "Kiểm tra nhiệm vụ năm 2025", "kind": "planned",
                                              "units": ["STC"]}, users["chanhvp"])
    engine.runtime.complete(_ready(engine, "decide").id, DECISION, users["chutich"])
    # handed over: its own timers are off, and the report's is the one left
    engine.runtime.complete(_ready(engine, "hand_over").id, {"hand_over_note": "Đủ hồ sơ"}, users["stc"])
    engine.runtime.complete(_ready(engine, "record_findings").id, {
        "ended_on": "02/03/2026", "findings": "Chậm 2 nhiệm vụ"}, users["kiemtra"])
    yield Demo(engine, counted, dated, explanation.id, inspection.id)
    engine.close()


def _users(engine) -> dict[str, User]:
    with engine.db.session() as s:
        return {user.username: user for user in s.scalars(select(User))}


def _ready(engine, element_id: str) -> WorkItem:
    with engine.db.session() as s:
        return s.scalars(select(WorkItem).where(WorkItem.element_id == element_id, WorkItem.status == "ready")).one()


def deadlines(demo: Demo) -> dict[str, str]:
    """Every open deadline of the demo that a correction may concern, as VN local days/times."""
    with demo.engine.db.session() as s:
        counted, dated = s.get(Assignment, demo.counted), s.get(Assignment, demo.dated)
        inspection = s.get(Inspection, demo.inspection)
        tasks = {(item.instance_id, item.element_id): item.due_at
                 for item in s.scalars(select(WorkItem).where(WorkItem.status == "ready"))}
        timers = dict(s.execute(select(WorkflowInstance.id, WorkflowInstance.next_timer_due)).all())
        return {
            "counted assignment": counted.deadline.isoformat(),
            "counted assignment's task": _vn(tasks[counted.instance_id, "handle"]),
            "counted assignment's urging": _vn(timers[counted.instance_id]),
            "dated assignment": dated.deadline.isoformat(),
            "dated assignment's task": _vn(tasks[dated.instance_id, "handle"]),
            "dated assignment's coordinating task": _vn(tasks[dated.instance_id, "contribute"]),
            "dated assignment's urging": _vn(timers[dated.instance_id]),
            "explanation": s.get(ExplanationRequest, demo.explanation).due_on.isoformat(),
            "explanation task": _vn(tasks[counted.instance_id, "explain"]),
            "inspection report": inspection.report_due.isoformat(),
            "inspection report task": _vn(tasks[inspection.instance_id, "write_report"]),
            "inspection overdue timer": _vn(timers[inspection.instance_id]),
        }


def _vn(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%Y-%m-%d %H:%M")


def changes(before: dict, after: dict) -> dict:
    return {name: (before[name], after[name]) for name in before if before[name] != after[name]}


def dondoc(database_url: str, tmp_path, *args: str) -> str:
    """`dondoc …` in its own process, on the test clock."""
    env = {**os.environ, "DONDOC_CONFIG": "", "PYTHONPATH": str(REPO_ROOT), "DONDOC_DATABASE_URL": database_url,
           "DONDOC_RULESET": "dak-lak", "DONDOC_PROCESSES_DIR": str(REPO_ROOT / "processes"),
           "DONDOC_ATTACHMENTS_DIR": str(tmp_path / "attachments"), "DONDOC_TESTING": "1",
           "DONDOC_TESTING_CLOCK": NOW.replace(tzinfo=VN_TZ).isoformat()}
    done = subprocess.run([sys.executable, "-m", "webui.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_dondoc_calendar_set_on_the_demo_database(demo, database_url, tmp_path):
    before = deadlines(demo)
    out = dondoc(database_url, tmp_path, "calendar", "set", "04/03/2026", "--off", "--note", "Nghỉ đột xuất")
    assert out == "2026-03-04 is now a day off; 6 workflows had their deadlines recomputed\n"
    assert changes(before, deadlines(demo)) == MOVED_BY_WEDNESDAY_OFF
    with demo.engine.db.session() as s:  # each stored deadline's move in the audit trail
        moves = s.execute(select(AuditEntry.action, AuditEntry.object_id, AuditEntry.assignment_id, AuditEntry.after)
                          .where(AuditEntry.action.like("%recomputed"), AuditEntry.object_type != "workflow_instance")
                          .order_by(AuditEntry.action, AuditEntry.assignment_id)).all()
        owing = s.scalars(select(Assignment.id).where(Assignment.first_update_due.is_not(None))
                          .order_by(Assignment.id)).all()
    assert len(owing) == 5   # every task of the demo still owes its first report
    assert [tuple(move) for move in moves] == [
        ("assignment.deadline_recomputed", str(demo.counted), demo.counted, {"deadline": "2026-03-10"}),
        # each first report is due 3 working days from 02/03: 05/03, then 06/03 (engine/urging's due day)
        *(("assignment.first_update_due_recomputed", str(owes), owes, {"first_update_due": "2026-03-06"})
          for owes in owing),
        ("explanation.due_recomputed", str(demo.explanation), demo.counted, {"due_on": "2026-03-06"}),
        ("inspection.report_due_recomputed", str(demo.inspection), None, {"report_due": "2026-03-12"}),
    ]

    out = dondoc(database_url, tmp_path, "calendar", "set", "04/03/2026", "--working")
    assert out == "2026-03-04 is now a working day; 6 workflows had their deadlines recomputed\n"
    assert deadlines(demo) == before


def test_the_admin_calendar_page_on_the_demo_database(demo):
    app = create_app(demo.engine, SECRET_KEY="test-secret", TESTING=True)
    admin = Browser(app)
    assert admin.login("quantri", DEMO_PASSWORD).status_code == 302
    before = deadlines(demo)

    saved = admin.post("/admin/calendar", {"day": "04/03/2026", "working": "0", "note": "Nghỉ đột xuất"})
    assert saved.status_code == 302
    page = admin.get("/admin/calendar")
    assert page.status_code == 200 and "Nghỉ đột xuất" in page.get_data(as_text=True)
    stored = ("counted assignment", "explanation", "inspection report")  # moved with the correction
    assert changes(before, deadlines(demo)) == {name: MOVED_BY_WEDNESDAY_OFF[name] for name in stored}
    assert tick(demo.engine).refreshed == 6  # the workflows follow at the scheduler's next tick
    assert changes(before, deadlines(demo)) == MOVED_BY_WEDNESDAY_OFF

    removed = admin.post("/admin/calendar/2026-03-04/delete", page="/admin/calendar")
    assert removed.status_code == 302 and tick(demo.engine).refreshed == 6
    assert deadlines(demo) == before

    saved = admin.post("/admin/calendar", {"day": "07/03/2026", "working": "1", "note": "Làm bù"})
    assert saved.status_code == 302 and admin.get("/admin/calendar").status_code == 200
    tick(demo.engine)
    assert changes(before, deadlines(demo)) == MOVED_BY_SATURDAY_WORKED


def test_the_demo_has_its_directives_while_a_periodic_report_is_open(database_url, clock, tmp_path):
    """Gia Lai's monthly report is open on 06/12: its work item made the demo think its
    directives were made, and it started with none."""
    clock.set(datetime(2026, 12, 6, 9, 0))
    engine = Engine(Settings.load(database_url=database_url, demo=True, testing=True, ruleset="gia-lai-stttt",
                                  attachments_dir=str(tmp_path / "attachments")), clock=clock)
    load_demo(engine)
    load_demo(engine)  # loaded again: made once
    with engine.db.session() as s:
        assert s.scalar(select(WorkItem.id).where(WorkItem.directive_id.is_(None))) is not None
        assert len(s.scalars(select(Directive.symbol)).all()) == 3

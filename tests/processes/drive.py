"""Small helpers to drive the common processes through the engine in tests."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from engine.config import REPO_ROOT
from engine.directives import service as directives
from engine.directives.models import Assignment
from engine.notifications.models import Notification
from engine.org.models import User
from engine.runtime.models import WorkflowInstance, WorkItem

SYMBOL = "45/2026/QĐ-UBND"
LANES = """
[lanes]
"Văn phòng" = "clerk"
"Chánh Văn phòng" = "office_head"
"Văn phòng (tổng hợp báo cáo)" = "office"
"Lãnh đạo" = "leader"
"Đơn vị chủ trì" = "unit_officer"
"Đơn vị phối hợp" = "unit_officer"
"Đoàn kiểm tra" = "inspector"
"Thủ trưởng đơn vị" = "unit_head"
"Đoàn kiểm tra của đơn vị" = "unit_officer"
"Đơn vị được kiểm tra" = "unit_officer"
"Quyết định gia hạn" = "office_head"
"""


def ruleset_engine(database_url: str, clock, tmp_path, settings: str,
                   common: Path = REPO_ROOT / "processes" / "common"):
    """An engine on a test ruleset 'test-rules' (the common processes, or those of the folder `common`, +
    `settings`, TOML)."""
    from tests.conftest import make_engine

    processes = tmp_path / "processes"
    (processes / "test-rules").mkdir(parents=True)
    (processes / "common").symlink_to(common)
    head = ('id = "test-rules"\nname = "Quy chế thử"\nregulation = "thử nghiệm"\nlevel = "province"\n'
            '[processes]\ndirective = "directive"\nassignment = "assignment"\n')
    (processes / "test-rules" / "ruleset.toml").write_text(head + LANES + settings, encoding="utf-8")
    return make_engine(database_url, clock, ruleset="test-rules", processes_dir=str(processes), tmp_path=tmp_path)


def ready(engine, element_id: str, unit: str | None = None) -> WorkItem:
    """The one ready work item for `element_id` (for `unit`, when given)."""
    from engine.org.service import unit_by_code

    with engine.db.session() as s:
        query = select(WorkItem).where(WorkItem.element_id == element_id, WorkItem.status == "ready")
        if unit:
            query = query.where(WorkItem.unit_id == unit_by_code(s, unit).id)
        return s.scalars(query).one()


def ready_elements(engine) -> list[str]:
    with engine.db.session() as s:
        return sorted(s.scalars(select(WorkItem.element_id).where(WorkItem.status == "ready")))


def complete(engine, element_id: str, data: dict, user, unit: str | None = None) -> WorkItem:
    return engine.runtime.complete(ready(engine, element_id, unit).id, data, user)


def register(engine, users, items: list[dict], symbol: str = SYMBOL, **header) -> int:
    """Register a directive with `items`, classify it as tracked; returns the first assignment id."""
    raw = {"symbol": symbol, "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "summary": "Về việc thử nghiệm",
           **header}
    directives.register(engine, raw, items, users["clerk"])
    complete(engine, "classify", {"tracked": "on"}, users["clerk"])
    with engine.db.session() as s:
        return s.scalars(select(Assignment.id).order_by(Assignment.id)).first()


def assignment(engine, assignment_id: int) -> Assignment:
    with engine.db.session() as s:
        found = s.get(Assignment, assignment_id)
        s.expunge(found)
        return found


def instance(engine, instance_id: int) -> WorkflowInstance:
    with engine.db.session() as s:
        found = s.get(WorkflowInstance, instance_id)
        s.expunge(found)
        return found


def run_timers_at(engine, clock, moment: datetime) -> int:
    clock.set(moment)
    return engine.runtime.run_due_timers()


def notified(engine, kind: str) -> dict[str, str]:
    """username -> body of the notifications of `kind`."""
    with engine.db.session() as s:
        rows = s.execute(select(User.username, Notification.body).join(Notification, Notification.user_id == User.id)
                         .where(Notification.kind == kind)).all()
    return dict(rows)

"""Flat in history (issue #20): what a step, the assignment page and the API's GET cost on an
assignment with a long history against one with a short one.

Two assignments of the common processes go round the return-for-correction loop, one 10
times and one 1,000 times, in the same database. Then, round after round, the same things are
done to each in turn (which goes first alternates): the unit returns it through the API
(`POST /api/v1/assignments/{id}/return`), the office corrects it (`Runtime.complete`), the
assignment page is rendered (Flask test client, signed in) and `GET /api/v1/assignments/{id}`
answers. Each pair meets the same moment of a shared, noisy machine, so the ratio long/short
holds even when the absolute figures move."""
from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event, select

from bench.world import PASSWORD, World
from engine.api_tokens import service as tokens
from engine.directives import service as directives
from engine.directives.models import Assignment
from engine.runtime.models import WorkflowInstance, WorkItem, WorkItemStatus
from webui.app import create_app

MEASURES = ("return through the API", "correct (Runtime.complete)", "assignment page (HTML)", "API GET")


@dataclass
class Figures:
    """Per measure: wall seconds, CPU seconds, SQL statements, one list entry per round."""
    wall: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in MEASURES})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in MEASURES})
    statements: dict[str, list[int]] = field(default_factory=lambda: {m: [] for m in MEASURES})
    state_kib: float = 0.0


class Client:
    """The officer of the lead unit, signed in to the pages and holding an API token."""

    def __init__(self, world: World):
        self.world = world
        self.web = create_app(world.engine, SECRET_KEY="bench", TESTING=True).test_client()
        page = self.web.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.web.post("/login", data={"username": "stc", "password": PASSWORD, "csrf_token": csrf})
        with world.engine.db.session() as s:
            self.headers = {"Authorization": f"Bearer {tokens.create_token(s, 'stc', 'bench')[1]}"}
        self.statements = 0
        event.listen(world.engine.db.engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.statements += 1

    def give_back(self, assignment_id: int) -> None:
        answer = self.web.post(f"/api/v1/assignments/{assignment_id}/return", headers=self.headers,
                               json={"reason": "Không đúng chức năng"})
        assert answer.status_code == 200, answer.get_data(as_text=True)

    def correct(self, assignment_id: int) -> None:
        item = ready_item(self.world, assignment_id)
        self.world.engine.runtime.complete(item, {"correction_note": "Giữ nguyên, giao lại"}, self.world.clerk)

    def page(self, assignment_id: int) -> None:
        assert self.web.get(f"/assignments/{assignment_id}").status_code == 200

    def api_get(self, assignment_id: int) -> None:
        assert self.web.get(f"/api/v1/assignments/{assignment_id}", headers=self.headers).status_code == 200


def ready_item(world: World, assignment_id: int) -> int:
    """The assignment's one ready work item (found through its open-items index)."""
    with world.engine.db.session() as s:
        return s.scalars(select(WorkItem.id).where(WorkItem.assignment_id == assignment_id,
                                                   WorkItem.status == WorkItemStatus.READY)).one()


def open_assignment(world: World, n: int) -> int:
    directive = directives.register(world.engine, {
        "symbol": f"{n}/2026/QĐ-UBND", "issued_on": "02/03/2026", "issuer": "UBND tỉnh", "summary": "Đo lịch sử"},
        [{"content": "Báo cáo", "lead_unit": "STC", "deadline_days": 10}], world.clerk)
    with world.engine.db.session() as s:
        classify = s.scalars(select(WorkItem.id).where(WorkItem.directive_id == directive.id,
                                                       WorkItem.status == WorkItemStatus.READY)).one()
    world.engine.runtime.complete(classify, {"tracked": "on"}, world.clerk)
    with world.engine.db.session() as s:
        return s.scalar(select(Assignment.id).where(Assignment.directive_id == directive.id))


def loop(client: Client, assignment_id: int) -> None:
    """One return-for-correction loop, the unit's return through the API."""
    client.give_back(assignment_id)
    client.correct(assignment_id)


def _timed(client: Client, figures: Figures, measure: str, action: Callable[[int], None], assignment_id: int) -> None:
    client.statements = 0
    wall, cpu = time.perf_counter(), time.process_time()
    action(assignment_id)
    figures.wall[measure].append(time.perf_counter() - wall)
    figures.cpu[measure].append(time.process_time() - cpu)
    figures.statements[measure].append(client.statements)


def measure_round(client: Client, figures: Figures, assignment_id: int) -> None:
    for measure, action in zip(MEASURES, (client.give_back, client.correct, client.page, client.api_get), strict=True):
        _timed(client, figures, measure, action, assignment_id)


def run_history(world: World, short: int, long: int, rounds: int) -> tuple[Figures, Figures]:
    """Figures of the assignment with `short` loops and of the one with `long` loops (and
    the size of their stored workflow states, which keep a little of each loop)."""
    client = Client(world)
    ids = open_assignment(world, 1), open_assignment(world, 2)
    for assignment_id, count in zip(ids, (short, long), strict=True):
        for _ in range(count):
            loop(client, assignment_id)
    figures = Figures(), Figures()
    for n in range(rounds):
        order = (0, 1) if n % 2 == 0 else (1, 0)
        for which in order:
            measure_round(client, figures[which], ids[which])
    with world.engine.db.session() as s:
        for assignment_id, found in zip(ids, figures, strict=True):
            instance_id = s.get_one(Assignment, assignment_id).instance_id
            found.state_kib = len(s.get_one(WorkflowInstance, instance_id).state) / 1024
    return figures


def report(short: int, long: int, figures: tuple[Figures, Figures]) -> None:
    few, many = figures
    print(f"\nflat in history: one assignment at {short} loops, one at {long}, alternated, "
          f"median of {len(few.wall[MEASURES[0]])} rounds")
    print(f"    {'':<28} {'wall ms':>9} {'':>9} {'ratio':>6}   {'CPU ms':>8} {'':>8} {'ratio':>6}   statements")
    print(f"    {'':<28} {short:>9} {long:>9} {'':>6}   {short:>8} {long:>8}")
    for m in MEASURES:
        wall = statistics.median(few.wall[m]) * 1000, statistics.median(many.wall[m]) * 1000
        cpu = statistics.median(few.cpu[m]) * 1000, statistics.median(many.cpu[m]) * 1000
        statements = max(few.statements[m]), max(many.statements[m])
        print(f"    {m:<28} {wall[0]:9.2f} {wall[1]:9.2f} {wall[1] / wall[0]:6.2f}   "
              f"{cpu[0]:8.2f} {cpu[1]:8.2f} {cpu[1] / cpu[0]:6.2f}   {statements[0]} / {statements[1]}")
    print(f"    stored workflow state: {few.state_kib:.1f} KiB at {short} loops, {many.state_kib:.1f} KiB at {long}")


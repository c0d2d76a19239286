"""`python -m bench.breadth`: what a task's coordinating units cost its steps. Since 1/7/2025 a
province has a hundred communes or more (Gia Lai 135), and "phối hợp với UBND các xã, phường"
makes each of them coordinate: one coordination, its part and its urging per unit, all in the
assignment's one state. For each count of coordinating units, one assignment is registered and
classified through the API (Flask's test client, in this process), then its lead unit reports
progress: the state's size, and a progress update's wall and CPU time (median), against one unit.

SQLite by default; PostgreSQL when DONDOC_BENCH_DATABASE_URL is set.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from contextlib import closing
from pathlib import Path
from uuid import uuid4

from sqlalchemy import func, select

from bench.http.server import DEPARTMENTS, RULESET, seed
from bench.world import database_url
from engine.config import Settings
from engine.core import Engine
from engine.org import service as org
from engine.runtime.models import WorkflowInstance
from webui.app import create_app

LEAD = DEPARTMENTS[0]


def add_communes(engine: Engine, count: int) -> list[str]:
    with engine.db.session() as s:
        for n in range(1, count + 1):
            org.create_unit(s, f"X{n}", f"UBND xã Thứ {n}", parent_code="UBND", kind="commune")
    return [f"X{n}" for n in range(1, count + 1)]


def register(client, clerk: dict, coordinating: list[str]) -> int:
    """An assignment led by LEAD with `coordinating` units, registered and classified; its id."""
    body = {"symbol": f"{1000 + len(coordinating)}/TB-UBND", "issued_on": time.strftime("%d/%m/%Y"),
            "issuer": "UBND tỉnh", "summary": "Phòng, chống sạt lở",
            "assignments": [{"content": "Khảo sát, cắm mốc cảnh báo các điểm sạt lở", "lead_unit": LEAD,
                             "coordinating_units": coordinating, "deadline_days": 30}]}
    directive = client.post("/api/v1/directives", json=body, headers=clerk).get_json()
    items = client.get(f"/api/v1/work-items?q={body['symbol']}", headers=clerk).get_json()["items"]
    [classify] = [i for i in items if i["directive_id"] == directive["id"]]
    answer = client.post(f"/api/v1/work-items/{classify['id']}/complete", json={"tracked": True}, headers=clerk)
    assert answer.status_code == 200, answer.get_json()
    return client.get(f"/api/v1/directives/{directive['id']}", headers=clerk).get_json()["assignments"][0]["id"]


def state_bytes(engine: Engine, assignment_id: int) -> int:
    with engine.db.reading() as s:
        return s.scalar(select(func.max(func.length(WorkflowInstance.state)))
                        .where(WorkflowInstance.assignment_id == assignment_id)) or 0


def progress_times(client, officer: dict, assignment_id: int, updates: int) -> tuple[float, float]:
    """Median wall and CPU ms of a progress update by the lead unit."""
    wall, cpu = [], []
    for n in range(updates + 1):
        began, began_cpu = time.perf_counter(), time.process_time()
        answer = client.post(f"/api/v1/assignments/{assignment_id}/progress",
                             json={"progress": "in_progress", "note": f"Đã khảo sát {n} điểm"},
                             headers={**officer, "Idempotency-Key": uuid4().hex})
        assert answer.status_code == 201, answer.get_json()
        if n:   # the first compiles its statements
            wall.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.breadth", description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="1,10,50,135", help="counts of coordinating units")
    parser.add_argument("--updates", type=int, default=10, help="progress updates timed per count")
    args = parser.parse_args()
    counts = [int(n) for n in args.units.split(",")]
    backend = "PostgreSQL" if os.environ.get("DONDOC_BENCH_DATABASE_URL") else "SQLite"
    with database_url() as url, tempfile.TemporaryDirectory(prefix="dondoc-bench-breadth-") as folder:
        os.environ.setdefault("DONDOC_ATTACHMENTS_DIR", str(Path(folder) / "attachments"))
        seeded, made = seed(url)
        communes = add_communes(seeded, max(counts))
        seeded.close()
        with closing(Engine(Settings.load(database_url=url, ruleset=RULESET))) as engine:
            client = create_app(engine).test_client()
            clerk = {"Authorization": f"Bearer {made['clerk']}"}
            officer = {"Authorization": f"Bearer {made[LEAD.lower()]}"}
            print(f"{backend}, load {os.getloadavg()[0]:.1f}: a progress update by the lead unit, median of "
                  f"{args.updates}")
            print("| coordinating units | state KB | wall ms | CPU ms | wall ÷ one unit's |")
            print("|---:|---:|---:|---:|---:|")
            first = None
            for count in counts:
                assignment_id = register(client, clerk, communes[:count])
                wall, cpu = progress_times(client, officer, assignment_id, args.updates)
                first = first or wall
                print(f"| {count} | {state_bytes(engine, assignment_id) / 1024:,.0f} | {wall:.1f} | {cpu:.1f} "
                      f"| {wall / first:.1f} |", flush=True)


if __name__ == "__main__":
    main()

"""`python -m bench.scale_reads`: what people read at 1,000,000 assignments.

A province-sized database filled directly (bench.reports' 40 departments with 3 sections each,
plus 10 districts of 10 communes; two years of assignments, each with its lead unit and one in
five with a coordinating one; a ready work item for every open one; progress reports for one in
ten), then, through the engine services a request calls (each in its own read transaction, as a
request has), p50/p95 of: a department officer's inbox, the registry with each of its filters as
a department officer and as the office's clerk (who sees every unit but no secret task), the
assignment page's reads, and the yearly report with its three exports. Then one pass of the same
pages through the Flask test client, rendering included.

`--database URL` keeps the data between runs (filled when empty): an old and a new version of
the code can be measured on the same rows. Without it, SQLite in a temporary folder, or a fresh
schema on DONDOC_BENCH_DATABASE_URL.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select, text

from bench.reports.__main__ import AS_OF, CHUNK, NOW, YEAR, assignment_row, make_engine, make_units
from bench.world import database_url
from engine.api_tokens import service as tokens
from engine.audit.models import AuditEntry
from engine.core import Engine
from engine.db import Base
from engine.directives.models import Assignment, Directive, ProgressUpdate
from engine.inbox import service as inbox
from engine.operations.heap import freeze_loaded_objects
from engine.org import service as org
from engine.org.models import Unit, User
from engine.outcomes import Outcome
from engine.registry import service as registry
from engine.reports.counts import Scope
from engine.reports.export_docx import write_docx
from engine.reports.export_pdf import write_pdf
from engine.reports.export_xlsx import write_xlsx
from engine.reports.service import build_report
from engine.rulesets.service import published_bundle
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.text import fold

PASSWORD = "bench-password"
WORDS = ("giải ngân vốn đầu tư công", "cải cách hành chính", "chuyển đổi số", "phòng chống thiên tai",
         "xây dựng nông thôn mới", "thu ngân sách", "giải phóng mặt bằng", "an toàn thực phẩm")
SAMPLES = 20          # assignments whose page is read, each with a long history and many reports
SAMPLE_REPORTS = 60   # progress reports of each sampled assignment (more than one page)
TARGET_MS = 50


# ---------------------------------------------------------------- the data
def make_communes(engine: Engine) -> list[int]:
    rows = []
    for d in range(10):
        district = 300 + d * 11
        rows.append({"id": district, "code": f"H{d:02d}", "name": f"UBND huyện số {d:02d}", "kind": "district",
                     "parent_id": 1, "is_tracking_office": False})
        rows += [{"id": district + c, "code": f"H{d:02d}-X{c:02d}", "name": f"UBND xã {c:02d} huyện {d:02d}",
                  "kind": "commune", "parent_id": district, "is_tracking_office": False} for c in range(1, 11)]
    with engine.db.session() as s:
        s.execute(insert(Unit), rows)
    return [row["id"] for row in rows]


def make_people(engine: Engine) -> None:
    with engine.db.session() as s:
        engine.load_ruleset(s)
        org.create_user(s, "s00", PASSWORD, "Nguyễn Văn An", "S00", ["unit_officer"])
        org.create_user(s, "vp", PASSWORD, "Trần Thị Bình", "VP", ["clerk"])
        s.add(WorkflowInstance(bundle_id=published_bundle(s, "dak-lak").id, process_id="assignment",
                               purpose="assignment", state="{}", created_at=NOW, updated_at=NOW))


def fill(engine: Engine, size: int) -> float:
    began = time.perf_counter()
    units = make_units(engine) + make_communes(engine)
    make_people(engine)
    rnd, directives = random.Random(7), max(1, size // 8)
    with engine.db.session() as s:
        s.execute(insert(Directive), [
            {"id": d, "ruleset": "dak-lak", "doc_type": "CV", "number": str(d), "symbol": f"{d}/UBND-TH",
             "summary": f"Văn bản {d} về {WORDS[d % len(WORDS)]}", "issuer": "UBND tỉnh",
             "search_text": fold(f"{d}/UBND-TH", f"Văn bản {d} về {WORDS[d % len(WORDS)]}", "UBND tỉnh"),
             "issued_on": date(YEAR - 1, 1, 1) + timedelta(days=d * 700 // directives), "urgency": "normal",
             "secrecy": "confidential" if d % 97 == 0 else None, "status": "assigned",
             "created_at": datetime.combine(date(YEAR - 1, 1, 1) + timedelta(days=d * 700 // directives),
                                            datetime.min.time(), tzinfo=UTC),  # registered on the day issued
             "extra": {}} for d in range(1, directives + 1)])
    for chunk in range(0, size, CHUNK):
        rows = [assignment_row(n, rnd, units, directives) for n in range(chunk, min(chunk + CHUNK, size))]
        for n, row in enumerate(rows, start=chunk):
            row["content"] = f"Nhiệm vụ {n}: {WORDS[rnd.randrange(len(WORDS))]} năm {row['assigned_on'].year}"
            row["search_text"] = fold(row["content"])
            row["progress"] = "not_started" if not row["completed_on"] and n % 3 == 0 else row["progress"]
            row["last_update_at"] = datetime.combine(row["completed_on"] or row["assigned_on"], datetime.min.time(),
                                                     tzinfo=UTC)
        with engine.db.session() as s:
            s.execute(insert(Assignment), rows)
    with engine.db.session() as s:
        _links(s)
        _work_items(s)
        _reports(s)
        _samples(s)
    with engine.db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    return time.perf_counter() - began


def _links(s) -> None:
    """Each assignment's lead unit; one in five has a coordinating department."""
    s.execute(text("INSERT INTO assignment_units (assignment_id, unit_id, role, deadline) "
                   "SELECT id, lead_unit_id, 'lead', deadline FROM assignments"))
    s.execute(text("INSERT INTO assignment_units (assignment_id, unit_id, role, deadline) "
                   "SELECT id, 10 + ((id * 7) % 40) * 4, 'coordinating', deadline FROM assignments "
                   "WHERE id % 5 = 0 AND lead_unit_id <> 10 + ((id * 7) % 40) * 4"))


def _work_items(s) -> None:
    """A ready work item (the lead unit's progress report) for every open assignment not done."""
    instance = s.scalar(select(WorkflowInstance.id))
    found = s.execute(select(Assignment.id, Assignment.directive_id, Assignment.lead_unit_id, Assignment.deadline)
                      .where(Assignment.status == "open", Assignment.completed_on.is_(None))).all()
    for start in range(0, len(found), CHUNK):
        s.execute(insert(WorkItem), [
            {"instance_id": instance, "task_id": f"t{aid}", "element_id": "report_progress",
             "title": "Báo cáo tiến độ", "role": "unit_officer", "unit_id": unit, "form_key": "progress",
             "directive_id": did, "assignment_id": aid, "status": "ready", "created_at": NOW,
             "due_at": datetime.combine(deadline, datetime.min.time(), tzinfo=UTC) if deadline else None}
            for aid, did, unit, deadline in found[start:start + CHUNK]])


def _reports(s) -> None:
    """Two progress reports for one assignment in ten."""
    s.execute(text("INSERT INTO progress_updates (assignment_id, unit_id, progress, note, attachments, created_at) "
                   "SELECT id, lead_unit_id, 'in_progress', 'Đang triển khai', '[]', created_at FROM assignments "
                   "WHERE id % 10 = 0"))
    s.execute(text("INSERT INTO progress_updates (assignment_id, unit_id, progress, note, attachments, created_at) "
                   "SELECT id, lead_unit_id, progress, 'Đã báo cáo', '[]', created_at FROM assignments "
                   "WHERE id % 10 = 0"))


def _samples(s) -> None:
    """The assignments whose page is read: in department S00's sub-tree, not secret, each with
    SAMPLE_REPORTS progress reports and as many history entries."""
    ids = s.scalars(select(Assignment.id).where(Assignment.lead_unit_id.in_([10, 11, 12, 13]),
                                                Assignment.secret.is_(False)).order_by(Assignment.id)
                    .limit(SAMPLES)).all()
    officer = s.scalar(select(User.id).where(User.username == "s00"))
    for aid in ids:
        s.execute(insert(ProgressUpdate), [
            {"assignment_id": aid, "unit_id": 10, "user_id": officer, "progress": "in_progress",
             "note": f"Báo cáo lần {n}", "attachments": [], "created_at": NOW - timedelta(days=n)}
            for n in range(SAMPLE_REPORTS)])
        s.execute(insert(AuditEntry), [
            {"at": NOW - timedelta(days=n), "actor_id": officer, "actor_name": "s00", "action": "progress.reported",
             "object_type": "assignment", "object_id": str(aid), "assignment_id": aid,
             "after": {"progress": "in_progress"}} for n in range(SAMPLE_REPORTS)])


def sample_ids(engine: Engine) -> list[int]:
    with engine.db.reading() as s:
        return list(s.scalars(select(ProgressUpdate.assignment_id).where(ProgressUpdate.user_id.is_not(None))
                              .group_by(ProgressUpdate.assignment_id).order_by(ProgressUpdate.assignment_id)))


def ensure_indexes(engine: Engine) -> None:
    """On kept data, the indexes this version of the code declares (its migrations' work)."""
    for table in Base.metadata.sorted_tables:
        for index in table.indexes:
            index.create(engine.db.engine, checkfirst=True)


# ---------------------------------------------------------------- the reads
def user(engine: Engine, username: str) -> User:
    with engine.db.reading() as s:
        found = s.scalar(select(User).where(User.username == username))
        s.expunge(found)
        return found


def registry_cases() -> dict[str, registry.AssignmentQuery]:
    q = registry.AssignmentQuery
    return {
        "no filter": q(),
        "outcome overdue": q(outcome=Outcome.OVERDUE),
        "outcome done (group)": q(outcome="done"),
        "outcome not started": q(outcome=Outcome.NOT_STARTED),
        "unit S00-P1": q(unit_code="S00-P1"),
        "period Q1 2026": q(period_from=date(YEAR, 1, 1), period_to=date(YEAR, 3, 31)),
        "text 'giai ngan'": q(text="giai ngan"),
        "urgency flash": q(urgency="flash"),
        "meets difficulties": q(blocked=True),
        "origin: own": q(origin="own"),
        "sort -updated": q(sort="-updated"),
        "page 5 of 25": q(page=5),
        "page 200, 50 a page": q(page=200, per_page=50),
    }


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """p50 and p95 in ms."""
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - began) * 1000)
    runs.sort()
    return statistics.median(runs), runs[min(len(runs) - 1, round(0.95 * (len(runs) - 1)))]


def reading(engine: Engine, fn: Callable) -> Callable[[], object]:
    def call() -> object:
        with engine.db.reading() as s:
            return fn(s)
    return call


def service_cases(engine: Engine, samples: list[int]) -> Iterator[tuple[str, Callable[[], object]]]:
    officer, clerk = user(engine, "s00"), user(engine, "vp")
    for view in ("mine", "unit"):
        yield f"inbox '{view}' (counts + page 1), department", reading(engine, lambda s, v=view: (
            inbox.counts(s, officer, inbox.InboxQuery(view=v)), inbox.inbox(s, officer, inbox.InboxQuery(view=v),
                                                                             page=1)))
    for who, person in (("department", officer), ("office clerk", clerk)):
        for name, query in registry_cases().items():
            yield f"registry {name}, {who}", reading(engine, lambda s, p=person, q=query: registry.search(s, p, q))
    turn = iter(range(10 ** 9))

    def page(s, person: User) -> None:
        aid = samples[next(turn) % len(samples)]
        registry.assignment_detail(s, person, aid)
        registry.history_page(s, aid, engine.settings.history_page_size)
        registry.progress_page(s, aid, engine.settings.history_page_size)
    yield "assignment page reads, department", reading(engine, lambda s: page(s, officer))
    yield "assignment page reads, office clerk", reading(engine, lambda s: page(s, clerk))


def report_cases(engine: Engine) -> dict[str, float]:
    scope = Scope(as_of=AS_OF, start=date(YEAR, 1, 1), end=date(YEAR, 12, 31))
    seconds = {}
    began = time.perf_counter()
    with engine.db.reading() as s:
        report = build_report(s, scope, root_unit_id=1, period_label=f"Năm {YEAR}")
    seconds["yearly report (figures + overdue list)"] = time.perf_counter() - began
    for name, writer in (("xlsx", write_xlsx), ("docx", write_docx), ("pdf", write_pdf)):
        began = time.perf_counter()
        writer(report)
        seconds[f"  .{name}"] = time.perf_counter() - began
    seconds["report with its three exports"] = sum(seconds.values())
    seconds["overdue rows listed"] = len(report.overdue)
    return seconds


# ---------------------------------------------------------------- through Flask
@contextmanager
def signed_in(engine: Engine, username: str):
    from webui.app import create_app  # the pages only: the services above need no Flask
    client = create_app(engine, SECRET_KEY="bench", TESTING=True).test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf})
    yield client


def page_cases(engine: Engine, samples: list[int]) -> Iterator[tuple[str, Callable[[], object]]]:
    def get(client, path: str, headers: dict | None = None) -> Callable[[], object]:
        def call() -> object:
            answer = client.get(path, headers=headers)
            assert answer.status_code == 200, (path, answer.status_code)
            return answer
        return call
    with signed_in(engine, "s00") as officer, signed_in(engine, "vp") as clerk:
        aid = samples[0]
        yield "GET /inbox, department", get(officer, "/inbox")
        for who, client in (("department", officer), ("office clerk", clerk)):
            yield f"GET /assignments, {who}", get(client, "/assignments")
            yield f"GET /assignments?outcome=overdue, {who}", get(client, "/assignments?outcome=overdue")
            yield f"GET /assignments?text=giai+ngan, {who}", get(client, "/assignments?text=giai+ngan")
            yield f"GET /assignments/{{id}}, {who}", get(client, f"/assignments/{aid}")
        yield "GET /today, office clerk", get(clerk, "/today")
        with engine.db.session() as s:
            token = tokens.create_token(s, "s00", "bench")[1]
        yield "GET /api/v1/assignments/{id}, department", get(officer, f"/api/v1/assignments/{aid}",
                                                               {"Authorization": f"Bearer {token}"})


# ---------------------------------------------------------------- the run
def row(name: str, figures: tuple[float, float]) -> str:
    flag = "" if figures[1] <= TARGET_MS else "  > 50 ms"
    return f"| {name:58} | {figures[0]:9.1f} | {figures[1]:9.1f} |{flag}"


def run(engine: Engine, repeat: int, page_repeat: int, parts: set[str]) -> None:
    samples = sample_ids(engine)
    freeze_loaded_objects()  # as the server does before its workers start (engine.operations.heap)
    sections = (("services", "engine service (its own read transaction)", service_cases, repeat),
                ("pages", "page through the Flask test client", page_cases, page_repeat))
    for part, title, cases, times in sections:
        if part not in parts:
            continue
        print(f"| {title:58} | {'p50 ms':>9} | {'p95 ms':>9} |")
        print(f"|{'-' * 60}|{'-' * 11}|{'-' * 11}|")
        for name, fn in cases(engine, samples):
            fn()  # warm: the first call of a kind compiles its SQL
            print(row(name, timed(fn, times)), flush=True)
        print()
    if "report" in parts:
        for name, value in report_cases(engine).items():
            print(f"  {name:44} {value:,.0f}" if name.startswith("overdue") else f"  {name:44} {value:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_reads", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="assignments")
    parser.add_argument("--repeat", type=int, default=40, help="calls of each engine service")
    parser.add_argument("--page-repeat", type=int, default=10, help="calls of each page")
    parser.add_argument("--database", help="a database URL to keep the data in (filled when empty)")
    parser.add_argument("--parts", default="services,pages,report", help="which of services,pages,report to time")
    parser.add_argument("--quick", action="store_true", help="5,000 assignments, 3 calls: check that the bench runs")
    args = parser.parse_args()
    size, repeat, page_repeat = (5000, 3, 2) if args.quick else (args.size, args.repeat, args.page_repeat)
    with (_kept(args.database) if args.database else database_url()) as url:
        engine = make_engine(url)
        try:
            have = _count(engine)
            if have:
                ensure_indexes(engine)
                print(f"{have:,} assignments kept in the database")
            else:
                print(f"{size:,} assignments inserted in {fill(engine, size):.1f} s")
            print(f"dondoc scale bench on {engine.db.engine.dialect.name}, Python {platform.python_version()}, "
                  f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
                  f"p50/p95 of {repeat} calls (pages: {page_repeat})\n")
            run(engine, repeat, page_repeat, set(args.parts.split(",")))
            print(f"\nload average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        finally:
            engine.close()


@contextmanager
def _kept(url: str) -> Iterator[str]:
    yield url


def _count(engine: Engine) -> int:
    with engine.db.reading() as s:
        return s.scalar(select(func.count()).select_from(Assignment)) or 0


if __name__ == "__main__":
    main()

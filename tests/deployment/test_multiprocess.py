"""The deployment as production runs it, under load and under fire: the production web server
with several worker processes and two `dondoc scheduler` processes on one database, eight
clients working through the API for a minute while worker and scheduler processes are killed
with SIGKILL (at least 20 kills) and the shared clock runs days ahead.

Afterwards, read from the database and the SMTP server: every acknowledged request is durable
exactly once, no assignment is left without a waiting work item, every instance loads, no
incident, no duplicate audit entry, notification or mail, and no response was a 500.
The figures (steps/s, latency percentiles, errors) go to test-output/ for the closing note."""
from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.config import REPO_ROOT
from engine.directives.models import Assignment, Directive, ProgressUpdate
from engine.notifications.models import Notification
from engine.runtime.models import Incident, WorkflowInstance, WorkItem
from tests.deployment.harness import DEPARTMENTS, Client, Deployment, settle

SECONDS = 60
KILL_EVERY = 2.5  # seconds: 24 kills in a minute, workers and schedulers in turn
CLOCK_STEP, CLOCK_EVERY = timedelta(hours=6), 2.0  # a week of the office's time in the minute
SEEDED = 2  # directives the clerk registers before the clients start, per department


class Workload:
    """Eight clients: the clerk registers and classifies directives; seven department
    officers report progress on their assignments, every call with its own key."""

    def __init__(self, deployment: Deployment):
        self.deployment = deployment
        self.stop = threading.Event()
        self.acknowledged: Counter = Counter()  # what each 2xx answered for: ("progress", key) …
        self.latencies: list[float] = []
        self.stranded: list[str] = []
        self.unanswered: list[str] = []
        self.clients: list[Client] = []
        self.kills = 0
        self._lock = threading.Lock()

    def _client(self, username: str) -> Client:
        client = self.deployment.client(username)
        with self._lock:
            self.clients.append(client)
        return client

    def _acknowledge(self, kind: str, key: str, answer) -> bool:
        with self._lock:
            if answer.status == 0:
                self.unanswered.append(key)
                return False
            if 200 <= answer.status < 300:
                self.acknowledged[(kind, key)] += 1
                self.latencies.append(answer.seconds)
                return True
        return False

    def register(self, clerk: Client, n: int) -> None:
        lead = DEPARTMENTS[n % len(DEPARTMENTS)]
        body = {"symbol": f"{n}/KH-UBND", "issued_on": "02/03/2026", "issuer": "UBND tỉnh",
                "summary": f"Kế hoạch số {n}", "assignments": [
                    {"content": f"Nhiệm vụ của kế hoạch {n}", "lead_unit": lead, "deadline_days": 5}]}
        created = clerk.send("POST", "/directives", key=f"directive-{n}", json=body)
        if not self._acknowledge("directive", f"directive-{n}", created):
            return
        items = clerk.send("GET", "/work-items?per_page=200").body.get("items", [])
        for item in items:
            if item["directive_id"] == created.body["id"]:
                key = f"classify-{n}"
                self._acknowledge("classify", key, clerk.send("POST", f"/work-items/{item['id']}/complete",
                                                              key=key, json={"tracked": True}))

    def clerk_loop(self) -> None:
        clerk, n = self._client("clerk"), 1000
        while not self.stop.is_set():
            self.register(clerk, n)
            n += 1

    def officer_loop(self, username: str) -> None:
        officer, n = self._client(username), 0
        while not self.stop.is_set():
            items = officer.send("GET", "/work-items?per_page=200").body.get("items", [])
            assignments = sorted({i["assignment_id"] for i in items if i["assignment_id"]})
            if not assignments:
                time.sleep(0.2)
                continue
            for assignment_id in assignments:
                if self.stop.is_set():
                    return
                key = f"{username}-{n}"
                n += 1
                answer = officer.send("POST", f"/assignments/{assignment_id}/progress", key=key, json={
                    "progress": "in_progress", "note": key, "overdue_reason": "Chờ số liệu"})
                if answer.status == 409:
                    with self._lock:
                        self.stranded.append(f"assignment {assignment_id}: {answer.body}")
                self._acknowledge("progress", key, answer)

    def clock_loop(self) -> None:
        while not self.stop.wait(CLOCK_EVERY):
            self.deployment.clock.set(self.deployment.clock.now() + CLOCK_STEP)

    def chaos_loop(self) -> None:
        turn = 0
        while not self.stop.wait(KILL_EVERY):
            if turn % 2 == 0:
                workers = self.deployment.web_workers()
                if workers:
                    self.deployment.kill_pid(random.choice(workers))
                    self.kills += 1
            else:
                name = random.choice(["scheduler-a", "scheduler-b"])
                self.deployment.kill(name)
                self.deployment.start_scheduler(name)
                self.kills += 1
            turn += 1

    def run(self, seconds: float) -> float:
        threads = [threading.Thread(target=self.clerk_loop),
                   *(threading.Thread(target=self.officer_loop, args=(code.lower(),)) for code in DEPARTMENTS),
                   threading.Thread(target=self.clock_loop), threading.Thread(target=self.chaos_loop)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        self.stop.set()
        for thread in threads:
            thread.join(120)
        return time.monotonic() - began


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def test_workers_and_schedulers_killed_under_load_lose_and_double_nothing(deployment, smtp):
    deployment.start_web(workers=3)
    deployment.start_scheduler("scheduler-a")
    deployment.start_scheduler("scheduler-b")
    workload = Workload(deployment)
    clerk = workload._client("clerk")
    for n in range(SEEDED * len(DEPARTMENTS)):  # work waiting for every officer from the start
        workload.register(clerk, n)
    elapsed = workload.run(SECONDS)
    # The last kills may have left a scheduler's mail claimed: the living schedulers send it
    # once its lease (10 s, on the monotonic clock: no jump of the clock shortens it) has run out.
    settle(deployment, smtp)
    deployment.stop("scheduler-a")
    deployment.stop("scheduler-b")

    statuses = Counter(s for c in workload.clients for s in c.statuses)
    steps = sum(workload.acknowledged.values())
    figures = {"database": deployment.engine.db.engine.dialect.name, "seconds": round(elapsed, 1),
               "clients": 8, "kills": workload.kills, "acknowledged_steps": steps,
               "steps_per_second": round(steps / elapsed, 1),
               "p50_ms": round(1000 * percentile(workload.latencies, 0.50), 1),
               "p95_ms": round(1000 * percentile(workload.latencies, 0.95), 1),
               "p99_ms": round(1000 * percentile(workload.latencies, 0.99), 1),
               "statuses": dict(sorted(statuses.items())), "retries": sum(c.retries for c in workload.clients),
               "mails": len(smtp.inbox.messages)}
    out = REPO_ROOT / "test-output"
    out.mkdir(exist_ok=True)
    (out / f"multiprocess-{figures['database']}.json").write_text(json.dumps(figures, indent=2))
    print(figures)

    assert workload.kills >= 20
    assert not [s for s in statuses if s >= 500], figures
    assert workload.unanswered == [], "calls that never got an answer"
    assert workload.stranded == []
    assert set(workload.acknowledged.values()) == {1}
    with deployment.engine.db.reading() as s:
        notes = Counter(s.scalars(select(ProgressUpdate.note)))
        acknowledged = {key for kind, key in workload.acknowledged if kind == "progress"}
        assert set(notes) == acknowledged, "every acknowledged update stored, and nothing else"
        assert set(notes.values()) == {1}, "no update stored twice"
        symbols = Counter(s.scalars(select(Directive.symbol)))
        assert set(symbols.values()) == {1}
        assert len(symbols) == sum(1 for kind, _ in workload.acknowledged if kind == "directive")
        assert s.scalar(select(func.count()).select_from(Incident)) == 0
        open_without_item = s.scalars(select(Assignment.id).where(
            Assignment.status != "closed",
            ~select(WorkItem.id).where(WorkItem.assignment_id == Assignment.id,
                                       WorkItem.status == "ready").exists())).all()
        assert open_without_item == [], "assignments left with nothing to do"
        for instance in s.scalars(select(WorkflowInstance)):
            deployment.engine.runtime._load(s, instance)  # every stored state loads
        completed = Counter(s.scalars(select(AuditEntry.object_id).where(AuditEntry.action == "work_item.completed")))
        assert set(completed.values()) <= {1}, "a work item completed twice in the audit trail"
        notices = Counter(s.execute(select(Notification.user_id, Notification.dedup_key)
                                    .where(Notification.dedup_key.is_not(None))).all())
        assert set(notices.values()) <= {1}, "a notice sent twice"
    mails = Counter(m["X-Dondoc-Ref"] for m in smtp.inbox.messages)
    assert set(mails.values()) <= {1}, [ref for ref, n in mails.items() if n > 1]
    for name in ("web", "scheduler-a", "scheduler-b"):
        assert "Traceback" not in deployment.log(name), deployment.log(name)[-4000:]

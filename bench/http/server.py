"""The production server of a bench run: a seeded database and `dondoc serve` (gunicorn) on it,
started as a deployment starts it; its processes' CPU time and its /metrics."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from engine.api_tokens import service as tokens
from engine.config import REPO_ROOT, Settings
from engine.core import Engine
from engine.org import service as org

RULESET = "dak-lak"
DEPARTMENTS = [f"S{n}" for n in range(1, 9)]
PASSWORD = "bench-password"
METRICS_TOKEN = "bench-metrics-token"
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    """A running `dondoc serve`, the engine the bench seeded its database with, and the API
    tokens of the clerk and of one officer per department."""

    engine: Engine
    process: subprocess.Popen
    base: str
    tokens: dict[str, str] = field(default_factory=dict)

    def cpu_seconds(self) -> float:
        """User + system CPU time of gunicorn's master and its workers so far."""
        pids = [self.process.pid, *children_of(self.process.pid)]
        return sum(cpu_of(pid) for pid in pids)

    def steps(self) -> tuple[float, float, float]:
        """Engine steps run by the workers so far, from /metrics: (count, seconds, the CPU seconds of
        the stepping calls that ran them — `dondoc_engine_step_cpu_seconds`, the threads' own)."""
        count, seconds, cpu = self._metrics("dondoc_engine_step_duration_seconds_count",
                                            "dondoc_engine_step_duration_seconds_sum",
                                            "dondoc_engine_step_cpu_seconds_total").values()
        return count, seconds, cpu

    def kept_share(self) -> float:
        """Of the steps the workers ran so far, the share that ran on a workflow the worker kept from its
        own step before (`dondoc_engine_step_workflows_total`, source kept / both; docs/architecture.md)."""
        name = "dondoc_engine_step_workflows_total"
        return self._metrics(name, source="kept")[name] / max(self._metrics(name)[name], 1)

    def _metrics(self, *names: str, **labels: str) -> dict[str, float]:
        """The named samples of /metrics, each summed over the samples carrying `labels`."""
        request = urllib.request.Request(self.base + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read().decode()
        sums = dict.fromkeys(names, 0.0)
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name in sums and labels.items() <= sample.labels.items():
                    sums[sample.name] += sample.value
        return sums


def children_of(pid: int) -> list[int]:
    """The process ids of `pid`'s children alive now."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(child) for child in path.read_text().split()]
    except FileNotFoundError:  # the process ended meanwhile
        return []


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 when it has ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):  # a worker that ended meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(url: str) -> tuple[Engine, dict[str, str]]:
    """The province's office with its clerk, eight departments with an officer each, the
    ruleset, and an API token per user."""
    engine = Engine(Settings.load(database_url=url, ruleset=RULESET))
    engine.db.create_all()
    people = [("clerk", "VP", "clerk")] + [(code.lower(), code, "unit_officer") for code in DEPARTMENTS]
    with engine.db.session() as s:
        org.create_unit(s, "UBND", "UBND tỉnh", kind="province")
        org.create_unit(s, "VP", "Văn phòng UBND tỉnh", parent_code="UBND", kind="office", tracking_office=True)
        for n, code in enumerate(DEPARTMENTS, 1):
            org.create_unit(s, code, f"Sở thứ {n}", parent_code="UBND", kind="department")
        for username, unit, role in people:
            org.create_user(s, username, PASSWORD, f"Người dùng {username}", unit, [role])
        engine.load_ruleset(s)
        made = {username: tokens.create_token(s, username, "bench")[1] for username, _u, _r in people}
    return engine, made


@contextmanager
def running(url: str, folder: Path, workers: int, threads: int, port: int | None = None) -> Iterator[Server]:
    """`dondoc serve --no-scheduler` on a freshly seeded `url` (on `port`, or any free one),
    until the block ends."""
    engine, made = seed(url)
    port = port or free_port()
    env = {**os.environ, "DONDOC_CONFIG": "", "PYTHONPATH": str(REPO_ROOT), "DONDOC_DATABASE_URL": url,
           "DONDOC_RULESET": RULESET, "DONDOC_SECRET_KEY": "bench-secret", "DONDOC_METRICS_TOKEN": METRICS_TOKEN,
           "DONDOC_ATTACHMENTS_DIR": str(folder / "attachments")}
    log = (folder / "server.log").open("ab")
    process = subprocess.Popen([sys.executable, "-m", "webui.cli", "serve", "--no-scheduler", "--workers",
                                str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}"],
                               env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT)
    server = Server(engine, process, f"http://127.0.0.1:{port}", made)
    try:
        _wait_until_up(server, folder / "server.log")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        engine.close()


def _wait_until_up(server: Server, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=2):
                return
        except OSError:
            pass
        if time.monotonic() > deadline or server.process.poll() is not None:
            raise RuntimeError(f"the server did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)

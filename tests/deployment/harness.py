"""A deployment of real OS processes for tests that cross process boundaries: the production
web server (gunicorn, several workers), `dondoc scheduler` processes, a real SMTP server, one
database, and a clock file every process reads. Clients talk to it over HTTP only."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import requests
from sqlalchemy import func, select

from engine.api_tokens import service as tokens
from engine.clock import VN_TZ, set_clock
from engine.config import REPO_ROOT
from engine.notifications.models import Notification
from engine.org import service as org
from engine.runtime.models import WorkflowInstance
from engine.scheduler.testing_clock import FileClock
from tests.conftest import PASSWORD, make_engine
from tests.deployment.ticking import TICKS_FILE
from tests.scheduler.smtp import free_port

START = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)  # a Monday
DEPARTMENTS = [f"S{n}" for n in range(1, 8)]
CHILD_QUIET = 1.0  # seconds without mail that settle takes for a tick of an uncounted scheduler (a tick a second)


class Deployment:
    """The processes of one deployment, started and stopped (or killed) by the test."""

    def __init__(self, tmp_path: Path, database_url: str, smtp_port: int, ruleset: str = "dak-lak"):
        self.folder = tmp_path
        self.clock = FileClock(tmp_path / "clock.txt")
        self.clock.set(START)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DONDOC_CONFIG": "", "PYTHONPATH": str(REPO_ROOT),
                    "DONDOC_DATABASE_URL": database_url, "DONDOC_RULESET": ruleset,
                    "DONDOC_ATTACHMENTS_DIR": str(tmp_path / "attachments"), "DONDOC_SECRET_KEY": "deployment-test",
                    "DONDOC_TESTING": "1", "DONDOC_TESTING_CLOCK": f"file:{self.clock.path}",
                    "DONDOC_SMTP_HOST": "127.0.0.1", "DONDOC_SMTP_PORT": str(smtp_port),
                    "DONDOC_SCHEDULER_INTERVAL_SECONDS": "1",
                    # a killed scheduler's mail claim runs out in 10 s (monotonic), not 5 min
                    "DONDOC_MAIL_LEASE_SECONDS": "10"}
        self.processes: dict[str, subprocess.Popen] = {}
        self.previous_clock = set_clock(self.clock)
        self.engine = make_engine(database_url, None, ruleset=ruleset, tmp_path=tmp_path)
        self.tokens: dict[str, str] = {}

    # ------------------------------------------------------------------ set-up
    def populate(self) -> None:
        """A province with its office and seven departments, a clerk and one officer in each
        department (all with e-mail), API tokens for them, and the ruleset loaded."""
        with self.engine.db.session() as s:
            org.create_unit(s, "UBND", "UBND tỉnh", kind="province")
            org.create_unit(s, "VP", "Văn phòng UBND tỉnh", parent_code="UBND", kind="office", tracking_office=True)
            people = [("clerk", "VP", "clerk")]
            for n, code in enumerate(DEPARTMENTS, 1):
                org.create_unit(s, code, f"Sở thứ {n}", parent_code="UBND", kind="department")
                people.append((code.lower(), code, "unit_officer"))
            for username, unit, role in people:
                user = org.create_user(s, username, PASSWORD, f"Người dùng {username}", unit, [role])
                user.email = f"{username}@dondoc.test"
            self.engine.load_ruleset(s)
            for username, _unit, _role in people:
                self.tokens[username] = tokens.create_token(s, username, "deployment test")[1]

    # ------------------------------------------------------------------ processes
    def _start(self, name: str, *command: str, host: Host | None = None, module: str = "webui.cli",
               env: dict[str, str] | None = None) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("ab")
        settings, cwd = ({**self.env, **host.env}, host.folder) if host else (self.env, REPO_ROOT)
        process = subprocess.Popen([sys.executable, "-m", module, *command], env={**settings, **(env or {})},
                                   stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
        self.processes[name] = process
        return process

    def start_web(self, workers: int = 3, name: str = "web", host: Host | None = None, scheduler: bool = False) -> str:
        """`dondoc serve` (gunicorn), without the scheduler unless asked; returns its base URL once it answers."""
        port = host.port if host else self.port
        base = f"http://127.0.0.1:{port}"
        self._start(name, "serve", "--scheduler" if scheduler else "--no-scheduler", "--workers", str(workers),
                    "--threads", "4", "--bind", f"127.0.0.1:{port}", host=host)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    return base
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or self.processes[name].poll() is not None:
                raise AssertionError(f"the web server did not start:\n{self.log(name)[-3000:]}")
            time.sleep(0.2)

    def stop_web(self) -> None:
        self.stop("web")

    def start_scheduler(self, name: str, host: Host | None = None) -> None:
        """`dondoc scheduler`, its ticks counted in <name>.ticks (ticks())."""
        marks = self.folder / f"{name}.ticks"
        marks.write_text("")
        self._start(name, "scheduler", "--interval", "1", host=host, module="tests.deployment.ticking",
                    env={TICKS_FILE: str(marks)})

    def ticks(self) -> dict[str, tuple[int, int]]:
        """(ticks begun, ticks ended) of each running scheduler that start_scheduler started."""
        counted = {name: self.folder / f"{name}.ticks" for name, process in self.processes.items()
                   if process.poll() is None}
        return {name: (marks.count("b"), marks.count("e")) for name, path in counted.items() if path.exists()
                for marks in [path.read_text()]}

    def run(self, name: str, *command: str, host: Host | None = None) -> str:
        """A `dondoc` command run to its end; its output."""
        process = self._start(name, *command, host=host)
        if process.wait(120) != 0:
            raise AssertionError(f"dondoc {' '.join(command)} failed:\n{self.log(name)[-3000:]}")
        return self.log(name)

    def web_workers(self) -> list[int]:
        """The pids of the web server's worker processes (children of gunicorn's master)."""
        master = self.processes["web"].pid
        children = Path(f"/proc/{master}/task/{master}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill(self, name: str) -> None:
        """kill -9 of one of the processes this deployment started."""
        self.processes[name].kill()
        self.processes[name].wait(10)

    @staticmethod
    def kill_pid(pid: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
            os.kill(pid, signal.SIGKILL)

    def stop(self, name: str) -> None:
        process = self.processes[name]
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)

    def close(self) -> None:
        for name in self.processes:
            self.stop(name)
        self.engine.close()
        set_clock(self.previous_clock)

    def register(self, base: str, n: int) -> int:
        """A directive with one task (5 working days) registered and classified through the API
        at `base`; its id."""
        clerk = Client(base + "/api/v1", self.tokens["clerk"])
        lead = DEPARTMENTS[n % len(DEPARTMENTS)]
        created = clerk.send("POST", "/directives", key=f"directive-{n}", json={
            "symbol": f"{n}/KH-UBND", "issued_on": "02/03/2026", "issuer": "UBND tỉnh", "summary": f"Kế hoạch số {n}",
            "assignments": [{"content": f"Nhiệm vụ của kế hoạch {n}", "lead_unit": lead, "deadline_days": 5}]})
        assert created.status == 201, created.body
        [item] = [i for i in clerk.send("GET", "/work-items?per_page=200").body["items"]
                  if i["directive_id"] == created.body["id"]]
        classified = clerk.send("POST", f"/work-items/{item['id']}/complete", key=f"classify-{n}",
                                json={"tracked": True})
        assert classified.status == 200, classified.body
        return created.body["id"]

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self, username: str) -> Client:
        return Client(self.base + "/api/v1", self.tokens[username])


def settle(deployment: Deployment, smtp, limit: float = 90.0) -> None:
    """Wait until the schedulers have fired what was due and sent every mail: each scheduler that
    start_scheduler started has run a whole tick begun after this call (so after the clock moved;
    a tick sends the mail its timers wrote), and nothing is due or unsent while none is ticking.
    The scheduler child of `dondoc serve --scheduler` is not counted: without a counted one, no
    mail for CHILD_QUIET seconds stands for its tick."""
    begun = {name: count for name, (count, _ended) in deployment.ticks().items()}
    deadline, last, since = time.monotonic() + limit, -1, time.monotonic()
    while time.monotonic() < deadline:
        before = deployment.ticks()
        with deployment.engine.db.reading() as s:
            due = s.scalar(select(func.count()).select_from(WorkflowInstance).where(
                WorkflowInstance.status == "running", WorkflowInstance.next_timer_due < deployment.clock.now()))
            unsent = s.scalar(select(func.count()).select_from(Notification).where(
                Notification.email_status == "pending"))
        # each counted scheduler has ended a tick begun after the call and ran none while the database
        # was read: a tick records each mail sent as it goes, but counts them (metrics) at its end
        ticks = deployment.ticks()
        ticked = ticks == before and all(began == ended > begun.get(name, 0) for name, (began, ended) in ticks.items())
        count = len(smtp.inbox.messages)
        if count != last:
            last, since = count, time.monotonic()
        if not due and not unsent and (ticked if begun else time.monotonic() - since > CHILD_QUIET):
            return
        time.sleep(0.1)
    raise AssertionError(f"the schedulers did not settle: {due} workflows due, {unsent} mails unsent")


@dataclass
class Host:
    """An application host of its own: its working directory and attachments folder, its port,
    settings of its own over the deployment's (it shares the database with the others)."""

    folder: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)

    @classmethod
    def make(cls, folder: Path, **settings: str) -> Host:
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder, {"DONDOC_ATTACHMENTS_DIR": str(folder / "attachments"),
                            **{f"DONDOC_{key.upper()}": value for key, value in settings.items()}})

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Answer:
    status: int
    body: dict
    seconds: float  # of the attempt that answered


@dataclass
class Client:
    """One API caller. `send` retries a call (same Idempotency-Key) while the server cannot
    answer it — a killed worker drops the connection — and keeps every status it saw."""

    base: str
    token: str
    statuses: list[int] = field(default_factory=list)
    retries: int = 0
    http: requests.Session = field(default_factory=requests.Session)

    def send(self, method: str, path: str, key: str | None = None, json: dict | None = None,
             give_up_after: float = 60.0) -> Answer:
        headers = {"Authorization": f"Bearer {self.token}", **({"Idempotency-Key": key} if key else {})}
        deadline = time.monotonic() + give_up_after
        while True:
            began = time.perf_counter()
            try:
                response = self.http.request(method, self.base + path, json=json, headers=headers, timeout=30)
            except requests.RequestException:
                response = None
            seconds = time.perf_counter() - began
            if response is not None:
                self.statuses.append(response.status_code)
                if response.status_code < 500 or not key:
                    return Answer(response.status_code, _json(response), seconds)
            if not key or time.monotonic() > deadline:
                return Answer(0 if response is None else response.status_code, {}, seconds)
            self.retries += 1
            time.sleep(0.1)


def _json(response: requests.Response) -> dict:
    try:
        return response.json()
    except ValueError:
        return {}

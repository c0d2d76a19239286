"""Real `dondoc scheduler` OS processes on one database, their time moved through a shared
testing clock file: two at once fire every timer once and send every mail once; one
killed mid-run and restarted loses nothing and doubles nothing."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select

from engine.clock import VN_TZ
from engine.config import REPO_ROOT
from engine.notifications.mail import LEASE
from engine.notifications.models import Notification
from engine.runtime.models import WorkflowInstance
from engine.scheduler.testing_clock import FileClock
from tests.scheduler.conftest import start_urging

ASSIGNMENTS = 30
WAIT = 40  # seconds, at most, for the processes to catch up


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


class Schedulers:
    """`dondoc scheduler` processes started (and stopped) by this test only."""

    def __init__(self, engine, database_url, smtp, tmp_path):
        self.clock = FileClock(tmp_path / "clock.txt")
        self.logs = tmp_path
        self.env = {**os.environ, "DONDOC_DATABASE_URL": database_url, "DONDOC_RULESET": engine.settings.ruleset,
                    "DONDOC_PROCESSES_DIR": engine.settings.processes_dir, "DONDOC_TESTING": "1",
                    "DONDOC_TESTING_CLOCK": f"file:{self.clock.path}", "DONDOC_SMTP_HOST": "127.0.0.1",
                    "DONDOC_SMTP_PORT": str(smtp.port), "DONDOC_CONFIG": "", "PYTHONPATH": str(REPO_ROOT)}
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *command: str) -> None:
        """`dondoc scheduler --interval 1`, or another `dondoc` command."""
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-c", "from webui.cli import main; main()",
             *(command or ("scheduler", "--interval", "1"))],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT)

    def kill(self, name: str) -> None:
        self.processes[name].kill()
        self.processes[name].wait(10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
                process.wait(10)

    def log(self) -> str:
        return "\n".join((self.logs / f"{n}.log").read_text(errors="replace") for n in self.processes)


@pytest.fixture
def schedulers(urging, database_url, smtp, tmp_path):
    runner = Schedulers(urging, database_url, smtp, tmp_path)
    yield runner
    runner.stop_all()


def wait_for(condition, schedulers: Schedulers) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"schedulers did not catch up in {WAIT} s ({condition.__doc__}); "
                                 f"their log:\n{schedulers.log()[-3000:]}")
        time.sleep(0.2)


def all_advanced_past(engine, moment: datetime):
    def check() -> bool:
        """every timer due fired"""
        with engine.db.session() as s:
            return not s.scalar(select(func.count(WorkflowInstance.id)).where(
                WorkflowInstance.status == "running", WorkflowInstance.next_timer_due <= moment))
    return check


def all_mail_sent(engine, smtp, expected: int):
    def check() -> bool:
        """every mail sent"""
        with engine.db.session() as s:
            pending = s.scalar(select(func.count(Notification.id)).where(Notification.email_status != "sent"))
        return pending == 0 and len(smtp.inbox.messages) >= expected
    return check


def mail_settled(smtp, quiet_seconds: float = 3.0):
    seen = {"count": -1, "since": time.monotonic()}

    def check() -> bool:
        """no mail sent for a few seconds (only the killed process's claimed mails are left)"""
        count = len(smtp.inbox.messages)
        if count != seen["count"]:
            seen.update(count=count, since=time.monotonic())
        return time.monotonic() - seen["since"] > quiet_seconds
    return check


def kinds(engine) -> Counter:
    with engine.db.session() as s:
        return Counter(s.execute(select(Notification.assignment_id, Notification.kind)).all())


def test_two_scheduler_processes_fire_each_timer_once_and_survive_a_kill(urging, clock, smtp, schedulers):
    clock.set(vn(2026, 3, 2, 9))
    ids = [start_urging(urging, "2026-03-05", symbol=f"{n}/CT-UBND") for n in range(ASSIGNMENTS)]
    schedulers.clock.set(vn(2026, 3, 4, 8, 1))  # every 1-day-before reminder is due
    schedulers.start("a")
    schedulers.start("b")
    wait_for(all_advanced_past(urging, vn(2026, 3, 4, 8, 1)), schedulers)
    wait_for(all_mail_sent(urging, smtp, ASSIGNMENTS), schedulers)
    assert kinds(urging) == Counter({(i, "reminder"): 1 for i in ids})
    refs = Counter(m["X-Dondoc-Ref"] for m in smtp.inbox.messages)
    assert len(refs) == ASSIGNMENTS and set(refs.values()) == {1}  # each mail once

    # The deadline day comes; "a" is killed (SIGKILL) while both work, then started again.
    schedulers.clock.set(vn(2026, 3, 5, 8, 1))
    time.sleep(0.6)  # ticks come every second and take a while: likely mid-tick
    schedulers.kill("a")
    schedulers.start("a")
    wait_for(all_advanced_past(urging, vn(2026, 3, 5, 8, 1)), schedulers)
    # A mail claimed by "a" when it was killed is anyone's again when its lease ends. Jump past
    # the lease only once the living schedulers are done, or their own claims would expire too.
    wait_for(mail_settled(smtp), schedulers)
    schedulers.clock.set(vn(2026, 3, 5, 8, 1) + LEASE)
    wait_for(all_mail_sent(urging, smtp, 2 * ASSIGNMENTS), schedulers)
    assert kinds(urging) == Counter({**{(i, "reminder"): 1 for i in ids}, **{(i, "due_today"): 1 for i in ids}})
    refs = Counter(m["X-Dondoc-Ref"] for m in smtp.inbox.messages)
    # A kill between handing a mail to SMTP and recording it may send that one mail again
    # (at least once); it never loses one.
    assert len(refs) == 2 * ASSIGNMENTS and sum(refs.values()) - len(refs) <= 1
    assert "Traceback" not in schedulers.log()


def test_the_web_server_runs_the_scheduler_inside(urging, clock, smtp, schedulers):
    from tests.scheduler.smtp import free_port

    clock.set(vn(2026, 3, 2, 9))
    ids = [start_urging(urging, "2026-03-05", symbol=f"{n}/CT-UBND") for n in range(3)]
    schedulers.clock.set(vn(2026, 3, 4, 8, 1))
    schedulers.env.update(DONDOC_SCHEDULER_INTERVAL_SECONDS="1", DONDOC_SECRET_KEY="serve-test")
    schedulers.start("serve", "serve", "--workers", "1", "--bind", f"127.0.0.1:{free_port()}")
    wait_for(all_advanced_past(urging, vn(2026, 3, 4, 8, 1)), schedulers)
    wait_for(all_mail_sent(urging, smtp, 3), schedulers)
    assert kinds(urging) == Counter({(i, "reminder"): 1 for i in ids})

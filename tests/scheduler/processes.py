"""Real `dondoc scheduler` OS processes on the test's database, their time moved through a
shared testing clock file (engine/scheduler/testing_clock.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import time

from engine.config import REPO_ROOT
from engine.scheduler.testing_clock import FileClock

WAIT = 40  # seconds, at most, for the processes to catch up


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
        """Stop every process gracefully (SIGTERM finishes the tick and the requests under way: ~13 s for
        `dondoc serve` on a loaded 2-core machine); one still running after WAIT is killed, so that no test
        leaves a scheduler ticking, and the test fails."""
        running = [process for process in self.processes.values() if process.poll() is None]
        for process in running:
            process.terminate()
        stuck = []
        for process in running:
            try:
                process.wait(WAIT)
            except subprocess.TimeoutExpired:
                process.kill()
                stuck.append(process.args)
        assert not stuck, f"did not stop on SIGTERM within {WAIT} s: {stuck}"

    def log(self) -> str:
        return "\n".join((self.logs / f"{n}.log").read_text(errors="replace") for n in self.processes)


def wait_for(condition, schedulers: Schedulers | None, wait: float = WAIT) -> None:
    """Poll `condition` (its docstring says what it waits for) until true, or fail (with the
    schedulers' log)."""
    deadline = time.monotonic() + wait
    while not condition():
        if time.monotonic() > deadline:
            log = schedulers.log()[-3000:] if schedulers else ""
            raise AssertionError(f"not caught up in {wait} s ({condition.__doc__}); log:\n{log}")
        time.sleep(0.05)


def mail_quiet(smtp, seconds: float):
    """A condition for wait_for: no mail arrived for `seconds`."""
    seen = {"count": -1, "since": time.monotonic()}

    def check() -> bool:
        """no mail arriving any more"""
        count = len(smtp.inbox.received)
        if count != seen["count"]:
            seen.update(count=count, since=time.monotonic())
        return time.monotonic() - seen["since"] > seconds
    return check

"""A bench command run as the tests check it: `python -m <module> …` on the suite's database, in
a process group of its own, so that a run out of time takes with it the servers and schedulers it
started (a bench killed alone left its gunicorn serving, orphaned, after the test)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.conftest import REPO_ROOT


def run_bench(*args: str, timeout: float) -> str:
    """The command's standard output; CalledProcessError if it failed, TimeoutExpired (its whole
    group killed) if it ran out of time."""
    # PostgreSQL when DONDOC_TEST_DATABASE_URL names one
    env = {**os.environ, "DONDOC_BENCH_DATABASE_URL": os.environ.get("DONDOC_TEST_DATABASE_URL", "")}
    with subprocess.Popen([sys.executable, "-m", *args], cwd=REPO_ROOT, env=env, text=True, start_new_session=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args, out, err)
    return out

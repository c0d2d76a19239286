"""A bench run out of time is killed with every process it started."""
import os
import subprocess
import time

import pytest

from tests.benchrun import run_bench


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a killed child not yet reaped by its (dead) parent is a zombie: gone for our purpose
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def test_a_bench_out_of_time_takes_the_server_it_started_with_it(tmp_path):
    pid_file = tmp_path / "server.pid"
    # `python -m timeit`: its set-up starts a long-lived child (as a bench starts gunicorn), its
    # statement outlives the timeout
    start_server = ("import subprocess, sys; "
                    f"open({str(pid_file)!r}, 'w').write(str(subprocess.Popen([sys.executable, '-c', "
                    "'import time; time.sleep(600)'], stdout=subprocess.DEVNULL, "
                    "stderr=subprocess.DEVNULL).pid))")
    with pytest.raises(subprocess.TimeoutExpired):
        run_bench("timeit", "-n", "1", "-r", "1", "-s", start_server, "import time; time.sleep(60)", timeout=3)
    server = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(server)


def test_a_failed_bench_says_so():
    with pytest.raises(subprocess.CalledProcessError):
        run_bench("bench.no_such_bench", timeout=30)

"""`python -m bench.breadth`: a task's coordinating units against its step (not a measurement: a check
that the benchmark still runs and prints a row a count, the state growing with the units)."""
import os
import re
import subprocess
import sys

from tests.conftest import REPO_ROOT


def test_the_breadth_bench_prints_a_row_for_each_count_of_coordinating_units():
    env = {**os.environ, "DONDOC_BENCH_DATABASE_URL": os.environ.get("DONDOC_TEST_DATABASE_URL", "")}
    out = subprocess.run([sys.executable, "-m", "bench.breadth", "--units", "1,3", "--updates", "2"], cwd=REPO_ROOT,
                         capture_output=True, text=True, check=True, timeout=180, env=env).stdout
    rows = re.findall(r"^\| (\d+) \| ([\d,]+) \| (\d+\.\d) \| (\d+\.\d) \| (\d+\.\d) \|$", out, re.M)
    assert [r[0] for r in rows] == ["1", "3"], out
    assert int(rows[1][1].replace(",", "")) > int(rows[0][1].replace(",", "")), out

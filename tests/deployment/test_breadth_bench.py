"""`python -m bench.breadth`: a task's coordinating units against its step (not a measurement: a check
that the benchmark still runs and prints a row a count, the state growing with the units)."""
import re

from tests.benchrun import run_bench


def test_the_breadth_bench_prints_a_row_for_each_count_of_coordinating_units():
    out = run_bench("bench.breadth", "--units", "1,3", "--updates", "2", timeout=180)
    rows = re.findall(r"^\| (\d+) \| ([\d,]+) \| (\d+\.\d) \| (\d+\.\d) \| (\d+\.\d) \|$", out, re.M)
    assert [r[0] for r in rows] == ["1", "3"], out
    assert int(rows[1][1].replace(",", "")) > int(rows[0][1].replace(",", "")), out

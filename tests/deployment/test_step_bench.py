"""`python -m bench --quick --only step`: the step against bare SpiffWorkflow, and the commit of a
one-row write timed between them (not a measurement: a check that the benchmark still runs and
prints each figure)."""
import re

from tests.benchrun import run_bench


def test_the_step_bench_prints_the_step_bare_spiffworkflow_and_a_lone_commit():
    # on the database the suite runs on: PostgreSQL when DONDOC_TEST_DATABASE_URL names one
    out = run_bench("bench", "--quick", "--only", "step", timeout=180)
    number = r"\s+(\d+\.\d\d)"
    for label in ("engine \\(Runtime.complete, committed\\)", "bare SpiffWorkflow in memory", "ratio",
                  "a one-row write committed alone"):
        row = re.search(label + number + number, out)
        assert row and float(row.group(1)) > 0, (label, out)
    assert re.search(r"\d+ instances\s+\d+\.\d\d\s+\d+\.\d\d\s+\(ratio", out), out

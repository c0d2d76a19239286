"""`python -m bench.http --quick` starts the production server, drives its three mixes through
the API and prints a row for each, without a failed request (not a measurement: a check that
the benchmark still runs)."""

from tests.benchrun import run_bench

MIXES = ["(a) progress updates", "(b) directive lifecycles", "(c) readers + writers",
         "(c) of which writers (progress)", "(c) of which readers (4 pages)"]


def test_the_http_bench_runs_its_mixes_without_errors():
    # on the database the suite runs on: PostgreSQL when DONDOC_TEST_DATABASE_URL names one
    out = run_bench("bench.http", "--quick", timeout=300)
    rows = [line.split("|")[1:-1] for line in out.splitlines() if line.startswith("| (")]
    assert [row[0].strip() for row in rows] == MIXES
    for row in rows:
        assert float(row[3]) > 0 and row[7].strip() == "0", out  # operations done, no errors
    assert all(float(row[-1]) > 0 for row in rows[:3])  # the CPU ratio of each whole mix


def test_the_lifecycle_bench_times_the_13_requests_of_a_lifecycle():
    out = run_bench("bench.http.lifecycle", "--lifecycles", "2", timeout=300)
    rows = [line.split("|")[1:-1] for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert sum(int(row[1]) for row in rows) == 13, out  # mix (b)'s requests, each timed
    assert abs(sum(float(row[3].strip(" %")) for row in rows) - 100) < 5, out  # they are the lifecycle's CPU

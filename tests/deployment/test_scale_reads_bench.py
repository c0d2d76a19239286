"""`python -m bench.scale_reads --quick` fills a small province and prints a row for each read
it times: the inbox, the registry with each filter as a department and as the office, the
assignment page, the pages through Flask and the report with its three exports (not a
measurement: a check that the benchmark still runs)."""

from bench.scale_reads import registry_cases
from tests.benchrun import run_bench


def test_the_scale_bench_times_every_read():
    # on the database the suite runs on: PostgreSQL when DONDOC_TEST_DATABASE_URL names one
    out = run_bench("bench.scale_reads", "--quick", timeout=300)
    rows = {line.split("|")[1].strip(): line.split("|")[2:4] for line in out.splitlines() if line.startswith("| ")}
    for name in registry_cases():
        for who in ("department", "office clerk"):
            assert float(rows[f"registry {name}, {who}"][1]) > 0, out  # its p95
    for name in ("inbox 'mine' (counts + page 1), department", "assignment page reads, department",
                 "GET /assignments/{id}, department", "GET /api/v1/assignments/{id}, department"):
        assert float(rows[name][1]) > 0, out
    for export in (".xlsx", ".docx", ".pdf"):
        assert f"  {export} " in out, out
    assert "report with its three exports" in out

"""`python -m bench.timers --quick` in its burst and catch-up modes: real scheduler processes
fire every due timer of the copied assignments, each exactly once, without an incident (not a
measurement: a check that the benchmark still runs and that its check of "once" holds)."""
import re

import pytest

from tests.benchrun import run_bench


@pytest.mark.parametrize("mode", ["burst", "catch-up"])
def test_the_timers_bench_fires_each_due_timer_once(mode):
    # on the database the suite runs on: PostgreSQL when DONDOC_TEST_DATABASE_URL names one
    out = run_bench("bench.timers", "--mode", mode, "--quick", timeout=180)
    fired = re.search(r"(\d+) due timers fired by 2 scheduler process\(es\)", out)
    assert fired and int(fired.group(1)) > 1, out
    once = re.search(r"exactly once: (\d+) unfired, (\d+) fired twice, (\d+) told twice \((\d+) notifications\), "
                     r"(\d+) incidents", out)
    assert once, out
    unfired, twice, told_twice, notifications, incidents = (int(n) for n in once.groups())
    assert (unfired, twice, told_twice, incidents) == (0, 0, 0, 0), out
    assert notifications >= int(fired.group(1)), out  # every fired reminder told its officer

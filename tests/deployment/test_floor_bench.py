"""`python -m bench.floor`: a directive's lifecycle replayed in bare SpiffWorkflow against the same
lifecycle through the engine, the application and HTTP (not a measurement: a check that the
benchmark runs, and that its floor is the same lifecycle's, path for path)."""
import dataclasses
from contextlib import closing

import pytest

from bench import floor
from bench.http.server import seed
from tests.benchrun import run_bench


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """One lifecycle recorded for the module: the tests read the record and replay copies of it."""
    folder = tmp_path_factory.mktemp("floor")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DONDOC_ATTACHMENTS_DIR", str(folder / "attachments"))
        engine, _tokens = seed(f"sqlite:///{folder}/floor.sqlite3")
        with closing(engine):
            events, outcome = floor.record_lifecycle(engine, floor.people(engine), 1)
            yield engine, events, outcome


def test_the_record_holds_the_lifecycles_starts_user_tasks_and_service_answers(recorded):
    _engine, events, outcome = recorded
    starts = [(e.process_id, e.instance_id) for e in events if isinstance(e, floor.Started)]
    assert [process for process, _id in starts] == ["directive", "assignment", "assignment", "assignment"]
    user_tasks = [e.element for e in events if isinstance(e, floor.Completed)]
    assert user_tasks == ["classify"] + ["handle"] * 3 + ["review"] * 3
    assert "assignments.create" in [e.operation for e in events if isinstance(e, floor.Answered)]
    assert outcome == {instance_id: True for _process, instance_id in starts}  # every instance ended


def test_bare_spiffworkflow_replays_the_recorded_path(recorded):
    engine, events, outcome = recorded
    bare = floor.BareLifecycle(engine, events, outcome)
    for _ in range(2):  # each run from a fresh copy of the record
        bare.run(bare.prepared())
        bare.check()


def test_a_replay_that_leaves_the_recorded_path_is_refused(recorded):
    engine, events, outcome = recorded
    classify = next(e for e in events if isinstance(e, floor.Completed) and e.element == "classify")
    untracked = [dataclasses.replace(e, data={**e.data, "tracked": False}) if e is classify else e for e in events]
    off_path = floor.BareLifecycle(engine, untracked, outcome)
    with pytest.raises(floor.Diverged):  # filed, not tracked: no assignments.create where the record has one
        off_path.run(off_path.prepared())
    unfinished = {**outcome, max(outcome): False}
    bare = floor.BareLifecycle(engine, events, unfinished)
    bare.run(bare.prepared())
    with pytest.raises(floor.Diverged):
        bare.check()


def test_the_floor_bench_prints_the_four_ways_as_ratios_to_bare_spiffworkflow():
    # one lifecycle of each way, none before it: the heavy runs are the bench's
    out = run_bench("bench.floor", "--warm-up", "0", "--lifecycles", "1", "--workers", "2", timeout=300)
    rows = [line.split("|")[1:-1] for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [row[0].strip() for row in rows] == list(floor.Bench.WAYS), out
    assert float(rows[0][2]) == 1.0, out
    assert all(float(row[1]) > 0 for row in rows), out

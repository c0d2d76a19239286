"""The upgrade safety net: every saved workflow state of the corpus (tests/fixtures/states/,
see its README) still loads and takes its next step, in a fresh worker, with the result it
had when it was recorded."""
import pytest

from tests import saved_states
from tests.conftest import make_engine

# What the corpus must keep covering (tests/saved_states.py `features`).
FEATURES = {"loop_round", "loop_rounds_pruned", "multi_instance", "multi_instance_partly_done", "timer_waiting",
            "event_subprocess", "message_waiting"}
RULESETS = {"bac-lieu", "can-tho", "dak-lak", "gia-lai-stttt", "quynh-nhai", "test-rules"}
ACTIONS = {"complete", "timers", "message"}


@pytest.mark.parametrize("entry_id", saved_states.entry_ids())
def test_saved_state_loads_and_advances(entry_id, database_url, clock, tmp_path):
    entry = saved_states.index()[entry_id]
    engine = make_engine(database_url, clock, ruleset=entry["ruleset"], tmp_path=tmp_path)
    try:
        saved_states.restore(entry_id, engine)
        assert saved_states.advance(engine, entry, clock) == entry["expect"]
    finally:
        engine.close()


def test_the_corpus_covers_every_ruleset_and_feature():
    entries = saved_states.index().values()
    assert {e["ruleset"] for e in entries} >= RULESETS
    assert {f for e in entries for f in e["features"]} >= FEATURES
    assert {e["action"]["kind"] for e in entries} == ACTIONS

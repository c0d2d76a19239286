"""The upgrade safety net: every saved workflow state of the corpus (tests/fixtures/states/,
see its README) still loads and takes its next step, in a fresh worker, with the result it
had when it was recorded."""
import pytest

from engine.runtime.models import WorkflowInstance
from tests import saved_states
from tests.conftest import make_engine
from tests.engine.test_spiff import assert_loads_as_spiffworkflow_does

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
        _assert_loads_as_spiffworkflow_does(engine, entry["instance"])
        assert saved_states.advance(engine, entry, clock) == entry["expect"]
    finally:
        engine.close()


def _assert_loads_as_spiffworkflow_does(engine, instance_id: int) -> None:
    with engine.db.reading() as session:
        instance = session.get_one(WorkflowInstance, instance_id)
        compiled = engine.cache.by_id(session, instance.bundle_id)
    assert_loads_as_spiffworkflow_does(instance.state, compiled.specs[instance.process_id],
                                       compiled.subprocess_specs(instance.process_id), engine.runtime.script_engine)


def test_the_corpus_covers_every_ruleset_and_feature():
    entries = saved_states.index().values()
    assert {e["ruleset"] for e in entries} >= RULESETS
    assert {f for e in entries for f in e["features"]} >= FEATURES
    assert {e["action"]["kind"] for e in entries} == ACTIONS

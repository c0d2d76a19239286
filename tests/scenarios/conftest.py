import pytest


@pytest.fixture(autouse=True)
def _every_scenario_in_both_worker_modes(worker_mode):
    """Every scenario runs in a warm worker and restarted before every step."""

"""`make test` hands whole files to its workers in collection order: the files that drive
Chromium come first however they are named (tests/conftest.py pytest_collection_modifyitems)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from engine.config import REPO_ROOT
from tests.conftest import pytest_collection_modifyitems


@dataclass
class Collected:
    """A collected test as the hook reads it: its file, markers and fixtures."""

    file: str
    markers: tuple[str, ...] = ()
    fixturenames: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return REPO_ROOT / "tests" / self.file

    def get_closest_marker(self, name: str):
        return pytest.mark.browser.mark if name in self.markers else None


def test_files_driving_chromium_come_first_however_named():
    items = [Collected("api/test_schema.py"),
             Collected("modeler/test_decision_tables.py"),  # one test marked browser, then a quick one
             Collected("modeler/test_decision_tables.py", ("browser",)),
             Collected("modeler/test_decision_tables.py"),
             Collected("security/test_headers.py", fixturenames=["app", "chromium", "serve"]),  # unmarked
             Collected("webui/test_landing.py", fixturenames=["app", "browser"]),  # Flask's test client
             Collected("scenarios/test_dak_lak.py")]
    order = [(item.file, item.markers) for item in items]
    pytest_collection_modifyitems(items)
    assert [(item.file, item.markers) for item in items] == [order[n] for n in (1, 2, 3, 4, 6, 0, 5)]


class Worker:
    """A stand-in for an xdist worker: the test ids it is sent to run, in order."""

    def __init__(self, collection: list[str]):
        self.collection, self.ran, self.shutting_down = collection, [], False

    def send_runtest_some(self, indexes: list[int]) -> None:
        self.ran += [self.collection[n] for n in indexes]

    def shutdown(self) -> None:
        self.shutting_down = True


def test_a_loadfile_run_hands_out_the_files_in_collection_order(pytestconfig):
    """xdist's own scheduler, with this session's options: a one-test long file collected first runs first,
    not after the files of more tests (xdist sorts by their number unless told not to)."""
    from xdist.scheduler import LoadFileScheduling

    collection = ["tests/deployment/test_multiprocess.py::test_under_load",
                  *(f"tests/api/test_schema.py::test_{n}" for n in range(3))]
    config = SimpleNamespace(option=pytestconfig.option, getvalue=lambda name: ["popen"])
    scheduler, worker = LoadFileScheduling(config), Worker(collection)
    scheduler.add_node(worker)
    scheduler.add_node_collection(worker, collection)
    scheduler.schedule()
    for test in worker.ran:  # each one run: the scheduler sends more as the worker runs low
        scheduler.mark_test_complete(worker, collection.index(test))
    assert [test.split("::")[0] for test in worker.ran] == [test.split("::")[0] for test in collection]

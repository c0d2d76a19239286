"""`make test` hands whole files to its workers in collection order: the files that drive
Chromium come first however they are named (tests/conftest.py pytest_collection_modifyitems)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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

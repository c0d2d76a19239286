"""`dondoc demo` under each ruleset that registers directives through the office, and on a
day a periodic report is already asked for: its three directives are loaded and assigned."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from engine.config import Settings
from engine.core import Engine
from engine.demo import load_demo
from engine.directives.models import Assignment, Directive


# 08/12/2026: the office's quarterly report is open (the demo's report schedule asks it first).
@pytest.mark.parametrize("ruleset", ["dak-lak", "bac-lieu"])
def test_the_demo_loads_its_directives_assigned(database_url, clock, tmp_path, ruleset):
    clock.set(datetime(2026, 12, 8, 9, 0))
    engine = Engine(Settings.load(database_url=database_url, ruleset=ruleset, demo=True, testing=True,
                                  attachments_dir=str(tmp_path / "attachments")), clock=clock)
    try:
        load_demo(engine)
        with engine.db.session() as s:
            assert s.scalars(select(Directive.status).order_by(Directive.id)).all() == ["assigned"] * 3
            assert len(s.scalars(select(Assignment.id)).all()) == 4
    finally:
        engine.close()

"""A deployment changes regulation by configuration only: DONDOC_RULESET picks the folder, and
every ruleset loads with `dondoc ruleset check`."""
from datetime import date

import pytest
from click.testing import CliRunner

from engine.cli import cli
from engine.config import REPO_ROOT, Settings
from engine.core import Engine
from tests.scenarios.drive import Scenario, due_day

RULESETS = ("bac-lieu", "dak-lak", "can-tho", "quynh-nhai", "gia-lai-stttt", "tinh-2025")


@pytest.mark.parametrize("ruleset", RULESETS)
def test_every_ruleset_passes_the_check(ruleset):
    result = CliRunner().invoke(cli, ["ruleset", "check", ruleset])
    assert result.exit_code == 0, result.output
    assert f"ruleset {ruleset}:" in result.output and "no problems" in result.output


@pytest.mark.parametrize(("ruleset", "urgency", "classify_by"), [
    ("dak-lak", "normal", date(2026, 2, 23)), ("can-tho", "normal", date(2026, 2, 13)),
    ("dak-lak", "very_urgent", date(2026, 2, 23)), ("tinh-2025", "very_urgent", date(2026, 2, 12))])
def test_environment_variable_switches_the_regulation(monkeypatch, database_url, clock, tmp_path, ruleset,
                                                      urgency, classify_by):
    """The same directive, registered on Thu 12/02/2026: Đắk Lắk gives 2 working days (Đ.7 k.1; at
    once only for hỏa tốc), Cần Thơ 1 (Đ.5 k.1); the post-2025 province handles a thượng khẩn one
    at once (tinh-2025 [registration] urgent_levels)."""
    monkeypatch.setenv("DONDOC_RULESET", ruleset)
    settings = Settings.load(database_url=database_url, processes_dir=str(REPO_ROOT / "processes"))
    assert settings.ruleset == ruleset
    engine = Engine(settings, clock=clock)
    engine.db.create_all()
    sc = Scenario.populate(engine, clock)
    try:
        sc.at("2026-02-12 09:00")
        sc.register("45/QĐ-UBND", "12/02/2026", [{"content": "Báo cáo", "lead_unit": "STC"}], urgency=urgency)
        assert due_day(sc.ready("classify")) == classify_by
    finally:
        sc.close()

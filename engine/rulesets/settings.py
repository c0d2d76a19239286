"""`ruleset.toml`: the data of a ruleset (name, level, terminology, deadlines in working
days, reminder policy, report calendar, roles and lanes)."""
from __future__ import annotations

from collections.abc import Callable

from engine.org.models import ROLES
from engine.rulesets.errors import Problem
from engine.sandbox.helpers import get_path

SettingsCheck = Callable[[dict], list[str]]
SETTINGS_CHECKS: dict[str, SettingsCheck] = {}
REQUIRED_KEYS = ("id", "name", "level", "regulation")
LEVELS = ("province", "city", "district", "commune", "department")
REQUIRED_PROCESSES = ("directive", "assignment")


def check_settings(settings: dict, file_name: str = "ruleset.toml") -> list[Problem]:
    problems = [Problem(file_name, key, f"missing required key '{key}'") for key in REQUIRED_KEYS
                if key not in settings]
    if settings.get("level") not in LEVELS:
        problems.append(Problem(file_name, "level", f"level must be one of {', '.join(LEVELS)}"))
    processes = settings.get("processes", {})
    problems += [Problem(file_name, f"processes.{name}", f"missing entry process '{name}'")
                 for name in REQUIRED_PROCESSES if name not in processes]
    for lane, role in settings.get("lanes", {}).items():
        if role not in ROLES:
            problems.append(Problem(file_name, f"lanes.{lane}", f"unknown role '{role}' (known: {', '.join(ROLES)})"))
    for table, check in SETTINGS_CHECKS.items():  # the features' own rules for their tables
        problems += [Problem(file_name, table, message) for message in check(settings)]
    return problems


def settings_check(table: str) -> Callable[[SettingsCheck], SettingsCheck]:
    """Register `check(settings) -> [problem, …]` for the `table` of ruleset.toml that a
    feature reads (in its operators.py, see engine.features)."""
    def register(check: SettingsCheck) -> SettingsCheck:
        SETTINGS_CHECKS[table] = check
        return check

    return register


# Words a shared form may use ({name}) when a ruleset's [terminology] does not give them.
DEFAULT_TERMS = {"leader": "Lãnh đạo", "tracking_office": "Văn phòng"}


def form_terms(settings: dict) -> dict[str, str]:
    """The ruleset's [terminology], plus `returns_to`: who receives a unit's return (the office,
    or the leader where `[returns] corrected_by = "leader"`)."""
    terms = {**DEFAULT_TERMS, **settings.get("terminology", {})}
    corrected_by = get_path(settings, "returns.corrected_by", "office")
    return {**terms, "returns_to": terms["leader" if corrected_by == "leader" else "tracking_office"]}

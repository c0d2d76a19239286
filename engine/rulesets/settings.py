"""`ruleset.toml`: the data of a ruleset (name, level, terminology, deadlines in working
days, reminder policy, report calendar, roles and lanes)."""
from __future__ import annotations

from engine.org.models import ROLES
from engine.rulesets.errors import Problem

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
    from engine.reports.calendar import calendar_problems  # the report calendar's own rules

    problems += [Problem(file_name, "report_calendar", message) for message in calendar_problems(settings)]
    from engine.scheduler.urging import policy_problems  # the urging policy's own rules

    problems += [Problem(file_name, "reminders", message) for message in policy_problems(settings)]
    return problems


# Words a shared form may use ({name}) when a ruleset's [terminology] does not give them.
DEFAULT_TERMS = {"leader": "Lãnh đạo", "tracking_office": "Văn phòng"}


def form_terms(settings: dict) -> dict[str, str]:
    """The ruleset's [terminology], plus `returns_to`: who receives a unit's return (the office,
    or the leader where `[returns] corrected_by = "leader"`)."""
    terms = {**DEFAULT_TERMS, **settings.get("terminology", {})}
    corrected_by = get_path(settings, "returns.corrected_by", "office")
    return {**terms, "returns_to": terms["leader" if corrected_by == "leader" else "tracking_office"]}


def get_path(settings: dict, path: str, default=None):
    """`get_path(s, "deadlines.registration")` -> s["deadlines"]["registration"]."""
    node = settings
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node

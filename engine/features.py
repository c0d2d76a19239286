"""The engine's packages, found by convention rather than listed by hand.

A package under engine/ contributes by the modules it has:
- `models.py`: its tables (and the stored deadlines it owns), so the metadata that
  `Database.create_all`, Alembic and backups use is the whole schema;
- `operators.py`: what its BPMN steps may call — service-task operators
  (`engine.sandbox.operators.OPERATORS`), helpers for scripts and conditions
  (`engine.sandbox.helpers.HELPERS`) and checks of its part of `ruleset.toml`
  (`engine.rulesets.settings.SETTINGS_CHECKS`);
- `commands.py`: a click group named `group`, a `dondoc` sub-command.

`discover()` imports the first two for every package; the Engine calls it, so the app
factory, the CLI, the tests and Alembic's env (which calls it itself) all see every feature.
"""
from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from functools import cache
from types import ModuleType

import engine

CONTRIBUTIONS = ("models", "operators")


def packages() -> list[str]:
    """The names of engine's sub-packages, in alphabetical order."""
    return sorted(info.name for info in pkgutil.iter_modules(engine.__path__) if info.ispkg)


def modules_named(name: str) -> list[ModuleType]:
    """`engine.<package>.<name>` of every package that has one, imported."""
    found = []
    for package in packages():
        if importlib.util.find_spec(f"engine.{package}.{name}") is not None:
            found.append(importlib.import_module(f"engine.{package}.{name}"))
    return found


@cache
def discover() -> None:
    """Import every package's models and operators (once per process)."""
    for name in CONTRIBUTIONS:
        modules_named(name)

"""The engine never imports Flask (the web UI is a thin layer over it)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import engine

SCRIPT = """
import importlib, pkgutil, sys
import engine
for module in pkgutil.walk_packages(engine.__path__, "engine."):
    if ".migrations" not in module.name:
        importlib.import_module(module.name)
leaked = sorted(m for m in sys.modules if m == "flask" or m.startswith(("flask.", "flask_")))
print(len([m for m in sys.modules if m.startswith("engine.")]), leaked)
"""


def test_importing_every_engine_module_does_not_import_flask():
    root = Path(engine.__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    modules, leaked = result.stdout.split(" ", 1)
    assert int(modules) > 20 and leaked.strip() == "[]"

"""The "How to add …" recipes of docs/architecture.md hold: the files they name exist, every
operator and helper sits where the recipe puts it, and a new feature package is found by
discovery alone (its tables, operators and `dondoc` command), with no list to edit."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap

from engine.config import REPO_ROOT

ARCHITECTURE = REPO_ROOT / "docs" / "architecture.md"


def recipes() -> str:
    return ARCHITECTURE.read_text(encoding="utf-8").split("## How to add …", 1)[1]


def test_every_file_a_recipe_names_exists():
    quoted = (q.split(":")[0].split()[0] for q in re.findall(r"`([^`]+)`", recipes()))
    concrete = sorted({q for q in quoted if "/" in q and "<" not in q and "*" not in q})
    assert len(concrete) > 15
    missing = [name for name in concrete if not (REPO_ROOT / name).exists()]
    assert not missing


def test_operators_and_their_helpers_live_in_operators_modules():
    misplaced = []
    for path in (REPO_ROOT / "engine").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        uses = re.findall(r"^@(OPERATORS\.register|helper\b|settings_check)", text, re.MULTILINE)
        if uses and path.name != "operators.py" and path.parent.name not in ("sandbox", "rulesets"):
            misplaced.append(f"{path.relative_to(REPO_ROOT)}: {sorted(set(uses))}")
    assert not misplaced


def test_a_new_feature_is_found_by_discovery_alone(tmp_path):
    """A package dropped beside the others contributes without any list being edited (run in a
    fresh interpreter: the probe's table must not join the test run's schema)."""
    probe = tmp_path / "probe_feature"
    probe.mkdir()
    (probe / "__init__.py").write_text("")
    (probe / "models.py").write_text(textwrap.dedent("""
        from sqlalchemy.orm import Mapped, mapped_column
        from engine.db import Base

        class ProbeRow(Base):
            __tablename__ = "probe_rows"
            id: Mapped[int] = mapped_column(primary_key=True)
    """))
    (probe / "operators.py").write_text(textwrap.dedent("""
        from engine.sandbox.operators import OPERATORS

        @OPERATORS.register("probe.echo", required=("text",))
        def echo(ctx, data, params):
            return params["text"]
    """))
    (probe / "commands.py").write_text(textwrap.dedent("""
        import click

        @click.group(name="probe")
        def group():
            "The probe."
    """))
    script = textwrap.dedent(f"""
        import engine
        engine.__path__.append({str(tmp_path)!r})
        from engine.features import discover
        discover()
        from engine.db import Base
        from engine.sandbox.operators import OPERATORS
        assert "probe_rows" in Base.metadata.tables
        assert OPERATORS.problems("probe.echo", ["text"]) == []
        assert [m % p for m, p in OPERATORS.problems("probe.echo", [])] == [
            "service operator 'probe.echo': missing parameter(s) text"]
        from engine.cli import cli
        assert "probe" in cli.commands
        print("found")
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert run.stdout.strip() == "found", run.stderr


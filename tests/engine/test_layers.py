"""The engine reads bottom-up: each module imports only from its own layer or the layers below,
counting imports inside functions, and no group of modules imports itself round in a circle.

    base         clock, config, errors, db, passwords, text, numbers, translation, spiff, clitools (what
                 `dondoc` commands share), metrics (the process's counters)
    foundations  forms, sandbox, working_days, org, audit
    engine       rulesets, runtime
    features     every other package (directives, secrecy, urging, reports, …)
    top          core, cli, features (discovery), demo, backup, scenarios (runs a whole engine)
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from engine.config import REPO_ROOT

LAYERS = {
    "base": ("", "clock", "config", "errors", "db", "passwords", "text", "numbers", "translation", "spiff", "clitools",
             "metrics"),
    "foundations": ("forms", "sandbox", "working_days", "org", "audit"),
    "engine": ("rulesets", "runtime"),
    "top": ("core", "cli", "features", "demo", "backup", "scenarios"),
}
ORDER = ("base", "foundations", "engine", "features", "top")
ENGINE = REPO_ROOT / "engine"


def layer_of(module: str) -> str:
    top = module.split(".")[1] if "." in module else ""
    return next((name for name, parts in LAYERS.items() if top in parts), "features")


def engine_modules() -> dict[str, Path]:
    found = {}
    for path in ENGINE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(REPO_ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every engine module `module` imports, at the top or inside a function (not those under
    `if TYPE_CHECKING:`, which only type hints see)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hints_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                  and ast.unparse(block.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
                  for statement in block.body for node in ast.walk(statement)}
    targets = set()
    for node in ast.walk(tree):
        if id(node) in hints_only:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: that many packages up from this one
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
    return targets


def graph() -> dict[str, set[str]]:
    known = engine_modules()
    return {module: imports_of(module, path, known) for module, path in known.items()}


def test_no_module_imports_a_layer_above_its_own():
    upward = sorted(f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
                    for module, targets in graph().items() for target in targets
                    if ORDER.index(layer_of(target)) > ORDER.index(layer_of(module)))
    assert upward == []


def test_no_import_cycles():
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert cycles == []


def test_the_architecture_maps_every_engine_module_in_its_layer():
    """docs/architecture.md's map of engine/ names each of its modules and packages once, under the
    layer this test holds it to: a newcomer reading it bottom-up reads the engine as it is."""
    text = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    engine_map = text.split("```\nengine/", 1)[1].split("```", 1)[0]
    mapped, layer = {}, None
    for line in engine_map.splitlines():
        if heading := re.match(r" ({})\b".format("|".join(ORDER)), line):
            layer = heading.group(1)
        elif entry := re.match(r"  (\w+)(?:\.py|/) ", line):
            assert entry.group(1) not in mapped, f"{entry.group(1)} is mapped twice"
            mapped[entry.group(1)] = layer
    present = {path.stem for path in ENGINE.iterdir() if path.suffix == ".py" and path.stem != "__init__"} | \
              {path.name for path in ENGINE.iterdir() if (path / "__init__.py").exists()}
    assert sorted(present - set(mapped)) == [], "in engine/, not in the map"
    assert sorted(set(mapped) - present) == [], "in the map, not in engine/"
    assert {name: layer_of(f"engine.{name}") for name in mapped} == mapped

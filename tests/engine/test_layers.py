"""The engine reads bottom-up: each module imports only from its own layer or the layers below,
counting imports inside functions, and no group of modules imports itself round in a circle.

    base         clock, config, errors, db, passwords, text, spiff, clitools (what `dondoc` commands share),
                 metrics (the process's counters)
    foundations  forms, sandbox, working_days, org, audit
    engine       rulesets, runtime
    features     every other package (directives, secrecy, urging, reports, …)
    top          core, cli, features (discovery), demo, backup, scenarios (runs a whole engine)
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from engine.config import REPO_ROOT

LAYERS = {
    "base": ("", "clock", "config", "errors", "db", "passwords", "text", "spiff", "clitools", "metrics"),
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


def test_every_package_has_a_layer_documented_in_the_architecture():
    """docs/architecture.md maps every engine package."""
    text = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    by_package = defaultdict(list)
    for module in graph():
        parts = module.split(".")
        if len(parts) > 1:
            by_package[parts[1]].append(module)
    missing = [package for package in by_package if f"{package}/" not in text and f"{package}.py" not in text]
    assert missing == []

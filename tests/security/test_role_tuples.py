"""Every role group and every check on a role name lives in engine/org/permissions.py (issue
#13): a role name written in a tuple, list or set, passed to a role check, named as a
constant, or compared with a role anywhere else in engine/ or webui/ fails here, naming the
file and line. The catalogue of
role names (ROLES in engine/org/models.py) is the one other place that lists them."""
from __future__ import annotations

import ast
from pathlib import Path

from engine.config import REPO_ROOT
from engine.org.models import ROLES

HOME = "engine/org/permissions.py"
CATALOGUE = ("engine/org/models.py", "ROLES")
# Files whose role names are data, not rules (say why).
DATA = {"engine/demo.py": "the demo's people and their roles",
        "engine/scenarios/organisation.py": "the scenario province's people and their roles"}
ROLE_CALLS = {"has_role", "login_required", "require", "require_role", "holders", "holders_in", "users_with_role",
              "recipients", "people", "NavLink"}


def _is_role(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in ROLES


def _name(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def offences(source: str, catalogue: str | None = None) -> list[tuple[int, str]]:
    """(line, what) of every role name used as a rule in `source`."""
    tree = ast.parse(source)
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == catalogue for t in node.targets) for n in ast.walk(node.value)}
    # An operator's declared parameters are names (`inspection.notify` has a `leader` flag), not roles.
    skip |= {id(n) for node in ast.walk(tree) if isinstance(node, ast.Call) and _name(node.func) == "register"
             for keyword in node.keywords for n in ast.walk(keyword.value)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and any(_is_role(e) for e in node.elts):
            found.append((node.lineno, "role names grouped in a " + type(node).__name__.lower()))
        elif isinstance(node, ast.Call) and _name(node.func) in ROLE_CALLS and any(
                _is_role(a) for a in [*node.args, *(k.value for k in node.keywords)]):
            found.append((node.lineno, f"role name given to {_name(node.func)}()"))
        elif isinstance(node, ast.Assign) and _is_role(node.value):
            found.append((node.lineno, "a role name given a name of its own"))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_role(s) for s in sides) and any("role" in ast.unparse(s) for s in sides if not _is_role(s)):
                found.append((node.lineno, "role name compared with a role"))
    return found


def test_no_role_group_or_role_check_outside_the_permission_module():
    problems = []
    for path in sorted([*REPO_ROOT.glob("engine/**/*.py"), *REPO_ROOT.glob("webui/**/*.py")]):
        name = path.relative_to(REPO_ROOT).as_posix()
        if name == HOME or name in DATA or "/migrations/" in name:
            continue
        catalogue = CATALOGUE[1] if name == CATALOGUE[0] else None
        problems += [f"{name}:{line}: {what}" for line, what in offences(path.read_text(encoding="utf-8"), catalogue)]
    assert problems == [], "use a named check of engine/org/permissions.py instead:\n" + "\n".join(problems)


def test_the_scan_finds_what_it_looks_for():
    source = Path(REPO_ROOT / HOME).read_text(encoding="utf-8")
    assert len(offences(source)) >= 10  # the permission module itself is full of them
    assert [line for line, _ in offences('ROLES = ("clerk",)\nX = ["leader"]\n', "ROLES")] == [2]
    assert len(offences('user.has_role("clerk")\nlogin_required("system_admin")\nif role == "leader": pass\n'
                        'ADMIN = "process_admin"\n')) == 4
    assert offences('terms["leader" if corrected_by == "leader" else "office"]\nLABELS = {"clerk": "x"}\n') == []

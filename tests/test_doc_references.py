"""The files, tests and functions the documents cite as their evidence exist: a test renamed or a
function moved leaves no claim pointing at nothing."""
from __future__ import annotations

import re

import pytest

from engine.config import REPO_ROOT

DOCUMENTS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md")), REPO_ROOT / "docs" / "openapi.yaml"]
# Paths the documents tell a reader to write (docs/rulesets.md, "Making a new ruleset").
TO_BE_WRITTEN = {"tests/scenarios/test_tinh_moi.py", "processes/tinh-moi/ruleset.toml"}
_PATH = r"(?<![\w/.-])((?:tests|engine|webui|processes)/[\w./-]+\.(?:py|json|js|toml|bpmn|dmn|yaml|html)\b)"


def cited(text: str) -> list[tuple[str, str | None]]:
    """(path, the test or function named with it, if any): `tests/a.py::test_x`, and
    "`engine/a.py` `name`" — a path in backticks followed by names in backticks."""
    found = [(path, name or None) for path, name in re.findall(_PATH + r"(?:::(\w+))?", text)]
    for path, names in re.findall(r"`" + _PATH + r"` ((?:`\w+`(?:, )?)+)", text):
        found += [(path, name) for name in re.findall(r"`(\w+)`", names)]
    return found


def defines(path: str, name: str) -> bool:
    """Whether the file defines `name`: a function, a class, or a name assigned at any level."""
    source = (REPO_ROOT / path).read_text(encoding="utf-8")
    return re.search(rf"^\s*(?:async def|def|class) {name}\b|^\s*{name}\s*[:=]", source, flags=re.M) is not None


def test_the_citations_are_found():
    text = "(`engine/org/service.py` `move_below_successor`, `body_of`; tests/test_cli.py::test_users_create)"
    assert cited(text) == [("engine/org/service.py", None), ("tests/test_cli.py", "test_users_create"),
                           ("engine/org/service.py", "move_below_successor"), ("engine/org/service.py", "body_of")]
    assert defines("engine/org/service.py", "body_of") and not defines("engine/org/service.py", "read_as_sent")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(REPO_ROOT)))
def test_every_file_and_name_a_document_cites_exists(document):
    missing = []
    for path, name in cited(document.read_text(encoding="utf-8")):
        if path in TO_BE_WRITTEN:
            continue
        if not (REPO_ROOT / path).exists():
            missing.append(path)
        elif name and (REPO_ROOT / path).is_file() and not defines(path, name):
            missing.append(f"{path}: {name}")
    assert missing == []


def test_the_readme_links_every_document():
    """A newcomer finds every page of docs/ from README.md's list."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[\w.-]+)\)", readme))
    pages = {f"docs/{path.name}" for path in (REPO_ROOT / "docs").iterdir() if path.suffix in (".md", ".yaml")}
    assert sorted(pages - linked) == []

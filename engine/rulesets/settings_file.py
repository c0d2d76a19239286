"""`processes/<ruleset>/ruleset.toml` written back from a published version's settings, keeping
the file's comments (the articles of the regulation beside each number) and layout: only the
values that changed are replaced, removed keys dropped, new ones added at the end of their table.
Read with tomlkit, which keeps what tomllib throws away."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from engine.rulesets.disk import atomic_write
from engine.rulesets.loader import SETTINGS_FILE


def settings_path(processes_dir: str | Path, ruleset: str) -> Path:
    return Path(processes_dir) / ruleset / SETTINGS_FILE


def write_settings(processes_dir: str | Path, ruleset: str, settings: dict) -> bool:
    """Write `settings` into the ruleset's file when they differ from what it holds; whether it
    wrote. What is written is read back first: it must give exactly `settings`."""
    path = settings_path(processes_dir, ruleset)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text and tomllib.loads(text) == settings:
        return False
    document = tomlkit.parse(text)
    _merge(document, settings)
    written = tomlkit.dumps(document)
    if tomllib.loads(written) != settings:  # never write a file that would load as something else
        raise ValueError(f"{ruleset}/{SETTINGS_FILE}: the written file would not read back as the settings")
    atomic_write(path, written)
    return True


def _merge(container: Any, wanted: dict) -> None:
    """Make the table `container` hold `wanted`, touching only what differs."""
    for key in [key for key in container if key not in wanted]:
        del container[key]
    for key, value in wanted.items():
        current = container.get(key)
        if current == value:
            continue
        if isinstance(value, dict) and isinstance(current, Table | dict):
            _merge(current, value)
        elif _is_rows(value) and isinstance(current, AoT):
            _merge_rows(current, value)
        else:
            container[key] = value


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(row, dict) for row in value)


def _merge_rows(rows: AoT, wanted: list[dict]) -> None:
    """An array of tables ([[report_calendar]]): each kept entry keeps its comments."""
    while len(rows) > len(wanted):
        rows.remove(rows[-1])
    for index, row in enumerate(wanted):
        if index < len(rows):
            _merge(rows[index], row)
        else:
            rows.append(row)


def key_comments(processes_dir: str | Path, ruleset: str) -> dict[str, str]:
    """The comment beside each key of the ruleset's file ("deadlines.registration" -> "Đ.7 k.1:
    …"): the article a process admin needs to see when changing the number."""
    path = settings_path(processes_dir, ruleset)
    if not path.is_file():
        return {}
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except tomlkit.exceptions.ParseError:
        return {}
    found: dict[str, str] = {}
    _collect(document, "", found)
    return found


def _collect(container: Any, prefix: str, found: dict[str, str]) -> None:
    for key in container:
        item = container.item(key) if hasattr(container, "item") else container[key]
        path = f"{prefix}{key}"
        if isinstance(item, Table):
            _collect(item, path + ".", found)
        elif not isinstance(item, AoT):
            comment = item.trivia.comment.lstrip("#").strip()
            if comment:
                found[path] = comment

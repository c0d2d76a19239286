"""Process files on disk (processes/) stay the source of truth: the modeler reads a file's
disk state, and publishing a modeler version writes the changed files back.

Where a file goes: a ruleset file replaces the common file of the same path (see
loader.read_ruleset), so a modeler edit is written to `processes/<ruleset>/<path>` — an
override that changes only this ruleset. Only a draft whose admin explicitly chose the common
target ("all rulesets") writes `processes/common/<path>`.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from engine.rulesets.loader import COMMON, SETTINGS_FILE, read_ruleset

TARGETS = ("ruleset", "common")
SCENARIO_DIR = "scenarios/"  # a ruleset's process tests (engine.scenarios), versioned with it


def is_scenario_path(path: str) -> bool:
    return path.startswith(SCENARIO_DIR) and path.endswith(".toml") and "/" not in path[len(SCENARIO_DIR):]


FORM_DIR = "forms/"  # form definitions (engine.forms), edited in the form builder


def is_form_path(path: str) -> bool:
    return path.startswith(FORM_DIR) and path.endswith(".toml") and "/" not in path[len(FORM_DIR):]


def is_process_path(path: str) -> bool:
    """The files a draft edits and publishing writes where the loader reads them: diagrams and forms."""
    return path.endswith((".bpmn", ".dmn")) or is_form_path(path)


def scenario_files(files: dict[str, str]) -> dict[str, str]:
    """The scenario files of a bundle's `files`, by path."""
    return {path: text for path, text in sorted(files.items()) if is_scenario_path(path)}


@dataclass(frozen=True)
class DiskFile:
    """One process file as it is on disk now."""

    path: str
    text: str | None  # None: not on disk
    origin: str | None  # "ruleset" (an override), "common", or None

    @property
    def hash(self) -> str | None:
        return text_hash(self.text) if self.text is not None else None


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_path(path: str) -> str:
    """Refuse anything but a plain relative path inside the ruleset folder."""
    parts = Path(path).parts
    if not path or Path(path).is_absolute() or ".." in parts or not is_process_path(path):
        raise ValueError(f"not a process file path: {path!r}")
    return Path(path).as_posix()


def read_disk_file(processes_dir: str | Path, ruleset: str, path: str) -> DiskFile:
    """The file the loader would use for `path`: the ruleset's override, else the common one."""
    root = Path(processes_dir)
    for origin, folder in (("ruleset", root / ruleset), ("common", root / COMMON)):
        candidate = folder / safe_path(path)
        if candidate.is_file():
            return DiskFile(path, candidate.read_text(encoding="utf-8"), origin)
    return DiskFile(path, None, None)


def write_files(processes_dir: str | Path, ruleset: str, files: dict[str, str],
                common_paths: frozenset[str] = frozenset()) -> list[str]:
    """Write every process file (and scenario file) of `files` whose text differs from what the
    loader reads now. A process file the loader is to read from the common file (written there,
    or the common text already) leaves no override of the ruleset behind: the loader would read
    that instead, and no later change of the common file would reach the ruleset.
    Returns the written (or removed) paths (relative to processes/)."""
    root = Path(processes_dir)
    written = []
    for path, text in sorted(files.items()):
        if is_scenario_path(path):  # a ruleset's own test data: never common
            if _read(root / ruleset / path) == text:
                continue
            atomic_write(root / ruleset / path, text)
            written.append(f"{ruleset}/{path}")
        elif is_process_path(path) and read_disk_file(root, ruleset, path).text != text:
            override, common = root / ruleset / safe_path(path), root / COMMON / safe_path(path)
            if path in common_paths or _read(common) == text:
                if _read(common) != text:
                    atomic_write(common, text)
                    written.append(f"{COMMON}/{path}")
                if override.is_file():
                    override.unlink()
                    written.append(f"{ruleset}/{path}")
            else:
                atomic_write(override, text)
                written.append(f"{ruleset}/{path}")
    return written


@contextmanager
def all_or_nothing(processes_dir: str | Path, ruleset: str, paths: Iterable[str],
                   session: Session | None = None) -> Iterator[None]:
    """Writes inside that fail part-way (a full disk, a refused settings file) are undone: the
    ruleset's and the common files of `paths`, and ruleset.toml, are put back as they were, so
    that `ruleset load` never finds half a publish. With `session`, so are writes whose database
    transaction then rolls back (its commit failed): the disk never holds a version not in force."""
    root = Path(processes_dir)
    files = [root / ruleset / SETTINGS_FILE] + [root / folder / path for path in paths if is_process_path(path)
                                                 or is_scenario_path(path) for folder in (ruleset, COMMON)]
    before = {file: _read(file) for file in files}
    try:
        yield
    except BaseException:
        _put_back(before)
        raise
    if session is not None:
        committed: list[bool] = []
        event.listen(session, "after_commit", lambda _session: committed.append(True), once=True)

        def put_back_unless_committed(_session: Session) -> None:
            if not committed:
                _put_back(before)

        event.listen(session, "after_rollback", put_back_unless_committed, once=True)


def _put_back(before: dict[Path, str | None]) -> None:
    for file, text in before.items():
        if _read(file) != text:
            if text is None:
                file.unlink()
            else:
                atomic_write(file, text)


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def differing_files(processes_dir: str | Path, ruleset: str, files: dict[str, str],
                    settings: dict | None = None) -> list[str]:
    """Process files whose disk text differs from `files` (a stored version), and ruleset.toml
    when its settings differ from `settings`."""
    source = read_ruleset(processes_dir, ruleset)
    paths = {p for p in set(source.files) | set(files) if is_process_path(p)}
    differing = sorted(p for p in paths if source.files.get(p) != files.get(p))
    return differing + ([SETTINGS_FILE] if settings is not None and source.settings != settings else [])


def atomic_write(target: Path, text: str) -> None:
    """Write-then-rename, so a crash never leaves half a diagram for `ruleset load`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".modeler-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""The folder the document-management software drops edXML messages in (`edxml_inbox_dir`):
each tick imports every `*.edxml` (the name the hub's SDK saves a received message under) or
`*.xml` file there once, in the order they arrived, as the user `edxml_inbox_user`, and moves it
to done/ or, with `<name>.error.txt` saying why, to failed/ (a message received before, whose
file a killed scheduler had not moved, goes to done/: engine.exchange.received knows it). The
sender of a document refused for what it can mend is told why (02 or 16, received.refused).
Assignments for a new document may lie beside it as `<name>.json` (a JSON list, as in POST
/directives); they move with it. One without them waits for the office
(engine.exchange.received); a status about such a waiting document stays in the folder until it
is registered or dismissed.

Several schedulers may watch one folder (hosts sharing it): each message is first claimed by
renaming it into a folder of the pickup's own under processing/ (a rename is atomic: of two
schedulers one gets it, the other finds it gone and leaves it), and what a killed scheduler had
claimed goes back to the folder after CLAIM_LEASE."""
from __future__ import annotations

import contextlib
import json
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from engine import translation
from engine.directives.service import HEADER_FORM
from engine.errors import EngineError
from engine.exchange import received
from engine.imports import ImportFailed, edxml
from engine.org import service as org
from engine.rulesets.service import published_bundle

log = logging.getLogger(__name__)
MESSAGE_SUFFIXES = (".edxml", ".xml")
CLAIMS = "processing"
# A claim older than this is a killed scheduler's (importing one message takes seconds).
CLAIM_LEASE_SECONDS = 30 * 60
# A message that is not well-formed XML and was written to more recently than this may be one
# the hub's SDK is still writing: it is tried again on a later tick, not refused.
WRITING_SECONDS = 30
# A sidecar assignment's fields, named as the register page's assignment rows name them (English
# msgids of the catalogue); the directive's own fields are named by the register form's labels.
ASSIGNMENT_FIELDS = {"content": "Content", "lead_unit": "Lead unit", "coordinating_units": "Coordinating units",
                     "deadline": "Deadline (date)", "deadline_days": "Working days to the deadline",
                     "coordinating_deadline": "Coordinating units' deadline", "urgency": "Urgency"}
# The message's own fields the register form has not: its DueDate (hạn xử lý) gives each task's deadline.
MESSAGE_FIELDS = {"due_date": "Due date"}


@dataclass
class Pickup:
    imported: int = 0
    failed: int = 0


def import_folder(engine) -> Pickup:
    result = Pickup()
    folder = engine.settings.edxml_inbox_dir
    if not folder:
        return result
    inbox = Path(folder)
    with engine.db.session() as session:
        users = org.users_by_name(session, [engine.settings.edxml_inbox_user])
    if not users:
        raise RuntimeError(f"edxml_inbox_user '{engine.settings.edxml_inbox_user}' is not a user")
    _return_stale_claims(inbox)
    for arrived in _arrived(inbox):
        path = _claim(inbox, arrived)
        if path is None:  # another scheduler took it
            continue
        sidecar, data = path.with_suffix(".json"), path.read_bytes()
        try:
            items = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else []
            got = received.receive(engine, data, items, users[0], path.name)
        except (ImportFailed, EngineError, ValueError) as exc:
            if isinstance(exc, edxml.Malformed) and _fresh(path):  # the SDK is still writing it
                _move(path, sidecar, inbox, None)
                continue
            problems = _explain(exc, _field_names(engine))
            if _senders_to_mend(exc):  # before the move: a scheduler killed between them tells it on the retry
                received.refused(engine, data, " ".join(line.strip() for line in problems))
            _move(path, sidecar, inbox / "failed", "\n".join(problems) + "\n")
            result.failed += 1
            continue
        if got.action == received.WAITS:
            _move(path, sidecar, inbox, None)  # back to the folder, its time kept: tried again next tick
            continue
        _move(path, sidecar, inbox / "done", None)
        result.imported += 1
        log.info("edXML %s: %s%s", path.name, got.action, "" if got.changed else " before")
    return result


def _fresh(path: Path) -> bool:
    """Written to within the last WRITING_SECONDS (its time is kept through the claim's rename)."""
    return time.time() - path.stat().st_mtime < WRITING_SECONDS


def _claim(inbox: Path, path: Path) -> Path | None:
    """The message (and its assignments) moved into a claim folder of this pickup's own; None
    when another scheduler renamed it first."""
    room = inbox / CLAIMS / uuid.uuid4().hex
    room.mkdir(parents=True)
    try:
        path.rename(room / path.name)
    except FileNotFoundError:
        room.rmdir()
        return None
    sidecar = path.with_suffix(".json")
    with contextlib.suppress(FileNotFoundError):  # none came with it
        sidecar.rename(room / sidecar.name)
    return room / path.name


def _return_stale_claims(inbox: Path) -> None:
    """What a scheduler killed while importing had claimed goes back to the folder."""
    claims = inbox / CLAIMS
    if not claims.is_dir():
        return
    for room in claims.iterdir():
        with contextlib.suppress(FileNotFoundError):  # another scheduler returned it meanwhile
            if time.time() - room.stat().st_mtime < CLAIM_LEASE_SECONDS:
                continue
            for left in room.iterdir():
                left.rename(inbox / left.name)
            log.warning("edXML claim %s of a stopped scheduler returned to the folder", room.name)
        with contextlib.suppress(OSError):  # not empty: another scheduler is returning it too
            room.rmdir()


def _arrived(inbox: Path) -> list[Path]:
    """The messages in the order they arrived: files are named by document id, so by name an
    update or a recall that waited with its document (the scheduler stopped) came before it."""
    found = []
    for path in inbox.iterdir():
        with contextlib.suppress(FileNotFoundError):  # another scheduler claimed it meanwhile
            if path.suffix.lower() in MESSAGE_SUFFIXES and path.is_file():
                found.append((path.stat().st_mtime_ns, path.name, path))
    return [path for *_order, path in sorted(found)]


def _field_names(engine) -> dict[str, str]:
    """Field code → the name the register page gives it (an edXML element's own name stays)."""
    with engine.db.reading() as session:
        bundle = published_bundle(session, engine.ruleset)
    register = engine.compiled(bundle).forms[HEADER_FORM].fields if bundle else []
    return {**{code: translation.translate(msgid) for code, msgid in (ASSIGNMENT_FIELDS | MESSAGE_FIELDS).items()},
            **{f.name: f.label for f in register}}


def _explain(exc: Exception, names: dict[str, str]) -> list[str]:
    """Why, as the clerk and the sender read it, a line each: a refusal in the catalogue's words,
    naming each field as the register page does (a bad sidecar's system text as it is)."""
    first = translation.message(exc.message, exc.params) if isinstance(exc, EngineError) else str(exc)
    return [first, *("  " + (f"{names.get(e.field, e.field)}: " if e.field else "") + e.render(translation.translate)
                     for e in getattr(exc, "errors", []))]


def _senders_to_mend(exc: Exception) -> bool:
    """A refusal of the message itself (its header, its files, the document it names), which
    its sender is told; not one of the office's assignments beside it (a sidecar that is no
    JSON, a unit unknown), which the office mends and drops again."""
    return isinstance(exc, ImportFailed) and not any(
        e.field and (e.field in ASSIGNMENT_FIELDS or e.field.startswith("assignments")) for e in exc.errors)


def _move(path: Path, sidecar: Path, into: Path, error: str | None) -> None:
    """Out of its claim folder into `into` (done/, failed/ or the folder itself), which the
    claim folder is then without."""
    into.mkdir(exist_ok=True)
    if error is not None:
        (into / f"{path.name}.error.txt").write_text(error, encoding="utf-8")
    if sidecar.exists():
        sidecar.replace(into / sidecar.name)
    path.replace(into / path.name)
    path.parent.rmdir()

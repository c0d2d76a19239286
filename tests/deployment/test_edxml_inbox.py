"""Two schedulers watching one edXML folder (two hosts sharing it, or a second one started by
mistake) import each message once: a message is claimed by renaming it, so the one that loses
the rename leaves it alone, and what a killed scheduler had claimed comes back to the folder."""
from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import func, select

from engine.directives.models import Directive
from tests.deployment.harness import DEPARTMENTS

MESSAGE = (Path(__file__).parent.parent / "fixtures" / "edxml" / "document_new.xml").read_bytes()
COUNT = 24


def _drop(inbox: Path, number: int) -> None:
    """Document `number`/QĐ-UBND with its assignments beside it, as the hub's SDK saves it."""
    name = f"000.00.00.H17-{number:07d}"
    (inbox / f"{name}.json").write_text(json.dumps(
        [{"content": f"Triển khai văn bản số {number}", "lead_unit": DEPARTMENTS[number % len(DEPARTMENTS)]}]),
        encoding="utf-8")
    (inbox / f"{name}.edxml").write_bytes(MESSAGE.replace(b">318<", f">{number}<".encode())
                                          .replace(b"0000318<", f"{number:07d}<".encode()))


def _pending(inbox: Path) -> list[str]:
    return [p.name for p in inbox.rglob("*.edxml") if p.parent.name not in ("done", "failed")]


def _wait_for_empty(inbox: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while _pending(inbox):
        if time.monotonic() > deadline:
            raise AssertionError(f"still in the folder: {_pending(inbox)}")
        time.sleep(0.2)


def test_two_schedulers_import_each_message_of_a_shared_folder_once(deployment, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    deployment.env.update(DONDOC_EDXML_INBOX_DIR=str(inbox), DONDOC_EDXML_INBOX_USER="clerk")
    for number in range(1, COUNT + 1):
        _drop(inbox, number)
    deployment.start_scheduler("first")
    deployment.start_scheduler("second")
    _wait_for_empty(inbox)
    time.sleep(2)  # a tick more of each: nothing left to take
    deployment.stop("first")
    deployment.stop("second")
    with deployment.engine.db.session() as s:
        symbols = s.scalars(select(Directive.symbol)).all()
        assert s.scalar(select(func.count(Directive.id))) == COUNT
    assert sorted(symbols) == sorted(f"{n}/QĐ-UBND" for n in range(1, COUNT + 1))
    assert not (inbox / "failed").exists(), sorted(p.name for p in (inbox / "failed").iterdir())
    assert len(list((inbox / "done").glob("*.edxml"))) == len(list((inbox / "done").glob("*.json"))) == COUNT
    logs = deployment.log("first") + deployment.log("second")
    assert "Traceback" not in logs, logs[-3000:]

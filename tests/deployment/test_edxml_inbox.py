"""Two schedulers watching one edXML folder (two hosts sharing it, or a second one started by
mistake) import each message once: a message is claimed by renaming it, so the one that loses
the rename leaves it alone, and what a killed scheduler had claimed comes back to the folder and
is known as received when its import had committed."""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from sqlalchemy import func, select

from engine.directives.models import Directive
from engine.exchange import inbox as inbox_module
from engine.exchange.models import ReceivedDocument
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


def _without_document_id(number: int) -> bytes:
    return re.sub(rb"<edXML:DocumentId>[^<]*</edXML:DocumentId>", b"",
                  MESSAGE.replace(b">318<", f">{number}<".encode()))


def _claimed(inbox: Path) -> list[Path]:
    return list((inbox / inbox_module.CLAIMS).rglob("*.edxml")) if (inbox / inbox_module.CLAIMS).exists() else []


def test_a_message_imported_by_a_scheduler_killed_before_moving_it_is_not_refused_nor_imported_twice(
        deployment, tmp_path):
    """A scheduler imports three messages and is killed -9 before moving them (it could not:
    done/ is no folder): one with a DocumentId, one without, one without assignments (kept for
    the office). Once their claims run out, another scheduler takes them again: each goes to
    done/ as received before. It refused the first as "registered already" to failed/,
    registered the second twice and kept the third twice."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "done").write_text("not a folder")
    deployment.env.update(DONDOC_EDXML_INBOX_DIR=str(inbox), DONDOC_EDXML_INBOX_USER="clerk")
    tasks = json.dumps([{"content": "Triển khai văn bản", "lead_unit": DEPARTMENTS[0]}])
    (inbox / "000.00.00.H17-0000318.edxml").write_bytes(MESSAGE)
    (inbox / "000.00.00.H17-0000318.json").write_text(tasks, encoding="utf-8")
    (inbox / "khong-ma-401.edxml").write_bytes(_without_document_id(401))
    (inbox / "khong-ma-401.json").write_text(tasks, encoding="utf-8")
    (inbox / "khong-ma-402.edxml").write_bytes(_without_document_id(402))
    deployment.start_scheduler("first")
    deadline = time.monotonic() + 120
    # each claimed and its import committed (a claim comes before its import)
    while len(_claimed(inbox)) < 3 or _counts(deployment) != (["318/QĐ-UBND", "401/QĐ-UBND"], 1):
        assert time.monotonic() < deadline, deployment.log("first")[-3000:]
        time.sleep(0.2)
    deployment.kill("first")
    (inbox / "done").unlink()
    lease_over = time.time() - inbox_module.CLAIM_LEASE_SECONDS - 60
    for room in (inbox / inbox_module.CLAIMS).iterdir():
        os.utime(room, (lease_over, lease_over))
    deployment.start_scheduler("second")
    _wait_for_empty(inbox)
    deployment.stop("second")
    assert not (inbox / "failed").exists(), [p.read_text() for p in (inbox / "failed").glob("*.txt")]
    assert sorted(p.name for p in (inbox / "done").iterdir()) == [
        "000.00.00.H17-0000318.edxml", "000.00.00.H17-0000318.json", "khong-ma-401.edxml", "khong-ma-401.json",
        "khong-ma-402.edxml"]
    assert _counts(deployment) == (["318/QĐ-UBND", "401/QĐ-UBND"], 1)
    assert "Traceback" not in deployment.log("second"), deployment.log("second")[-3000:]


def _counts(deployment) -> tuple[list[str], int]:
    """The directives' symbols and the number of documents kept for the office."""
    with deployment.engine.db.session() as s:
        return sorted(s.scalars(select(Directive.symbol))), s.scalar(select(func.count(ReceivedDocument.id)))

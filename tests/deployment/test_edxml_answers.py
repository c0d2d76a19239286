"""The answers the office owes a document's sender, through a running deployment: the scheduler
takes a sender's recall request (13) and a message it must refuse from the watched folder; the
clerk accepts the request over the API of `dondoc serve` (a retry with the same key answers
the same, a second answer 409); the scheduler, restarted between the steps, delivers 15 and 02
to the hub once each (engine.exchange.recalls, engine.exchange.received.refused), 02 also for a
message that is not well-formed XML (a bare "&"), delivered twice."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from sqlalchemy import select

from engine.directives.models import Directive, DirectiveStatus
from engine.exchange.models import RecallRequest
from engine.org import service as org
from tests.api.test_edxml_recall_requests import recall_request
from tests.deployment.harness import DEPARTMENTS
from tests.fakehub import FakeHub

NEW = (Path(__file__).parent.parent / "fixtures" / "edxml" / "document_new.xml").read_bytes()
# Another document (325) whose DueDate is no date: refused to failed/, its sender told.
BAD_DUE = NEW.replace(b">318<", b">325<").replace(b"0000318<", b"0000325<").replace(
    b"<edXML:DueDate>31/03/2026", b"<edXML:DueDate>31/13/2026")


# A message with a bare "&" in its text (not well-formed XML): refused to failed/, its sender told 02 once.
AMPERSAND = (Path(__file__).parent.parent / "fixtures" / "edxml" / "document_sdk_ampersand.xml").read_bytes()


def _written_long_ago(path: Path, data: bytes) -> None:
    """A message the hub's SDK finished writing (one not well-formed is left while it may still be written)."""
    path.write_bytes(data)
    written = time.time() - 60
    os.utime(path, (written, written))


def _wait(condition, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _requests(deployment) -> list[RecallRequest]:
    with deployment.engine.db.session() as s:
        rows = list(s.scalars(select(RecallRequest)))
        s.expunge_all()
        return rows


def test_a_recall_request_and_a_refused_message_are_answered_once_across_restarts(deployment, tmp_path):
    hub = FakeHub()
    try:
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        # the first scheduler is killed while it may hold its claim on the 02 it is sending: that claim
        # runs out in 2 s, not the default 120 (the hub keeps a message once by its X-Message-Id)
        deployment.env.update(DONDOC_EDXML_INBOX_DIR=str(inbox), DONDOC_EDXML_INBOX_USER="clerk",
                              DONDOC_EDXML_STATUS_ENDPOINT=hub.url, DONDOC_EDXML_STATUS_LEASE_SECONDS="2")
        with deployment.engine.db.session() as s:
            org.set_agency_code(s, "VP", "000.00.01.H17")
        (inbox / "0000318.edxml").write_bytes(NEW)
        (inbox / "0000318.json").write_text(json.dumps([{"content": "Báo cáo", "lead_unit": DEPARTMENTS[0]}]),
                                            encoding="utf-8")
        deployment.start_scheduler("first")
        _wait(lambda: hub.codes() == ["01", "03"], "01 and 03 of 318/QĐ-UBND")
        (inbox / "0000318-13.edxml").write_bytes(recall_request())
        (inbox / "0000325.edxml").write_bytes(BAD_DUE)
        _written_long_ago(inbox / "1560.edxml", AMPERSAND)
        _wait(lambda: _requests(deployment) and (inbox / "failed" / "0000325.edxml").exists()
              and (inbox / "failed" / "1560.edxml").exists(), "the folder taken")
        deployment.kill("first")
        (inbox / "0000325-again.edxml").write_bytes(BAD_DUE)  # the hub delivering it again
        _written_long_ago(inbox / "1560-again.edxml", AMPERSAND)

        deployment.start_web()
        clerk = deployment.client("clerk")
        [listed] = clerk.send("GET", "/imports/edxml/recall-requests").body["items"]
        assert (listed["sender"]["name"], listed["directive"]["symbol"]) == ("Ủy ban nhân dân tỉnh Đắk Lắk",
                                                                             "318/QĐ-UBND")
        path = f"/imports/edxml/recall-requests/{listed['id']}"
        first = clerk.send("POST", path, key="give-back-318", json={"answer": "accept"})
        again = clerk.send("POST", path, key="give-back-318", json={"answer": "accept"})
        assert (first.status, again.status, again.body) == (200, 200, first.body)
        assert clerk.send("POST", path, json={"answer": "refuse", "reason": "Giữ lại"}).status == 409
        deployment.stop("web")

        deployment.start_scheduler("second")
        failed = inbox / "failed"
        _wait(lambda: hub.codes() == ["01", "02", "02", "03", "15"] and (failed / "0000325-again.edxml").exists()
              and (failed / "1560-again.edxml").exists(), "15 and the two 02 delivered")
        time.sleep(3)  # three more ticks: nothing more to send
        deployment.stop("second")
        assert hub.codes() == ["01", "02", "02", "03", "15"]
        with deployment.engine.db.session() as s:
            assert s.scalar(select(Directive.status).where(Directive.symbol == "318/QĐ-UBND")) == \
                DirectiveStatus.REVOKED
        assert "Traceback" not in deployment.log("first") + deployment.log("second") + deployment.log("web")
    finally:
        hub.close()

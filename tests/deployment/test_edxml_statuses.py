"""Status messages for an edXML document's sender reach the hub exactly once each, though the
hub fails at first and the scheduler sending them is killed and started again. A sender killed
between the hub's answer and its own commit sends the same message again under the same
X-Message-Id, which the hub keeps once; this test kills after the commit, so nothing follows."""
from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from engine.exchange import received
from engine.exchange.models import StatusMessage
from engine.org import service as org
from tests.deployment.harness import DEPARTMENTS
from tests.fakehub import FakeHub

MESSAGE = (Path(__file__).parent.parent / "fixtures" / "edxml" / "document_new.xml").read_bytes()


def _wait(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _delivered(deployment) -> bool:
    with deployment.engine.db.session() as s:
        return all(s.scalars(select(StatusMessage.delivered_at)).all())


def test_each_status_reaches_the_hub_once_across_a_restart(deployment):
    hub = FakeHub()
    try:
        deployment.env["DONDOC_EDXML_STATUS_ENDPOINT"] = hub.url
        deployment.env["DONDOC_EDXML_STATUS_LEASE_SECONDS"] = "2"  # a killed sender's claim runs out soon
        with deployment.engine.db.session() as s:
            org.set_agency_code(s, "VP", "000.00.01.H17")
            clerk = org.users_by_name(s, ["clerk"])[0]
        received.receive(deployment.engine, MESSAGE, [{"content": "Báo cáo", "lead_unit": DEPARTMENTS[0]}], clerk,
                         "message.edxml")
        hub.failing = True
        deployment.start_scheduler("first")
        _wait(lambda: hub.posts, "a first try")
        deployment.kill("first")
        hub.failing = False
        deployment.clock.set(deployment.clock.now() + timedelta(minutes=2))  # past the backoff
        deployment.start_scheduler("second")
        _wait(lambda: len(hub.kept) == 2 and _delivered(deployment), "the delivery, recorded")
        deployment.kill("second")
        posted = list(hub.posts)
        deployment.start_scheduler("third")
        time.sleep(3)  # three ticks of a scheduler that must find nothing to send
        deployment.stop("third")
        assert hub.codes() == ["01", "03"]
        # each refused at most once, then kept; none after
        assert hub.posts == posted and all(posted.count(m) <= 2 for m in posted), hub.posts
        assert len(set(posted)) == 2 and len(posted) > 2, hub.posts
        assert "Traceback" not in deployment.log("second") + deployment.log("third")
    finally:
        hub.close()

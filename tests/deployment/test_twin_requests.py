"""The same creating call sent twice at the same moment (two clients, or a double-click reaching
two workers) to the production server: one applies it, the other gets the answer it would get
coming second — never a 5xx, never two of anything."""
from __future__ import annotations

import functools
import json
import threading
from pathlib import Path

import requests
from sqlalchemy import func, select

from engine.directives.models import Directive
from engine.exchange.models import MessageReceipt, ReceivedDocument
from tests.deployment.harness import DEPARTMENTS, Deployment

MESSAGE = (Path(__file__).parent.parent / "fixtures" / "edxml" / "document_new.xml").read_bytes()
ROUNDS, TWINS = 12, 3


def _message(number: int) -> bytes:
    return MESSAGE.replace(b">318<", f">{number}<".encode()).replace(b"0000318<", f"{number:07d}<".encode())


def _at_once(calls: list) -> list[requests.Response]:
    """Each call in a thread of its own, all let go at the same moment."""
    barrier, answers = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers  # type: ignore[return-value]


def _serve(deployment: Deployment) -> str:
    return deployment.start_web(workers=3) + "/api/v1"


def test_the_same_edxml_message_posted_twice_at_once_registers_once_and_the_twin_is_received_before(deployment):
    api = _serve(deployment)
    headers = {"Authorization": f"Bearer {deployment.tokens['clerk']}"}

    def post(data: bytes, assignments: str):
        return lambda: requests.post(f"{api}/imports/edxml", headers=headers, timeout=60,
                                     files={"file": ("van-ban.edxml", data)}, data={"assignments": assignments})

    for number in range(1, ROUNDS + 1):  # with its tasks: registered, or without: kept for the office
        assignments = json.dumps([{"content": f"Triển khai văn bản số {number}", "lead_unit": DEPARTMENTS[0]}]
                                 if number % 2 else [])
        answers = _at_once([post(_message(number), assignments) for _ in range(TWINS)])
        seen = [(a.status_code, a.text[:300]) for a in answers]
        first = [a.json() for a in answers if a.status_code == (201 if number % 2 else 202) and a.json().get("changed",
                                                                                                             True)]
        twins = [a.json() for a in answers if a.status_code in (200, 202) and a.json().get("changed") is False]
        assert len(first) == 1 and len(twins) == TWINS - 1, seen
        for twin in twins:  # what a call coming second gets: received before, the same directive or document
            if number % 2:
                assert (twin["action"], twin["directive"]["id"]) == ("registered", first[0]["id"]), seen
            else:
                assert (twin["action"], twin["received"]["id"]) == ("kept", first[0]["received"]["id"]), seen
    with deployment.engine.db.reading() as s:
        assert s.scalar(select(func.count(Directive.id))) == (ROUNDS + 1) // 2
        assert s.scalar(select(func.count(ReceivedDocument.id))) == ROUNDS // 2
        assert s.scalar(select(func.count(MessageReceipt.id))) == ROUNDS
    assert "Traceback" not in deployment.log("web"), deployment.log("web")[-3000:]


def test_a_waiting_document_registered_twice_at_once_is_registered_once_and_the_twin_refused(deployment):
    """The clerk's double-click on registering a document from the hub: one directive, a 409 for the other."""
    api = _serve(deployment)
    headers = {"Authorization": f"Bearer {deployment.tokens['clerk']}"}
    for number in range(1, ROUNDS // 2 + 1):
        kept = requests.post(f"{api}/imports/edxml", headers=headers, timeout=60,
                             files={"file": ("van-ban.edxml", _message(number))}, data={"assignments": "[]"})
        assert kept.status_code == 202, kept.text
        url = f"{api}/imports/edxml/received/{kept.json()['received']['id']}"
        body = {"assignments": [{"content": f"Triển khai văn bản số {number}", "lead_unit": DEPARTMENTS[1]}]}
        answers = _at_once([functools.partial(requests.post, url, headers=headers, json=body, timeout=60)] * TWINS)
        seen = [(a.status_code, a.text[:300]) for a in answers]
        assert sorted(a.status_code for a in answers) == [201] + [409] * (TWINS - 1), seen
    with deployment.engine.db.reading() as s:
        assert s.scalar(select(func.count(Directive.id))) == ROUNDS // 2
    assert "Traceback" not in deployment.log("web"), deployment.log("web")[-3000:]

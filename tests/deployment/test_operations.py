"""The production server's metrics and logs as operators get them: what three gunicorn workers
and the scheduler child of `dondoc serve` counted is all in one scrape (multiprocess mode), and
every line they write — gunicorn's own included — is one JSON object, a request's lines under its
id and a scheduler tick's under the tick's."""
from __future__ import annotations

import json
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.deployment.harness import START, settle

TOKEN = "deployment-scrape-token"


def test_one_scrape_counts_every_process_and_every_line_is_json(deployment, smtp):
    deployment.env.update({"DONDOC_LOG_FORMAT": "json", "DONDOC_METRICS_TOKEN": TOKEN})
    deployment.start_web(workers=3, scheduler=True)
    ids = []
    for n in range(30):  # new connections: gunicorn hands them to all three workers
        answer = requests.get(f"{deployment.base}/livez", headers={"X-Request-Id": f"probe-{n}"}, timeout=10)
        assert answer.status_code == 200
        ids.append(answer.headers["X-Request-Id"])
    assert ids == [f"probe-{n}" for n in range(30)]
    deployment.register(deployment.base, 1)
    deployment.clock.set(START + timedelta(days=2))  # the first reminder is due: the scheduler mails it
    settle(deployment, smtp)
    assert smtp.inbox.messages

    scraped = requests.get(f"{deployment.base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert scraped.status_code == 200
    samples = [sample for family in text_string_to_metric_families(scraped.text) for sample in family.samples]
    probes = [s.value for s in samples if s.name == "dondoc_http_requests_total" and s.labels["route"] == "/livez"]
    assert sum(probes) == 30
    sent = [s.value for s in samples if s.name == "dondoc_mails_total" and s.labels["outcome"] == "sent"]
    assert sent == [len(smtp.inbox.messages)]  # counted by the scheduler child
    deployment.stop_web()
    lines = [json.loads(line) for line in deployment.log("web").splitlines() if line.strip()]
    answered = {line["request_id"] for line in lines if line["logger"] == "dondoc.http"}
    assert answered >= set(ids)
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)
    assert any((line["request_id"] or "").startswith("tick-") for line in lines)


def _replaced(deployment, old: set[int], workers: int) -> None:
    """Wait until gunicorn has `workers` workers again, none of them in `old`."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = set(deployment.web_workers())
        if len(now) == workers and not now & old:
            return
        time.sleep(0.2)
    raise AssertionError(f"the workers {old} were not replaced:\n{deployment.log('web')[-3000:]}")


def test_a_worker_ending_leaves_the_others_their_metrics_folder(deployment):
    """The old workers ending after a reload (SIGHUP), or one aborted (SIGABRT, what gunicorn
    sends a worker past the request timeout, which then exits), each removed the server's metrics
    folder on its way out: they had inherited it from the master with its clean-up. Every
    request of every worker then answered 500 until the server was restarted."""
    deployment.start_web(workers=2)
    clerk = deployment.client("clerk")
    assert clerk.send("GET", "/directives").status == 200
    before = set(deployment.web_workers())
    os.kill(deployment.processes["web"].pid, signal.SIGHUP)
    _replaced(deployment, before, 2)
    assert [clerk.send("GET", "/directives").status for _ in range(6)] == [200] * 6
    [aborted, *_] = deployment.web_workers()
    os.kill(aborted, signal.SIGABRT)
    _replaced(deployment, {aborted}, 2)
    assert [clerk.send("GET", "/directives").status for _ in range(6)] == [200] * 6
    # the folder of the files the workers have mapped (other servers' folders may be in /tmp too); the
    # last requests may all have gone to one of the two, and a worker maps its files at its first request
    maps = [word for pid in deployment.web_workers() for word in Path(f"/proc/{pid}/maps").read_text().split()]
    [folder] = {Path(word).parent for word in maps if "/dondoc-metrics-" in word}
    deployment.stop_web()
    assert not folder.exists()  # the server's own folder goes with it
    assert "Traceback" not in deployment.log("web")

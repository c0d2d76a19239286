"""The production server's metrics and logs as operators get them: requests answered by three
gunicorn workers are all counted in one scrape (multiprocess mode), and every line the server
writes — gunicorn's own included — is one JSON object, a request's lines under its id."""
from __future__ import annotations

import json

import requests
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "deployment-scrape-token"


def test_one_scrape_counts_every_worker_and_every_line_is_json(deployment):
    deployment.env.update({"DONDOC_LOG_FORMAT": "json", "DONDOC_METRICS_TOKEN": TOKEN})
    deployment.start_web(workers=3)
    ids = []
    for n in range(30):  # new connections: gunicorn hands them to all three workers
        answer = requests.get(f"{deployment.base}/livez", headers={"X-Request-Id": f"probe-{n}"}, timeout=10)
        assert answer.status_code == 200
        ids.append(answer.headers["X-Request-Id"])
    assert ids == [f"probe-{n}" for n in range(30)]
    scraped = requests.get(f"{deployment.base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert scraped.status_code == 200
    counted = sum(sample.value for family in text_string_to_metric_families(scraped.text)
                  for sample in family.samples
                  if sample.name == "dondoc_http_requests_total" and sample.labels["route"] == "/livez")
    assert counted == 30
    deployment.stop_web()
    lines = [json.loads(line) for line in deployment.log("web").splitlines() if line.strip()]
    answered = {line["request_id"] for line in lines if line["logger"] == "dondoc.http"}
    assert answered >= set(ids)
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)

"""/metrics scraped after a request, an engine step, a timer and a mail: every metric of
docs/operations.md is there, with the values those events give it; who may scrape."""
from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from engine import clock as clock_module
from engine.runtime.models import Incident
from engine.scheduler.service import tick
from tests.scheduler.conftest import start_urging
from tests.scheduler.test_mail import vn
from webui.app import create_app

TOKEN = "scrape-token-for-tests"
METRICS = {"dondoc_http_requests_total", "dondoc_http_request_duration_seconds_bucket",
           "dondoc_engine_step_duration_seconds_count", "dondoc_engine_step_duration_seconds_bucket",
           "dondoc_engine_step_cpu_seconds_total", "dondoc_engine_step_workflows_total",
           "dondoc_incidents_open", "dondoc_timers_due", "dondoc_timers_late", "dondoc_timers_oldest_due_seconds",
           "dondoc_mail_outbox_backlog", "dondoc_edxml_status_outbox_backlog", "dondoc_mails_total"}


def scrape(client) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_after_a_request_a_step_a_timer_and_a_mail(urging, smtp, clock):
    urging.settings.metrics_token = TOKEN
    client = create_app(urging).test_client()
    before = scrape(client)  # the counters are the process's: compare with these

    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05")  # an engine step; its reminder falls due on 4/3 at 8:00
    assert client.get("/healthz").status_code == 200
    clock.set(vn(2026, 3, 4, 8, 5))
    due = scrape(client)
    assert value(due, "dondoc_http_requests_total", route="/healthz", method="GET", status="200") \
        == value(before, "dondoc_http_requests_total", route="/healthz", method="GET", status="200") + 1
    assert value(due, "dondoc_http_request_duration_seconds_count", route="/healthz", method="GET") >= 1
    steps = value(due, "dondoc_engine_step_duration_seconds_count", purpose="urging")
    assert steps == value(before, "dondoc_engine_step_duration_seconds_count", purpose="urging") + 1
    assert value(due, "dondoc_timers_due") == 1
    assert value(due, "dondoc_timers_late") == 1  # five minutes late, the interval being one
    assert value(due, "dondoc_timers_oldest_due_seconds") == 300

    with urging.db.session() as s:
        s.add(Incident(instance_id=1, error="thử", created_at=clock_module.now()))
    assert tick(urging).mail_sent == 1  # the timer fires (a step) and its reminder goes out
    after = scrape(client)
    assert {name for name, _labels in after} >= METRICS
    assert value(after, "dondoc_engine_step_duration_seconds_count", purpose="urging") == steps + 1
    cpu = "dondoc_engine_step_cpu_seconds_total"  # the thread's CPU in the call that ran it
    assert value(after, cpu, call="fire_due_batch") > value(due, cpu, call="fire_due_batch")
    assert value(due, cpu, call="start") > value(before, cpu, call="start")  # start_urging's step
    kept = "dondoc_engine_step_workflows_total"  # the timer's step ran on the workflow its start kept
    assert value(after, kept, source="kept") == value(before, kept, source="kept") + 1
    assert value(after, "dondoc_mails_total", outcome="sent") == value(before, "dondoc_mails_total", outcome="sent") + 1
    assert value(after, "dondoc_timers_due") == value(after, "dondoc_mail_outbox_backlog") == 0
    assert value(after, "dondoc_incidents_open") == 1
    assert value(after, "dondoc_edxml_status_outbox_backlog") == 0


def test_only_the_token_or_a_listed_address_may_scrape(urging):
    settings = urging.settings
    client = create_app(urging).test_client()
    assert client.get("/metrics").status_code == 404  # neither set: nobody
    settings.metrics_token = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    settings.metrics_token = ""
    settings.metrics_addresses = "10.0.0.0/8, 192.168.1.7"
    assert client.get("/metrics").status_code == 404  # the test client is 127.0.0.1
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.20.30.40"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.168.1.7"}).status_code == 200
    # X-Forwarded-For is not believed here: anyone could send it
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 404


def test_a_bad_address_list_stops_the_start(urging):
    urging.settings.metrics_addresses = "10.0.0.0/33"
    with pytest.raises(ValueError, match="metrics_addresses"):
        create_app(urging)

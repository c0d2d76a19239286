"""Prometheus metrics (prometheus_client), in two kinds, chosen by what each one measures:

- Events counted where they happen (requests, their latency, engine steps, mails sent or
  failed): a process's counters and histograms. Under the production server every gunicorn
  worker and the scheduler are separate processes, so these use prometheus_client's
  multiprocess mode: each process writes its values to files in one folder
  (PROMETHEUS_MULTIPROC_DIR) and a scrape of any worker adds up the folder.
- States of the deployment (open incidents, timers due and late, the mail and edXML status
  outboxes): gauges computed from the database at scrape time. They are right however many
  processes or hosts run, need no process to have seen the change, and every host reports the
  same value (aggregate them with max(), not sum()).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from engine import clock
from engine.exchange.models import StatusMessage
from engine.notifications.models import EmailStatus, MailDigest, Notification
from engine.runtime.models import Incident, IncidentStatus, InstanceStatus, WorkflowInstance

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# Every metric here has labels: a labelled metric creates its values on first use, which is
# after `use_folder` switched the process to multiprocess values (see there).
_PROCESS = CollectorRegistry()
HTTP_REQUESTS = Counter("dondoc_http_requests", "HTTP requests answered, by route template, method and status.",
                        ["route", "method", "status"], registry=_PROCESS)
HTTP_SECONDS = Histogram("dondoc_http_request_duration_seconds", "Time to answer an HTTP request, by route template.",
                         ["route", "method"], buckets=_LATENCY_BUCKETS, registry=_PROCESS)
STEP_SECONDS = Histogram("dondoc_engine_step_duration_seconds",
                         "Engine steps run (count) and their duration, by the process's purpose.",
                         ["purpose"], buckets=_LATENCY_BUCKETS, registry=_PROCESS)
MAILS = Counter("dondoc_mails", "Mails handed to the SMTP server (outcome=sent) or given up on a try (failed).",
                ["outcome"], registry=_PROCESS)


def use_folder(folder: str) -> None:
    """Count in multiprocess mode, in `folder`, from now on in this process and the processes it
    starts or forks. prometheus_client chooses its value class from the environment when it is
    imported; the server decides on the folder later (after reading its settings), so the
    choice is made again here, before any metric value exists."""
    os.environ[MULTIPROCESS_ENV] = folder
    values.ValueClass = values.get_value_class()


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_SECONDS.labels(route, method).observe(seconds)


def observe_step(purpose: str, seconds: float) -> None:
    STEP_SECONDS.labels(purpose).observe(seconds)


def count_mails(sent: int, failed: int) -> None:
    MAILS.labels("sent").inc(sent)
    MAILS.labels("failed").inc(failed)


def exposition(engine) -> bytes:
    """The text a scrape gets: this host's processes' counters, then the database's gauges."""
    if os.environ.get(MULTIPROCESS_ENV):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = _PROCESS
    state = CollectorRegistry()
    state.register(DeploymentState(engine))
    return generate_latest(processes) + generate_latest(state)


class DeploymentState:
    """Gauges read from the database at each scrape."""

    def __init__(self, engine):
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        now = clock.now()
        late_before = now - timedelta(seconds=self.engine.settings.scheduler_interval_seconds)
        due = WorkflowInstance.next_timer_due
        with self.engine.db.reading() as s:
            incidents = s.scalar(select(func.count()).where(Incident.status == IncidentStatus.OPEN))
            # strictly before, as the scheduler's own query: a timer fires once its moment has passed
            timers_due, timers_late, oldest = s.execute(
                select(func.count(), func.count().filter(due < late_before), func.min(due))
                .where(WorkflowInstance.status == InstanceStatus.RUNNING, due < now)).one()
            mails = sum(s.scalar(select(func.count()).where(model.email_status == EmailStatus.PENDING)) or 0
                        for model in (Notification, MailDigest))
            statuses = s.scalar(select(func.count()).where(StatusMessage.delivered_at.is_(None)))
        yield _gauge("dondoc_incidents_open", "Incidents not yet resolved.", incidents)
        yield _gauge("dondoc_timers_due", "Running workflows with a timer whose moment has passed.", timers_due)
        yield _gauge("dondoc_timers_late", "Of those, timers due for longer than one scheduler interval.", timers_late)
        yield _gauge("dondoc_timers_oldest_due_seconds", "How long the oldest due timer has waited (0: none).",
                     (now - oldest).total_seconds() if oldest else 0)
        yield _gauge("dondoc_mail_outbox_backlog", "Mails waiting to be sent (immediate mails and digests).", mails)
        yield _gauge("dondoc_edxml_status_outbox_backlog", "edXML status messages not yet delivered to the hub.",
                     statuses)


def _gauge(name: str, documentation: str, value) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value or 0))

"""What a scrape of /metrics gets: this host's processes' counters (engine/metrics.py) and the
deployment's state, as gauges computed from the database at scrape time (open incidents,
timers due and late, the mail and edXML status outboxes). Gauges of state are right however
many processes or hosts run, need no process to have seen the change, and every host reports
the same value (aggregate them with max(), not sum()).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select

from engine import clock, metrics
from engine.exchange.models import StatusMessage
from engine.notifications.models import EmailStatus, MailDigest, Notification
from engine.runtime.models import Incident, IncidentStatus, InstanceStatus, WorkflowInstance

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def exposition(engine) -> bytes:
    """The text a scrape gets: this host's processes' counters, then the database's gauges."""
    state = CollectorRegistry()
    state.register(DeploymentState(engine))
    return generate_latest(metrics.events()) + generate_latest(state)


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

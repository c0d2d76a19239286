"""The counters and histograms of events, kept by each process where the event happens
(requests, their latency, engine steps, mails sent or failed), with prometheus_client.

Under the production server every gunicorn worker and the scheduler are separate processes, so
these use prometheus_client's multiprocess mode there: each process writes its values to files
in one folder (PROMETHEUS_MULTIPROC_DIR) and a scrape adds the folder up
(engine/operations/metrics.py, which adds the deployment's state read from the database).
"""
from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, values
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
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
STEP_CPU = Counter("dondoc_engine_step_cpu_seconds",
                   "CPU time of the threads running the engine's stepping calls (lock, load, run, save, and the "
                   "commit of a call's own transaction), by call.", ["call"], registry=_PROCESS)
STEP_WORKFLOWS = Counter("dondoc_engine_step_workflows",
                         "Where the workflow a step ran on came from: kept by the worker from its last step of the "
                         "instance (kept), or loaded from the row's state (loaded).", ["source"], registry=_PROCESS)
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


def count_step_cpu(call: str, seconds: float) -> None:
    STEP_CPU.labels(call).inc(seconds)


def count_step_workflow(kept: bool) -> None:
    STEP_WORKFLOWS.labels("kept" if kept else "loaded").inc()


def count_mails(sent: int, failed: int) -> None:
    MAILS.labels("sent").inc(sent)
    MAILS.labels("failed").inc(failed)


def events() -> CollectorRegistry:
    """What this host's processes counted: the multiprocess folder's sum, or this process's own."""
    if not os.environ.get(MULTIPROCESS_ENV):
        return _PROCESS
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry

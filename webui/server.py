"""The production web server: gunicorn, with several worker processes.

Workers are forked from a master that built the app once (`preload`); each worker opens its
own database connections (the pool inherited from the master is dropped after the fork). The
timer scheduler is not part of a worker: it runs as `dondoc scheduler`, its own service, or as
a child process that `dondoc serve --scheduler` starts and stops with the server, and starts
again when it ends on its own.
"""
from __future__ import annotations

import ctypes
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from engine import metrics
from engine.config import Settings
from engine.core import Engine
from engine.db import REQUEST_TIMEOUT_SECONDS
from engine.operations.heap import freeze_loaded_objects
from engine.rulesets.service import published_bundle
from engine.working_days import WorkingCalendar
from webui.api import bodies

PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent ends
# seconds before a scheduler child that ended is started again: the first wait, and the longest
# (the wait doubles while the child ends again within that long of its start)
SCHEDULER_RESTART_DELAYS = (1, 60)
log = logging.getLogger("dondoc.server")


class ProductionServer(BaseApplication):
    def __init__(self, app: Flask, engine: Engine, bind: str, workers: int, threads: int):
        self.application, self.engine = app, engine
        self.options = {"bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
                        "preload_app": True, "timeout": REQUEST_TIMEOUT_SECONDS,
                        # stopped (SIGTERM), a worker finishes the requests in flight, which may each
                        # run this long: gunicorn's 30 s cut off a slow upload or a long import
                        "graceful_timeout": REQUEST_TIMEOUT_SECONDS,
                        # the app writes each request's line itself, with its request id (webui/operations.py)
                        "accesslog": None, "logger_class": _GunicornLog,
                        # one fixed socket path per user would clash between two servers on a machine
                        "control_socket_disable": True, "post_fork": self._post_fork}
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        return self.application

    def _post_fork(self, _server, _worker) -> None:
        # Connections opened by the master belong to it: a worker opens its own.
        self.engine.db.engine.dispose(close=False)


class _GunicornLog(glogging.Logger):
    """gunicorn's own lines (start, workers booting or timed out) go to the process's handler
    (engine.operations.logs.configure), in the deployment's format like every other line."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for handler in list(self.error_log.handlers):
            self.error_log.removeHandler(handler)
        self.error_log.propagate = True


@contextmanager
def metrics_folder(settings: Settings) -> Iterator[str]:
    """The multiprocess metrics folder of the workers and the scheduler child: `metrics_dir`, or
    a fresh one for as long as the server runs (counters then start at zero on each start)."""
    if settings.metrics_dir:
        Path(settings.metrics_dir).mkdir(parents=True, exist_ok=True)
        metrics.use_folder(settings.metrics_dir)
        yield settings.metrics_dir
        return
    # Not a TemporaryDirectory: each forked worker inherits its clean-up, and the first to end
    # (the old ones after a reload, one aborted at the request timeout) removed the folder under
    # the others, whose every request then failed. Only the process that made it removes it.
    folder, owner = tempfile.mkdtemp(prefix="dondoc-metrics-"), os.getpid()
    try:
        metrics.use_folder(folder)
        yield folder
    finally:
        if os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)


def serve(app: Flask, engine: Engine, *, bind: str, workers: int, threads: int) -> None:
    """Serve `app` until the server is stopped (SIGTERM or Ctrl+C)."""
    warm(engine)
    engine.db.engine.dispose()  # nothing opened before the fork is shared with the workers
    freeze_loaded_objects()
    ProductionServer(app, engine, bind, workers, threads).run()


def warm(engine: Engine) -> None:
    """Build, once in the master before it forks, what each worker would otherwise build on its
    first requests (a second or more of CPU each, which those requests wait for): the published
    ruleset compiled, the holiday calendar, the OpenAPI document that request bodies are
    checked against. The workers inherit them."""
    with engine.db.reading() as session:
        bundle = published_bundle(session, engine.settings.ruleset)
        if bundle is not None:
            engine.cache.get(bundle)
    WorkingCalendar({})
    bodies.prepare()


def _ended_with(parent: int) -> Callable[[], None]:
    """Run in the scheduler child before it starts: Linux sends it SIGTERM when the server's
    process ends, however it ends. Killed with SIGKILL (an out-of-memory kill, kill -9), the server
    could not stop it: it ran on alone, one more after each restart, with the old code after an
    upgrade."""
    def ask_for_sigterm() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the server ended before the request was made
            os._exit(0)
    return ask_for_sigterm


@contextmanager
def scheduler_process(config: str | None) -> Iterator[None]:
    """`dondoc scheduler` as a child process for as long as the block runs, started again when it
    ends meanwhile (an out-of-memory kill, kill -9, a crash). Before, the server went on answering
    and /readyz said ready while no timer fired and no mail went out, until someone restarted it."""
    command = [sys.executable, "-m", "webui.cli", *(["--config", config] if config else []), "scheduler"]
    child = _SchedulerChild(command)
    watcher = threading.Thread(target=child.keep_running, name="scheduler-child", daemon=True)
    watcher.start()
    server = os.getpid()
    try:
        yield
    finally:
        # A gunicorn worker, forked inside this block, leaves through it too (its SystemExit): only the
        # server stops the child. A worker did, each time one ended (at every stop, after a timeout).
        if os.getpid() == server:
            child.stop()
            watcher.join(timeout=5)


class _SchedulerChild:
    """The one scheduler child, and the thread of the server that starts it again when it ends.
    That thread is the parent of the children it starts (PR_SET_PDEATHSIG follows the thread): it
    lives until stop()."""

    def __init__(self, command: list[str]):
        self.command = command
        self.lock = threading.Lock()  # stop() and a restart never cross: no child outlives stop()
        self.stopped = threading.Event()
        self.process = self._start()

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen(self.command,
                                preexec_fn=_ended_with(os.getpid()) if sys.platform == "linux" else None)

    def keep_running(self) -> None:
        first, longest = SCHEDULER_RESTART_DELAYS
        delay = first
        while True:
            started = time.monotonic()
            code = self.process.wait()  # 0 when gunicorn's master reaped it first (it reaps any child)
            if self.stopped.is_set():
                return
            if time.monotonic() - started > longest:  # it had run well: back to the first wait
                delay = first
            log.error("the scheduler ended (pid %s, code %s): starting it again in %s s", self.process.pid, code, delay)
            if self.stopped.wait(delay):
                return
            with self.lock:
                if self.stopped.is_set():
                    return
                self.process = self._start()
            # one that keeps ending at once (the database unreachable) is started less and less often
            delay = min(delay * 2, longest)

    def stop(self) -> None:
        with self.lock:
            self.stopped.set()
            process = self.process
        process.terminate()  # it finishes its running tick, then leaves
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()

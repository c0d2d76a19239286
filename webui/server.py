"""The production web server: gunicorn, with several worker processes.

Workers are forked from a master that built the app once (`preload`); each worker opens its
own database connections (the pool inherited from the master is dropped after the fork). The
timer scheduler is not part of a worker: it runs as `dondoc scheduler`, its own service, or as
a child process that `dondoc serve --scheduler` starts and stops with the server.
"""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from gunicorn.app.base import BaseApplication

from engine.core import Engine

# A request that takes longer than this is cut off and its worker replaced; the longest
# requests (a yearly report with exports, an import) take seconds.
WORKER_TIMEOUT_SECONDS = 120


class ProductionServer(BaseApplication):
    def __init__(self, app: Flask, engine: Engine, bind: str, workers: int, threads: int):
        self.application, self.engine = app, engine
        self.options = {"bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
                        "preload_app": True, "timeout": WORKER_TIMEOUT_SECONDS, "accesslog": "-",
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


def serve(app: Flask, engine: Engine, *, bind: str, workers: int, threads: int) -> None:
    """Serve `app` until the server is stopped (SIGTERM or Ctrl+C)."""
    engine.db.engine.dispose()  # nothing opened before the fork is shared with the workers
    ProductionServer(app, engine, bind, workers, threads).run()


@contextmanager
def scheduler_process(config: str | None) -> Iterator[subprocess.Popen]:
    """`dondoc scheduler` as a child process for as long as the block runs."""
    command = [sys.executable, "-m", "webui.cli", *(["--config", config] if config else []), "scheduler"]
    child = subprocess.Popen(command)
    try:
        yield child
    finally:
        child.terminate()  # it finishes its running tick, then leaves
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()

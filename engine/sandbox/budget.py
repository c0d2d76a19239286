"""Script budgets: the scripts, expressions and instruction templates of a step that could run
away run in a sandbox worker process under one CPU-time and memory budget for the whole step
(engine/sandbox/__init__.py decides which could).

A step takes a worker from a warm pool when it first needs one and gives it back
when it ends (`step_budget`). Each request carries what is left of the step's CPU budget; the
worker arms a CPU timer with it and is ended by the kernel when it runs out, whatever it is
doing. The parent also waits no longer than `WALL_FACTOR` times that (plus a second) for an
answer, then kills the worker. A killed or exhausted worker is replaced; the step fails with
`ScriptBudgetExceeded`, which the runtime records as an incident on the element.
"""
from __future__ import annotations

import contextvars
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.sandbox.restricted import dumps, loads

WORKER = Path(__file__).with_name("worker.py")
WALL_FACTOR = 3  # a loaded machine gives a worker less than one CPU second per second
IDLE_WORKERS = 4  # kept warm per memory budget; more are started when more steps run at once


class ScriptFailed(Exception):
    """A process script, expression or template failed in the sandbox (any exception there,
    SystemExit and KeyboardInterrupt included, arrives as this). `task`: the task it ran
    for, when the caller knows it (an incident names its element)."""

    def __init__(self, message: str, task=None):
        super().__init__(message)
        self.task = task


class ScriptBudgetExceeded(ScriptFailed):
    """The step used up its CPU-time or memory budget."""


@lru_cache(maxsize=256)
def _failure(type_name: str) -> type[ScriptFailed]:
    """A ScriptFailed named as what the script raised in the worker (ZeroDivisionError,
    SystemExit...): incidents read as they would had the script run here."""
    return type(type_name, (ScriptFailed,), {"__module__": __name__})


@dataclass(frozen=True)
class ScriptLimits:
    cpu_seconds: float = 2.0
    memory_mb: int = 256
    max_instances: int = 300


class _Worker:
    def __init__(self, memory_mb: int):
        self.process = subprocess.Popen([sys.executable, str(WORKER), str(memory_mb)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, close_fds=True)
        self._buffer = b""

    def send(self, message: dict, keep_frozen: bool = False) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(dumps(message, keep_frozen))
        self.process.stdin.flush()

    def receive(self, deadline: float) -> dict | None:
        """The next message, or None when the worker died or `deadline` (monotonic) passed."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return loads(line)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class _Pool:
    def __init__(self) -> None:
        self._idle: dict[int, list[_Worker]] = {}
        self._lock = threading.Lock()

    def take(self, memory_mb: int) -> _Worker:
        with self._lock:
            idle = self._idle.get(memory_mb, [])
            while idle:
                worker = idle.pop()
                if worker.alive():
                    return worker
                worker.kill()  # ended while idle (the machine's OOM killer, an admin): reap it
        return _Worker(memory_mb)

    def give_back(self, worker: _Worker, memory_mb: int) -> None:
        if worker.alive():
            with self._lock:
                idle = self._idle.setdefault(memory_mb, [])
                if len(idle) < IDLE_WORKERS:
                    idle.append(worker)
                    return
        worker.kill()

    def warm(self, memory_mb: int) -> None:
        """Start a worker ahead of the first step (a server at start-up)."""
        self.give_back(self.take(memory_mb), memory_mb)


POOL = _Pool()


class StepBudget:
    """What a step may still spend, and the worker it spends it in."""

    def __init__(self, limits: ScriptLimits, helpers: dict[str, Callable]):
        self.limits = limits
        self.helpers = helpers
        self.left = limits.cpu_seconds
        self._worker: _Worker | None = None
        self._busy = False  # a request is under way (a worker left so must not be reused)

    def run(self, op: str, code: str, data: dict, ext: dict | None = None) -> dict:
        """Run `code` ('eval', 'exec' or 'render') on `data` in the worker; its answer."""
        if self.left <= 0:
            raise self._exceeded()
        worker = self._worker = self._worker or POOL.take(self.limits.memory_mb)
        self._busy = True
        worker.send({"op": op, "code": code, "data": data, "ext": ext, "cpu": self.left,
                     "helpers": list(self.helpers)})
        deadline = time.monotonic() + self.left * WALL_FACTOR + 1
        while True:
            message = worker.receive(deadline)
            if message is None:
                raise self._worker_lost(worker)
            if "call" not in message:
                break
            deadline += self._call_helper(worker, message)
        self._busy = False
        self.left -= message.pop("cpu")
        if "error" in message:
            if message.get("memory"):
                self._drop_worker()
                raise ScriptBudgetExceeded(f"the step's scripts used more than {self.limits.memory_mb} MB of memory")
            raise _failure(message.get("type", "ScriptFailed"))(message["error"])
        return message

    def _call_helper(self, worker: _Worker, message: dict) -> float:
        """Run a helper the script called, here where the database and the clock are; its
        CPU time counts against the step's budget. Returns the wall time it took."""
        started, cpu = time.monotonic(), time.thread_time()
        try:
            answer = {"ok": self.helpers[message["call"]](*message["args"], **message["kwargs"])}
        except Exception as exc:  # the script passed bad arguments: its failure, raised in the worker
            answer = {"error": f"{message['call']}: {type(exc).__name__}: {exc}"}
        self.left -= time.thread_time() - cpu
        worker.send(answer, keep_frozen=True)
        return time.monotonic() - started

    def _exceeded(self) -> ScriptBudgetExceeded:
        return ScriptBudgetExceeded(f"the step's scripts ran out of their CPU-time budget "
                                    f"({self.limits.cpu_seconds:g} s per step)")

    def _worker_lost(self, worker: _Worker) -> ScriptFailed:
        """The worker did not answer in time, or died (its CPU timer, or a crash)."""
        code = worker.process.poll()
        self._drop_worker()
        if code is None or code == -signal.SIGPROF:
            self.left = 0
            return self._exceeded()
        return ScriptFailed(f"the sandbox worker ended unexpectedly (exit code {code})")

    def _drop_worker(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def close(self) -> None:
        if self._busy:
            self._drop_worker()
        if self._worker is not None:
            POOL.give_back(self._worker, self.limits.memory_mb)
            self._worker = None


current_budget: contextvars.ContextVar[StepBudget | None] = contextvars.ContextVar("current_budget", default=None)


@contextmanager
def step_budget(limits: ScriptLimits, helpers: dict[str, Callable]) -> Iterator[StepBudget]:
    """One budget for everything evaluated inside (a step); the innermost open one is used
    when steps nest (a step started by a service task of another shares its budget)."""
    outer = current_budget.get()
    if outer is not None:
        yield outer
        return
    budget = StepBudget(limits, helpers)
    token = current_budget.set(budget)
    try:
        yield budget
    finally:
        current_budget.reset(token)
        budget.close()

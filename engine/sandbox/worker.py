"""The sandbox worker process: runs process scripts, expressions and instruction templates
under a CPU-time and memory limit, one request at a time, for its parent (engine/sandbox/budget.py).

Run as a script (`python worker.py <memory MB>`), not as a module of `engine`: it imports
only RestrictedPython, Jinja and engine/sandbox/restricted.py, and never sees the database,
the settings or the clock. Helpers (add_working_days, setting, ...) are called back in the
parent, which owns that context.

Limits: memory by RLIMIT_AS (the address space after start-up plus the budget); CPU by an
ITIMER_PROF timer armed with what is left of the step's budget before each request. SIGPROF
is left at its default action, which ends the process: that stops work in C as well
(`9**(9**7)`), which no Python-level handler could interrupt.
"""
from __future__ import annotations

import contextlib
import os
import resource
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import restricted  # type: ignore[import-not-found]  # noqa: E402  (this file runs as a script)
from jinja2.sandbox import SandboxedEnvironment  # noqa: E402


def _limit_memory(budget_mb: int) -> None:
    with open("/proc/self/statm") as fh:
        size = int(fh.read().split()[0]) * resource.getpagesize()
    limit = size + budget_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class Worker:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.templates = SandboxedEnvironment(autoescape=False)
        self.globals = restricted.base_globals()
        self.compiled_templates: dict = {}

    def send(self, message: dict, keep_frozen: bool = False) -> None:
        self.writer.write(restricted.dumps(message, keep_frozen))
        self.writer.flush()

    def helper(self, name: str):
        """A stand-in for the parent's helper `name`: the call goes to the parent and back."""
        def call(*args, **kwargs):
            self.send({"call": name, "args": list(args), "kwargs": kwargs})
            answer = restricted.loads(self.reader.readline())
            if "error" in answer:
                raise RuntimeError(answer["error"])
            return answer["ok"]

        call.__name__ = name
        return call

    def serve(self) -> None:
        for line in iter(self.reader.readline, b""):
            if not line.endswith(b"\n"):
                return  # cut off: the server process writing to us was killed
            request = restricted.loads(line)
            signal.setitimer(signal.ITIMER_PROF, request["cpu"])
            try:
                reply = self.run(request)
                restricted.dumps(reply)  # a result that cannot travel is the script's failure too
            except MemoryError:
                reply = {"error": "MemoryError", "memory": True}
            except BaseException as exc:  # noqa: BLE001  SystemExit, KeyboardInterrupt...: the script's failure
                reply = {"error": str(exc), "type": type(exc).__name__}
            left = signal.setitimer(signal.ITIMER_PROF, 0)[0]
            reply["cpu"] = request["cpu"] - left
            self.send(reply)
            if reply.get("memory"):
                return  # memory may stay fragmented: the parent starts a fresh worker

    def run(self, request: dict) -> dict:
        helpers = {name: self.helper(name) for name in request["helpers"]}
        if request["op"] == "render":
            self.templates.filters.update(helpers)  # {{ deadline | date_vn }}
            return {"ok": self._template(request["code"]).render({**helpers, **request["data"]})}
        context = request["data"]
        scope = {**self.globals, **helpers, **(request.get("ext") or {})}
        code = restricted.compiled(request["code"], request["op"])
        if request["op"] == "eval":
            return {"ok": eval(code, {**scope, **context})}  # noqa: S307  restricted code
        context.update(scope)
        exec(code, context)  # noqa: S102  restricted code
        return {"ok": True, "data": {k: v for k, v in context.items()
                                     if k != "__builtins__" and k not in scope and not callable(v)}}

    def _template(self, source: str):
        template = self.compiled_templates.get(source)
        if template is None:
            template = self.compiled_templates[source] = self.templates.from_string(source)
        return template


def main() -> None:
    # Requests come on stdin and answers go on the original stdout; anything a library
    # prints goes to stderr instead of corrupting the channel.
    writer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _limit_memory(int(sys.argv[1]))
    # A broken pipe: the server process that started us is gone (killed), no one to answer.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        Worker(sys.stdin.buffer, writer).serve()


if __name__ == "__main__":
    main()

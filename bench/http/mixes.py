"""The bench's clients: asyncio tasks that call the HTTP API as an office's and its
departments' software would, and the three mixes they make."""
from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from uuid import uuid4

import aiohttp

from bench.http.server import DEPARTMENTS
from engine import clock

_SYMBOLS = itertools.count(1)


class Refused(Exception):
    """An answer that is not a success: counted as an error; the client goes on."""


@dataclass
class Tally:
    """What one mix's requests took (seconds, successful ones) and how many failed."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    retries: int = 0  # calls sent again on a new connection (see Api.call)
    failures: list[str] = field(default_factory=list)  # the first few, to say what failed
    operations: int = 0  # progress updates, or whole lifecycles

    def failed(self, what: str) -> Refused:
        self.errors += 1
        if len(self.failures) < 3:
            self.failures.append(what)
        return Refused(what)


class Api:
    """One user's calls, timed into a tally. Every POST carries a fresh Idempotency-Key, as a
    careful client does."""

    def __init__(self, http: aiohttp.ClientSession, base: str, token: str, tally: Tally):
        self.http, self.base, self.tally = http, base + "/api/v1", tally
        self.headers = {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, body: dict | None = None, what: str = "") -> dict:
        """The answer's JSON (`what`: what the call does, for a bench that tells calls apart)."""
        headers = {**self.headers, "Idempotency-Key": uuid4().hex} if method == "POST" else self.headers
        began = time.perf_counter()
        try:
            try:
                status, data = await self._send(method, path, body, headers)
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                # The server closed the connection as it was handed out (a keep-alive one at
                # the end of its time): sent again with the same Idempotency-Key, as a client should.
                self.tally.retries += 1
                status, data = await self._send(method, path, body, headers)
        except (aiohttp.ClientError, ValueError) as exc:
            raise self.tally.failed(f"{method} {path}: {exc}") from exc
        if status >= 400:
            raise self.tally.failed(f"{method} {path}: {status} {data}")
        self.tally.latencies.append(time.perf_counter() - began)
        return data

    async def _send(self, method: str, path: str, body: dict | None, headers: dict) -> tuple[int, dict]:
        async with self.http.request(method, self.base + path, json=body, headers=headers) as answer:
            return answer.status, await answer.json(content_type=None)


class Caller(Protocol):
    """Who makes a mix's calls: Api through HTTP, or bench.http.lifecycle's in one process."""

    async def call(self, method: str, path: str, body: dict | None = None, what: str = "") -> dict: ...


def directive_body(leads: list[str]) -> dict:
    n = next(_SYMBOLS)
    return {"symbol": f"{n}/KH-UBND", "issued_on": clock.today().strftime("%d/%m/%Y"), "issuer": "UBND tỉnh",
            "summary": f"Kế hoạch số {n}",
            "assignments": [{"content": f"Nhiệm vụ {k} của kế hoạch {n}", "lead_unit": lead, "deadline_days": 30}
                            for k, lead in enumerate(leads, 1)]}


async def register(clerk: Caller, leads: list[str]) -> list[int]:
    """A directive registered and classified (tracked); the ids of its assignments."""
    directive = await clerk.call("POST", "/directives", directive_body(leads), "register (POST /directives)")
    items = (await clerk.call("GET", f"/work-items?q={directive['symbol']}", None,
                              "find its classification (GET /work-items?q=)"))["items"]
    [classify] = [i for i in items if i["directive_id"] == directive["id"]]
    await clerk.call("POST", f"/work-items/{classify['id']}/complete", {"tracked": True},
                     "classify: tracked, its tasks created (POST complete)")
    body = await clerk.call("GET", f"/directives/{directive['id']}", None, "read it (GET /directives/{id})")
    return [a["id"] for a in body["assignments"]]


async def lifecycle(clerk: Caller, units: Mapping[str, Caller], n: int) -> None:
    """Mix (b): register with 3 tasks → classify → each unit reports it done → the office
    reviews each and closes it."""
    leads = [DEPARTMENTS[(n + k) % len(DEPARTMENTS)] for k in range(3)]
    assignments = await register(clerk, leads)
    for lead, assignment in zip(leads, assignments, strict=True):
        await units[lead].call("POST", f"/assignments/{assignment}/progress",
                               {"progress": "done", "note": "Đã hoàn thành"}, "report done (POST progress)")
    for assignment in assignments:
        page = await clerk.call("GET", f"/assignments/{assignment}", None, "open the task (GET /assignments/{id})")
        [review] = [i for i in page["work_items"] if i["form_key"] == "review_assignment" and i["status"] == "ready"]
        await clerk.call("POST", f"/work-items/{review['id']}/complete", {"decision": "close"},
                         "review: close (POST complete)")


async def progress(unit: Api, assignments: list[int], n: int) -> None:
    """Mix (a): one progress update on the next of the unit's assignments."""
    await unit.call("POST", f"/assignments/{assignments[n % len(assignments)]}/progress",
                    {"progress": "in_progress", "note": f"Cập nhật lần {n}"})


async def read(clerk: Api, unit: Api, assignments: list[int], n: int) -> None:
    """Mix (c), a reader: the unit's inbox, the office's registry, an assignment's page, the
    dashboard's summary."""
    await unit.call("GET", "/work-items")
    await clerk.call("GET", "/assignments?per_page=20")
    await unit.call("GET", f"/assignments/{assignments[n % len(assignments)]}")
    await clerk.call("GET", "/reports/summary")


Operation = Callable[[int], Awaitable[None]]


async def drive(clients: list[tuple[Operation, Tally]], seconds: float) -> None:
    """Each operation in its own client, called again and again until `seconds` are up."""
    end = time.monotonic() + seconds

    async def client(operation: Operation, tally: Tally) -> None:
        for n in itertools.count():
            if time.monotonic() >= end:
                return
            try:
                await operation(n)
                tally.operations += 1
            except Refused:
                continue

    await asyncio.gather(*(client(op, tally) for op, tally in clients))

"""`python -m bench.http.lifecycle`: mix (b)'s directive lifecycle in one process, through Flask's
test client (no HTTP server, no other client): the CPU a lifecycle costs the application, and
each of its 13 requests' share. What 25 lifecycles a second on two cores would leave each one.

SQLite by default; PostgreSQL when DONDOC_BENCH_DATABASE_URL is set (the database server's own
CPU is not counted).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections import defaultdict
from contextlib import closing
from pathlib import Path
from uuid import uuid4

from flask.testing import FlaskClient

from bench.http import mixes
from bench.http.server import DEPARTMENTS, RULESET, seed
from bench.world import database_url
from engine.config import Settings
from engine.core import Engine
from webui.app import create_app

WARM_UP = 5  # lifecycles not measured: each statement's first compilation


class InProcessApi:
    """bench.http.mixes.Api's calls through Flask's test client, each call's CPU time kept by what it does."""

    def __init__(self, client: FlaskClient, token: str, spent: dict[str, list[float]]):
        self.client, self.token, self.spent = client, token, spent

    async def call(self, method: str, path: str, body: dict | None = None, what: str = "") -> dict:
        headers = {"Authorization": f"Bearer {self.token}"}
        if method == "POST":
            headers["Idempotency-Key"] = uuid4().hex
        began = time.process_time()
        answer = self.client.open("/api/v1" + path, method=method, json=body, headers=headers)
        self.spent[what or f"{method} {path}"].append(time.process_time() - began)
        if answer.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
        return answer.get_json()


def measure(url: str, lifecycles: int) -> tuple[float, dict[str, list[float]]]:
    """CPU seconds per lifecycle (bench.http.mixes.lifecycle), and each request kind's CPU seconds, over
    `lifecycles` measured ones."""
    seeded, tokens = seed(url)
    seeded.close()
    spent: dict[str, list[float]] = defaultdict(list)
    with closing(Engine(Settings.load(database_url=url, ruleset=RULESET))) as engine:
        client = create_app(engine).test_client()
        clerk = InProcessApi(client, tokens["clerk"], spent)
        units = {code: InProcessApi(client, tokens[code.lower()], spent)
                 for code in DEPARTMENTS}
        for n in range(WARM_UP):
            asyncio.run(mixes.lifecycle(clerk, units, n))
        spent.clear()
        began = time.process_time()
        for n in range(WARM_UP, WARM_UP + lifecycles):
            asyncio.run(mixes.lifecycle(clerk, units, n))
        return (time.process_time() - began) / lifecycles, spent


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.http.lifecycle", description=__doc__.splitlines()[0])
    parser.add_argument("--lifecycles", type=int, default=50)
    args = parser.parse_args()
    backend = "PostgreSQL" if os.environ.get("DONDOC_BENCH_DATABASE_URL") else "SQLite"
    with database_url() as url, tempfile.TemporaryDirectory(prefix="dondoc-bench-lifecycle-") as folder:
        os.environ.setdefault("DONDOC_ATTACHMENTS_DIR", str(Path(folder) / "attachments"))
        per_lifecycle, spent = measure(url, args.lifecycles)
    print(f"{backend}, load {os.getloadavg()[0]:.1f}: {args.lifecycles} lifecycles in one process, "
          f"**{per_lifecycle * 1000:.1f} ms of CPU each** (25 a second on 2 cores leaves 80 ms for everything)")
    print("| request | per lifecycle | CPU ms each (median) | share of the lifecycle |")
    print("|---|---:|---:|---:|")
    for label, times in spent.items():
        each = sorted(times)[len(times) // 2] * 1000
        share = sum(times) / args.lifecycles / per_lifecycle * 100
        print(f"| {label} | {len(times) // args.lifecycles} | {each:.1f} | {share:.1f} % |")


if __name__ == "__main__":
    main()

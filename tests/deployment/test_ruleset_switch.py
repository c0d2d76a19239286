"""Switching a deployment's ruleset (DONDOC_RULESET) with real processes: Đắk Lắk, then Cần
Thơ, then back to Đắk Lắk. Switched back without `dondoc ruleset load`, the servers started and
Cần Thơ's report calendar went on asking the units for reports on its days (the 19th monthly)
while Đắk Lắk's was never restarted; the web server and the scheduler now refuse to start,
naming the command, and start once it has run."""
from __future__ import annotations

import pytest
import requests

from engine.operations import readiness
from engine.reports.service import running_schedule
from tests.deployment.harness import Deployment
from tests.scheduler.smtp import SmtpServer


@pytest.fixture
def deployment(database_url, tmp_path):
    smtp = SmtpServer()
    smtp.start()
    running = Deployment(tmp_path, database_url, smtp.port)
    running.populate()
    yield running
    running.close()
    smtp.stop()


def running_calendars(deployment) -> list[str]:
    with deployment.engine.db.session() as s:
        return [ruleset for ruleset in ("can-tho", "dak-lak") if running_schedule(s, ruleset) is not None]


def load(deployment, ruleset: str) -> str:
    deployment.env["DONDOC_RULESET"] = ruleset
    return deployment.run(f"load-{ruleset}-{len(deployment.processes)}", "ruleset", "load")


def refused(deployment, name: str, *command: str) -> str:
    """`dondoc <command>` ends by itself with exit code 1; its output."""
    assert deployment._start(name, *command).wait(120) == 1, deployment.log(name)
    return deployment.log(name)


def test_a_deployment_switched_back_without_loading_its_ruleset_does_not_start(deployment):
    assert "periodic-report calendar running" in load(deployment, "dak-lak")
    assert running_calendars(deployment) == ["dak-lak"]
    assert "periodic-report calendar running" in load(deployment, "can-tho")
    assert running_calendars(deployment) == ["can-tho"]

    deployment.env["DONDOC_RULESET"] = "dak-lak"  # back, without the load
    told = ("error: the report calendar of ruleset can-tho is still running while this deployment runs dak-lak: "
            "run `dondoc ruleset load` to switch to dak-lak")
    assert told in refused(deployment, "web", "serve", "--no-scheduler", "--workers", "2",
                           "--bind", f"127.0.0.1:{deployment.port}")
    assert told in refused(deployment, "scheduler", "scheduler", "--interval", "1")
    assert readiness.problems(deployment.engine) == {
        "ruleset": "the report calendar of can-tho runs, not dak-lak's (dondoc ruleset load)"}
    assert running_calendars(deployment) == ["can-tho"]  # nothing started meanwhile

    load(deployment, "dak-lak")
    assert running_calendars(deployment) == ["dak-lak"]
    base = deployment.start_web(workers=2, name="web-after-load")
    assert requests.get(f"{base}/readyz", timeout=10).json() == {"status": "ready"}
    deployment.start_scheduler("scheduler-after-load")
    assert deployment.processes["scheduler-after-load"].poll() is None


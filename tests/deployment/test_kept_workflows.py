"""Each worker process keeps the workflow its last step of an instance saved (engine.runtime.kept), and
uses it only while the instance's row still holds what that step wrote. Here two production servers
of one worker each (gunicorn, so which worker answers is known) and a `dondoc scheduler` step one
assignment in turn — progress updates on either server, the reminders' and the deadline's timers
fired by the scheduler — with one worker and the scheduler killed (kill -9) between steps: every step
continues from the one before it, whoever took it (none is lost, none applies twice)."""
from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from engine.clock import VN_TZ
from engine.directives.models import Assignment, ProgressUpdate
from engine.notifications.models import Notification
from engine.runtime.models import Incident, WorkflowInstance, WorkItem
from tests.deployment.harness import START, Client, Deployment, Host, settle

TOKEN = "kept-workflows-scrape-token"


def scrape_kept(host: Host) -> dict[str, float]:
    """The host's steps by where their workflow came from (kept, loaded)."""
    answer = requests.get(f"{host.base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert answer.status_code == 200
    return {sample.labels["source"]: sample.value for family in text_string_to_metric_families(answer.text)
            for sample in family.samples if sample.name == "dondoc_engine_step_workflows_total"}


def worker_of(deployment: Deployment, name: str) -> int:
    """The pid of the one worker of server `name` (gunicorn's master's child)."""
    master = deployment.processes[name].pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def answering_again(host: Host, killed: int, deployment: Deployment, name: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{host.base}/healthz", timeout=2).status_code == 200 \
                    and worker_of(deployment, name) != killed:
                return
        except (requests.ConnectionError, AssertionError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{name} did not start a new worker")


def test_two_workers_and_a_scheduler_each_continue_from_the_others_step(deployment, smtp, tmp_path):
    hosts = {name: Host.make(tmp_path / f"host-{name}", metrics_token=TOKEN,
                             metrics_dir=str(tmp_path / f"host-{name}" / "metrics")) for name in "ab"}
    for name, host in hosts.items():
        deployment.start_web(workers=1, name=f"web-{name}", host=host)
    deployment.start_scheduler("scheduler")
    directive = deployment.register(hosts["a"].base, 0)  # one task for S1, due in 5 working days (9/3)
    with deployment.engine.db.reading() as s:
        assignment_id, instance_id = s.execute(select(Assignment.id, Assignment.instance_id)
                                               .where(Assignment.directive_id == directive)).one()

    def version() -> int:
        with deployment.engine.db.reading() as s:
            return s.scalar(select(WorkflowInstance.version).where(WorkflowInstance.id == instance_id))

    notes: list[str] = []

    def report(name: str) -> None:
        """S1's officer reports progress through server `name`: one step, on the row as it stands."""
        notes.append(f"{name}{len(notes)}")
        before = version()
        answer = Client(hosts[name].base + "/api/v1", deployment.tokens["s1"]).send(
            "POST", f"/assignments/{assignment_id}/progress", key=notes[-1],
            json={"progress": "in_progress", "note": notes[-1], "overdue_reason": "Chờ kinh phí"})  # once overdue
        assert answer.status == 201, (notes[-1], answer.body)
        assert version() == before + 1

    def timers_fire_on(day: int) -> None:
        """The clock moves to `day` (March); the scheduler fires what fell due: the row moves on."""
        before = version()
        deployment.clock.set(START + timedelta(days=day - 2))
        settle(deployment, smtp)
        assert version() > before

    report("a")
    report("a")  # on the workflow A kept
    report("b")
    timers_fire_on(4)  # reminders of the first report (due 5/3) and of the deadline
    report("a")  # A kept its workflow of two steps ago: it loads B's and the scheduler's
    killed = worker_of(deployment, "web-a")
    deployment.kill_pid(killed)
    answering_again(hosts["a"], killed, deployment, "web-a")
    report("b")
    report("a")  # a new worker: nothing kept
    timers_fire_on(6)  # the scheduler kept the workflow of its step on the 4th: it loads
    deployment.kill("scheduler")
    deployment.start_scheduler("scheduler")
    report("b")
    report("b")
    timers_fire_on(10)  # overdue, fired by the restarted scheduler
    report("a")

    with deployment.engine.db.reading() as s:
        assert list(s.scalars(select(ProgressUpdate.note).where(ProgressUpdate.assignment_id == assignment_id)
                              .order_by(ProgressUpdate.id))) == notes
        # every update's step was the one waiting, and no step went back to an older one
        handles = Counter(s.scalars(select(WorkItem.status).where(WorkItem.instance_id == instance_id,
                                                                  WorkItem.element_id == "handle")))
        assert handles == {"completed": len(notes), "ready": 1}
        notices = Counter((kind, user, at.astimezone(VN_TZ).date()) for kind, user, at in s.execute(
            select(Notification.kind, Notification.user_id, Notification.created_at)
            .where(Notification.assignment_id == assignment_id, Notification.kind.in_(("reminder", "overdue")))))
        assert s.scalar(select(Incident.id)) is None
    assert set(notices.values()) == {1}  # each timer fired once: no step went back before a firing
    assert {"reminder", "overdue"} <= {kind for kind, _user, _at in notices}
    mails = Counter(m["X-Dondoc-Ref"] for m in smtp.inbox.messages)
    assert set(mails.values()) == {1}
    kept = {name: scrape_kept(host) for name, host in hosts.items()}
    assert kept["a"]["kept"] >= 1 and kept["b"]["kept"] >= 1  # A's second update, B's fourth
    assert kept["a"]["loaded"] >= 3 and kept["b"]["loaded"] >= 2
    for name in ("web-a", "web-b", "scheduler"):
        assert "Traceback" not in deployment.log(name), deployment.log(name)[-4000:]

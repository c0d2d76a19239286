"""Two application hosts sharing nothing but PostgreSQL: each its own production server (gunicorn,
two workers), working directory, attachments folder and `dondoc scheduler`, attachments kept
in the database (attachment_store = "database"). What one host does, the other sees: an
attachment uploaded on one is downloaded from the other, a ruleset version published on one is
the version the other starts workflows on, and the timers the two schedulers share fire once
each. (The test clock file and the SMTP server stand for the hosts' synchronised clocks and the
office's mail server.)"""
from __future__ import annotations

import os
import shutil
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from engine.api_tokens import service as tokens
from engine.clock import VN_TZ
from engine.config import REPO_ROOT
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import User
from engine.rulesets.service import published_bundle
from engine.runtime.models import Incident, WorkflowInstance
from tests.conftest import PASSWORD, PG_URL
from tests.deployment.harness import START, Client, Deployment, Host, settle

pytestmark = pytest.mark.skipif(not PG_URL, reason="several hosts share a PostgreSQL server; SQLite is one host's "
                                                   "file (set DONDOC_TEST_DATABASE_URL)")
TOKEN = "two-hosts-scrape-token"
DAYS = 8  # from the registration (Monday 2/3) to the first overdue alert (Tuesday 10/3)


def scrape(host: Host) -> dict[tuple[str, frozenset], float]:
    answer = requests.get(f"{host.base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert answer.status_code == 200
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(answer.text) for sample in family.samples}


def bundle_of(deployment: Deployment, directive_id: int) -> int:
    with deployment.engine.db.reading() as s:
        return s.scalar(select(WorkflowInstance.bundle_id).where(WorkflowInstance.directive_id == directive_id,
                                                                 WorkflowInstance.purpose == "directive"))


def test_two_hosts_share_attachments_rulesets_and_timers(deployment, smtp, tmp_path):
    hosts = {name: Host.make(tmp_path / f"host-{name}", attachment_store="database", metrics_token=TOKEN,
                             metrics_dir=str(tmp_path / f"host-{name}" / "metrics")) for name in "ab"}
    a, b = hosts["a"], hosts["b"]
    for name, host in hosts.items():
        deployment.start_web(workers=2, name=f"web-{name}", host=host)
        deployment.start_scheduler(f"scheduler-{name}", host=host)

    # an attachment uploaded on A is downloaded from B (by the same officer)
    content = os.urandom(1_500_000)
    headers = {"Authorization": f"Bearer {deployment.tokens['s1']}"}
    uploaded = Client(a.base, "").http.post(f"{a.base}/api/v1/attachments", headers=headers,
                                            files={"file": ("bien-ban.pdf", content, "application/pdf")}, timeout=30)
    assert uploaded.status_code == 201, uploaded.text
    downloaded = Client(b.base, "").http.get(f"{b.base}/api/v1/attachments/{uploaded.json()['sha256']}",
                                             headers=headers, timeout=30)
    assert downloaded.status_code == 200 and downloaded.content == content
    assert not any(p.is_file() for host in hosts.values() for p in (host.folder / "attachments").rglob("*"))

    # a ruleset version published on A is the one B starts workflows on
    before = deployment.register(b.base, 0)  # B has compiled the first version by now
    shutil.copytree(REPO_ROOT / "processes", a.folder / "processes")
    toml = a.folder / "processes" / "dak-lak" / "ruleset.toml"
    edited = toml.read_text(encoding="utf-8").replace("before_deadline = [3, 1]", "before_deadline = [3, 2]")
    assert edited != toml.read_text(encoding="utf-8")
    toml.write_text(edited, encoding="utf-8")  # host A's version: the second reminder a day earlier
    a.env["DONDOC_PROCESSES_DIR"] = str(a.folder / "processes")
    assert "published" in deployment.run("publish-on-a", "ruleset", "load", host=a)
    with deployment.engine.db.reading() as s:
        second = published_bundle(s, "dak-lak").id
    assert bundle_of(deployment, before) != second
    directives = [deployment.register(hosts["ab"[n % 2]].base, n) for n in range(1, 9)]
    assert {bundle_of(deployment, d) for d in directives} == {second}

    # the two schedulers fire every timer once: day by day until the first overdue alert
    for day in range(1, DAYS + 1):
        deployment.clock.set(START + timedelta(days=day))
        settle(deployment, smtp)
    # each host's scrape holds the mails its own scheduler sent (metrics_dir shared by the host's
    # server and scheduler), and the same state of the deployment
    scrapes = [scrape(host) for host in hosts.values()]
    assert sum(sum(v for (name, labels), v in found.items() if name == "dondoc_mails_total"
                   and ("outcome", "sent") in labels) for found in scrapes) == len(smtp.inbox.messages)
    assert scrapes[0][("dondoc_timers_due", frozenset())] == scrapes[1][("dondoc_timers_due", frozenset())] == 0
    for name in ("scheduler-a", "scheduler-b"):
        deployment.stop(name)
    with deployment.engine.db.reading() as s:
        rows = s.execute(select(Notification.directive_id, Notification.user_id, Notification.kind,
                                Notification.created_at)
                         .where(Notification.assignment_id.is_not(None))).all()
        assert s.scalar(select(Incident.id)) is None
        clerk_id = s.scalar(select(User.id).where(User.username == "clerk"))
    # directive (one task each) -> (kind, day, to the clerk or to the task's officer) -> notices
    timeline: dict[int, Counter] = defaultdict(Counter)
    for directive_id, user_id, kind, at in rows:
        timeline[directive_id][(kind, at.astimezone(VN_TZ).date(), user_id == clerk_id)] += 1
    # every task of the second version (same deadline) got the same notices on the same days, once each
    [notices] = {frozenset(timeline[d].items()) for d in directives}
    assert {count for _notice, count in notices} == {1}
    assert {"reminder", "overdue"} <= {kind for (kind, _day, _clerk), _count in notices}
    reminders = {d: sorted(day.day for (kind, day, _clerk) in timeline[d] if kind == "reminder")
                 for d in (before, *directives)}
    # Reminders 3 and 1 working days ahead (first version), or 3 and 2 (A's): of the first progress
    # report (due 5/3, Đ.7 k.2a) on 4/3, or 3/3; of the deadline (9/3) on 4/3 and 6/3, or 4/3 and 5/3.
    assert reminders == {before: [4, 6], **{d: [3, 4, 5] for d in directives}}
    mails = Counter(m["X-Dondoc-Ref"] for m in smtp.inbox.messages)
    assert set(mails.values()) == {1}
    for name in ("web-a", "web-b", "scheduler-a", "scheduler-b"):
        assert "Traceback" not in deployment.log(name), deployment.log(name)[-4000:]


def test_a_change_of_the_organisation_is_seen_by_every_worker_of_both_hosts_at_once(deployment, tmp_path):
    """Each worker keeps the organisation it reads on every request (engine.org.kept). A commune's clerk
    works for the province until an administrator makes the commune an issuing body, then for the
    commune alone: from the next request on, on every worker of both hosts, a province directive is
    no longer theirs to see, and is theirs again once the mark is taken off (here written by a third
    process, as the admin page on any host writes it)."""
    with deployment.engine.db.session() as s:
        org.create_unit(s, "XA", "Xã Hòa Phú", parent_code="UBND", kind="commune")
        org.create_user(s, "xa", PASSWORD, "Văn thư xã Hòa Phú", "XA", ["clerk"])
        token = tokens.create_token(s, "xa", "two hosts")[1]
    hosts = [Host.make(tmp_path / f"host-{name}") for name in "ab"]
    for name, host in zip("ab", hosts, strict=True):
        deployment.start_web(workers=2, name=f"web-{name}", host=host)
    directive = deployment.register(hosts[0].base, 1)

    def seen_by_every_worker(expected: int) -> None:
        for host in hosts:
            client = Client(host.base + "/api/v1", token)
            # gunicorn hands requests to whichever worker accepts first: enough of them reach both
            assert {client.send("GET", f"/directives/{directive}").status for _ in range(12)} == {expected}

    seen_by_every_worker(200)
    for issuing, expected in ((True, 404), (False, 200)):
        with deployment.engine.db.session() as s:
            org.mark_issuing_body(s, "XA", issuing)
        seen_by_every_worker(expected)
    for name in ("web-a", "web-b"):
        assert "Traceback" not in deployment.log(name), deployment.log(name)[-4000:]

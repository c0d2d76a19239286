"""A restarted server carries on every workflow where the previous one left it.

Before compiled specs were wired at compile time (engine/spiff.py), a server started after the
handling round of an assignment had begun finished that round and never started the next:
the progress update answered 201, the assignment then had no work item, and every later update
was refused with 409 for good."""
from __future__ import annotations

import http.client
import json
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import requests

from tests.deployment.harness import DEPARTMENTS, START, settle

ASSIGNMENT = {"content": "Báo cáo tình hình thực hiện", "lead_unit": DEPARTMENTS[0], "deadline_days": 5,
              "coordinating_units": [DEPARTMENTS[1]]}
DIRECTIVE = {"symbol": "15/KH-UBND", "issued_on": "02/03/2026", "issuer": "UBND tỉnh",
             "summary": "Về việc thử khởi động lại", "assignments": [ASSIGNMENT]}


def test_progress_after_a_restart_keeps_the_assignment_going(deployment):
    deployment.start_web(workers=1)
    clerk, officer = deployment.client("clerk"), deployment.client(DEPARTMENTS[0].lower())
    directive = clerk.send("POST", "/directives", json=DIRECTIVE)
    assert directive.status == 201, directive.body
    [classify] = [i for i in clerk.send("GET", "/work-items").body["items"]
                  if i["directive_id"] == directive.body["id"]]
    assert clerk.send("POST", f"/work-items/{classify['id']}/complete", json={"tracked": True}).status == 200
    [handle] = officer.send("GET", "/work-items").body["items"]
    assignment_id = handle["assignment_id"]

    deployment.stop_web()
    deployment.start_web(workers=1)
    for round_ in (1, 2):
        update = officer.send("POST", f"/assignments/{assignment_id}/progress",
                              json={"progress": "in_progress", "note": f"Lần {round_}"})
        assert update.status == 201, update.body
        work_items = officer.send("GET", f"/assignments/{assignment_id}").body["work_items"]
        assert [i["status"] for i in work_items if i["status"] == "ready"] == ["ready"], work_items
        deployment.stop_web()
        deployment.start_web(workers=1)
    coordinator = deployment.client(DEPARTMENTS[1].lower())
    [contribute] = coordinator.send("GET", "/work-items").body["items"]
    done = coordinator.send("POST", f"/work-items/{contribute['id']}/complete",
                            json={"contribution_progress": "done", "contribution_note": "Đã cung cấp số liệu"})
    assert done.status == 200, done.body
    assert "Traceback" not in deployment.log("web")


def test_the_scheduler_child_ends_with_a_killed_server(deployment):
    """`dondoc serve --scheduler` killed with SIGKILL (an out-of-memory kill, kill -9) could not
    stop its scheduler child: it ran on alone, one more after each restart."""
    deployment.start_web(workers=1, scheduler=True)
    master = deployment.processes["web"].pid
    scheduler = _scheduler_child(deployment)
    assert scheduler is not None
    deployment.kill("web")
    deadline = time.monotonic() + 30
    while Path(f"/proc/{scheduler}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{scheduler}").exists(), f"scheduler {scheduler} outlived the server {master}"


def test_a_killed_scheduler_child_is_started_again(deployment, smtp):
    """The scheduler child of `dondoc serve --scheduler` killed alone (an out-of-memory kill, kill -9)
    was never started again: the server went on answering, /readyz said ready, and no reminder,
    escalation, periodic report or mail went out until someone restarted the server."""
    deployment.start_web(workers=1, scheduler=True)
    killed = _scheduler_child(deployment)
    assert killed is not None
    deployment.kill_pid(killed)
    deadline = time.monotonic() + 30
    while _scheduler_child(deployment) in (None, killed) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _scheduler_child(deployment) not in (None, killed), deployment.log("web")[-3000:]
    deployment.register(deployment.base, 1)
    deployment.clock.set(START + timedelta(days=2))  # the first reminder is due: only a scheduler mails it
    settle(deployment, smtp)
    assert smtp.inbox.to(f"{DEPARTMENTS[1].lower()}@dondoc.test")
    assert "scheduler ended" in deployment.log("web")


def test_a_worker_that_ends_leaves_the_scheduler_child_alone(deployment):
    """A gunicorn worker ends through the server's frames it was forked in, and stopped the
    scheduler child on its way out (each worker at every stop, one after a timeout): the server
    then started it again, or waited 60 s for the worker at each stop."""
    deployment.start_web(workers=2, scheduler=True)
    scheduler = _scheduler_child(deployment)
    worker = next(pid for pid in deployment.web_workers() if pid != scheduler)
    os.kill(worker, signal.SIGTERM)  # gunicorn starts another
    deadline = time.monotonic() + 10
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # a stopped scheduler would have been seen ended by now
    assert _scheduler_child(deployment) == scheduler, deployment.log("web")[-3000:]
    assert "scheduler ended" not in deployment.log("web")
    started = time.monotonic()
    deployment.stop_web()
    assert time.monotonic() - started < 30


def _scheduler_child(deployment) -> int | None:
    """The pid of the scheduler child of the running server, if it has one."""
    master = deployment.processes["web"].pid
    # any thread of the master may have started it: each thread lists its own children
    pids = [int(pid) for children in Path(f"/proc/{master}/task").glob("*/children")
            for pid in children.read_text().split()]
    return next((pid for pid in pids if (cmdline := Path(f"/proc/{pid}/cmdline")).exists()
                 and cmdline.read_bytes().endswith(b"scheduler\0")), None)


def test_an_upload_in_flight_when_the_server_is_stopped_is_finished(deployment):
    """`systemctl stop` (SIGTERM) while an officer on a slow line uploads a report: gunicorn gave
    requests in flight 30 s (its default graceful timeout) and then killed them, though a request
    may run for REQUEST_TIMEOUT_SECONDS (120 s); the upload was cut off and lost."""
    base = deployment.start_web(workers=1)
    content = os.urandom(40 * 64 * 1024)
    boundary = "dondoc-upload-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bao-cao.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    line = http.client.HTTPConnection("127.0.0.1", deployment.port, timeout=120)
    line.putrequest("POST", "/api/v1/attachments")
    for name, value in (("Authorization", f"Bearer {deployment.tokens['s1']}"), ("Content-Length", str(len(body))),
                        ("Content-Type", f"multipart/form-data; boundary={boundary}")):
        line.putheader(name, value)
    line.endheaders()
    began = time.monotonic()
    pieces = [body[i:i + 64 * 1024] for i in range(0, len(body), 64 * 1024)]
    for n, piece in enumerate(pieces):  # 64 KB a second: the upload takes about 40 s
        if n == 2:
            deployment.processes["web"].terminate()  # the server is asked to stop meanwhile
        line.send(piece)
        time.sleep(max(0.0, began + n + 1 - time.monotonic()))
    answer = line.getresponse()
    assert time.monotonic() - began > 35
    assert answer.status == 201, answer.read()[-500:]
    sha = json.loads(answer.read())["sha256"]
    assert deployment.processes["web"].wait(30) == 0

    deployment.start_web(workers=1)
    downloaded = requests.get(f"{base}/api/v1/attachments/{sha}", timeout=30,
                              headers={"Authorization": f"Bearer {deployment.tokens['s1']}"})
    assert downloaded.status_code == 200 and downloaded.content == content

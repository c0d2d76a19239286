"""A restarted server carries on every workflow where the previous one left it.

Before compiled specs were wired at compile time (engine/spiff.py), a server started after the
handling round of an assignment had begun finished that round and never started the next:
the progress update answered 201, the assignment then had no work item, and every later update
was refused with 409 for good."""
from __future__ import annotations

import time
from pathlib import Path

from tests.deployment.harness import DEPARTMENTS

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
    children = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in deployment.web_workers()}
    scheduler = next(pid for pid, cmdline in children.items() if cmdline.endswith(b"scheduler\0"))
    deployment.kill("web")
    deadline = time.monotonic() + 30
    while Path(f"/proc/{scheduler}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{scheduler}").exists(), f"scheduler {scheduler} outlived the server {master}"

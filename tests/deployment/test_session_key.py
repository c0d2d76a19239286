"""A deployment that sets no `secret_key` keeps its sessions and open forms across restarts,
workers and hosts (webui/session_key.py, engine/org/session_key.py).

Before, each process signed with a key of its own made at start: a restart signed everyone out,
and a form opened before it failed its CSRF check on submit, losing what the officer had typed."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import delete, func, select

from engine.config import REPO_ROOT
from engine.org.models import DeploymentSecret
from tests.conftest import PASSWORD, signed_in_page
from tests.deployment.harness import DEPARTMENTS, Host

pytestmark = pytest.mark.browser


@pytest.fixture
def keyless(deployment):
    """The deployment, its settings giving no `secret_key` (a first install, the demo)."""
    del deployment.env["DONDOC_SECRET_KEY"]
    return deployment


def test_a_form_opened_before_a_kill_9_is_sent_after_the_restart(keyless, chromium):
    deployment = keyless
    base = deployment.start_web(workers=3)
    directive = deployment.register(base, 1)
    officer = DEPARTMENTS[1].lower()
    [item] = [i for i in deployment.client(officer).send("GET", "/work-items").body["items"]
              if i["directive_id"] == directive]
    context, page, page_errors = signed_in_page(chromium, base, officer)
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    # each request on a new connection, so that the three workers all see the session
    for _ in range(12):
        inbox = requests.get(f"{base}/inbox", cookies=cookies, allow_redirects=False, timeout=30)
        assert inbox.status_code == 200, inbox.headers.get("Location")
    page.goto(f"{base}/work/{item['id']}")
    page.select_option("select[name=progress]", "in_progress")
    page.fill("textarea[name=note]", "Đã rà soát 40 thủ tục hành chính")

    workers = deployment.web_workers()
    deployment.kill("web")  # the whole server at once, as an out-of-memory kill or a power cut
    for pid in workers:
        deployment.kill_pid(pid)
    deployment.start_web(workers=3)

    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").click()
    assert "/inbox" in page.url, page.content()
    assert "Đã gửi. Cảm ơn Anh/Chị." in page.content()
    assert page_errors == []
    history = deployment.client(officer).send("GET", f"/assignments/{item['assignment_id']}").body
    assert history["progress"] == "in_progress", history
    with deployment.engine.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(DeploymentSecret)) == 1
    assert "Traceback" not in deployment.log("web")
    context.close()


def test_two_hosts_started_at_once_sign_with_one_key(keyless, tmp_path):
    """Both hosts' first requests come at once on a database without a key: they make one, and a
    session begun on either host is valid on the other."""
    deployment = keyless
    hosts = [Host.make(tmp_path / f"host-{name}") for name in "ab"]
    for n, host in enumerate(hosts):
        deployment.start_web(workers=2, name=f"web-{n}", host=host)
    sessions = [requests.Session() for _ in hosts]
    threads = [threading.Thread(target=_sign_in, args=(session, host.base))
               for session, host in zip(sessions, hosts, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for session, other in zip(sessions, reversed(hosts), strict=True):
        inbox = session.get(f"{other.base}/inbox", allow_redirects=False, timeout=30)
        assert inbox.status_code == 200, inbox.headers.get("Location")
    with deployment.engine.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(DeploymentSecret)) == 1


def test_a_session_made_before_a_rotation_stays_open_after_it(keyless):
    """`dondoc session-key rotate` between two starts of gunicorn (two workers): the session signed
    before is still signed in on every worker after, and a new sign-in is signed with the new key
    (tests/webui/test_session_key.py: the previous key's end, `--end-sessions`)."""
    deployment = keyless
    base = deployment.start_web(workers=2)
    before = requests.Session()
    _sign_in(before, base)
    deployment.stop_web()
    deployment.run("rotate", "session-key", "rotate")
    base = deployment.start_web(workers=2)
    after = requests.Session()
    _sign_in(after, base)
    for _ in range(6):  # on new connections: every worker sees both
        assert _signed_in(before, base) and _signed_in(after, base)
    with deployment.engine.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(DeploymentSecret)) == 2
    assert "Traceback" not in deployment.log("web")


def _signed_in(session: requests.Session, base: str) -> bool:
    inbox = requests.get(f"{base}/inbox", cookies=session.cookies, allow_redirects=False, timeout=30)
    assert inbox.status_code in (200, 302), inbox.status_code
    return inbox.status_code == 200


def _sign_in(session: requests.Session, base: str) -> None:
    form = session.get(f"{base}/login", timeout=30)
    token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed_in = session.post(f"{base}/login", data={"csrf_token": token, "username": "clerk",
                                                    "password": PASSWORD}, allow_redirects=False, timeout=30)
    assert signed_in.status_code == 302 and "/login" not in signed_in.headers["Location"], signed_in.text[-500:]


def test_processes_making_the_key_at_once_agree_on_one(keyless, tmp_path):
    """Six processes ask for the key at the same moment on a database that has none, five times
    over (the key deleted between rounds): each time they all get the one key stored."""
    script = ("import os, sys, time\n"
              "from engine.db import Database\n"
              "from engine.org.session_key import session_key\n"
              "db = Database(sys.argv[1])\n"
              "for round_ in range(int(sys.argv[3])):\n"
              "    while not os.path.exists(f'{sys.argv[2]}-{round_}'): time.sleep(0.001)\n"
              "    print(session_key(db), flush=True)\n")
    rounds, go = 5, tmp_path / "go"
    processes = [subprocess.Popen([sys.executable, "-c", script, keyless.engine.db.url, str(go), str(rounds)],
                                  cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(6)]
    time.sleep(3)  # every process has imported and waits
    for round_ in range(rounds):
        Path(f"{go}-{round_}").touch()
        keys = {process.stdout.readline().strip() for process in processes}
        with keyless.engine.db.session() as s:
            assert s.scalars(select(DeploymentSecret.value)).all() == [*keys] and len(keys.pop()) == 64, \
                _errors(processes)
            s.execute(delete(DeploymentSecret))
    for process in processes:
        assert process.wait(60) == 0, process.communicate()[1]


def _errors(processes: list[subprocess.Popen]) -> list[str]:
    """What the processes wrote to stderr (those still waiting for a round are ended first)."""
    for process in processes:
        process.kill()
    return [process.communicate(timeout=60)[1][-2000:] for process in processes]

"""The register as it lives: Quỳnh Nhai's ruleset (secret directives kept, their lines in the
separate register), gunicorn with three workers, a `dondoc scheduler` process, PostgreSQL or
SQLite, the server restarted between steps. The paper report falls due, the scheduler reminds
the office head, the reminder's link opens the register in the browser's session, and closing
the line from eight clients at once closes it once."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time

import pytest
import requests
from sqlalchemy import func, select

from engine.api_tokens import service as tokens
from engine.audit.models import AuditEntry
from engine.clock import VN_TZ
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import User
from engine.runtime.models import WorkflowInstance
from engine.secrecy.models import SecretDocument
from tests.conftest import PASSWORD
from tests.deployment.harness import DEPARTMENTS, Answer, Client, Deployment, settle
from tests.scheduler.smtp import SmtpServer

SYMBOL = "21/QĐ-UBND"


@pytest.fixture
def deployment(database_url, tmp_path):
    smtp = SmtpServer().start()
    running = Deployment(tmp_path, database_url, smtp.port, ruleset="quynh-nhai")
    running.populate()
    with running.engine.db.session() as s:  # the register's keeper ([secrecy] visible_to)
        keeper = org.create_user(s, "chanhvp", PASSWORD, "Trần Chánh Văn Phòng", "VP", ["office_head"])
        keeper.email = "chanhvp@dondoc.test"
        running.tokens["chanhvp"] = tokens.create_token(s, "chanhvp", "deployment test")[1]
    yield running, smtp
    running.close()
    smtp.stop()


def signed_in(base: str, username: str) -> requests.Session:
    web = requests.Session()
    form = {"username": username, "password": PASSWORD, "csrf_token": token(web, f"{base}/login")}
    web.post(f"{base}/login", data=form, allow_redirects=False).raise_for_status()
    return web


def token(web: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', web.get(url).text).group(1)


def eight_at_once(base: str, api_token: str, method: str, path: str, body: dict) -> list[Answer]:
    """The same call from eight API clients at once."""
    clients = [Client(base + "/api/v1", api_token) for _ in range(8)]
    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(lambda c: c.send(method, path, json=body), clients))


def test_reminded_opened_and_closed_once_across_workers_and_restarts(deployment):
    running, smtp = deployment
    running.start_web(workers=3)
    running.start_scheduler("scheduler")
    clerk, keeper = running.client("clerk"), running.client("chanhvp")
    created = clerk.send("POST", "/directives", json={
        "symbol": SYMBOL, "issued_on": "02/03/2026", "issuer": "UBND tỉnh", "summary": "Về việc bảo vệ bí mật",
        "secrecy": "secret", "assignments": [{"content": "Rà soát", "lead_unit": DEPARTMENTS[0], "deadline_days": 5}]})
    assert created.status == 201, created.body
    [line] = keeper.send("GET", "/secret-documents").body["items"]
    assert (line["symbol"], line["summary"], line["status"]) == (SYMBOL, "Về việc bảo vệ bí mật", "open")
    due = date.fromisoformat(line["paper_report_due"])
    assert date(2026, 3, 2) < due <= date(2026, 4, 30)  # the first quarter's paper report (Đ.5 k.2, Đ.19)

    running.stop_web()
    running.clock.set(datetime.combine(due, time(9, 0), tzinfo=VN_TZ))
    settle(running, smtp)
    base = running.start_web(workers=3)
    web = signed_in(base, "chanhvp")
    with running.engine.db.reading() as s:
        [note_id] = s.scalars(select(Notification.id).join(User, User.id == Notification.user_id).where(
            Notification.kind == "paper_report", User.username == "chanhvp"))
    assert f'action="/notifications/{note_id}/open"' in web.get(f"{base}/notifications").text
    opened = web.post(f"{base}/notifications/{note_id}/open", data={"csrf_token": token(web, f"{base}/notifications")})
    assert opened.status_code == 200 and opened.history[0].headers["Location"] == f"/secrecy#line-{line['id']}"
    assert SYMBOL in opened.text and "Về việc bảo vệ bí mật" in opened.text
    reminded = keeper.send("GET", "/secret-documents").body["items"][0]
    assert reminded["paper_report_reminded"] == line["paper_report_due"] < reminded["paper_report_due"]

    running.stop_web()
    base = running.start_web(workers=3)
    answers = eight_at_once(base, running.tokens["chanhvp"], "PATCH", f"/secret-documents/{line['id']}",
                            {"status": "closed"})
    assert sorted(a.status for a in answers) == [200] + [409] * 7, [(a.status, a.body) for a in answers]
    with running.engine.db.reading() as s:
        document = s.get_one(SecretDocument, line["id"])
        assert document.status == "closed"
        assert s.get_one(WorkflowInstance, document.instance_id).status == "completed"
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "secret_document.closed")) == 1


def test_a_paper_report_recorded_once_moves_the_scheduler_s_reminder(deployment):
    """Quỳnh Nhai: the first quarter's paper report is due 24/03 (reminded from 17/03). Recorded sent on 05/03
    by eight clients at once, through restarted workers, it is recorded once and the scheduler never reminds
    of it; the half-year's reminder comes on 17/06, and the report recorded on the page the next day answers
    it, the third quarter's staying planned."""
    running, smtp = deployment
    running.start_web(workers=3)
    running.start_scheduler("scheduler")
    created = running.client("clerk").send("POST", "/directives", json={
        "symbol": SYMBOL, "issued_on": "02/03/2026", "issuer": "UBND tỉnh", "summary": "Về việc bảo vệ bí mật",
        "secrecy": "secret", "assignments": [{"content": "Rà soát", "lead_unit": DEPARTMENTS[0], "deadline_days": 5}]})
    assert created.status == 201, created.body
    [line] = running.client("chanhvp").send("GET", "/secret-documents").body["items"]
    assert line["paper_report_due"] == "2026-03-24"

    running.stop_web()
    running.clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=VN_TZ))
    base = running.start_web(workers=3)
    answers = eight_at_once(base, running.tokens["chanhvp"], "POST", f"/secret-documents/{line['id']}/paper-reports",
                            {"sent_on": "05/03/2026"})
    assert sorted(a.status for a in answers) == [201] + [409] * 7, [(a.status, a.body) for a in answers]
    [sent] = [a.body for a in answers if a.status == 201]
    assert (sent["paper_report_due"], sent["paper_report_sent_on"], sent["paper_report_sent_by"]) == (
        "2026-06-24", "2026-03-05", "Trần Chánh Văn Phòng")

    running.stop_web()
    running.clock.set(datetime(2026, 3, 24, 9, 0, tzinfo=VN_TZ))
    settle(running, smtp)
    assert _paper_reminders(running) == []
    running.clock.set(datetime(2026, 6, 17, 9, 0, tzinfo=VN_TZ))
    settle(running, smtp)
    assert _paper_reminders(running) == [f"Đến kỳ báo cáo bằng văn bản giấy (theo chế độ mật) về văn bản {SYMBOL}, "
                                         "hạn 24/06/2026."]

    running.clock.set(datetime(2026, 6, 18, 9, 0, tzinfo=VN_TZ))
    base = running.start_web(workers=3)
    web = signed_in(base, "chanhvp")
    recorded = web.post(f"{base}/secrecy/{line['id']}/paper-reports",
                        data={"sent_on": "18/06/2026", "csrf_token": token(web, f"{base}/secrecy")})
    assert recorded.status_code == 200 and recorded.history[0].headers["Location"] == f"/secrecy#line-{line['id']}"
    assert "đã gửi báo cáo ngày 18/06/2026 (Trần Chánh Văn Phòng ghi nhận)" in recorded.text
    after = running.client("chanhvp").send("GET", f"/secret-documents/{line['id']}").body
    assert (after["paper_report_due"], after["paper_report_reminded"]) == ("2026-09-24", "2026-06-24")
    with running.engine.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "secret_document.paper_report_sent")) == 2


def _paper_reminders(running) -> list[str]:
    with running.engine.db.reading() as s:
        return list(s.scalars(select(Notification.body).join(User, User.id == Notification.user_id).where(
            Notification.kind == "paper_report", User.username == "chanhvp")))

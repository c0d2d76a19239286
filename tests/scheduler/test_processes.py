"""Real `dondoc scheduler` OS processes on one database, their time moved through a shared
testing clock file: two at once fire every timer once and send every mail once; one
killed mid-run and restarted loses nothing and doubles nothing."""
from __future__ import annotations

import time
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select

from engine.clock import VN_TZ
from engine.notifications.models import Notification
from engine.runtime.models import WorkflowInstance
from tests.scheduler.conftest import start_urging
from tests.scheduler.processes import wait_for

ASSIGNMENTS = 30


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def all_advanced_past(engine, moment: datetime):
    def check() -> bool:
        """every timer due fired"""
        with engine.db.session() as s:
            return not s.scalar(select(func.count(WorkflowInstance.id)).where(
                WorkflowInstance.status == "running", WorkflowInstance.next_timer_due <= moment))
    return check


def all_mail_sent(engine, smtp, expected: int):
    def check() -> bool:
        """every mail sent"""
        with engine.db.session() as s:
            pending = s.scalar(select(func.count(Notification.id)).where(Notification.email_status != "sent"))
        return pending == 0 and len(smtp.inbox.received) >= expected
    return check


def kinds(engine) -> Counter:
    with engine.db.session() as s:
        return Counter(s.execute(select(Notification.assignment_id, Notification.kind)).all())


def test_two_scheduler_processes_fire_each_timer_once_and_survive_a_kill(urging, clock, smtp, schedulers):
    clock.set(vn(2026, 3, 2, 9))
    ids = [start_urging(urging, "2026-03-05", symbol=f"{n}/CT-UBND") for n in range(ASSIGNMENTS)]
    schedulers.clock.set(vn(2026, 3, 4, 8, 1))  # every 1-day-before reminder is due
    # A short lease (the killed scheduler's claim), and one mail per reminder (no catch-up mail).
    schedulers.env.update(DONDOC_MAIL_LEASE_SECONDS="2", DONDOC_MAIL_CATCHUP_THRESHOLD="0")
    schedulers.start("a")
    schedulers.start("b")
    wait_for(all_advanced_past(urging, vn(2026, 3, 4, 8, 1)), schedulers)
    wait_for(all_mail_sent(urging, smtp, ASSIGNMENTS), schedulers)
    assert kinds(urging) == Counter({(i, "reminder"): 1 for i in ids})
    refs = Counter(m["X-Dondoc-Ref"] for m in smtp.inbox.messages)
    assert len(refs) == ASSIGNMENTS and set(refs.values()) == {1}  # each mail once

    # The deadline day comes; "a" is killed (SIGKILL) while both work, then started again.
    schedulers.clock.set(vn(2026, 3, 5, 8, 1))
    time.sleep(0.6)  # ticks come every second and take a while: likely mid-tick
    schedulers.kill("a")
    schedulers.start("a")
    wait_for(all_advanced_past(urging, vn(2026, 3, 5, 8, 1)), schedulers)
    # A mail claimed by "a" when it was killed is anyone's again when its lease (2 s) ends.
    wait_for(all_mail_sent(urging, smtp, 2 * ASSIGNMENTS), schedulers)
    assert kinds(urging) == Counter({**{(i, "reminder"): 1 for i in ids}, **{(i, "due_today"): 1 for i in ids}})
    refs = Counter(m["X-Dondoc-Ref"] for m in smtp.inbox.messages)
    # A kill between handing a mail to SMTP and recording it may send that one mail again
    # (at least once); it never loses one.
    assert len(refs) == 2 * ASSIGNMENTS and sum(refs.values()) - len(refs) <= 1
    assert "Traceback" not in schedulers.log()


def test_the_web_server_runs_the_scheduler_inside(urging, clock, smtp, schedulers):
    from tests.scheduler.smtp import free_port

    clock.set(vn(2026, 3, 2, 9))
    ids = [start_urging(urging, "2026-03-05", symbol=f"{n}/CT-UBND") for n in range(3)]
    schedulers.clock.set(vn(2026, 3, 4, 8, 1))
    schedulers.env.update(DONDOC_SCHEDULER_INTERVAL_SECONDS="1", DONDOC_SECRET_KEY="serve-test")
    schedulers.start("serve", "serve", "--workers", "1", "--bind", f"127.0.0.1:{free_port()}")
    wait_for(all_advanced_past(urging, vn(2026, 3, 4, 8, 1)), schedulers)
    wait_for(all_mail_sent(urging, smtp, 3), schedulers)
    assert kinds(urging) == Counter({(i, "reminder"): 1 for i in ids})

"""Mail sent exactly once in practice: two real `dondoc scheduler` processes while the clock
jumps, a claimer killed mid-send (its mail sent by another once the lease has run out), a
claimer outlived by its lease, a backlog after downtime, runs bounded in time."""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from engine.clock import VN_TZ
from engine.core import Engine
from engine.notifications import service as inbox
from engine.notifications.mail import machine_id
from engine.notifications.models import MailDigest, Notification
from engine.org import service as org
from engine.org.models import User
from engine.scheduler.service import tick
from tests.scheduler.processes import mail_quiet, wait_for


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def add_people(engine, count: int) -> list[int]:
    """`count` officers of the office, each with an e-mail address."""
    with engine.db.session() as s:
        unit = org.require_unit(s, "VP")
        people = [User(username=f"cv{n}", full_name=f"Chuyên Viên {n}", email=f"cv{n}@dondoc.test",
                       password_hash="-", unit_id=unit.id, roles=["unit_officer"]) for n in range(count)]
        s.add_all(people)
        s.flush()
        return [p.id for p in people]


def queue_reminders(engine, user_ids: list[int], each: int = 1) -> None:
    """`each` reminders for every one of `user_ids`, through the outbox writer."""
    with engine.db.session() as s:
        people = list(s.scalars(select(User).where(User.id.in_(user_ids))))
        for n in range(each):
            inbox.notify_users(s, people, "reminder", directive=None, assignment=None,
                               symbol=f"{n + 1}/CT-UBND", deadline="05/03/2026")


def arrived(smtp, count: int):
    def check() -> bool:
        """enough mail arrived"""
        return len(smtp.inbox.received) >= count
    return check


def claimed(engine):
    def check() -> bool:
        """a scheduler holds a claim"""
        with engine.db.reading() as s:
            return s.scalar(select(func.count(Notification.id)).where(Notification.claim_token.is_not(None))) > 0
    return check


def held(smtp):
    def check() -> bool:
        """the server holds the first sender's recipient"""
        return not smtp.inbox.slow_next
    return check


def the_claim(engine) -> Notification:
    with engine.db.reading() as s:
        return s.scalars(select(Notification).where(Notification.claim_token.is_not(None))).one()


def all_settled(engine):
    def check() -> bool:
        """every mail settled"""
        with engine.db.reading() as s:
            return not s.scalar(select(func.count(Notification.id)).where(Notification.email_status == "pending"))
    return check


def test_two_schedulers_send_each_mail_once_while_the_clock_jumps(urging, clock, smtp, schedulers):
    clock.set(vn(2026, 3, 4, 8))
    queue_reminders(urging, add_people(urging, 300))
    smtp.inbox.delay = 0.02  # a slow server: the jumps come while mails are in flight
    schedulers.clock.set(vn(2026, 3, 4, 8, 1))
    schedulers.start("a")
    wait_for(arrived(smtp, 30), schedulers)
    schedulers.clock.set(vn(2026, 3, 4, 8, 7))  # +6 min mid-batch: past a lease counted on the wall clock
    schedulers.start("b")  # its first batch begins after the jump, beside "a"'s
    wait_for(arrived(smtp, 150), schedulers)
    schedulers.clock.set(vn(2026, 3, 5, 8, 7))  # +24 h mid-batch
    wait_for(all_settled(urging), schedulers)
    wait_for(mail_quiet(smtp, 1.0), schedulers)  # a second copy in flight would land now
    refs = Counter(smtp.inbox.refs())
    assert len(refs) == 300 and [r for r, n in refs.items() if n > 1] == []
    assert "Traceback" not in schedulers.log()


def test_a_claimer_killed_mid_send_is_replaced_once_its_lease_has_run_out(urging, clock, smtp, schedulers):
    lease = 4
    clock.set(vn(2026, 3, 4, 8))
    queue_reminders(urging, add_people(urging, 1))
    smtp.inbox.slow_next = [30.0]  # the first sender hangs in the SMTP exchange
    schedulers.env["DONDOC_MAIL_LEASE_SECONDS"] = str(lease)
    schedulers.clock.set(vn(2026, 3, 4, 8, 1))
    schedulers.start("a")
    wait_for(claimed(urging), schedulers)
    wait_for(held(smtp), schedulers)
    schedulers.kill("a")  # SIGKILL while it holds the claim, before the server took the mail
    claim = the_claim(urging)
    assert claim.claimed_at == vn(2026, 3, 4, 8, 1) and claim.email_status == "pending"
    schedulers.clock.set(vn(2026, 3, 5, 8, 1))  # +24 h: no reason to take the mail over early
    schedulers.start("b")
    wait_for(arrived(smtp, 1), schedulers)
    # The lease counts on this machine's monotonic clock from "a"'s claim (its own entry).
    assert smtp.inbox.arrived[0] - claim.claim_clocks[machine_id()] >= lease
    wait_for(mail_quiet(smtp, 1.0), schedulers)
    assert smtp.inbox.refs() == [f"notifications/{claim.id}"]
    with urging.db.session() as s:
        row = s.get(Notification, claim.id)
        assert (row.email_status, row.attempts, row.claim_token, row.claim_clocks) == ("sent", 1, None, None)


def test_a_claimer_outlived_by_its_lease_cannot_record_over_its_successor(urging, clock, smtp, caplog):
    """Two Engine objects (each its own connection pool) on one database, in two threads."""
    clock.set(vn(2026, 3, 4, 8))
    queue_reminders(urging, add_people(urging, 1))
    urging.settings.mail_lease_seconds = 2
    other = Engine(replace(urging.settings))
    smtp.inbox.slow_next = [5.0]  # the first sender takes longer than the lease
    first = threading.Thread(target=tick, args=(urging,))
    try:
        with caplog.at_level(logging.WARNING, logger="engine.notifications.mail"):
            first.start()
            wait_for(claimed(urging), None)
            wait_for(held(smtp), None)
            clock.advance(timedelta(hours=24))
            assert tick(other).mail_sent == 0  # a jump of the wall clock ends no lease
            time.sleep(2.1)
            assert tick(other).mail_sent == 1  # the lease has run out: taken over and sent
            taken_over_at = clock.now()
            clock.advance(timedelta(hours=1))
            first.join(10)
    finally:
        other.close()
    with urging.db.session() as s:
        row = s.scalars(select(Notification)).one()
        # The first claimer's outcome came last and was refused: the token had changed.
        assert (row.email_status, row.sent_at, row.attempts, row.claim_token) == ("sent", taken_over_at, 1, None)
    assert "took it over before this one recorded its outcome (sent); this one does not send it" in caplog.text
    # The first claimer could not record it, so it left without the final dot: one copy only.
    [only_copy] = smtp.inbox.messages
    assert only_copy["Message-ID"] == "<notifications.1.20260304010000@localhost>"


def test_a_claim_from_another_machine_is_counted_from_first_sight(urging, clock, smtp):
    clock.set(vn(2026, 3, 4, 8))
    queue_reminders(urging, add_people(urging, 1))
    urging.settings.mail_lease_seconds = 1
    with urging.db.session() as s:  # a scheduler on another machine claimed it, then went silent
        s.execute(update(Notification).values(claim_token="f" * 32, claimed_at=clock.now(),
                                              claim_clocks={"another-boot-id": 12.5}))
    clock.advance(timedelta(hours=24))
    assert tick(urging).mail_sent == 0  # first sight: this machine starts counting now
    claim = the_claim(urging)
    assert claim.claim_clocks.keys() == {"another-boot-id", machine_id()}
    assert tick(urging).mail_sent == 0
    time.sleep(1.05)
    assert tick(urging).mail_sent == 1  # a lease after first sight, on this machine's clock
    assert smtp.inbox.arrived[0] - claim.claim_clocks[machine_id()] >= 1


def test_a_weeks_backlog_for_one_person_is_one_catch_up_mail(urging, clock, smtp, org_tree):
    clock.set(vn(2026, 3, 2, 8))
    with urging.db.session() as s:
        clerk, office_head = s.get(User, org_tree["clerk"].id), s.get(User, org_tree["office_head"].id)
        for n in range(1000):  # written by the web app while no scheduler ran, for a week
            inbox.notify_users(s, [clerk], "reminder", directive=None, assignment=None,
                               symbol=f"{n + 1}/CT-UBND", deadline="13/03/2026")
            if n < 10:  # as many as the threshold: not a backlog, one mail each
                inbox.notify_users(s, [office_head], "reminder", directive=None, assignment=None,
                                   symbol=f"{n + 1}/CT-UBND", deadline="13/03/2026")
            clock.advance(timedelta(minutes=10))
    clock.set(vn(2026, 3, 9, 8))
    result = tick(urging)
    assert (result.mail_sent, result.mail_failed) == (11, 0)
    [catch_up] = smtp.inbox.to("clerk@dondoc.test")
    assert len(smtp.inbox.to("chanhvp@dondoc.test")) == 10
    assert catch_up["To"] == "Nguyễn Văn Theo Dõi <clerk@dondoc.test>"
    assert catch_up["Subject"] == "Tổng hợp 1000 thông báo từ ngày 02/03/2026 đến ngày 09/03/2026"
    body = catch_up.get_content()
    assert body.startswith("Kính gửi Nguyễn Văn Theo Dõi,")
    assert "1. Nhắc hạn: nhiệm vụ theo văn bản 1/CT-UBND đến hạn ngày 13/03/2026 (02/03/2026)" in body
    assert "100. Nhắc hạn: nhiệm vụ theo văn bản 100/CT-UBND" in body and "101. " not in body
    assert "… và 900 thông báo khác." in body and "https://dondoc.daklak.gov.vn/notifications" in body
    assert tick(urging).mail_sent == 0  # once
    with urging.db.session() as s:  # still one by one in the clerk's list in the application
        assert inbox.unread_count(s, s.get_one(User, org_tree["clerk"].id)) == 1000
        digest = s.scalars(select(MailDigest)).one()
        assert (digest.day, len(digest.notification_ids), digest.email_status) == (None, 1000, "sent")


def test_a_backlog_for_many_people_goes_out_in_one_tick(urging, clock, smtp):
    clock.set(vn(2026, 3, 2, 8))
    queue_reminders(urging, add_people(urging, 500))  # one each: no catch-up mail
    clock.set(vn(2026, 3, 9, 8))
    # what is tested is the batches, not the machine: a loaded one sent 347 in the default 50 s
    urging.settings.mail_run_seconds = 600
    started = time.monotonic()
    assert tick(urging).mail_sent == 500  # batch after batch, not 200 a tick
    assert time.monotonic() - started < urging.settings.mail_run_seconds
    refs = Counter(smtp.inbox.refs())
    assert len(refs) == 500 and set(refs.values()) == {1}


def test_a_run_stops_taking_mail_when_its_time_is_up(urging, clock, smtp):
    clock.set(vn(2026, 3, 4, 8))
    queue_reminders(urging, add_people(urging, 20))
    urging.settings.mail_run_seconds = 1
    smtp.inbox.delay = 0.1  # a slow server: 20 mails take 2 s
    sent = [tick(urging).mail_sent]
    # each mail takes at least 0.1 s, so a 1 s run starts at most 10; counted, not timed: the tick's
    # other work (digests, catch-ups) took 2 s of a busy machine's wall clock beside a parallel worker
    assert 0 < sent[0] <= 10
    while sum(sent) < 20 and len(sent) < 5:
        sent.append(tick(urging).mail_sent)  # the next ticks take the rest
    assert sum(sent) == 20 and len(smtp.inbox.messages) == 20

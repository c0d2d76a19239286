"""E-mail from the outbox to a real SMTP server on localhost: delivery, retries with
backoff when the server refuses or is down, the daily digest."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update

from engine.clock import VN_TZ
from engine.directives.models import Assignment, AssignmentUnit, Directive
from engine.notifications import service as inbox
from engine.notifications.mail import MAX_ATTEMPTS, build_digests, send_due_mail
from engine.notifications.models import MailDigest, Notification
from engine.org import service as org
from engine.org.models import User
from engine.scheduler.service import tick
from tests.scheduler.conftest import start_urging


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def mail_rows(engine):
    with engine.db.session() as s:
        return s.execute(select(Notification.email_status, Notification.attempts)
                         .order_by(Notification.id)).all()


def test_a_reminder_reaches_the_officer_by_mail(urging, smtp, clock):
    clock.set(vn(2026, 3, 2, 9))
    assignment_id = start_urging(urging, "2026-03-05")
    clock.set(vn(2026, 3, 4, 8, 1))
    result = tick(urging)
    assert (result.advanced, result.mail_sent) == (1, 1)
    [message] = smtp.inbox.messages
    assert message["To"] == "Phạm Chuyên Viên <stc@dondoc.test>"
    assert message["Subject"] == "Nhắc hạn: nhiệm vụ theo văn bản 12/CT-UBND đến hạn ngày 05/03/2026"
    body = message.get_content()
    assert "Rà soát dự toán" in body and "Sở Tài chính" in body and "05/03/2026" in body
    assert f"https://dondoc.daklak.gov.vn/assignments/{assignment_id}" in body
    assert mail_rows(urging) == [("sent", 1)]
    assert tick(urging).mail_sent == 0  # sent once


def test_starttls_the_login_and_the_sender_are_the_settings(urging, clock, tmp_path):
    """docs/configuration.md's smtp_* rows, against a server that takes mail only over STARTTLS and after AUTH."""
    import ssl
    import subprocess

    from aiosmtpd.smtp import AuthResult

    from tests.scheduler.smtp import SmtpServer

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password, session.ssl is not None))
        return AuthResult(success=auth_data.password == b"mat-khau-smtp")

    server = SmtpServer(tls_context=tls, require_starttls=True, authenticator=authenticator, auth_required=True)
    server.start()
    try:
        settings = urging.settings
        settings.smtp_host, settings.smtp_port = "127.0.0.1", server.port
        settings.smtp_starttls, settings.smtp_user, settings.smtp_password = True, "dondoc", "mat-khau-smtp"
        settings.smtp_sender = "Văn phòng UBND tỉnh <theodoi@daklak.gov.vn>"
        clock.set(vn(2026, 3, 2, 9))
        start_urging(urging, "2026-03-05")
        clock.set(vn(2026, 3, 4, 8, 1))
        assert tick(urging).mail_sent == 1
    finally:
        server.stop()
    assert logins == [(b"dondoc", b"mat-khau-smtp", True)]  # the login went over the encrypted connection
    [message] = server.inbox.messages
    assert message["From"] == "Văn phòng UBND tỉnh <theodoi@daklak.gov.vn>"
    assert message["Message-ID"].endswith("@daklak.gov.vn>")


def test_a_long_subject_keeps_its_spaces_where_it_is_folded(urging, smtp):
    """A subject longer than a header line is folded into several encoded words: Python's folding put the
    space between two of them outside both, where RFC 2047 drops it ("… theo vănbản 45/TB-UBND …" in every
    mail reader, seen on the coordinating unit's overdue notice)."""
    from engine.notifications.mail import Mailer

    subject = "Phần phối hợp nhiệm vụ theo văn bản 45/TB-UBND đã quá hạn 2 ngày làm việc"
    mailer = Mailer(urging.settings)
    try:
        assert mailer.send("Hoàng Văn Bình <sxd@dondoc.test>", subject, "Kính gửi", "notifications/1",
                           vn(2026, 3, 24, 9), lambda: True)
    finally:
        mailer.close()
    [message] = smtp.inbox.messages
    assert message["Subject"] == subject


def test_a_refusing_or_absent_server_means_retries_not_loss(urging, smtp, clock, caplog):
    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05")
    smtp.inbox.refuse = True
    clock.set(vn(2026, 3, 4, 8, 1))
    result = tick(urging)
    assert (result.advanced, result.mail_failed) == (1, 1)  # the step committed all the same
    assert mail_rows(urging) == [("pending", 1)]
    assert tick(urging).mail_failed == 0  # backing off: not before a minute
    clock.advance(timedelta(minutes=1))
    assert tick(urging).mail_failed == 1
    smtp.stop()  # now nobody listens at all
    clock.advance(timedelta(minutes=2))
    assert tick(urging).mail_failed == 1
    with urging.db.session() as s:
        note = s.scalars(select(Notification)).one()
        assert note.attempts == 3 and "Connection refused" in note.last_error
        assert note.next_attempt_at == clock.now() + timedelta(minutes=4)
    smtp.start()
    smtp.inbox.refuse = False
    clock.advance(timedelta(minutes=4))
    assert tick(urging).mail_sent == 1
    assert len(smtp.inbox.messages) == 1 and mail_rows(urging) == [("sent", 4)]


def test_giving_up_is_logged_and_kept(urging, smtp, clock, caplog):
    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05")
    smtp.inbox.refuse = True
    clock.set(vn(2026, 3, 4, 8, 1))
    with caplog.at_level(logging.WARNING, logger="engine.notifications.mail"):
        for _ in range(MAX_ATTEMPTS):
            tick(urging)
            clock.advance(timedelta(hours=6))
    assert mail_rows(urging)[0] == ("failed", MAX_ATTEMPTS)
    assert any("given up" in r.message and r.levelno == logging.ERROR for r in caplog.records)
    with urging.db.session() as s:  # still in the officer's list in the application
        stc = s.scalar(select(User).where(User.username == "stc"))
        assert s.get(Notification, 1).read_at is None and inbox.unread_count(s, stc) >= 1


def test_digest_people_get_one_mail_a_day(urging, smtp, clock, org_tree):
    with urging.db.session() as s:
        inbox.set_digest(s, org_tree["stc"].id, True)
    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05", symbol="1/CT-UBND")
    start_urging(urging, "2026-03-05", symbol="2/CT-UBND")
    clock.set(vn(2026, 3, 4, 8, 1))
    tick(urging)  # two reminders for stc, held for the digest
    assert smtp.inbox.messages == [] and {r[0] for r in mail_rows(urging)} == {"digest"}
    clock.set(vn(2026, 3, 5, 6, 59))
    tick(urging)  # the deadline-day notices (08:00) are not due yet; the digest hour neither
    assert smtp.inbox.messages == []
    clock.set(vn(2026, 3, 5, 7, 0))
    assert build_digests(urging.db, urging.settings, clock.now()) == 1
    assert build_digests(urging.db, urging.settings, clock.now()) == 0  # a second scheduler: nothing
    assert send_due_mail(urging.db, urging.settings).sent == 1
    [digest] = smtp.inbox.messages
    assert digest["To"] == "Phạm Chuyên Viên <stc@dondoc.test>"
    assert digest["Subject"] == "Tổng hợp thông báo ngày 05/03/2026 (2 thông báo)"
    body = digest.get_content()  # grouped by directive
    assert "\nVăn bản 1/CT-UBND (1):\n- Nhắc hạn: nhiệm vụ theo văn bản 1/CT-UBND" in body
    assert "\nVăn bản 2/CT-UBND (1):\n- Nhắc hạn: nhiệm vụ theo văn bản 2/CT-UBND" in body
    clock.set(vn(2026, 3, 5, 8, 1))
    tick(urging)  # two deadline-day notices: tomorrow's digest
    clock.set(vn(2026, 3, 5, 17))
    tick(urging)
    assert len(smtp.inbox.messages) == 1
    clock.set(vn(2026, 3, 6, 7, 30))
    tick(urging)
    assert len(smtp.inbox.messages) == 2 and "(2 thông báo)" in smtp.inbox.messages[1]["Subject"]
    with urging.db.session() as s:
        assert [d.day.isoformat() for d in s.scalars(select(MailDigest).order_by(MailDigest.day))] == [
            "2026-03-05", "2026-03-06"]


def test_no_address_no_mail_and_mail_off_keeps_everything(urging, clock, org_tree):
    with urging.db.session() as s:
        s.get(User, org_tree["stc"].id).email = None
    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05")
    clock.set(vn(2026, 3, 4, 8, 1))
    assert tick(urging).mail_sent == 0  # smtp_host is empty: mail is off
    assert mail_rows(urging) == [("skipped", 0)]


def test_a_deactivated_person_is_mailed_nothing_queued_for_them(urging, smtp, clock, org_tree):
    """Someone who left the office keeps their address on the account: a mail written while
    they could still sign in (the server was down, a digest waiting for its hour) is not sent
    to them after their account is closed, with the task it describes."""
    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05")
    smtp.inbox.refuse = True
    clock.set(vn(2026, 3, 4, 8, 1))
    tick(urging)
    assert mail_rows(urging) == [("pending", 1)]
    with urging.db.session() as s:
        s.get(User, org_tree["stc"].id).active = False
    smtp.inbox.refuse = False
    clock.advance(timedelta(minutes=1))
    tick(urging)
    assert smtp.inbox.messages == [] and mail_rows(urging) == [("skipped", 1)]


def test_timers_run_command_also_sends_mail(urging, smtp, clock, monkeypatch, database_url, tmp_path):
    from click.testing import CliRunner

    from webui.cli import cli

    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05")
    env = {"DONDOC_DATABASE_URL": database_url, "DONDOC_RULESET": urging.settings.ruleset,
           "DONDOC_PROCESSES_DIR": urging.settings.processes_dir, "DONDOC_SMTP_HOST": "127.0.0.1",
           "DONDOC_SMTP_PORT": str(smtp.port), "DONDOC_TESTING": "1", "DONDOC_CONFIG": ""}
    result = CliRunner().invoke(cli, ["timers", "run", "--now", "2026-03-04T08:05:00+07:00"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 workflows advanced, 1 mails sent, 0 mails failed" in result.output
    assert len(smtp.inbox.messages) == 1
    bad = CliRunner().invoke(cli, ["timers", "run", "--now", "tomorrow"], env=env)
    assert bad.exit_code == 1 and "is not an ISO datetime" in bad.output


def test_an_unreachable_server_stops_the_run_until_the_next_tick(urging, smtp, clock):
    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05", symbol="1/CT-UBND")
    start_urging(urging, "2026-03-05", symbol="2/CT-UBND")
    smtp.stop()
    clock.set(vn(2026, 3, 4, 8, 1))
    assert tick(urging).mail_failed == 1  # not one connection timeout per waiting mail
    assert sorted(mail_rows(urging)) == [("pending", 0), ("pending", 1)]
    smtp.start()
    clock.advance(timedelta(minutes=1))
    assert tick(urging).mail_sent == 2 and mail_rows(urging) == [("sent", 2), ("sent", 1)]


def test_a_queued_mail_says_nothing_of_what_its_reader_may_no_longer_see(urging, smtp, clock, org_tree):
    """Mail written while its reader could see its task, sent after they lost sight of it (the
    directive became secret to the clerk, the officer's unit moved, the task went to another
    unit): not sent, recorded as skipped; a digest lists only what its reader may still see."""
    with urging.db.session() as s:
        for person in ("stc", "sxd"):
            inbox.set_digest(s, org_tree[person].id, True)
    clock.set(vn(2026, 3, 2, 9))
    first = start_urging(urging, "2026-03-05", symbol="1/CT-UBND")
    start_urging(urging, "2026-03-05", symbol="2/CT-UBND", lead="SXD")
    moved = start_urging(urging, "2026-03-05", symbol="3/CT-UBND")
    with urging.db.session() as s:
        assignment = s.get_one(Assignment, first)
        office = [s.get_one(User, org_tree[person].id) for person in ("clerk", "office_head")]
        inbox.notify_users(s, office, "overdue", directive=s.get(Directive, assignment.directive_id),
                           assignment=assignment)
        s.get_one(Directive, assignment.directive_id).secrecy = "secret"  # the office head still reads it
    clock.set(vn(2026, 3, 4, 8, 1))
    tick(urging)  # the reminders wait for the digests of stc (1/, 3/) and sxd (2/)
    assert [m["To"] for m in smtp.inbox.messages] == ["Trần Chánh Văn Phòng <chanhvp@dondoc.test>"]
    with urging.db.session() as s:
        assert s.scalar(select(Notification.email_status).where(Notification.user_id == org_tree["clerk"].id)) \
            == "skipped"
        s.get_one(User, org_tree["sxd"].id).unit_id = org.require_unit(s, "STC-NS").id
        sxd = org.require_unit(s, "SXD").id
        s.get_one(Assignment, moved).lead_unit_id = sxd
        s.execute(update(AssignmentUnit).where(AssignmentUnit.assignment_id == moved).values(unit_id=sxd))
    clock.set(vn(2026, 3, 5, 7, 0))
    tick(urging)
    [_, digest] = smtp.inbox.messages
    assert digest["To"] == "Phạm Chuyên Viên <stc@dondoc.test>" and "(1 thông báo)" in digest["Subject"]
    assert "1/CT-UBND" in digest.get_content() and "3/CT-UBND" not in digest.get_content()
    with urging.db.session() as s:
        statuses = dict(s.execute(select(MailDigest.user_id, MailDigest.email_status)).all())
    assert statuses == {org_tree["stc"].id: "sent", org_tree["sxd"].id: "skipped"}

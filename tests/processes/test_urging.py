"""Urging beyond the lead unit's deadline, through the real assignment process (dak-lak,
2026 calendar: Tết off Mon 16 – Fri 20 Feb): a coordinating unit urged to its own deadline
(Đ.9 k.2a), and the lead unit's missed first update (Đ.7 k.2a: 3 working days)."""
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.clock import VN_TZ
from engine.directives.models import URGING_SENT
from engine.notifications.models import Notification
from engine.org.models import User
from tests.processes import drive

pytestmark = pytest.mark.usefixtures("worker_mode")

# Registered Thu 12/02/2026 09:00; the lead's first update is due Tue 24/02 (3 working days).
LONG = {"content": "Rà soát quy hoạch", "lead_unit": "STC", "deadline": "31/03/2026"}


def urged(engine, assignment_id: int) -> list[tuple[str, str, str, str]]:
    """(user, kind, VN time, subject) of the urging notifications of an assignment, oldest first."""
    kinds = ("reminder", "due_today", "overdue", "escalation", "periodic_update")
    with engine.db.session() as s:
        rows = s.execute(select(User.username, Notification.kind, Notification.created_at, Notification.subject)
                         .join(User, User.id == Notification.user_id)
                         .where(Notification.assignment_id == assignment_id, Notification.kind.in_(kinds))
                         .order_by(Notification.id)).all()
    return [(u, k, at.astimezone(VN_TZ).strftime("%d/%m %H:%M"), subject) for u, k, at, subject in rows]


def at(engine, clock, *moments: datetime) -> None:
    for moment in moments:
        drive.run_timers_at(engine, clock, moment.replace(tzinfo=VN_TZ))


def test_coordinating_unit_is_urged_to_its_own_deadline_until_it_sends_its_part(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**LONG, "coordinating_units": [{"unit": "SXD", "deadline": "24/02/2026"}]}])
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, users["stc"])  # first update
    # Mon 23 (1 working day before its Tue 24 deadline), Tue 24, Wed 25 (overdue).
    at(engine, clock, datetime(2026, 2, 23, 9), datetime(2026, 2, 24, 9), datetime(2026, 2, 25, 9))
    sxd = [(who, kind, when) for who, kind, when, _ in urged(engine, aid) if who == "sxd"]
    assert sxd == [("sxd", "reminder", "23/02 09:00"), ("sxd", "due_today", "24/02 09:00"),
                   ("sxd", "overdue", "25/02 09:00")]
    # Only the coordinating unit's staff hear of its part: not the lead unit, not the office.
    assert {who for who, *_ in urged(engine, aid)} == {"sxd"}
    subjects = [subject for *_, subject in urged(engine, aid)]
    assert "phần phối hợp" in subjects[0] and "24/02/2026" in subjects[0]
    assert subjects[2].startswith("Phần phối hợp nhiệm vụ") and "quá hạn 1 ngày" in subjects[2]
    drive.complete(engine, "contribute", {"contribution_progress": "done", "contribution_note": "Đã gửi"},
                   users["sxd"], unit="SXD")
    at(engine, clock, datetime(2026, 2, 27, 9), datetime(2026, 3, 5, 9))
    assert len(urged(engine, aid)) == 3  # the part sent: no more alerts, no escalation
    assert drive.ready_elements(engine) == ["handle"]


def test_a_deadline_inside_tet_is_urged_as_due_on_the_next_working_day_not_as_overdue(loaded, org_tree, clock):
    """Due Fri 20/02/2026, inside Tết: the deadline ends with Mon 23/02 (Bộ luật Dân sự 2015, Đ.148
    k.5). That Monday the unit hears it is due that day, not that it is a day late; Tuesday it is
    1 working day overdue."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**LONG, "deadline": "20/02/2026"}])
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, users["stc"])  # first update
    at(engine, clock, datetime(2026, 2, 23, 9), datetime(2026, 2, 24, 9))
    stc = [(kind, when, subject) for who, kind, when, subject in urged(engine, aid) if who == "stc"]
    assert [(kind, when) for kind, when, _ in stc][-2:] == [("due_today", "23/02 09:00"), ("overdue", "24/02 09:00")]
    assert stc[-1][2].endswith("quá hạn 1 ngày làm việc")


def test_missed_first_update_is_urged_like_a_deadline(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [LONG])
    # Mon 23 reminder, Tue 24 due, Wed 25 overdue (the office told too), then the unit reports.
    at(engine, clock, datetime(2026, 2, 23, 9), datetime(2026, 2, 24, 9), datetime(2026, 2, 25, 9))
    assert [(who, kind, when) for who, kind, when, _ in urged(engine, aid)] == [
        ("stc", "reminder", "23/02 09:00"), ("stc", "due_today", "24/02 09:00"),
        ("stc", "overdue", "25/02 09:00"), ("clerk", "overdue", "25/02 09:00")]
    subject = urged(engine, aid)[2][3]
    assert subject.startswith("Chưa cập nhật tình hình lần đầu") and "quá hạn 1 ngày" in subject
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, users["stc"])
    at(engine, clock, datetime(2026, 2, 27, 9), datetime(2026, 3, 4, 9))
    assert len(urged(engine, aid)) == 4  # reported: nothing more until the deadline's own reminders


def test_a_server_off_wakes_to_one_first_update_escalation_per_person(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [LONG])
    # Off from registration until Wed 4 Mar: the reminder, due-day notice, two overdue alerts and
    # the escalation (5 working days late, Tue 3 Mar) all missed.
    at(engine, clock, datetime(2026, 3, 4, 10))
    at(engine, clock, datetime(2026, 3, 4, 10, 1))
    assert sorted((who, kind) for who, kind, *_ in urged(engine, aid)) == [
        ("chanhvp", "escalation"), ("chutich", "escalation"), ("stc", "escalation"), ("stc_gd", "escalation")]
    assert "chưa cập nhật tình hình lần đầu" in urged(engine, aid)[0][3]


def test_each_urging_event_is_in_the_history_with_what_was_sent_and_to_whom(loaded, org_tree, clock):
    """The history's entry of each event (what the inspection's urging file reads): its kind, about the
    lead's first report or a coordinating unit's part, the day and the working days left or late, and
    each person told by unit and full name — a timer's "Đến thời điểm hẹn giờ" said none of it."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**LONG, "coordinating_units": [{"unit": "SXD", "deadline": "24/02/2026"}]}])
    at(engine, clock, datetime(2026, 2, 23, 9), datetime(2026, 2, 25, 9))
    with engine.db.session() as s:
        sent = sorted((e.after for e in s.scalars(select(AuditEntry).where(
            AuditEntry.assignment_id == aid, AuditEntry.action == URGING_SENT))), key=lambda a: (a["kind"], a["about"]))
    office = {"unit": "Văn phòng UBND tỉnh", "name": "Nguyễn Văn Theo Dõi", "mail": False}
    stc = {"unit": "Sở Tài chính", "name": "Phạm Chuyên Viên", "mail": False}
    sxd = {"unit": "Sở Xây dựng", "name": "Đỗ Chuyên Viên", "mail": False}
    assert [(a["kind"], a["about"], a["part"], a["due"], a["days"], a["told"]) for a in sent] == [
        ("overdue", "deadline", "Sở Xây dựng", "2026-02-24", 1, [sxd]),       # the part's own deadline
        ("overdue", "first_update", None, "2026-02-24", 1, [stc, office]),  # the lead's first report
        ("reminder", "deadline", "Sở Xây dựng", "2026-02-24", 1, [sxd]),
        ("reminder", "first_update", None, "2026-02-24", 1, [stc])]


def test_the_history_counts_a_deadline_inside_tet_to_its_end_as_the_mails_do(loaded, org_tree, clock):
    """Due Fri 20/02/2026, inside Tết, it ends with Mon 23/02 (Bộ luật Dân sự Đ.148 k.5): the reminder of
    Fri 13/02 leaves 1 working day and Tue 24/02 is 1 day late, in the history as in the mail ("quá hạn 1
    ngày"). The history counted the deadline as written: "còn 0 ngày làm việc", then 2 days late."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**LONG, "deadline": "20/02/2026"}])
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, users["stc"])  # first update
    at(engine, clock, datetime(2026, 2, 13, 9), datetime(2026, 2, 24, 9))
    with engine.db.session() as s:
        sent = [(e.after["kind"], e.after["due"], e.after["days"]) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.assignment_id == aid, AuditEntry.action == URGING_SENT)
            .order_by(AuditEntry.id)) if e.after["about"] == "deadline"]
    assert ("reminder", "2026-02-20", 1) in sent and ("overdue", "2026-02-20", 1) in sent
    assert [subject for who, kind, _, subject in urged(engine, aid) if kind == "overdue"][-1].endswith(
        "quá hạn 1 ngày làm việc")

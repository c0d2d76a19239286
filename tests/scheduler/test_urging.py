"""urging.bpmn on the injected clock, driven by the scheduler's tick: reminders at the
right working-day moments (across Tết 2026), overdue alerts, escalation to the right
people, periodic updates of open tasks, catch-up after downtime, closing and extensions."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from engine.clock import VN_TZ
from engine.directives.models import Assignment
from engine.notifications.models import Notification
from engine.org import service as org
from engine.runtime.models import WorkflowInstance
from engine.scheduler.service import tick
from tests.scheduler.conftest import notes, start_urging


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def run_until(engine, clock, until: datetime, every=timedelta(hours=3)) -> None:
    """Tick like a running scheduler, every `every`, up to `until`."""
    while clock.now() < until:
        clock.advance(every)
        tick(engine)


def test_reminders_overdue_and_escalation_across_tet(urging, clock):
    clock.set(vn(2026, 2, 12, 8, 30))  # Thu; Tết 2026: off Mon 16 – Fri 20 Feb
    start_urging(urging, "2026-02-25")  # Wed after Tết
    run_until(urging, clock, vn(2026, 3, 6, 12))
    assert notes(urging) == [
        ("stc", "reminder", "2026-02-13 08:30"),   # 3 working days before: Fri before Tết
        ("stc", "reminder", "2026-02-24 08:30"),   # 1 working day before
        ("stc", "due_today", "2026-02-25 08:30"),
        ("stc", "overdue", "2026-02-26 08:30"),    # first working day overdue
        ("clerk", "overdue", "2026-02-26 08:30"),
        ("stc", "overdue", "2026-03-02 08:30"),    # every 2 working days (over the weekend)
        ("clerk", "overdue", "2026-03-02 08:30"),
        ("stc", "escalation", "2026-03-04 08:30"),  # 5 working days overdue: head, office head, leader
        ("stc_gd", "escalation", "2026-03-04 08:30"),
        ("chanhvp", "escalation", "2026-03-04 08:30"),
        ("chutich", "escalation", "2026-03-04 08:30"),
        ("stc", "overdue", "2026-03-06 08:30"),
        ("clerk", "overdue", "2026-03-06 08:30"),
    ]
    with urging.db.session() as s:
        escalation = s.scalars(select(Notification).where(Notification.kind == "escalation")).first()
        assert "quá hạn 5 ngày làm việc" in escalation.subject and "12/CT-UBND" in escalation.subject
        assert "Rà soát dự toán" in escalation.body and "25/02/2026" in escalation.body
        assert escalation.link == f"/assignments/{escalation.assignment_id}"


def test_a_follow_up_officer_who_left_hands_the_notices_back_to_the_office(urging, clock):
    """The assignment's follow-up officer takes the office clerk's notices; once their account is
    closed, or the clerk role taken from them (moved to other work), the office's clerks are told
    that the task is overdue, not an account nobody reads."""
    clock.set(vn(2026, 2, 12, 8, 30))
    for n, gone in enumerate(({"active": False}, {"roles": ["unit_officer"]}), start=1):
        assignment_id = start_urging(urging, "2026-02-25", symbol=f"{n}/CT-UBND")
        with urging.db.session() as s:
            officer = org.create_user(s, f"cbtd{n}", "x" * 12, "Cán Bộ Theo Dõi", "VP", ["clerk"])
            s.get(Assignment, assignment_id).follow_up_officer_id = officer.id
            for field, value in gone.items():
                setattr(officer, field, value)
    run_until(urging, clock, vn(2026, 2, 26, 12))
    assert sorted(who for who, _kind, _at in notes(urging, kind="overdue")) == ["clerk", "clerk", "stc", "stc"]


def test_week_of_downtime_collapses_into_one_catch_up(urging, clock):
    clock.set(vn(2026, 2, 12, 8, 30))
    start_urging(urging, "2026-02-13")
    # The server is off from now until Thu 5 Mar 10:00: the deadline-day notice, four overdue
    # alerts and the escalation were all missed.
    clock.set(vn(2026, 3, 5, 10))
    tick(urging)
    clock.advance(timedelta(minutes=1))
    tick(urging)
    assert notes(urging) == [(who, "escalation", "2026-03-05 10:00") for who in ("stc", "stc_gd", "chanhvp",
                                                                                   "chutich")]
    with urging.db.session() as s:
        subject = s.scalars(select(Notification.subject)).first()
        assert "quá hạn 9 ngày làm việc" in subject  # 23 Feb – 5 Mar, Tết excluded
        due = s.scalars(select(WorkflowInstance.next_timer_due)).one()
        assert due.astimezone(VN_TZ) == vn(2026, 3, 9, 8)  # back on the every-2-days rhythm
    run_until(urging, clock, vn(2026, 3, 9, 9), every=timedelta(hours=1))
    assert notes(urging)[4:] == [("stc", "overdue", "2026-03-09 08:01"), ("clerk", "overdue", "2026-03-09 08:01")]


def test_open_task_asks_for_its_quarterly_update(urging, clock):
    start_urging(urging, None)
    clock.set(vn(2026, 3, 26, 8, 30))  # Q1 ends Tue 31 Mar: asked 3 working days before
    tick(urging)
    clock.set(vn(2026, 6, 24, 9))
    tick(urging)
    clock.set(vn(2026, 6, 25, 8, 30))  # Q2 ends Tue 30 Jun
    tick(urging)
    assert notes(urging) == [("stc", "periodic_update", "2026-03-26 08:30"),
                             ("stc", "periodic_update", "2026-06-25 08:30")]


def test_closing_stops_and_extension_replans(urging, clock):
    clock.set(vn(2026, 3, 2, 9))
    closed = start_urging(urging, "2026-03-10", symbol="1/CT-UBND")
    extended = start_urging(urging, "2026-03-10", symbol="2/CT-UBND")
    with urging.db.session() as s:
        s.get(Assignment, closed).status = "closed"
        s.get(Assignment, extended).deadline = date(2026, 3, 20)
    run_until(urging, clock, vn(2026, 3, 17, 12))
    assert notes(urging, assignment_id=closed) == []
    # 5 Mar (3 days before the 10th) found the new deadline: re-planned, nothing sent then.
    assert notes(urging, assignment_id=extended) == [("stc", "reminder", "2026-03-17 09:00")]
    with urging.db.session() as s:
        states = dict(s.execute(select(WorkflowInstance.assignment_id, WorkflowInstance.status)).all())
    assert states == {closed: "completed", extended: "running"}


def test_secret_assignment_content_stays_out_of_messages(urging, clock):
    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05", content="Nội dung mật", secret=True)
    run_until(urging, clock, vn(2026, 3, 4, 12))
    with urging.db.session() as s:
        note = s.scalars(select(Notification)).one()
    assert "Nội dung mật" not in note.body + note.subject and "05/03/2026" in note.body

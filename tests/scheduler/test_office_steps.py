"""The steps urged past their due day (engine.urging.steps), through the real rulesets on the 2026
calendar (Tết: Mon 16 – Fri 20 Feb off): the holders of an office's or a unit's step reminded, the
office head (and a unit's head) told `office_escalate_after` working days later, each once whatever
the number of ticks, schedulers and restarts; a leader's late step told to the office head, not
urged at him; Gia Lai's Director told when a directive waits for his assignment — also for a
directive that was already waiting when the ruleset version naming his step was published."""
from __future__ import annotations

import shutil
import time
from collections import Counter
from datetime import date, datetime

import pytest
from markupsafe import escape
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.clock import VN_TZ
from engine.config import REPO_ROOT
from engine.notifications.models import Notification
from engine.org.models import User
from engine.scheduler.service import tick
from engine.urging.steps import STEP_KINDS, STEP_URGED
from tests.conftest import make_engine, publish_newer_version
from tests.scenarios.drive import Scenario, due_day
from tests.scheduler.processes import Schedulers, wait_for
from tests.webui.conftest import Browser
from webui.app import create_app

ITEMS = [{"content": "Rà soát dự toán", "lead_unit": "STC", "deadline": "31/03/2026"}]


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def at(sc: Scenario, moment: datetime) -> int:
    """One scheduler tick at `moment` (in-process); how many office-step events it sent."""
    sc.clock.set(moment)
    result = tick(sc.engine, moment)
    assert result.errors == 0
    return result.steps_urged


def step_notes(engine) -> Counter:
    """(username, kind) of the office steps' notifications, counted."""
    with engine.db.session() as s:
        return Counter(s.execute(select(User.username, Notification.kind).join(User, User.id == Notification.user_id)
                                 .where(Notification.kind.in_(STEP_KINDS))).all())


def history(sc: Scenario, about) -> list[str]:
    """The history lines (of the record `about` selects: a directive's, an assignment's) about the
    steps' urging, oldest first, in Vietnamese."""
    from engine.registry.service import history as entries
    from webui.history import readable

    app = create_app(sc.engine)
    with app.test_request_context(headers={"Accept-Language": "vi"}), sc.engine.db.reading() as s:
        lines = readable(sc.engine, s, entries(s, about, AuditEntry.action == STEP_URGED))
        return [line.what for line in reversed(lines)]


@pytest.fixture
def start(database_url, clock, tmp_path):
    """start(ruleset, processes folder) -> a Scenario on it at Thu 12/02/2026 09:00, closed at the end."""
    started: list[Scenario] = []

    def begin(ruleset: str, processes=None) -> Scenario:
        sc = Scenario.populate(make_engine(database_url, clock, ruleset, processes and str(processes), tmp_path), clock)
        started.append(sc)
        sc.at("2026-02-12 09:00")  # Thursday before Tết
        return sc
    yield begin
    for sc in started:
        sc.close()


def test_a_late_classification_reminds_the_clerk_once_then_the_office_head_once(start):
    sc = start("dak-lak")
    directive = sc.register("45/2026/QĐ-UBND", "12/02/2026", ITEMS)
    # Đ.7 k.1: 2 working days after the issue day: Fri 13, then Tết, then Mon 23.
    assert due_day(sc.ready("classify")) == date(2026, 2, 23)
    at(sc, vn(2026, 2, 23, 16))  # the due day itself: nothing
    assert step_notes(sc.engine) == Counter()
    # Tue 24: one working day late; every tick after the first finds it sent
    assert [at(sc, vn(2026, 2, 24, 9)) for _ in range(3)] == [1, 0, 0]
    assert step_notes(sc.engine) == Counter({("clerk", "step_overdue"): 1})
    at(sc, vn(2026, 2, 25, 9))  # 2 working days late: the office head is told, the clerk too
    at(sc, vn(2026, 2, 26, 9))
    assert step_notes(sc.engine) == Counter({("clerk", "step_overdue"): 1, ("clerk", "step_escalation"): 1,
                                             ("chanhvp", "step_escalation"): 1})
    [note] = sc.notices("step_escalation")[:1]
    assert note.subject == "Đề nghị chỉ đạo: Phân loại văn bản — văn bản 45/2026/QĐ-UBND quá hạn 2 ngày làm việc"
    assert "hạn 23/02/2026" in note.body and "Người được giao: Clerk." in note.body
    assert note.link == f"/work/{sc.ready('classify').id}"
    assert history(sc, AuditEntry.directive_id == directive.id) == [
        "Nhắc việc quá hạn: «Phân loại văn bản» quá hạn 1 ngày làm việc (hạn 23/02/2026) — gửi Văn phòng: Clerk "
        "(chỉ báo trên hệ thống, không có địa chỉ thư: Clerk)",
        "Báo cáo đề nghị chỉ đạo: «Phân loại văn bản» quá hạn 2 ngày làm việc (hạn 23/02/2026) — gửi Văn phòng: "
        "Clerk, Chanhvp (chỉ báo trên hệ thống, không có địa chỉ thư: Clerk, Chanhvp)"]
    # The office head reads it among his notifications, and on the directive's page.
    office_head = Browser(create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True))
    office_head.login("chanhvp")
    listed = office_head.get("/notifications").get_data(as_text=True)
    assert "Đề nghị chỉ đạo</span>" in listed and escape(note.subject) in listed
    page = office_head.get(f"/directives/{directive.id}").get_data(as_text=True)
    assert escape("Báo cáo đề nghị chỉ đạo: «Phân loại văn bản» quá hạn 2 ngày làm việc (hạn 23/02/2026)") in page
    sc.complete("classify", "clerk", {"tracked": "on"})
    at(sc, vn(2026, 3, 10, 9))
    assert sum(step_notes(sc.engine).values()) == 3  # done: nothing more


def test_a_server_off_past_the_escalation_sends_only_the_escalation(start):
    sc = start("dak-lak")
    sc.register("46/2026/QĐ-UBND", "12/02/2026", ITEMS)
    at(sc, vn(2026, 3, 2, 9))  # first tick a week after the due day
    at(sc, vn(2026, 3, 3, 9))
    assert step_notes(sc.engine) == Counter({("clerk", "step_escalation"): 1, ("chanhvp", "step_escalation"): 1})


def test_a_late_consolidation_reminds_the_office_that_does_it(start):
    """The office's report is the office's as a body ([lanes] "office"): its clerks and its head
    hold it, and both are reminded when its day has passed."""
    from engine.reports import adhoc

    sc = start("dak-lak")
    sc.at("2026-03-02 09:00")
    adhoc.request_report(sc.engine, {"topic": "Tình hình giải ngân", "units": ["STC"], "due": "06/03/2026",
                                     "office_due": "11/03/2026"}, sc.users["clerk"])
    sc.at("2026-03-09 09:00")  # collection closed: the office consolidates by Wed 11
    at(sc, vn(2026, 3, 12, 9))
    assert step_notes(sc.engine) == Counter({("clerk", "step_overdue"): 1, ("chanhvp", "step_overdue"): 1})
    note = sc.notices("step_overdue")[0]
    assert note.subject == "Quá hạn 1 ngày làm việc: Tổng hợp báo cáo trình lãnh đạo"
    assert "(hạn 11/03/2026)" in note.body and "trình lãnh đạo chậm nhất ngày 11/03/2026" in note.body


def test_a_late_status_update_is_in_the_assignments_history(start):
    """Bạc Liêu Đ.9 k.1: the office records the status ≤ 3 working days after the deadline; later,
    its clerk is reminded, and the assignment's history says so."""
    from tests.scenarios import test_bac_lieu as bac_lieu

    sc = start("bac-lieu")
    assignment = bac_lieu._tracked(sc, "60/TTg-KTTH", "06/03/2026")
    sc.at("2026-03-09 09:00")
    assert due_day(sc.ready("update_status")) == date(2026, 3, 11)
    at(sc, vn(2026, 3, 12, 9))
    assert step_notes(sc.engine) == Counter({("clerk", "step_overdue"): 1})
    assert [n.assignment_id for n in sc.notices("step_overdue")] == [assignment.id]
    assert history(sc, AuditEntry.assignment_id == assignment.id) == [
        "Nhắc việc quá hạn: «Cập nhật tình trạng nhiệm vụ» quá hạn 1 ngày làm việc (hạn 11/03/2026) — gửi "
        "Văn phòng: Clerk (chỉ báo trên hệ thống, không có địa chỉ thư: Clerk)"]


def test_a_late_status_update_reminds_the_assignments_follow_up_officer_alone_while_in_force(start):
    """An assignment naming its follow-up officer (cán bộ theo dõi): he takes the clerks' part of it,
    so its late status update reminds him, not every clerk of the office; when his account has
    ended, the office's clerks hold it again and the escalation goes to them."""
    from tests.scenarios import test_bac_lieu as bac_lieu
    from tests.scenarios.drive import _user

    sc = start("bac-lieu")
    with sc.engine.db.session() as s:
        _user(s, "theodoi", "VP", ["clerk"])
    directive = sc.register("61/TTg-KTTH", "12/02/2026", [{"content": "Báo cáo tình hình", "lead_unit": "STC",
                                                          "deadline": "06/03/2026", "follow_up_officer": "theodoi"}],
                            **bac_lieu.GOVERNMENT)
    sc.complete("check_received", "clerk", {"action": "accept"})
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    sc.at("2026-03-09 09:00")
    at(sc, vn(2026, 3, 12, 9))
    assert step_notes(sc.engine) == Counter({("theodoi", "step_overdue"): 1})
    with sc.engine.db.session() as s:
        s.scalars(select(User).where(User.username == "theodoi")).one().active = False
    at(sc, vn(2026, 3, 13, 9))  # 2 working days late: the office head, and the clerks who hold it now
    assert step_notes(sc.engine) == Counter({("theodoi", "step_overdue"): 1, ("clerk", "step_escalation"): 1,
                                             ("chanhvp", "step_escalation"): 1})
    assert "Người được giao: Clerk." in sc.notices("step_escalation")[0].body
    assert history(sc, AuditEntry.assignment_id == assignment.id)[0] == (
        "Nhắc việc quá hạn: «Cập nhật tình trạng nhiệm vụ» quá hạn 1 ngày làm việc (hạn 11/03/2026) — gửi "
        "Văn phòng: Theodoi (chỉ báo trên hệ thống, không có địa chỉ thư: Theodoi)")


def test_a_due_day_inside_tet_ends_on_the_next_working_day(start):
    """Gia Lai classifies at once after the Director (registration = 0): the Director assigns on
    Tue 17/02, in Tết; the step is due that day, which ends with Mon 23 (Đ.148 k.5): late on Tue 24."""
    sc = start("gia-lai-stttt")
    sc.register("401/UBND-KGVX", "10/02/2026", ITEMS, issuer="UBND tỉnh Gia Lai")
    sc.at("2026-02-17 10:00")
    sc.complete("director_assign", "leader", {"director_note": "Đồng ý"})
    at(sc, vn(2026, 2, 23, 16))
    assert ("clerk", "step_overdue") not in step_notes(sc.engine)
    at(sc, vn(2026, 2, 24, 9))
    assert step_notes(sc.engine)[("clerk", "step_overdue")] == 1


def test_the_director_is_told_when_a_directive_waits_also_one_waiting_before_the_upgrade(start, tmp_path):
    """A deployment upgraded mid-flight: the directive waits for the Director on a ruleset version
    that named no waiting step; the version that names it is published; the next tick tells him."""
    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    line = 'waiting_steps = ["director_assign"]'
    settings = processes / "gia-lai-stttt" / "ruleset.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(line, "# " + line), encoding="utf-8")
    sc = start("gia-lai-stttt", processes)
    waiting = sc.register("402/UBND-KGVX", "12/02/2026", ITEMS, issuer="UBND tỉnh Gia Lai")
    at(sc, vn(2026, 2, 12, 9, 1))
    assert step_notes(sc.engine) == Counter()  # the old version names no waiting step
    publish_newer_version(sc.engine, processes, "gia-lai-stttt", "# " + line, line)
    at(sc, vn(2026, 2, 12, 9, 2))
    later = sc.register("403/UBND-KGVX", "12/02/2026", ITEMS, issuer="UBND tỉnh Gia Lai")
    at(sc, vn(2026, 2, 12, 9, 3))
    at(sc, vn(2026, 2, 13, 9))
    assert step_notes(sc.engine) == Counter({("chutich", "step_waiting"): 2})  # one each, once
    assert [n.subject for n in sc.notices("step_waiting")] == [
        "Việc chờ xử lý: Giám đốc Sở phân công — văn bản 402/UBND-KGVX",
        "Việc chờ xử lý: Giám đốc Sở phân công — văn bản 403/UBND-KGVX"]
    assert history(sc, AuditEntry.directive_id == waiting.id) == [
        "Báo việc chờ xử lý: «Giám đốc Sở phân công» — gửi Ủy ban nhân dân: "
        "Chutich (chỉ báo trên hệ thống, không có địa chỉ thư: Chutich)"]
    assert len(history(sc, AuditEntry.directive_id == later.id)) == 1


@pytest.fixture
def smtp():
    from tests.scheduler.smtp import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


def test_two_scheduler_processes_and_a_restart_mail_each_reminder_once(start, database_url, smtp, tmp_path):
    """Real `dondoc scheduler` processes on one database, with real SMTP: two at once mail the
    reminder once; both killed, a fresh one mails the escalation once and not the reminder again,
    nor does a second one started beside it."""
    sc = start("dak-lak")
    with sc.engine.db.session() as s:
        for user in s.scalars(select(User)):
            user.email = f"{user.username}@dondoc.test"
    sc.register("47/2026/QĐ-UBND", "12/02/2026", ITEMS)
    # one working day late: the clerk; two: the office head too
    two_then_a_fresh_one(Schedulers(sc.engine, database_url, smtp, tmp_path), smtp, date(2026, 2, 24), (1, 3))
    subjects = Counter((m["To"].addresses[0].addr_spec, m["Subject"]) for m in smtp.inbox.messages)
    late = "Phân loại văn bản — văn bản 47/2026/QĐ-UBND"
    assert subjects == Counter({
        ("clerk@dondoc.test", f"Quá hạn 1 ngày làm việc: {late}"): 1,
        ("clerk@dondoc.test", f"Đề nghị chỉ đạo: {late} quá hạn 2 ngày làm việc"): 1,
        ("chanhvp@dondoc.test", f"Đề nghị chỉ đạo: {late} quá hạn 2 ngày làm việc"): 1})


def two_then_a_fresh_one(runner: Schedulers, smtp, day: date, mails: tuple[int, int], about: str = "") -> None:
    """Two schedulers at once on `day` (9:00) until `mails[0]` mails (whose subject holds `about`) arrived;
    both killed, a fresh one alone the next day until `mails[1]`; a second beside it the day after, a few
    ticks of both; none failed."""
    runner.env.update(DONDOC_MAIL_CATCHUP_THRESHOLD="0", DONDOC_MAIL_LEASE_SECONDS="2")
    try:
        runner.clock.set(vn(day.year, day.month, day.day, 9))
        runner.start("a")
        runner.start("b")
        wait_for(mailed(smtp, mails[0], about), runner)
        runner.kill("a")
        runner.kill("b")
        runner.start("c")  # a fresh process alone: it finds the first mails sent
        runner.clock.set(vn(day.year, day.month, day.day + 1, 9))
        wait_for(mailed(smtp, mails[1], about), runner)
        runner.start("a")
        runner.clock.set(vn(day.year, day.month, day.day + 2, 9))
        time.sleep(3)  # a few more ticks of both
        assert "Traceback" not in runner.log()
    finally:
        runner.stop_all()


def mailed(smtp, count: int, about: str = ""):
    def check() -> bool:
        """the late steps' mails arrived"""
        return sum(about in m["Subject"] for m in smtp.inbox.messages) >= count
    return check


def test_two_scheduler_processes_mail_a_units_late_step_to_it_then_to_its_head_once(start, database_url, smtp,
                                                                                   tmp_path):
    """A unit's late explanation through real `dondoc scheduler` processes and real SMTP: two at
    once mail the unit's officer once; both killed, a fresh one and then a second beside it mail the
    escalation to the officer, the unit's head and the office head once each. (The unit's first
    update, late too, is its assignment's urging's: its mails are not counted here.)"""
    from engine.directives import extensions
    from tests.scenarios.drive import _user

    sc = start("dak-lak")
    with sc.engine.db.session() as s:
        _user(s, "gdstc", "STC", ["unit_head"])
        for user in s.scalars(select(User)):
            user.email = f"{user.username}@dondoc.test"
    directive = sc.register("49/2026/QĐ-UBND", "12/02/2026", ITEMS)
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    extensions.request_explanation(sc.engine, assignment.id, "Vì sao chưa cập nhật?", sc.users["clerk"])
    assert due_day(sc.ready("explain")) == date(2026, 2, 24)  # Fri 13, Tết, Mon 23, Tue 24
    step = "Giải trình việc chậm thực hiện — văn bản 49/2026/QĐ-UBND"
    # one working day late: the officer; two: the unit's head and the office head too
    two_then_a_fresh_one(Schedulers(sc.engine, database_url, smtp, tmp_path), smtp, date(2026, 2, 25), (1, 4), step)
    subjects = Counter((m["To"].addresses[0].addr_spec, m["Subject"]) for m in smtp.inbox.messages
                       if step in m["Subject"])
    assert subjects == Counter({
        ("stc@dondoc.test", f"Quá hạn 1 ngày làm việc: {step}"): 1,
        **{(f"{login}@dondoc.test", f"Đề nghị chỉ đạo: {step} quá hạn 2 ngày làm việc"): 1
           for login in ("stc", "gdstc", "chanhvp")}})


def test_a_tick_sends_a_batch_and_leaves_the_rest_to_the_next(start, monkeypatch):
    """After an upgrade or a long stop, thousands of steps may be late at once: a tick sends BATCH
    events, so that the timers and the mail of that tick are not held up behind them."""
    from engine.urging import steps

    monkeypatch.setattr(steps, "BATCH", 2)
    sc = start("dak-lak")
    for number in range(3):
        sc.register(f"{50 + number}/2026/QĐ-UBND", "12/02/2026", ITEMS)
    assert [at(sc, vn(2026, 2, 24, 9)) for _ in range(3)] == [2, 1, 0]
    assert step_notes(sc.engine) == Counter({("clerk", "step_overdue"): 3})


def test_an_unanswered_explanation_reminds_the_unit_then_its_head_and_the_office_head(start):
    """A unit's own step with a due day that no diagram urges: the explanation the office asked for
    (`explain`, `[deadlines] explanation`, 3). Past its day the unit's officer is reminded, then its
    head and the office head are told; the unit's `handle`, whose diagram urges it (`urging =
    "diagram"`), is left to that urging, not reminded a second time by the rule."""
    from engine.directives import extensions
    from tests.scenarios.drive import _user

    sc = start("dak-lak")
    with sc.engine.db.session() as s:
        _user(s, "gdstc", "STC", ["unit_head"])
    directive = sc.register("48/2026/QĐ-UBND", "12/02/2026", ITEMS)
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    sc.at("2026-03-02 09:00")  # Mon: the first update (Đ.7 k.2a) is long late, the diagram urges it
    extensions.request_explanation(sc.engine, assignment.id, "Vì sao chưa cập nhật?", sc.users["clerk"])
    assert due_day(sc.ready("explain")) == date(2026, 3, 5)  # 3 working days
    at(sc, vn(2026, 3, 5, 16))
    assert step_notes(sc.engine) == Counter()
    assert [at(sc, vn(2026, 3, 6, 9)) for _ in range(2)] == [1, 0]
    assert step_notes(sc.engine) == Counter({("stc", "step_overdue"): 1})
    at(sc, vn(2026, 3, 9, 9))  # 2 working days late
    at(sc, vn(2026, 3, 10, 9))
    assert step_notes(sc.engine) == Counter({("stc", "step_overdue"): 1, ("stc", "step_escalation"): 1,
                                             ("gdstc", "step_escalation"): 1, ("chanhvp", "step_escalation"): 1})
    assert "Người được giao: Stc." in sc.notices("step_escalation")[0].body
    assert history(sc, AuditEntry.assignment_id == assignment.id) == [
        "Nhắc việc quá hạn: «Giải trình việc chậm thực hiện» quá hạn 1 ngày làm việc (hạn 05/03/2026) — gửi "
        "Sở Tài chính: Stc (chỉ báo trên hệ thống, không có địa chỉ thư: Stc)",
        "Báo cáo đề nghị chỉ đạo: «Giải trình việc chậm thực hiện» quá hạn 2 ngày làm việc (hạn 05/03/2026) — "
        "gửi Sở Tài chính: Stc, Gdstc; Văn phòng: Chanhvp (chỉ báo trên hệ thống, không có địa chỉ thư: Stc, "
        "Gdstc, Chanhvp)"]


def test_a_leaders_late_step_is_reported_to_the_office_head_not_urged_at_the_leader(start, tmp_path):
    """No regulation gives a leader's decision a time limit, so no diagram of ours dates one; a
    ruleset that does (here: the Director's assignment, due the working day after it arrives) has
    the office head told once its day has ended — the leader is not urged by his own office."""
    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    diagram = processes / "gia-lai-stttt" / "director_assignment.bpmn"
    form = '<spiffworkflow:property name="formKey" value="director_assign" />'
    diagram.write_text(diagram.read_text(encoding="utf-8").replace(
        form, form + '<spiffworkflow:property name="due" value="working_deadline(today(), 1)" />'), encoding="utf-8")
    sc = start("gia-lai-stttt", processes)
    sc.register("404/UBND-KGVX", "12/02/2026", ITEMS, issuer="UBND tỉnh Gia Lai")
    assert due_day(sc.ready("director_assign")) == date(2026, 2, 13)
    at(sc, vn(2026, 2, 13, 16))
    assert step_notes(sc.engine) == Counter({("chutich", "step_waiting"): 1})
    assert [at(sc, vn(2026, 2, 23, 9)) for _ in range(2)] == [1, 0]  # Tết in between: 1 working day late
    at(sc, vn(2026, 2, 26, 9))
    assert step_notes(sc.engine) == Counter({("chutich", "step_waiting"): 1, ("chanhvp", "step_escalation"): 1})
    note = sc.notices("step_escalation")[0]
    assert note.subject == "Đề nghị chỉ đạo: Giám đốc Sở phân công — văn bản 404/UBND-KGVX quá hạn 1 ngày làm việc"
    assert "Người được giao: Chutich." in note.body


def test_two_scheduler_processes_mail_the_office_teams_late_findings_to_the_team_then_the_office_head_once(
        start, database_url, smtp, tmp_path):
    """The office's inspection team's late findings through real `dondoc scheduler` processes and real
    SMTP: two at once mail the team once; both killed, a fresh one and then a second beside it mail the
    escalation to the team and the office head once each. The mails name the inspection, never its content."""
    from engine.inspections import service as inspections

    sc = start("dak-lak")
    with sc.engine.db.session() as s:
        for user in s.scalars(select(User)):
            user.email = f"{user.username}@dondoc.test"
    sc.at("2026-02-25 09:00")
    title = "Kiểm tra Sở Tài chính quý I"
    inspections.propose(sc.engine, {"title": title, "units": ["STC"]}, sc.users["office_head"])
    sc.complete("decide", "leader", {
        "decision_symbol": "15/QĐ-UBND", "decided_on": "25/02/2026", "legal_basis": "Quy chế",
        "scope": "Sở Tài chính", "content": "Nội dung riêng của đoàn", "starts_on": "26/02/2026",
        "ends_on": "03/03/2026", "team_leader": "kiemtra", "team_members": ["kiemtra"]})
    step = f"Kiểm tra, ghi nhận kết quả — {title}"
    # one working day late (Wed 04/03): the team; two: the office head too
    two_then_a_fresh_one(Schedulers(sc.engine, database_url, smtp, tmp_path), smtp, date(2026, 3, 4), (1, 3), step)
    late = [m for m in smtp.inbox.messages if step in m["Subject"]]
    assert Counter((m["To"].addresses[0].addr_spec, m["Subject"]) for m in late) == Counter({
        ("kiemtra@dondoc.test", f"Quá hạn 1 ngày làm việc: {step}"): 1,
        **{(f"{login}@dondoc.test", f"Đề nghị chỉ đạo: {step} quá hạn 2 ngày làm việc"): 1
           for login in ("kiemtra", "chanhvp")}})
    assert all("03/03/2026" in m.get_content() and "Nội dung riêng" not in m.get_content() for m in late)

"""Real `dondoc scheduler` OS processes run the report calendar of a province whose communes track their
own directives (tinh-2025, issue #21): two at once, started after a period's opening day was missed,
open that period once for each body — the province's report and each commune's with directives of its
own — and ask each unit once; one killed mid-run and started again opens and gives nothing twice."""
from __future__ import annotations

import time
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.clock import VN_TZ
from engine.directives import service as directives
from engine.notifications.models import Notification
from engine.org.models import Unit, User
from engine.reports.models import PeriodicReport
from engine.reports.service import running_schedule, start_schedule
from engine.runtime.models import WorkItem
from tests.conftest import add_communes, create_org_tree, make_engine
from tests.scheduler.processes import Schedulers, wait_for
from tests.scheduler.smtp import SmtpServer

# code: (name, parent, issuing body); ward B is an issuing body with no directive of its own
WARDS = {"xa-a": ("UBND phường An Phú", "UBND", True), "xa-a-kt": ("Phòng Kinh tế phường An Phú", "xa-a", False),
         "xa-b": ("UBND xã Bình Minh", "UBND", True), "xa-b-kt": ("Phòng Kinh tế xã Bình Minh", "xa-b", False)}
WARD_PEOPLE = {"vp_a": ("xa-a", ["clerk"]), "kt_a": ("xa-a-kt", ["unit_officer"]),
               "kt_b": ("xa-b-kt", ["unit_officer"])}


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def province(database_url, clock, tmp_path):
    """The province gives STC a task and ward A's office its section one, both due 20/03/2026; the
    calendar is started on 12/02 and waits for the first quarter (opening 06/03)."""
    engine = make_engine(database_url, clock, ruleset="tinh-2025", tmp_path=tmp_path)
    users = create_org_tree(engine)
    with engine.db.session() as s:
        users.update(add_communes(s, WARDS, WARD_PEOPLE))
        for user in s.scalars(select(User)):
            user.email = f"{user.username}@dondoc.test"
        engine.load_ruleset(s)
    for symbol, lead, clerk in (("21/UBND-VP", "STC", users["clerk"]), ("05/UBND-XA", "xa-a-kt", users["vp_a"])):
        _register(engine, symbol, lead, clerk)
    start_schedule(engine)
    yield engine
    engine.close()


def _register(engine, symbol: str, lead: str, clerk: User) -> None:
    """Registered by the office of `clerk`'s body and classified as tracked."""
    raw = {"symbol": symbol, "issued_on": "12/02/2026", "issuer": "UBND", "summary": f"Văn bản {symbol}"}
    directive = directives.register(engine, raw, [{"content": "Việc", "lead_unit": lead, "deadline": "20/03/2026"}],
                                    clerk)
    with engine.db.session() as s:
        item = s.scalars(select(WorkItem).where(WorkItem.directive_id == directive.id, WorkItem.status == "ready",
                                                WorkItem.element_id == "classify")).one()
    engine.runtime.complete(item.id, {"tracked": "on"}, clerk)


@pytest.fixture
def schedulers(province, database_url, tmp_path):
    server = SmtpServer()
    server.start()
    runner = Schedulers(province, database_url, server, tmp_path)
    runner.env.update(DONDOC_MAIL_CATCHUP_THRESHOLD="0")  # one mail per notice
    yield runner, server
    runner.stop_all()
    server.stop()


def _ready(engine, element_id: str) -> Counter:
    """The ready steps `element_id` of the calendar, by the code of the unit each waits in."""
    with engine.db.session() as s:
        return Counter(s.scalars(select(Unit.code).join(WorkItem, WorkItem.unit_id == Unit.id).where(
            WorkItem.element_id == element_id, WorkItem.status == "ready")))


def _steps_ready(engine, element_id: str, expected: Counter):
    def check() -> bool:
        """the calendar's steps are ready"""
        return _ready(engine, element_id) == expected
    return check


def _reports(engine) -> dict[str | None, list[str] | None]:
    """Every report the calendar opened: the units it asked, by the code of its body (None: the province's)."""
    with engine.db.session() as s:
        rows = s.scalars(select(PeriodicReport)).all()
        bodies = [(s.get(Unit, row.body_id).code if row.body_id else None) for row in rows]
        assert len(set(bodies)) == len(bodies), bodies  # one report of the period per body
        return {body: row.asked_units for body, row in zip(bodies, rows, strict=True)}


def _mail_sent(engine, smtp, expected: int):
    def check() -> bool:
        """every notice mailed"""
        with engine.db.session() as s:
            pending = s.scalar(select(Notification.id).where(Notification.email_status != "sent").limit(1))
        return pending is None and len(smtp.inbox.received) >= expected
    return check


def test_two_schedulers_open_each_body_s_missed_report_once_and_survive_a_kill(province, schedulers):
    engine, (runner, smtp) = province, schedulers
    runner.clock.set(vn(2026, 3, 10, 9, 0))  # no scheduler ran on 06/03, when the quarter opens: caught up now
    runner.start("a")
    runner.start("b")
    wait_for(_steps_ready(engine, "pr_unit_report", Counter({"STC": 1, "xa-a-kt": 1})), runner)
    assert _reports(engine) == {None: ["STC"], "xa-a": ["xa-a-kt"]}  # ward B has no directive: no report
    with engine.db.session() as s:
        asked = Counter(s.scalars(select(User.username).join(Notification, Notification.user_id == User.id).where(
            Notification.kind == "periodic_report")))
    assert asked == Counter({"stc": 1, "kt_a": 1}), asked
    wait_for(_mail_sent(engine, smtp, 2), runner)
    refs = Counter(smtp.inbox.refs())
    assert set(refs.values()) == {1}, refs  # each notice mailed once

    # The units' time ends (13/03); on the next working day "a" is killed mid-run and started again:
    # each body's office gets its consolidation once.
    runner.clock.set(vn(2026, 3, 16, 9, 0))
    time.sleep(0.6)
    runner.kill("a")
    runner.start("a")
    wait_for(_steps_ready(engine, "report_consolidate", Counter({"VP": 1, "xa-a": 1})), runner)
    time.sleep(3)  # a few more ticks of both: nothing more comes
    assert _ready(engine, "report_consolidate") == Counter({"VP": 1, "xa-a": 1})
    assert _reports(engine) == {None: ["STC"], "xa-a": ["xa-a-kt"]}
    with engine.db.session() as s:
        schedule = running_schedule(s, "tinh-2025")
        assert schedule.next_timer_due == vn(2026, 6, 8, 8, 0)  # waiting for the half year (units by 15/06)
    assert "Traceback" not in runner.log()

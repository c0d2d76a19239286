"""A ward that was an issuing body, merged away by the 2025 reorganisation (issue #21): a Phú Yên deployment's
"UBND phường 1" tracked its own committee's directives; seeding today's Đắk Lắk adopts it (its end date
1/7/2025, its successor Phường Tuy Hòa). Its open directive is then its successor's: the new ward's office
lists, registers and counts it, its Chairman reads it as the old ward issued it, the new ward's periodic report
asks the section leading it (once: the old ward has no report of its own), and another ward sees none of it."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.api_tokens import service as tokens
from engine.cli import cli
from engine.directives.models import Directive
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.reports.models import PeriodicReport
from engine.reports.service import start_schedule
from engine.runtime.models import WorkItem
from tests.conftest import PASSWORD
from tests.scenarios.test_commune_office import _deployment, _page, _words
from tests.webui.conftest import Browser, classify, register
from webui.app import create_app

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

OLD_DIRECTIVE = "07/UBND-P1"
# the old ward, its section, and the wards of today's province seeded beside them
OLD_WARD = {"PY-P1": ("UBND phường 1", "UBND", True), "PY-P1-KT": ("Phòng Kinh tế phường 1", "PY-P1", False)}
OLD_PEOPLE = {"vp_p1": ("PY-P1", ["clerk"]), "kt_p1": ("PY-P1-KT", ["unit_officer"])}
SUCCESSOR = "xa-22015"  # Phường Tuy Hòa (seeded)


@pytest.fixture
def merged(database_url, clock, tmp_path):
    """The old ward's clerk registered its directive on 12/05/2025, its section to do it by 27/02/2026 (overdue
    since); then, on 02/07/2025, today's province was seeded and the new ward given its clerk and Chairman."""
    clock.set(datetime(2025, 5, 12, 9, 0))
    engine, browser = _deployment(database_url, clock, tmp_path, "tinh-2025", OLD_WARD, OLD_PEOPLE)
    old_clerk = browser("vp_p1")
    classify(old_clerk, register(old_clerk, symbol=OLD_DIRECTIVE, issuer="UBND phường 1", issued_on="12/05/2025",
                                 lead="PY-P1-KT", **{"a-0-deadline_days": "", "a-0-deadline": "27/02/2026"}))
    clock.set(datetime(2025, 7, 2, 9, 0))  # the day after the merger, the province seeds today's government
    seeded = CliRunner().invoke(cli, ["org", "seed", "--province", "66"], obj=engine)
    assert seeded.exit_code == 0, seeded.output
    with engine.db.session() as s:
        old, successor = org.require_unit(s, "PY-P1"), org.require_unit(s, SUCCESSOR)
        assert (old.valid_to, old.successor_id, successor.is_issuing_body) == (date(2025, 7, 1), successor.id, True)
        for username, roles in (("vp_th", ["clerk"]), ("ct_th", ["leader"])):
            org.create_user(s, username, PASSWORD, username.upper(), SUCCESSOR, roles)
    clock.set(datetime(2026, 3, 2, 9, 0))
    yield engine, browser
    engine.close()


def open_quarter(engine, clock) -> dict[str | None, tuple[int, list[str] | None]]:
    """The report calendar started, on 06/03/2026 the quarter's reports open: {code of the body reporting (None:
    the home body): (the report's id, the units it asks)}."""
    with engine.db.session() as s:
        engine.load_ruleset(s)
    start_schedule(engine)
    clock.set(datetime(2026, 3, 6, 9, 0))
    engine.runtime.run_due_timers()
    with engine.db.session() as s:
        return {(s.get_one(Unit, row.body_id).code if row.body_id else None): (row.id, row.asked_units)
                for row in s.scalars(select(PeriodicReport).where(PeriodicReport.period == "quarterly"))}


def _sees(browser, path: str) -> bool:
    return OLD_DIRECTIVE in _page(browser, path)


def test_the_successor_ward_tracks_counts_and_reports_its_predecessor_s_directive(merged, clock):
    engine, browser = merged
    ward_clerk, chairman, other_ward, province = browser("vp_th"), browser("ct_th"), browser("vp_b"), browser("clerk")
    with engine.db.session() as s:
        directive_id = s.scalar(select(Directive.id).where(Directive.symbol == OLD_DIRECTIVE))
    for path in ("/assignments", "/today"):
        assert _sees(ward_clerk, path), path
        assert not _sees(other_ward, path) and not _sees(province, path), path
    page = _page(chairman, f"/directives/{directive_id}")  # named as the old ward issued it
    assert OLD_DIRECTIVE in page and "UBND phường 1" in page
    for outsider in (other_ward, province):
        assert outsider.get(f"/directives/{directive_id}").status_code == 404
    figures = _words(_page(ward_clerk, "/reports?period=2025&denominator=assigned"))
    assert "Tổng số 1 nhiệm vụ được giao" in figures and "Phòng Kinh tế phường 1" in figures, figures
    assert "Tổng số 0 nhiệm vụ được giao" in _words(_page(other_ward, "/reports?period=2025&denominator=assigned"))

    # the quarter's periodic reports open (06/03): the new ward's asks the old ward's section, the old ward none
    opened = open_quarter(engine, clock)
    assert set(opened) == {None, SUCCESSOR} and opened[SUCCESSOR][1] == ["PY-P1-KT"], opened
    assert "PY-P1-KT" not in (opened[None][1] or [])
    with engine.db.session() as s:  # a unit asked by two bodies tells their requests apart by who asks
        asked = {(item.unit_id, item.instructions) for item in s.scalars(
            select(WorkItem).where(WorkItem.element_id == "pr_unit_report"))}
        ward_section, ward = org.require_unit(s, "PY-P1-KT"), org.require_unit(s, SUCCESSOR)
        assert (ward_section.id, True) in {(unit_id, words.startswith(f"Báo cáo {ward.name} kết quả thực hiện"))
                                           for unit_id, words in asked}, asked
    ward_clerk, other_ward = browser("vp_th"), browser("vp_b")  # signed in again: four days later
    report = _words(_page(ward_clerk, f"/reports/periodic/{opened[SUCCESSOR][0]}"))
    assert "Phòng Kinh tế phường 1" in report, report
    assert other_ward.get(f"/reports/periodic/{opened[SUCCESSOR][0]}").status_code == 404


def test_the_successor_ward_s_clerk_may_follow_up_its_predecessor_s_directive(merged, clock):
    engine, _ = merged
    with engine.db.session() as s:
        old_ward = org.require_unit(s, "PY-P1")
        clerks = {user.username: user for user in s.scalars(select(User).where(User.username.in_(["vp_th", "vp_b"])))}
        assert permissions.may_follow_up(s, clerks["vp_th"], old_ward)
        assert not permissions.may_follow_up(s, clerks["vp_b"], old_ward)  # another ward's clerk
        clock.set(datetime(2025, 6, 30, 9, 0))  # the old ward still in force: its directives its own
        assert not permissions.may_follow_up(s, clerks["vp_th"], old_ward)


def test_the_old_ward_s_section_lives_on_in_the_ward_it_was_merged_into(merged):
    """The seeding moves the old ward's section below Phường Tuy Hòa, with its people and its work: the new ward's
    office gives it a task of its own directive, and its officer sees it (left below the closed ward, it was no unit
    of the new ward's: the registration was refused, and the province's lists offered it as a unit of its own)."""
    engine, browser = merged
    with engine.db.session() as s:
        section, ward = org.require_unit(s, "PY-P1-KT"), org.require_unit(s, SUCCESSOR)
        assert (section.parent_id, section.valid_to) == (ward.id, None)
    ward_clerk = browser("vp_th")
    classify(ward_clerk, register(ward_clerk, symbol="12/UBND-TH", issuer="UBND phường Tuy Hòa",
                                  issued_on="02/03/2026", lead="PY-P1-KT"))
    assert "12/UBND-TH" in _page(browser("kt_p1"), "/assignments")
    assert "12/UBND-TH" not in _page(browser("vp_b"), "/assignments")


WARD_B_DIRECTIVE = "5/UBND-BM"


def test_the_old_ward_s_staff_act_for_it_no_more_once_it_closed_until_moved_to_a_unit_in_force(merged, clock):
    """The old ward's clerk's account ends with the ward (01/07/2025): no sign-in (told why and to whom the
    administrator moves it), a session begun on its last day ends, its API token reads nothing, and it is no longer
    the one told about the old ward's directive (it still signed in and, as that ward's office, read and tracked its
    directive beside the new ward's). Moved to Phường Tuy Hòa, it sees exactly what that ward's office sees."""
    engine, browser = merged
    app = create_app(engine, SECRET_KEY="test-secret", TESTING=True)
    with engine.db.session() as s:
        token = tokens.create_token(s, "vp_p1", "Phần mềm quản lý văn bản phường 1")[1]
    classify(browser("vp_b"), register(browser("vp_b"), symbol=WARD_B_DIRECTIVE, issuer="UBND xã Bình Minh",
                                       issued_on="02/03/2026", lead="xa-b"))
    refused = Browser(app).login("vp_p1")
    words = refused.get_data(as_text=True)
    assert refused.status_code == 403, words
    assert "UBND phường 1, đã thôi hoạt động từ ngày 01/07/2025" in words and "sang Phường Tuy Hòa" in words, words
    api = Browser(app).get("/api/v1/assignments", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401, api.get_data(as_text=True)
    with engine.db.session() as s:
        old_ward = org.require_unit(s, "PY-P1")
        clerk = s.scalars(select(User).where(User.username == "vp_p1")).one()
        assert not permissions.may_follow_up(s, clerk, old_ward)
        assert "vp_p1" not in {user.username for user in permissions.holders(s, "clerk")}

    clock.set(datetime(2025, 6, 30, 23, 50))  # signed in on the old ward's last day
    last_day = Browser(app)
    assert last_day.login("vp_p1").status_code == 302 and last_day.get("/assignments").status_code == 200
    clock.set(datetime(2025, 7, 1, 0, 5))
    assert "/login" in last_day.get("/assignments").location

    clock.set(datetime(2026, 3, 2, 9, 0))
    with engine.db.session() as s:
        clerk_id = s.scalar(select(User.id).where(User.username == "vp_p1"))
    listed = _words(_page(browser("admin"), "/admin/users?q=phường 1"))  # the administrator finds it, marked
    assert "vp_p1 VP_P1 UBND phường 1 (thôi hoạt động từ 01/07/2025)" in listed, listed
    moved = browser("admin").post(f"/admin/users/{clerk_id}", {"full_name": "VP_P1", "unit": SUCCESSOR,
                                                               "roles": ["clerk"]})
    assert moved.status_code == 302, moved.get_data(as_text=True)
    for path in ("/assignments", "/today"):
        seen = {who: {symbol for symbol in (OLD_DIRECTIVE, WARD_B_DIRECTIVE) if symbol in _page(browser(who), path)}
                for who in ("vp_p1", "vp_th")}
        assert seen == {"vp_p1": {OLD_DIRECTIVE}, "vp_th": {OLD_DIRECTIVE}}, (path, seen)

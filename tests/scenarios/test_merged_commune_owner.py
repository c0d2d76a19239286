"""An issuing body merged into a unit that is no issuing body, or into one closed later without a successor
(issue #21): its directives are the body's above that unit by the tree. Today's Đắk Lắk is seeded (`dondoc org
seed --province 66`: the province's office tracks); one of Phú Yên's old wards, merged into Phường Tuy Hòa on
1/7/2025, had its own office (marked an issuing body), whose clerk registered a directive to its section on
12/05/2025. Then Phường Tuy Hòa is no issuing body (its administrator unmarked it: the province's office tracks for
it), or the old ward was merged by hand into a department, or Phường Tuy Hòa was closed from 01/01/2026 with no
successor (the administrator is told on the organisation page). Either way the old ward's directive is the
province's: its office lists and counts it, its periodic report asks the section once, and no commune's office
sees it."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.cli import cli
from engine.org import service as org
from engine.org.models import Unit
from tests.conftest import PASSWORD, make_engine
from tests.scenarios.test_commune_office import _page, _words
from tests.scenarios.test_merged_commune import SUCCESSOR, open_quarter
from tests.webui.conftest import Browser, classify, register
from webui.app import create_app

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

OLD_DIRECTIVE = "9/UBND-VP"
PROVINCE, OFFICE, DEPARTMENT = "tinh-66", "tinh-66-vp", "tinh-66-snv"
SECTION = "PY-KT"
RETIRED_ON = date(2026, 1, 1)
OTHER_WARD = "xa-22045"  # Phường Bình Kiến, beside it, still an issuing body


def _merged_ward(session) -> Unit:
    """The first of the old wards the seeding merged into Phường Tuy Hòa."""
    successor = org.require_unit(session, SUCCESSOR)
    return session.scalars(select(Unit).where(Unit.successor_id == successor.id, Unit.kind == "commune")
                           .order_by(Unit.code)).first()


@pytest.fixture(params=["successor unmarked", "into a department", "successor retired"])
def merged(request, database_url, clock, tmp_path):
    clock.set(datetime(2025, 5, 12, 9, 0))
    engine = make_engine(database_url, clock, ruleset="tinh-2025", tmp_path=tmp_path)
    seeded = CliRunner().invoke(cli, ["org", "seed", "--province", "66"], obj=engine)
    assert seeded.exit_code == 0, seeded.output
    with engine.db.session() as s:
        old = _merged_ward(s)
        org.mark_issuing_body(s, old.code, True)  # its office tracked its own committee's directives
        org.create_unit(s, SECTION, f"Phòng Kinh tế {old.name}", parent_code=old.code, kind="section")
        for username, unit, roles in (("vp_cu", old.code, ["clerk"]), ("vp_tinh", OFFICE, ["clerk"]),
                                      ("ct_tinh", PROVINCE, ["leader"]), ("vp_khac", OTHER_WARD, ["clerk"]),
                                      ("vp_th", SUCCESSOR, ["clerk"])):
            org.create_user(s, username, PASSWORD, username.upper(), unit, roles)
        engine.load_ruleset(s)
        old_name, old_code = old.name, old.code
    app = create_app(engine, SECRET_KEY="test-secret", TESTING=True)

    def browser(username: str) -> Browser:
        signed_in = Browser(app)
        assert signed_in.login(username).status_code == 302
        return signed_in

    old_clerk = browser("vp_cu")
    classify(old_clerk, register(old_clerk, symbol=OLD_DIRECTIVE, issuer=old_name, issued_on="12/05/2025",
                                 lead=SECTION, **{"a-0-deadline_days": "", "a-0-deadline": "27/02/2026"}))
    with engine.db.session() as s:
        if request.param == "successor unmarked":
            org.mark_issuing_body(s, SUCCESSOR, False)
        elif request.param == "into a department":
            org.retire_unit(s, old_code, datetime(2025, 7, 1).date(), successor_code=DEPARTMENT)
        else:  # the ward it was merged into closed in turn, with no successor named
            org.retire_unit(s, SUCCESSOR, RETIRED_ON)
    clock.set(datetime(2026, 3, 2, 9, 0))
    yield engine, browser, request.param
    engine.close()


def test_a_ward_merged_into_no_issuing_body_leaves_its_directives_to_the_body_above(merged, clock):
    engine, browser, shape = merged
    province, chairman = browser("vp_tinh"), browser("ct_tinh")
    for path in ("/assignments", "/today"):
        assert OLD_DIRECTIVE in _page(province, path), path
    # a ward still marked sees none; Phường Tuy Hòa's clerk is the province's office's once it is unmarked, and
    # signs in no more once it is closed
    outsiders = ["vp_khac", "vp_th"] if shape == "into a department" else ["vp_khac"]
    for outsider in outsiders:
        assert OLD_DIRECTIVE not in _page(browser(outsider), "/assignments"), outsider
    assert OLD_DIRECTIVE in _page(chairman, "/assignments")
    figures = _words(_page(province, "/reports?period=2025&denominator=assigned"))
    assert "Tổng số 1 nhiệm vụ được giao" in figures, figures

    # the quarter's periodic reports open (06/03): the province's asks the old ward's section, nobody else's does
    opened = open_quarter(engine, clock)
    assert {body: asked for body, (_, asked) in opened.items()} == {None: [SECTION]}, opened


@pytest.mark.parametrize("merged", ["successor retired"], indirect=True)
def test_the_organisation_page_names_the_bodies_whose_records_fell_through_to_the_province(merged):
    engine, browser, _ = merged
    with engine.db.session() as s:
        org.create_user(s, "qt_tinh", PASSWORD, "Quản Trị Tỉnh", OFFICE, ["system_admin"])
        old = _merged_ward(s).name
    page = _words(_page(browser("qt_tinh"), "/admin/organisation"))
    for body in (old, "Phường Tuy Hòa"):  # the ward closed without a successor keeps nothing either
        assert f"{body} Phường Tuy Hòa (thôi hoạt động từ 01/01/2026) UBND tỉnh Đắk Lắk" in page, page


@pytest.mark.parametrize("merged", ["successor retired"], indirect=True)
def test_the_reports_count_a_fallen_through_ward_s_tasks_where_its_records_are(merged, clock):
    """A task the province gave the old ward: Phường Tuy Hòa, closed with no successor, has no row of its own (its
    records are the province's): the task counts in the province's own row (org.latest_successors)."""
    engine, browser, _ = merged
    clock.set(datetime(2025, 5, 12, 9, 0))
    province = browser("vp_tinh")
    with engine.db.session() as s:
        old = _merged_ward(s)
        old_code, top = old.code, s.get_one(Unit, org.require_unit(s, SUCCESSOR).parent_id)
    classify(province, register(province, symbol="15/UBND-VP", issuer="UBND tỉnh Đắk Lắk", issued_on="12/05/2025",
                                lead=old_code, **{"a-0-deadline_days": "", "a-0-deadline": "27/02/2026"}))
    clock.set(datetime(2026, 3, 2, 9, 0))
    answer = browser("vp_tinh").get("/reports/data.json?period=2025&denominator=assigned")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    rows = {row["name"]: row for row in answer.get_json()["units"]}
    assert "Phường Tuy Hòa" not in rows, rows
    assert rows[top.name]["total"] == 1, rows  # the province's own row: nothing else leads there

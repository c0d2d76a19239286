"""What a merged-away ward's office recorded about no directive (issue #21): the inspection it proposed, the
ad-hoc report it asked for and the line of its secret register, each recorded with the old ward as its body. After
`dondoc org seed --province 66` adopts "UBND phường 1" into Phường Tuy Hòa, they are the new ward's: its office
lists and opens the inspection and the report, its Chairman decides the inspection, its register's keeper reads
the line (as the old ward recorded it) and is reminded of its paper report; another ward sees none of them. The
province keeps its [secrecy] register (a province whose own Quy chế keeps one)."""
from __future__ import annotations

import io
import shutil
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.cli import cli
from engine.clock import VN_TZ
from engine.config import REPO_ROOT
from engine.inspections.models import Inspection
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import User
from engine.reports.models import PeriodicReport
from engine.runtime.models import WorkItem
from engine.secrecy import service as secrecy
from tests.conftest import PASSWORD
from tests.scenarios.test_commune_office import _deployment, _page
from tests.scenarios.test_merged_commune import OLD_WARD, SUCCESSOR

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

INSPECTION, TOPIC = "Kiểm tra Phòng Kinh tế phường 1", "Tình hình thu ngân sách phường 1"
ASKED = {"due": "26/05/2025", "office_due": "02/06/2025"}
SECRET = {"symbol": "4/QĐ-UBND-P1", "issued_on": "12/05/2025", "issuer": "UBND phường 1", "secrecy": "secret"}
OLD_PEOPLE = {"vp_p1": ("PY-P1", ["clerk"]), "cvp_p1": ("PY-P1", ["office_head"]),
              "kt_p1": ("PY-P1-KT", ["unit_officer"]), "cvp_b": ("xa-b", ["office_head"])}
NEW_PEOPLE = {"vp_th": ["clerk"], "cvp_th": ["office_head"], "ct_th": ["leader"], "cv_th": ["unit_officer"]}
OF_THE_WARD = "Kiểm tra UBND phường 1"  # the province's inspection of the old ward itself
DECISION = {"decision_symbol": "3/QĐ-UBND", "decided_on": "02/03/2026", "legal_basis": "Quy chế làm việc",
            "scope": "Phòng Kinh tế phường 1", "content": "Việc thực hiện văn bản 07/UBND-P1",
            "starts_on": "09/03/2026", "ends_on": "13/03/2026", "team_leader": "cvp_th",
            "team_members": ["cvp_th", "vp_th"]}


def _keeping_register(tmp_path):
    """The processes with tinh-2025's [secrecy] keeping the separate register, read by the office head and the
    leader, with quarterly paper reports."""
    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    settings = processes / "tinh-2025" / "ruleset.toml"
    text = settings.read_text(encoding="utf-8")
    for old, new in (('register = "none" ', 'register = "separate" '),
                     ("visible_to = []\n", 'visible_to = ["office_head", "leader"]\npaper_report = ["quarterly"]\n')):
        assert old in text
        text = text.replace(old, new, 1)
    settings.write_text(text, encoding="utf-8")
    return processes


@pytest.fixture
def merged(database_url, clock, tmp_path):
    """On 12/05/2025 the old ward's office proposed an inspection of its section (waiting for its Chairman's
    decision), asked it for an ad-hoc report and entered a secret document in its register; then today's province
    was seeded and the new ward given its office and Chairman."""
    clock.set(datetime(2025, 5, 12, 9, 0))
    engine, browser = _deployment(database_url, clock, tmp_path, "tinh-2025", OLD_WARD, OLD_PEOPLE,
                                  processes_dir=str(_keeping_register(tmp_path)))
    proposed = browser("vp_p1").post("/inspections/new", {"title": INSPECTION, "kind": "planned",
                                                          "units": ["PY-P1-KT"]}, page="/inspections/new")
    assert proposed.status_code == 302, proposed.get_data(as_text=True)
    of_the_ward = browser("chanhvp").post("/inspections/new", {"title": OF_THE_WARD, "kind": "planned",
                                                               "units": ["PY-P1"]}, page="/inspections/new")
    assert of_the_ward.status_code == 302, of_the_ward.get_data(as_text=True)
    asked = browser("vp_p1").post("/reports/adhoc/new", {"topic": TOPIC, "units": ["PY-P1-KT"], **ASKED})
    assert asked.status_code == 302, asked.get_data(as_text=True)
    with engine.db.session() as s:
        keeper = s.scalars(select(User).where(User.username == "cvp_p1")).one()
    secrecy.register_secret_document(engine, SECRET, [{"lead_unit": "PY-P1-KT", "deadline": "30/12/2025"}], keeper)
    seeded = CliRunner().invoke(cli, ["org", "seed", "--province", "66"], obj=engine)
    assert seeded.exit_code == 0, seeded.output
    with engine.db.session() as s:
        assert org.require_unit(s, "PY-P1").valid_to == date(2025, 7, 1)
        for username, roles in NEW_PEOPLE.items():
            org.create_user(s, username, PASSWORD, username.upper(), SUCCESSOR, roles)
    clock.set(datetime(2026, 3, 2, 9, 0))
    yield engine, browser
    engine.close()


def test_the_successor_ward_keeps_and_decides_its_predecessor_s_inspection(merged):
    engine, browser = merged
    with engine.db.session() as s:
        inspection = s.scalars(select(Inspection).where(Inspection.title == INSPECTION)).one()
        decide = s.scalars(select(WorkItem).where(WorkItem.instance_id == inspection.instance_id,
                                                  WorkItem.status == "ready")).one()
    page = f"/inspections/{inspection.id}"
    ward_clerk = browser("vp_th")
    assert INSPECTION in _page(ward_clerk, "/inspections") and INSPECTION in _page(ward_clerk, page)
    for outsider in ("vp_b", "clerk", "chutich"):  # another ward's office, the province's office and Chairman
        assert INSPECTION not in _page(browser(outsider), "/inspections"), outsider
        assert browser(outsider).get(page).status_code == 404, outsider

    chairman = browser("ct_th")  # the new ward's Chairman decides it, the province's may not
    assert f"/work/{decide.id}" in _page(chairman, "/inbox")
    assert browser("chutich").post(f"/work/{decide.id}", DECISION).status_code in (403, 404)
    decided = chairman.post(f"/work/{decide.id}", DECISION)
    assert decided.status_code == 302, decided.get_data(as_text=True)
    assert "3/QĐ-UBND" in _page(browser("vp_th"), page)


def test_the_successor_ward_keeps_its_predecessor_s_ad_hoc_report(merged):
    engine, browser = merged
    with engine.db.session() as s:
        report = s.scalar(select(PeriodicReport.id).where(PeriodicReport.topic == TOPIC))
    ward_clerk = browser("vp_th")
    assert TOPIC in _page(ward_clerk, "/reports/periodic") and TOPIC in _page(ward_clerk, f"/reports/periodic/{report}")
    for outsider in ("vp_b", "clerk"):
        assert TOPIC not in _page(browser(outsider), "/reports/periodic"), outsider
        assert browser(outsider).get(f"/reports/periodic/{report}").status_code == 404, outsider


def test_the_successor_ward_keeps_its_predecessor_s_secret_register_line(merged, clock):
    engine, browser = merged
    keeper = browser("cvp_th")
    register = _page(keeper, "/secrecy")
    assert SECRET["symbol"] in register and "UBND phường 1" in register, register  # as the old ward recorded it
    assert SECRET["symbol"] not in _page(browser("cvp_b"), "/secrecy")  # another ward's keeper
    with engine.db.session() as s:
        line = s.scalar(select(secrecy.SecretDocument.id).where(secrecy.SecretDocument.symbol == SECRET["symbol"]))
    assert browser("cvp_b").post(f"/secrecy/{line}/paper-reports", {"sent_on": "02/03/2026"},
                                 page="/secrecy").status_code == 404

    clock.set(datetime(2026, 3, 31, 9, 0))  # the quarter's paper report: its reminder goes to the new ward's keepers
    for _ in range(4):
        engine.runtime.run_due_timers()
    with engine.db.session() as s:
        told = set(s.scalars(select(User.username).join(Notification, Notification.user_id == User.id).where(
            Notification.kind == "paper_report", Notification.created_at >= datetime(2026, 3, 1, tzinfo=VN_TZ))))
    assert {"cvp_th", "ct_th"} <= told and not told & {"cvp_p1", "cvp_b", "chanhvp", "chutich"}, told

    recorded = browser("cvp_th").post(f"/secrecy/{line}/paper-reports", {"sent_on": "31/03/2026"}, page="/secrecy")
    assert recorded.status_code == 302, recorded.get_data(as_text=True)


def test_the_successor_ward_s_staff_file_the_old_ward_s_papers_in_the_province_s_inspection_of_it(merged):
    """The province's office proposed an inspection of the old ward itself before the merger. The old ward's
    accounts ended with it: the new ward's officer speaks for it and files its execution report (refused before:
    only the inspected unit's own staff filed its papers, and nobody could)."""
    engine, browser = merged
    with engine.db.session() as s:
        inspection = s.scalar(select(Inspection.id).where(Inspection.title == OF_THE_WARD))
    officer, page = browser("cv_th"), f"/inspections/{inspection}"
    assert OF_THE_WARD in _page(officer, page)
    filed = officer.post(f"{page}/papers", {"kind": "execution_reports", "title": "Báo cáo của phường Tuy Hòa",
                                            "files": (io.BytesIO(b"%PDF-1.4 bao cao"), "bao-cao.pdf")},
                         page=page, content_type="multipart/form-data")
    assert filed.status_code == 302, filed.get_data(as_text=True)
    assert "Báo cáo của phường Tuy Hòa" in _page(browser("chanhvp"), page)


def test_the_old_ward_s_staff_are_offered_on_no_team_once_their_accounts_ended(merged):
    """The decision on the old ward's inspection offers its team from the accounts in force: the old ward's office
    head, whose account ended with the ward, is neither offered nor taken (work given by name to them would wait
    for someone who cannot sign in)."""
    engine, browser = merged
    with engine.db.session() as s:
        inspection = s.scalars(select(Inspection).where(Inspection.title == INSPECTION)).one()
        decide = s.scalars(select(WorkItem).where(WorkItem.instance_id == inspection.instance_id,
                                                  WorkItem.status == "ready")).one()
    chairman = browser("ct_th")
    form = _page(chairman, f"/work/{decide.id}")
    assert 'value="cvp_th"' in form and 'value="cvp_p1"' not in form
    refused = chairman.post(f"/work/{decide.id}", {**DECISION, "team_members": ["cvp_th", "cvp_p1"]})
    assert refused.status_code == 422, refused.status_code
    assert "3/QĐ-UBND" not in _page(browser("vp_th"), f"/inspections/{inspection.id}")

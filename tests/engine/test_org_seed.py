"""`dondoc org seed`: a merged province (Đắk Lắk = Đắk Lắk + Phú Yên) and an unchanged one (Cao Bằng),
counted against the package's own data; successor links; old tasks reported under today's units."""
from __future__ import annotations

import importlib.util
import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from engine.cli import cli
from engine.directives import subassign
from engine.directives.models import Assignment
from engine.imports.units import UnitDirectory
from engine.inbox import service as inbox
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit
from engine.proposals.service import read_and_propose
from engine.registry import service as registry
from engine.reports import counts
from engine.reports.counts import Scope
from engine.reports.operators import reporting_units
from engine.reports.query import ReportQuery
from engine.urging import manual
from tests.conftest import REPO_ROOT, fresh_database_url, make_engine
from tests.scenarios.drive import Scenario, _user


def _package_count(query: str, *params: str) -> int:
    """Read the package's data directly, not through engine/org/seed.py."""
    data = Path(list(importlib.util.find_spec("vietnamadminunits").submodule_search_locations)[0]) / "data"
    with closing(sqlite3.connect(data / "dataset.db")) as db:
        return db.execute(query, params).fetchone()[0]


def _seed(engine, province: str):
    result = CliRunner().invoke(cli, ["org", "seed", "--province", province], obj=engine)
    assert result.exit_code == 0, result.output
    return result.output


def _kinds(engine, **where) -> dict[tuple[str, bool], int]:
    with engine.db.session() as s:
        rows = s.execute(select(Unit.kind, Unit.valid_to.is_(None), func.count()).filter_by(**where)
                         .group_by(Unit.kind, Unit.valid_to.is_(None))).all()
    return {(kind, current): n for kind, current, n in rows}


def test_merged_province_with_its_communes_and_old_units(engine):
    output = _seed(engine, "66")
    assert "UBND tỉnh Đắk Lắk" in output
    new_communes = _package_count("SELECT count(*) FROM admin_units WHERE provinceCode = '66'")
    old_communes = _package_count("SELECT count(*) FROM admin_units_legacy WHERE provinceKey IN "
                                  "('tinhdaklak', 'tinhphuyen') AND wardCode IS NOT NULL")
    old_districts = _package_count("SELECT count(DISTINCT districtCode) FROM admin_units_legacy WHERE provinceKey IN "
                                   "('tinhdaklak', 'tinhphuyen')")
    assert (new_communes, old_communes, old_districts) == (102, 286, 24)
    assert _kinds(engine) == {("province", True): 1, ("department", True): 12, ("commune", True): new_communes,
                              ("province", False): 2, ("department", False): 2 * 12 + 2 * 6,
                              ("district", False): old_districts, ("commune", False): old_communes}
    with engine.db.session() as s:
        province = org.require_unit(s, "tinh-66")
        phu_yen = org.require_unit(s, "cu-tinh-54")
        assert (phu_yen.name, phu_yen.valid_to, phu_yen.successor_id) == ("UBND tỉnh Phú Yên", date(2025, 7, 1),
                                                                           province.id)
        office = org.tracking_office(s)
        assert (office.code, office.name) == ("tinh-66-vp", "Văn phòng Ủy ban nhân dân tỉnh Đắk Lắk")
        # formed with the merged province: before it, the old provinces' departments were in force
        assert {u.valid_from for u in s.scalars(select(Unit).where(Unit.code.like("tinh-66-%")))} == {date(2025, 7, 1)}
        # Phú Yên's Department of Information and Communications: into its Science and Technology
        # department (1/3/2025), which went into Đắk Lắk's (1/7/2025).
        stttt = org.require_unit(s, "cu-tinh-54-stttt")
        latest = org.latest_successors(s)
        assert latest[stttt.id] == org.require_unit(s, "tinh-66-skhcn").id
        assert stttt.valid_to == date(2025, 3, 1)
        # Phường 1, Tuy Hòa (22015) is today part of Phường Tuy Hòa; every old commune has a new one
        assert s.get(Unit, org.require_unit(s, "cu-xa-22015").successor_id).name == "Phường Tuy Hòa"
        old = s.scalars(select(Unit).where(Unit.kind == "commune", Unit.valid_to.is_not(None))).all()
        assert all(s.get(Unit, latest[u.id]).kind == "commune" for u in old)
        # the new communes are issuing bodies (their own offices track their committees' directives), no other unit
        assert set(s.scalars(select(Unit.code).where(Unit.is_issuing_body.is_(True)))) == set(s.scalars(
            select(Unit.code).where(Unit.kind == "commune", Unit.valid_to.is_(None))))
        assert org.body_of(s, org.require_unit(s, "cu-xa-22015").id).code == "tinh-66"


def test_unchanged_province_keeps_its_province_and_is_idempotent(engine):
    _seed(engine, "4")
    first = _kinds(engine)
    new_communes = _package_count("SELECT count(*) FROM admin_units WHERE provinceCode = '04'")
    old_communes = _package_count("SELECT count(*) FROM admin_units_legacy WHERE provinceCode = '04'")
    assert first == {("province", True): 1, ("department", True): 12, ("commune", True): new_communes,
                     ("department", False): 6, ("district", False): 10, ("commune", False): old_communes}
    with engine.db.session() as s:
        s.execute(Unit.__table__.update().where(Unit.code == "tinh-04-snv").values(name="Sở Nội vụ (đã sửa)"))
        s.execute(Unit.__table__.update().where(Unit.kind == "commune").values(is_issuing_body=False))
    assert "0 units created" in _seed(engine, "04")  # run twice: nothing added, nothing overwritten
    assert _kinds(engine) == first
    with engine.db.session() as s:
        assert org.require_unit(s, "tinh-04-snv").name == "Sở Nội vụ (đã sửa)"
        assert org.require_unit(s, "tinh-04-snv").valid_from is None   # an unchanged province's: always in force
        # communes seeded before issuing bodies existed are marked by seeding again
        assert s.scalar(select(func.count()).where(Unit.is_issuing_body.is_(True))) == new_communes
        assert org.require_unit(s, "cu-huyen-040").successor_id == org.require_unit(s, "tinh-04").id
    # a seeded department merged later: closed with its successor, and seeding again keeps it closed
    retire = ["org", "retire", "tinh-04-ttr", "--on", "01/01/2026", "--successor", "tinh-04-snv"]
    result = CliRunner().invoke(cli, retire, obj=engine)
    assert result.exit_code == 0 and "succeeded by tinh-04-snv" in result.output
    _seed(engine, "04")
    with engine.db.session() as s:
        inspectorate = org.require_unit(s, "tinh-04-ttr")
        assert (inspectorate.valid_to, inspectorate.successor_id) == (date(2026, 1, 1),
                                                                      org.require_unit(s, "tinh-04-snv").id)
    bad = CliRunner().invoke(cli, ["org", "retire", "tinh-04-ttr", "--on", "2026-01-01"], obj=engine)
    assert bad.exit_code == 2 and "01/01/2026" not in bad.output and "--on" in bad.output


def test_a_second_province_seeded_into_the_same_deployment_says_what_it_did(engine):
    """Điện Biên seeded after Cao Bằng: a tree of its own beside it, Cao Bằng's office still tracking, and its
    registers' "Sở Tài chính" no longer naming Cao Bằng's — said, not left for the office to find out."""
    first = _seed(engine, "04")
    assert "Tracking office: Văn phòng Ủy ban nhân dân tỉnh Cao Bằng." in first and "Also in" not in first
    second = _seed(engine, "11")
    assert "Tracking office: Văn phòng Ủy ban nhân dân tỉnh Cao Bằng." in second
    assert "Also in this deployment: UBND tỉnh Cao Bằng. Each province is a tree of its own, tracked" in second
    assert "Also in this deployment: UBND tỉnh Điện Biên." in _seed(engine, "04")
    with engine.db.session() as s:
        assert org.tracking_office(s).code == "tinh-04-vp"
        assert UnitDirectory(s).find("Sở Tài chính") is None   # what the message says


def test_all_or_nothing_and_unknown_province(engine):
    with engine.db.session() as s:
        org.create_unit(s, "xa-01273", "Trùng mã", kind="department")  # a commune code of Cao Bằng, wrong kind
    result = CliRunner().invoke(cli, ["org", "seed", "--province", "04"], obj=engine)
    assert result.exit_code == 1 and "xa-01273" in result.output
    result = CliRunner().invoke(cli, ["org", "seed", "--province", "99"], obj=engine)
    assert result.exit_code == 1 and "99" in result.output
    with engine.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 1


@pytest.fixture
def seeded_scenario(database_url, clock, tmp_path):
    sc = Scenario.start(database_url, clock, "dak-lak", tmp_path)
    _seed(sc.engine, "66")
    yield sc
    sc.close()


def _pre_2025_commune_task(sc, symbol: str):
    """A task given on 12/05/2025 to a commune merged into Phường Tuy Hòa on 1/7/2025, read on 05/01/2026."""
    sc.at("2025-05-12 09:00")
    directive = sc.register(symbol, "12/05/2025", [
        {"content": "Rà soát hộ nghèo", "lead_unit": "cu-xa-22015", "deadline": "30/06/2025"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    sc.clock.set(datetime(2026, 1, 5, 9, 0))
    return assignment


def test_a_directive_of_a_pre_2025_unit_reports_under_its_successor(seeded_scenario):
    sc = seeded_scenario
    assignment = _pre_2025_commune_task(sc, "12/UBND-VP")
    with sc.engine.db.session() as s:
        old = org.require_unit(s, "cu-xa-22015")
        assert sc.assignment(assignment.id).lead_unit_id == old.id  # it still names the body that received it
        rows = counts.by_unit(s, Scope(as_of=date(2026, 1, 5)))
        tree = counts.by_subtree(s, Scope(as_of=date(2026, 1, 5)), org.require_unit(s, "tinh-66").id)
    [row] = rows
    assert (row.extra["code"], row.extra["name"], row.overdue) == ("xa-22015", "Phường Tuy Hòa", 1)
    assert [(r.extra["code"], r.overdue) for r in tree] == [("xa-22015", 1)]
    # the new ward's own report (the report page's and the API's unit scope) holds the task its
    # predecessor received; so does the table of a user of that ward, by their own unit
    with sc.engine.db.session() as s:
        query = ReportQuery.from_args({"unit": "xa-22015", "period": "2025"}, date(2026, 1, 5))
        scope = query.scope(s, None)
        ward = org.require_unit(s, "xa-22015")
        assert counts.total(s, scope).overdue == 1
        assert [(r.extra["code"], r.overdue) for r in counts.by_subtree(s, scope, ward.id)] == [("xa-22015", 1)]
        merged_in = org.with_predecessors(s, {ward.id}) - {ward.id}
        latest = org.latest_successors(s)
        assert old.id in merged_in and all(latest[u] == ward.id for u in merged_in)  # Phường 1, 2… of Tuy Hòa


def test_the_registry_filtered_on_a_successor_lists_its_predecessor_s_task(seeded_scenario):
    """Filtered on Phường Tuy Hòa, the registry lists the task a pre-2025 commune merged into it received, as the
    ward's report counts it — the office's, and the ward's own staff's (it listed none: found on a seeded Đắk Lắk)."""
    sc = seeded_scenario
    assignment = _pre_2025_commune_task(sc, "14/UBND-VP")
    with sc.engine.db.session() as s:
        ward = _user(s, "tuyhoa", "xa-22015", ["unit_officer"])
        found = {(who, code): [r.assignment.id for r in registry.search(
            s, user, registry.AssignmentQuery(unit_code=code)).rows]
            for who, user in (("office", sc.users["clerk"]), ("ward", ward)) for code in ("xa-22015", "cu-xa-22015")}
        other = registry.search(s, sc.users["clerk"], registry.AssignmentQuery(unit_code="tinh-66-stc")).total
    assert set(map(tuple, found.values())) == {(assignment.id,)} and other == 0, found


def test_a_report_of_a_reorganised_unit_itself_adds_up(seeded_scenario):
    """A report of an old unit itself (its former staff's, whose table starts at their unit, or the
    office's filtered on it) lists its tasks in the old unit's own row, as its total counts them:
    counted under the successor, outside the old unit's tree, they fell out of the table (found on
    a seeded Cà Mau: a total of 2 overdue above an empty table, in the page and its Word/PDF/Excel)."""
    sc = seeded_scenario
    _pre_2025_commune_task(sc, "14/UBND-VP")
    with sc.engine.db.session() as s:
        query = ReportQuery.from_args({"unit": "cu-xa-22015", "period": "2025"}, date(2026, 1, 5))
        scope = query.scope(s, None)
        old = org.require_unit(s, "cu-xa-22015")
        assert counts.total(s, scope).overdue == 1
        rows = [(r.extra["code"], r.overdue) for r in counts.by_subtree(s, scope, old.id)]
        ranked = [r.extra["code"] for r in counts.ranking(s, scope, root_id=old.id)]
    assert rows == [("cu-xa-22015", 1)] and ranked == ["cu-xa-22015"]


def test_the_successor_ward_sees_and_reports_on_its_predecessor_s_task(seeded_scenario):
    """The task a pre-2025 commune received is the new ward's to carry: its staff find it in the registry
    and on its page, as its report counts it, and report on it; a ward that is no successor does not."""
    sc = seeded_scenario
    assignment = _pre_2025_commune_task(sc, "13/UBND-VP")
    with sc.engine.db.session() as s:
        ward, other = (_user(s, login, code, ["unit_officer"]) for login, code in (("tuyhoa", "xa-22015"),
                                                                                   ("khac", "tinh-66-stc")))
        listed = {login: list(s.scalars(registry.visible_assignments(s, user).with_only_columns(Assignment.id)))
                  for login, user in (("tuyhoa", ward), ("khac", other))}
        seen = {login: permissions.may_see(s, user, permissions.ASSIGNMENT, assignment.id)
                for login, user in (("tuyhoa", ward), ("khac", other))}
    assert listed == {"tuyhoa": [assignment.id], "khac": []} and seen == {"tuyhoa": True, "khac": False}
    with sc.engine.db.session() as s:  # its step waits among the ward's own, in the inbox's views
        assert inbox.counts(s, s.merge(ward), views=("mine", "unit")) == {"mine": 1, "unit": 1}
    sc.users["tuyhoa"] = ward
    # it is the ward that is urged: by hand, and by the alerts (long overdue: escalated); the old commune has no staff
    assert manual.urge(sc.engine, assignment.id, "Đề nghị báo cáo", sc.users["clerk"]).told == 1
    sc.at("2026-01-06 09:00")
    told = {n.kind for n in sc.notices("escalation", assignment.id) + sc.notices("urged", assignment.id)
            if n.user_id == ward.id}
    assert told == {"escalation", "urged"}, told
    with sc.engine.db.session() as s:  # it passes it down to its own section
        org.create_unit(s, "xa-22015-kt", "Phòng Kinh tế phường Tuy Hòa", parent_code="xa-22015", kind="section")
    [share] = subassign.sub_assign(sc.engine, assignment.id, [{"unit": "xa-22015-kt"}], ward)
    assert sc.assignment(share).parent_id == assignment.id
    with sc.engine.db.session() as s:  # the province asks the ward for the quarter's report, not the old commune
        asked = [u.code for u in reporting_units(s, date(2026, 1, 1), date(2026, 3, 31))]  # nor its section
    assert asked == ["xa-22015"], asked
    sc.complete("handle", "tuyhoa", {"action": "update", "progress": "done", "note": "Đã rà soát",
                                     "overdue_reason": "Sắp xếp đơn vị hành chính"}, assignment.id)
    assert sc.assignment(assignment.id).progress == "done"


def test_a_backup_made_under_the_old_tree_is_restored_then_mapped_by_the_seed(engine, clock, tmp_path):
    """A pre-2025 Phú Yên deployment (its own codes) backed up, restored onto a fresh database and
    seeded as today's Đắk Lắk: its units are closed with their successors, not duplicated."""
    with engine.db.session() as s:
        org.create_unit(s, "PY", "UBND tỉnh Phú Yên", kind="province")
        org.create_unit(s, "PY-VP", "Văn phòng Ủy ban nhân dân tỉnh Phú Yên", parent_code="PY", kind="department",
                        tracking_office=True)
        org.create_unit(s, "PY-STTTT", "Sở Thông tin và Truyền thông tỉnh Phú Yên", parent_code="PY",
                        kind="department")
        org.create_unit(s, "PY-TH", "UBND thành phố Tuy Hòa", parent_code="PY", kind="district")
        org.create_unit(s, "PY-P1", "UBND phường 1", parent_code="PY-TH", kind="commune")
    archive = tmp_path / "phu-yen.tar.gz"
    assert CliRunner().invoke(cli, ["backup", str(archive)], obj=engine).exit_code == 0
    with fresh_database_url(tmp_path, "restored") as url:
        restored = make_engine(url, clock, tmp_path=tmp_path / "restored")
        try:
            assert CliRunner().invoke(cli, ["restore", str(archive)], obj=restored).exit_code == 0
            assert "5 adopted from the old tree" in _seed(restored, "66")
            with restored.db.session() as s:
                latest = org.latest_successors(s)
                py, stttt, p1 = (org.require_unit(s, c) for c in ("PY", "PY-STTTT", "PY-P1"))
                assert (py.valid_to, latest[py.id]) == (date(2025, 7, 1), org.require_unit(s, "tinh-66").id)
                assert (stttt.valid_to, latest[stttt.id]) == (date(2025, 3, 1), org.require_unit(s, "tinh-66-skhcn").id)
                assert s.get(Unit, latest[p1.id]).name == "Phường Tuy Hòa"
                assert org.unit_by_code(s, "cu-tinh-54") is None and org.unit_by_code(s, "cu-xa-22015") is None
                # the planned units below an adopted one hang below it
                assert org.require_unit(s, "cu-tinh-54-stnmt").parent_id == py.id
                # the old province's office, closed, hands the tracking over to today's
                assert org.tracking_office(s).code == "tinh-66-vp"
                assert org.require_unit(s, "PY-VP").successor_id == org.require_unit(s, "tinh-66-vp").id
        finally:
            restored.close()


# A conclusion notice as a province's or a city's own office writes it: its units named without the place.
_OWN_NOTICE = """Chủ tịch UBND {tier} kết luận như sau:
1. Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát kế hoạch vốn, báo cáo UBND {tier} trước ngày 30/12/2026.
2. Sở Nông nghiệp và Môi trường {tier} đẩy nhanh giải phóng mặt bằng; hoàn thành trong tháng 01/2027.
3. Giao Văn phòng UBND {tier} theo dõi, đôn đốc việc thực hiện."""


def test_an_old_deployment_s_units_written_with_abbreviations_are_adopted(engine):
    """A pre-2025 Phú Yên tree as an office typed it ("Ủy ban nhân dân tỉnh Phú Yên", "Sở TT&TT tỉnh Phú Yên", "UBND TP
    Tuy Hòa", "Sở LĐ-TB&XH tỉnh Phú Yên"): seeding Đắk Lắk adopts them, not a second Sở TT&TT beside one left in
    force (its tasks counted nowhere of today's)."""
    with engine.db.session() as s:
        for code, name, parent, kind in (("PY", "Ủy ban nhân dân tỉnh Phú Yên", None, "province"),
                                         ("PY-TTTT", "Sở TT&TT tỉnh Phú Yên", "PY", "department"),
                                         ("PY-LD", "Sở LĐ-TB&XH tỉnh Phú Yên", "PY", "department"),
                                         ("PY-TH", "UBND TP Tuy Hòa", "PY", "district")):
            org.create_unit(s, code, name, parent_code=parent, kind=kind)
    assert "4 adopted from the old tree" in _seed(engine, "66")
    with engine.db.session() as s:
        latest = org.latest_successors(s)
        successors = {c: s.get(Unit, latest[org.require_unit(s, c).id]).code
                      for c in ("PY", "PY-TTTT", "PY-LD", "PY-TH")}
        assert successors == {"PY": "tinh-66", "PY-TTTT": "tinh-66-skhcn", "PY-LD": "tinh-66-snv", "PY-TH": "tinh-66"}
        assert org.unit_by_code(s, "cu-tinh-54-stttt") is None


@pytest.mark.parametrize("province, tier, place", [("66", "tỉnh", "Đắk Lắk"), ("92", "thành phố", "Cần Thơ")])
def test_a_seeded_province_s_own_texts_name_its_units_without_its_place(engine, province, tier, place):
    """The seed names a unit by its place ("Sở Tài chính tỉnh Đắk Lắk"); the province's texts do not."""
    _seed(engine, province)
    with engine.db.session() as s:
        proposals = read_and_propose(s, date(2026, 12, 3), _OWN_NOTICE.format(tier=tier))["proposals"]
    assert [([u["name"] for u in p["lead_units"]], [u["name"] for u in p["coordinating_units"]])
            for p in proposals] == [
        ([f"Sở Tài chính {tier} {place}"], [f"Sở Xây dựng {tier} {place}"]),
        ([f"Sở Nông nghiệp và Môi trường {tier} {place}"], []),
        ([f"Văn phòng Ủy ban nhân dân {tier} {place}"], [])]


@pytest.mark.parametrize("old_province, old_code", [("BÌNH ĐỊNH", "cu-tinh-52"), ("GIA LAI", "cu-tinh-64")])
def test_a_merged_province_s_text_before_the_merger_names_the_units_of_the_province_its_header_names(
        engine, old_province, old_code):
    """Gia Lai absorbed Bình Định on 1/7/2025: on 10/03/2025 the seeded tree holds both old provinces, and "Sở Tài
    chính" is the one of the province that wrote the text."""
    _seed(engine, "52")
    text = (f"ỦY BAN NHÂN DÂN\nTỈNH {old_province}\nSố: 88/TB-UBND\nNgày 10 tháng 3 năm 2025\n"
            "1. Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát kế hoạch vốn, báo cáo UBND tỉnh "
            "trước ngày 30/3/2025.")
    with engine.db.session() as s:
        [proposal] = read_and_propose(s, date(2025, 3, 10), text)["proposals"]
    assert [u["code"] for u in proposal["lead_units"] + proposal["coordinating_units"]] == [
        f"{old_code}-stc", f"{old_code}-sxd"]


def test_a_real_city_directive_names_the_seeded_city_s_units(engine):
    """Chỉ thị 09/CT-UBND of Cần Thơ (18/11/2025, bench/extraction/corpus, heldout14) on a seeded Cần Thơ: its
    departments, written as the city writes them ("Sở Y tế", "Thanh tra thành phố"), are the seeded ones."""
    _seed(engine, "92")
    text = (REPO_ROOT / "bench/extraction/corpus/heldout14/ct-09-ct-ubnd-2025.txt").read_text(encoding="utf-8")
    with engine.db.session() as s:
        proposals = read_and_propose(s, date(2025, 11, 18), text)["proposals"]
    def led(opening: str) -> list[str]:
        [proposal] = [p for p in proposals if p["content"].startswith(opening)]
        return [u["code"] for u in proposal["lead_units"]]
    assert led("Tăng cường công tác tuyên truyền") == ["tinh-92-snnmt"]
    assert led("Chủ trì, phối hợp Sở Nông nghiệp và Môi trường") == ["tinh-92-sxd"]
    assert led("Thường xuyên kiểm tra chất lượng nước") == ["tinh-92-syt"]
    assert led("Giao Thanh tra thành phố") == ["tinh-92-ttr"]
    assert all(u["code"].startswith(("tinh-92", "xa-")) for p in proposals for u in p["lead_units"])

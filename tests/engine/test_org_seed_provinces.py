"""`dondoc org seed` for each of the 34 provinces and cities of 2025, on a fresh database each, checked
against the package's own data (read here directly, not through engine/org/seed.py): its communes, its
departments, every old province merged into it with its departments, districts and communes closed
and succeeded; a second run changes nothing, nor does one after the administrator edited units."""
from __future__ import annotations

import importlib.util
import json
import sqlite3
import tomllib
from contextlib import closing
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.cli import cli
from engine.org import service as org
from engine.org.models import Unit
from engine.reports.service import office_header
from tests.conftest import REPO_ROOT

DATA = Path(list(importlib.util.find_spec("vietnamadminunits").submodule_search_locations)[0]) / "data"
MERGER, DEPARTMENTS_MERGER = date(2025, 7, 1), date(2025, 3, 1)
DEPARTMENT_KEYS = {"vp", "snv", "stp", "stc", "sct", "snnmt", "sxd", "svhttdl", "skhcn", "sgddt", "syt", "ttr"}
MERGED_AWAY = {"skhdt": "stc", "stnmt": "snnmt", "snnptnt": "snnmt", "sgtvt": "sxd", "stttt": "skhcn",
               "sldtbxh": "snv"}


def _package(query: str, *params: str) -> list[tuple]:
    with closing(sqlite3.connect(DATA / "dataset.db")) as db:
        return db.execute(query, params).fetchall()


@cache
def _old_provinces() -> dict[str, list[str]]:
    """2025 province key -> the keys of the provinces merged into it."""
    return json.loads((DATA / "converter_2025.json").read_text(encoding="utf-8"))["DICT_PROVINCE"]


PROVINCES = _package("SELECT DISTINCT provinceCode, provinceKey FROM admin_units ORDER BY provinceCode")


def _seed(engine, code: str) -> str:
    result = CliRunner().invoke(cli, ["org", "seed", "--province", code], obj=engine)
    assert result.exit_code == 0, result.output
    return result.output


def _snapshot(engine) -> list[tuple]:
    with engine.db.session() as s:
        return [tuple(row) for row in s.execute(select(*Unit.__table__.columns).order_by(Unit.code))]


def test_the_package_holds_the_34_provinces_of_2025():
    assert len(PROVINCES) == 34 and len({k for olds in _old_provinces().values() for k in olds}) == 63


@pytest.mark.parametrize("code, key", PROVINCES, ids=[code for code, _ in PROVINCES])
def test_every_province_seeds_maps_its_old_units_and_seeds_again_unchanged(engine, code, key):
    _seed(engine, code)
    new = f"tinh-{code}"
    old_keys = _old_provinces()[key]
    merged = old_keys != [key]
    with engine.db.session() as s:
        units = {u.code: u for u in s.scalars(select(Unit))}
        latest = org.latest_successors(s)
        below = org.subtree_ids(s, units[new].id)
        communes = {c for c, u in units.items() if u.kind == "commune" and u.valid_to is None}
        assert communes == {f"xa-{w}" for (w,) in _package("SELECT wardCode FROM admin_units WHERE provinceCode = ?",
                                                               code)}
        assert {c for c, u in units.items() if u.kind == "department" and u.valid_to is None} == {
            f"{new}-{k}" for k in DEPARTMENT_KEYS}
        assert org.tracking_office(s).code == f"{new}-vp"
        assert all(units[c].is_issuing_body for c in communes)
        assert units[new].valid_to is None and units[new].valid_from == (MERGER if merged else None)
        # every unit hangs below the province; every closed one ends up at a unit of today's tree
        assert {u.id for u in units.values()} == below
        closed = [u for u in units.values() if u.valid_to is not None]
        assert all(units_by_id_in_force(s, latest[u.id]) for u in closed)
        for old_key in old_keys:
            _check_old_province(units, latest, new, old_key, merged)
    first = _snapshot(engine)
    assert "0 units created" in _seed(engine, code)
    assert _snapshot(engine) == first
    # the administrator's edits: a renamed department, a commune no longer an issuing body, a
    # department merged away later, an agency identifier; a seeding run again keeps them all
    with engine.db.session() as s:
        s.get(Unit, org.require_unit(s, f"{new}-snv").id).name = "Sở Nội vụ (tên đã sửa)"
        commune = sorted(communes)[0]
        org.mark_issuing_body(s, commune, False)
        org.retire_unit(s, f"{new}-ttr", date(2026, 1, 1), successor_code=f"{new}-snv")
        org.set_agency_code(s, f"{new}-vp", f"000.00.01.H{code}")
    edited = _snapshot(engine)
    assert "0 units created" in _seed(engine, code)
    assert _snapshot(engine) == edited
    with engine.db.session() as s:
        assert not org.require_unit(s, commune).is_issuing_body


def units_by_id_in_force(session, unit_id: int) -> bool:
    return session.get(Unit, unit_id).valid_to is None


def _check_old_province(units: dict[str, Unit], latest: dict[int, int], new: str, old_key: str, merged: bool):
    """The old province `old_key`: its departments, districts and communes closed, each succeeded by the
    unit of today that took over its work."""
    rows = _package("SELECT provinceCode, districtCode, wardCode FROM admin_units_legacy WHERE provinceKey = ?",
                    old_key)
    old = f"cu-tinh-{rows[0][0]}" if merged else new
    by_id = {u.id: u for u in units.values()}
    if merged:
        assert (units[old].valid_to, by_id[units[old].successor_id].code) == (MERGER, new)
        for k in DEPARTMENT_KEYS:
            department = units[f"{old}-{k}"]
            assert (department.valid_to, by_id[department.successor_id].code) == (MERGER, f"{new}-{k}")
    for k, into in MERGED_AWAY.items():
        department = units[f"{old}-{k}"]
        assert department.valid_to == DEPARTMENTS_MERGER
        assert by_id[latest[department.id]].code == f"{new}-{into}"
    for district_code in {d for _, d, _ in rows}:
        district = units[f"cu-huyen-{district_code}"]
        assert district.valid_to == MERGER and by_id[district.parent_id].code == old
        assert by_id[district.successor_id].code == new or by_id[district.successor_id].kind == "commune"
    for _, district_code, ward_code in rows:
        if ward_code is None:  # an island district without communes (huyện Côn Đảo)
            continue
        commune = units[f"cu-xa-{ward_code}"]
        assert commune.valid_to == MERGER and by_id[commune.parent_id].code == f"cu-huyen-{district_code}"
        successor = by_id[commune.successor_id]
        assert successor.kind == "commune" and successor.valid_to is None and successor.code.startswith("xa-")


@pytest.mark.parametrize("province, district, successor", [
    ("79", "cu-huyen-755", "Đặc khu Côn Đảo"),      # an island district without communes, of Bà Rịa - Vũng Tàu
    ("31", "cu-huyen-318", "Đặc khu Bạch Long Vĩ"),
    ("22", "cu-huyen-203", "Đặc khu Vân Đồn"),      # its communes all went into the special zone, and nothing else
    ("48", "cu-huyen-494", "Phường Ngũ Hành Sơn"),
    ("91", "cu-huyen-911", "UBND tỉnh An Giang"),   # Phú Quốc: split between Đặc khu Phú Quốc and Đặc khu Thổ Châu
    ("11", "cu-huyen-095", "UBND tỉnh Điện Biên")])  # Mường Lay: its phường Mường Lay took in a commune of another
def test_a_district_whose_whole_territory_became_one_commune_is_succeeded_by_it(engine, province, district,
                                                                                 successor):
    """Huyện Côn Đảo became Đặc khu Côn Đảo: its tasks are the special zone's to carry; a district
    shared out among several communes is succeeded by the province."""
    _seed(engine, province)
    with engine.db.session() as s:
        assert s.get(Unit, org.require_unit(s, district).successor_id).name == successor


@pytest.mark.parametrize("old, name, new, new_name", [("95", "Tỉnh Bạc Liêu", "96", "Tỉnh Cà Mau"),
                                                      ("10", "Tỉnh Lào Cai", "15", "Tỉnh Lào Cai"),
                                                      ("2", "Tỉnh Hà Giang", "08", "Tỉnh Tuyên Quang")])
def test_an_old_province_code_names_the_province_it_is_part_of(engine, old, name, new, new_name):
    result = CliRunner().invoke(cli, ["org", "seed", "--province", old], obj=engine)
    assert result.exit_code == 1
    assert name in result.output and new_name in result.output and f" {new}" in result.output, result.output
    assert _snapshot(engine) == []


@pytest.mark.parametrize("ruleset, office", [("tinh-2025", "VĂN PHÒNG HĐND VÀ UBND ĐẶC KHU CÔN ĐẢO"),
                                             ("dak-lak", "VĂN PHÒNG UBND ĐẶC KHU CÔN ĐẢO")])  # no [body_terminology]
def test_a_seeded_commune_s_papers_are_headed_by_its_committee_and_dated_at_its_place(engine, ruleset, office):
    """A seeded commune is named as the unit ("Đặc khu Côn Đảo"): its office's papers name its committee,
    its office as the ruleset words it, and its place."""
    _seed(engine, "79")
    settings = tomllib.loads((REPO_ROOT / "processes" / ruleset / "ruleset.toml").read_text(encoding="utf-8"))
    with engine.db.session() as s:
        zone = s.scalars(select(Unit).where(Unit.name == "Đặc khu Côn Đảo")).one()
        header = office_header(s, settings, "      /BC-VP", date(2026, 3, 2), "Báo cáo", body=zone)
        province = office_header(s, settings, "      /BC-VP", date(2026, 3, 2), "Báo cáo")
    assert (header.parent_body, header.issuer, header.place) == ("UBND ĐẶC KHU CÔN ĐẢO", office, "Côn Đảo")
    assert (province.parent_body, province.issuer) == ("UBND THÀNH PHỐ HỒ CHÍ MINH",
                                                      "VĂN PHÒNG ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH")
    assert province.place == "Hồ Chí Minh"

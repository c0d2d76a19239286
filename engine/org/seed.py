"""Seed a post-2025 province (tỉnh, thành phố) from the administrative units of the PyPI package
`vietnamadminunits` (pinned in pyproject.toml; its data files are read offline, the package's
own modules — which geocode over the network — are never imported).

What one `seed_province` creates (codes in brackets; `<p>` the province's statistics code):
- the province `tinh-<p>`, from 1/7/2025 (Resolution 202/2025/QH15) when it was formed by a merger;
- its departments `tinh-<p>-<key>`, the ones NĐ 150/2025/NĐ-CP Đ.8 makes common to every
  province (`DEPARTMENTS`), from 1/7/2025 too when the province was formed by a merger (before, its
  old provinces' departments were in force); the Văn phòng UBND is the tracking office, unless the deployment
  already has one (dondoc has one tracking office). Names may be edited
  afterwards: a second seeding never overwrites a unit that exists;
- its communes, wards and special zones `xa-<code>`, from 1/7/2025, each an issuing body (its
  committee's own directives are tracked by its own office: org.body_of), also when it exists already;
- the pre-2025 tree it replaces, closed on 30/6/2025 (`valid_to` 1/7/2025) with successor links:
  each old province merged into it (`cu-tinh-<code>`) and that province's departments, every old
  district (`cu-huyen-<code>`, successor: the province — districts were abolished —, or the commune that
  took over all of its territory and nothing else, `_district_successors`) and old commune
  (`cu-xa-<code>`, successor: the commune the package maps it to; a commune split between several
  takes the one the package marks as default); and the departments merged away on 1/3/2025
  (NĐ 45/2025/NĐ-CP, `MERGED_DEPARTMENTS`), each succeeded by the department that absorbed it.

Old-tree units a deployment already holds under its own codes — restored from a backup made
before 2025, or imported — are adopted rather than duplicated: a unit in force, of the planned
old unit's kind and with its name (compared folded, the usual abbreviations written out — "UBND TP Tuy Hòa", "Sở
TT&TT tỉnh Phú Yên": engine.org.names.spelled_out —, and only when one unit has it), gets the
end date and the successor link, keeps its code, parent and tasks, and the planned units below
it hang below it; an old tracking office so closed hands over to the seeded Văn phòng UBND. A unit left in
force below a unit closed with a successor (an adopted old ward's sections) moves below the unit carrying its work
(org.move_units_left_below_closed).

A province that did not merge (Cao Bằng, Hà Nội…) keeps its province unit: only its districts,
old communes and the departments of 1/3/2025 are closed. Old units hang below the new province,
so that the province's people see the tasks they still carry. Everything is one transaction.
"""
from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db import lock_name
from engine.errors import EngineError
from engine.org import service as org
from engine.org.models import Unit
from engine.org.names import spelled_out

PACKAGE = "vietnamadminunits"
TWO_TIER_FROM = date(2025, 7, 1)          # Resolution 202/2025/QH15: in force 1/7/2025
DEPARTMENTS_MERGED_ON = date(2025, 3, 1)  # NĐ 45/2025/NĐ-CP: in force 1/3/2025

# NĐ 150/2025/NĐ-CP Đ.8: the twelve specialised bodies every province has (key, name). Sở Dân tộc
# và Tôn giáo, Sở Ngoại vụ and a city's own departments (Đ.9) depend on the province: add them.
DEPARTMENTS = (
    ("vp", "Văn phòng Ủy ban nhân dân"),
    ("snv", "Sở Nội vụ"),
    ("stp", "Sở Tư pháp"),
    ("stc", "Sở Tài chính"),
    ("sct", "Sở Công Thương"),
    ("snnmt", "Sở Nông nghiệp và Môi trường"),
    ("sxd", "Sở Xây dựng"),
    ("svhttdl", "Sở Văn hóa, Thể thao và Du lịch"),
    ("skhcn", "Sở Khoa học và Công nghệ"),
    ("sgddt", "Sở Giáo dục và Đào tạo"),
    ("syt", "Sở Y tế"),
    ("ttr", "Thanh tra"),
)
TRACKING_OFFICE = "vp"

# NĐ 45/2025/NĐ-CP (1/3/2025): departments merged away (key, name, key of the one that absorbed it).
MERGED_DEPARTMENTS = (
    ("skhdt", "Sở Kế hoạch và Đầu tư", "stc"),
    ("stnmt", "Sở Tài nguyên và Môi trường", "snnmt"),
    ("snnptnt", "Sở Nông nghiệp và Phát triển nông thôn", "snnmt"),
    ("sgtvt", "Sở Giao thông vận tải", "sxd"),
    ("stttt", "Sở Thông tin và Truyền thông", "skhcn"),
    ("sldtbxh", "Sở Lao động - Thương binh và Xã hội", "snv"),
)


class SeedError(EngineError):
    pass


@dataclass
class PlannedUnit:
    code: str
    name: str
    kind: str
    parent: str | None
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None
    tracking_office: bool = False
    issuing_body: bool = False


@dataclass
class SeedResult:
    province: str
    created: int = 0
    existing: int = 0
    adopted: int = 0   # old-tree units the deployment had under its own codes (`_adoptable`)
    moved: int = 0     # units in force below a closed one, moved below its successor (org.move_below_successor)
    counts: dict[str, int] = field(default_factory=dict)  # planned units per kind
    tracking_office: str = ""  # the name of the office that tracks after the seeding
    # the committees of the other provinces in force at the top of the tree: one seeded before, a tree of its own
    beside: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the package's data
def _data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise SeedError("The package %(package)s is not installed.", package=PACKAGE)
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _rows(query: str, *params: str) -> list[sqlite3.Row]:
    uri = f"file:{_data_dir() / 'dataset.db'}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        db.row_factory = sqlite3.Row
        return db.execute(query, params).fetchall()


@cache
def _converter() -> dict:
    return json.loads((_data_dir() / "converter_2025.json").read_text(encoding="utf-8"))


def provinces() -> list[tuple[str, str]]:
    """(statistics code, name) of the 34 provinces and cities, by code."""
    return [(r["provinceCode"], r["province"])
            for r in _rows("SELECT DISTINCT provinceCode, province FROM admin_units ORDER BY provinceCode")]


def _province_row(code: str) -> sqlite3.Row:
    code = code.strip().zfill(2)
    found = _rows("SELECT DISTINCT provinceCode, province, provinceShort, provinceKey FROM admin_units "
                  "WHERE provinceCode = ?", code)
    if found:
        return found[0]
    old = _rows("SELECT DISTINCT province, provinceKey FROM admin_units_legacy WHERE provinceCode = ?", code)
    if old:  # a pre-2025 code (Bạc Liêu's 95): name the province it is part of today
        [today] = _rows("SELECT DISTINCT provinceCode, province FROM admin_units WHERE provinceKey = ?",
                        _successor_key(old[0]["provinceKey"]))
        raise SeedError("Code %(code)s is that of %(old)s before 1/7/2025, today part of %(new)s: seed its code "
                        "%(new_code)s.", code=code, old=old[0]["province"], new=today["province"],
                        new_code=today["provinceCode"])
    raise SeedError("Unknown province code %(code)s (a 2025 statistics code, e.g. 66).", code=code)


def _successor_key(old_key: str) -> str:
    """The key of the 2025 province an old province (its key) is part of."""
    return next(new for new, olds in _converter()["DICT_PROVINCE"].items() if old_key in olds)


# ---------------------------------------------------------------- the plan
def plan(code: str) -> list[PlannedUnit]:
    """Every unit of the province `code`, parents before children."""
    province = _province_row(code)
    key = province["provinceKey"]
    new = f"tinh-{province['provinceCode']}"
    old_keys = _converter()["DICT_PROVINCE"][key]
    merged = old_keys != [key]
    units = [PlannedUnit(new, _ubnd(province["province"]), "province", None,
                         valid_from=TWO_TIER_FROM if merged else None)]
    # a merged province's departments are formed with it: before, its old provinces' were in force
    units += [PlannedUnit(f"{new}-{k}", f"{name} {_lower_first(province['province'])}", "department", new,
                          valid_from=TWO_TIER_FROM if merged else None, tracking_office=k == TRACKING_OFFICE)
              for k, name in DEPARTMENTS]
    wards = _rows("SELECT ward, wardCode, wardKey FROM admin_units WHERE provinceKey = ? ORDER BY wardCode", key)
    units += [PlannedUnit(f"xa-{w['wardCode']}", w["ward"], "commune", new, valid_from=TWO_TIER_FROM,
                          issuing_body=True) for w in wards]
    converted = list(_converted(key, {w["wardKey"]: f"xa-{w['wardCode']}" for w in wards}))
    successors = {old: code for old, code, default in converted if default}
    successors |= _district_successors(converted)
    for old_key in old_keys:
        units += _old_province(old_key, new, merged, successors)
    return units


def _lower_first(name: str) -> str:
    """'Tỉnh Đắk Lắk' -> 'tỉnh Đắk Lắk', as it reads after 'Sở Y tế' or 'UBND'."""
    return name[:1].lower() + name[1:]


def _ubnd(name: str) -> str:
    return f"UBND {_lower_first(name)}"


def _old_province(old_key: str, new: str, merged: bool, successors: dict[str, str]) -> Iterator[PlannedUnit]:
    """An old province's units; `successors` maps the package's keys of its old districts and
    communes ('oldprovince_olddistrict[_oldward]') to the codes of the communes that took them over."""
    rows = _rows("SELECT province, provinceShort, provinceCode, district, districtCode, districtKey, ward, wardCode, "
                 "wardKey FROM admin_units_legacy WHERE provinceKey = ? ORDER BY districtCode, wardCode", old_key)
    first = rows[0]
    old = f"cu-tinh-{first['provinceCode']}" if merged else new
    of_province = _lower_first(first["province"])
    if merged:
        yield PlannedUnit(old, _ubnd(first["province"]), "province", new, valid_to=TWO_TIER_FROM, successor=new)
        yield from (PlannedUnit(f"{old}-{k}", f"{name} {of_province}", "department", old,
                                valid_to=TWO_TIER_FROM, successor=f"{new}-{k}") for k, name in DEPARTMENTS)
    yield from (PlannedUnit(f"{old}-{k}", f"{name} {of_province}", "department", old,
                            valid_to=DEPARTMENTS_MERGED_ON, successor=f"{old}-{into}")
                for k, name, into in MERGED_DEPARTMENTS)
    seen_districts: set[str] = set()
    for row in rows:
        district = f"cu-huyen-{row['districtCode']}"
        if district not in seen_districts:
            seen_districts.add(district)
            yield PlannedUnit(district, _ubnd(row["district"]), "district", old, valid_to=TWO_TIER_FROM,
                              successor=successors.get(f"{old_key}_{row['districtKey']}", new))
        if row["wardCode"]:
            successor = successors.get(f"{old_key}_{row['districtKey']}_{row['wardKey']}", new)
            yield PlannedUnit(f"cu-xa-{row['wardCode']}", _ubnd(row["ward"]), "commune", district,
                              valid_to=TWO_TIER_FROM, successor=successor)


def _converted(province_key: str, new_codes: dict[str, str]) -> Iterator[tuple[str, str, bool]]:
    """(old 'oldprovince_olddistrict_oldward' key, code of a commune that took over part or all of it,
    whether it is the one the old commune maps to: for one split between several, the package's default).
    A district that had no communes (huyện Côn Đảo) has the key 'oldprovince_olddistrict_'."""
    converter = _converter()
    for new_key, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {}).items():
        yield from ((old, new_codes[new_key], True) for old in olds if new_key in new_codes)
    for old, parts in converter["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {}).items():
        default = next((p["newWardKey"] for p in parts if p["isDefaultNewWard"]), parts[0]["newWardKey"])
        yield from ((old, new_codes[p["newWardKey"]], p["newWardKey"] == default)
                    for p in parts if p["newWardKey"] in new_codes)


def _district_successors(converted: list[tuple[str, str, bool]]) -> dict[str, str]:
    """'oldprovince_olddistrict' key -> the commune that took over all of the district and nothing
    else (huyện Côn Đảo → Đặc khu Côn Đảo, quận Ngũ Hành Sơn → Phường Ngũ Hành Sơn): the same
    territory, the same body's work. Every other district's successor is the province."""
    communes_of: dict[str, set[str]] = defaultdict(set)
    districts_of: dict[str, set[str]] = defaultdict(set)
    for old, code, _ in converted:
        district = old.rsplit("_", 1)[0]
        communes_of[district].add(code)
        districts_of[code].add(district)
    return {district: code for district, (code, *more) in communes_of.items()
            if not more and districts_of[code] == {district}}


# ---------------------------------------------------------------- writing it
def _office_after(session: Session, adopted: dict[str, Unit], seeded_office: Unit | None) -> str | None:
    """The code of the tracking office the seeding keeps (None: the seeded Văn phòng UBND becomes
    it). An office of the old tree being closed hands over to the new province's."""
    office = session.scalar(select(Unit).where(Unit.is_tracking_office.is_(True)).order_by(Unit.id))
    if office is None or office not in adopted.values():
        return office.code if office is not None else None
    office.is_tracking_office = False   # a closed body tracks nothing
    if seeded_office is not None:
        seeded_office.is_tracking_office = True
        return seeded_office.code
    return None


def _adoptable(session: Session, planned: list[PlannedUnit]) -> dict[tuple[str, str], Unit]:
    """Units in force that the plan does not list, by (kind, name spelled out) — a name two of them,
    or two planned old units, share names none."""
    names = Counter((p.kind, spelled_out(p.name)) for p in planned if p.valid_to)
    found: dict[tuple[str, str], Unit | None] = {}
    query = select(Unit).where(Unit.valid_to.is_(None), Unit.code.not_in([p.code for p in planned]))
    for unit in session.scalars(query):
        key = (unit.kind, spelled_out(unit.name))
        found[key] = None if key in found else unit
    return {key: unit for key, unit in found.items() if unit is not None and names[key] == 1}


def seed_province(session: Session, code: str) -> SeedResult:
    """Create what `plan(code)` lists and is not there yet; a unit already there must be of the
    same kind (else SeedError and nothing is written). Idempotent; the caller commits."""
    planned = plan(code)
    lock_name(session, f"seed_province:{code}")  # a second seed at once (a double-click) finds this one's units
    existing = {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_([p.code for p in planned])))}
    for item in planned:
        unit = existing.get(item.code)
        if unit is not None and unit.kind != item.kind:
            raise SeedError("Unit %(code)s already exists and is something else: %(name)s.", code=item.code,
                            name=unit.name)
    adoptable = _adoptable(session, planned)
    adopted = {p.code: unit for p in planned if p.valid_to and p.code not in existing
               and (unit := adoptable.get((p.kind, spelled_out(p.name)))) is not None}
    office = _office_after(session, adopted, existing.get(f"{planned[0].code}-{TRACKING_OFFICE}"))
    result = SeedResult(province=planned[0].name)
    ids = {c: u.id for c, u in existing.items()}
    fresh: list[tuple[PlannedUnit, Unit]] = []
    by_hand = org.issuing_body_marked_by_hand(session)
    for item in planned:
        result.counts[item.kind] = result.counts.get(item.kind, 0) + 1
        if item.code in existing:
            # a commune seeded before issuing bodies existed is marked now; one the administrator unmarked stays so
            if existing[item.code].id not in by_hand:
                existing[item.code].is_issuing_body |= item.issuing_body
            result.existing += 1
            continue
        if (unit := adopted.get(item.code)) is not None:
            unit.valid_to = item.valid_to
            ids[item.code] = unit.id
            fresh.append((item, unit))
            result.adopted += 1
            continue
        unit = Unit(code=item.code, name=item.name, kind=item.kind, valid_from=item.valid_from,
                    valid_to=item.valid_to, is_tracking_office=item.tracking_office and office in (None, item.code),
                    is_issuing_body=item.issuing_body,
                    parent_id=ids[item.parent] if item.parent else None)
        session.add(unit)
        if item.kind in {"province", "district"}:
            session.flush()  # their children need the id
            ids[item.code] = unit.id
        fresh.append((item, unit))
        result.created += 1
    session.flush()
    for item, unit in fresh:
        ids[item.code] = unit.id
    for item, unit in fresh:
        if item.successor:
            unit.successor_id = ids[item.successor]
    session.flush()
    result.moved = org.move_units_left_below_closed(session)
    result.tracking_office = session.scalar(select(Unit.name).where(Unit.is_tracking_office.is_(True))
                                            .order_by(Unit.id)) or ""
    result.beside = _other_provinces(session, planned[0].code)
    return result


def _other_provinces(session: Session, code: str) -> list[str]:
    """The committees of the provinces in force at the top of the tree other than `code`'s. Beside a second one, a
    tree names its units only with their province: a register's "Sở Tài chính" or "UBND tỉnh" names none of them
    (engine.org.home.home_place), and the tracking office stays the first province's."""
    return list(session.scalars(select(Unit.name).where(
        Unit.kind == "province", Unit.parent_id.is_(None), Unit.valid_to.is_(None), Unit.code != code)
        .order_by(Unit.name)))

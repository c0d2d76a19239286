"""Units as a register names them: by code ("STC", "stc"), by name ("Sở Tài chính", "SO TAI
CHINH", also with the usual abbreviations: "Sở TN&MT", "UBND TP") or by the initials of the name ("SNNMT" for "Sở
Nông nghiệp và Môi trường"),
compared without case or diacritics; several in one cell separated by ";", ",", a new line
or " và "."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.org.home import COMMITTEE, committee_names, home_place, own_names
from engine.org.models import Unit
from engine.org.names import spelled_out
from engine.proposals.service import unit_matcher
from engine.proposals.units import UnitMatcher
from engine.text import fold

_SEPARATORS = re.compile(r"[;\n\r]+")   # a comma too, unless a unit's name holds it (_comma_names)
_AND = re.compile(r"\s+(?:và|va)\s+", re.IGNORECASE)
_JOINING_WORDS = {"va"}  # "và" carries no initial in an acronym (SNNMT)
_WORDS = re.compile(r"\w+")
# Words a unit's name shares with others of its kind or tier (folded): a hint close by them only ("Sở Công Thương" →
# "Sở Nông nghiệp và Môi trường", "Sở Nội vụ" → "Sở Xây dựng") names another unit, which a clerk taking it would give
# the task to
_KIND_WORDS = {"so", "phong", "ban", "ubnd", "uy", "nhan", "dan", "van", "trung", "tam", "chi", "cuc", "tinh", "thanh",
               "pho", "quan", "huyen", "thi", "xa", "tran", "phuong", "dac", "khu", "cac", *_JOINING_WORDS}


def initials(name: str) -> str:
    return "".join(word[0] for word in fold(name).split() if word not in _JOINING_WORDS and word[0].isalnum())


def _initials_as_written(text: str) -> list[str]:
    """The acronym keys of a name a register writes with its initials in capitals split by a dash or a dot ("Phòng
    KH-TC", "Phòng BC-VT", "P. BCVT", "P.KH-TC" for a department's sections): its first word before the initials
    joined, and, the first word in capitals too ("P."), all of them joined. None for other text."""
    first, *rest = _WORDS.findall(text) or [""]
    if not rest or not all(word.isupper() for word in rest):
        return []
    joined = fold("".join(rest))
    return [f"{fold(first)} {joined}", *([fold(first) + joined] if first.isupper() else [])]


def _acronyms(name: str) -> set[str]:
    """The acronyms registers write for a unit's (folded) name: its initials ("stc"), and its first word before
    the initials of the others ("so tc" for "Sở TC", "so ldtbxh" for "Sở LĐTBXH")."""
    first, _, rest = name.partition(" ")
    return {key for key in (initials(name), f"{first} {initials(rest)}".strip()) if len(key.replace(" ", "")) > 1}


@dataclass
class Lookup:
    """What one cell names: the codes found (a collective name's every unit: "UBND các xã, phường"), what was not
    recognised with a hint, the words naming units as a body (no hint fits them) that name none in particular
    ("Các tổ chức khai thác khoáng sản liên quan") or none dondoc can tell of the units in force ("UBND các huyện"
    where no district is), and those naming only the units concerned beside or without the units named ("Sở Tài
    chính và các đơn vị liên quan": "các đơn vị liên quan"), which name no unit (UnitMatcher.listed)."""
    codes: list[str]
    unknown: list[str]
    hints: list[str]
    collective: list[str] = field(default_factory=list)
    unexpanded: list[str] = field(default_factory=list)
    concerned: list[str] = field(default_factory=list)


# Words that name units as a body, not one unit: "các …" (every one of a kind), "… liên quan" (those concerned)
_COLLECTIVE = re.compile(r"\b(?:cac|lien quan)\b")
_CONCERNED = "lien quan"


class UnitDirectory:
    """The tree's units as a register names them. `on` gives the directory of one directive's day and issuer: a
    register kept before 1/7/2025 names the units of then ("Sở Tài chính" of the province that issued it)."""

    def __init__(self, session: Session, units: list[Unit] | None = None, home: tuple[str, ...] | None = None,
                 fallback: UnitDirectory | None = None):
        """`units`: those of one day (default: the whole tree, its units in force preferred); `home`: the place of the
        province whose register is read (engine.org.home; default: the one province in force); `fallback`: the whole
        tree's directory, which names what the day's does not (then refused at registration as not in force)."""
        self._session = session
        self._fallback = fallback
        self._dated: dict[tuple[frozenset[int], tuple[str, ...]], UnitDirectory] = {}
        self._on: dict[tuple[date, str], UnitDirectory] = {}   # `on` by day and issuer: a register's rows share them
        self._units = units = units if units is not None else list(session.scalars(select(Unit).order_by(Unit.id)))
        self.names = {u.code: u.name for u in units}
        in_force = {u.code for u in units if u.valid_to is None} if fallback is None else set(self.names)
        other_names = _other_names(units, home, in_force)
        # A unit's acronyms, of its name and of the names a seeded province's register gives it ("STC" and "Sở TC"
        # for "Sở Tài chính tỉnh Gia Lai"): they name it where no other unit in force has the same.
        acronyms: dict[str, set[str]] = {}
        for name, found in [*((fold(u.name), [u]) for u in units), *other_names.items()]:
            for key in _acronyms(name):
                acronyms.setdefault(key, set()).update(u.code for u in found)
        # What a key may name, weakest first: an acronym where it names one unit, a seeded province's other
        # names for its units (engine.org.home), names, codes. A unit in force wins over units reorganised
        # away ("UBND xã Ia Băng", two pre-2025 communes, and today's "Xã Ia Băng"), the strongest over the
        # others, the last of a kind over the earlier; another name two units in force share names neither.
        named: dict[str, list[tuple[int, Unit]]] = {}
        for key, codes in acronyms.items():
            if len(codes & in_force) == 1 or len(codes) == 1:
                named.setdefault(key, []).extend((_ACRONYM, u) for u in units if u.code in codes)
        for key, found in other_names.items():
            named.setdefault(key, []).extend((_OTHER_NAME, u) for u in found)
        for unit in units:
            named.setdefault(fold(unit.name), []).append((_NAME, unit))
            named.setdefault(fold(unit.code), []).append((_CODE, unit))
        self._keys = {key: code for key, candidates in named.items() if (code := _chosen(candidates, in_force))}
        # the same keys with the usual abbreviations written out ("Sở TN&MT", "UBND TP"), where one unit is named so
        spelled: dict[str, set[str]] = {}
        for key, code in self._keys.items():
            spelled.setdefault(spelled_out(key), set()).add(code)
        self._spelled = {key: codes.pop() for key, codes in spelled.items() if len(codes) == 1}

    def on(self, day: date | None, issuer: str) -> UnitDirectory:
        """This directory for a directive issued on `day` by `issuer` (its cell: "UBND tỉnh Bình Định"): the units in
        force that day, read as the register of the province the issuer names writes them — in a seeded Gia Lai, a
        register of 2024 naming "Sở Tài chính" under "UBND tỉnh Bình Định" names Bình Định's, as its text would
        (UnitMatcher.in_province), not today's Sở Tài chính tỉnh Gia Lai, which was not in force then."""
        if day is None:
            return self
        if (day, issuer) not in self._on:
            units = [u for u in self._units if u.is_valid_on(day)]
            home = self._home_of(issuer, units)
            key = (frozenset(u.id for u in units), home)
            if key not in self._dated:
                self._dated[key] = UnitDirectory(self._session, units, home if home else None, fallback=self)
            self._on[day, issuer] = self._dated[key]
        return self._on[day, issuer]

    def _home_of(self, issuer: str, units: list[Unit]) -> tuple[str, ...]:
        """The place of the province `issuer` names, where a committee of that day bears it (the old Gia Lai for
        "UBND tỉnh" of a seeded Gia Lai); () when it names none."""
        code = self.find(issuer) if issuer else None
        if code is None or (unit := self._unit(code)) is None or unit.kind != "province":
            return ()
        place = home_place([tuple(fold(unit.name).split())])
        committees = [tuple(fold(u.name).split()) for u in units if u.kind == "province"]
        return place if place and any(home_place([words]) == place for words in committees) else ()

    def _unit(self, code: str) -> Unit | None:
        return next((u for u in self._units if u.code == code), None)

    def find(self, text: str) -> str | None:
        found = self._keys.get(fold(text)) or self._spelled.get(spelled_out(text)) or \
            next((self._keys[key] for key in _initials_as_written(text) if key in self._keys), None)
        return found or (self._fallback.find(text) if self._fallback is not None else None)

    def hint(self, text: str) -> str | None:
        """The closest known unit, as "name (code)"."""
        if self._fallback is not None:
            return self._fallback.hint(text)
        words = _own_words(text)
        close = [key for key in difflib.get_close_matches(fold(text), list(self._keys), n=5, cutoff=0.5)
                 if words & _own_words(key)]
        if not close:
            return None
        code = self._keys[close[0]]
        return f"{self.names[code]} ({code})"

    @cached_property
    def _matcher(self) -> UnitMatcher:
        """The units in force as a directive's text names them (engine.proposals), for the collective names:
        built only for a cell that has one."""
        return unit_matcher(self._session, clock.today()).on(clock.today())

    def lookup(self, cell: str) -> Lookup:
        found = Lookup([], [], [])
        for chunk in _SEPARATORS.split(cell):
            parts = [part for piece in _comma_names(chunk, self.find) for part in _joined_names(piece, self.find)]
            unknown = [part for part in parts if self.find(part) is None]
            # a collective name is read as the proposals read a directive's text: "UBND các xã, phường" is every
            # commune and ward in force
            collective = bool(unknown) and _COLLECTIVE.search(fold(chunk)) is not None
            listed = self._matcher.listed(chunk) if collective else None
            if listed is not None:
                found.codes += [code for code in listed.codes if code not in found.codes]
                found.concerned += listed.concerned
                continue
            if collective:
                (found.collective if _CONCERNED in fold(chunk) else found.unexpanded).append(chunk.strip())
            else:
                found.unknown += unknown
                found.hints += [hint for part in unknown if (hint := self.hint(part))]
            for code in (self.find(part) for part in parts):
                if code and code not in found.codes:
                    found.codes.append(code)
        return found


_ACRONYM, _OTHER_NAME, _NAME, _CODE = range(4)


def _chosen(candidates: list[tuple[int, Unit]], in_force_codes: set[str]) -> str | None:
    in_force = [(kind, unit) for kind, unit in candidates if unit.code in in_force_codes] or candidates
    strongest = max(kind for kind, _ in in_force)
    units = [unit for kind, unit in in_force if kind == strongest]
    if strongest == _OTHER_NAME and len({u.code for u in units}) > 1:
        return None
    return units[-1].code


def _other_names(units: list[Unit], home: tuple[str, ...] | None, in_force: set[str]) -> dict[str, list[Unit]]:
    """{another name a register of the province the tree is the organisation of gives a unit: those units} —
    "so tai chinh", "so tai chinh tinh" for "Sở Tài chính tỉnh Gia Lai", "ubnd xa ia bang" for "Xã Ia Băng"
    (a committee's "UBND" written either way: "van phong ubnd tinh")."""
    words = {u.code: tuple(fold(u.name).split()) for u in units}
    place = home if home is not None else home_place(
        words[u.code] for u in units if u.kind == "province" and u.code in in_force)
    found: dict[str, list[Unit]] = {}
    for unit in units:
        for name in [*own_names(words[unit.code], place), *committee_names(words[unit.code])]:
            written = " ".join(name)
            for key in {written, written.replace(" ".join(COMMITTEE), "ubnd")}:
                found.setdefault(key, []).append(unit)
    return found


def _comma_names(chunk: str, find) -> list[str]:
    """The names a chunk lists with commas, each as long as a known unit allows: "Sở Tài chính, Sở Văn hóa, Thể
    thao và Du lịch" is two units, the second with a comma in its name (a department of every province)."""
    parts = [part.strip() for part in chunk.split(",")]
    names, start = [], 0
    while start < len(parts):
        end = next((end for end in range(len(parts), start + 1, -1) if find(", ".join(parts[start:end]))), start + 1)
        names.append(", ".join(parts[start:end]))
        start = end
    return [name for name in names if name]


def _joined_names(piece: str, find) -> list[str]:
    """"A và B và C" as the names it joins, each as long as a known unit allows: "Sở Tài chính
    và Sở Nông nghiệp và Môi trường" is two units, the second with "và" in its name."""
    words = [w.strip() for w in _AND.split(piece) if w.strip()]
    names, start = [], 0
    while start < len(words):
        end = next((end for end in range(len(words), start, -1) if find(" và ".join(words[start:end]))), start + 1)
        names.append(" và ".join(words[start:end]))
        start = end
    return names


def _own_words(text: str) -> set[str]:
    """The words of a unit's name that tell it from others of its kind ("tai", "chinh" of "Sở Tài chính")."""
    return set(_WORDS.findall(fold(text))) - _KIND_WORDS

"""Units as directives name them, found in a sentence: by the organisation tree's names (also
written with the usual abbreviations: "Sở TN&MT", "UBND", "Sở NN&PTNT"), by code or name
initials written in capitals ("STC", "SNNMT"), by a list after a shared head ("các Sở: Tài
chính, Xây dựng", "các Bộ, cơ quan: Tài chính, …"), by the collective names of a tier ("UBND
các huyện, thị xã, thành phố", "UBND các xã, phường", "UBND cấp huyện(, cấp xã)", "chính quyền cấp huyện, cấp
xã", "UBND thành phố và các huyện", "UBND, Công an các xã", the tier alone: "các huyện", "UBND các địa
phương"; "UBND các cấp" every tier's) or of a kind ("các sở, ban, ngành",
"các cơ quan chuyên môn", "các ngành chức năng", "các Bộ, cơ quan ngang Bộ", "các địa phương" —
the tier right below the province) standing for every unit of it, and by "các" before the first
words several units' names share ("các Ban QLDA …"). A name is also read with commas written
between its words ("Sở Lao động, Thương binh và Xã hội"), with a Latin eth for "Đ", or, before a
separator, without its last word where that names one unit only ("Sở Giáo dục và Đào, …");
committees of one tier may follow the first one's head ("UBND tỉnh Bình Định, Phú Yên"); places named after their tier
and "các" or a count stand for their committees ("các huyện A, B và TX C", "UBND hai phường A và B"); "UBND
các tỉnh, thành phố (trực thuộc Trung ương)" are the provinces (its cities are the centrally-run
ones), "… (ven biển) từ Hà Tĩnh đến Lâm Đồng" those from the first to the second, north to south; a
sector stands for the body that heads it ("ngành Thuế tỉnh": "Cục Thuế tỉnh"). A commune's or a ward's body is also
read without its place's name, or its tier too ("Công an phường", "Trung tâm Cung ứng dịch vụ công" for "… phường
Nam Hà", "… xã Sơn Thủy"), where no other unit is named so — in a text that names communes or wards, the
body of a place it names, and none where it names other places only (UnitMatcher.among_places) — and its
committee ("Ủy ban nhân dân xã") in a text the place's own dateline heads (UnitMatcher.at_place); a province's
body named without its "tỉnh" and followed
by a lower tier ("Công an xã", "Ban Quản lý dự án đầu tư xây dựng cấp xã") is not the province's but that tier's,
outside the tree; "các phương án" (folded as "các phường") is no tier. "Thành phố" right after the communes'
tiers ("UBND phường, xã, đặc khu Thành phố") is the city they are in, not a tier; "các Bộ, Ban" and the other
central bodies after the ministries ("…, cơ quan khác ở Trung ương") are the ministries. A tree of one province whose
units are named by its place (as `dondoc org seed` names them: "Sở Tài chính tỉnh Gia Lai") is read as that province's
own texts name them: "Sở Tài chính (tỉnh)", "UBND tỉnh"; a city's "Sở Tài chính (thành phố)", "UBND thành phố"; a
commune named by its place ("Phường Hạ Long") also with its committee's "UBND phường Hạ Long".
Compared folded (engine.text.fold)."""
from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from engine.org.home import CITY as _CITY
from engine.org.home import COMMITTEE as _COMMITTEE
from engine.org.home import committee_names, home_place, named_by_tier, own_names
from engine.org.names import phrase as _phrase
from engine.org.names import tokens, tokens_at
from engine.text import fold

_JOINING = {"va"}
# The words naming a tier of local government after "UBND các …", and the unit kind of that tier.
_TIERS = {
    ("huyen",): "district", ("quan",): "district", ("thi", "xa"): "district", ("thanh", "pho"): "district",
    ("xa",): "commune", ("phuong",): "commune", ("thi", "tran"): "commune", ("dac", "khu"): "commune",
    ("tinh",): "province",   # only after "các" or "cấp": "UBND cấp tỉnh" (a province's own "UBND tỉnh" is one unit)
    # the short names after another tier only ("UBND các huyện, thành, thị": cities and towns; not "các thành viên")
    ("thanh",): "district", ("thi",): "district",
}
_SHORT_TIERS = {("thanh",), ("thi",)}
_SPECIAL_ZONE = ("dac", "khu")
_ZONE_NAME = 3   # words of a special zone's name at most
# "cấp xã" after a body is that tier's body ("Công an cấp xã", "Ban Quản lý dự án … cấp xã"): a tier alone only
# where its clause opens with it, as a list of deadlines by tier gives it.
_TIER_OPENING = ("cap",)
# The tiers' leaders or governments, named as their committees are without "các" (two tiers or more), the tiers right
# after them: "Lãnh đạo xã, phường phải cung cấp …" (not "Sở X lãnh đạo, chỉ đạo UBND các xã …": the communes directed)
_TIER_LEADERS = (("lanh", "dao"), ("chinh", "quyen"))
_COLLECTIVE_HEADS = (("uy", "ban", "nhan", "dan", "cac"), ("cac", "uy", "ban", "nhan", "dan"),
                     ("uy", "ban", "nhan", "dan", "cap"),   # "UBND cấp huyện", "UBND cấp xã"
                     ("chinh", "quyen", "cap"),   # the tiers' governments: "chính quyền cấp huyện, cấp xã"
                     ("chinh", "quyen", "cac"),   # … and "chính quyền các xã, phường" (a noun: not "lãnh đạo các xã")
                     ("uy", "ban", "nhan", "dan"),   # without "các": only with two tiers or more
                     *_TIER_LEADERS,
                     ("cac",),   # the tier alone: "Các huyện tổ chức di dời dân", "các quận, huyện, thị xã"
                     _TIER_OPENING)   # opening a clause only: "- Cấp xã hoàn thành và báo cáo kết quả trước …"
_GENERIC = {("uy", "ban", "nhan", "dan"), ("hoi", "dong", "nhan", "dan")}
# "các Sở: Tài chính, Xây dựng và …", "các Tập đoàn: Bưu chính Viễn thông Việt Nam, …"
_MINISTRIES = ("bo",)
_LIST_HEADS = (("so",), ("ban",), _MINISTRIES, ("tap", "doan"))
# "các Sở, ngành: …", "các Bộ, cơ quan: …", "UBND các tỉnh, thành phố trực thuộc Trung ương: …"
_LIST_OTHERS = ([",", "nganh"], [",", "co", "quan"], ["truc", "thuoc", "trung", "uong"])
# Other bodies a collective name may list before "liên quan": "các sở, ngành, địa phương liên quan".
_RELATED_FILLERS = {",", "va", "cac", "co", "quan", "dia", "phuong", "don", "vi", "to", "chuc"}
# "UBND các tỉnh: Ninh Bình, Bắc Ninh", "UBND các xã: …", "UBND các tỉnh, thành phố: Hà Tĩnh, Huế": a
# tier's committees named one by one, each with the head it goes with. Longest first.
_COMMITTEE_LISTS: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {
    (*_COMMITTEE, "cac", "tinh", ",", *_CITY): ((*_COMMITTEE, "tinh"), (*_COMMITTEE, *_CITY)),
    # also "UBND các thành phố: Hà Nội, Cần Thơ" (the centrally-run cities, each by its name)
    **{(*_COMMITTEE, "cac", *tier): ((*_COMMITTEE, *tier),)
       for tier in (("tinh",), ("huyen",), ("xa",), ("phuong",), _CITY)}}
# The 34 provinces and centrally-run cities of Resolution 202/2025/QH15, north to south (by their seats;
# the central coast as the Government's dispatches list it), folded: "các tỉnh, thành phố từ Hà Tĩnh đến
# Lâm Đồng" are those in between.
_NORTH_TO_SOUTH = tuple(_phrase(p) for p in (
    "lai chau", "dien bien", "son la", "lao cai", "tuyen quang", "cao bang", "lang son", "thai nguyen",
    "phu tho", "ha noi", "bac ninh", "quang ninh", "hai phong", "hung yen", "ninh binh", "thanh hoa", "nghe an",
    "ha tinh", "quang tri", "hue", "da nang", "quang ngai", "gia lai", "dak lak", "khanh hoa", "lam dong",
    "dong nai", "tay ninh", "ho chi minh", "dong thap", "vinh long", "an giang", "can tho", "ca mau"))
# Words that may stand between "UBND các tỉnh, thành phố" and the range of them: "trực thuộc Trung ương", "ven biển".
_RANGE_FILLERS = {"truc", "thuoc", "trung", "uong", "ven", "bien", "(", ")"}
_CHAIRS = ("cac", "dong", "chi", "chu", "tich")   # "các đồng chí Chủ tịch …": the heads of several bodies
_SECTOR_HEADS = ("so", "cuc")   # the bodies a sector ("ngành Y tế", "ngành Thuế") is headed by
_LOCAL_KINDS = {"province", "district", "commune"}
TWO_TIER_FROM = date(2025, 7, 1)   # local government of two tiers: no districts from this day
_PLACE_TIERS = {"tinh", "huyen", "xa", "phuong"}   # "tỉnh Điện Biên": the place, named without its committee
# A province or a city named so opening a clause ("Thành phố Hà Nội …"), also districts, communes and wards ("Các
# xã, phường A, B …", "các huyện A, B và TX C …": each name a commune's, a ward's or a district's): the tier's words,
# the heads its names are read with.
_PLACE_HEADS = {("xa", ",", "phuong"): (("xa",), ("phuong",)), ("phuong", ",", "xa"): (("phuong",), ("xa",)),
                ("tinh",): (("tinh",),), _CITY: (_CITY,), ("xa",): (("xa",),), ("phuong",): (("phuong",),),
                ("thi", "xa"): (("thi", "xa"),), ("huyen",): (("huyen",),), ("quan",): (("quan",),)}
# … the districts' only in a list ("các huyện A, B", "hai quận A và B"): "Quận Cẩm Lệ: Có 06 Trạm Y tế …" is a label
_LISTED_PLACES = {("thi", "xa"), ("huyen",), ("quan",)}
# A count of places in place of "các" before their tier and names: "UBND hai phường Lạc Viên và Máy Tơ".
_COUNTS = {"hai", "ba", "bon", "sau", "bay", "tam", "chin", "muoi"}   # not "nam": "Nam Định", "Quảng Nam"
_SEPARATORS = {",", "va", ";", ":", "."}
# The tiers below the province that may follow a province's body named without its "tỉnh" ("Công an phường",
# "Ban Quản lý dự án đầu tư xây dựng cấp xã": not the province's), and those a commune's body's name ends with
# before the place's ("Công an phường Nam Hà").
_LOWER_TIERS = (("xa",), ("phuong",), ("dac", "khu"), ("thi", "tran"), ("huyen",), ("quan",), ("thi", "xa"),
                ("cap", "xa"), ("cap", "huyen"), ("cap", "co", "so"))
_OWN_PLACE_TIERS = (("xa",), ("phuong",), ("dac", "khu"))
# Words "phương" (folded like "phường", a ward) opens: "các phương án di dời" are options, not every ward
_PHUONG_WORDS = {"an", "thuc", "huong", "tien", "phap", "cham", "trinh", "dien"}
_BOARD = ("ban", "quan", "ly")
_TRUNCATED_MIN = 4   # a name read without its last word has at least this many words left
_LIST_GLUE = {",", ";", ".", "va"}   # what may stand between the names of a list of units
_MAX_KEY = 24   # words of the longest name read ("Ban Quản lý dự án đầu tư xây dựng các công trình …")


@dataclass(frozen=True)
class UnitRef:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class Listed:
    """A register's cell of units as a sentence reads it (UnitMatcher.listed)."""
    codes: tuple[str, ...]        # the units it names
    concerned: tuple[str, ...]    # its words naming only the units concerned, as written: none of them is named


@dataclass(frozen=True)
class Mention:
    """Units named at tokens [start, end) of a sentence; several for a collective name or a list."""
    start: int
    end: int
    codes: tuple[str, ...]
    related: bool = False   # "các sở, ngành liên quan": every unit of a kind, as far as it is concerned
    local: bool = False     # "các địa phương (liên quan)": the local governments
    by_name: bool = False   # each unit named by its own name ("UBND tỉnh Bình Định, Phú Yên")
    person: bool = False    # a proper name follows, not a unit's: "Chủ tịch UBND tỉnh X Nguyễn Văn A"
    generic: bool = False   # "các cơ quan, đơn vị": the departments only as a sentence's subject (_GENERIC_NAMES)
    sector: bool = False    # "ngành Thuế": a sector named for the body heading it (_sector)


def _bare(words) -> tuple[str, ...]:
    """A name's words without the commas written between them."""
    return tuple(w for w in words if w != ",")


_LOCAL = "local"   # "các địa phương": the local governments right below the province (districts, or communes)
# "(Các) cơ quan, (tổ chức,) đơn vị (và / ,) (địa phương)": the departments (and the tier below) where
# the name opens the sentence as its subject (extract.py), in a text with no addressees (there they are
# the addressees); elsewhere they are whoever is concerned ("phối hợp với các cơ quan, đơn vị …").
_GENERIC_NAMES = (
    ("cac co quan , to chuc , don vi va dia phuong", "department+" + _LOCAL),
    ("cac co quan , to chuc , don vi , dia phuong", "department+" + _LOCAL),
    ("co quan , to chuc , don vi , dia phuong", "department+" + _LOCAL),
    ("cac co quan , don vi va dia phuong", "department+" + _LOCAL),
    ("cac co quan , to chuc , don vi", "department"), ("co quan , to chuc , don vi", "department"),
    ("cac co quan , don vi", "department"))
_GENERIC_PHRASES = frozenset(_phrase(p) for p, _ in _GENERIC_NAMES)
# the words a duty opens with after "Các bộ" alone: "khẩn trương", "chủ trì", "chủ động", "tiếp tục",
# "tập trung", "kịp thời", "chịu trách nhiệm"
_MINISTRIES_DO = {"khan", "chu", "tiep", "tap", "kip", "chiu"}
# Collective names of every unit of a kind: "các sở, ban, ngành" and "các cơ quan chuyên môn (thuộc
# UBND tỉnh)" — the departments; "các Bộ, cơ quan ngang Bộ" and "Bộ trưởng, Thủ trưởng cơ quan ngang
# Bộ" — the ministries. Longest first.
_KIND_NAMES = tuple(sorted(((_phrase(p), kind) for p, kind in (
    # "các Sở, ban, ngành, đơn vị cấp tỉnh" is one collective name (the next bodies go on with the list)
    ("cac so , ban , nganh , don vi cap tinh", "department"),
    ("cac so , ban nganh , don vi cap tinh", "department"),   # "ban ngành" as one word, as "các sở, ban ngành" is
    ("cac so , ban , nganh", "department"), ("cac so , nganh", "department"), ("cac so , ban nganh", "department"),
    ("cac so nganh", "department"),   # as the press writes it: "các Sở ngành và UBND các phường xã đặc khu"
    # … and with dashes or slashes, which name no word: "Thủ trưởng các Sở - ban - ngành, Chủ tịch UBND các quận …"
    ("cac so ban nganh", "department"),
    # also going on after another collective name: "các địa phương, sở, ngành liên quan"
    ("so , ban , nganh", "department"), ("so , nganh", "department"), ("so , ban nganh", "department"),
    ("cac co quan chuyen mon", "department"), ("co quan chuyen mon", "department"),
    ("cac nganh chuc nang", "department"),
    ("cac bo , co quan ngang bo", "ministry"), ("bo truong , thu truong co quan ngang bo", "ministry"),
    ("bo , co quan ngang bo", "ministry"), ("cac dia phuong", _LOCAL),
    ("chinh quyen dia phuong", _LOCAL), ("chinh quyen cac dia phuong", _LOCAL),
    # the grassroots government: "Sở NN&PTNT yêu cầu chính quyền cơ sở tập trung lãnh chỉ đạo …" — the communes
    ("chinh quyen co so", "commune"), ("chinh quyen cap co so", "commune"),
    # "Bộ trưởng (các Bộ), Thủ trưởng (các) cơ quan ngang Bộ" (and ", cơ quan thuộc Chính phủ": _GOVERNMENT_BODIES)
    ("bo truong , thu truong cac co quan ngang bo", "ministry"),
    ("bo truong cac bo , thu truong co quan ngang bo", "ministry"),
    ("bo truong cac bo , thu truong cac co quan ngang bo", "ministry"),
    # leading alone: "Các Bộ, cơ quan liên quan nghiên cứu …", "Các bộ, ngành … hoàn thiện …"
    ("cac bo , co quan", "ministry"), ("cac bo , nganh", "ministry"),
    # "Các Bộ, Ban chịu trách nhiệm …", "các bộ, ban, ngành": the ministries (the Party's boards outside the tree)
    ("cac bo , ban", "ministry"), ("cac bo , ban , nganh", "ministry"),
    # "Các bộ khẩn trương trình …": alone only before a duty's first word (_MINISTRIES_DO), not "các bộ phận"
    ("cac bo", "ministry"),
    # "Giám đốc các Sở", "Thủ trưởng cơ quan, ban, ngành", "các ngành, cơ quan cấp tỉnh": the departments
    ("cac so", "department"), ("co quan , ban , nganh", "department"),
    # "Giám đốc các Sở và Thủ trưởng các ban, ngành tỉnh": the departments again, named by the boards and sectors
    ("cac ban , nganh", "department"),
    ("cac nganh , co quan cap tinh", "department"),
    # "Các cơ quan, đơn vị, địa phương (thuộc tỉnh) …": the departments and the tier below the province
    ("cac co quan , don vi , dia phuong", "department+" + _LOCAL),
    *_GENERIC_NAMES,
    ("cac don vi , dia phuong", "department+" + _LOCAL),
    # "Các sở, ngành, địa phương chủ động …": the tier too ("địa phương" written without its "các")
    ("cac so , nganh , dia phuong", "department+" + _LOCAL),
    # "các ngành, địa phương khẩn trương …": the sectors are the departments
    ("cac nganh , dia phuong", "department+" + _LOCAL),
    ("cac so , ban , nganh , dia phuong", "department+" + _LOCAL),
    # … and joined by "và": "Chủ tịch UBND tỉnh yêu cầu các sở, ban, ngành và địa phương tập trung …"
    ("cac so , ban , nganh va dia phuong", "department+" + _LOCAL),
    ("cac so , nganh va dia phuong", "department+" + _LOCAL),
    # "các ban quản lý chuyên ngành": the specialised boards are the project boards, not every "Ban Quản lý …"
    # (economic zones, industrial parks)
    ("cac ban quan ly chuyen nganh", "project_board"))), key=lambda pk: -len(pk[0])))
# the bodies under the Government named after the ministries: "…, cơ quan (trực) thuộc Chính phủ"
# (also with their heads named again: "Bộ trưởng, Thủ trưởng cơ quan ngang Bộ, Thủ trưởng cơ quan thuộc Chính phủ")
_GOVERNMENT_BODIES = tuple(sorted((_phrase(f", {head}co quan {under} chinh phu") for head in ("", "thu truong ")
                                   for under in ("thuoc", "truc thuoc")), key=len, reverse=True))
# … and the other central bodies after them: "…, cơ quan thuộc Chính phủ, cơ quan khác ở Trung ương"
_CENTRAL_BODIES = tuple(_phrase(f", {bodies} trung uong") for bodies in ("co quan khac o", "cac co quan khac o",
                                                                        "co quan", "cac co quan"))
# the level written after a collective name: "các sở, ban, ngành cấp tỉnh", "… của Thành phố", "các cơ
# quan, đơn vị cấp thành phố" (a city's departments)
_LEVELS = (("cap", "tinh"), ("cap", "thanh", "pho"), ("tinh",), ("thanh", "pho"), ("cua", "tinh"),
           ("cua", "thanh", "pho"),
           # the committee they belong to, not a body beside them: "các sở, ban ngành(, đơn vị) thuộc UBND tỉnh, …"
           *((*unit, "thuoc", *_COMMITTEE, *level) for unit in ((), (",", "don", "vi"))
             for level in (("tinh",), _CITY)))


_BESIDE_REACH = 5   # words before the committee's name read for the ministries' heads ("ngang bộ, Chủ tịch")


def _without_plural(name: tuple[str, ...]) -> tuple[str, ...]:
    """A unit's name without the "các" inside it (its first word kept)."""
    return name[:1] + tuple(word for word in name[1:] if word != "cac")


def _after_ministries(before: list[str]) -> bool:
    """The words before a name close the ministries' heads: "… Thủ trưởng cơ quan ngang bộ, Chủ tịch"."""
    return any(before[at:at + 2] == ["ngang", "bo"] for at in range(len(before) - 1))


def initials(name: str) -> str:
    return "".join(w[0] for w in tokens(name)[0] if w not in _JOINING and w[0].isalnum())


def _related_end(words: list[str], at: int) -> int:
    """Where "… liên quan" after a collective name ends, across other bodies it lists (", địa
    phương liên quan", "và các cơ quan có liên quan"); 0 if it is not there."""
    for end in range(at, min(len(words) - 1, at + 12)):
        if words[end:end + 2] == ["lien", "quan"]:
            return end + 2
        if words[end] not in _RELATED_FILLERS:
            return 0
    return 0


def _past_name(words: list[str], at: int) -> int:
    """Where the name starting at `at` ends: at the next separator, within a few words."""
    end = at
    while end < len(words) and end - at < _ZONE_NAME and words[end] not in _SEPARATORS | {"cac"}:
        end += 1
    return end if end == len(words) or words[end] in _SEPARATORS | {"cac"} else at


def _count(words: list[str]) -> bool:
    """A count of places written out or in digits ("hai", "3") at the head of `words`."""
    return bool(words) and (words[0] in _COUNTS or words[0].isdigit())

def _shared_tier(words: list[str], at: int) -> int:
    """"UBND, Ban An toàn giao thông các huyện, thị xã": the committees of the tier named after a
    second body and "các" — how many words up to the tier's names (0: none such)."""
    if words[at:at + 1] != [","]:
        return 0
    for end in range(at + 2, min(len(words), at + 9)):
        if words[end] in {",", ";", ":", "va"}:
            return 0
        tiers = _TIERS.keys() - _SHORT_TIERS
        if words[end] == "cac" and any(tuple(words[end + 1:end + 1 + len(t)]) == t for t in tiers):
            return end + 1 - at
    return 0


def _place_at(words: list[str], at: int) -> tuple[int, int] | None:
    """The province named at `at` (its place north to south) and where its name ends."""
    for place, name in enumerate(_NORTH_TO_SOUTH):
        if tuple(words[at:at + len(name)]) == name:
            return place, at + len(name)
    return None


def _read_at_home(named: dict[str, tuple[list[str], list[bool], list[bool]]],
                  place: tuple[str, ...]) -> dict[str, list[tuple[str, ...]]]:
    """The units of the province of `place` (its tier and place: engine.org.home), named with it, are read in
    `named`'s tokens as its own texts name them — "UBND tỉnh", "Sở Tài chính tỉnh" (so also "Sở Tài chính")
    for "Sở Tài chính tỉnh Gia Lai"; a city's tier read as a province's ("thành phố Cần Thơ" as "tỉnh").
    Returns, for each unit read so, the other names its texts give it: its whole name, and a city's unit's
    name with its tier ("Sở Tài chính thành phố")."""
    written_out = {}
    for code, (words, capitals, proper) in named.items():
        if shorter := own_names(_bare(words), place):
            kept = len(words) - len(place)
            named[code] = ([*words[:kept], "tinh"], [*capitals[:kept], False], [*proper[:kept], False])
            written_out[code] = [_bare(words), *([shorter[0]] if place[:len(_CITY)] == _CITY else [])]
    return written_out


def _dash_compounds(units: Iterable[UnitRef]) -> set[tuple[str, str, str]]:
    """The two words before and the word after each dash in the units' names ("Tập đoàn Công
    nghiệp - Viễn thông Quân đội": ("cong", "nghiep", "vien")), folded: a line may break there."""
    found: set[tuple[str, str, str]] = set()
    for unit in units:
        parts = [fold(part).split() for part in re.split(r"\s[-–]\s", unit.name)]
        found.update((before[-2], before[-1], after[0]) for before, after in zip(parts, parts[1:], strict=False)
                     if len(before) > 1 and after)
    return found


class UnitMatcher:
    def __init__(self, units: Iterable[UnitRef], home: tuple[str, ...] | None = None):
        """`home`: the tier and place of the province whose texts are read (engine.org.home), when the tree
        alone does not tell (in_province)."""
        self.units = {u.code: u for u in units}
        self._two_tier = False
        self._generic = True   # "các cơ quan, đơn vị" read as the departments (not in a text with addressees)
        self._provinces_local = False   # "các địa phương" the provinces (a letter to their committees)
        self._names: dict[tuple[str, ...], str | None] = {}
        self._short: set[tuple[str, ...]] = set()   # names read without their "tỉnh"
        self._capitals: dict[str, str | None] = {}
        self._truncated: dict[tuple[str, ...], str | None] = {}
        self._place_less: dict[tuple[str, ...], str | None] = {}   # a commune's bodies without its name
        self._place_less_codes: dict[tuple[str, ...], list[str]] = {}   # … every body each such name may be
        self._own_place: dict[str, tuple[str, ...]] = {}   # the place a commune's or a ward's body is of
        # names whose "và" is written as a dash, which is no token: "Sở Kế hoạch - Đầu tư" (see _name)
        self._dashed: dict[tuple[str, ...], str | None] = {}
        # names with a "các" inside, which offices move or drop: "Ban Quản lý Khu công nghệ cao và các khu công
        # nghiệp" for "Ban Quản lý các khu công nghệ cao và khu công nghiệp" (see _name)
        self._plural_free: dict[tuple[str, ...], str | None] = {}
        self._tokens = {code: tokens(unit.name) for code, unit in self.units.items()}
        self._home = home if home is not None else home_place(
            _bare(self._tokens[code][0]) for code, unit in self.units.items() if unit.kind == "province")
        written_out = _read_at_home(self._tokens, self._home)
        self._words = {code: _bare(words) for code, (words, _, _) in self._tokens.items()}
        for unit in self.units.values():
            name = self._words[unit.code]
            self._add(self._names, name, unit.code)
            self._add(self._dashed, tuple(w for w in name if w != "va"), unit.code)
            if "cac" in name[1:]:
                self._add(self._plural_free, _without_plural(name), unit.code)
            self._add_plural_board(name, unit.code)
            self._add_singular_board(name, unit.code)
            # "Cục Thống kê" for "Cục Thống kê tỉnh" — but "UBND" alone is any People's Committee.
            if len(name) > 2 and name[-1] == "tinh" and name[:-1] not in _GENERIC:
                self._add(self._names, name[:-1], unit.code)
                self._short.add(name[:-1])
            if len(name) > _TRUNCATED_MIN:
                self._add(self._truncated, name[:-1], unit.code)
            if len(name) > 2:   # two letters ("TT" of "Thuế tỉnh") are another abbreviation's: "Sở VH-TT"
                self._add(self._capitals, initials(unit.name), unit.code)
        for code, keys in written_out.items():   # the whole name too, and a city's tier: "Sở Tài chính thành phố"
            for key in keys:
                if self._names.get(key, code) == code:
                    self._add(self._names, key, code)
        for code, name in self._words.items():   # "UBND phường Hạ Long" for a tree's "Phường Hạ Long"
            for key in committee_names(name):
                if self._names.get(key, code) == code:
                    self._add(self._names, key, code)
        for code in self.units:
            for key in (keys := self._without_own_place(code)):
                if self._names.get(key, code) == code or key in self._place_less:
                    self._add(self._names, key, code)
                    self._add(self._place_less, key, code)
                    self._place_less_codes.setdefault(key, []).append(code)
                    self._short.add(key)
                    self._own_place[code] = self._words[code][len(keys[0]):]
        # "Thuế các tỉnh, thành phố", "Công an các tỉnh": a province's body ("Thuế tỉnh") of every province,
        # also where its name without "tỉnh" is one word, read alone nowhere else
        self._of_provinces: dict[tuple[str, ...], str | None] = {}
        for code, name in self._words.items():
            if len(name) > 1 and name[-1] == "tinh" and name[:-1] not in _GENERIC:
                self._add(self._of_provinces, name[:-1], code)
        self._firsts = {key[0] for key in self._names} | {key[0] for key in self._truncated}
        self._longest = max((len(key) for key in self._names), default=0)
        for unit in self.units.values():   # a code wins over another unit's initials
            self._capitals["".join(tokens(unit.code)[0])] = unit.code
        by_kind: dict[str, list[str]] = {}
        for unit in sorted(self.units.values(), key=lambda u: fold(u.name)):
            by_kind.setdefault(unit.kind, []).append(unit.code)
        self._by_kind = {kind: tuple(codes) for kind, codes in by_kind.items()}
        self.dash_compounds = _dash_compounds(self.units.values())
        self._tiers: dict[tuple[str, ...], tuple[str, ...]] = {}
        # The first words (two or more) several units' names share: "các Ban Quản lý dự án" names
        # every "Ban Quản lý dự án …". Not a committee's ("UBND các …" is a tier's, above).
        self._shared: dict[tuple[str, ...], list[str]] = {}
        for unit in self.units.values():
            name = tuple(tokens(unit.name)[0])
            if not any(name[:len(g)] == g for g in _GENERIC):
                for end in range(2, min(len(name), _MAX_KEY)):
                    self._shared.setdefault(name[:end], []).append(unit.code)

    def _without_own_place(self, code: str) -> list[tuple[str, ...]]:
        """A commune's or a ward's body ("Công an phường Nam Hà", "Trung tâm Cung ứng dịch vụ công xã Sơn Thủy") as
        its own texts name it: without the place's name ("Công an phường") and without its tier too ("Trung tâm
        Cung ứng dịch vụ công") — where no other unit is named so; not its committee ("UBND xã" is any)."""
        words, _, capitalised = self._tokens[code]
        # aligned with the name's words, whose commas are dropped ("Phòng Kinh tế, Hạ tầng và Đô thị phường X")
        proper = [is_proper for word, is_proper in zip(words, capitalised, strict=True) if word != ","]
        name = self._words[code]
        if not {"xa", "phuong", "khu"} & set(name) or any(name[:len(g)] == g for g in _GENERIC):
            return []
        for tier in _OWN_PLACE_TIERS:
            for at in range(1, len(name) - len(tier)):
                place = at + len(tier)
                named = all(proper[place:]) and len(name) - place <= _ZONE_NAME
                if name[at:place] == tier and not proper[at] and named:
                    return [name[:place], *([name[:at]] if at > 1 else [])]
        return []

    def _add_plural_board(self, name: tuple[str, ...], code: str) -> None:
        """A board is named after the many sites it manages: "Ban Quản lý các khu công nghiệp (tỉnh)" for the
        tree's "Ban Quản lý khu công nghiệp tỉnh"."""
        if name[:3] != _BOARD or name[3:4] == ("cac",):
            return
        plural = (*_BOARD, "cac", *name[3:])
        self._add(self._names, plural, code)
        if name[-1] == "tinh":
            self._add(self._names, plural[:-1], code)

    def _add_singular_board(self, name: tuple[str, ...], code: str) -> None:
        """… and the other way round, a board named with "các" before its sites is also named without it,
        as a province's ("Ban Quản lý dự án đầu tư xây dựng công trình giao thông (tỉnh)" for the tree's "Ban
        QLDA đầu tư xây dựng các công trình giao thông")."""
        if name[:3] != _BOARD or "cac" not in name[3:]:
            return
        at = name.index("cac", 3)
        singular = (*name[:at], *name[at + 1:])
        self._add(self._names, singular, code)
        if singular[-1] != "tinh":
            self._add(self._names, (*singular, "tinh"), code)

    def is_locality(self, code: str) -> bool:
        """A People's Committee named by its own name ("UBND tỉnh Phú Yên", "UBND huyện Gio Linh"),
        not the province's own "UBND tỉnh"."""
        unit = self.units.get(code)
        return (unit is not None and unit.kind in _LOCAL_KINDS and len(self._words[code]) > len(_COMMITTEE) + 1
                and self._words[code][:len(_COMMITTEE)] == _COMMITTEE)

    def is_issuer(self, code: str) -> bool:
        """The province's own committee, named without a name of its own ("UBND tỉnh")."""
        words = self._words.get(code, ())
        return words[:len(_COMMITTEE)] == _COMMITTEE and not self.is_locality(code)

    def head(self, code: str) -> str:
        """The word a text may later name the unit by alone: "so" for "Sở Y tế", "bo" for "Bộ Tài
        chính", "tinh" for "UBND tỉnh Điện Biên" ("Sở cũng có nhiệm vụ …", "Tỉnh căn cứ …")."""
        words = self._words.get(code, ())
        return words[len(_COMMITTEE)] if self.is_locality(code) else words[0] if words else ""

    def places(self, words: list[str]) -> list[str]:
        """The committees of the places named by tier and name ("tỉnh Điện Biên": UBND tỉnh Điện
        Biên), in order."""
        found = []
        for at, word in enumerate(words):
            if (word in _PLACE_TIERS and (at == 0 or words[at - 1] not in _COMMITTEE)
                    and (named := self._name([*_COMMITTEE, *words[at:at + _MAX_KEY]], 0)) is not None
                    and self.is_locality(named.codes[0])):
                found.append(named.codes[0])
        return found

    @staticmethod
    def _add(keys: dict, key, code: str) -> None:
        """Two units with one name (or initials) are ambiguous: that key names neither."""
        if key:
            keys[key] = code if keys.get(key, code) == code else None

    def mentions(self, words: list[str], capitals: list[bool], proper: list[bool]) -> list[Mention]:
        found: list[Mention] = []
        i = 0
        while i < len(words):
            mention = (self._every_province(words, proper, i)
                       or self._places(words, i) or self._list(words, i) or self._collective(words, i)
                       or self._kind_name(words, i)
                       or self._plural(words, i) or self._named(words, i) or self._capital(words, capitals, i))
            if mention is None:
                i += 1
                continue
            if not (self._of_another_place(words, proper, mention) or self._common_noun(words, proper, mention)
                    or self._of_a_lower_tier(words, mention)
                    or self._where(found, words, mention)):
                found.append(replace(mention, person=self._proper_follows(words, proper, mention.end)))
            i = mention.end
        return found

    def listed(self, text: str) -> Listed | None:
        """Every unit a list of names written alone stands for, each name read as a sentence reads it ("Sở Tài
        chính, UBND các xã, phường": the department, and every commune and ward; "các sở, ban, ngành": every
        department) — a register's cell of units; and, as written, the names standing for the units concerned
        only, which a sentence assigns nothing ("các sở, ngành liên quan", "và các đơn vị liên quan": which ones,
        the words do not say). None where any other words name no unit."""
        words, capitals, proper, spans = tokens_at(text)
        found = self.mentions(words, capitals, proper)
        named = {at for mention in found for at in range(mention.start, mention.end)}
        concerned = [(m.start, m.end) for m in found if m.related]
        at = 0
        while at < len(words):
            if at in named or words[at] in _LIST_GLUE:
                at += 1
            elif end := _related_end(words, at):   # "và các cơ quan, đơn vị liên quan": no name of a kind
                concerned.append((at, end))
                at = end
            else:
                return None
        if not found and not concerned:
            return None
        return Listed(tuple(dict.fromkeys(code for m in found if not m.related for code in m.codes)),
                      tuple(text[spans[start][0]:spans[end - 1][1]] for start, end in sorted(concerned)))

    def _every_province(self, words: list[str], proper: list[bool], i: int) -> Mention | None:
        """"Trưởng Thuế các tỉnh, thành phố": a province's body named without its "tỉnh" before the provinces' tier,
        written with a capital — that body of every province (the tree's "Thuế tỉnh"), not their committees."""
        if not proper[i]:
            return None
        for n in range(min(self._longest, len(words) - i), 0, -1):
            code = self._of_provinces.get(tuple(words[i:i + n]))
            if code and words[i + n:i + n + 2] == ["cac", "tinh"]:
                return Mention(i, i + n, (code,))
        return None

    def _where(self, found: list[Mention], words: list[str], mention: Mention) -> bool:
        """"Sở Xây dựng các tỉnh, thành phố: Gia Lai, Đắk Lắk …", "Công an các tỉnh, thành phố": the tier named right
        after a department or a province's body says where those are, it names no committee."""
        before = found[-1] if found else None
        return (before is not None and before.end == mention.start and words[mention.start] == "cac"
                and len(before.codes) == 1
                and (before.codes[0] in self._tier_units(("department",))
                     or before.codes[0] in self._of_provinces.values())
                and set(mention.codes) <= set(self._tier_units(("province", "district", "commune"))))

    def _of_another_place(self, words: list[str], proper: list[bool], mention: Mention) -> bool:
        """A province's body named without its "tỉnh" and with a place's name instead ("Ban Quản lý
        Khu kinh tế Phú Yên", "Cục Thống kê Bình Định"): a body of another (or a former) province,
        not the tree's "… tỉnh" — a former province's body maps to today's only through the tree's
        successor links, which the units valid on the directive's date already are."""
        end = mention.end
        if len(mention.codes) != 1 or not self._proper_follows(words, proper, end):
            return False
        name = self._words.get(mention.codes[0], ())
        return len(name) > 2 and name[-1] == "tinh" and words[end - 1] != "tinh"

    def _of_a_lower_tier(self, words: list[str], mention: Mention) -> bool:
        """A province's body named without its "tỉnh" and with a lower tier after it ("Công an phường", "Công an
        xã", also several: "Công an các phường: A, B"): the communes' or the districts' body, not the tree's
        "… tỉnh"."""
        name = tuple(words[mention.start:mention.end])
        if len(mention.codes) != 1 or name not in self._short or name in self._place_less:
            return False
        at = mention.end + (words[mention.end:mention.end + 1] == ["cac"])
        return any(tuple(words[at:at + len(tier)]) == tier for tier in _LOWER_TIERS)

    def _common_noun(self, words: list[str], proper: list[bool], mention: Mention) -> bool:
        """A body's name without its "tỉnh" written in lower case: "lực lượng quân đội, công an" is the
        force, not "Công an tỉnh"."""
        return not proper[mention.start] and tuple(words[mention.start:mention.end]) in self._short

    def _proper_follows(self, words: list[str], proper: list[bool], at: int) -> bool:
        """A proper name that opens no unit's name starts at `at`: a place's, or a person's."""
        return at < len(words) and proper[at] and words[at].isalpha() and words[at] not in self._firsts

    def _name(self, words: list[str], i: int) -> Mention | None:
        """A unit's name, also with commas written between its words ("Sở Lao động, Thương binh và
        Xã hội" for "Sở Lao động - Thương binh và Xã hội"), with a dash for its "và" ("Sở Kế hoạch -
        Đầu tư"), or its last word left out before a separator ("Sở Giáo dục và Đào, Sở Y tế …")
        where that names one unit only."""
        if words[i] not in self._firsts:
            return None
        bare: list[str] = []   # the words from i without commas, and where each ends
        ends: list[int] = []
        for at in range(i, min(len(words), i + _MAX_KEY)):
            if words[at] != ",":
                bare.append(words[at])
                ends.append(at + 1)
                if len(bare) == self._longest:
                    break
        for n in range(len(bare), 0, -1):
            key, end = tuple(bare[:n]), ends[n - 1]
            code = self._names.get(key)
            if code is None and "," not in words[i:end]:   # not "các cơ sở giáo dục, đào tạo"
                code = self._dashed.get(key)
            if code is None and (end == len(words) or words[end] in _SEPARATORS) and key not in self._names:
                code = self._truncated.get(key)
            if code:
                return Mention(i, end, (code,))
        return self._plural_moved(bare, ends, i) if self._plural_free else None

    def _plural_moved(self, bare: list[str], ends: list[int], i: int) -> Mention | None:
        """A name with a "các" inside written with it elsewhere or without it (_plural_free), read from `bare`
        (the words from `i` without commas, `ends` where each ends), longest first."""
        kept = [n for n, word in enumerate(bare) if n == 0 or word != "cac"]
        for n in range(len(kept), 1, -1):
            code = self._plural_free.get(tuple(bare[k] for k in kept[:n]))
            if code:
                return Mention(i, ends[kept[n - 1]], (code,))
        return None

    def _sector(self, words: list[str], i: int) -> Mention | None:
        """"ngành Thuế tỉnh", "ngành Y tế": the sector for the body that heads it ("Cục Thuế tỉnh",
        "Sở Y tế")."""
        if words[i] != "nganh" or i + 1 >= len(words):
            return None
        for head in _SECTOR_HEADS:
            named = self._name([head, *words[i + 1:i + _MAX_KEY]], 0)
            if named is not None and named.end > 1:
                return Mention(i, i + named.end, named.codes, sector=True)
        return None

    def _same_head(self, words: list[str], mention: Mention) -> Mention:
        """"UBND tỉnh Bình Định, Phú Yên", "UBND huyện Đakrông và Hải Lăng": committees of one tier
        named after the first one's head — also with their own tier's word ("Ủy ban nhân dân thành phố Hà
        Nội, Thành phố Hồ Chí Minh", "UBND tỉnh Nghệ An, tỉnh Đồng Tháp")."""
        if len(mention.codes) != 1 or not self.is_locality(mention.codes[0]):
            return mention
        tier_head = self._words[mention.codes[0]][:len(_COMMITTEE) + 1]
        codes, end = list(mention.codes), mention.end
        while end + 1 < len(words) and words[end] in {",", "va"}:
            following = words[end + 1:end + 1 + _MAX_KEY]
            head = _COMMITTEE if tuple(following[:1]) == tier_head[-1:] else tier_head
            named = self._name([*head, *following], 0)
            if named is None or named.end <= len(head) or not self.is_locality(named.codes[0]):
                break
            codes.extend(named.codes)
            end += 1 + named.end - len(head)
        return replace(mention, end=end, codes=tuple(dict.fromkeys(codes)))

    def _places(self, words: list[str], i: int) -> Mention | None:
        """Opening a clause, provinces (or communes, wards) named by tier and name without their committees,
        one or a list: "Thành phố Hà Nội và các tỉnh Bắc Ninh, Gia Lai đẩy nhanh …", "Các tỉnh Nghệ An, Quảng
        Ngãi khẩn trương …", "Các xã, phường A, B …" — their committees (not "các tỉnh, thành phố …", every
        province); further on also after a count, with the committee before it: "UBND hai phường A và B"."""
        counted = len(_COMMITTEE) * (tuple(words[i:i + len(_COMMITTEE)]) == _COMMITTEE)
        # … and the committees named as "các": "UBND các phường, xã Vinh Hưng, Vinh Phú và Nghi Lộc" (heldout105)
        if counted and not _count(words[i + counted:i + counted + 1]) and words[i + counted:i + counted + 1] != ["cac"]:
            counted = 0
        # further on only as "các tỉnh A, B" ("Bộ X, Bộ Y các tỉnh A, B") or counted
        if i != 0 and words[i] != "cac" and not counted and not _count(words[i:i + 1]):
            return None
        listed = bool(counted) or words[i] == "cac" or _count(words[i:i + 1])
        j, end, tier = i + counted + _count(words[i + counted:i + counted + 1]), 0, None
        codes: list[str] = []
        while j < len(words):
            j += words[j] == "cac"
            # a name under the tier read so far ("Phương Liễu" after "phường Quế Võ, "), or a new tier
            named = self._headed(tuple((*_COMMITTEE, *h) for h in _PLACE_HEADS[tier]), words, j) if tier else None
            if named is None and (tier := next((t for t in _PLACE_HEADS if tuple(words[j:j + len(t)]) == t
                                                and (listed or t not in _LISTED_PLACES)), None)):
                j += len(tier)
                named = self._headed(tuple((*_COMMITTEE, *h) for h in _PLACE_HEADS[tier]), words, j)
            if named is None or not self.is_locality(named[0].codes[0]):
                break
            codes.extend(named[0].codes)
            end = named[1]
            if end + 1 >= len(words) or words[end] not in {",", "va"}:
                break
            j = end + 1
        return Mention(i, end, tuple(dict.fromkeys(codes)), by_name=True) if codes else None

    def _named(self, words: list[str], i: int) -> Mention | None:
        mention = self._name(words, i) or self._sector(words, i)
        return replace(self._same_head(words, mention), by_name=True) if mention else None

    def _capital(self, words: list[str], capitals: list[bool], i: int) -> Mention | None:
        if not capitals[i]:
            return None
        # A code such as "STC-NS" is several capital words.
        for end in range(min(len(words), i + 4), i, -1):
            if all(capitals[i:end]) and (code := self._capitals.get("".join(words[i:end]))):
                return Mention(i, end, (code,))
        return None

    def _collective(self, words: list[str], i: int) -> Mention | None:
        head = next((h for h in _COLLECTIVE_HEADS if tuple(words[i:i + len(h)]) == h), None)
        if head is None or (head == _TIER_OPENING and i > 0):
            return None
        if head in _TIER_LEADERS and not any(tuple(words[i + len(head):i + len(head) + len(t)]) == t for t in _TIERS):
            return None
        if head[0] == "uy" and words[i + len(head) - 1:i + len(head) + 2] == ["cac", "dia", "phuong"]:
            # "UBND các địa phương": the committees of the tier right below the province
            local = self._kind_name(words, i + len(head) - 1)
            return replace(local, start=i) if local else None
        if head == (*_COMMITTEE, "cac") and words[i + len(head):i + len(head) + 1] == ["cap"]:
            # "UBND các cấp": the committees of every tier (no districts from 1 July 2025)
            tiers = ("province", "commune") if self._two_tier else ("province", "district", "commune")
            return Mention(i, i + len(head) + 1, self._tier_units(tiers))
        j, kinds = i + len(head) + _shared_tier(words, i + len(head)), list[str]()
        if j > i + len(head):
            head = (*head, "cac")
        # "UBND 168 phường, xã và đặc khu": a count of every place of the tiers (read, as without "các", only for
        # two tiers or more — "UBND 3 xã" are some communes, which ones the text does not say)
        j += head == _COMMITTEE and j == i + len(head) and _count(words[j:j + 1])
        while j < len(words):
            tier = next((t for t in _TIERS if tuple(words[j:j + len(t)]) == t), None)
            if tier in _SHORT_TIERS and "district" not in kinds or (tier == ("phuong",) and words[j + 1:j + 2]
                                                                    and words[j + 1] in _PHUONG_WORDS):
                tier = None
            if tier == _CITY and kinds and words[j - 1] not in {",", "va", "cac"}:
                tier = None   # "UBND phường, xã Thành phố": the city they are in, not a tier of its own
            if tier is not None:
                # "các tỉnh, thành phố": the centrally-run cities beside the provinces, not a district tier
                kinds.append("province" if tier == _CITY and "province" in kinds else _TIERS[tier])
                j += len(tier)
                if tier == _SPECIAL_ZONE:   # "các xã, phường, đặc khu Cồn Cỏ": a special zone goes with its name
                    j = _past_name(words, j)
            elif words[j] in {",", "va", "cac"} and kinds:   # "UBND thành phố và các huyện"
                j += 1
            elif words[j] == "cap" and head[-1] == "cap" and kinds and words[j - 1] in {",", "va"}:
                j += 1   # each tier with its "cấp": "UBND cấp huyện, cấp xã"
            else:
                break
        while j > i and words[j - 1] in {",", "va", "cac"}:
            j -= 1
        # "UBND huyện X" is one unit, "UBND tỉnh, thành phố" the province's committee — but "UBND tỉnh, thành
        # phố trực thuộc Trung ương" (an addressee: "Kính gửi: - Ủy ban nhân dân tỉnh, thành phố trực thuộc
        # Trung ương") every province
        central = set(kinds) == {"province"} and words[j:j + 4] == ["truc", "thuoc", "trung", "uong"]
        # … as are those whose chairmen a letter addresses together: "đề nghị các đồng chí Chủ tịch Ủy ban nhân
        # dân tỉnh, thành phố nuôi cá tra …"
        chairs = set(kinds) == {"province"} and words[max(0, i - 5):i] == list(_CHAIRS)
        # … and so are the tier's two names heading items alone, as the Government writes them ("3. Uỷ ban nhân dân
        # tỉnh, thành phố" then "a) Thường xuyên tuyên truyền …"): in a sentence they are the province's own
        both = kinds == ["province", "province"] and all(w in {",", ".", ":"} for w in words[j:])
        # … and so are they named after the ministries' heads ("Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Chủ tịch
        # Ủy ban nhân dân tỉnh, thành phố, Chủ tịch … các tập đoàn …"): the Government's addressees, not a province
        beside = kinds == ["province", "province"] and _after_ministries(words[max(0, i - _BESIDE_REACH):i])
        if (head[-1] not in {"cac", "cap"} and head[0] != "cac" and (len(kinds) < 2 or "province" in kinds)
                and not central and not chairs and not both and not beside):
            return None
        codes = self._tier_units(tuple(dict.fromkeys(kinds)))
        if kinds and set(kinds) == {"province"}:
            codes, j = self._provinces_range(words, j) or (codes, self._past_fillers(words, j))
        return Mention(i, j, codes) if codes else None

    @staticmethod
    def _past_fillers(words: list[str], at: int) -> int:
        """Past "trực thuộc Trung ương" (or "ven biển") after the provinces' collective name."""
        end = at
        while end < len(words) and words[end] in _RANGE_FILLERS:
            end += 1
        return end if words[at:at + 4] == ["truc", "thuoc", "trung", "uong"] else at

    def _provinces_range(self, words: list[str], at: int) -> tuple[tuple[str, ...], int] | None:
        """"(… các tỉnh, thành phố) (ven biển) từ Hà Tĩnh đến Lâm Đồng": the tree's provinces from the
        first to the second, north to south; and where the range ends."""
        start = at
        while start < len(words) and words[start] in _RANGE_FILLERS:
            start += 1
        if words[start:start + 1] != ["tu"]:
            return None
        first = _place_at(words, start + 1)
        if first is None or words[first[1]:first[1] + 1] != ["den"]:
            return None
        last = _place_at(words, first[1] + 1)
        if last is None:
            return None
        low, high = sorted((first[0], last[0]))
        codes = tuple(code for code in self._by_kind.get("province", ())
                      if (place := self._place_of(code)) is not None and low <= place <= high)
        return (codes, last[1]) if codes else None

    def _place_of(self, code: str) -> int | None:
        """Where a province's committee ("UBND tỉnh Hà Tĩnh", "UBND thành phố Huế") stands north to south."""
        if not self.is_locality(code):
            return None
        words = self._words[code][len(_COMMITTEE):]
        name = words[2:] if words[:2] == _CITY else words[1:]
        return _NORTH_TO_SOUTH.index(name) if name in _NORTH_TO_SOUTH else None

    def _tier_units(self, kinds: tuple[str, ...]) -> tuple[str, ...]:
        if kinds not in self._tiers:
            self._tiers[kinds] = tuple(c for kind in kinds for c in self._by_kind.get(kind, ()))
        return self._tiers[kinds]

    def _plural(self, words: list[str], i: int) -> Mention | None:
        """"các Ban QLDA chuyên ngành" — "các" and the longest start several names share; not where one unit's
        whole name runs past that start ("các sở Giáo dục và Đào tạo": that department of several provinces, not
        every "Sở Giao …")."""
        if words[i] != "cac":
            return None
        for end in range(min(len(words), i + _MAX_KEY), i + 2, -1):
            codes = self._shared.get(tuple(words[i + 1:end]), ())
            if len(codes) > 1:
                named = self._name(words, i + 1)
                return None if named is not None and named.end > end else Mention(i, end, tuple(codes))
        return None

    def _kind_name(self, words: list[str], i: int) -> Mention | None:
        """"các sở, ban, ngành" as every department, "các Bộ, cơ quan ngang Bộ" as every ministry,
        "các địa phương" as the local governments; "các sở, ngành (, địa phương) liên quan" marked
        related (extract.py keeps them only where no unit is named beside them)."""
        for phrase, kind in _KIND_NAMES:
            end = i + len(phrase)
            if tuple(words[i:end]) == phrase:
                if phrase == ("cac", "so") and self._name(words, i + 1) is not None:
                    return None   # "các Sở Xây dựng (nêu trên)": that department of several provinces
                if phrase == ("cac", "bo") and words[end:end + 1] not in ([w] for w in _MINISTRIES_DO):
                    return None
                # "các bộ, ngành, (các) địa phương cần …": every body of the State, no one's task
                after = words[end:end + 4]
                localities = ["dia", "phuong"] in (after[1:3], after[2:4])
                if kind == "ministry" and after[:1] in ([","], ["va"]) and localities:
                    return None
                if kind == "department":   # "các sở, ban, ngành thành phố", "… cấp tỉnh"
                    end += next((len(q) for q in _LEVELS if tuple(words[end:end + len(q)]) == q), 0)
                if kind == "ministry":
                    end += next((len(q) for q in _GOVERNMENT_BODIES if tuple(words[end:end + len(q)]) == q), 0)
                    end += next((len(q) for q in _CENTRAL_BODIES if tuple(words[end:end + len(q)]) == q), 0)
                kinds = [self._local_kind() if k == _LOCAL else k for k in kind.split("+")]
                codes = tuple(c for k in kinds for c in self._by_kind.get(k, ()))
                related = _related_end(words, end)
                if phrase in _GENERIC_PHRASES and (not self._generic or words[end:end + 1] == ["thuoc"]):
                    continue   # also "các cơ quan, đơn vị thuộc Bộ X": X's own units, X named next
                return Mention(i, related or end, codes, related=bool(related), local=kind == _LOCAL,
                               generic=phrase in _GENERIC_PHRASES) if codes else None
        return None

    def _local_kind(self) -> str:
        """The tier right below the province: the districts before the two-tier reform (or where the
        tree has no communes), the communes after it (or where the tree has no districts); the provinces
        themselves in a letter to their committees."""
        if self._provinces_local:
            return "province"
        if "commune" in self._by_kind and (self._two_tier or "district" not in self._by_kind):
            return "commune"
        return "district"

    def on(self, day: date) -> UnitMatcher:
        """This matcher for a directive issued on `day`: from 1 July 2025 (Resolution 202/2025/QH15)
        "các địa phương" are the communes, whatever older units the tree still holds."""
        dated = copy.copy(self)
        dated._two_tier = day >= TWO_TIER_FROM
        return dated

    def addressed(self, to: Iterable[str]) -> UnitMatcher:
        """This matcher for a text with addressees `to`: "các cơ quan, đơn vị" there are they, not the departments;
        and where they are the provinces' committees (a ministry's letter to them), "các địa phương" the provinces."""
        plain = copy.copy(self)
        plain._generic = False
        plain._provinces_local = (self._provinces_local
                                  or sum(self.units[c].kind == "province" for c in to if c in self.units) > 1)
        return plain

    def in_province(self, place: str) -> UnitMatcher:
        """This matcher for a text of the province named `place` (folded: its header's "TỈNH BÌNH ĐỊNH") where the
        tree alone does not tell whose texts are read — a merged province's tree on a day before the merger holds
        the committees of both old provinces: that province's units read as its texts name them ("Sở Tài chính"
        for "Sở Tài chính tỉnh Bình Định"), where the tree holds its committee named so."""
        if self._home or any(named_by_tier(self._words[code]) for code, unit in self.units.items()
                             if unit.kind == "province"):
            return self
        named = tuple(place.split())
        homes = [words[len(_COMMITTEE):] for code, words in self._words.items() if self.units[code].kind == "province"
                 and any(words[len(_COMMITTEE):] == (*tier, *named) for tier in (("tinh",), _CITY))
                 and words[:len(_COMMITTEE)] == _COMMITTEE]
        if len(homes) != 1:
            return self
        local = UnitMatcher(self.units.values(), home=homes[0])
        local._two_tier, local._generic, local._provinces_local = self._two_tier, self._generic, self._provinces_local
        return local

    def at_place(self, place: str) -> UnitMatcher:
        """This matcher for a text written in the commune or ward `place` (its dateline "Lương Minh, ngày …"):
        that place's committee is also read without the place's name ("Ủy ban nhân dân xã", "UBND phường"), as
        its own texts name it — where the tree holds it; elsewhere "UBND xã" is any commune's."""
        named = tuple(fold(place).split())
        found = {code: (*_COMMITTEE, *tier) for code, name in self._words.items() for tier in _OWN_PLACE_TIERS
                 if (self.is_locality(code) and name[len(_COMMITTEE):] == (*tier, *named))
                 or (self.units[code].kind == "commune" and name == (*tier, *named))}   # as seeded: "Xã Ia Băng"
        if len(found) != 1:
            return self
        [(code, key)] = found.items()
        local = copy.copy(self)
        local._names = {**self._names, key: code}
        return local

    def among_places(self, named: set[tuple[str, ...]]) -> UnitMatcher:
        """This matcher for a text that names the communes or wards `named` (their names' folded words: "phường
        Dương Nội" (dương nội)): a commune's or a ward's body named without its place ("Công an phường", "Trạm Y
        tế") is the one of a place the text names — and none of the tree's where the text names other places only
        (in a text of "xã Phố Bảng", "Trung tâm phục vụ hành chính công" is Phố Bảng's, not another commune's)."""
        if not named:
            return self
        local = copy.copy(self)
        local._names = dict(self._names)
        for key, codes in self._place_less_codes.items():
            here = [code for code in codes
                    if any(place[:len(self._own_place[code])] == self._own_place[code] for place in named)]
            local._names[key] = here[0] if len(here) == 1 else None
        return local

    def national(self) -> UnitMatcher:
        """This matcher for a text in which the Prime Minister or a Deputy gives the duties: "các địa phương"
        are the provinces."""
        spoken = copy.copy(self)
        spoken._provinces_local = True
        return spoken

    def _list(self, words: list[str], i: int) -> Mention | None:
        """"(các) Sở: Tài chính, Xây dựng và Nội vụ", "Các Bộ, cơ quan: Tài chính, …, Tập đoàn Điện
        lực Việt Nam", "UBND các tỉnh: Ninh Bình, Bắc Ninh" (a tier's committees also with no colon: "UBND
        các tỉnh, thành phố Ninh Bình, Hà Tĩnh"; so the ministries: "(các) Bộ Xây dựng, Giao thông vận tải") —
        each name read with a head in front ("UBND tỉnh Ninh Bình"), or as it is."""
        start = i + (words[i] == "cac")
        written = next((h for h in (*_LIST_HEADS, *_COMMITTEE_LISTS) if tuple(words[start:start + len(h)]) == h), None)
        if written is None:
            return None
        heads = _COMMITTEE_LISTS.get(written, (written,))
        after = start + len(written)
        colon = after + next((len(p) for p in _LIST_OTHERS if words[after:after + len(p)] == p), 0)
        if colon < len(words) and words[colon] == ":":
            j = colon + 1
        elif (written in _COMMITTEE_LISTS or written == _MINISTRIES) and self._heads_list(written, heads, words, after):
            # "UBND các tỉnh, thành phố Ninh Bình, Hà Tĩnh, Cần Thơ", "(các) Bộ Xây dựng, Giao thông vận tải": the
            # names right after the tier or the ministries' head
            j = after
        else:
            return None
        # a committee's name may repeat the list's tier: "UBND các phường Sài Gòn, phường Bến Thành"
        tier = written[len(_COMMITTEE) + 1:] if written in _COMMITTEE_LISTS else ()
        codes: list[str] = []
        while j < len(words):
            j += len(tier) * (bool(codes) and bool(tier) and tuple(words[j:j + len(tier)]) == tier)
            if (headed := self._headed(heads, words, j)) is not None:
                found, j = headed
            elif (named := self._name(words, j)) is not None:
                found, j = named, named.end
            else:
                break
            codes.extend(found.codes)
            if j + 1 < len(words) and words[j] in {",", "va"} and words[j + 1] not in {",", ";"}:
                j += 1
                continue
            break
        while words[j - 1] in {",", "va"}:
            j -= 1
        return Mention(i, j, tuple(dict.fromkeys(codes)), by_name=True) if codes else None

    def _heads_list(self, written: tuple[str, ...], heads: tuple[tuple[str, ...], ...], words: list[str],
                    after: int) -> bool:
        """Whether the names right after `written` are a list it heads: "Bộ" heads only ministries, so "Bộ Chỉ huy
        Quân sự tỉnh, Công an tỉnh" is the command and the province's police, not "Bộ Công an"."""
        headed = self._headed(heads, words, after)
        return headed is not None and (written != _MINISTRIES or all(
            self.units[code].kind == "ministry" for code in headed[0].codes if code in self.units))

    def _headed(self, heads: tuple[tuple[str, ...], ...], words: list[str], j: int) -> tuple[Mention, int] | None:
        """The unit a list item at `j` names with one of `heads` in front, and where the item ends."""
        for head in heads:
            if (named := self._name([*head, *words[j:j + _MAX_KEY]], 0)) is not None and named.end > len(head):
                return named, j + named.end - len(head)
        return None

"""The province a tree is the organisation of, when its units carry its place as `dondoc org seed`
names them ("UBND tỉnh Gia Lai", "Sở Tài chính tỉnh Gia Lai"), and the shorter names the province's
own texts and registers give them ("Sở Tài chính", "Sở Tài chính tỉnh"; a city's "Sở Tài chính thành
phố"; "UBND xã Ia Băng" for "Xã Ia Băng"). Names are compared folded (engine.text.fold), the committee's
"UBND" written out."""
from __future__ import annotations

from collections.abc import Iterable

COMMITTEE = ("uy", "ban", "nhan", "dan")
CITY = ("thanh", "pho")
_TIERS = (("tinh",), CITY)
_UNNAMED = {(*COMMITTEE, *tier) for tier in _TIERS}
_LOCAL_TIERS = (("xa",), ("phuong",), ("dac", "khu"), ("thi", "tran"))


def home_place(committees: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """The tier and the place ("tinh", "gia", "lai") of the one province's committee among `committees`
    (their names' folded words) named by them; () when there are several such, or none, or when one is
    named by its tier alone ("UBND tỉnh": a tree of its own committee beside others named by their places)."""
    places = []
    for words in map(_written_out, committees):
        if named_by_tier(words):
            return ()
        rest = words[len(COMMITTEE):] if words[:len(COMMITTEE)] == COMMITTEE else ()
        if any(rest[:len(tier)] == tier and len(rest) > len(tier) for tier in _TIERS):
            places.append(rest)
    return places[0] if len(places) == 1 else ()


def named_by_tier(words: tuple[str, ...]) -> bool:
    """A committee named by its tier alone ("UBND tỉnh"): a tree whose own texts are read as they are."""
    return _written_out(words) in _UNNAMED


def own_names(words: tuple[str, ...], place: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The shorter names of a unit named `words` (folded) in the province of `place` (home_place): without
    the place ("so tai chinh tinh"), and without its tier too ("so tai chinh") unless that leaves a
    committee alone; [] for a unit not named with the place."""
    words = _written_out(words)
    if not place or len(words) <= len(place) or words[-len(place):] != place:
        return []
    with_tier = words[:len(words) - len(place) + _tier_length(place)]
    bare = words[:len(words) - len(place)]
    return [with_tier, *([bare] if bare != COMMITTEE else [])]


def committee_names(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A commune, ward or special zone named by its place ("Xã Ia Băng", "Phường Pleiku", as the seed names
    it) stands for its People's Committee: "uy ban nhan dan xa ia bang" ("UBND xã Ia Băng")."""
    return [(*COMMITTEE, *words)] if any(words[:len(tier)] == tier for tier in _LOCAL_TIERS) else []


def _tier_length(place: tuple[str, ...]) -> int:
    return len(CITY) if place[:len(CITY)] == CITY else 1


def _written_out(words: tuple[str, ...]) -> tuple[str, ...]:
    """"ubnd …" as "uy ban nhan dan …"."""
    return (*COMMITTEE, *words[1:]) if words[:1] == ("ubnd",) else tuple(words)

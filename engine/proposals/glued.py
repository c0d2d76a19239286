"""Words a copied page glued together where it lost a line break ("yêu cầuBộ Xây dựng", "Bộ Xây
dựngkiểm tra", "Giaothông vận tải"), parted again so that unit names and duties read as written.

A Vietnamese word is one syllable: a run of letters that is not one syllable but is two (or three)
in a row, each spelt as Vietnamese spells one, is parted between them. Only runs with a Vietnamese
diacritic are looked at, so foreign words and codes ("online", "VNeID", "PTTgTT") stay as they are;
so do names no split reads ("Krông", "Đắk", "M'Nông")."""
from __future__ import annotations

import re
import unicodedata

# A syllable as spelt, on the letters without their marks (đ as d): onset (with the spelling rules
# that tell "đồngý" from "đồ ngý": "ngh", "gh", "k" before e/i/y, "ng", "g", "c" not), vowels, final.
_ONSET = (r"(?:ngh(?=[eiy])|ng(?![eiy])|nh|ch|gh(?=[eiy])|gi|kh|ph|qu|th|tr|c(?![eiy])|k(?=[eiy])|g(?![ey])"
          r"|[bdhlmnprstvx])?")
_SYLLABLE = re.compile(_ONSET + r"[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")
_DIGRAPHS = {"ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr"}   # never parted
_RUN = re.compile(r"[^\W\d_]{4,}")
# Vietnamese marks: grave, acute, circumflex, tilde, breve, hook, horn, dot below
_MARKS = {"\u0300", "\u0301", "\u0302", "\u0303", "\u0306", "\u0309", "\u031b", "\u0323"}
_MOST = 3   # syllables one run may hold
_LONGEST = 7   # letters of the longest syllable ("nghiêng")


def part_glued(text: str) -> str:
    """`text` (NFC) with every glued run of letters parted into its syllables."""
    return _RUN.sub(lambda run: " ".join(_parted(run.group(0))), text)


def _parted(run: str) -> list[str]:
    if run.isascii():
        return [run]
    marks = [unicodedata.normalize("NFD", c)[1:] for c in run]
    if any(m not in _MARKS for mark in marks for m in mark):
        return [run]   # another language's letters ("miesiąca")
    bare = "".join(unicodedata.normalize("NFD", c)[0] for c in run.replace("đ", "d").replace("Đ", "D")).lower()
    if _SYLLABLE.fullmatch(bare) or len(bare) > _MOST * _LONGEST:
        return [run]
    for most in range(2, _MOST + 1):   # the fewest syllables first: "Giao thông", not "Gia o thông"
        if lengths := _syllables(bare, most):
            starts = [sum(lengths[:n]) for n in range(len(lengths) + 1)]
            return [run[starts[n]:starts[n + 1]] for n in range(len(lengths))]
    return [run]


def _syllables(bare: str, most: int) -> list[int] | None:
    """The lengths of at most `most` syllables spelling `bare`, the shortest first one first
    ("sự cần", not "sực ần"); None if it is no such run."""
    if _SYLLABLE.fullmatch(bare):
        return [len(bare)]
    if most == 1:
        return None
    for at in range(1, min(len(bare), _LONGEST + 1)):
        if bare[at - 1:at + 1] in _DIGRAPHS or not _SYLLABLE.fullmatch(bare[:at]):
            continue
        if rest := _syllables(bare[at:], most - 1):
            return [at, *rest]
    return None

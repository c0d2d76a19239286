"""A directive's text as a clerk gives it — pasted from a web page, a PDF reader or a word
processor — made plain before it is read, so that the same words give the same proposals
however they were typed: composed (NFC) letters, no invisible characters, plain spaces."""
from __future__ import annotations

import re

from engine.text import clean_text

# Spaces a word processor or a web page puts between words: no-break (U+00A0, "&nbsp;"), figure, thin,
# narrow no-break, ideographic and the other fixed-width spaces; a unit's name or "ngày 15/3" read across
# one of them is read as across a space.
_ODD_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# A soft hyphen (U+00AD) marks where a word processor may break a word: no letter of it.
_SOFT_HYPHEN = "\u00ad"
# The signs a word processor or a web page puts before a list item — ticks, arrows, squares, circles and the private
# code points of Word's Symbol and Wingdings bullets (U+F0A7, U+F0B7, U+F0D8 …) copied as they are — open a list
# item as "•" does, whatever sign the author picked.
_BULLET = re.compile("(?m)^([ \t]*)[\u25a0-\u25ff\u2610\u2611\u2612\u2713-\u2718\u2794-\u27bf\u2022\u2023\u2043"
                     "\u2219\u00b7\u2666\u2756\uf06c\uf06e\uf075\uf076\uf0a7\uf0b7\uf0d8\uf0e0\uf0fc][ \t]*")


def plain_text(text: str) -> str:
    """`text` NFC, without invisible characters or soft hyphens, its odd spaces plain ones, a list item's sign "•"."""
    return _BULLET.sub(r"\1• ", _ODD_SPACE.sub(" ", clean_text(text).replace(_SOFT_HYPHEN, "")))


# A text typed in a pre-Unicode Vietnamese font (TCVN3/ABC's .VnTime, VNI-Times) and pasted or saved as it is
# shows its letters as Latin-1 signs: TCVN3's "Uû ban nh©n d©n tØnh", VNI's "UÛy ban nhaân daân tænh". Such a
# word holds one of the Latin-1 characters Vietnamese never writes (the letters it shares, "à", "ê", "õ" …, not)
# and such words outnumber those with a letter only Unicode has ("ă", "đ", "ơ", "ư", "ạ" … "ỹ").
_VIETNAMESE_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_NOT_VIETNAMESE = "".join(c for c in map(chr, range(0xA1, 0x100)) if c not in _VIETNAMESE_LATIN1 and c not in "«»°±×÷")
_LEGACY_SIGN = re.compile(f"[{re.escape(_NOT_VIETNAMESE)}]")
_UNICODE_ONLY = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
_LEGACY_READ = 20_000   # characters looked at: a font is the whole text's
_LEGACY_SHARE = 0.1   # of the words: a stray "©" or "§" in a Unicode text is far fewer
_LEGACY_LEAST = 5     # words so written: a line or two of a foreign name is no font


def legacy_font(text: str) -> bool:
    """`text` is written in a pre-Unicode Vietnamese font (TCVN3 or VNI) and reads as no words."""
    read = text[:_LEGACY_READ]
    words = read.split()
    legacy = sum(1 for word in words if _LEGACY_SIGN.search(word))
    unicode = sum(1 for word in words if _UNICODE_ONLY.search(word))
    return legacy >= max(_LEGACY_LEAST, _LEGACY_SHARE * len(words)) and legacy > unicode

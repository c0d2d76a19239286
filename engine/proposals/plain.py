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


def plain_text(text: str) -> str:
    """`text` NFC, without invisible characters or soft hyphens, its odd spaces plain ones."""
    return _ODD_SPACE.sub(" ", clean_text(text).replace(_SOFT_HYPHEN, ""))

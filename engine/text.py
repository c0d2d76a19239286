"""Text as it enters the system (forms, API bodies, imports), made comparable: NFC-normalised
and without invisible characters, so that a copy pasted from another program (decomposed
Vietnamese accents, a zero-width space from a web page) compares equal to what is stored and
a directive registered twice is found as a duplicate."""
from __future__ import annotations

import re
import unicodedata

# Zero-width space, non-joiner, joiner, word joiner, byte-order mark (zero-width no-break space).
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
# What no database can store: NUL (PostgreSQL refuses it) and half of a UTF-16 pair on its own
# (UTF-8 has no encoding for it; only a JSON escape such as "\ud800" can carry one).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def has_unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def clean_text(text: str) -> str:
    """NFC without zero-width characters. The caller refuses unstorable text first."""
    return unicodedata.normalize("NFC", INVISIBLE.sub("", text))


def clean_values(value, keep: frozenset[str] = frozenset({"password"})):
    """`value` (read from a file: dicts, lists, strings) with every string cleaned, except the
    values of the keys in `keep`, which are compared, not read."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_values(item, keep) for item in value]
    if isinstance(value, dict):
        return {key: item if key in keep else clean_values(item, keep) for key, item in value.items()}
    return value


def fold(*texts: str | None) -> str:
    """Text for matching as people type it: without diacritics (đ as d), lower case, single
    spaces — "Kết nối", "KET  NOI" and a decomposed "Kết nối" all give "ket noi"."""
    joined = " ".join(text for text in texts if text).replace("đ", "d").replace("Đ", "D")
    bare = "".join(c for c in unicodedata.normalize("NFD", joined) if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) matching `text` anywhere."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def folded_pattern(query: str) -> str:
    """A LIKE pattern matching `query` anywhere in folded text."""
    return like_pattern(fold(query))


def filled(value) -> bool:
    """A value someone gave: not None, empty or blank."""
    return value not in (None, "", [], ()) and not (isinstance(value, str) and not value.strip())


def lower_first(text: str) -> str:
    """'Về việc …' -> 'về việc …', as it reads inside a sentence."""
    return f"{text[:1].lower()}{text[1:]}"


def upper_first(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}"

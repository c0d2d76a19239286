"""Units as a register names them: by code ("STC", "stc"), by name ("Sở Tài chính", "SO TAI
CHINH") or by the initials of the name ("SNNMT" for "Sở Nông nghiệp và Môi trường"),
compared without case or diacritics; several in one cell separated by ";", ",", a new line
or " và "."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.org.models import Unit
from engine.text import fold

_SEPARATORS = re.compile(r"[;,\n\r]+")
_AND = re.compile(r"\s+(?:và|va)\s+", re.IGNORECASE)
_JOINING_WORDS = {"va"}  # "và" carries no initial in an acronym (SNNMT)


def initials(name: str) -> str:
    return "".join(word[0] for word in fold(name).split() if word not in _JOINING_WORDS and word[0].isalnum())


@dataclass
class Lookup:
    """What one cell names: the codes found, and what was not recognised with a hint."""
    codes: list[str]
    unknown: list[str]
    hints: list[str]


class UnitDirectory:
    def __init__(self, session: Session):
        units = list(session.scalars(select(Unit).order_by(Unit.id)))
        self.names = {u.code: u.name for u in units}
        acronyms: dict[str, set[str]] = {}
        for unit in units:
            acronyms.setdefault(initials(unit.name), set()).add(unit.code)
        # Codes and names first; an acronym only where it names one unit and is no code or name.
        self._keys = {key: next(iter(codes)) for key, codes in acronyms.items() if len(codes) == 1 and key}
        self._keys.update({fold(u.name): u.code for u in units})
        self._keys.update({fold(u.code): u.code for u in units})

    def find(self, text: str) -> str | None:
        return self._keys.get(fold(text))

    def hint(self, text: str) -> str | None:
        """The closest known unit, as "name (code)"."""
        close = difflib.get_close_matches(fold(text), list(self._keys), n=1, cutoff=0.5)
        if not close:
            return None
        code = self._keys[close[0]]
        return f"{self.names[code]} ({code})"

    def lookup(self, cell: str) -> Lookup:
        found = Lookup([], [], [])
        for piece in (p.strip() for p in _SEPARATORS.split(cell)):
            if not piece:
                continue
            for part in _joined_names(piece, self.find):
                code = self.find(part)
                if code is None:
                    found.unknown.append(part)
                    hint = self.hint(part)
                    if hint:
                        found.hints.append(hint)
                elif code not in found.codes:
                    found.codes.append(code)
        return found


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

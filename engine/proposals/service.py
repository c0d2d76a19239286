"""Proposals against the organisation tree as it stands on the directive's date."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.org.models import Unit
from engine.proposals.extract import Extraction, propose
from engine.proposals.header import read_header
from engine.proposals.plain import legacy_font
from engine.proposals.reading import ReadingError, read_document
from engine.proposals.units import UnitMatcher, UnitRef


def unit_matcher(session: Session, day: date) -> UnitMatcher:
    units = session.scalars(select(Unit).order_by(Unit.id))
    return UnitMatcher(UnitRef(u.code, u.name, u.kind) for u in units if u.is_valid_on(day))


def propose_tasks(session: Session, text: str, day: date) -> Extraction:
    return propose(text, unit_matcher(session, day), day)


def read_and_propose(session: Session, day: date | None, text: str = "", upload: tuple[bytes, str] | None = None
                     ) -> dict:
    """Proposals from pasted `text` or an uploaded (data, filename), as plain data: units with
    their names, dates as ISO strings, and the header parts the text carries (engine.proposals.header),
    each with the words it was read from. `day` is the directive's date; None when the clerk gave none:
    then the date of the text's own header, else today. Raises reading.ReadingError for a file giving no text
    and for a text in a pre-Unicode font."""
    method = "text"
    if upload is not None:
        document = read_document(*upload)
        text, method = document.text, document.method
    if legacy_font(text):   # its words would read as none: proposals and header of garbled signs
        raise ReadingError("legacy_font")
    header = read_header(text)
    if day is None:   # the text's own date completes its dates without a year and picks the units of its day
        day = date.fromisoformat(header.issued_on.value) if header.issued_on else clock.today()
    matcher = unit_matcher(session, day)
    extraction = propose(text, matcher, day)

    def units(codes: list[str]) -> list[dict]:
        return [{"code": c, "name": matcher.units[c].name} for c in codes]

    return {"method": method, "truncated": extraction.truncated, "header": header.as_dict(), "proposals": [
        {"content": p.content, "source": p.source, "lead_units": units(p.lead_units),
         "coordinating_units": units(p.coordinating_units),
         "deadline": {"kind": p.deadline.kind, "date": p.deadline.due.isoformat() if p.deadline.due else None,
                      "day_of_month": p.deadline.day, "working_days": p.deadline.days}}
        for p in extraction.proposals]}

"""`python -m bench.extraction.variants [--variant NAME] [--verbose]`: the corpus's texts written another way a clerk
may give them, each document's proposals (content, source's words, leads, coordinating units, deadline) compared
with those of the text as kept. A document whose proposals differ is one the rules read differently for the same
words; `--verbose` names each and the first proposal that differs.

Variants: `rebroken`, every line of prose wrapped at 80 columns as `pdftotext` gives a PDF's page (a table's row kept
whole — a line holding tabs or "|", which `pdftotext` never gives: a PDF's table comes out with neither, another
matter); `bulleted`, the "- " opening a list item written "• " (Word's and web pages' bullets, which `plain_text`
makes "•") — an item: the line above ends with a stop, ":" or ";", or is blank (not a name, a compound or a span
of years broken at its dash, "Công nghiệp" then "- Viễn thông Quân đội", "giai đoạn 2026" then "- 2030", nor a
number's dash, "3" then "- UBND các huyện …": no word processor writes those as bullets)."""
from __future__ import annotations

import argparse
import json
import re
import textwrap
from collections.abc import Callable
from datetime import date

from bench.extraction.__main__ import CORPUS, read_text
from engine.proposals.extract import propose
from engine.proposals.units import UnitMatcher, UnitRef

_WIDTH = 80
_DASH_ITEM = re.compile(r"^([ \t]*)- ")


def rebroken(text: str) -> str:
    """`text` with each line of prose wrapped at 80 columns, at spaces (a word longer than that kept whole)."""
    return "\n".join(line if "\t" in line or "|" in line or len(line) <= _WIDTH else
                     "\n".join(textwrap.wrap(line, _WIDTH, break_long_words=False, break_on_hyphens=False))
                     for line in text.split("\n"))


def bulleted(text: str) -> str:
    """`text` with each list item's opening "- " written "• "."""
    lines, above = text.split("\n"), ""
    for at, line in enumerate(lines):
        if not above.strip() or above.rstrip().endswith((".", ":", ";", "!", "?", "…")):
            lines[at] = _DASH_ITEM.sub(r"\1• ", line)
        above = line
    return "\n".join(lines)


VARIANTS: dict[str, Callable[[str], str]] = {"rebroken": rebroken, "bulleted": bulleted}


def _read(text: str, matcher: UnitMatcher, issued: date) -> list[tuple]:
    # the words, not the spaces between them: a wrapped line's double space is one when re-broken
    return [(" ".join(p.content.split()), " ".join(p.source.split()), p.lead_units, p.coordinating_units, p.deadline)
            for p in propose(text, matcher, issued).proposals]


def changed(variant: Callable[[str], str], first: int | None = None) -> tuple[int, list[str]]:
    """How many .txt documents of the corpus were read, and a line for each whose proposals `variant` changes."""
    units = [UnitRef(**u) for u in json.loads((CORPUS / "units.json").read_text(encoding="utf-8"))]
    matcher = UnitMatcher(units)
    annotations = json.loads((CORPUS / "annotations.json").read_text(encoding="utf-8"))
    read, lines = 0, []
    for name in (key for key in annotations if not key.startswith("_")):
        for doc in annotations[name][:first]:
            if not doc["file"].endswith(".txt"):
                continue
            read += 1
            text, issued = read_text(CORPUS / doc["file"]), date.fromisoformat(doc["issued_on"])
            kept, other = _read(text, matcher, issued), _read(variant(text), matcher, issued)
            if kept != other:
                differ = next((f"{a[1][:70]!r} → {b[1][:70]!r}" for a, b in zip(kept, other, strict=False) if a != b),
                              f"{len(kept)} → {len(other)} proposals")
                lines.append(f"{doc['file']}: {differ}")
    return read, lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction.variants", description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=sorted(VARIANTS), action="append",
                        help="the variant(s) to compare (all by default)")
    parser.add_argument("--verbose", action="store_true", help="name each document changed")
    parser.add_argument("--first", type=int, metavar="N", help="only the first N documents of each set")
    args = parser.parse_args()
    for name in args.variant or sorted(VARIANTS):
        read, lines = changed(VARIANTS[name], args.first)
        print(f"{name}: {len(lines)} of {read} documents' proposals changed")
        if args.verbose:
            print("\n".join("    " + line for line in lines))


if __name__ == "__main__":
    main()

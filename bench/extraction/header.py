"""`python -m bench.extraction.header [--verbose]`: how many documents of the corpus get a right symbol and a
right date from engine.proposals.header, against MANIFEST.md: the symbol is the one its "document" column names
("Công văn 6202/UBND-KT, …"), the date its `issued_on` (those marked ≈, estimates, are left out of the dates).
A part proposed and not the manifest's is counted wrong: a wrong fill costs the clerk more than an empty one."""
from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from engine.proposals.header import Read, read_header
from engine.proposals.reading import read_document

CORPUS = Path(__file__).parent / "corpus"
_ROW = re.compile(r"^\| (\S+\.(?:txt|docx)) \|(.*)$")
_SYMBOL = re.compile(r"\d{1,6}(?:/[\w.Đđ-]+)+")


@dataclass
class Count:
    documents: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)   # "file: read (from 'words'), not gold"

    def add(self, path: Path, gold: str | None, found: Read | None) -> None:
        if gold is None:
            return
        self.documents += 1
        if found is not None and found.value == gold:
            self.right += 1
        elif found is not None:
            self.wrong.append(f"{path.relative_to(CORPUS)}: {found.value} (read from {found.source!r}), not {gold}")

    def line(self, name: str) -> str:
        empty = self.documents - self.right - len(self.wrong)
        return f"{name:<7} {self.documents:>9} {self.right:>6} {len(self.wrong):>6} {empty:>6}"


def manifest() -> list[tuple[Path, str | None, str | None]]:
    """(file, symbol, ISO date) of each document the manifest lists, None where it gives none."""
    rows = []
    for line in (CORPUS / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if not (found := _ROW.match(line)):
            continue
        cells = [c.strip() for c in found.group(2).strip(" |").split("|")]
        symbol = _SYMBOL.search(cells[0])
        day = cells[-1] if re.fullmatch(r"\d{2}/\d{2}/\d{4}", cells[-1]) else None
        rows.append((CORPUS / found.group(1), symbol.group(0) if symbol else None,
                     datetime.strptime(day, "%d/%m/%Y").date().isoformat() if day else None))
    return [row for row in rows if row[0].exists()]


def score() -> tuple[Count, Count]:
    """The symbols and the dates read from the corpus against the manifest's."""
    symbols, dates = Count(), Count()
    for path, symbol, day in manifest():
        text = read_document(path.read_bytes(), path.name).text if path.suffix == ".docx" else path.read_text(
            encoding="utf-8")
        header = read_header(text)
        symbols.add(path, symbol, header.symbol)
        dates.add(path, day, header.issued_on)
    return symbols, dates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true", help="print each wrong part")
    symbols, dates = score()
    if parser.parse_args().verbose:
        print("\n".join(symbols.wrong + dates.wrong))
    print(f"{'part':<7} {'documents':>9} {'right':>6} {'wrong':>6} {'none':>6}")
    print(symbols.line("symbol"))
    print(dates.line("date"))


if __name__ == "__main__":
    main()

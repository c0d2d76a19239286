"""`python -m bench.extraction [--verbose]`: task precision and recall, lead-unit accuracy and
deadline accuracy of engine/proposals on the annotated corpus, each set of annotations.json
reported apart (the documents the rules were fitted to, the held-out ones, the synthetic one), then
pooled over every set of real documents ("all real": all but the synthetic one). A .docx file of the
corpus is read as an attached one is (engine.proposals.reading), any other as UTF-8 text.

A proposal matches a gold task when the gold task's anchor is part of the proposal's source
sentence (compared folded); each gold task and each proposal match at most once. The lead is
right when the proposal's lead units are exactly the gold ones; the deadline is right when its
kind and its date (or day of month, or number of working days) are the gold ones."""
from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from engine.proposals.extract import Proposal, propose
from engine.proposals.reading import read_document
from engine.proposals.units import UnitMatcher, UnitRef
from engine.text import fold

CORPUS = Path(__file__).parent / "corpus"


@dataclass
class Score:
    gold: int = 0
    proposed: int = 0
    matched: int = 0
    right_lead: int = 0
    right_deadline: int = 0
    right_both: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("gold", "proposed", "matched", "right_lead", "right_deadline", "right_both"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self, name: str) -> str:
        def pct(n: int, d: int) -> str:
            return f"{100 * n / d:5.1f} %" if d else "    –  "
        return (f"{name:<10} {self.gold:>5} {self.proposed:>9} {pct(self.matched, self.proposed)} "
                f"{pct(self.matched, self.gold)} {pct(self.right_lead, self.gold)} "
                f"{pct(self.right_deadline, self.gold)} {pct(self.right_both, self.gold)}")


def _leads(gold: list[str], units: list[UnitRef]) -> list[str]:
    codes: list[str] = []
    for item in gold:
        if item.startswith("kind:"):
            codes.extend(u.code for u in units if u.kind == item[5:])
        else:
            codes.append(item)
    return sorted(codes)


def _deadline_right(proposal: Proposal, gold: dict) -> bool:
    d = proposal.deadline
    return (d.kind == gold["kind"] and (d.due.isoformat() if d.due else None) == gold.get("date")
            and d.day == gold.get("day_of_month") and d.days == gold.get("working_days"))


def read_text(path: Path) -> str:
    """A corpus file's text: a .docx read as an attached one is, any other as UTF-8."""
    return read_document(path.read_bytes(), path.name).text if path.suffix == ".docx" else path.read_text("utf-8")


def score_document(doc: dict, units: list[UnitRef], score: Score) -> None:
    text = read_text(CORPUS / doc["file"])
    proposals = propose(text, UnitMatcher(units), date.fromisoformat(doc["issued_on"])).proposals
    score_proposals(doc, proposals, units, score)


def score_proposals(doc: dict, proposals: Sequence[Proposal], units: list[UnitRef], score: Score) -> None:
    """Adds to `score` how `proposals` (an engine's for `doc`, this one's or an earlier one's) meet its gold tasks."""
    score.gold += len(doc["tasks"])
    score.proposed += len(proposals)
    unused = list(proposals)
    for task in doc["tasks"]:
        found = next((p for p in unused if fold(task["anchor"]) in fold(p.source)), None)
        if found is None:
            score.misses.append(f"{doc['file']}: not found: {task['anchor']}")
            continue
        unused.remove(found)
        score.matched += 1
        lead = sorted(found.lead_units) == _leads(task["lead"], units)
        deadline = _deadline_right(found, task["deadline"])
        score.right_lead += lead
        score.right_deadline += deadline
        score.right_both += lead and deadline
        if not lead:
            score.misses.append(f"{doc['file']}: lead {found.lead_units} ≠ {task['lead']}: {task['anchor']}")
        if not deadline:
            score.misses.append(f"{doc['file']}: deadline {found.deadline.kind} {found.deadline.due} "
                                f"≠ {task['deadline']}: {task['anchor']}")
    score.misses.extend(f"{doc['file']}: not a task: {p.source[:80]}" for p in unused)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument("--first", type=int, metavar="N",
                        help="score only the first N documents of each set (the suite's check that the command runs)")
    args = parser.parse_args()
    units = [UnitRef(**u) for u in json.loads((CORPUS / "units.json").read_text(encoding="utf-8"))]
    annotations = json.loads((CORPUS / "annotations.json").read_text(encoding="utf-8"))
    print(f"{'set':<10} {'tasks':>5} {'proposed':>9} {'precis.':>7} {'recall':>7} {'lead':>7} "
          f"{'deadline':>7} {'lead+dl':>7}")
    pooled, documents = Score(), 0
    for name in (key for key in annotations if not key.startswith("_")):
        score, scored = Score(), annotations[name][:args.first]
        for doc in scored:
            score_document(doc, units, score)
        print(score.line(f"{name} ({len(scored)})"))
        if args.verbose:
            for miss in score.misses:
                print("    " + miss)
        if name != "synthetic":
            pooled.add(score)
            documents += len(scored)
    print(pooled.line(f"all real ({documents})"))
    print("lead, deadline and lead+dl are shares of all gold tasks (found with the right lead, deadline, both); "
          "'all real' pools every set but the synthetic one.")


if __name__ == "__main__":
    main()

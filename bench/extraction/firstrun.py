"""`python -m bench.extraction.firstrun [--classify] [--verbose]`: every held-out batch's FIRST RUN replayed — the
extractor as it was at the commit the manifest records for that batch's first run, on that batch's documents, against
the batch's CURRENT annotations (as corrected since) — scored with `python -m bench.extraction`'s own scoring and
pooled by what the clerk would have pasted: the OFFICIAL text of a document as issued, or a REPORT of it.

The engine of each commit is taken with `git archive` (engine/ and the corpus's units.json at that commit) into a
temporary folder and imported in a subprocess of its own, so that no module of today's engine leaks into it. The units
tree is the commit's: the first run matched names against it, and a gold "kind:" lead expands to the units it knew.

`--classify` (re)writes classes.csv from the manifest's rows and the files' own form by the rule of `classify`;
the replay reads the classes from that file, so no class is chosen after its score is seen."""
from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from datetime import date
from io import BytesIO
from pathlib import Path

from bench.extraction.__main__ import CORPUS, Score, read_text, score_proposals
from engine.proposals.deadlines import ProposedDeadline
from engine.proposals.extract import Proposal
from engine.proposals.units import UnitRef

REPO = Path(__file__).resolve().parents[2]
CLASSES = Path(__file__).parent / "classes.csv"
OFFICIAL, REPORT = "OFFICIAL", "REPORT"

# The commit of each batch's first run, as MANIFEST.md records it ("First run of batch N** (commit X, …").
# Where the manifest says "the commit above" (batches 7–12, 66–68) or "commit with the batch above" (73b), that is
# the commit that added the batch (named here from `git log --diff-filter=A`); "with batch N, same commit" takes
# batch N's. heldout and heldout2–6 have no recorded commit and are left out.
FIRST_RUNS = {
    "heldout7": "4c6b26dc", "heldout8": "7d27350d", "heldout9": "a754e453", "heldout10": "144bddf9",
    "heldout11": "a850d173", "heldout12": "cf5e0d05", "heldout13": "a83f8f5", "heldout14": "0c674c2",
    "heldout15": "6b4a541", "heldout16": "a92330e", "heldout17": "6fb78ef", "heldout18": "c90d2ef",
    "heldout19": "e96dd02", "heldout20": "6fde97c", "heldout21": "17e013f", "heldout24": "855f4d6",
    "heldout25": "b1ed2dd", "heldout22": "ebf4dad", "heldout23": "962d879", "heldout26": "0d4afbf",
    "heldout27": "861b5b5", "heldout28": "6af57c4", "heldout29": "2b15a16", "heldout29b": "288518a",
    "heldout30b": "da8e572", "heldout31b": "6d94bd4", "heldout32": "4ad9bcc", "heldout35": "c453910",
    "heldout36": "2c50f51", "heldout37": "720b04e", "heldout38": "8d10f49", "heldout39": "940a6e7",
    "heldout40": "5d117fe", "heldout41": "1760fb3", "heldout42": "769f48f", "heldout43": "8f0c745",
    "heldout47": "d0e4a71", "heldout48": "946cca2", "heldout44": "56d6d6d", "heldout50": "cf3db6c",
    "heldout51": "d695e5a", "heldout52": "8e3047a", "heldout53": "6ed7a3e", "heldout54": "dd97a8f",
    "heldout55": "2c418e0", "heldout56": "9c1c527", "heldout57": "0a7180b", "heldout58": "bb3b424",
    "heldout59": "2bfc0fe", "heldout60": "1dafc9b", "heldout61": "76ce74f", "heldout62": "7b97b88",
    "heldout63": "7b97b88", "heldout64": "f0dfda3", "heldout65": "f0dfda3", "heldout66": "cfb36b89",
    "heldout67": "1367445f", "heldout68": "f8aaffeb", "heldout69": "2a8418c", "heldout70": "2a8418c",
    "heldout70b": "a2b76cc", "heldout71": "3a6e20a", "heldout72": "7128a0e", "heldout71b": "7128a0e",
    "heldout71c": "a3fdd45", "heldout75": "aa3dd1d", "heldout76": "aa3dd1d", "heldout73": "2d8660f",
    "heldout74": "2d8660f", "heldout73b": "b04601f2", "heldout77": "206851d", "heldout78": "206851d",
    "heldout79": "bf117ea", "heldout80": "bf117ea", "heldout83": "f47d670", "heldout84": "f47d670",
    "heldout83b": "0b483ea", "heldout84b": "0b483ea", "heldout81": "883d8f3", "heldout82": "883d8f3",
    "heldout81b": "b2c702c", "heldout82b": "b2c702c", "heldout82c": "d2c2b1d", "heldout81c": "c093636",
    "heldout82d": "c093636", "heldout87": "c062565", "heldout88": "c062565", "heldout88b": "cabad7a",
    "heldout85": "b940d7e", "heldout86": "b940d7e", "heldout85b": "695536e", "heldout86b": "695536e",
    "heldout92": "6c3edea", "heldout92b": "539d40a", "heldout89": "b042753", "heldout90": "b042753",
    "heldout90b": "26436c1", "heldout94": "0c9eb11", "heldout94b": "9d2a9a7", "heldout93": "5ab78aa",
    "heldout93b": "5b25034", "heldout96": "e3d0795", "heldout96b": "5a046af", "heldout95": "59af3c2",
    "heldout95b": "9c360b8", "heldout97": "4af7747", "heldout97b": "e89692e", "heldout98": "6338cc1",
    "heldout98b": "836bfcd", "heldout99": "a48df6f", "heldout99b": "7d97359", "heldout100": "75e6b30",
    "heldout100b": "a2944f6", "heldout101": "24a39c9", "heldout101b": "23bb952", "heldout102": "06b2d6b5",
    "heldout102b": "38038033", "heldout103": "572ef8de", "heldout104": "07c00afc", "heldout105": "10df5ab1",
    "heldout106": "8ac1ed40", "heldout107": "10ebbe0a", "heldout108": "99806f7d", "heldout109": "814c6b29",
    "heldout110": "6df54d05", "heldout112": "853ecff4", "heldout115": "1f93ed8c",
}

# The rule, fixed before any document was scored. A document is OFFICIAL when its file carries the form of the
# document as issued (a "Số: N/…" line or the national motto). Otherwise it is a REPORT when its manifest row calls
# it a report or a quotation, or names a newspaper, a digest or a bulletin as its carrier, or its source is a
# newspaper's site. Otherwise it is OFFICIAL when the row names the document by its symbol ("Công văn 1394/UBND-VX",
# "Kế hoạch …/KH-MTTQ-BTT") or opens with its kind ("Thông báo of the Government Office, …", "văn bản của UBND …"):
# its text, whole or cut, from a portal, a legal-text site, a PDF or a repository copy; a row "the same …" takes the
# class of the row above. What is left names no document — a leader's words at a meeting, "chỉ đạo của …", an
# answer to voters — and is someone's account of it: REPORT.
_ISSUED_FORM = re.compile(r"^\s*(Số|SỐ)\s*:\s*\S*\d|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|"
                          r"CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", re.MULTILINE)
_REPORT_WORDS = re.compile(r"report|quot|newspaper|digest|bulletin", re.IGNORECASE)
_SYMBOL = re.compile(r"(?:\d+|…|\(unnumbered\))/[^\W\d]")
_KIND = re.compile(r"\s*(?:Công văn|Công điện|Quyết định|Chỉ thị|Kế hoạch|Thông báo|Nghị quyết|Văn bản|Tờ trình)\b",
                   re.IGNORECASE)
_NEWS_HOST = re.compile(r"//(?:www\.|m\.|beta\.)?(?:bao[\w-]*|dantri|vnexpress|thanhnien|tuoitre|vietnamplus|"
                        r"cand|plo|nld|tienphong|vneconomy|cafeland|baomoi|laodong|vov|vtv|sggp|nhandan|kinhtedothi|nghean24h|"
                        r"moitruong|vietnamnet|znews|zingnews|congly|dangcongsan|qdnd|hanoimoi|vtc|nongnghiep|"
                        r"nongnghiepmoitruong|thoibaotaichinhvietnam|vnmedia|doisongphapluat|giaoducthoidai|"
                        r"kienthuc|tinnhanhchungkhoan|daibieunhandan|xaydungchinhsach|cafef|daidoanket|nguoihanoi|"
                        r"thanhnienonline|gialaitv|huengaynay|danviet)\.(?!\S*gov\.vn)")
_ROW = re.compile(r"^\| (heldout\w*/\S+\.(?:txt|docx)) \|([^|]*)\|([^|]*)\|")


def classify(document: str, source: str, text: str) -> tuple[str, str]:
    """(class, why) of one document by the rule above, from its manifest row's cells and its text."""
    if form := _ISSUED_FORM.search(text):
        return OFFICIAL, f"issued form in the file: {form.group(0).strip()[:40]!r}"
    if words := _REPORT_WORDS.search(document):
        return REPORT, f"the row says {words.group(0)!r}"
    if host := _NEWS_HOST.search(source):
        return REPORT, f"a newspaper's site: {host.group(0)[2:]}"
    if symbol := _SYMBOL.search(document):
        return OFFICIAL, f"the row names the document by its symbol ({symbol.group(0)}…), no report named"
    if kind := _KIND.match(document):
        return OFFICIAL, f"the row names the document by its kind ({kind.group(0).strip()}), no report named"
    return REPORT, "the row names no document, only whose words they are"


def write_classes(path: Path = CLASSES) -> int:
    """Classes every held-out document of the manifest into `path` (classes.csv); the number written."""
    rows: list[tuple[str, str, str, str]] = []
    for line in (CORPUS / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if (found := _ROW.match(line)) and (CORPUS / found.group(1)).exists():
            kind, why = classify(found.group(2), found.group(3), read_text(CORPUS / found.group(1)))
            if found.group(2).strip().startswith("the same") and why.startswith("the row names no"):
                kind, why = rows[-1][2], "the row is 'the same' document as the row above"
            rows.append((found.group(1), found.group(1).split("/")[0], kind, why))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("file", "batch", "class", "why"))
        writer.writerows(rows)
    return len(rows)


# Run in a subprocess whose sys.path starts with the commit's engine: the proposals of each document as JSON.
_WORKER = """
import dataclasses, json, sys
from datetime import date
from pathlib import Path
import engine
from engine.proposals.extract import propose
from engine.proposals.units import UnitMatcher, UnitRef
assert engine.__file__.startswith(sys.path[0]), engine.__file__   # the commit's engine, not today's
job = json.load(sys.stdin)
names = {f.name for f in dataclasses.fields(UnitRef)}
matcher = UnitMatcher([UnitRef(**{k: v for k, v in u.items() if k in names}) for u in job["units"]])
out = []
for doc in job["documents"]:
    path = Path(doc["path"])
    if path.suffix == ".docx":
        from engine.proposals.reading import read_document
        text = read_document(path.read_bytes(), path.name).text
    else:
        text = path.read_text("utf-8")
    found = propose(text, matcher, date.fromisoformat(doc["issued_on"]))
    out.append([{"content": p.content, "source": p.source, "lead_units": list(p.lead_units),
                 "kind": p.deadline.kind, "due": p.deadline.due.isoformat() if p.deadline.due else None,
                 "day": getattr(p.deadline, "day", None), "days": getattr(p.deadline, "days", None)}
                for p in getattr(found, "proposals", found)])
json.dump(out, sys.stdout)
"""


def _checkout(commit: str, into: Path) -> list[dict]:
    """engine/ of `commit` unpacked into `into`; the units.json of the corpus at that commit."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "engine"], check=True, capture_output=True)
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    units = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:bench/extraction/corpus/units.json"],
                           check=True, capture_output=True)
    return json.loads(units.stdout)


def replay(commit: str, documents: list[dict]) -> tuple[list[UnitRef], list[list[Proposal]]]:
    """The units and each document's proposals as the engine of `commit` makes them."""
    with tempfile.TemporaryDirectory(prefix="firstrun-") as folder:
        units = _checkout(commit, Path(folder))
        job = {"units": units, "documents": [{"path": str(CORPUS / d["file"]), "issued_on": d["issued_on"]}
                                             for d in documents]}
        done = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {folder!r})\n{_WORKER}"],
                              input=json.dumps(job), capture_output=True, text=True, cwd=folder, check=True)
    refs = [UnitRef(code=u["code"], name=u["name"], kind=u["kind"]) for u in units]
    return refs, [[Proposal(p["content"], p["source"], p["lead_units"], deadline=ProposedDeadline(
        p["kind"], date.fromisoformat(p["due"]) if p["due"] else None, p["day"], p["days"])) for p in found]
        for found in json.loads(done.stdout)]


def _counts(score: Score) -> str:
    return (f"{score.matched} of {score.proposed} proposals, lead {score.right_lead}, deadline {score.right_deadline}, "
            f"both {score.right_both} of {score.gold} tasks")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction.firstrun", description=__doc__.splitlines()[0])
    parser.add_argument("--classify", action="store_true", help="rewrite classes.csv by the rule, then score")
    parser.add_argument("--verbose", action="store_true", help="print each batch's row by class")
    args = parser.parse_args()
    if args.classify:
        print(f"classes.csv: {write_classes()} documents")
    with CLASSES.open(encoding="utf-8") as source:
        classes = {row["file"]: row["class"] for row in csv.DictReader(source)}
    annotations = json.loads((CORPUS / "annotations.json").read_text(encoding="utf-8"))
    pooled: dict[str, Score] = defaultdict(Score)
    counts: dict[str, int] = defaultdict(int)
    for batch, commit in FIRST_RUNS.items():
        documents = annotations[batch]
        units, proposals = replay(commit, documents)
        batch_score: dict[str, Score] = defaultdict(Score)
        for doc, found in zip(documents, proposals, strict=True):
            score = Score()
            score_proposals(doc, found, units, score)
            for name in (classes[doc["file"]], "both"):
                pooled[name].add(score)
                batch_score[name].add(score)
                counts[name] += 1
        if args.verbose:
            for name, score in sorted(batch_score.items()):
                print(f"{batch}@{commit} {name}: {_counts(score)}")
    print(f"{'class':<10} {'tasks':>5} {'proposed':>9} {'precis.':>7} {'recall':>7} {'lead':>7} "
          f"{'deadline':>7} {'lead+dl':>7}")
    for name in (OFFICIAL, REPORT, "both"):
        score = pooled[name]
        print(score.line(f"{name} ({counts[name]})"), f"  [{_counts(score)}]")


if __name__ == "__main__":
    main()

"""`python -m bench.extraction` runs on its corpus and prints a line per set: on the first document
of each set (`--first 1`; the whole corpus, 674 documents, is the bench's run, not the suite's),
which reads .docx files too (heldout68's first one is)."""
import json
import re

from tests.benchrun import run_bench
from tests.conftest import REPO_ROOT


def test_the_extraction_bench_prints_its_figures():
    out = run_bench("bench.extraction", "--first", "1", timeout=300)
    lines = [line for line in out.splitlines() if line.startswith(("real", "heldout", "synthetic", "all real"))]
    annotated = json.loads((REPO_ROOT / "bench/extraction/corpus/annotations.json").read_text(encoding="utf-8"))
    sets = [name for name in annotated if not name.startswith("_")]
    assert sets[:3] == ["real", "heldout", "synthetic"] and len(sets) >= 14  # held-out batches up to heldout12
    assert [line.split()[0] for line in lines] == [*sets, "all"]
    assert all(" (1) " in line for line in lines[:-1]) and lines[-1].count("%") == 5
    for line in lines:  # five figures; "–" only where nothing was proposed (precision) or no task is gold
        gold, proposed, *figures = re.findall(r"\b\d+\.\d %|–|\b\d+\b", line.split(")", 1)[1])
        assert len(figures) == 5, line
        assert [figure == "–" for figure in figures] == [proposed == "0"] + [gold == "0"] * 4, line
    # the pooled row adds up the sets of real documents (all but the synthetic one)
    rows = {line.split(" (")[0]: line.split(")")[1].split() for line in lines}
    real = [int(row[0]) for name, row in rows.items() if name not in {"synthetic", "all real"}]
    assert int(rows["all real"][0]) == sum(real)

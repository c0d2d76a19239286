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


def test_the_variants_bench_rewrites_each_text_as_a_pdf_or_word_gives_it_and_counts_the_documents_changed():
    from bench.extraction.variants import bulleted, rebroken

    line = "Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát kế hoạch vốn của các dự án chậm giải ngân."
    assert [len(part) <= 80 for part in rebroken(line).split("\n")] == [True, True]
    assert rebroken(line).replace("\n", " ") == line
    assert rebroken("1\tRà soát\t" + line) == "1\tRà soát\t" + line   # a table's row is kept whole
    # an item's dash, not a name's or a span's broken at its dash, nor a number's put on the next line
    text = "Giao Sở Tài chính:\n- Rà soát vốn;\n- Báo cáo giai đoạn 2026\n- 2030.\n3\n- UBND các huyện:\n"
    assert bulleted(text) == ("Giao Sở Tài chính:\n• Rà soát vốn;\n• Báo cáo giai đoạn 2026\n- 2030.\n3\n"
                              "- UBND các huyện:\n")
    out = run_bench("bench.extraction.variants", "--first", "1", timeout=300)
    assert re.fullmatch(r"bulleted: \d+ of \d+ documents' proposals changed\n"
                        r"rebroken: \d+ of \d+ documents' proposals changed\n", out)

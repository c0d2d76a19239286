"""`python -m bench.extraction` runs on its corpus and prints a line per set."""
import subprocess
import sys

from tests.conftest import REPO_ROOT


def test_the_extraction_bench_prints_its_figures():
    out = subprocess.run([sys.executable, "-m", "bench.extraction"], cwd=REPO_ROOT, capture_output=True,
                         text=True, check=True, timeout=120).stdout
    lines = [line for line in out.splitlines() if line.startswith(("real", "heldout", "synthetic"))]
    assert [line.split()[0] for line in lines] == ["real", "heldout", "synthetic", "heldout2", "heldout3", "heldout4",
                                                  "heldout5"]
    assert all(line.count("%") == 5 for line in lines)

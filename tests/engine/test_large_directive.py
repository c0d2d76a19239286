"""Which rulesets read "a large directive" into numbers (shown on the register form)."""
import pytest

from engine.config import REPO_ROOT
from engine.directives.service import LargeDirectiveReading, large_directive_reading
from engine.rulesets.loader import read_ruleset


@pytest.mark.parametrize(("ruleset", "reading"), [
    ("dak-lak", LargeDirectiveReading(assignments=3, units=3, days=5, ordinary_days=2)),  # Đ.7 k.1
    ("can-tho", None), ("quynh-nhai", None), ("bac-lieu", None), ("gia-lai-stttt", None),  # one limit for all
])
def test_only_dak_lak_has_a_longer_limit_for_large_directives(ruleset, reading):
    assert large_directive_reading(read_ruleset(REPO_ROOT / "processes", ruleset).settings) == reading

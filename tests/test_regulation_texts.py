"""docs/regulations/ holds the text of each regulation a ruleset implements, and the articles a
ruleset's settings cite are articles of its text (docs/regulations/README.md)."""
from __future__ import annotations

import re
import tomllib

import pytest

from tests.conftest import REPO_ROOT

TEXTS = {"bac-lieu": "bac-lieu-province-2015.txt", "dak-lak": "dak-lak-province-2016.txt",
         "can-tho": "can-tho-city-2020.md", "quynh-nhai": "quynh-nhai-district-2015.txt",
         "gia-lai-stttt": "gia-lai-stttt-department-2017.md"}
# a citation of another text: "Đắk Lắk Đ.7", "QĐ 42/2014 Đ.5", "(Cần Thơ: Đ.5 k.1)"
OTHER_TEXT = re.compile(r"(Bạc Liêu|Đắk Lắk|Cần Thơ|Quỳnh Nhai|Gia Lai|QĐ \d+/\d+|NĐ \d+/\d+|Luật [^,;)]*)[:,]? *$")


def _own_articles(ruleset: str) -> set[int]:
    """The article numbers the ruleset's settings cite as its own (Đ.N with no other text named before)."""
    cited = set()
    for line in (REPO_ROOT / "processes" / ruleset / "ruleset.toml").read_text(encoding="utf-8").splitlines():
        for match in re.finditer(r"Đ\.(\d+)", line):
            if not OTHER_TEXT.search(line[max(0, match.start() - 30):match.start()]):
                cited.add(int(match.group(1)))
    return cited


@pytest.mark.parametrize("ruleset", sorted(TEXTS))
def test_each_rulesets_text_is_shipped_and_holds_the_articles_its_settings_cite(ruleset):
    text = (REPO_ROOT / "docs" / "regulations" / TEXTS[ruleset]).read_text(encoding="utf-8")
    settings = tomllib.loads((REPO_ROOT / "processes" / ruleset / "ruleset.toml").read_text(encoding="utf-8"))
    number = settings["regulation"].split()[-1].split("/")[0]
    assert re.search(rf"\b{number}\s*/", text), settings["regulation"]
    articles = {int(n) for n in re.findall(r"^\W*Điều (\d+)\b", text, re.M)}
    assert _own_articles(ruleset) and _own_articles(ruleset) <= articles, _own_articles(ruleset) - articles


def test_the_readme_names_every_text():
    readme = (REPO_ROOT / "docs" / "regulations" / "README.md").read_text(encoding="utf-8")
    assert all(f"]({name})" in readme for name in TEXTS.values())
    assert {p.name for p in (REPO_ROOT / "docs" / "regulations").iterdir()} == {*TEXTS.values(), "README.md"}

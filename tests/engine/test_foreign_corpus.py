"""Every file of the foreign corpus (tests/fixtures/foreign, sources in MANIFEST.toml) goes
through the `ruleset check` code path alone: no traceback, accepted or refused as the manifest
says, every problem at an element and a line, every message a translated msgid."""
from __future__ import annotations

import tomllib

import pytest
from babel.messages.pofile import read_po

from engine.rulesets.errors import RulesetError
from engine.rulesets.loader import compile_bundle, read_ruleset
from tests.fixtures import FIXTURES

CORPUS = FIXTURES / "foreign"
MANIFEST = tomllib.loads((CORPUS / "MANIFEST.toml").read_text(encoding="utf-8"))["file"]
SETTINGS = 'id = "foreign"\nname = "Tệp từ công cụ khác"\nregulation = "—"\nlevel = "province"\n'
CATALOGUE = FIXTURES.parents[1] / "webui" / "modeler" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def test_the_manifest_lists_every_corpus_file_with_its_source_and_licence():
    assert {entry["name"] for entry in MANIFEST} == {p.name for p in CORPUS.iterdir()} - {"MANIFEST.toml"}
    assert all(entry["repo"] and len(entry["commit"]) == 40 and entry["licence"] for entry in MANIFEST)
    assert 40 <= len(MANIFEST) <= 80


@pytest.fixture(scope="module")
def translated() -> set[str]:
    with CATALOGUE.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id and m.string}


@pytest.mark.parametrize("entry", MANIFEST, ids=[entry["name"] for entry in MANIFEST])
def test_a_foreign_file_is_accepted_or_refused_as_the_manifest_says(entry, tmp_path, translated):
    ruleset = tmp_path / "foreign"
    ruleset.mkdir()
    (ruleset / "ruleset.toml").write_text(SETTINGS, encoding="utf-8")
    (ruleset / entry["name"]).write_bytes((CORPUS / entry["name"]).read_bytes())
    try:
        compile_bundle(read_ruleset(tmp_path, "foreign"))
    except RulesetError as exc:
        assert entry["outcome"] == "refused", str(exc)
        first = exc.problems[0]
        assert (first.element or "", first.line, first.message) == (entry["element"], entry["line"], entry["message"])
        assert first.params.get("detail") == entry.get("detail", first.params.get("detail"))
        assert all(p.element and p.line for p in exc.problems), str(exc)
        assert all(p.message in translated for p in exc.problems), str(exc)  # every one said in Vietnamese
        # each told where it is by kind and name or the named element it follows (ids such as
        # "Gateway_0x7f3k2" tell a modeller nothing); one element told once
        assert all(p.place.get("kind") for p in exc.problems), str(exc)
        assert len({(p.element, p.text) for p in exc.problems}) == len(exc.problems), str(exc)
    else:
        assert entry["outcome"] == "accepted"

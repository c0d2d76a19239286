"""Decision tables as a process admin sees them (engine/rulesets/decisions.py): every cell is
checked as SpiffWorkflow runs it, a problem names the rule and the column, and a new version's
changes read by rule and column."""
from __future__ import annotations

import pytest
from lxml import etree

from engine.config import REPO_ROOT
from engine.rulesets import decisions
from engine.rulesets.diff import diff_files
from engine.rulesets.errors import RulesetError
from engine.rulesets.loader import SAFE_XML, BundleSource, compile_bundle, read_ruleset

PATH = "registration_deadline.dmn"
TABLE = (REPO_ROOT / "processes" / "common" / PATH).read_text(encoding="utf-8")
NORMAL_DAYS = '<outputEntry id="rule_normal_days"><text>setting("deadlines.registration")</text>'


def cell(entry_id: str, text: str, xml: str = TABLE) -> str:
    """`xml` with the text of the cell `entry_id` replaced."""
    tree = etree.fromstring(xml.encode("utf-8"), SAFE_XML)
    tree.xpath("//*[@id=$id]/*[local-name()='text']", id=entry_id)[0].text = text
    return etree.tostring(tree, encoding="unicode")


def lint(xml: str) -> list:
    return decisions.lint(PATH, etree.fromstring(xml.encode("utf-8"), SAFE_XML))


@pytest.mark.parametrize("text", ["-", "", '"flash"', ">= 3", 'in ["flash", "very_urgent"]', "? > 2 and ? < 9",
                                  '? in setting("registration.urgent_levels", [])', 'not ? in ("x", "y")'])
def test_input_cells_spiffworkflow_reads_are_accepted(text):
    assert lint(cell("rule_normal_urgency", text)) == []


def test_a_bad_cell_is_named_by_rule_and_column_once():
    source = read_ruleset(REPO_ROOT / "processes", "dak-lak")
    xml = cell("rule_normal_days", 'setting("deadlines.registration"', cell("rule_many_units_units", ">= = 3"))
    with pytest.raises(RulesetError) as refused:
        compile_bundle(BundleSource(source.ruleset, {**source.files, PATH: xml}, source.settings))
    problems = {p.element: p for p in refused.value.problems if p.file == PATH}
    assert set(problems) == {"rule_normal_days", "rule_many_units_units"}  # not SpiffWorkflow's repeat
    normal = problems["rule_normal_days"]
    assert normal.message == "Rule %(rule)s, column %(column)s: %(detail)s"
    assert normal.params == {"rule": "«Thông thường»", "column": "Số ngày làm việc",
                             "detail": "syntax error at line 1: '(' was never closed"}
    assert problems["rule_many_units_units"].params["column"] == "Số cơ quan, đơn vị được giao"


def test_an_input_expression_and_an_import_are_refused_at_their_column_and_cell():
    xml = cell("rule_urgent_from", "__import__('os')", TABLE.replace("<text>urgency</text>", "<text>urgency +</text>"))
    found = {(p.element, p.message) for p in lint(xml)}
    assert ("input_urgency", "Column %(column)s, input expression: %(detail)s") in found
    assert any(element == "rule_urgent_from" for element, _ in found)


def test_aggregating_hit_policies_are_refused():
    xml = TABLE.replace('hitPolicy="FIRST"', 'hitPolicy="COLLECT" aggregation="SUM"')
    [problem] = lint(xml)
    assert problem.element == "registration_deadline_table" and problem.params == {"aggregation": "SUM"}


def changes(after: str, before: str = TABLE) -> list[tuple[str, dict]]:
    [file] = diff_files({PATH: before}, {PATH: after})
    assert not (file.added or file.removed or file.changed)  # the words replace the element list
    return [(c.message % c.params, c.kind) for c in file.table]


def test_a_changed_cell_reads_as_rule_column_before_and_after():
    assert changes(TABLE.replace(NORMAL_DAYS, '<outputEntry id="rule_normal_days"><text>3</text>')) == [
        ('Rule «Thông thường», Số ngày làm việc: setting("deadlines.registration") → 3', "changed")]


def test_rules_and_columns_added_removed_moved_and_renamed_read_in_words():
    tree = etree.fromstring(TABLE.encode("utf-8"), SAFE_XML)
    table = tree.xpath("//*[local-name()='decisionTable']")[0]
    rules = table.xpath("*[local-name()='rule']")[1:]  # after the imported register's rule, which stays first
    rules[3].xpath("*[local-name()='description']")[0].text = ""  # the normal rule is then named by number
    table.remove(rules[1])
    table.insert(table.index(rules[0]), rules[2])  # the "many units" rule now comes first
    table.set("hitPolicy", "UNIQUE")
    table.xpath("*[@id='output_days']")[0].set("label", "Số ngày")
    text = cell("rule_normal_days", "3", etree.tostring(tree, encoding="unicode"))
    assert changes(text) == [
        ("Hit policy: FIRST → UNIQUE", "changed"),
        ("Column Số ngày làm việc renamed: Số ngày làm việc → Số ngày", "changed"),
        ("Rule «Nhiều nhiệm vụ (registration.complex_assignments)» removed", "removed"),
        ("Rule «Liên quan nhiều cơ quan, đơn vị (registration.complex_units)» moved: row 4 → 2", "changed"),
        ("Rule «Hỏa tốc / phải thực hiện ngay (registration.urgent_levels)» moved: row 2 → 3", "changed"),
        ("Rule «Thông thường», description: Thông thường → —", "changed"),
        ('Rule 4, Số ngày: setting("deadlines.registration") → 3', "changed")]
    assert changes(TABLE, text)[2] == (
        "Rule «Nhiều nhiệm vụ (registration.complex_assignments)» added: Độ khẩn: -; Số nhiệm vụ: "
        '? >= setting("registration.complex_assignments", 1000); Số cơ quan, đơn vị được giao: -; '
        "Nhập từ sổ theo dõi: -; Tính từ ngày: "
        'issued_on; Số ngày làm việc: setting("deadlines.registration_complex", setting("deadlines.registration"))',
        "added")


def test_formatting_and_comments_are_no_change_in_the_table():
    reformatted = TABLE.replace("<!--", "<!-- dmn-js drops comments;").replace("<text>-</text>", "<text> - </text>")
    [file] = diff_files({PATH: TABLE}, {PATH: reformatted})
    assert file.table == [] and not (file.added or file.removed or file.changed)

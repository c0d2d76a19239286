"""The schema of ruleset.toml: every key it allows is documented and read by code, the shipped
rulesets pass it, and a misspelt key or a wrongly typed value is refused naming the file,
the table and the key — at `dondoc ruleset check` as at load."""
from __future__ import annotations

import ast
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.config import REPO_ROOT
from engine.features import discover
from engine.rulesets.errors import RulesetError
from engine.rulesets.loader import compile_bundle, read_ruleset
from engine.rulesets.settings import SETTINGS_SCHEMA, check_settings, ruleset_schema
from engine.runtime.models import WorkItem
from tests.fixtures import PROCESSES
from tests.processes import drive

discover()  # the features declare their tables
SHIPPED = sorted(path.parent.name for path in (REPO_ROOT / "processes").glob("*/ruleset.toml"))
# A setting read in a diagram: setting("a.b", …), as the XML spells the quotes.
_SETTING_CALL = re.compile(r"""setting\((?:"|'|&quot;|&#34;)([a-z_.]+)""")
# Tables whose keys are free names: the regulation's words for forms, the lane names.
OPEN_TABLES = ("terminology", "body_terminology", "lanes")
# The file's identity: required and checked, shown only in the modeler's settings form (docs/rulesets.md says
# so); `id` is read.
IDENTITY = ("name", "regulation", "level")


def schema_keys() -> set[str]:
    """"table.key" for every key of every table the schema allows; "key" for top-level values."""
    keys = set()
    for name, schema in ruleset_schema()["properties"].items():
        table = schema.get("items", schema)
        if table.get("type") == "object" and name not in OPEN_TABLES:
            keys |= {f"{name}.{key}" for key in table["properties"]}
        else:
            keys.add(name)
    return keys


def keys_read_by_code() -> set[str]:
    """Dotted paths read in the diagrams and by get_path/setting in Python, plus "table.key" for
    each `.get("key")` / `["key"]` in Python files that also read `table` by name."""
    read = set()
    for path in (REPO_ROOT / "processes").rglob("*"):
        if path.suffix in (".bpmn", ".dmn"):
            read |= set(_SETTING_CALL.findall(path.read_text(encoding="utf-8")))
    for root in ("engine", "webui"):
        for path in (REPO_ROOT / root).rglob("*.py"):
            read |= _python_reads(ast.parse(path.read_text(encoding="utf-8")))
    return read


def _python_reads(tree: ast.AST) -> set[str]:
    literals, paths, purposes = set(), set(), set()
    constants = {target.id: node.value.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.Constant) for target in node.targets if isinstance(target, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            literals.add(node.slice.value)
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
        if name == "get" and texts:
            literals.add(texts[0])
        elif name in ("get_path", "setting") and texts:
            paths.add(texts[0])
        elif name == "start" and len(node.args) > 2:  # runtime.start(session, bundle, purpose, …)
            purpose = node.args[2]
            purposes.add(getattr(purpose, "value", None) or constants.get(getattr(purpose, "id", "")))
    names = set(ruleset_schema()["properties"])
    tables = {value for value in literals if value in names}
    return (paths | {f"{table}.{key}" for table in tables for key in literals if isinstance(key, str)} | tables
            | {f"processes.{purpose}" for purpose in purposes if purpose})


def test_every_key_the_schema_allows_is_read_by_code():
    unread = schema_keys() - keys_read_by_code() - set(IDENTITY)
    assert not unread, f"allowed by the schema, read by nothing: {sorted(unread)}"


def test_every_key_the_schema_allows_is_documented():
    text = (REPO_ROOT / "docs" / "rulesets.md").read_text(encoding="utf-8")
    table = text.split("### `ruleset.toml` keys", 1)[1].split("\n## ", 1)[0]
    rows = {re.sub(r"[\[\]`]", "", line.split("|")[1]).strip(): line for line in table.splitlines()
            if line.startswith("| `")}
    def documented(key: str) -> bool:
        section, _, name = key.rpartition(".")
        if not section:  # a top-level key or open table is the head of its row
            return any(name in head.split(", ") for head in rows)
        return section in rows and f"`{name}`" in rows[section]

    undocumented = sorted(key for key in schema_keys() if not documented(key))
    assert not undocumented, f"allowed by the schema, not in docs/rulesets.md: {undocumented}"


@pytest.mark.parametrize("ruleset", SHIPPED)
def test_the_shipped_rulesets_pass_the_schema(ruleset):
    settings = tomllib.loads((REPO_ROOT / "processes" / ruleset / "ruleset.toml").read_text(encoding="utf-8"))
    assert check_settings(settings) == []
    read = keys_read_by_code()
    unread = [f"{table}.{key}" for table, value in settings.items() if isinstance(value, dict)
              and table not in OPEN_TABLES for key in value if f"{table}.{key}" not in read]
    assert not unread, f"{ruleset}/ruleset.toml sets keys no code reads: {unread}"


def _mini_with(tmp_path: Path, extra: str) -> Path:
    """The fixture ruleset 'mini' plus `extra` TOML."""
    root = tmp_path / "processes"
    shutil.copytree(PROCESSES, root)
    settings = root / "mini" / "ruleset.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root


MISTAKES = [
    ("[reminders]\nfirst_updte = 3\n", "mini/ruleset.toml [reminders]: unknown key 'first_updte'"),
    ("[reminder]\nbefore_deadline = [3, 1]\n", "mini/ruleset.toml: unknown table or key 'reminder'"),
    ('[deadlines]\nregistration = "two"\n', "mini/ruleset.toml [deadlines.registration]: must be a whole number, "
                                            "not 'two'"),
    ('[closing]\nmode = "auto"\n', "mini/ruleset.toml [closing.mode]: 'auto' is not one of office_review"),
    ("[[report_calendar]]\nperiod = \"monthly\"\nsender = \"unit\"\nday = 5\nmonthh = 1\n",
     "mini/ruleset.toml [report_calendar[1]]: unknown key 'monthh'"),
    # an office step's recipients are of the record's body: its office, its leader (engine.urging.steps)
    ('[reminders.recipients]\nstep_escalation = ["unit_officer"]\n',
     "mini/ruleset.toml [reminders.recipients.step_escalation[1]]: 'unit_officer' is not one of"),
    ("[reminders]\noffice_escalate_after = 0\n",
     "mini/ruleset.toml [reminders.office_escalate_after]: must be at least 1, not 0"),
]


@pytest.mark.parametrize("extra, problem", MISTAKES)
def test_a_misspelt_key_or_a_wrong_type_is_refused_naming_file_table_and_key(tmp_path, extra, problem):
    with pytest.raises(RulesetError) as refused:
        compile_bundle(read_ruleset(_mini_with(tmp_path, extra), "mini"))
    assert any(str(p).startswith(problem) for p in refused.value.problems), str(refused.value)


def test_ruleset_check_refuses_an_unknown_key_and_a_wrong_type(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from webui.cli import cli

    root = _mini_with(tmp_path, '[reminder]\nx = 1\n[deadlines]\nregistration = "two"\n')
    monkeypatch.setenv("DONDOC_PROCESSES_DIR", str(root))
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    result = CliRunner().invoke(cli, ["ruleset", "check", "mini"])
    assert result.exit_code == 1
    assert "mini/ruleset.toml: unknown table or key 'reminder'" in result.stderr
    assert "mini/ruleset.toml [deadlines.registration]: must be a whole number, not 'two'" in result.stderr


def test_a_table_with_wrong_types_is_not_checked_further():
    """The feature's own check reads values of the right type only (no crash, one problem)."""
    problems = check_settings({"report_calendar": ["not a table"]})
    assert [str(p) for p in problems if p.element and p.element.startswith("report_calendar")] == [
        "ruleset.toml [report_calendar[1]]: must be a table, not 'not a table'"]


def test_a_ruleset_offering_inspections_must_give_the_report_deadline():
    settings = tomllib.loads((REPO_ROOT / "processes" / "dak-lak" / "ruleset.toml").read_text(encoding="utf-8"))
    del settings["deadlines"]["inspection_report"]
    assert [p.message for p in check_settings(settings)] == [
        "The deadline of the inspection results report is required when the ruleset has inspections: the process "
        "dates the report (where the regulation sets no number, give the one used and say so in a comment)."]


def test_paper_reports_need_the_separate_register():
    settings = {"secrecy": {"register": "none", "paper_report": ["quarterly"]}}
    assert any(p.element == "secrecy" and "need the separate register" in p.message
               for p in check_settings(settings))


def test_two_features_cannot_declare_one_key():
    from engine.rulesets.settings import settings_schema

    with pytest.raises(ValueError, match="declared twice"):
        settings_schema("deadlines", {"registration": {"type": "integer"}})
    assert "registration" in SETTINGS_SCHEMA["deadlines"]["properties"]


@pytest.fixture
def engine(database_url, clock, tmp_path):
    """The common processes on a ruleset whose regulation sets no registration deadline."""
    eng = drive.ruleset_engine(database_url, clock, tmp_path, "[progress]\nblocked_status = false\n")
    yield eng
    eng.close()


def test_no_registration_number_means_no_due_date(loaded, org_tree):
    """An absent `deadlines.registration` is none: classifying has no due date (it was 2 working days)."""
    from engine.directives import service as directives

    raw = {"symbol": drive.SYMBOL, "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "summary": "Về việc thử"}
    directives.register(loaded, raw, [{"content": "Việc", "lead_unit": "STC"}], org_tree["clerk"])
    with loaded.db.session() as s:
        classify = s.scalars(select(WorkItem).where(WorkItem.element_id == "classify")).one()
        assert classify.status == "ready" and classify.due_at is None

"""A broken ruleset is refused with file + element + what is wrong, and nothing of it is kept."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.config import REPO_ROOT
from engine.rulesets.errors import RulesetError
from engine.rulesets.loader import compile_bundle, read_ruleset
from engine.rulesets.models import ProcessBundle
from tests.conftest import make_engine
from tests.fixtures import BROKEN, PROCESSES, broken_processes, processes_with

# case -> (line of the problem, element id, words the message must contain)
CASES = {
    "malformed": (23, None, "malformed XML: Opening and ending tag mismatch"),
    "unknown_element": (11, "bogus1", "Element bpmn:bogus is not allowed here"),
    "gateway_no_default": (38, "route", "exclusive gateway with several outgoing flows needs a default flow"),
    "call_missing": (33, "compute", "calls process 'nope', which is not in this ruleset"),
    "script_syntax": (36, "compute", "script: syntax error"),
    "condition_syntax": (47, "f_big", "condition: syntax error"),
    "timer_syntax": (27, "remind", "timer expression: syntax error"),
    "import_os": (36, "compute", "import is not allowed"),
    "escape": (36, "compute", '"__class__" is an invalid attribute name'),
    "dunder_import": (36, "compute", '"__import__" is an invalid variable name'),
    "lane_no_role": (14, "enter", "lane 'Phòng không có vai trò' has no role in ruleset.toml [lanes]"),
    "missing_form": (49, "confirm", "form 'no_such_form' not found (forms/no_such_form.toml)"),
    "unknown_urging": (49, "confirm", "property 'urging' may only be 'diagram', not 'timers'"),
    "unknown_operator": (40, "check_unit", "unknown service operator 'fixture.no_such_operator'"),
    "boundary_loop": (25, "remind", "boundary event flows straight back into 'enter': it would fire only once"),
    "operator_parameter": (40, "check_unit", "service operator 'fixture.require_unit': unknown parameter(s) unit_cod"),
}


def test_every_broken_fixture_has_a_case():
    assert {p.stem for p in BROKEN.glob("*.bpmn")} == set(CASES)


def test_the_fixture_ruleset_itself_is_valid():
    bundle = compile_bundle(read_ruleset(PROCESSES, "mini"))
    assert set(bundle.specs) == {"mini"} and set(bundle.forms) == {"enter_value", "confirm"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_ruleset_is_refused_naming_file_element_and_problem(case, tmp_path):
    line, element, words = CASES[case]
    with pytest.raises(RulesetError) as refused:
        compile_bundle(read_ruleset(broken_processes(tmp_path, case), case))
    problem = next(p for p in refused.value.problems if words in p.text)
    assert (problem.file, problem.element, problem.line) == ("mini.bpmn", element, line)
    where = f"mini.bpmn:{line}" if line else "mini.bpmn"
    assert str(problem).startswith(where + (f" [{element}]" if element else "") + ": ")


def test_external_entity_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MAT-KHAU-BI-MAT")
    good = (PROCESSES / "common" / "mini.bpmn").read_text(encoding="utf-8")
    body = good.split("?>", 1)[1].replace("ratio = 100 / divisor", "ratio = '&leak;'")
    xxe = f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY leak SYSTEM "file://{secret}">]>{body}'
    root = processes_with(tmp_path, xxe)
    with pytest.raises(RulesetError) as refused:
        compile_bundle(read_ruleset(root, "mini"))
    assert "DOCTYPE or entity declaration is not allowed" in str(refused.value)
    assert "MAT-KHAU" not in str(refused.value)


def test_nothing_half_loaded_is_stored(database_url, clock, tmp_path):
    root = processes_with(tmp_path, (PROCESSES / "common" / "mini.bpmn").read_text(encoding="utf-8"))
    broken_processes(tmp_path, "escape")
    engine = make_engine(database_url, clock, ruleset="mini", processes_dir=str(root), tmp_path=tmp_path)
    try:
        with pytest.raises(RulesetError), engine.db.session() as s:
            engine.load_ruleset(s, "escape")
        with engine.db.session() as s:
            assert s.scalar(select(func.count()).select_from(ProcessBundle)) == 0
            first = engine.load_ruleset(s)
        assert list(engine.cache._compiled) == [first.id]
        # a broken new version of a ruleset in force keeps the old one in force, untouched
        (root / "mini" / "mini.bpmn").write_text((BROKEN / "missing_form.bpmn").read_text(encoding="utf-8"))
        with pytest.raises(RulesetError, match="no_such_form"), engine.db.session() as s:
            engine.load_ruleset(s)
        with engine.db.session() as s:
            rows = s.scalars(select(ProcessBundle)).all()
            assert [(b.id, b.status) for b in rows] == [(first.id, "published")]
        assert list(engine.cache._compiled) == [first.id]
    finally:
        engine.close()


def test_comments_inside_elements_are_allowed(tmp_path):
    """Admins annotate diagrams; SpiffWorkflow's parsers would fail on a comment in a task."""
    mini = (PROCESSES / "common" / "mini.bpmn").read_text(encoding="utf-8")
    commented = mini.replace("<bpmn:script>", "<!-- why: Đ.7 k.1 --><bpmn:script>", 1)
    assert commented != mini
    compile_bundle(read_ruleset(processes_with(tmp_path, commented), "mini"))


def _return_option(ruleset: str) -> str:
    form = compile_bundle(read_ruleset(REPO_ROOT / "processes", ruleset)).forms["update_progress"]
    return dict(form.field("action").options)["return"]


def test_a_shared_form_speaks_each_ruleset_terms():
    """A unit's return goes to the office, or to the Director in Gia Lai (Đ.5 k.2b): the form says so."""
    assert _return_option("dak-lak").startswith("Chuyển lại Văn phòng UBND tỉnh (")
    assert _return_option("gia-lai-stttt").startswith("Chuyển lại Giám đốc Sở (")


def test_an_unknown_term_in_a_form_is_refused_naming_the_file(tmp_path):
    root = processes_with(tmp_path, (PROCESSES / "common" / "mini.bpmn").read_text(encoding="utf-8"))
    form = root / "common" / "forms" / "confirm.toml"
    form.write_text(form.read_text(encoding="utf-8").replace('title = "', 'title = "{chu_tich} ', 1), encoding="utf-8")
    with pytest.raises(RulesetError) as refused:
        compile_bundle(read_ruleset(root, "mini"))
    [problem] = refused.value.problems
    assert problem.file == "forms/confirm.toml" and "unknown term '{chu_tich}'" in problem.text


def test_a_service_task_missing_a_required_parameter_is_named(tmp_path):
    with pytest.raises(RulesetError) as refused:
        compile_bundle(read_ruleset(broken_processes(tmp_path, "operator_parameter"), "operator_parameter"))
    assert "mini.bpmn:40 [check_unit]: service operator 'fixture.require_unit': missing parameter(s) code" in \
        [str(p) for p in refused.value.problems]

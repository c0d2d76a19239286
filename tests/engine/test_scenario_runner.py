"""The scenario runner (engine/scenarios): a passing file, a failing one whose message names the
file, the step and the expectation, malformed files refused with the line and key in Vietnamese,
and the run's own clock, which never moves the process-wide one."""
from datetime import datetime

import pytest

from engine import clock
from engine.config import REPO_ROOT
from engine.rulesets.loader import BundleSource, read_ruleset
from engine.scenarios.runner import compile_for_scenarios, run_bundle, run_file
from engine.scenarios.spec import ScenarioFileError, parse_scenario

PATH = "scenarios/dang-ky-van-ban.toml"


@pytest.fixture(scope="module")
def dak_lak() -> BundleSource:
    return read_ruleset(REPO_ROOT / "processes", "dak-lak")


def test_a_file_that_holds_passes_and_leaves_the_server_clock_alone(dak_lak):
    server = clock.ManualClock(datetime(2030, 1, 1, 8, 0))
    previous = clock.set_clock(server)
    try:
        result = run_file(dak_lak, PATH, dak_lak.files[PATH])
        assert clock.now() == server.now()
    finally:
        clock.set_clock(previous)
    assert result.ok and result.title.startswith("Văn bản thường") and result.message == f"{PATH}: đạt"


def test_a_failing_file_names_the_file_the_step_and_the_expectation(dak_lak):
    text = dak_lak.files[PATH].replace('due = "26/02/2026"', 'due = "27/02/2026"')
    result = run_file(dak_lak, "scenarios/sai-han.toml", text)
    assert not result.ok
    assert result.message == (
        "scenarios/sai-han.toml: bước 1 (23/02/2026 10:00, Chuyên viên theo dõi Văn phòng: hoàn thành việc "
        "«classify»): mong đợi việc «handle» hạn 27/02/2026, đơn vị STC, vai trò unit_officer — thực tế: "
        "việc «handle» hạn 26/02/2026, đơn vị STC, vai trò unit_officer")


def test_a_missing_work_item_lists_the_ready_ones(dak_lak):
    text = dak_lak.files[PATH].replace('task = "classify"\ndata', 'task = "phan_loai"\ndata')
    result = run_file(dak_lak, PATH, text)
    assert result.failure.expectation == "việc «phan_loai» đang chờ xử lý"
    assert result.failure.found == "việc đang chờ: «classify»"


@pytest.mark.parametrize(("text", "problem"), [
    ('title = "x"\n[given\non = "12/02/2026"', "dòng 2, cột 7: không đọc được TOML"),
    ('title = "x"\n[given', "cuối tệp: không đọc được TOML"),
    ('title = "x"\n[given]\non = "31/02/2026"\n[given.directive]\nsymbol = "1/UB"',
     "dòng 3, khóa «given.on»: ngày giờ viết dd/mm/yyyy hoặc dd/mm/yyyy HH:MM (đang là '31/02/2026')"),
    ('title = "x"\n[given]\non = "12/02/2026"\n[given.directive]\nsymbol = "1/UB"\n[[steps]]\ndo = "complete"\n'
     'task = "classify"\nby = "ai_do"', "dòng 9, khóa «steps[1].by»: không có người 'ai_do'"),
    ('title = "x"\n[given]\non = "12/02/2026"\n[given.directive]\nsymbol = "1/UB"\n[[steps]]\ndo = "fly"',
     "dòng 7, khóa «steps[1].do»: việc phải là một trong complete, request_extension, start_report_calendar, wait"),
    ('title = "x"\n[given]\non = "12/02/2026"\n[given.directive]\nsymbol = "1/UB"\n[expect]\n'
     'work_items = [{ task = "handle", han = "1/1/2026" }]', "dòng 7, khóa «expect.work_items.han»"),
])
def test_a_malformed_file_is_refused_with_its_line_and_key(text, problem):
    with pytest.raises(ScenarioFileError) as refused:
        parse_scenario("scenarios/loi.toml", text)
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems


def test_a_malformed_file_fails_its_run_without_running(dak_lak):
    result = run_file(dak_lak, "scenarios/loi.toml", "title = 1")
    assert not result.ok and result.message.startswith("scenarios/loi.toml: tệp kịch bản không hợp lệ — ")


def test_a_broken_ruleset_fails_every_file_naming_the_check(dak_lak):
    broken = BundleSource("dak-lak", {**dak_lak.files, "directive.bpmn": "<not xml"}, dak_lak.settings)
    results = run_bundle(broken)
    assert results and all(r.failure.step == "kiểm tra quy trình" for r in results)


def test_the_outcome_of_the_directive_is_an_expectation_too():
    source = read_ruleset(REPO_ROOT / "processes", "bac-lieu")
    path = "scenarios/tra-lai-van-phong-chinh-phu.toml"
    result = run_file(source, path, source.files[path].replace("tracked = false", "tracked = true"))
    assert (result.failure.step, result.failure.expectation, result.failure.found) == (
        "sau bước cuối cùng", "văn bản: theo dõi có", "văn bản: theo dõi không")


def test_a_steps_expectation_problem_names_the_line_in_that_step(dak_lak):
    path = "scenarios/tra-lai-qua-han-gia-han.toml"
    text = dak_lak.files[path]
    wrong = text.replace('expect.notifications = [{ kind = "overdue", assignment = 1 }]',
                         'expect.notifications = [{ kind = "overdue", luc = 1 }]')
    line = text.splitlines().index('expect.notifications = [{ kind = "overdue", assignment = 1 }]') + 1
    with pytest.raises(ScenarioFileError) as refused:
        parse_scenario(path, wrong)
    assert refused.value.problems == [f"dòng {line}, khóa «steps[5].expect.notifications.luc»: khóa không dùng "
                                      "được; chỉ có: assignment, kind, to"]


def test_a_script_that_fails_while_running_is_named_with_its_element(dak_lak):
    files = {**dak_lak.files, "assignment.bpmn": dak_lak.files["assignment.bpmn"].replace(
        "<bpmn:script>first_update_due = ", "<bpmn:script>1 / 0\nfirst_update_due = ", 1)}
    result = run_file(BundleSource("dak-lak", files, dak_lak.settings), PATH, dak_lak.files[PATH])
    assert result.failure.step.startswith("bước 1 (23/02/2026 10:00")
    assert result.failure.expectation == "quy trình chạy tiếp không có sự cố"
    assert result.failure.found.startswith("sự cố ở «") and "division by zero" in result.failure.found


def test_a_refused_step_keeps_the_engines_message_for_translation(dak_lak):
    text = dak_lak.files[PATH] + '[[steps]]\nby = "stc"\ndo = "request_extension"\nnew_deadline = "01/03/2026"\n'
    result = run_file(dak_lak, PATH, text)
    assert result.failure.step.startswith("bước 2 (") and result.failure.expectation == "bước được thực hiện"
    assert result.failure.refusal == ("The new deadline must be later than the current one (%(d)s).",
                                      {"d": "06/03/2026"})


def test_a_step_refused_by_its_form_names_the_fields_by_their_labels(dak_lak):
    """A required field added to a form (a new regulation): the file that does not fill it is
    told which field, not only that some fields are not valid."""
    form = "forms/classify_directive.toml"
    files = {**dak_lak.files, form: dak_lak.files[form] + (
        '\n[[fields]]\nname = "report_number"\nlabel = "Số văn bản báo cáo"\ntype = "text"\nrequired = true\n')}
    result = run_file(BundleSource("dak-lak", files, dak_lak.settings), PATH, dak_lak.files[PATH])
    assert result.failure.step.startswith("bước 1 (") and result.failure.expectation == "bước được thực hiện"
    assert result.failure.refusal is None
    assert result.failure.found.startswith("bị từ chối: «Số văn bản báo cáo»: "), result.failure.found


def test_the_files_of_a_version_run_again_are_not_compiled_again(dak_lak, request):
    first = compile_for_scenarios(dak_lak)
    compiled = request.getfixturevalue("counted_compiles")  # from here on
    again = compile_for_scenarios(read_ruleset(REPO_ROOT / "processes", "dak-lak"))  # read again: same content
    assert again is first and compiled == []

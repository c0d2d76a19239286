"""The `dondoc` command line, driven with click's CliRunner against a real database."""
from __future__ import annotations

import contextlib
import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.orm import Session

from engine import clock as clock_module
from engine import working_days
from engine.audit.models import AuditEntry
from engine.config import REPO_ROOT
from engine.db import Database
from engine.org import signin
from engine.org.models import Unit, User
from engine.passwords import verify_password
from engine.runtime.models import WorkflowInstance
from engine.working_days.models import DayOff
from tests.fixtures import BROKEN, PROCESSES, broken_processes, processes_with, sketch_of
from webui.cli import cli

PASSWORD = "mat-khau-123"


@pytest.fixture
def dondoc_bare(database_url, monkeypatch):
    """Run `dondoc …` with the settings a deployment would give in its environment."""
    monkeypatch.delenv("DONDOC_CONFIG", raising=False)
    monkeypatch.setenv("DONDOC_DATABASE_URL", database_url)
    monkeypatch.setenv("DONDOC_PROCESSES_DIR", str(PROCESSES))
    monkeypatch.setenv("DONDOC_RULESET", "mini")
    monkeypatch.setenv("DONDOC_TESTING", "1")
    previous = clock_module.current_clock()
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        return result.exit_code, result.output, result.stderr

    yield run
    clock_module.set_clock(previous)


@pytest.fixture
def dondoc(dondoc_bare, database_url):
    """`dondoc …` on a database with the schema (create_all is faster than `db upgrade`)."""
    db = Database(database_url)
    db.create_all()
    db.dispose()
    return dondoc_bare


def count(database_url: str, model) -> int:
    db = create_engine(database_url)
    try:
        with Session(db) as s:
            return s.scalar(select(func.count()).select_from(model))
    finally:
        db.dispose()


def test_db_upgrade_creates_the_schema(dondoc_bare, database_url):
    code, out, _ = dondoc_bare("db", "upgrade")
    assert code == 0 and out.startswith("database ready:")
    db = create_engine(database_url)
    assert {"workflow_instances", "work_items", "audit_log"} <= set(inspect(db).get_table_names())
    db.dispose()


def test_ruleset_check_and_load(dondoc, tmp_path, monkeypatch):
    assert dondoc("ruleset", "check", "mini")[1] == "ruleset mini: 1 processes, 2 forms, no problems\n"
    assert dondoc("ruleset", "load")[1].startswith("ruleset mini version 1 (")
    assert dondoc("ruleset", "load")[1].startswith("ruleset mini version 1 (")  # unchanged: same version
    monkeypatch.setenv("DONDOC_PROCESSES_DIR", str(broken_processes(tmp_path, "script_syntax")))
    for command in (("ruleset", "check", "script_syntax"), ("ruleset", "load", "--ruleset", "script_syntax")):
        code, _, err = dondoc(*command)
        assert code == 1
        assert err == "error: mini.bpmn:36 [compute]: script: syntax error at line 1: invalid syntax\n"


def test_ruleset_load_without_the_rulesets_folder_says_the_ruleset_is_not_found(dondoc, tmp_path, monkeypatch):
    """docs/installation.md: an installed package without `processes_dir` answers "ruleset '…' not found"."""
    monkeypatch.setenv("DONDOC_PROCESSES_DIR", str(tmp_path / "no-processes"))
    monkeypatch.setenv("DONDOC_RULESET", "dak-lak")
    code, _, err = dondoc("ruleset", "load")
    assert (code, err) == (1, f"error: {tmp_path / 'no-processes'}/dak-lak/ruleset.toml: ruleset 'dak-lak' not found\n")


def test_ruleset_check_prints_warnings_whether_or_not_it_passes(dondoc, tmp_path, monkeypatch):
    root = processes_with(tmp_path, (PROCESSES / "common" / "mini.bpmn").read_text(encoding="utf-8"))
    (root / "common" / "sketch.bpmn").write_text(sketch_of((root / "common" / "mini.bpmn").read_text("utf-8")),
                                                 encoding="utf-8")
    monkeypatch.setenv("DONDOC_PROCESSES_DIR", str(root))
    warning = 'warning: sketch.bpmn:4 [sketch]: Process sketch is marked isExecutable="false": dondoc will not run it\n'
    code, out, err = dondoc("ruleset", "check", "mini")
    assert (code, err) == (0, warning)  # (click's runner adds stderr to the output)
    assert out == warning + "ruleset mini: 1 processes, 2 forms, no problems, 1 warning(s)\n"
    broken = (BROKEN / "script_syntax.bpmn").read_text(encoding="utf-8")
    (root / "mini" / "mini.bpmn").write_text(broken, encoding="utf-8")
    code, out, err = dondoc("ruleset", "check", "mini")
    error = "error: mini.bpmn:36 [compute]: script: syntax error at line 1: invalid syntax\n"
    assert code == 1 and err == warning + error


def test_org_import_all_or_nothing(dondoc, database_url, tmp_path):
    good = tmp_path / "org.toml"
    good.write_text('''
[[unit]]
code = "UBND"
name = "UBND tỉnh"
kind = "province"

[[unit]]
code = "VP"
name = "Văn phòng"
parent = "UBND"
tracking_office = true

[[user]]
username = "theodoi"
full_name = "Nguyễn Văn A"
unit = "VP"
roles = ["clerk"]
password = "mat-khau-123"
''', encoding="utf-8")
    assert dondoc("org", "import", str(good))[:2] == (0, "imported 2 units and 1 users\n")
    bad = tmp_path / "bad.json"
    bad.write_text('{"units": [{"code": "STC", "name": "Sở Tài chính", "parent": "UBND"},'
                   ' {"code": "SXD", "name": "Sở Xây dựng", "parent": "KHONG-CO"}]}', encoding="utf-8")
    code, _, err = dondoc("org", "import", str(bad))
    assert (code, err) == (1, "error: unit #2 (SXD): Unknown unit KHONG-CO.\n")
    assert count(database_url, Unit) == 2  # STC (row 1) was not kept either
    missing = tmp_path / "missing.toml"
    missing.write_text('[[user]]\nusername = "x"\n', encoding="utf-8")
    assert dondoc("org", "import", str(missing))[2] == "error: user #1: missing field password\n"


def test_org_seed_refuses_a_pre_2025_province_code_naming_the_one_to_seed(dondoc, database_url):
    """docs/configuration.md: the command says it in English, the page in Vietnamese (tests/webui/test_admin.py)."""
    code, _, err = dondoc("org", "seed", "--province", "95")
    assert (code, err) == (1, "error: Code 95 is that of Tỉnh Bạc Liêu before 1/7/2025, today part of Tỉnh Cà Mau: "
                              "seed its code 96.\n")
    assert count(database_url, Unit) == 0


def test_users_create(dondoc):
    dondoc("admin", "create", "--unit", "UBND", "--unit-name", "UBND tỉnh", input=f"{PASSWORD}\n{PASSWORD}\n")
    args = ("users", "create", "--username", "stc", "--full-name", "Phạm Tài", "--unit", "UBND",
            "--role", "unit_officer", "--password", PASSWORD)
    assert dondoc(*args)[:2] == (0, "user stc created\n")
    assert dondoc(*args)[0::2] == (1, "error: User stc already exists.\n")
    bad_role = ("users", "create", "--username", "x", "--full-name", "X", "--unit", "UBND", "--role", "boss",
                "--password", PASSWORD)
    assert dondoc(*bad_role)[2] == "error: Unknown role(s): boss.\n"


def test_users_set_password_lets_an_administrator_who_forgot_theirs_back_in(dondoc, database_url):
    dondoc("admin", "create", "--unit", "UBND", "--unit-name", "UBND tỉnh", input=f"{PASSWORD}\n{PASSWORD}\n")
    db = Database(database_url)
    try:
        for _ in range(6):
            with contextlib.suppress(signin.Throttled):
                signin.sign_in(db, "10.0.0.7", "admin", "sai-mat-khau", signin.Throttling())
        with db.session() as s:
            assert signin.throttles(s, "admin")  # the admin must wait before each try
        assert dondoc("users", "set-password", "admin", input="ngan\nngan\n")[0::2] == (
            1, "error: The password must have at least 8 characters.\n")
        code, out, _ = dondoc("users", "set-password", "admin", input="mat-khau-moi-1\nmat-khau-moi-1\n")
        assert code == 0 and "new password set for admin" in out
        with db.session() as s:
            admin = s.scalar(select(User).where(User.username == "admin"))
            assert verify_password(admin.password_hash, "mat-khau-moi-1") and admin.active
            assert signin.throttles(s, "admin") == []   # can sign in at once
            assert {e.action for e in s.scalars(select(AuditEntry))} >= {"password.reset", "login.throttle_cleared"}
        assert dondoc("users", "set-password", "khong-co", "--password", PASSWORD)[0::2] == (
            1, "error: User khong-co does not exist.\n")
    finally:
        db.dispose()


def test_text_typed_or_imported_is_stored_composed(dondoc, database_url, tmp_path):
    """A terminal or a file may carry decomposed (NFD) Vietnamese: stored as NFC, so that the
    names compare equal to the same names typed in the web forms."""
    import unicodedata

    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    tree = tmp_path / "org.json"
    tree.write_text(json.dumps({"units": [{"code": "UBND", "name": nfd("UBND tỉnh Đắk Lắk"), "kind": "province"}]}),
                    encoding="utf-8")
    assert dondoc("org", "import", str(tree))[0] == 0
    assert dondoc("users", "create", "--username", "stc", "--full-name", nfd("Phạm Thị Tài"), "--unit", "UBND",
                  "--role", "unit_officer", "--password", PASSWORD)[0] == 0
    db = create_engine(database_url)
    try:
        with Session(db) as s:
            assert s.scalar(select(Unit.name)) == "UBND tỉnh Đắk Lắk" != nfd("UBND tỉnh Đắk Lắk")
            assert s.scalar(select(User.full_name).where(User.username == "stc")) == "Phạm Thị Tài"
    finally:
        db.dispose()


def test_tokens_create_keeps_its_reason(dondoc, database_url):
    from engine.api_tokens.models import ApiToken

    dondoc("admin", "create", "--unit", "UBND", "--unit-name", "UBND tỉnh", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert dondoc("tokens", "create", "--user", "admin", "--name", "QLVB", "--reason", "Kết nối QLVB")[0] == 0
    db = create_engine(database_url)
    try:
        with Session(db) as s:
            assert s.scalar(select(ApiToken.reason)) == "Kết nối QLVB"
    finally:
        db.dispose()


def test_first_admin_is_asked_for_a_password_and_only_once(dondoc, database_url):
    code, out, _ = dondoc("admin", "create", "--unit", "UBND", "--unit-name", "UBND tỉnh",
                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0 and "administrator admin created (roles: system_admin, process_admin)" in out
    assert "Password of the first administrator" in out and PASSWORD not in out
    code, _, err = dondoc("admin", "create", "--username", "admin2", "--unit", "UBND",
                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert (code, err) == (1, "error: An administrator already exists (admin); sign in as them instead.\n")
    assert count(database_url, User) == 1


def test_first_admin_password_must_be_confirmed_and_long_enough(dondoc, database_url):
    code, out, _ = dondoc("admin", "create", "--unit", "UBND", "--unit-name", "UBND tỉnh",
                          input=f"{PASSWORD}\nkhac-hoan-toan\n")
    assert code != 0 and "do not match" in out + _
    code, _, err = dondoc("admin", "create", "--unit", "UBND", "--unit-name", "UBND tỉnh", input="ngan\nngan\n")
    assert (code, err) == (1, "error: The password must have at least 8 characters.\n")
    assert dondoc("admin", "create", "--unit", "UBND", input=f"{PASSWORD}\n{PASSWORD}\n")[2] == \
        "error: Unknown unit UBND (give --unit-name to create the first unit).\n"
    assert count(database_url, User) == 0 and count(database_url, Unit) == 0


def test_timers_run(dondoc):
    assert dondoc("ruleset", "load")[0] == 0
    code, out, _ = dondoc("timers", "run", "--now", "2026-02-26T08:01:00+07:00")
    assert code == 0 and out.startswith("0 workflows advanced")
    code, _, err = dondoc("timers", "run", "--now", "hôm qua")
    assert (code, err) == (1, "error: --now: 'hôm qua' is not an ISO datetime (e.g. 2026-02-23T08:00:00+07:00)\n")


def test_calendar_set(dondoc):
    code, out, _ = dondoc("calendar", "set", "24/02/2026", "--off", "--note", "Nghỉ bù")
    assert (code, out) == (0, "2026-02-24 is now a day off; 0 workflows had their deadlines recomputed\n")
    code, _, err = dondoc("calendar", "set", "2026-02-30", "--working")
    assert code == 2 and "'2026-02-30' does not match the formats" in err
    # docs/configuration.md: a day of the years 2015–2040 only, the ones the calendar holds
    for outside in ("31/12/2014", "2041-01-05"):
        code, _, err = dondoc("calendar", "set", outside, "--off")
        assert (code, err) == (1, "error: Day: the calendar holds the years 2015 to 2040.\n")
    assert dondoc("calendar", "set", "02/01/2040", "--working")[0] == 0


def test_no_demo_accounts_outside_demo_mode(dondoc, database_url):
    code, _, err = dondoc("demo-data")
    assert (code, err) == (1, "error: demo data is only loaded in demo mode (DONDOC_DEMO=1)\n")
    assert count(database_url, User) == 0


def test_loading_a_ruleset_with_a_report_calendar_starts_it(dondoc, database_url, monkeypatch):
    monkeypatch.setenv("DONDOC_PROCESSES_DIR", str(REPO_ROOT / "processes"))
    monkeypatch.setenv("DONDOC_RULESET", "dak-lak")
    code, out, _ = dondoc("ruleset", "load")
    assert code == 0 and out.endswith("periodic-report calendar running\n")
    assert dondoc("ruleset", "load")[0] == 0  # idempotent: still one calendar
    assert count(database_url, WorkflowInstance) == 1


def test_ruleset_test_runs_the_scenario_files_and_fails_on_one_failing(dondoc, monkeypatch, tmp_path):
    import shutil

    shutil.copytree(REPO_ROOT / "processes", tmp_path / "processes")
    monkeypatch.setenv("DONDOC_PROCESSES_DIR", str(tmp_path / "processes"))
    code, out, _err = dondoc("ruleset", "test", "can-tho")
    assert code == 0 and "scenarios/dang-ky-trong-mot-ngay.toml: đạt\n" in out and out.endswith(" 0 failed\n")
    scenario = tmp_path / "processes" / "can-tho" / "scenarios" / "dang-ky-trong-mot-ngay.toml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace('due = "23/02/2026"', 'due = "24/02/2026"'),
                        encoding="utf-8")
    code, out, _err = dondoc("ruleset", "test", "can-tho")
    assert code == 1 and "mong đợi việc «classify» hạn 24/02/2026" in out and out.endswith(" 1 failed\n")


def test_a_misspelt_or_mistyped_setting_stops_the_command_with_its_name(dondoc_bare, tmp_path, monkeypatch):
    config = tmp_path / "dondoc.toml"
    for text, said in (('secret-key = "dai-va-ngau-nhien"\n', "unknown setting(s) secret-key"),
                       ("session_lifetime_minutes = \"30\"\n", "session_lifetime_minutes: '30' is not a whole number"),
                       ("secure_cookies = 1\n", "secure_cookies: 1 is not true or false")):
        config.write_text(text, encoding="utf-8")
        code, _, err = dondoc_bare("--config", str(config), "db", "upgrade")
        assert code == 1 and said in err, err
    monkeypatch.setenv("DONDOC_SCHEDULER_INTERVAL_SECONDS", "1m")
    code, _, err = dondoc_bare("db", "upgrade")
    assert code == 1 and "DONDOC_SCHEDULER_INTERVAL_SECONDS: '1m' is not a whole number" in err, err
    monkeypatch.setenv("DONDOC_SCHEDULER_INTERVAL_SECONDS", "30")
    monkeypatch.setenv("DONDOC_SECURE_COOKIES", "flase")
    code, _, err = dondoc_bare("db", "upgrade")
    assert code == 1 and "DONDOC_SECURE_COOKIES: 'flase' is not true or false" in err, err
    monkeypatch.setenv("DONDOC_SECURE_COOKIES", "off")
    config.write_text('base_url = "https://dondoc.example.gov.vn"\nsmtp_port = 587\nscript_cpu_seconds = 3\n',
                      encoding="utf-8")
    assert dondoc_bare("--config", str(config), "db", "upgrade")[0] == 0


def test_db_upgrade_brings_the_days_off_in_step_with_a_release_s_calendar(dondoc_bare, database_url, monkeypatch):
    """A release may ship new corrections (next year's Tết swap) or a newer `holidays` package: `db upgrade`,
    which every release runs, makes calendar_days_off (the SQL form of done late reads it) agree again."""
    assert dondoc_bare("db", "upgrade")[0] == 0
    monday = date(2026, 3, 30)
    shipped = working_days.shipped_corrections()
    monkeypatch.setattr(working_days, "shipped_corrections", lambda: {**shipped, monday: False})
    code, out, _ = dondoc_bare("db", "upgrade")
    assert code == 0 and "calendar: 3 days off updated" in out  # Sat 28, Sun 29 now end on Tue 31/03; Mon 30
    db = create_engine(database_url)
    try:
        with Session(db) as s:
            assert s.scalar(select(DayOff.ends_on).where(DayOff.day == date(2026, 3, 29))) == date(2026, 3, 31)
    finally:
        db.dispose()

"""Scenario files (kịch bản kiểm thử): what a process admin writes to test a ruleset, read and
checked before anything runs. A file is TOML:

    title = "…"
    [given]            on = "12/02/2026 09:00"; by = "clerk"
    [given.directive]  the register form's fields, with [[given.directive.tasks]] (the tasks)
    [given.expect]     checked right after registration (optional)
    [[steps]]          on = "dd/mm/yyyy [HH:MM]"; by = "<person>";
                       do = "complete" | "request_extension" | "start_report_calendar" | "wait"
                       task, data, assignment, new_deadline, reason; [steps.expect]
    [expect]           checked after the last step (optional)

Expectations: work_items (task, due, unit, role, assignment), absent_work_items, notifications
(kind, to, assignment), absent_notifications, assignments (n, status, progress, deadline),
directive (status, tracked), refused (true: the registration or step must be refused). Problems are Vietnamese sentences
naming the line and the key, for the admin who wrote the file."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time

from engine.clock import VN_TZ
from engine.scenarios.organisation import PEOPLE, UNITS

SCENARIO_DIR = "scenarios/"
ACTIONS = ("complete", "request_extension", "start_report_calendar", "wait")
WORK_ITEM_KEYS = {"task", "due", "unit", "role", "assignment"}
NOTIFICATION_KEYS = {"kind", "to", "assignment"}
ASSIGNMENT_KEYS = {"n", "status", "progress", "deadline"}
DIRECTIVE_KEYS = {"status", "tracked"}
EXPECT_KEYS = {"work_items", "absent_work_items", "notifications", "absent_notifications", "assignments", "directive",
               "refused"}
STEP_KEYS = {"on", "by", "do", "task", "data", "assignment", "new_deadline", "reason", "expect", "note"}
DEFAULT_TIME = time(9, 0)


class ScenarioFileError(Exception):
    """A scenario file that cannot be run: `problems` are Vietnamese sentences with the line."""

    def __init__(self, path: str, problems: list[str]):
        self.path, self.problems = path, problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class Expectation:
    work_items: tuple[dict, ...] = ()
    absent_work_items: tuple[str, ...] = ()
    notifications: tuple[dict, ...] = ()
    absent_notifications: tuple[str, ...] = ()
    assignments: tuple[dict, ...] = ()
    directive: dict = field(default_factory=dict)
    refused: bool = False


@dataclass(frozen=True)
class Step:
    number: int  # 1, 2, … as the admin counts them
    on: datetime | None
    by: str
    do: str
    task: str | None = None
    data: dict = field(default_factory=dict)
    assignment: int | None = None
    new_deadline: date | None = None
    reason: str = ""
    expect: Expectation | None = None


@dataclass(frozen=True)
class Scenario:
    path: str
    title: str
    on: datetime
    by: str
    directive: dict
    tasks: tuple[dict, ...]
    given_expect: Expectation | None
    steps: tuple[Step, ...]
    expect: Expectation | None


def is_scenario_path(path: str) -> bool:
    return path.startswith(SCENARIO_DIR) and path.endswith(".toml") and "/" not in path[len(SCENARIO_DIR):]


def scenario_files(files: dict[str, str]) -> dict[str, str]:
    """The scenario files of a bundle's `files`, by path."""
    return {path: text for path, text in sorted(files.items()) if is_scenario_path(path)}


def parse_scenario(path: str, text: str) -> Scenario:
    """Read and check one file; raises ScenarioFileError listing every problem found."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioFileError(path, [_toml_problem(str(exc))]) from None
    reader = _Reader(text)
    scenario = reader.scenario(path, raw)
    if reader.problems:
        raise ScenarioFileError(path, reader.problems)
    assert scenario is not None
    return scenario


def _toml_problem(detail: str) -> str:
    where = re.search(r"\(at line (\d+), column (\d+)\)", detail)
    what = re.sub(r"\s*\(at (line|end of document).*\)$", "", detail)
    if where:
        return f"dòng {where.group(1)}, cột {where.group(2)}: không đọc được TOML ({what})"
    return f"cuối tệp: không đọc được TOML ({what})"


class _Reader:
    """Checks the parsed TOML, collecting problems with the line of the key they are about."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.problems: list[str] = []

    # ---------------------------------------------------------------- where
    def _line(self, key: str, table: str | None = None, nth: int = 1) -> int | None:
        """The first line of `key` from the `nth` [table]/[[table]] header on (the whole file if
        None); a step's expectations are searched from its [[steps]] header."""
        start = 0
        if table is not None:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
            hits = [i for i, line in enumerate(self.lines) if header.match(line)]
            if len(hits) < nth:
                return None
            start = hits[nth - 1]
            if not key:
                return start + 1
        pattern = re.compile(rf"^\s*([\w.]+\.)?\"?{re.escape(key)}\"?\s*=")  # also `expect.work_items =`
        for i in range(start, len(self.lines)):
            if pattern.match(self.lines[i]):
                return i + 1
        return start + 1 if table is not None else None

    def _fail(self, where: str, message: str, line: int | None) -> None:
        self.problems.append(f"{'dòng ' + str(line) + ', ' if line else ''}khóa «{where}»: {message}")

    # ---------------------------------------------------------------- parts
    def scenario(self, path: str, raw: dict) -> Scenario | None:
        self._unknown(raw, {"title", "given", "steps", "expect"}, "", None)
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            self._fail("title", "cần tên kịch bản (một dòng chữ)", self._line("title"))
        given = raw.get("given")
        if not isinstance(given, dict):
            self._fail("given", "thiếu bảng [given]: văn bản được đăng ký, ngày giờ và người đăng ký", None)
            return None
        self._unknown(given, {"on", "by", "directive", "expect"}, "given", ("given", 1))
        on = self._moment(given.get("on"), "given.on", self._line("on", "given"), required=True)
        by = self._person(given.get("by", "clerk"), "given.by", self._line("by", "given"))
        directive = given.get("directive")
        if not isinstance(directive, dict):
            self._fail("given.directive", "thiếu bảng [given.directive]: các trường của văn bản (symbol, "
                       "issued_on, …)", self._line("", "given"))
            directive = {}
        tasks = directive.get("tasks", [])
        if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
            self._fail("given.directive.tasks", "mỗi nhiệm vụ là một bảng [[given.directive.tasks]]",
                       self._line("tasks", "given.directive"))
            tasks = []
        header = {k: _as_form_value(v) for k, v in directive.items() if k != "tasks"}
        given_expect = self._expect(given.get("expect"), "given.expect", ("given", 1))
        steps = self._steps(raw.get("steps", []))
        expect = self._expect(raw.get("expect"), "expect", ("expect", 1))
        if on is None or by is None:
            return None
        return Scenario(path, (title or "").strip(), on, by, header,
                        tuple({k: _as_form_value(v) for k, v in t.items()} for t in tasks),
                        given_expect, steps, expect)

    def _steps(self, raw) -> tuple[Step, ...]:
        if not isinstance(raw, list):
            self._fail("steps", "các bước viết thành bảng [[steps]], mỗi bước một bảng", self._line("steps"))
            return ()
        steps = []
        for number, item in enumerate(raw, start=1):
            step = self._step(number, item)
            if step is not None:
                steps.append(step)
        return tuple(steps)

    def _step(self, n: int, raw: dict) -> Step | None:
        where = f"steps[{n}]"
        self._unknown(raw, STEP_KEYS, where, ("steps", n))
        on = self._moment(raw.get("on"), f"{where}.on", self._line("on", "steps", n))
        by = self._person(raw.get("by", "clerk"), f"{where}.by", self._line("by", "steps", n))
        do = raw.get("do")
        if do not in ACTIONS:
            self._fail(f"{where}.do", f"việc phải là một trong {', '.join(ACTIONS)} (đang là {do!r})",
                       self._line("do", "steps", n))
            return None
        task = raw.get("task")
        if do == "complete" and not (isinstance(task, str) and task):
            self._fail(f"{where}.task", "bước complete cần mã công việc (task = \"classify\", …)",
                       self._line("do", "steps", n))
        data = raw.get("data", {})
        if not isinstance(data, dict):
            self._fail(f"{where}.data", "dữ liệu biểu mẫu là một bảng { trường = giá trị }",
                       self._line("data", "steps", n))
            data = {}
        assignment = self._positive(raw.get("assignment"), f"{where}.assignment", self._line("assignment", "steps", n))
        new_deadline = None
        if do == "request_extension":
            new_deadline = self._day(raw.get("new_deadline"), f"{where}.new_deadline",
                                     self._line("new_deadline", "steps", n), required=True)
        expect = self._expect(raw.get("expect"), f"{where}.expect", ("steps", n))
        if by is None:
            return None
        return Step(n, on, by, do, task, {k: _as_form_value(v) for k, v in data.items()}, assignment,
                    new_deadline, str(raw.get("reason", "")), expect)

    def _expect(self, raw, where: str, table: tuple[str, int]) -> Expectation | None:
        if raw is None:
            return None
        line = self._line("", *table)
        if not isinstance(raw, dict):
            self._fail(where, "phần mong đợi là một bảng", line)
            return None
        self._unknown(raw, EXPECT_KEYS, where, table)
        work_items = self._records(raw.get("work_items", []), f"{where}.work_items", WORK_ITEM_KEYS, "task", table)
        for item in work_items:
            if "due" in item:
                item["due"] = self._day(item["due"], f"{where}.work_items.due", self._line("work_items", *table))
            if item.get("role") is not None and not isinstance(item["role"], str):
                self._fail(f"{where}.work_items.role", "vai trò là một chuỗi", self._line("work_items", *table))
            if item.get("unit") is not None and item["unit"] not in UNITS:
                self._fail(f"{where}.work_items.unit", f"không có đơn vị {item['unit']!r} (có: {', '.join(UNITS)})",
                           self._line("work_items", *table))
        notices = self._records(raw.get("notifications", []), f"{where}.notifications", NOTIFICATION_KEYS, "kind",
                                table)
        for notice in notices:
            if "to" in notice:
                self._person(notice["to"], f"{where}.notifications.to", self._line("notifications", *table))
        assignments = self._records(raw.get("assignments", []), f"{where}.assignments", ASSIGNMENT_KEYS, "n", table)
        for record in assignments:
            if "deadline" in record:
                record["deadline"] = self._day(record["deadline"], f"{where}.assignments.deadline",
                                               self._line("assignments", *table))
        directive = raw.get("directive", {})
        if not isinstance(directive, dict):
            self._fail(f"{where}.directive", "cần một bảng, ví dụ { status = \"assigned\" }",
                       self._line("directive", *table))
            directive = {}
        self._unknown(directive, DIRECTIVE_KEYS, f"{where}.directive", table)
        return Expectation(tuple(work_items), self._names(raw.get("absent_work_items", []),
                                                          f"{where}.absent_work_items", table),
                           tuple(notices), self._names(raw.get("absent_notifications", []),
                                                       f"{where}.absent_notifications", table),
                           tuple(assignments), dict(directive), raw.get("refused") is True)

    def _records(self, raw, where: str, keys: set[str], required: str, table: tuple[str, int]) -> list[dict]:
        line = self._line(where.rsplit(".", 1)[-1], *table)
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            self._fail(where, "cần một danh sách bảng, ví dụ [{ " + required + " = … }]", line)
            return []
        for record in raw:
            for key in sorted(set(record) - keys):
                self._fail(f"{where}.{key}", f"khóa không dùng được; chỉ có: {', '.join(sorted(keys))}", line)
            if required not in record:
                self._fail(where, f"mỗi mục cần «{required}»", line)
        return [dict(r) for r in raw]

    def _names(self, raw, where: str, table: tuple[str, int]) -> tuple[str, ...]:
        if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
            self._fail(where, "cần một danh sách tên, ví dụ [\"update_status\"]",
                       self._line(where.rsplit(".", 1)[-1], *table))
            return ()
        return tuple(raw)

    def _unknown(self, raw: dict, keys: set[str], where: str, table: tuple[str, int] | None) -> None:
        for key in sorted(set(raw) - keys):
            line = self._line(key, *table) if table else self._line(key)
            self._fail(f"{where + '.' if where else ''}{key}",
                       f"khóa không dùng được ở đây; chỉ có: {', '.join(sorted(keys))}", line)

    def _person(self, value, where: str, line: int | None) -> str | None:
        if value not in PEOPLE:
            self._fail(where, f"không có người {value!r}; dùng một trong: {', '.join(PEOPLE)}", line)
            return None
        return value

    def _positive(self, value, where: str, line: int | None) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self._fail(where, "số thứ tự nhiệm vụ là số nguyên từ 1", line)
            return None
        return value

    def _moment(self, value, where: str, line: int | None, *, required: bool = False) -> datetime | None:
        if value is None and not required:
            return None
        try:
            return read_moment(value)
        except ValueError:
            self._fail(where, f"ngày giờ viết dd/mm/yyyy hoặc dd/mm/yyyy HH:MM (đang là {value!r})", line)
            return None

    def _day(self, value, where: str, line: int | None, *, required: bool = False) -> date | None:
        if value is None and not required:
            return None
        try:
            return read_day(value)
        except ValueError:
            self._fail(where, f"ngày viết dd/mm/yyyy (đang là {value!r})", line)
            return None


def read_day(value) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    return datetime.strptime(value.strip(), "%d/%m/%Y").date()


def read_moment(value) -> datetime:
    """'12/02/2026 10:00' (or a date alone: 09:00) as Vietnam time."""
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip()
    moment = (datetime.strptime(text, "%d/%m/%Y %H:%M") if " " in text
              else datetime.combine(read_day(text), DEFAULT_TIME))
    return moment.replace(tzinfo=VN_TZ)


def _as_form_value(value):
    """TOML values as a form would send them: dates as dd/mm/yyyy, booleans as "on"/""."""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value

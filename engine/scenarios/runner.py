"""Run scenario files against a ruleset version (published, or a draft not yet in force).

Each file runs in its own scratch SQLite database over the small province of
engine.scenarios.organisation, with its own clock for this thread only (the server's clock and
database are never touched), through the same engine services the web UI calls: register a
directive, complete a work item, request an extension, let the timers due by then fire. The
first expectation that does not hold stops the file; the result names the file, the step and
the expectation in Vietnamese.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from engine import clock, translation
from engine.config import Settings
from engine.core import Engine
from engine.directives import extensions
from engine.directives import service as directives
from engine.directives.models import Assignment, Directive
from engine.errors import EngineError
from engine.features import discover
from engine.forms import FormValidationError
from engine.inbox import service as inbox
from engine.notifications.models import Notification
from engine.org.models import Unit, User
from engine.reports.service import start_schedule
from engine.rulesets.disk import scenario_files
from engine.rulesets.errors import RulesetError
from engine.rulesets.loader import BundleSource, CompiledBundle
from engine.rulesets.models import BundleStatus, ProcessBundle
from engine.rulesets.service import COMPILES
from engine.runtime.models import Incident, IncidentStatus, WorkItem, WorkItemStatus
from engine.scenarios.organisation import PEOPLE, create_organisation
from engine.scenarios.spec import Expectation, Scenario, ScenarioFileError, Step, parse_scenario
from engine.working_days.models import CalendarOverride


@dataclass(frozen=True)
class Failure:
    step: str         # "bước 2 (23/02/2026 10:00, …: hoàn thành việc «classify»)"
    expectation: str  # "việc «handle» hạn 26/02/2026"
    found: str        # what there was instead
    refusal: tuple[str, dict] | None = None  # the engine's refusal (msgid, params), for the UI to translate


@dataclass
class ScenarioResult:
    path: str
    title: str = ""
    failure: Failure | None = None
    problems: list[str] = field(default_factory=list)  # the file itself is wrong

    @property
    def ok(self) -> bool:
        return self.failure is None and not self.problems

    @property
    def message(self) -> str:
        """One Vietnamese sentence naming the file, the step and the expectation."""
        if self.problems:
            return f"{self.path}: tệp kịch bản không hợp lệ — " + "; ".join(self.problems)
        if self.failure is None:
            return f"{self.path}: đạt"
        f = self.failure
        return f"{self.path}: {f.step}: mong đợi {f.expectation} — thực tế: {f.found}"


class _Failed(Exception):
    def __init__(self, expectation: str, found: str):
        super().__init__(expectation)
        self.expectation, self.found = expectation, found


def run_bundle(source: BundleSource, calendar: dict[date, bool] | None = None) -> list[ScenarioResult]:
    """Every scenario file of `source` (its `scenarios/*.toml`), each in its own scratch database;
    the bundle is compiled once for all of them. `calendar`: the deployment's working-day
    overrides, so that deadlines count the days the deployment counts."""
    files = scenario_files(source.files)
    compiled = compile_for_scenarios(source) if files else None
    return [run_file(source, path, text, compiled, calendar) for path, text in files.items()]


def run_file(source: BundleSource, path: str, text: str, compiled: CompiledBundle | Failure | None = None,
             calendar: dict[date, bool] | None = None) -> ScenarioResult:
    """One scenario file against `source`."""
    try:
        scenario = parse_scenario(path, text)
    except ScenarioFileError as exc:
        return ScenarioResult(path, problems=exc.problems)
    result = ScenarioResult(path, scenario.title)
    compiled = compiled or compile_for_scenarios(source)
    if isinstance(compiled, Failure):
        result.failure = compiled
        return result
    with _scratch_engine(source, compiled, scenario.on, calendar or {}) as (engine, users, manual):
        result.failure = _Run(engine, users, manual, scenario).play()
    return result


def compile_for_scenarios(source: BundleSource) -> CompiledBundle | Failure:
    """The compiled bundle, or why no scenario of it can run: compiled once per content and process
    (the modeler runs a version's scenarios again after each edit of one of them, and its drafts'
    live check compiled the diagram already)."""
    discover()  # the features' settings and operators, which compiling checks against
    try:
        return COMPILES.compiled(source)
    except RulesetError as exc:
        found = "; ".join(f"{p.file}: {p.message % p.params if p.params else p.message}" for p in exc.problems[:3])
        return Failure("kiểm tra quy trình", "quy trình hợp lệ", found)


@contextmanager
def _scratch_engine(source: BundleSource, compiled: CompiledBundle, start: datetime,
                    calendar: dict[date, bool]) -> Iterator[tuple[Engine, dict[str, User], clock.ManualClock]]:
    with tempfile.TemporaryDirectory(prefix="dondoc-scenario-") as folder, \
            clock.in_this_thread(clock.ManualClock(start)) as manual:
        settings = Settings(database_url=f"sqlite:///{folder}/scenario.sqlite3", ruleset=source.ruleset,
                            attachments_dir=f"{folder}/attachments", testing=True)
        engine = Engine(settings)
        try:
            engine.db.create_all()
            with engine.db.session() as session:
                users = create_organisation(session)
                session.add_all(CalendarOverride(day=day, working=working, created_at=clock.now())
                                for day, working in calendar.items())
                bundle = ProcessBundle(ruleset=source.ruleset, number=1, content_hash=source.content_hash,
                                       files=source.files, settings=source.settings, status=BundleStatus.PUBLISHED,
                                       source="scenario", created_at=clock.now(), published_at=clock.now())
                session.add(bundle)
                session.flush()
                engine.cache.put(bundle.id, compiled)
            yield engine, users, manual
        finally:
            engine.close()


class _Run:
    """One scenario played step by step against one scratch engine."""

    def __init__(self, engine: Engine, users: dict[str, User], manual: clock.ManualClock, scenario: Scenario):
        self.engine, self.users, self.clock, self.scenario = engine, users, manual, scenario
        self.directive_id: int | None = None

    def play(self) -> Failure | None:
        sc = self.scenario
        what = (f"đăng ký văn bản {sc.directive.get('symbol', '')} ({_moment(sc.on)}, "
                f"{PEOPLE[sc.by][0]})")
        failure = self._attempt(what, self._register, sc.given_expect)
        if failure is not None or (sc.given_expect and sc.given_expect.refused):
            return failure
        for step in sc.steps:
            failure = self._attempt(_describe(step, self.clock.now()), lambda s=step: self._do(s), step.expect)
            if failure is not None:
                return failure
        if sc.expect is not None:
            try:
                self._check(sc.expect)
            except _Failed as exc:
                return Failure("sau bước cuối cùng", exc.expectation, exc.found)
        return None

    def _attempt(self, what: str, action, expect: Expectation | None) -> Failure | None:
        refused_ok = bool(expect and expect.refused)
        try:
            action()
            self._no_incident()
        except EngineError as exc:
            if refused_ok:
                return None
            return Failure(what, "bước được thực hiện", f"bị từ chối: {exc}", (exc.message, exc.params))
        except _Failed as exc:
            return Failure(what, exc.expectation, exc.found)
        except Exception as exc:  # noqa: BLE001 — a scenario reports what broke; it never takes the page down
            return Failure(what, "bước được thực hiện", f"lỗi: {type(exc).__name__}: {exc}")
        if refused_ok:
            return Failure(what, "bước bị từ chối", "bước đã được thực hiện")
        try:
            if expect is not None:
                self._check(expect)
        except _Failed as exc:
            return Failure(what, exc.expectation, exc.found)
        return None

    def _no_incident(self) -> None:
        """A script or expression that failed in the step: the process stopped there."""
        with self.engine.db.reading() as s:
            incident = s.scalar(select(Incident).where(Incident.status == IncidentStatus.OPEN).limit(1))
        if incident is not None:
            raise _Failed("quy trình chạy tiếp không có sự cố",
                          f"sự cố ở «{incident.element_id or '?'}»: {(incident.error.splitlines() or [''])[-1][:300]}")

    # ---------------------------------------------------------------- actions
    def _register(self) -> None:
        sc = self.scenario
        self.engine.runtime.run_due_timers()
        # Defaults for what a scenario seldom tests: the issuer and the summary.
        header = {"issuer": "UBND", "summary": f"Văn bản {sc.directive.get('symbol', '')}", **sc.directive}
        directive = directives.register(self.engine, header, [dict(t) for t in sc.tasks], self.users[sc.by])
        self.directive_id = directive.id

    def _do(self, step: Step) -> None:
        if step.on is not None:
            self.clock.set(step.on)
            self.engine.runtime.run_due_timers()
        user = self.users[step.by]
        if step.do == "complete":
            item = self._item_to_complete(step, user)
            try:
                self.engine.runtime.complete(item.id, dict(step.data), user)
            except FormValidationError as exc:  # "some fields are not valid" would not say which
                raise _Failed("bước được thực hiện", "bị từ chối: " + self._refused_fields(item, exc)) from exc
        elif step.do == "request_extension":
            assert step.new_deadline is not None
            extensions.request_extension(self.engine, self._assignment(step.assignment or 1).id,
                                         step.new_deadline.isoformat(), step.reason or "Xin gia hạn", user)
        elif step.do == "start_report_calendar":
            start_schedule(self.engine, actor=user)

    def _refused_fields(self, item: WorkItem, refused: FormValidationError) -> str:
        """«Số văn bản báo cáo»: Trường này bắt buộc — each field by its form's label."""
        with self.engine.db.reading() as s:
            labels = {f.name: f.label for f in inbox.work_item_form(self.engine, s, item).fields}
        return "; ".join(f"«{labels.get(name, name)}»: {translation.message(m.text, m.params)}"
                         for name, m in refused.errors.items())

    def _item_to_complete(self, step: Step, user: User) -> WorkItem:
        items = [i for i in self._ready() if i.element_id == step.task or i.title == step.task]
        if step.assignment is not None:
            items = [i for i in items if i.assignment_id == self._assignment(step.assignment).id]
        mine = [i for i in items if i.role in user.roles and i.unit_id in (None, user.unit_id)]
        if not (mine or items):
            raise _Failed(f"việc «{step.task}» đang chờ xử lý", self._ready_list())
        return (mine or items)[0]

    # ---------------------------------------------------------------- checks
    def _check(self, expect: Expectation) -> None:
        ready = self._ready()
        for wanted in expect.work_items:
            self._check_item(wanted, ready)
        for task in expect.absent_work_items:
            if any(i.element_id == task for i in ready):
                raise _Failed(f"không có việc «{task}» đang chờ", f"có việc «{task}» đang chờ")
        for wanted in expect.notifications:
            self._check_notice(wanted)
        for kind in expect.absent_notifications:
            if self._notices(kind):
                raise _Failed(f"không có thông báo «{kind}»", f"đã có {len(self._notices(kind))} thông báo «{kind}»")
        for wanted in expect.assignments:
            self._check_assignment(wanted)
        if expect.directive:
            self._check_directive(expect.directive)

    def _check_item(self, wanted: dict, ready: list[WorkItem]) -> None:
        expectation = _item_words(wanted)
        items = [i for i in ready if wanted["task"] in (i.element_id, i.title)]
        if "assignment" in wanted:
            items = [i for i in items if i.assignment_id == self._assignment(wanted["assignment"]).id]
        if not items:
            raise _Failed(expectation, self._ready_list())
        units = self._unit_codes()
        described = [self._item_facts(i, units) for i in items]
        wanted_facts = {k: wanted[k] for k in ("due", "unit", "role") if k in wanted}
        if not any(all(facts.get(k) == v for k, v in wanted_facts.items()) for facts in described):
            raise _Failed(expectation, "; ".join(_item_words({"task": i.element_id, **facts})
                                                 for i, facts in zip(items, described, strict=True)))

    def _check_notice(self, wanted: dict) -> None:
        notices = self._notices(wanted["kind"])
        if "assignment" in wanted:
            notices = [n for n in notices if n.assignment_id == self._assignment(wanted["assignment"]).id]
        if "to" in wanted:
            user_id = self.users[wanted["to"]].id
            notices = [n for n in notices if n.user_id == user_id]
        if not notices:
            to = f" gửi {PEOPLE[wanted['to']][0]}" if "to" in wanted else ""
            raise _Failed(f"thông báo «{wanted['kind']}»{to}", self._notice_list())

    def _check_assignment(self, wanted: dict) -> None:
        assignment = self._assignment(wanted["n"])
        found = {"status": assignment.status, "progress": assignment.progress, "deadline": assignment.deadline}
        differing = [k for k in ("status", "progress", "deadline") if k in wanted and wanted[k] != found[k]]
        if differing:
            raise _Failed(f"nhiệm vụ {wanted['n']}: " + _facts_words({k: wanted[k] for k in differing}),
                          f"nhiệm vụ {wanted['n']}: " + _facts_words({k: found[k] for k in differing}))

    def _check_directive(self, wanted: dict) -> None:
        with self.engine.db.reading() as s:
            directive = s.get_one(Directive, self.directive_id)
            found = {"status": directive.status, "tracked": bool(directive.tracked)}
        differing = [k for k in ("status", "tracked") if k in wanted and wanted[k] != found[k]]
        if differing:
            raise _Failed("văn bản: " + _facts_words({k: wanted[k] for k in differing}),
                          "văn bản: " + _facts_words({k: found[k] for k in differing}))

    # ---------------------------------------------------------------- reading
    def _ready(self) -> list[WorkItem]:
        with self.engine.db.reading() as s:
            return list(s.scalars(select(WorkItem).where(WorkItem.status == WorkItemStatus.READY)
                                  .order_by(WorkItem.id)))

    def _ready_list(self) -> str:
        names = [f"«{i.element_id}»" for i in self._ready()]
        return "việc đang chờ: " + (", ".join(names) if names else "không có")

    def _notices(self, kind: str) -> list[Notification]:
        with self.engine.db.reading() as s:
            return list(s.scalars(select(Notification).where(Notification.kind == kind).order_by(Notification.id)))

    def _notice_list(self) -> str:
        with self.engine.db.reading() as s:
            kinds = sorted(set(s.scalars(select(Notification.kind))))
        return "thông báo đã gửi: " + (", ".join(f"«{k}»" for k in kinds) if kinds else "không có")

    def _assignment(self, n: int) -> Assignment:
        with self.engine.db.reading() as s:
            found = s.scalar(select(Assignment).where(Assignment.directive_id == self.directive_id,
                                                      Assignment.seq == n))
        if found is None:
            raise _Failed(f"nhiệm vụ số {n} của văn bản", "văn bản không có nhiệm vụ số này")
        return found

    def _unit_codes(self) -> dict[int, str]:
        with self.engine.db.reading() as s:
            return {row.id: row.code for row in s.execute(select(Unit.id, Unit.code))}

    @staticmethod
    def _item_facts(item: WorkItem, units: dict[int, str]) -> dict:
        due = item.due_at.astimezone(clock.VN_TZ).date() if item.due_at else None
        return {"due": due, "unit": units.get(item.unit_id) if item.unit_id else None, "role": item.role}


def _describe(step: Step, now: datetime) -> str:
    who = PEOPLE[step.by][0]
    action = {"complete": f"hoàn thành việc «{step.task}»",
              "request_extension": f"xin gia hạn nhiệm vụ {step.assignment or 1} đến {_day(step.new_deadline)}",
              "start_report_calendar": "bắt đầu lịch báo cáo định kỳ", "wait": "chờ đến lúc này"}[step.do]
    return f"bước {step.number} ({_moment(step.on or now)}, {who}: {action})"


def _item_words(facts: dict) -> str:
    words = f"việc «{facts['task']}»"
    if facts.get("assignment"):
        words += f" của nhiệm vụ {facts['assignment']}"
    rest = _facts_words({k: facts[k] for k in ("due", "unit", "role") if k in facts})
    return f"{words} {rest}".strip()


_LABELS = {"due": "hạn", "unit": "đơn vị", "role": "vai trò", "status": "trạng thái", "progress": "tiến độ",
           "deadline": "thời hạn", "tracked": "theo dõi"}


def _facts_words(facts: dict) -> str:
    return ", ".join(f"{_LABELS[k]} {_value_words(v)}" for k, v in facts.items())


def _value_words(value) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, date):
        return _day(value)
    return "(không có)" if value is None else str(value)


def _day(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "(không có)"


def _moment(moment: datetime) -> str:
    return moment.astimezone(clock.VN_TZ).strftime("%d/%m/%Y %H:%M")

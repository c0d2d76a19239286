"""Fixtures for the scheduler tests: an engine on a ruleset that holds only the common
urging.bpmn, and assignments whose urging process runs on the injected clock."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from engine import clock as clock_module
from engine.config import REPO_ROOT
from engine.directives.models import ASSIGNMENT_DEADLINE, Assignment, AssignmentUnit, Directive
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import User
from engine.working_days.deadline import Deadline, day_of
from tests.conftest import make_engine

RULESET = "urging-test"
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "urging" / RULESET


def processes_dir(tmp_path, reminders: str | None = None):
    """common/urging.bpmn plus the test ruleset, optionally with another [reminders] table."""
    root = tmp_path / "processes"
    (root / "common").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "processes" / "common" / "urging.bpmn", root / "common" / "urging.bpmn")
    shutil.copytree(FIXTURE, root / RULESET)
    if reminders is not None:
        settings = (root / RULESET / "ruleset.toml").read_text(encoding="utf-8")
        head = settings.split("[reminders]")[0]
        (root / RULESET / "ruleset.toml").write_text(head + "[reminders]\n" + reminders, encoding="utf-8")
    return root


@pytest.fixture
def engine(database_url, clock, tmp_path):
    eng = make_engine(database_url, clock, ruleset=RULESET, processes_dir=str(processes_dir(tmp_path)),
                      tmp_path=tmp_path)
    yield eng
    eng.close()


@pytest.fixture
def urging(loaded, org_tree):
    """The engine with e-mail addresses for everyone (mail tests need them)."""
    with loaded.db.session() as s:
        for user in s.scalars(select(User)):
            user.email = f"{user.username}@dondoc.test"
    return loaded


def start_urging(engine, deadline: str | dict | None, *, lead: str = "STC", symbol: str = "12/CT-UBND",
                 content: str = "Rà soát dự toán", secret: bool = False) -> int:
    """An assignment row and its urging process, as the assignment process would start it."""
    with engine.db.session() as s:
        day = day_of(deadline)
        directive = Directive(ruleset=RULESET, doc_type="CT", number=symbol.split("/")[0], symbol=symbol,
                              summary="Về việc thử đôn đốc", issuer="UBND tỉnh", issued_on=clock_module.today(),
                              created_at=clock_module.now(), secrecy="secret" if secret else None)
        s.add(directive)
        s.flush()
        unit = org.require_unit(s, lead)
        assignment = Assignment(directive_id=directive.id, content=content, lead_unit_id=unit.id,
                                deadline_kind="dated" if day else "open", secret=secret,
                                assigned_on=clock_module.today(), created_at=clock_module.now())
        ASSIGNMENT_DEADLINE.write(assignment, Deadline.from_json(deadline))
        assignment.units.append(AssignmentUnit(unit_id=unit.id, role="lead", deadline=day))
        s.add(assignment)
        s.flush()
        data = {"assignment_id": assignment.id, "lead_unit": lead, "deadline": deadline,
                "deadline_kind": assignment.deadline_kind, "urgency": "normal"}
        instance = engine.runtime.start(s, engine.current_bundle(s), "urging", data,
                                        directive_id=directive.id, assignment_id=assignment.id)
        assignment.instance_id = instance.id
        return assignment.id


def notes(engine, **where) -> list[tuple[str, str, str]]:
    """(username, kind, VN local time of creation) of every notification, oldest first."""
    with engine.db.session() as s:
        query = select(User.username, Notification.kind, Notification.created_at).join(
            User, User.id == Notification.user_id)
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        rows = s.execute(query.order_by(Notification.id)).all()
    return [(u, k, at.astimezone(clock_module.VN_TZ).strftime("%Y-%m-%d %H:%M")) for u, k, at in rows]


@pytest.fixture
def smtp(urging):
    """A running SMTP server, and the engine's settings pointing at it."""
    from tests.scheduler.smtp import SmtpServer

    server = SmtpServer().start()
    urging.settings.smtp_host, urging.settings.smtp_port = "127.0.0.1", server.port
    urging.settings.base_url = "https://dondoc.daklak.gov.vn"
    yield server
    server.stop()


@pytest.fixture
def schedulers(urging, database_url, smtp, tmp_path):
    """Real `dondoc scheduler` processes on this database, stopped at the end."""
    from tests.scheduler.processes import Schedulers

    runner = Schedulers(urging, database_url, smtp, tmp_path)
    yield runner
    runner.stop_all()

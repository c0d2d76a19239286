"""Modeler fixtures: an engine whose processes/ folder is a private copy, because publishing
writes process files back to disk. The copy is of fixtures/processes, a frozen snapshot of the
Đắk Lắk ruleset, so these tests do not move when the shipped diagrams evolve."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.directives import service as directives
from engine.runtime.models import WorkflowInstance, WorkItem
from tests.conftest import make_engine

FIXTURES = Path(__file__).parent / "fixtures" / "processes"
ASSIGNMENT = "assignment.bpmn"
OLD_TIMER = "<bpmn:timeDate>reminder_at</bpmn:timeDate>"
NEW_TIMER = "<bpmn:timeDate>working_days_before(deadline, 5)</bpmn:timeDate>"


@pytest.fixture
def processes_dir(tmp_path):
    target = tmp_path / "processes"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def engine(database_url, clock, tmp_path, processes_dir):
    """The shared `engine` fixture, on the private processes/ copy (org_tree and loaded use it)."""
    eng = make_engine(database_url, clock, processes_dir=str(processes_dir), tmp_path=tmp_path)
    yield eng
    eng.close()


def start_assignment(engine, users: dict, symbol: str, deadline_days: int = 10) -> WorkflowInstance:
    """Register a directive with one assignment, classify it, and return the assignment's instance."""
    directive = directives.register(engine, {"symbol": symbol, "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
                                             "summary": "Về việc X"},
                                    [{"content": "Báo cáo", "lead_unit": "STC", "deadline_days": deadline_days}],
                                    users["clerk"])
    with engine.db.session() as s:
        classify = s.scalars(select(WorkItem).where(WorkItem.element_id == "classify",
                                                    WorkItem.directive_id == directive.id)).one()
    engine.runtime.complete(classify.id, {"tracked": "on"}, users["clerk"])
    with engine.db.session() as s:
        return s.scalars(select(WorkflowInstance).where(WorkflowInstance.directive_id == directive.id,
                                                        WorkflowInstance.purpose == "assignment")).one()


def instance(engine, instance_id: int) -> WorkflowInstance:
    with engine.db.session() as s:
        return s.get(WorkflowInstance, instance_id)


@pytest.fixture
def app(loaded):
    from webui.app import create_app

    return create_app(loaded, SECRET_KEY="test-secret", TESTING=True)


def signed_in(app, username: str):
    """A Flask test client signed in as `username`."""
    import re

    from tests.conftest import PASSWORD

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return client

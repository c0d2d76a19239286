"""Readiness and liveness for a load balancer, and the JSON log lines with their request id
(docs/operations.md)."""
from __future__ import annotations

import gc
import io
import json
import logging

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from engine.api_tokens import service as tokens
from engine.config import Settings
from engine.core import Engine
from engine.db.migrate import MIGRATIONS, alembic_config
from engine.operations import logs
from engine.scheduler.service import Scheduler
from tests.api.test_api import DIRECTIVE
from webui import server
from webui.app import create_app


@pytest.fixture
def json_log():
    """The process's log handler writing JSON lines to a buffer (the pytest handlers come back after)."""
    root = logging.getLogger()
    kept, level = list(root.handlers), root.level
    buffer = io.StringIO()
    logs.configure("json", buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in kept:
        root.addHandler(handler)
    root.setLevel(level)


def test_the_configured_log_builds_spiffworkflows_records_without_walking_the_task_tree(json_log, monkeypatch):
    """SpiffWorkflow builds a record's extras before logging it, and walks every task for them
    while its own logger's level is below INFO (NOTSET was): at each task state change."""
    from SpiffWorkflow.specs.WorkflowSpec import WorkflowSpec
    from SpiffWorkflow.workflow import Workflow

    walks = []
    monkeypatch.setattr(Workflow, "get_tasks", lambda self, *a, **kw: walks.append(1) or [])
    workflow = Workflow.__new__(Workflow)  # only what collect_log_extras reads
    workflow.spec, workflow.success, workflow.completed = WorkflowSpec("w"), True, False
    workflow.task_tree = type("Root", (), {"id": "root"})()
    assert "tasks" not in workflow.collect_log_extras() and walks == []


def test_ready_only_at_the_migrations_head_with_a_ruleset(engine, database_url):
    client = create_app(engine).test_client()
    assert client.get("/readyz").json["problems"] == {"ruleset": "no published version of dak-lak "
                                                                 "(dondoc ruleset load)"}
    with engine.db.session() as s:
        engine.load_ruleset(s)
    assert (client.get("/readyz").status_code, client.get("/readyz").json) == (200, {"status": "ready"})
    scripts = ScriptDirectory(str(MIGRATIONS))
    previous = scripts.get_revision(scripts.get_current_head()).down_revision
    command.stamp(alembic_config(database_url), previous, purge=True)  # code newer than the database
    answer = client.get("/readyz")
    assert answer.status_code == 503 and list(answer.json["problems"]) == ["migrations"]
    assert answer.json["problems"]["migrations"] == f"database at {previous}, code at {scripts.get_current_head()} " \
                                                    "(dondoc db upgrade)"
    with engine.db.session() as s:  # a schema made without Alembic
        s.execute(text("DELETE FROM alembic_version"))
    assert client.get("/readyz").json["problems"]["migrations"].startswith("database at no revision")
    assert client.get("/livez").status_code == client.get("/healthz").status_code == 200


def test_before_a_ruleset_is_loaded_pages_and_the_api_say_what_the_administrator_must_run(app, browser, engine):
    """After `dondoc db upgrade` and before `dondoc ruleset load`: 503 with the reason, never a bare 404."""
    page = browser("clerk").get("/directives/new")
    assert page.status_code == 503
    assert "Chưa nạp phiên bản nào của quy chế dak-lak" in page.get_data(as_text=True)
    assert "dondoc ruleset load" in page.get_data(as_text=True)
    modeler = browser("admin")
    assert [modeler.get(path).status_code for path in ("/modeler/forms/", "/modeler/settings")] == [503, 503]
    with engine.db.session() as session:
        token = tokens.create_token(session, "clerk", "probe")[1]
    answer = app.test_client().post("/api/v1/directives", json=DIRECTIVE,
                                    headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 503 and answer.json["error"]["code"] == "not_ready"
    assert "dondoc ruleset load" in answer.json["error"]["message"]


def test_not_ready_but_alive_when_the_database_is_unreachable(tmp_path):
    # nothing listens on port 1: the connection is refused at once
    engine = Engine(Settings.load(database_url="postgresql+psycopg://dondoc:secret@127.0.0.1:1/dondoc",
                                  attachments_dir=str(tmp_path), testing=True))
    try:
        client = create_app(engine).test_client()
        answer = client.get("/readyz")
        assert (answer.status_code, answer.json) == (503, {"status": "not ready",
                                                           "problems": {"database": "unreachable"}})
        assert "secret" not in answer.get_data(as_text=True)
        assert (client.get("/livez").status_code, client.get("/livez").json) == (200, {"status": "alive"})
    finally:
        engine.close()


def test_json_log_lines_carry_the_request_id(loaded, json_log):
    client = create_app(loaded).test_client()
    given = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a.42"})
    made = client.get("/livez")
    refused = client.get("/healthz", headers={"X-Request-Id": "two words; \"quoted\""})
    assert given.headers["X-Request-Id"] == "lb-7f3a.42"
    assert len(made.headers["X-Request-Id"]) == 32  # a new one
    assert refused.headers["X-Request-Id"] not in ("", "two words; \"quoted\"")
    lines = {line["request_id"]: line for line in json_log() if line["logger"] == "dondoc.http"}
    for response in (given, made, refused):
        line = lines[response.headers["X-Request-Id"]]
        assert (line["status"], line["method"], line["level"]) == (200, "GET", "INFO")
        assert line["route"] == line["path"] and line["duration_ms"] >= 0 and line["time"].endswith("+00:00")


def test_a_scheduler_tick_logs_under_its_job_id(loaded, json_log):
    logging.getLogger("engine.scheduler.service").info("before any tick")
    loaded.settings.edxml_inbox_dir = "/nonexistent/edxml"  # the tick logs this part's failure
    Scheduler(loaded, 1).run_tick()
    lines = json_log()
    assert lines[0]["request_id"] is None
    ticked = [line for line in lines[1:] if line["logger"].startswith("engine.")]
    assert ticked and len({line["request_id"] for line in ticked}) == 1
    assert ticked[0]["request_id"].startswith("tick-")


def test_the_server_leaves_what_it_loaded_before_forking_out_of_garbage_collections(loaded, monkeypatch):
    """A full collection in a worker walked the ~230,000 objects built at start-up (110–120 ms
    with every thread waiting): `dondoc serve` freezes them before its workers start."""
    frozen_when_forking: list[int] = []
    monkeypatch.setattr(server.ProductionServer, "run", lambda _self: frozen_when_forking.append(gc.get_freeze_count()))
    loaded_before: list = []  # held while the server starts, as the app's own objects are
    try:
        server.serve(create_app(loaded), loaded, bind="127.0.0.1:0", workers=1, threads=1)
        assert frozen_when_forking[0] > 10_000
        assert not any(o is loaded_before for o in gc.get_objects())
    finally:
        gc.unfreeze()

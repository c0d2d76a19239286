"""When the storage fails (a full disk, a read-only database or file system), people get a
clear 503 in Vietnamese — JSON under /api/, the error page in the UI — the failure is logged
with its traceback, and an upload whose transaction failed leaves no file behind."""
from __future__ import annotations

import io
import logging
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import DBAPIError

from engine.directives.models import Attachment, Directive
from tests.api.conftest import Caller, api_app, make_token
from webui.errors import is_storage_failure

STORAGE_MESSAGE = "Hệ thống lưu trữ đang gặp sự cố"


@contextmanager
def read_only_database(engine):
    """Every new connection refuses writes, as a database on a read-only or full disk does:
    SQLite's query_only ("attempt to write a readonly database"), PostgreSQL's read-only
    transactions (SQLSTATE 25006)."""
    db = engine.db.engine

    def refuse_writes(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only = ON" if engine.db.is_sqlite else "SET default_transaction_read_only = on")
        cursor.close()
        if not engine.db.is_sqlite:
            dbapi_connection.commit()

    event.listen(db, "connect", refuse_writes)
    db.dispose()
    try:
        yield
    finally:
        event.remove(db, "connect", refuse_writes)
        db.dispose()


def stored_files(engine) -> list[Path]:
    store = Path(engine.settings.attachments_dir)
    return [p for p in store.rglob("*") if p.is_file()] if store.exists() else []


def test_api_answers_503_in_json_and_leaves_no_orphan_upload(loaded, caplog):
    stc = Caller(api_app(loaded).test_client(), make_token(loaded, "stc"))
    assert stc("GET", "/me").status_code == 200  # the token's last use is recorded before the failure
    with read_only_database(loaded), caplog.at_level(logging.ERROR, logger="webui.errors"):
        response = stc("POST", "/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(b"%PDF-1.4 bien ban"), "bien-ban.pdf")})
    assert response.status_code == 503 and response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == "storage_unavailable" and STORAGE_MESSAGE in error["message"]
    assert stored_files(loaded) == []
    with loaded.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
    [record] = [r for r in caplog.records if "storage failure" in r.getMessage()]
    assert record.exc_info and isinstance(record.exc_info[1], DBAPIError)

    # The storage back: the same upload is stored, its file in place.
    again = stc("POST", "/attachments", content_type="multipart/form-data",
                data={"file": (io.BytesIO(b"%PDF-1.4 bien ban"), "bien-ban.pdf")})
    assert again.status_code == 201
    assert [p.name for p in stored_files(loaded)] == [again.get_json()["sha256"]]


def test_the_web_ui_shows_the_vietnamese_error_page(loaded, browser):
    clerk = browser("clerk")
    token = clerk.token("/directives/new")
    with read_only_database(loaded):
        response = clerk.client.post("/directives/new", data={
            "csrf_token": token, "symbol": "45/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
            "summary": "Về việc X", "a-0-content": "Báo cáo", "a-0-lead_unit": "STC", "a-0-deadline_days": "5"})
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert STORAGE_MESSAGE in response.get_data(as_text=True)
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0


def test_storage_failures_are_told_from_other_errors(tmp_path):
    """Real errors of each kind: SQLite's full database, a full device, and two that are not
    storage failures (they stay 500)."""
    tiny = create_engine(f"sqlite:///{tmp_path / 'tiny.sqlite3'}")
    with tiny.connect() as connection:
        connection.execute(text("CREATE TABLE t (x BLOB)"))
        connection.execute(text("PRAGMA max_page_count = 3"))
        with pytest.raises(DBAPIError) as full:
            connection.execute(text("INSERT INTO t VALUES (zeroblob(100000))"))
        with pytest.raises(DBAPIError) as syntax:
            connection.execute(text("SELEKT 1"))
    assert "database or disk is full" in str(full.value) and is_storage_failure(full.value)
    assert not is_storage_failure(syntax.value)
    with pytest.raises(OSError) as no_space, open("/dev/full", "wb") as device:
        device.write(b"x")
        device.flush()
    assert is_storage_failure(no_space.value)
    assert not is_storage_failure(FileNotFoundError(2, "No such file"))
    assert isinstance(full.value.orig, sqlite3.OperationalError)

"""When the storage fails (a full disk, a read-only database or file system), people get a
clear 503 in Vietnamese — JSON under /api/, the error page in the UI — the failure is logged
with its traceback, and an upload whose transaction failed leaves no file behind."""
from __future__ import annotations

import io
import logging
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError

from engine.directives.models import Attachment, Directive
from tests.api.conftest import Caller, api_app, make_token
from webui.errors import is_storage_failure

STORAGE_MESSAGE = "Hệ thống lưu trữ đang gặp sự cố"


@contextmanager
def read_only_database(engine):
    """Every transaction meets a database that refuses writes, as on a read-only or full disk:
    SQLite "attempt to write a readonly database", PostgreSQL a read-only transaction."""
    db = engine.db.engine

    def refuse_writes(connection):
        connection.exec_driver_sql("PRAGMA query_only = 1" if engine.db.is_sqlite else "SET TRANSACTION READ ONLY")

    event.listen(db, "begin", refuse_writes)
    try:
        yield
    finally:
        event.remove(db, "begin", refuse_writes)
        db.dispose()  # (SQLite keeps query_only on the connection)


def stored_files(engine) -> list[Path]:
    store = Path(engine.settings.attachments_dir)
    return [p for p in store.rglob("*") if p.is_file()] if store.exists() else []


def test_api_answers_503_in_json_and_leaves_no_orphan_upload(loaded, caplog):
    stc = Caller(api_app(loaded).test_client(), make_token(loaded, "stc"))
    stored = stc("POST", "/attachments", content_type="multipart/form-data",
                 data={"file": (io.BytesIO(b"%PDF-1.4 bien ban 1"), "bien-ban-1.pdf")})
    assert stored.status_code == 201  # (and the token's last use is recorded before the failure)
    assert [p.name for p in stored_files(loaded)] == [stored.get_json()["sha256"]]
    with read_only_database(loaded), caplog.at_level(logging.ERROR, logger="webui.errors"):
        response = stc("POST", "/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(b"%PDF-1.4 bien ban 2"), "bien-ban-2.pdf")})
    assert response.status_code == 503 and response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == "storage_unavailable" and STORAGE_MESSAGE in error["message"]
    assert [p.name for p in stored_files(loaded)] == [stored.get_json()["sha256"]]
    with loaded.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1
    [record] = [r for r in caplog.records if "storage failure" in r.getMessage()]
    assert record.exc_info and isinstance(record.exc_info[1], DBAPIError)


def test_the_web_ui_shows_the_vietnamese_error_page(loaded, browser):
    clerk = browser("clerk")
    token = clerk.token("/directives/new")
    with read_only_database(loaded):
        response = clerk.client.post("/directives/new", data={
            "csrf_token": token, "symbol": "45/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
            "summary": "Về việc X", "a-0-content": "Báo cáo", "a-0-lead_unit": "STC", "a-0-deadline_days": "5"})
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert STORAGE_MESSAGE in response.get_data(as_text=True)
    with loaded.db.reading() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0


def test_storage_failures_are_told_from_other_errors(loaded):
    """Real errors: a full device is a storage failure; a missing file or a statement the
    database refuses is not (they stay server errors, 500)."""
    with pytest.raises(OSError) as no_space, open("/dev/full", "wb") as device:
        device.write(b"x")
        device.flush()
    assert is_storage_failure(no_space.value)
    assert not is_storage_failure(FileNotFoundError(2, "No such file"))
    with pytest.raises(DBAPIError) as refused, loaded.db.session() as session:
        session.execute(text("SELEKT 1"))
    assert not is_storage_failure(refused.value)

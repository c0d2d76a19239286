"""Attachments kept in the database (attachment_store = "database"): what every application
host sharing the database reaches. Stored in chunks with the row's transaction, read back
chunk by chunk, byte for byte; nothing on the local disk."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select

from engine import clock as clock_module
from engine.cli import cli
from engine.config import Settings
from engine.core import Engine
from engine.directives import attachments
from engine.directives.models import Attachment, AttachmentChunk
from engine.org.models import User
from tests.api.conftest import Caller, api_app, make_token
from tests.api.test_backup import backed_up_and_restored

CONTENT = os.urandom(2 * 1024 * 1024 + 12345)  # three chunks, the last one short


@pytest.fixture
def in_database(loaded):
    loaded.settings.attachment_store = "database"
    loaded.blobs = attachments.blob_store(loaded.settings, loaded.db)
    return loaded


def chunks(engine) -> list[tuple[str, int, int]]:
    with engine.db.reading() as s:
        return s.execute(select(AttachmentChunk.sha256, AttachmentChunk.seq, func.length(AttachmentChunk.data))
                         .order_by(AttachmentChunk.sha256, AttachmentChunk.seq)).all()


def test_an_upload_is_kept_in_chunks_and_downloaded_whole(in_database):
    stc = Caller(api_app(in_database).test_client(), make_token(in_database, "stc"))
    stored = stc("POST", "/attachments", content_type="multipart/form-data",
                 data={"file": (io.BytesIO(CONTENT), "bien-ban.pdf")})
    assert stored.status_code == 201
    sha = stored.get_json()["sha256"]
    assert chunks(in_database) == [(sha, 0, 2**20), (sha, 1, 2**20), (sha, 2, 12345)]
    again = stc("POST", "/attachments", content_type="multipart/form-data",
                data={"file": (io.BytesIO(CONTENT), "ban-sao.pdf")})
    copy = again.get_json()["sha256"]
    assert copy != sha and len(chunks(in_database)) == 3  # an upload of its own, its bytes once per content
    for upload, name in ((sha, "bien-ban.pdf"), (copy, "ban-sao.pdf")):
        downloaded = stc("GET", f"/attachments/{upload}")
        assert downloaded.status_code == 200 and downloaded.data == CONTENT
        assert downloaded.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert not Path(in_database.settings.attachments_dir).exists()  # nothing on this host's disk
    with in_database.db.session() as s:  # bytes gone (a restore without them): 404, not a 500
        s.execute(delete(AttachmentChunk))
    assert stc("GET", f"/attachments/{sha}").status_code == 404


def test_a_rolled_back_upload_keeps_no_chunk(in_database):
    with pytest.raises(RuntimeError), in_database.db.session() as s:
        user = s.scalar(select(User).where(User.username == "stc"))
        attachments.store(s, in_database.blobs, io.BytesIO(b"%PDF bien ban"), "bien-ban.pdf", user)
        raise RuntimeError("the submission is refused after the upload")
    assert chunks(in_database) == []
    with in_database.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0


def test_the_server_starting_removes_the_spooled_uploads_of_killed_workers(loaded):
    """A worker killed mid-upload left its `.upload-*` file in the store's folder for good; an
    upload still running (a fresh file) is left alone."""
    folder = Path(loaded.blobs.spool_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stale, live = folder / ".upload-killed", folder / ".upload-running"
    for path in (stale, live):
        path.write_bytes(b"half an upload")
    two_hours_ago = stale.stat().st_mtime - 2 * 3600
    os.utime(stale, (two_hours_ago, two_hours_ago))
    api_app(loaded)
    assert not stale.exists() and live.exists()


def test_bytes_a_worker_killed_after_its_commit_left_spooled_are_placed_at_the_next_start(loaded):
    """A worker killed between its commit and placing the file (the directory store places it after
    the commit) left the attachment's only bytes spooled; the next start removed them, and the
    stored attachment answered 404 for good. Now it places them; a half upload still goes."""
    stc = Caller(api_app(loaded).test_client(), make_token(loaded, "stc"))
    stored = stc("POST", "/attachments", content_type="multipart/form-data",
                 data={"file": (io.BytesIO(CONTENT), "bien-ban.pdf")})
    assert stored.status_code == 201
    sha = stored.get_json()["sha256"]
    placed = attachments.blob_path(loaded.settings.attachments_dir, sha)
    spooled, half = placed.parent.parent / ".upload-killed-after-commit", placed.parent.parent / ".upload-half"
    placed.rename(spooled)  # where the killed worker's bytes stayed
    half.write_bytes(CONTENT[:1000])
    two_hours_ago = spooled.stat().st_mtime - 2 * 3600
    for path in (spooled, half):
        os.utime(path, (two_hours_ago, two_hours_ago))
    unreachable = Engine(Settings.load(database_url="postgresql+psycopg://dondoc@127.0.0.1:1/dondoc",
                                       attachments_dir=loaded.settings.attachments_dir, testing=True))
    try:
        api_app(unreachable)  # a start while the database is down cannot tell: both wait
    finally:
        unreachable.close()
    assert spooled.exists() and half.exists()

    restarted = Caller(api_app(loaded).test_client(), make_token(loaded, "stc"))
    downloaded = restarted("GET", f"/attachments/{sha}")
    assert downloaded.status_code == 200 and downloaded.data == CONTENT
    assert not spooled.exists() and not half.exists()


def test_an_unknown_store_is_refused(loaded):
    with pytest.raises(ValueError, match="attachment_store"):
        attachments.blob_store(Settings(attachment_store="s3"), loaded.db)


def test_a_backup_carries_the_chunks(in_database, clock, tmp_path):
    with in_database.db.session() as s:
        user = s.scalar(select(User).where(User.username == "stc"))
        sha = attachments.store(s, in_database.blobs, io.BytesIO(CONTENT), "bien-ban.pdf", user).sha256
    with backed_up_and_restored(in_database, clock, tmp_path) as restored:
        stored = attachments.blob_store(Settings(attachment_store="database"), restored.db).open(sha)
        assert stored is not None and stored.read() == CONTENT


def test_files_of_the_directory_copied_into_the_database(loaded, tmp_path):
    stc = Caller(api_app(loaded).test_client(), make_token(loaded, "stc"))  # the directory store
    sha = stc("POST", "/attachments", content_type="multipart/form-data",
              data={"file": (io.BytesIO(CONTENT), "bien-ban.pdf")}).get_json()["sha256"]
    with loaded.db.session() as s:  # a row whose file went missing on disk
        s.add(Attachment(sha256="0" * 64, content_sha256="0" * 64, filename="mat.pdf", content_type="application/pdf",
                         size=1, uploaded_at=clock_module.now()))
    copied = CliRunner().invoke(cli, ["attachments", "copy-to-database"], obj=loaded)
    assert copied.exit_code == 0 and copied.output.startswith("1 files copied into the database, 1 not found")
    again = CliRunner().invoke(cli, ["attachments", "copy-to-database"], obj=loaded)
    assert again.output.startswith("0 files copied")
    stored = attachments.blob_store(Settings(attachment_store="database"), loaded.db).open(sha)
    assert stored is not None and stored.read() == CONTENT

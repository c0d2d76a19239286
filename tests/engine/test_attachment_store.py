"""An uploaded file takes its place in the store only when the transaction that adds its row
commits — also when that transaction is a savepoint inside another (an idempotent API call) —
and a rollback takes it away: no file without a row, no temporary file left behind."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.directives import attachments
from engine.directives.models import Attachment
from engine.org import service as org


def store(session, store_dir: str, content: bytes) -> str:
    user = org.users_by_name(session, ["stc"])[0]
    return attachments.store(session, attachments.DirectoryStore(store_dir), io.BytesIO(content), "bao-cao.pdf",
                             user).sha256


def files(store_dir: str) -> list[str]:
    """Every file in the store, temporary ones (.upload-…) included."""
    return sorted(p.name for p in Path(store_dir).rglob("*") if p.is_file())


def test_a_file_is_placed_with_its_row_and_goes_with_a_rollback(engine, org_tree, tmp_path):
    db, store_dir = engine.db, str(tmp_path / "store")
    with pytest.raises(RuntimeError), db.session() as session:
        store(session, store_dir, b"%PDF rolled back")
        raise RuntimeError("the rest of the request failed")
    assert files(store_dir) == []

    with db.session() as outer:
        kept = store(outer, store_dir, b"%PDF kept")
        with pytest.raises(RuntimeError), db.session() as inner:  # a savepoint of `outer`
            store(inner, store_dir, b"%PDF savepoint rolled back")
            raise RuntimeError("refused")
        waiting = files(store_dir)
        assert len(waiting) == 1 and waiting[0].startswith(".upload-"), "placed before the outer commit"
    assert files(store_dir) == [kept]
    with db.reading() as session:
        assert session.scalars(select(Attachment.sha256)).all() == [kept]

    with db.session() as session:  # the same content again: one file, one row
        assert store(session, store_dir, b"%PDF kept") == kept
    assert files(store_dir) == [kept]
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_each_upload_keeps_its_name_and_sender_and_shares_the_bytes(engine, org_tree, tmp_path):
    """The same bytes under another name, or from another person, are an upload of their own (the
    second directive showed the first one's name and sender); the store keeps the bytes once."""
    store_dir = str(tmp_path / "store")
    blobs = attachments.DirectoryStore(store_dir)
    with engine.db.session() as session:
        stc, sxd = (org.users_by_name(session, [name])[0] for name in ("stc", "sxd"))
        rows = [attachments.store(session, blobs, io.BytesIO(b"%PDF shared"), name, user)
                for name, user in (("bao-cao.pdf", stc), ("ban-sao.pdf", stc), ("bao-cao.pdf", sxd),
                                   ("bao-cao.pdf", stc))]
        uploads = [(row.sha256, row.filename, row.uploaded_by) for row in rows]
        digest = rows[0].content_sha256
    assert uploads[0][0] == digest and uploads[3] == uploads[0]  # the same person, name and bytes: the same upload
    assert [(name, by) for _, name, by in uploads[:3]] == [("bao-cao.pdf", stc.id), ("ban-sao.pdf", stc.id),
                                                           ("bao-cao.pdf", sxd.id)]
    assert len({key for key, _, _ in uploads}) == 3 and files(store_dir) == [digest]

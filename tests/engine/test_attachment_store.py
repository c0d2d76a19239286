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

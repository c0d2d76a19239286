"""A sheet uploaded for import, kept server-side between the preview and the confirmation:
at most a few per person, for a few hours, and imported at most once — the confirmation
claims the upload in the same transaction as the import, so a second confirmation (a double
click, a second tab, a retry) finds it used and imports nothing."""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from engine import clock
from engine.db import rowcount
from engine.errors import AlreadyDone, EngineError
from engine.imports import excel
from engine.imports.models import PendingImport
from engine.org import permissions
from engine.org.models import User

KEEP_FOR = timedelta(hours=4)
MAX_PER_USER = 3
MAX_BYTES = 10 * 1024 * 1024


GONE = "This upload was imported already or has expired: upload the file again."


def keep(engine, actor: User, filename: str, data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise EngineError("The file is larger than %(mb)s MB.", mb=MAX_BYTES // 2**20)
    now = clock.now()
    token = secrets.token_urlsafe(24)
    with engine.db.session() as session:
        settings = engine.compiled(engine.current_bundle(session)).settings
        # Not even for hours: a regulation keeping secret documents out of the system (Đắk Lắk
        # Đ.5 k.2) is not met by refusing their rows at the preview, the file kept meanwhile.
        if not permissions.secrecy_policy(settings).store_content and (rows := excel.secret_rows(data)):
            raise EngineError("Rows %(rows)s are of secret documents, whose content this regulation does not let "
                              "the system keep: the file was not kept. Take those rows out and upload it again.",
                              rows=", ".join(map(str, rows)))
        session.execute(delete(PendingImport).where(PendingImport.created_at < now - KEEP_FOR))
        mine = session.scalars(select(PendingImport.token).where(PendingImport.user_id == actor.id)
                               .order_by(PendingImport.created_at.desc())).all()
        if len(mine) >= MAX_PER_USER:
            session.execute(delete(PendingImport).where(PendingImport.token.in_(mine[MAX_PER_USER - 1:])))
        session.add(PendingImport(token=token, user_id=actor.id, filename=filename[:255], data=data, created_at=now))
    return token


def load(engine, actor: User, token: str) -> PendingImport:
    with engine.db.reading() as session:
        pending = session.scalar(_usable(token, actor))
    if pending is None:
        raise AlreadyDone(GONE)
    return pending


def confirm(engine, actor: User, token: str) -> excel.Imported:
    """Import the kept sheet once; ImportFailed (nothing imported, the upload kept)
    or AlreadyDone (imported already, expired, or someone else's)."""
    with engine.db.session() as session:
        claimed = session.execute(update(PendingImport).where(
            PendingImport.token == token, PendingImport.user_id == actor.id, PendingImport.used_at.is_(None),
            PendingImport.created_at >= clock.now() - KEEP_FOR).values(used_at=clock.now()))
        if rowcount(claimed) != 1:
            raise AlreadyDone(GONE)
        data = session.scalar(select(PendingImport.data).where(PendingImport.token == token))
        return excel.import_workbook(engine, data or b"", actor, session=session, max_rows=excel.WEB_MAX_ROWS)


def _usable(token: str, actor: User):
    return select(PendingImport).where(PendingImport.token == token, PendingImport.user_id == actor.id,
                                       PendingImport.used_at.is_(None),
                                       PendingImport.created_at >= clock.now() - KEEP_FOR)

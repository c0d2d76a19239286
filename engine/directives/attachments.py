"""Attachments (tệp đính kèm): each upload is a row with its own name, sender and time, and its
bytes are stored once by their sha256, shared by every upload of them; task data and progress
updates hold only the upload's id (engine.directives.models.Attachment). Who may see one, and so
download or attach it, is engine.org.permissions.may_see_file.

Where the bytes live is the setting `attachment_store`:
- "directory": files under settings.attachments_dir (one host, or a folder all hosts mount).
  A file takes its place there only when the transaction that adds its row commits; until
  then it waits in a temporary file, removed when the transaction rolls back (a refused
  submission, a full or read-only database), so that no file is left without a row.
- "database": chunks in the attachment_chunks table, written in the transaction that adds the
  row, so every application host sharing the database reaches them and a rollback takes them
  too; read back one chunk per short transaction.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import secrets
import tempfile
import time
from pathlib import Path, PureWindowsPath
from typing import BinaryIO, Protocol

from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction

from engine import clock
from engine.config import Settings
from engine.db import Database, lock_name
from engine.directives.models import Attachment, AttachmentChunk, AttachmentUpload
from engine.errors import EngineError
from engine.org.models import User

STORES = ("directory", "database")
MAX_SIZE = 20 * 1024 * 1024
# Office documents, PDF, images and archives; never HTML or scripts (they would run in the
# browser when opened from our origin).
ALLOWED_EXTENSIONS = {
    ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".txt": "text/plain", ".csv": "text/csv", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".zip": "application/zip", ".rar": "application/vnd.rar", ".7z": "application/x-7z-compressed",
}
_CHUNK = 1024 * 1024
SPOOL_PREFIX = ".upload-"
log = logging.getLogger(__name__)
STALE_SPOOL_SECONDS = 3600  # far beyond a request's time (engine.db.REQUEST_TIMEOUT_SECONDS)
# session.info: [(temporary file, its place in the store, the transaction it waits for)]
_PENDING = "dondoc.pending_uploads"


class AttachmentError(EngineError):
    pass


class BlobStore(Protocol):
    @property
    def spool_dir(self) -> str | None:
        """Where an upload waits while it is hashed (None: the system's temporary folder)."""

    def keep(self, session: Session, temp: Path, digest: str) -> None:
        """The spooled upload `temp` becomes the bytes of `digest` if its transaction commits."""

    def open(self, digest: str) -> BinaryIO | None:
        """The stored bytes, to read from the start; None when they are missing."""


def blob_store(settings: Settings, db: Database) -> BlobStore:
    if settings.attachment_store == "directory":
        return DirectoryStore(settings.attachments_dir)
    if settings.attachment_store == "database":
        return DatabaseStore(db)
    raise ValueError(f"attachment_store: '{settings.attachment_store}' is not one of {', '.join(STORES)}")


def blob_path(attachments_dir: str, sha256: str) -> Path:
    return Path(attachments_dir) / sha256[:2] / sha256


class DirectoryStore:
    def __init__(self, folder: str):
        self.folder = self.spool_dir = folder

    def keep(self, session: Session, temp: Path, digest: str) -> None:
        target = blob_path(self.folder, digest)
        if target.exists():
            temp.unlink()
            return
        session.connection()  # begins the transaction the file waits for, if none has yet
        owner = session.get_nested_transaction() or session.get_transaction()
        session.info.setdefault(_PENDING, []).append((temp, target, owner))

    def open(self, digest: str) -> BinaryIO | None:
        path = blob_path(self.folder, digest)
        return path.open("rb") if path.is_file() else None


class DatabaseStore:
    spool_dir = None

    def __init__(self, db: Database):
        self.db = db

    def keep(self, session: Session, temp: Path, digest: str) -> None:
        try:
            with temp.open("rb") as source:
                self.write(session, source, digest)
        finally:
            temp.unlink(missing_ok=True)

    @staticmethod
    def write(session: Session, source: BinaryIO, digest: str) -> None:
        """The bytes of `source` as the chunks of `digest`, unless it has them already."""
        if session.scalar(select(AttachmentChunk.seq).where(AttachmentChunk.sha256 == digest).limit(1)) is not None:
            return
        seq = 0
        while chunk := source.read(_CHUNK):  # one chunk in memory at a time
            session.execute(insert(AttachmentChunk), [{"sha256": digest, "seq": seq, "data": chunk}])
            seq += 1

    def open(self, digest: str) -> BinaryIO | None:
        with self.db.reading() as s:
            count = s.scalar(select(func.count()).where(AttachmentChunk.sha256 == digest))
        return io.BufferedReader(_Chunks(self.db, digest, count), buffer_size=_CHUNK) if count else None


class _Chunks(io.RawIOBase):
    """A file kept in the database, read one chunk (one short read-only transaction) at a time:
    a download holds neither the whole file nor a transaction open while the client reads."""

    def __init__(self, db: Database, digest: str, count: int):
        super().__init__()
        self.db, self.digest, self.count = db, digest, count
        self.seq, self.pending = 0, memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.pending and self.seq < self.count:
            with self.db.reading() as s:
                self.pending = memoryview(s.execute(select(AttachmentChunk.data).where(
                    AttachmentChunk.sha256 == self.digest, AttachmentChunk.seq == self.seq)).scalar_one())
            self.seq += 1
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def copy_to_database(db: Database, folder: str) -> tuple[int, int]:
    """Copy the files of a directory store into the database (those not there yet), one
    transaction per file, for a deployment moving to attachment_store = "database".
    Returns (files copied, attachments whose file is not in `folder`)."""
    with db.reading() as s:
        digests = s.scalars(select(Attachment.content_sha256).distinct().where(
            ~select(AttachmentChunk.seq).where(AttachmentChunk.sha256 == Attachment.content_sha256).exists())).all()
    copied = missing = 0
    for digest in digests:
        path = blob_path(folder, digest)
        if not path.is_file():
            missing += 1
            continue
        with db.session() as s, path.open("rb") as source:
            DatabaseStore.write(s, source, digest)
        copied += 1
    return copied, missing


def store(session: Session, blobs: BlobStore, stream: BinaryIO, filename: str, actor: User) -> Attachment:
    """Store an upload and return its row: the bytes once per content, a row of its own for each name
    and sender (the same person sending the same file under the same name again gets their earlier
    one). Refuses empty, too large and disallowed files without keeping anything."""
    name = base_name(filename)
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise AttachmentError("File type %(ext)s is not accepted.", ext=extension or "?")
    digest, size, temp = _spool(stream, blobs.spool_dir)
    if size == 0 or size > MAX_SIZE:
        temp.unlink()
        if size == 0:
            raise AttachmentError("The file %(name)s is empty.", name=name)
        raise AttachmentError("The file %(name)s is larger than %(mb)s MB.", name=name, mb=MAX_SIZE // 2**20)
    try:
        lock_name(session, f"attachment:{digest}")  # one upload of a content at a time: it is stored once
        row = _upload(session, digest, name[:255], actor)
        if row is None:  # before the bytes, so that chunks kept in the database have their row
            row = Attachment(sha256=digest if session.get(Attachment, digest) is None else secrets.token_hex(32),
                             content_sha256=digest, filename=name[:255], content_type=ALLOWED_EXTENSIONS[extension],
                             size=size, uploaded_by=actor.id, uploaded_at=clock.now())
            session.add(row)
            session.flush()
    except BaseException:
        temp.unlink(missing_ok=True)  # not yet the store's to drop with the transaction
        raise
    blobs.keep(session, temp, digest)
    if session.get(AttachmentUpload, (row.sha256, actor.id)) is None:  # sending the file lets one attach it
        session.add(AttachmentUpload(sha256=row.sha256, user_id=actor.id, uploaded_at=clock.now()))
        session.flush()
    return row


def base_name(filename: str | None) -> str:
    """A file's name without the folders a sender gave with it, by either separator: ASP.NET's
    HttpPostedFile.FileName, which document software keeps, is the client's whole path
    ("C:\\Users\\vanthu\\Desktop\\QĐ 318.pdf")."""
    return PureWindowsPath(filename or "").name.strip()


def _upload(session: Session, digest: str, name: str, actor: User) -> Attachment | None:
    """`actor`'s earlier upload of these bytes under this name (sent again: the same file), if any."""
    return session.scalar(select(Attachment).where(Attachment.content_sha256 == digest, Attachment.filename == name,
                                                   Attachment.uploaded_by == actor.id).order_by(Attachment.uploaded_at)
                          .limit(1))


def drop_stale_spools(blobs: BlobStore, db: Database) -> int:
    """Remove the temporary files of uploads whose worker was killed mid-request (nothing else
    would: they stayed for good). An upload takes at most a request's time, so a spooled file
    an hour old is no live upload's; run as the server starts. Returns how many were removed.

    A worker killed after its transaction committed and before it placed the file (a directory
    store places it after the commit) left the only copy of a stored attachment's bytes there:
    that one becomes those bytes instead. Without the database to ask, a file is left for the
    next start."""
    folder = Path(blobs.spool_dir or tempfile.gettempdir())
    limit = time.time() - STALE_SPOOL_SECONDS
    removed = 0
    for path in folder.glob(f"{SPOOL_PREFIX}*") if folder.is_dir() else ():
        with contextlib.suppress(FileNotFoundError):  # another worker starting took it first
            if path.stat().st_mtime < limit and not _kept_as_stored_bytes(blobs, db, path):
                path.unlink()
                removed += 1
    return removed


def _kept_as_stored_bytes(blobs: BlobStore, db: Database, spool: Path) -> bool:
    """Whether `spool` holds the bytes of a stored attachment (then the store keeps them, unless
    it has them already) or could not be checked; False: no attachment's, to remove."""
    digest = hashlib.sha256()
    with spool.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    try:
        with db.session() as session:
            if session.scalar(select(Attachment.sha256).where(
                    Attachment.content_sha256 == digest.hexdigest()).limit(1)) is None:
                return False
            blobs.keep(session, spool, digest.hexdigest())
    except SQLAlchemyError as exc:
        log.warning("a spooled upload could not be checked against the attachments, left for the next "
                    "start: %s (%s)", spool, type(exc).__name__)
    return True


def _spool(stream: BinaryIO, spool_dir: str | None) -> tuple[str, int, Path]:
    """Copy to a temporary file (beside the store's files, so that placing it is a rename)
    while hashing; stop reading past the limit. A failed write (a full disk) leaves nothing behind."""
    if spool_dir:
        Path(spool_dir).mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, temp = tempfile.mkstemp(dir=spool_dir, prefix=SPOOL_PREFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > MAX_SIZE:
                    break
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size, Path(temp)


@event.listens_for(Session, "after_commit")
def _place_uploads(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the rows may still roll back with the outer transaction
    for temp, target, _owner in session.info.pop(_PENDING, []):
        if target.exists():  # the same content, committed by another transaction meanwhile
            temp.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, target)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, rolled_back: SessionTransaction) -> None:
    """A rolled-back transaction, or savepoint, takes its files with it."""
    kept = []
    for temp, target, owner in session.info.get(_PENDING, []):
        if _within(owner, rolled_back):
            temp.unlink(missing_ok=True)
        else:
            kept.append((temp, target, owner))
    session.info[_PENDING] = kept


@event.listens_for(Session, "after_transaction_end")
def _drop_uploads(session: Session, transaction: SessionTransaction) -> None:
    """Whatever was not placed at commit belongs to a transaction that did not commit."""
    if transaction.parent is None:
        for temp, _target, _owner in session.info.pop(_PENDING, []):
            temp.unlink(missing_ok=True)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def describe(session: Session, digests: list[str]) -> list[Attachment]:
    if not digests:
        return []
    found = {a.sha256: a for a in session.scalars(select(Attachment).where(Attachment.sha256.in_(digests)))}
    return [found[d] for d in digests if d in found]

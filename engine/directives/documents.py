"""A directive's own files: its scanned document (bản chụp văn bản) and annexes (phụ lục),
attached at registration or later from its page by the office. They are listed in
Directive.extra["documents"] as {"sha256", "kind"}; whoever may see the directive may
download them (engine.directives.models declares them readable)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.orm import Session

from engine import audit
from engine.directives import attachments
from engine.directives.models import Attachment, Directive
from engine.errors import Forbidden, NotFound
from engine.org import permissions
from engine.org.models import User

SCAN, ANNEX = "scan", "annex"
KINDS = (SCAN, ANNEX)
ATTACHED = "directive.documents_attached"


@dataclass(frozen=True)
class Upload:
    stream: BinaryIO
    filename: str
    kind: str  # SCAN or ANNEX


def attach(session: Session, blobs: attachments.BlobStore, directive: Directive, uploads: list[Upload],
           actor: User) -> list[Attachment]:
    """Store `uploads` and list them on the directive, in the caller's transaction: a refused
    file (type, size) refuses them all."""
    if not permissions.may_edit_directives(actor) or not permissions.acts_as_office_on(
            session, actor, permissions.DIRECTIVE, directive.id):
        raise Forbidden("Only the tracking office attaches the directive's documents.")
    listed = list((directive.extra or {}).get("documents", []))
    stored, added = [], []
    for upload in uploads:
        row = attachments.store(session, blobs, upload.stream, upload.filename, actor)
        if all(entry["sha256"] != row.sha256 for entry in listed):
            listed.append({"sha256": row.sha256, "kind": upload.kind if upload.kind in KINDS else ANNEX})
            added.append(row.sha256)
        stored.append(row)
    if added:  # a file listed already is not attached, nor written in the history, again
        directive.extra = {**(directive.extra or {}), "documents": listed}  # a new dict: JSON change seen
        audit.record(session, ATTACHED, "directive", directive.id, actor=actor, after={"attachments": added},
                     directive_id=directive.id)
    return stored


def attach_later(engine, directive_id: int, uploads: list[Upload], actor: User) -> list[Attachment]:
    """From the directive's page, after registration."""
    with engine.db.session() as session:
        user = session.get_one(User, actor.id)
        directive = session.get(Directive, directive_id)
        if directive is None or not permissions.may_see(session, user, permissions.DIRECTIVE, directive_id):
            raise NotFound("No such directive.")
        return attach(session, engine.blobs, directive, uploads, user)


def listed(session: Session, directive: Directive) -> list[tuple[str, Attachment]]:
    """(kind, file) of the directive's documents, the scan first, then in the order attached."""
    entries = (directive.extra or {}).get("documents", [])
    kinds = {entry["sha256"]: entry["kind"] for entry in entries}
    files = attachments.describe(session, [entry["sha256"] for entry in entries])
    return sorted(((kinds[f.sha256], f) for f in files), key=lambda pair: pair[0] != SCAN)

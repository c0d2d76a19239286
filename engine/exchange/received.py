"""Documents from the hub waiting for the office (văn bản đến chờ đăng ký). edXML carries no
task list, so a new document (or a replacing one) that comes without assignments is kept
with its message until the clerk registers it with its tasks, through the edXML import as
if it had come with them, or dismisses it as not for tracking. A later message about a
waiting document (by its DocumentId or ResponseFor) acts on the waiting row: a recall
dismisses it with the hub's reason, an update replaces its message (header and files), a
status waits in the folder until the document is registered or dismissed. A sender's request
to have a registered document back (13) waits for the clerk's answer (engine.exchange.recalls);
one about a document the office set aside is answered at once (15: nothing was registered)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from engine import audit, clock, translation
from engine.db import lock_name, rowcount
from engine.directives.models import Directive
from engine.errors import AlreadyDone, EngineError, Forbidden, NotFound
from engine.exchange import models, recalls
from engine.exchange.models import MessageReceipt, ReceivedDocument
from engine.imports import edxml
from engine.org import permissions
from engine.org.models import User

WAITING, REGISTERED, DISMISSED, REPLACED = "waiting", "registered", "dismissed", "replaced"
# What `receive` did besides importing: kept a document for the office, left a status to wait for
# its document, answered a recall request about a document the office set aside.
KEPT, WAITS, GIVEN_BACK = "kept", "waits", "given_back"


@dataclass
class Received:
    """What receiving a message did: `action` is KEPT (it waits for the office: `waiting`), WAITS
    (a status about a waiting document: try again later), GIVEN_BACK (a recall request about a
    document the office set aside, answered: `waiting`), "recalled"/"updated" (a waiting
    document's, or a directive's), else the import's; `changed` is False when nothing was done
    again (the message had been received before)."""

    action: str
    directive: Directive | None = None
    waiting: ReceivedDocument | None = None
    changed: bool = True


def receive(engine, data: bytes, assignments: list[dict], actor: User, file_name: str) -> Received:
    """Import the message, or keep it (a new document without assignments, once per DocumentId),
    in one transaction that notes its digest: the same message again does nothing and answers
    what it did the first time, unless it brings the tasks of the document that waits. Raises
    ImportFailed as the import does."""
    message = edxml.read(data)
    digest = hashlib.sha256(data).hexdigest()
    with engine.db.session() as session:
        _wait_for_twins(session, message, digest)
        earlier = session.scalar(select(MessageReceipt).where(MessageReceipt.digest == digest))
        waiting = _waiting_for(session, message, earlier)
        if earlier is not None and not (assignments and waiting is not None and isinstance(message, edxml.Document)):
            return _as_before(session, earlier)
        if waiting is not None and isinstance(message, edxml.Status):
            return Received(WAITS)
        done = _received(engine, session, message, waiting, data, file_name, assignments, actor) \
            if isinstance(message, edxml.Document) else _given_back(session, message, digest, actor)
        if done is None:
            outcome = edxml.apply(engine, session, message, assignments, actor)
            done = Received(outcome.action, outcome.directive, changed=outcome.changed)
            if isinstance(message, edxml.Status) and done.changed:  # 13: the clerk answers it
                recalls.hold(session, message, outcome.directive, digest, actor)
        if done.changed and done.action in ("recalled", "replaced"):
            recalls.settle_ended(session, actor)
        _note(session, earlier, digest, done)
        _answer(session, message, done, digest)
        return done


def _wait_for_twins(session: Session, message: edxml.Document | edxml.Status, digest: str) -> None:
    """Receive one message, and one document, at a time: the same bytes posted twice at once
    (two clients, a double-click on two workers) are received before by the slower call, which
    reads what the first committed (it found no receipt and failed on the directive or the
    receipt's unique digest otherwise)."""
    lock_name(session, f"edxml:{digest}")
    if isinstance(message, edxml.Document) and message.document_id:
        lock_name(session, f"edxml_document:{message.document_id}")


def _as_before(session: Session, earlier: MessageReceipt) -> Received:
    directive = session.get(Directive, earlier.directive_id) if earlier.directive_id else None
    row = session.get(ReceivedDocument, earlier.received_id) if earlier.received_id else None
    return Received(earlier.action, directive, row, changed=False)


def _note(session: Session, earlier: MessageReceipt | None, digest: str, done: Received) -> None:
    """The message's receipt, in the transaction of what it did (a kept one's, once registered)."""
    session.flush()
    receipt = earlier or MessageReceipt(digest=digest, received_at=clock.now())
    receipt.action = done.action
    receipt.directive_id = done.directive.id if done.directive else None
    receipt.received_id = done.waiting.id if done.waiting else receipt.received_id
    session.add(receipt)


def _answer(session: Session, message: edxml.Document | edxml.Status, done: Received, digest: str) -> None:
    """15 (đồng ý lấy lại / cập nhật) to the sender of a recall or an update, which dondoc
    applies as it comes, once per message (its receipt's digest)."""
    if not isinstance(message, edxml.Document) or message.business not in (edxml.RECALL, edxml.UPDATE):
        return
    document_id = message.document_id or (done.directive.source_document_id if done.directive else None) or ""
    models.queue(session, _sender_target(message.preview(), document_id), models.AGREED,
                 done.directive.id if done.directive else None, reply_to=digest)


def _given_back(session: Session, message: edxml.Status, digest: str, actor: User) -> Received | None:
    """A sender asks back (13) a document the office set aside while it waited (Bỏ qua, or the
    hub's recall) and never registered: nothing is tracked, nothing to withdraw, so the office
    agrees (15, đồng ý lấy lại; 16 would say it keeps the document, which it does not), as the
    reply to the 13 (its digest): once. None: it is about something else (import it)."""
    set_aside = _set_aside(session, message)
    if set_aside is None:
        return None
    why = translation.message("The document was not registered for tracking: %(reason)s",
                              {"reason": set_aside.reason})
    models.queue(session, _sender_target(set_aside.header, set_aside.document_id or ""), models.AGREED, None,
                 reply_to=digest, description=models.with_reason(models.AGREED, why))
    audit.record(session, "received.given_back", "edxml_received", set_aside.id, actor=actor,
                 after={"from": message.sender["name"] or message.sender["organ_id"],
                        "document": set_aside.header["symbol"], "reason": set_aside.reason})
    return Received(GIVEN_BACK, waiting=set_aside)


def _set_aside(session: Session, message: edxml.Status) -> ReceivedDocument | None:
    """The dismissed document a recall request (13) names by its DocumentId, unless a later
    message of it was registered after all (then the directive's clerk answers it)."""
    document_id = message.response_for["document_id"]
    if message.code != recalls.REQUESTED or not document_id or edxml.by_document_id(session, [document_id]):
        return None
    return session.scalar(select(ReceivedDocument).where(ReceivedDocument.document_id == document_id,
                                                         ReceivedDocument.status == DISMISSED))


def _sender_target(header: dict, document_id: str) -> models.Target:
    """The sender's document a status is about, from a message's preview (its header)."""
    return models.Target(header["sender_organ_id"], header["symbol"], date.fromisoformat(header["issued_on"]),
                         document_id)


def _received(engine, session: Session, message: edxml.Document, waiting: ReceivedDocument | None, data: bytes,
              file_name: str, assignments: list[dict], actor: User) -> Received | None:
    """What a document message does to a waiting one, or keeps waiting; None: import it."""
    registers = message.business in (edxml.NEW, edxml.REPLACE)
    if waiting is not None and message.business == edxml.RECALL:
        _decide(session, waiting.id, DISMISSED, None, reason=edxml.recall_reason(message))
        return Received("recalled", waiting=waiting)
    if waiting is not None and message.business == edxml.UPDATE:
        # What it replaces stays the waiting document's: the update names the waiting one only.
        waiting.header = {**message.preview(), "replaces": waiting.header.get("replaces", [])}
        waiting.data, waiting.file_name = data, file_name
        return Received("updated", waiting=waiting)
    if waiting is not None and _supersedes(message, waiting):
        return _supersede(engine, session, waiting, message, data, file_name, assignments, actor)
    if registers and waiting is not None and assignments:  # its tasks came after it
        return Received("registered", _register(engine, session, waiting, message, assignments, actor), waiting)
    if registers and not assignments and edxml.by_document_id(session, [message.document_id]) is None:
        return _keep(session, _as_registered(session, message), data, file_name)
    return None


def _supersedes(message: edxml.Document, waiting: ReceivedDocument) -> bool:
    """A replacing document (thay thế) naming the waiting one, which is another document."""
    named = [*message.replaces, *(r["document_id"] for r in message.response_for)]
    return message.business == edxml.REPLACE and waiting.document_id in named \
        and waiting.document_id != message.document_id


def _supersede(engine, session: Session, old: ReceivedDocument, message: edxml.Document, data: bytes,
               file_name: str, assignments: list[dict], actor: User) -> Received:
    """The waiting document is replaced before it was registered: it leaves the list, marked
    replaced, and the newer one takes its place (waiting, or registered with the assignments that
    came with it) as the old would have registered: new, or replacing what the old replaced."""
    _decide(session, old.id, REPLACED, None, reason=edxml.replace_reason(message))
    successor = replace(message, business=old.business, replaces=list(old.header.get("replaces", [])))
    if assignments:
        return Received("replaced", edxml.apply(engine, session, successor, assignments, actor).directive)
    return _keep(session, successor, data, file_name)


def _as_registered(session: Session, message: edxml.Document) -> edxml.Document:
    """A replacing document whose predecessor is no registered directive (dismissed, replaced
    while waiting, or never received) registers as a new one: there is nothing to replace."""
    if message.business == edxml.REPLACE and edxml.replaced_directive(session, message.replaces,
                                                                      message.response_for) is None:
        return replace(message, business=edxml.NEW, replaces=[])
    return message


def _waiting_for(session: Session, message: edxml.Document | edxml.Status,
                 earlier: MessageReceipt | None) -> ReceivedDocument | None:
    """The waiting document the message is about: by its ids, or the one this very message left
    waiting before (a message without a DocumentId)."""
    if isinstance(message, edxml.Status):
        ids = [message.response_for["document_id"]]
    else:
        ids = [*message.replaces, *(r["document_id"] for r in message.response_for), message.document_id]
    same: list[ColumnElement[bool]] = [ReceivedDocument.document_id.in_([i for i in ids if i])]
    if earlier is not None and earlier.received_id is not None:
        same.append(ReceivedDocument.id == earlier.received_id)
    return session.scalar(select(ReceivedDocument).where(or_(*same), ReceivedDocument.status == WAITING).limit(1))


def _keep(session: Session, message: edxml.Document, data: bytes, file_name: str) -> Received:
    """One row per DocumentId: the same document again (or after the row was decided) adds none."""
    known = session.scalar(select(ReceivedDocument).where(ReceivedDocument.document_id == message.document_id)) \
        if message.document_id else None
    if known is not None:
        return Received(KEPT, waiting=known, changed=False)
    row = ReceivedDocument(document_id=message.document_id or None, file_name=file_name, data=data,
                           business=message.business, header=message.preview(), received_at=clock.now(),
                           status=WAITING)
    session.add(row)
    if message.document_id:  # đã đến: the sender learns it arrived, before the office registers it
        models.arrived(session, _sender_target(message.preview(), message.document_id))
    return Received(KEPT, waiting=row)


def waiting(session: Session) -> list[ReceivedDocument]:
    return list(session.scalars(select(ReceivedDocument).where(ReceivedDocument.status == WAITING)
                                .order_by(ReceivedDocument.received_at, ReceivedDocument.id)))


def count_waiting(session: Session) -> int:
    return session.scalar(select(func.count()).where(ReceivedDocument.status == WAITING)) or 0


def get(session: Session, received_id: int) -> ReceivedDocument:
    found = session.get(ReceivedDocument, received_id)
    if found is None:
        raise NotFound("No such received document.")
    return found


def replaced_directive(session: Session, received: ReceivedDocument) -> Directive | None:
    """The registered directive registering this document will replace (its open tasks withdrawn)."""
    if received.business != edxml.REPLACE:
        return None
    return edxml.replaced_directive(session, received.header.get("replaces", []),
                                    received.header.get("response_for", []))


def attachments(received: ReceivedDocument) -> list[tuple[str, bytes]]:
    """The message's files, the first the document itself."""
    message = edxml.read(received.data)
    return message.attachments if isinstance(message, edxml.Document) else []


def register(engine, received_id: int, assignments: list[dict], actor: User) -> Directive:
    """Register the waiting document with `assignments` through the edXML import (its status 03,
    its DocumentId link), in one transaction that marks the row registered: a second try is
    refused (AlreadyDone), never a second directive. Raises ImportFailed as the import does."""
    with engine.db.session() as session:
        _check_may_take(session, actor)
        received = get(session, received_id)
        return _register(engine, session, received, edxml.read(received.data), assignments, actor)


def _register(engine, session: Session, received: ReceivedDocument, message, assignments: list[dict],
              actor: User) -> Directive:
    _decide(session, received.id, REGISTERED, actor)
    # As the document first came (new or replacing), whatever update replaced its message since,
    # and on the day it came (ngày đến): a receiving office counts its classification from it.
    arrived = received.received_at.astimezone(clock.VN_TZ).date().isoformat()
    first = replace(message, business=received.business, replaces=list(received.header.get("replaces", [])),
                    header={**message.header, "received_on": arrived})
    directive = edxml.apply(engine, session, first, assignments, actor).directive
    received.directive_id = directive.id
    return directive


def dated_ahead(row: ReceivedDocument) -> bool:
    """The waiting document is dated after today: its pages warn before it is registered."""
    return edxml.dated_ahead(date.fromisoformat(row.header["issued_on"]))


def dismiss(engine, received_id: int, reason: str, actor: User) -> None:
    """Not for tracking (không theo dõi): the reason is required, and goes to the sender with 02
    (từ chối tiếp nhận), which closes what 01 (đã đến) opened."""
    if not reason.strip():
        raise EngineError("Give the reason why this document is not tracked.")
    with engine.db.session() as session:
        _check_may_take(session, actor)
        row = _decide(session, received_id, DISMISSED, actor, reason=reason.strip())
        if row.document_id:
            models.queue(session, _sender_target(row.header, row.document_id), models.REFUSED, None,
                         description=models.with_reason(models.REFUSED, reason.strip()))


def refused(engine, data: bytes, why: str) -> bool:
    """A document message the watched folder refused (to failed/) for what the sender can mend:
    its sender, known from its header, is told once per message (the reply to its digest) with
    `why` — 02 (từ chối tiếp nhận) for a new or replacing document, 16 (từ chối lấy lại / cập
    nhật) for a recall or an update. Not for a document received before (its sender had 01:
    this is a second copy), nor where the header names no sender. Whether it was told."""
    address = edxml.return_address(data)
    if address is None:
        return False
    digest = hashlib.sha256(data).hexdigest()
    code = models.DECLINED if address.business in (edxml.RECALL, edxml.UPDATE) else models.REFUSED
    with engine.db.session() as session:
        lock_name(session, f"edxml:{digest}")
        if session.scalar(select(models.StatusMessage.id).where(models.StatusMessage.reply_to == digest)) \
                or (code == models.REFUSED and _received_before(session, address.document_id)):
            return False
        models.queue(session, models.Target(address.organ_id, address.symbol, address.issued_on, address.document_id),
                     code, None, reply_to=digest, description=models.with_reason(code, why))
    return True


def _received_before(session: Session, document_id: str) -> bool:
    return bool(document_id) and (edxml.by_document_id(session, [document_id]) is not None or session.scalar(
        select(ReceivedDocument.id).where(ReceivedDocument.document_id == document_id)) is not None)


def _check_may_take(session: Session, actor: User) -> None:
    if not permissions.may_take_hub_documents(session, actor):
        raise Forbidden("The documents from the hub are the tracking office's to register.")


def _decide(session: Session, received_id: int, status: str, actor: User | None,
            reason: str | None = None) -> ReceivedDocument:
    """Take the row out of waiting; the conditional update lets one of two concurrent tries win."""
    get(session, received_id)
    taken = rowcount(session.execute(update(ReceivedDocument).where(
        ReceivedDocument.id == received_id, ReceivedDocument.status == WAITING).values(
        status=status, decided_by=actor.id if actor else None, decided_at=clock.now(), reason=reason)))
    if not taken:
        raise AlreadyDone("This received document was registered or dismissed already.")
    found = session.get_one(ReceivedDocument, received_id)
    session.refresh(found)
    return found

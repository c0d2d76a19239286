"""A sender asks for a registered document back (edXML status 13, yêu cầu lấy lại): unlike an
issuer's recall message, which dondoc applies as it comes, the request waits for the tracking
office's clerk, who accepts it (the directive is recalled as an issuer's recall is, and 15,
đồng ý lấy lại, goes to the sender) or refuses it with a reason (16, từ chối lấy lại). Either
answer is queued once, as the reply to the 13 message (its digest). A request about a directive
already recalled or replaced is agreed at once (15, saying why), once; so is one waiting when its
directive is recalled or replaced meanwhile (settle_ended)."""
from __future__ import annotations

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from engine import audit, clock, translation
from engine.db import rowcount
from engine.directives.models import ENDED_BY_ISSUER, Directive, DirectiveStatus
from engine.errors import AlreadyDone, Forbidden, NotFound
from engine.exchange import models
from engine.exchange.models import RecallRequest
from engine.forms import FormValidationError, Message
from engine.imports import edxml
from engine.org import permissions
from engine.org.models import User

WAITING, ACCEPTED, REFUSED = "waiting", "accepted", "refused"
REQUESTED = "13"  # yêu cầu lấy lại


def hold(session: Session, message: edxml.Status, directive: Directive, digest: str, actor: User) -> None:
    """Keep a 13 for the clerk to answer; one waiting per directive (the sender asking again
    while the first waits is the same request: answered once). About a directive already
    recalled or replaced, 15 goes at once instead, once (_agree_ended)."""
    if message.code != REQUESTED or session.scalar(select(RecallRequest.id).where(
            RecallRequest.directive_id == directive.id, RecallRequest.status == WAITING)) is not None:
        return
    row = RecallRequest(digest=digest, directive_id=directive.id, sender_organ_id=message.sender["organ_id"],
                        sender_name=message.sender["name"] or message.sender["organ_id"],
                        description=message.description, received_at=clock.now(), status=WAITING)
    if directive.status in ENDED_BY_ISSUER:  # accepting it would change nothing
        _agree_ended(session, row, directive, actor)
    else:
        session.add(row)


def _agree_ended(session: Session, row: RecallRequest, directive: Directive, actor: User) -> None:
    """15 with the reason, as the reply to the 13, and a line in the directive's history; once per
    directive however often it is asked (the agreed request is kept, decided by no one)."""
    if session.scalar(select(RecallRequest.id).where(RecallRequest.directive_id == directive.id,
                                                     RecallRequest.status == ACCEPTED)) is not None:
        return
    row.status, row.decided_at = ACCEPTED, clock.now()
    session.add(row)
    _agree(session, row, directive, actor)


def settle_ended(session: Session, actor: User) -> None:
    """Agree the requests still waiting about directives their issuer has since recalled or replaced
    (the clerk's accepting them would change nothing), each once: a clerk's answer at the same moment
    takes a request out of waiting first, or this does (the same conditional update as _decide)."""
    for row, directive in session.execute(select(RecallRequest, Directive).join(
            Directive, Directive.id == RecallRequest.directive_id).where(
            RecallRequest.status == WAITING, Directive.status.in_(ENDED_BY_ISSUER))).all():
        if rowcount(session.execute(update(RecallRequest).where(
                RecallRequest.id == row.id, RecallRequest.status == WAITING).values(
                status=ACCEPTED, decided_at=clock.now()))):
            _agree(session, row, directive, actor)


def _agree(session: Session, row: RecallRequest, directive: Directive, actor: User) -> None:
    why = _why_ended(directive)
    _answer(session, row, directive, models.AGREED, models.with_reason(models.AGREED, why))
    audit.record(session, "directive.recall_request_agreed", "directive", directive.id, actor=actor,
                 after={"from": row.sender_name, "document": directive.symbol, "reason": why},
                 directive_id=directive.id)


def waiting(session: Session, user: User) -> list[tuple[RecallRequest, Directive]]:
    """The requests the office has not answered about directives `user` may see (a secret one's
    symbol and summary stay with its readers), oldest first, each with its directive."""
    return [(row, directive) for row, directive in session.execute(
        _waiting_for(session, user).order_by(RecallRequest.received_at, RecallRequest.id))]


def count_waiting(session: Session, user: User) -> int:
    """How many `waiting` lists for `user` (the menu's badge counts what the list shows)."""
    return session.scalar(select(func.count()).select_from(_waiting_for(session, user).subquery())) or 0


def _waiting_for(session: Session, user: User) -> Select[RecallRequest, Directive]:
    return select(RecallRequest, Directive).join(Directive, Directive.id == RecallRequest.directive_id).where(
        RecallRequest.status == WAITING, permissions.see_clause(session, user, permissions.DIRECTIVE))


def accept(engine, request_id: int, actor: User) -> RecallRequest:
    """The document goes back to its sender: the directive is recalled (its open tasks
    withdrawn, the units told) and 15 is queued."""
    with engine.db.session() as session:
        row, directive = _decide(session, request_id, ACCEPTED, actor)
        edxml.recall(engine, session, directive, _recall_reason(row), directive.symbol, actor)
        _answer(session, row, directive, models.AGREED, None)
        audit.record(session, "directive.recall_request_accepted", "directive", directive.id, actor=actor,
                     after={"from": row.sender_name, "document": directive.symbol}, directive_id=directive.id)
        return row


def refuse(engine, request_id: int, reason: str, actor: User) -> RecallRequest:
    """The office keeps the document: `reason` (required) goes to the sender with 16."""
    if not reason.strip():
        raise FormValidationError({"reason": Message("Give the reason why the document is not given back.")})
    with engine.db.session() as session:
        row, directive = _decide(session, request_id, REFUSED, actor, reason.strip())
        _answer(session, row, directive, models.DECLINED, models.with_reason(models.DECLINED, reason.strip()))
        audit.record(session, "directive.recall_request_refused", "directive", directive.id, actor=actor,
                     after={"from": row.sender_name, "document": directive.symbol, "reason": row.reason},
                     directive_id=directive.id)
        return row


def _why_ended(directive: Directive) -> str:
    """Why a request about a directive no longer tracked is agreed, in the catalogue's words."""
    if directive.status == DirectiveStatus.REVOKED:
        return translation.message("The document was already recalled: nothing is tracked any more.")
    return translation.message("The document was already replaced: nothing is tracked under it any more.")


def _recall_reason(row: RecallRequest) -> str:
    """The withdrawal's reason the units read and the history keeps: who asked, and their words
    where they gave any, in the catalogue's words (engine.translation: Vietnamese under `dondoc`)."""
    if row.description:
        return translation.message("%(sender)s asked to have the document back: %(words)s",
                                   {"sender": row.sender_name, "words": row.description})
    return translation.message("%(sender)s asked to have the document back", {"sender": row.sender_name})


def _answer(session: Session, row: RecallRequest, directive: Directive, code: str, description: str | None) -> None:
    sender = ((directive.extra or {}).get("edxml") or {}).get("sender") or {}
    target = models.Target(sender.get("organ_id") or row.sender_organ_id, directive.symbol, directive.issued_on,
                           directive.source_document_id or "")
    models.queue(session, target, code, directive.id, reply_to=row.digest, description=description)


def _decide(session: Session, request_id: int, status: str, actor: User,
            reason: str | None = None) -> tuple[RecallRequest, Directive]:
    """Take the request out of waiting; the conditional update lets one of two concurrent answers win."""
    if not permissions.may_take_hub_documents(session, actor):
        raise Forbidden("The documents from the hub are the tracking office's to register.")
    found = session.get(RecallRequest, request_id)
    if found is None or not permissions.may_see(session, actor, permissions.DIRECTIVE, found.directive_id):
        raise NotFound("No such recall request.")
    taken = rowcount(session.execute(update(RecallRequest).where(
        RecallRequest.id == request_id, RecallRequest.status == WAITING).values(
        status=status, decided_by=actor.id, decided_at=clock.now(), reason=reason)))
    if not taken:
        raise AlreadyDone("This recall request was answered already.")
    row = session.get_one(RecallRequest, request_id)
    session.refresh(row)
    return row, session.get_one(Directive, row.directive_id)

"""One sync run of a lower deployment with its upper level:

1. pull — the upper level's assignments led by our unit there become local assignments
   (their own process: our sections handle them, our office urges them);
2. collect — new progress updates of those assignments go into the outbox, in the same
   transaction that moves the per-assignment cursor, so no update is skipped or doubled;
3. deliver — outbox rows are posted to the upper level's API with their Idempotency-Key;
   a network failure leaves them pending with a growing back-off, a refusal marks them
   rejected (kept, with the reason, for an administrator).

Each step works without the others: the outbox fills even while the upper level is down.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.directives import service as directives
from engine.directives.models import (
    ORIGIN_PROVINCE,
    Assignment,
    DeadlineKind,
    Directive,
    DirectiveStatus,
    ProgressUpdate,
)
from engine.directives.service import origin_labels
from engine.errors import EngineError
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.secrecy import register as secret_register
from engine.sync.client import UpperClient, UpperUnreachable
from engine.sync.models import OutboxStatus, SyncedAssignment, SyncOutbox

PAGE_SIZE = 200
MAX_BACKOFF = timedelta(hours=6)


class SyncError(EngineError):
    pass


@dataclass(frozen=True)
class Peer:
    """The upper level, as settings `[sync]` describe it."""

    url: str            # its base URL, e.g. https://theodoi.daklak.gov.vn
    token: str          # an API token of its account for our unit
    remote_unit: str    # our unit's code in its organisation tree
    local_unit: str     # the local unit that leads what it gives us
    actor: str | None = None  # local user recorded as receiving them (default: system)


def peer_from_settings(settings) -> Peer:
    raw = settings.sync
    missing = [k for k in ("url", "token", "remote_unit", "local_unit") if not raw.get(k)]
    if missing:
        raise SyncError("The settings [sync] lack %(keys)s.", keys=", ".join(missing))
    return Peer(url=raw["url"].rstrip("/"), token=raw["token"], remote_unit=raw["remote_unit"],
                local_unit=raw["local_unit"], actor=raw.get("actor"))


@dataclass
class SyncResult:
    pulled: int = 0
    queued: int = 0
    sent: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    on_paper: list[str] = field(default_factory=list)  # secret ones this regulation keeps out of the system


def run(engine, peer: Peer, client: UpperClient | None = None) -> SyncResult:
    client = client or UpperClient(peer.url, peer.token)
    result = SyncResult()
    try:
        result.pulled = pull(engine, peer, client, result.on_paper)
    except UpperUnreachable as exc:
        result.errors.append(f"pull: {exc}")
    result.queued = collect(engine, peer)
    result.sent, result.rejected, error = deliver(engine, peer, client)
    if error:
        result.errors.append(f"deliver: {error}")
    return result


# ---------------------------------------------------------------- pull
def pull(engine, peer: Peer, client: UpperClient, on_paper: list[str]) -> int:
    """Receive the upper level's assignments led by our unit that we do not have yet; a secret
    one the ruleset does not let the system keep is not copied, its directive's symbol is
    added to `on_paper` (followed by the paper procedure, outside the system)."""
    received, page = 0, 1
    directives_seen: dict[int, dict] = {}
    ours = _led_by_us(client, peer.remote_unit)
    while True:
        answer = client.get("/api/v1/assignments", {"unit": peer.remote_unit, "per_page": PAGE_SIZE, "page": page,
                                                    "sort": "issued"})
        if answer.status != 200:
            raise SyncError("The upper level refused the list of assignments (HTTP %(status)s: %(body)s).",
                            status=answer.status, body=str(answer.body)[:500])
        for item in answer.body.get("items", []):
            if item.get("lead_unit") not in ours or _known(engine, peer, item["id"]):
                continue
            directive = directives_seen.get(item["directive_id"])
            if directive is None:
                found = client.get(f"/api/v1/directives/{item['directive_id']}")
                if found.status != 200:
                    continue  # withdrawn from our sight meanwhile
                directive = directives_seen[item["directive_id"]] = found.body
            if _kept_on_paper(engine, directive):
                on_paper.append(directive["symbol"])
                continue
            receive(engine, peer, directive, item)
            received += 1
        if page * PAGE_SIZE >= answer.body.get("total", 0):
            return received
        page += 1


def _led_by_us(client: UpperClient, remote_unit: str) -> set[str]:
    """Our unit's code in the upper level's tree and those of its units reorganised into it (their successor links
    lead there: a pre-2025 commune merged into our ward, a department merged into ours): the upper level lists the
    tasks they received among ours, and they are ours to carry. Its other units' tasks listed there (a section's,
    or ours as a coordinating unit) are not ours to lead."""
    answer = client.get("/api/v1/org/units", {})
    if answer.status != 200:
        raise SyncError("The upper level refused the list of units (HTTP %(status)s: %(body)s).",
                        status=answer.status, body=str(answer.body)[:500])
    successor = {u["code"]: u.get("successor") for u in answer.body.get("items", [])}
    ours = {remote_unit}
    for code in successor:
        chain, current = {code}, successor[code]
        while current and current not in chain and current != remote_unit:
            chain.add(current)
            current = successor.get(current)
        if current == remote_unit:
            ours.add(code)
    return ours


def _kept_on_paper(engine, upper_directive: dict) -> bool:
    """The upper level's directive is secret and this ruleset keeps no secret content (Gia Lai
    Đ.6 k.2a: không sao chép, cập nhật trên hệ thống): the rule `directives.register` applies."""
    with engine.db.session() as session:
        settings = engine.compiled(engine.current_bundle(session)).settings
    return permissions.refuses_secret_content(settings, upper_directive)


def _known(engine, peer: Peer, upper_id: int) -> bool:
    with engine.db.session() as session:
        return session.scalar(select(SyncedAssignment.id).where(
            SyncedAssignment.peer == peer.url, SyncedAssignment.upper_assignment_id == upper_id)) is not None


def receive(engine, peer: Peer, upper_directive: dict, upper_item: dict) -> int:
    """Create the local directive (once) and assignment for one upper assignment, and its
    process, in one transaction. Returns the local assignment id."""
    with engine.db.session() as session:
        actor = _actor(session, peer)
        bundle = engine.current_bundle(session)
        origin = ORIGIN_PROVINCE if origin_labels(engine.compiled(bundle).settings) else None
        directive, created = _local_directive(session, bundle.ruleset, peer, upper_directive, actor, origin)
        # the configured local unit, or what succeeds it on the directive's day (a pre-2025 district…)
        lead = org.code_in_force(session, peer.local_unit, directive.issued_on)
        item = {"seq": upper_item.get("seq") or 1, "content": upper_item["content"], "lead_unit": lead,
                "coordinating_units": [], "deadline": upper_item.get("deadline"),
                "deadline_kind": upper_item.get("deadline_kind") or DeadlineKind.DATED,
                "urgency": upper_item.get("urgency") or directive.urgency,
                "requires_report": bool(upper_item.get("requires_report"))}
        org.require_unit(session, lead)
        [local_id] = directives.create_assignments(session, engine.runtime, bundle, directive, [item], actor)
        if created:  # a secret one gets its line in the separate register, as when registered here
            secret_register.add_directive_to_register(engine, session, bundle, directive, [item], actor)
        session.add(SyncedAssignment(peer=peer.url, upper_assignment_id=upper_item["id"],
                                     upper_directive_id=upper_directive["id"], local_assignment_id=local_id,
                                     created_at=clock.now()))
        audit.record(session, "sync.received", "assignment", local_id, actor=actor,
                     after={"peer": peer.url, "upper_assignment_id": upper_item["id"]},
                     directive_id=directive.id, assignment_id=local_id)
        return local_id


def _actor(session: Session, peer: Peer) -> User | None:
    """The local user recorded as receiving (`[sync] actor`): one whose account is in force, as for a person
    signing in (an account ended with its unit, or deactivated, receives nothing in its name)."""
    if not peer.actor:
        return None
    users = org.users_by_name(session, [peer.actor])
    if not users:
        raise SyncError("The settings [sync] name the actor %(name)s, who is not a user here.", name=peer.actor)
    if not permissions.account_in_force(users[0]):
        raise SyncError("The settings [sync] name the actor %(name)s, whose account is no longer in force: the "
                        "administrator moves it to a unit in force, or the settings name another user.",
                        name=peer.actor)
    return users[0]


def _local_directive(session: Session, ruleset: str, peer: Peer, upper: dict, actor: User | None,
                     origin: str | None) -> tuple[Directive, bool]:
    """The local directive of the upper level's, and whether it was made now."""
    issued_on = date.fromisoformat(upper["issued_on"])
    directive = session.scalar(select(Directive).where(
        Directive.symbol == upper["symbol"], Directive.issued_on == issued_on, Directive.issuer == upper["issuer"]))
    if directive is not None:
        return directive, False
    # The upper level classified and assigned it already: it arrives tracked and assigned, given
    # by the province where the ruleset tracks those apart (Quỳnh Nhai Đ.6 k.1c).
    directive = Directive(
        ruleset=ruleset, doc_type=upper.get("doc_type") or "CV", number=upper.get("number") or "",
        symbol=upper["symbol"], summary=upper.get("summary") or "", issuer=upper["issuer"],
        signer=upper.get("signer"), submitting_body=upper.get("submitting_body"), issued_on=issued_on,
        received_on=clock.today(), urgency=upper.get("urgency") or "normal", secrecy=upper.get("secrecy") or None,
        tracked=True,
        status=DirectiveStatus.ASSIGNED, origin=origin,
        source_document_id=f"{peer.url}/api/v1/directives/{upper['id']}", created_by=getattr(actor, "id", None),
        created_at=clock.now())
    session.add(directive)
    session.flush()
    return directive, True


# ---------------------------------------------------------------- collect
def collect(engine, peer: Peer) -> int:
    """Queue every progress update our lead unit recorded since the last run."""
    queued = 0
    with engine.db.session() as session:
        links = session.scalars(select(SyncedAssignment).where(SyncedAssignment.peer == peer.url)).all()
        for link in links:
            lead_unit_id = session.get(Assignment, link.local_assignment_id).lead_unit_id
            # Only the lead unit's own reports go up (not a coordinating unit's or a section's).
            updates = session.scalars(select(ProgressUpdate).where(
                ProgressUpdate.assignment_id == link.local_assignment_id, ProgressUpdate.unit_id == lead_unit_id,
                ProgressUpdate.id > link.last_reported_update_id).order_by(ProgressUpdate.id)).all()
            for update in updates:
                session.add(SyncOutbox(
                    peer=peer.url, key=f"sync-{uuid.uuid4().hex}", local_assignment_id=link.local_assignment_id,
                    path=f"/api/v1/assignments/{link.upper_assignment_id}/progress",
                    payload={"progress": update.progress, "note": update.note or "",
                             "overdue_reason": update.overdue_reason or ""},
                    next_attempt_at=clock.now(), created_at=clock.now()))
                link.last_reported_update_id = update.id
                queued += 1
    return queued


# ---------------------------------------------------------------- deliver
def deliver(engine, peer: Peer, client: UpperClient) -> tuple[int, int, str | None]:
    """Post due outbox rows in order. Stops at the first network failure (the rest would
    fail the same way) and returns (sent, rejected, that failure)."""
    sent = rejected = 0
    with engine.db.session() as session:
        due = session.scalars(select(SyncOutbox.id).where(
            SyncOutbox.peer == peer.url, SyncOutbox.status == OutboxStatus.PENDING,
            SyncOutbox.next_attempt_at <= clock.now()).order_by(SyncOutbox.id)).all()
    for row_id in due:
        with engine.db.session() as session:
            row = session.get(SyncOutbox, row_id)
            row.attempts += 1
            try:
                answer = client.post(row.path, row.payload, row.key)
            except UpperUnreachable as exc:
                row.last_error = str(exc)[:2000]
                row.next_attempt_at = clock.now() + min(timedelta(minutes=2 ** min(row.attempts, 12)), MAX_BACKOFF)
                return sent, rejected, row.last_error
            if 200 <= answer.status < 300:
                row.status, row.sent_at, row.last_error = OutboxStatus.SENT, clock.now(), None
                sent += 1
            else:
                reason = answer.body.get("error", answer.body)
                row.status, row.last_error = OutboxStatus.REJECTED, f"HTTP {answer.status}: {reason}"
                rejected += 1
    return sent, rejected, None


def outbox_status(engine, peer_url: str | None = None) -> dict[str, int]:
    with engine.db.session() as session:
        query = select(SyncOutbox.status)
        if peer_url:
            query = query.where(SyncOutbox.peer == peer_url)
        counts: dict[str, int] = {}
        for status in session.scalars(query):
            counts[status] = counts.get(status, 0) + 1
        return counts

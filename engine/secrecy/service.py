"""What the ruleset lets the system keep of a secret document, the separate register, and
who may read it.

ruleset.toml `[secrecy]`: `store_content` (false: the summary, content and files of a
secret document are refused and only number/symbol, date, issuer, secrecy level, lead unit
and deadline go into the register), `register` ("separate" | "none": no trace at all in the
system), `visible_to` (the roles that may read the register), `paper_report` (periods at
whose end the office is reminded that the paper report is due). These settings are read,
and who may see what is decided, by engine.org.permissions; the register's lines are written
by engine.secrecy.register.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, forms
from engine.directives.models import SECRECY_LEVELS
from engine.directives.service import deadline_of, header_facts
from engine.errors import Forbidden, NotFound
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.secrecy import register
from engine.secrecy.models import SecretAssignment, SecretDocument, SecretDocumentStatus
from engine.secrecy.register import SecrecyError
from engine.text import filled
from engine.working_days.deadline import day_of

HEADER_FORM = "register_directive"
REGISTER_FIELDS = ("symbol", "issued_on", "issuer", "secrecy")  # all a secret header may carry
ITEM_FIELDS = ("lead_unit", "deadline", "deadline_days")
CLOSED_MESSAGE = "secret_document_closed"


def register_secret_document(engine, raw: dict, items: list[dict], actor: User) -> SecretDocument:
    """Record a secret document in the separate register when the ruleset does not let the
    system hold its content. Anything beyond the register's fields is refused, not dropped."""
    with engine.db.session() as session:
        if not permissions.may_register_directives(session.get(User, actor.id)):
            raise Forbidden("Only the tracking office registers secret documents.")
        bundle = engine.current_bundle(session)
        compiled = engine.compiled(bundle)
        rules = permissions.secrecy_policy(compiled.settings)
        if rules.store_content:
            raise SecrecyError("This ruleset keeps secret directives like the others: register it as a directive.")
        if not rules.keeps_register:
            raise SecrecyError("Under this regulation secret documents are not recorded in the system: "
                               "follow them up on paper.")
        header = _clean_header(compiled.forms[HEADER_FORM], raw, session)
        body = permissions.users_body(session, session.get_one(User, actor.id))
        own = permissions.body_units(session, body)
        entries = [_clean_item(session, seq, item, own) for seq, item in enumerate(items, start=1)]
        if not entries:
            raise SecrecyError("Give at least one lead unit and deadline.")
        document = register.new_document(session, bundle.ruleset, header, actor, body_id=body.id)
        for seq, unit_id, deadline in entries:
            document.entries.append(SecretAssignment(seq=seq, lead_unit_id=unit_id, deadline=deadline))
        session.flush()
        register.start_paper_reports(engine, session, bundle, rules, document, actor)
        audit.record(session, "secret_document.registered", "secret_document", document.id, actor=actor,
                     after={"symbol": document.symbol, "secrecy": document.secrecy, "assignments": len(entries)})
        return document


def visible_documents(session: Session, user: User, settings: dict) -> list[SecretDocument]:
    """The register of `user`'s body, for the roles the ruleset names; anyone else is refused."""
    if not permissions.may_read_secret_register(user, settings):
        raise Forbidden("Only %(roles)s may read the secret-document register.",
                        roles=", ".join(permissions.secrecy_policy(settings).visible_to) or "-")
    return list(session.scalars(select(SecretDocument).where(_of_readers_body(session, user))
                                .order_by(SecretDocument.registered_at.desc(), SecretDocument.id.desc())))


def _of_readers_body(session: Session, user: User):
    """SQL: the register's lines of `user`'s body (a commune's office head reads the commune's, the
    province's the province's)."""
    return permissions.recorded_by(session, permissions.users_body(session, user), SecretDocument.body_id)


def close_secret_document(engine, document_id: int, actor: User) -> SecretDocument:
    """The office records that a secret document's tasks are finished; the paper-report
    reminders for it stop."""
    with engine.db.session() as session:
        user = session.get(User, actor.id)
        settings = engine.compiled(engine.current_bundle(session)).settings
        document = session.scalar(select(SecretDocument).where(SecretDocument.id == document_id,
                                                                _of_readers_body(session, user)))
        if document is None or not permissions.may_read_secret_register(user, settings):
            raise NotFound("Secret document %(id)s does not exist.", id=document_id)
        if document.status == SecretDocumentStatus.CLOSED:
            raise SecrecyError("This secret document is already closed.")
        document.status, document.closed_at = SecretDocumentStatus.CLOSED, clock.now()
        if document.instance_id:
            engine.runtime.deliver_message(session, document.instance_id, CLOSED_MESSAGE, {}, actor=user)
        audit.record(session, "secret_document.closed", "secret_document", document.id, actor=user)
        return document


def _clean_header(form: forms.FormDefinition, raw: dict, session: Session) -> dict:
    extra = sorted(k for k, v in raw.items()
                   if k not in REGISTER_FIELDS and k != "csrf_token" and filled(v))
    if extra:
        raise SecrecyError("The regulation does not allow the system to keep %(fields)s of a secret document.",
                           fields=", ".join(extra))
    subset = forms.FormDefinition(key=form.key, title=form.title,
                                  fields=[f for f in form.fields if f.name in REGISTER_FIELDS])
    from engine.runtime.service import DbLookups

    header = forms.validate(subset, raw, DbLookups(session), facts=header_facts())
    if header.get("secrecy") not in SECRECY_LEVELS:
        raise SecrecyError("Choose the secrecy level (mật, tối mật, tuyệt mật).")
    return header


def _clean_item(session: Session, seq: int, item: dict, own: set[int] | None) -> tuple[int, int, date | None]:
    """One task's lead unit (one of `own`, the body's units; None: any) and deadline."""
    extra = sorted(k for k, v in item.items() if k not in ITEM_FIELDS and filled(v))
    if extra:
        raise SecrecyError("Assignment %(n)s: the regulation does not allow the system to keep %(fields)s "
                           "of a secret document.", n=seq, fields=", ".join(extra))
    unit = org.unit_by_code(session, (item.get("lead_unit") or "").strip())
    if unit is None:
        raise SecrecyError("Assignment %(n)s: exactly one lead unit is required.", n=seq)
    if own is not None and unit.id not in own:
        raise SecrecyError("Assignment %(n)s: %(code)s is not a unit of the issuing body.", n=seq, code=unit.code)
    return seq, unit.id, day_of(deadline_of(session, seq, item)["deadline"])

"""What the ruleset lets the system keep of a secret document, the separate register, and
who may read it.

ruleset.toml `[secrecy]`: `store_content` (false: the summary, content and files of a
secret document are refused and only number/symbol, date, issuer, secrecy level, lead unit
and deadline go into the register), `register` ("separate" | "none": no trace at all in the
system), `visible_to` (the roles that may read the register), `paper_report` (periods at
whose end the office is reminded that the paper report is due).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, forms
from engine.directives.models import SECRECY_LEVELS, Directive
from engine.errors import EngineError, Forbidden, NotFound
from engine.notifications.service import notify_users
from engine.org import service as org
from engine.org.models import User
from engine.sandbox.operators import OPERATORS, StepContext
from engine.secrecy.models import SecretAssignment, SecretDocument

HEADER_FORM = "register_directive"
REGISTER_FIELDS = ("symbol", "issued_on", "issuer", "secrecy")  # all a secret header may carry
ITEM_FIELDS = ("lead_unit", "deadline", "deadline_days")
CLOSED_MESSAGE = "secret_document_closed"
PURPOSE = "secret_document"
REGISTRAR_ROLES = ("clerk", "office_head")


class SecrecyError(EngineError):
    pass


@dataclass(frozen=True)
class SecrecyPolicy:
    store_content: bool
    register: str
    visible_to: tuple[str, ...]
    paper_report: tuple[str, ...]

    @property
    def keeps_register(self) -> bool:
        return self.register == "separate"


def policy(settings: dict) -> SecrecyPolicy:
    """The ruleset's [secrecy] settings; a ruleset that says nothing stores nothing."""
    raw = settings.get("secrecy", {})
    return SecrecyPolicy(store_content=bool(raw.get("store_content", False)),
                         register=str(raw.get("register", "separate")),
                         visible_to=tuple(raw.get("visible_to", ("office_head", "leader"))),
                         paper_report=tuple(raw.get("paper_report", ())))


def is_secret(raw: dict) -> bool:
    return _filled(raw.get("secrecy"))


def _filled(value) -> bool:
    return value not in (None, "", [], ()) and not (isinstance(value, str) and not value.strip())


def register_secret_document(engine, raw: dict, items: list[dict], actor: User) -> SecretDocument:
    """Record a secret document in the separate register when the ruleset does not let the
    system hold its content. Anything beyond the register's fields is refused, not dropped."""
    with engine.db.session() as session:
        if not session.get(User, actor.id).has_role(*REGISTRAR_ROLES):
            raise Forbidden("Only the tracking office registers secret documents.")
        bundle = engine.current_bundle(session)
        compiled = engine.compiled(bundle)
        rules = policy(compiled.settings)
        if rules.store_content:
            raise SecrecyError("This ruleset keeps secret directives like the others: register it as a directive.")
        if not rules.keeps_register:
            raise SecrecyError("Under this regulation secret documents are not recorded in the system: "
                               "follow them up on paper.")
        header = _clean_header(compiled.forms[HEADER_FORM], raw, session)
        entries = [_clean_item(session, seq, item) for seq, item in enumerate(items, start=1)]
        if not entries:
            raise SecrecyError("Give at least one lead unit and deadline.")
        document = _new_document(session, bundle.ruleset, header, actor)
        for seq, unit_id, deadline in entries:
            document.entries.append(SecretAssignment(seq=seq, lead_unit_id=unit_id, deadline=deadline))
        session.flush()
        _start_paper_reports(engine, session, bundle, rules, document, actor)
        audit.record(session, "secret_document.registered", "secret_document", document.id, actor=actor,
                     after={"symbol": document.symbol, "secrecy": document.secrecy, "assignments": len(entries)})
        return document


def _start_paper_reports(engine, session: Session, bundle, rules: SecrecyPolicy, document: SecretDocument,
                         actor: User) -> None:
    if rules.paper_report:
        data = {"secret_document_id": document.id, "symbol": document.symbol,
                "paper_report": list(rules.paper_report)}
        document.instance_id = engine.runtime.start(session, bundle, PURPOSE, data, actor=actor).id


def add_directive_to_register(engine, session: Session, bundle, directive: Directive, items: list[dict],
                              actor: User) -> SecretDocument | None:
    """A secret directive whose content the ruleset lets the system keep still gets its
    line in the separate register (when the ruleset keeps one) and its paper-report reminders."""
    rules = policy(engine.compiled(bundle).settings)
    if not directive.secrecy or not rules.keeps_register:
        return None
    header = {"symbol": directive.symbol, "issued_on": directive.issued_on.isoformat(), "issuer": directive.issuer,
              "secrecy": directive.secrecy}
    document = _new_document(session, directive.ruleset, header, actor, directive_id=directive.id)
    for item in items:
        deadline = item.get("deadline")
        day = deadline["date"] if isinstance(deadline, dict) else deadline
        document.entries.append(SecretAssignment(seq=item["seq"], lead_unit_id=org.require_unit(
            session, item["lead_unit"]).id, deadline=date.fromisoformat(day) if day else None))
    session.flush()
    _start_paper_reports(engine, session, bundle, rules, document, actor)
    return document


def visible_documents(session: Session, user: User, settings: dict) -> list[SecretDocument]:
    """The register, for the roles the ruleset names; anyone else is refused."""
    if not may_read_register(user, settings):
        raise Forbidden("Only %(roles)s may read the secret-document register.",
                        roles=", ".join(policy(settings).visible_to) or "-")
    return list(session.scalars(select(SecretDocument).order_by(SecretDocument.registered_at.desc(),
                                                                SecretDocument.id.desc())))


def may_read_register(user: User, settings: dict) -> bool:
    return user.has_role(*policy(settings).visible_to)


def close_secret_document(engine, document_id: int, actor: User) -> SecretDocument:
    """The office records that a secret document's tasks are finished; the paper-report
    reminders for it stop."""
    with engine.db.session() as session:
        user = session.get(User, actor.id)
        settings = engine.compiled(engine.current_bundle(session)).settings
        document = session.get(SecretDocument, document_id)
        if document is None or not may_read_register(user, settings):
            raise NotFound("Secret document %(id)s does not exist.", id=document_id)
        if document.status == "closed":
            raise SecrecyError("This secret document is already closed.")
        document.status, document.closed_at = "closed", clock.now()
        if document.instance_id:
            engine.runtime.deliver_message(session, document.instance_id, CLOSED_MESSAGE, {}, actor=user)
        audit.record(session, "secret_document.closed", "secret_document", document.id, actor=user)
        return document


def _clean_header(form: forms.FormDefinition, raw: dict, session: Session) -> dict:
    extra = sorted(k for k, v in raw.items()
                   if k not in REGISTER_FIELDS and k != "csrf_token" and _filled(v))
    if extra:
        raise SecrecyError("The regulation does not allow the system to keep %(fields)s of a secret document.",
                           fields=", ".join(extra))
    subset = forms.FormDefinition(key=form.key, title=form.title,
                                  fields=[f for f in form.fields if f.name in REGISTER_FIELDS])
    from engine.runtime.service import DbLookups

    header = forms.validate(subset, raw, DbLookups(session))
    if header.get("secrecy") not in SECRECY_LEVELS:
        raise SecrecyError("Choose the secrecy level (mật, tối mật, tuyệt mật).")
    return header


def _clean_item(session: Session, seq: int, item: dict) -> tuple[int, int, date | None]:
    from engine.directives.service import deadline_of

    extra = sorted(k for k, v in item.items() if k not in ITEM_FIELDS and _filled(v))
    if extra:
        raise SecrecyError("Assignment %(n)s: the regulation does not allow the system to keep %(fields)s "
                           "of a secret document.", n=seq, fields=", ".join(extra))
    unit = org.unit_by_code(session, (item.get("lead_unit") or "").strip())
    if unit is None:
        raise SecrecyError("Assignment %(n)s: exactly one lead unit is required.", n=seq)
    deadline = deadline_of(session, seq, item)["deadline"]
    day = deadline["date"] if isinstance(deadline, dict) else deadline
    return seq, unit.id, date.fromisoformat(day) if day else None


def _new_document(session: Session, ruleset: str, header: dict, actor: User,
                  directive_id: int | None = None) -> SecretDocument:
    issued_on = date.fromisoformat(header["issued_on"])
    duplicate = session.scalar(select(SecretDocument.id).where(
        SecretDocument.symbol == header["symbol"], SecretDocument.issued_on == issued_on,
        SecretDocument.issuer == header["issuer"]))
    if duplicate:
        raise SecrecyError("Secret document %(symbol)s is already in the register.", symbol=header["symbol"])
    document = SecretDocument(ruleset=ruleset, number=header["symbol"].split("/", 1)[0], symbol=header["symbol"],
                              issued_on=issued_on, issuer=header["issuer"], secrecy=header["secrecy"],
                              directive_id=directive_id, registered_by=actor.id, registered_at=clock.now())
    session.add(document)
    return document


@OPERATORS.register("secrecy.paper_report_due", optional=("period_end",))
def paper_report_due(ctx: StepContext, data: dict, params: dict) -> dict:
    """Remind the register's readers (or the office clerks) that the paper report is due."""
    document = ctx.session.get(SecretDocument, data.get("secret_document_id"))
    if document is None:
        raise LookupError("no secret document for this instance")
    roles = policy(ctx.bundle.settings).visible_to or ("clerk",)
    users = [u for role in roles for u in org.users_with_role(ctx.session, role)]
    body = f"Đến kỳ báo cáo bằng văn bản giấy (theo chế độ mật) về văn bản {document.symbol}."
    created = notify_users(ctx.session, users, "paper_report", directive=None, assignment=None, body=body,
                           link="/secrecy", dedup_key=f"paper_report:{document.id}:{params.get('period_end')}")
    return {"notified": len(created)}

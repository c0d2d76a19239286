"""Rendering and reading the form definitions that sit beside the BPMN (engine/forms).
The engine validates; this module only turns a request into raw values, keeps what the
user typed, and stores uploaded files (`files` fields carry sha256 digests)."""
from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta

from flask import Request, Response, send_file
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from engine import clock
from engine.directives import attachments, reach
from engine.forms import MULTI_VALUED, UNIT_TYPES, FormDefinition, FormValidationError, Message
from engine.org import permissions
from engine.org.models import Unit, User
from webui.hygiene import bounded_int


@dataclass
class Choice:
    value: str
    label: str
    depth: int = 0
    since: str = ""  # a unit's first day (ISO), when it has one: the register form hides it on an earlier issue date


def read_raw(form: FormDefinition, request: Request) -> dict:
    """The submitted values of `form`'s fields, as the engine's validate() expects."""
    raw = {}
    for f in form.fields:
        if f.type in MULTI_VALUED:
            raw[f.name] = [v for v in request.form.getlist(f.name) if v.strip()]
        elif f.name in request.form:
            raw[f.name] = request.form[f.name]
    return raw


def store_uploads(session: Session, form: FormDefinition, request: Request, raw: dict,
                  blobs: attachments.BlobStore, user: User) -> None:
    """Store the files uploaded into `files` fields and add their digests to `raw`. Files
    already stored on an earlier (failed) submit come back as hidden digests. A refused file (a
    wrong type, too large, empty) is FormValidationError on its field, as any bad field is."""
    for f in form.fields:
        if f.type != "files":
            continue
        for upload in request.files.getlist(f.name):
            if upload and upload.filename:
                try:
                    row = attachments.store(session, blobs, upload.stream, upload.filename, user)
                except attachments.AttachmentError as exc:
                    raise FormValidationError({f.name: Message(exc.message, exc.params)}) from None
                raw[f.name] = [*raw.get(f.name, []), row.sha256]


def send_attachment(blobs: attachments.BlobStore, row: attachments.Attachment,
                    missing: Callable[[], Exception] = NotFound) -> Response:
    """The stored file, always as a download with its stored type: an uploaded file never
    renders as a page here. `missing()` is raised when its bytes are not in the store."""
    stored = blobs.open(row.content_sha256)
    if stored is None:
        raise missing()
    return send_file(stored, mimetype=row.content_type, as_attachment=True, download_name=row.filename)


def initial_values(form: FormDefinition, *sources: dict) -> dict:
    """Field defaults, overridden by each source in turn (draft, then query string)."""
    values = {f.name: f.default for f in form.fields if f.default is not None}
    for source in sources:
        values.update({k: v for k, v in (source or {}).items() if form.field(k) is not None})
    return values


def unit_choices(session: Session, within: Collection[int] | None = None) -> list[Choice]:
    """The units valid today (of `within`, when given: a unit user's scope), in tree order,
    indented by depth."""
    today = clock.today()
    units = [u for u in session.scalars(select(Unit).order_by(Unit.name))
             if u.is_valid_on(today) and (within is None or u.id in within)]
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    known = {u.id for u in units}
    roots = [u for u in units if u.parent_id not in known]
    out: list[Choice] = []

    def walk(unit: Unit, depth: int) -> None:
        out.append(Choice(unit.code, unit.name, depth, unit.valid_from.isoformat() if unit.valid_from else ""))
        for child in children.get(unit.id, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return out


def unreached_choices(session: Session, offered: list[Choice]) -> set[str]:
    """The codes of the `offered` units whose tasks reach nobody today (engine.directives.reach): a form giving tasks
    marks them and names the chosen ones before the office confirms."""
    return {unit.code for unit in reach.unreached_named(session, (choice.value for choice in offered))}


def former_units(session: Session, within: Collection[int] | None = None) -> dict[str, dict[str, str]]:
    """{code: its choice} of the units closed before today (of `within`, when given), each marked with its last
    day and giving its first and end days (ISO): the register form offers them once, for an issue date before
    their end (webui/static/register.js), never in every row."""
    # columns, not units, and the words translated once: a merged province has closed over a thousand
    closed = session.execute(select(Unit.id, Unit.code, Unit.name, Unit.valid_from, Unit.valid_to)
                             .where(Unit.valid_to <= clock.today()).order_by(Unit.name))
    marked = _("%(name)s (until %(day)s)")
    return {unit.code: {"code": unit.code, "from": unit.valid_from.isoformat() if unit.valid_from else "",
                        "to": unit.valid_to.isoformat(),
                        "label": marked % {"name": unit.name,
                                           "day": (unit.valid_to - timedelta(days=1)).strftime("%d/%m/%Y")}}
            for unit in closed if within is None or unit.id in within}


def user_choices(session: Session, roles: Collection[str] = ()) -> list[Choice]:
    """The accounts in force (holding one of `roles`, when given), by full name."""
    return [Choice(u.username, u.full_name) for u in permissions.working_users(session)
            if not roles or u.has_role(*roles)]


def choices_for(session: Session, form: FormDefinition, people: Mapping[str, list] | None = None) -> dict:
    """Only the lookups the form needs; "people": a person field's own, when it names roles or
    the step narrows them (`people`: the users each field may name, engine.runtime.models.people_of)."""
    types = {f.type for f in form.fields}
    own = {f.name: user_choices(session, f.roles) for f in form.fields if f.roles}
    narrowed = {name: [Choice(u.username, u.full_name) for u in users] for name, users in (people or {}).items()}
    return {"unit": unit_choices(session) if types & UNIT_TYPES else [],
            "user": user_choices(session) if types & {"user", "users"} else [],
            "people": {**own, **narrowed}}


def int_arg(args, name: str, default: int | None = None) -> int | None:
    """An integer query-string argument; `default` when it is missing, not a number or past
    any id (hygiene.MAX_ID)."""
    value = bounded_int(args.get(name))
    return default if value is None else value

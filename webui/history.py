"""The history people read (nhật ký): each audit entry as who did what, in words, with the
values formatted as the pages format them — unit names instead of codes, dd/mm/yyyy dates,
progress and urgency words, a form's own labels and choices, files by name — and changes as
"from → to". Keys nobody named stay out of the sentence; the raw entry stays in the audit
(administrators see it under each line)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.models import AuditEntry
from engine.directives import attachments
from engine.directives.models import URGING_SENT, Attachment, DirectiveStatus
from engine.errors import EngineError
from engine.forms import PERSON_TYPES, UNIT_TYPES, FormDefinition, is_yes
from engine.handover.service import HANDED_OVER
from engine.inbox import service as inbox
from engine.org import service as org
from engine.org.models import Unit
from engine.runtime.models import WorkItem
from engine.text import filled
from engine.urging.steps import STEP_URGED
from webui.formatting import (
    AUDIT_LABELS,
    CONTRIBUTION_LABELS,
    INSTANCE_STATUS_LABELS,
    ISO_DATE,
    PROGRESS_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
    vn_date,
)

DIRECTIVE_STATUS_LABELS = {
    DirectiveStatus.REGISTERED: _l("Registered"), DirectiveStatus.ASSIGNED: _l("Tasks assigned"),
    DirectiveStatus.UNTRACKED: _l("Not tracked"), DirectiveStatus.OUT_OF_SCOPE: _l("Out of scope"),
    DirectiveStatus.RETURNED_UPSTREAM: _l("Returned to the level above"),
    DirectiveStatus.HEADER_ONLY: _l("Recorded by its header"), DirectiveStatus.REVOKED: _l("Recalled by the issuer"),
    DirectiveStatus.REPLACED: _l("Replaced by a new document")}
# The words of the details the engine's entries carry (a form's own labels come from the form).
FIELD_LABELS = {
    "lead_unit": _l("Lead unit"), "new_lead_unit": _l("Lead unit"), "coordinating_units": _l("Coordinating units"),
    "deadline": _l("Deadline"), "new_deadline": _l("New deadline"), "first_update_due": _l("First report due"),
    "progress": _l("Progress"),
    "contribution": _l("Coordinating part"),
    "note": _l("Content"), "status": _l("Status"), "tracked": _l("Tracked"), "reason": _l("Reason"),
    "instruction": _l("On the instruction of"), "question": _l("Question"), "answer": _l("Answer"),
    "text": _l("Content"), "content": _l("Content"), "unit": _l("Unit"), "units": _l("Units"),
    "about_unit": _l("Unit that does not do its part"), "opinion": _l("Office opinion"),
    "urgency": _l("Urgency"), "assignments": _l("Tasks"), "overdue_reason": _l("Reason for delay"),
    "blocked_reason": _l("Difficulties"), "completed_on": _l("Completed on"), "closed_on": _l("Closed on"),
    "correction_note": _l("Content"), "title": _l("Title"), "kind": _l("Kind"), "attachments": _l("Files"),
    "skipped": _l("Step skipped"), "moved_to": _l("Moved back to"), "cancelled": _l("Steps ended"),
    "created": _l("Steps started"),
    "number": _l("Process version"),  # an entry's "number" is always a process version's ("bundle": its id)
    "steps": _l("Step"), "step": _l("Step"), "due": _l("Step due date"),  # a calendar correction (deadlines.recomputed)
    "from": _l("Sender"), "document": _l("Document"),  # an edXML message's (engine.imports.edxml, exchange.recalls)
    "in_scope": _l("Within the regulation's scope"),  # the office's scope decision (directive.decide_scope)
    "origin": _l("Assigned by"),  # its words are the ruleset's: the directive page passes them (origin_labels)
}
# Where an action's detail means something else than the key's usual word: a correction's note
# is what was adjusted, which "Nội dung" made read as the task's new content.
# The tasks added to a directive are listed by number ("Số nhiệm vụ: 2" read as a count beside one added).
ACTION_LABELS: dict[str, Mapping[str, str]] = {
    "assignment.reassigned": {"note": _l("What was adjusted")},
    "directive.assignments_added": {"assignments": _l("Numbers of the tasks added")}}
# The words of an account's entries (the user's own security page, the administrator's user page).
ACCOUNT_FIELDS = {
    "username": _l("Username"), "full_name": _l("Full name"), "email": _l("Email"), "unit": _l("Unit"),
    "roles": _l("Roles"), "user": _l("User"), "name": _l("Used by"), "reason": _l("Reason"),
    "address": _l("Address"), "attempts": _l("Attempts"), "seconds": _l("Seconds blocked"),
    "addresses": _l("Addresses")}
UNIT_KEYS = {"lead_unit", "new_lead_unit", "coordinating_units", "unit", "about_unit", "units"}
VALUE_WORDS: dict[str, Mapping] = {"progress": PROGRESS_LABELS, "contribution": CONTRIBUTION_LABELS,
                                   "urgency": URGENCY_LABELS, "roles": ROLE_LABELS,
                                   "status": {**STATUS_LABELS, **DIRECTIVE_STATUS_LABELS,
                                              **INSTANCE_STATUS_LABELS}}
YES_NO = {True: _l("Yes"), False: _l("No")}


@dataclass
class Line:
    entry: AuditEntry
    who: str
    what: str
    facts: list[tuple[str, str]] = field(default_factory=list)          # (label, value)
    changes: list[tuple[str, str, str]] = field(default_factory=list)   # (label, before, after)
    files: list[Attachment] = field(default_factory=list)
    sealed: bool = False  # a secret report's step the reader may not read: its details say so, nothing of it


def readable(engine, session: Session, entries: Iterable[tuple[AuditEntry, str]],
             labels: Mapping[str, str] | None = None, values: Mapping[str, Mapping] | None = None) -> list[Line]:
    """`entries` (audit entry, who by full name) as lines; `labels` names the keys of this
    page's own entries (a directive's header fields, an account's), `values` the words of their
    coded values (an inspection paper's kind)."""
    entries = list(entries)
    words = _Words(engine, session, entries, {**FIELD_LABELS, **(labels or {})}, {**VALUE_WORDS, **(values or {})})
    return [words.line(entry, who) for entry, who in entries]


def filled_in(engine, session: Session, form: FormDefinition, data: Mapping) -> tuple[list[tuple[str, str]],
                                                                                   list[Attachment]]:
    """What `data` fills in `form`, read as the history reads a work item done: (label, value in
    the form's words) for each field, and its files (what a form that could not be sent held)."""
    return _Words(engine, session, [], FIELD_LABELS, VALUE_WORDS).filled_in(form, data)


class _Words:
    def __init__(self, engine, session: Session, entries: list[tuple[AuditEntry, str]], labels: Mapping[str, str],
                 values: Mapping[str, Mapping]):
        self.engine, self.session, self.labels, self.values = engine, session, labels, values
        self.units = {code: name for code, name in session.execute(select(Unit.code, Unit.name))}
        item_ids = [int(e.object_id) for e, _who in entries if e.action == "work_item.completed"]
        self.items = {i.id: i for i in session.scalars(select(WorkItem).where(WorkItem.id.in_(item_ids)))}

    def line(self, entry: AuditEntry, who: str) -> Line:
        if entry.action == "work_item.completed":
            return self._completed(entry, who)
        line = Line(entry, who, self._what(entry))
        if entry.action in (URGING_SENT, STEP_URGED):  # its sentence says it all
            return line
        before, after = entry.before or {}, entry.after or {}
        labels = {**self.labels, **ACTION_LABELS.get(entry.action, {})}
        for key, value in after.items():
            if key not in labels or not filled(value):
                continue
            if key in before and before[key] != value:
                line.changes.append((str(labels[key]), self.value(key, before.get(key)), self.value(key, value)))
            elif self._is_files(key):
                line.files += attachments.describe(self.session, list(value))
            else:
                line.facts.append((str(labels[key]), self.value(key, value)))
        return line

    @staticmethod
    def _what(entry: AuditEntry) -> str:
        """What was done, in words; work handed over names who held it and who was given it."""
        after = entry.after or {}
        if entry.action == HANDED_OVER:
            return _("Handed over the work of %(holder)s to %(person)s", holder=after.get("held_by", ""),
                     person=after.get("given_to", ""))
        if entry.action == URGING_SENT:
            return urging_said(after)
        if entry.action == STEP_URGED:
            return step_urging_said(after)
        return str(AUDIT_LABELS.get(entry.action, entry.action))

    def _completed(self, entry: AuditEntry, who: str) -> Line:
        """A work item done: its title, and what was filled in, in the form's own words."""
        item = self.items.get(int(entry.object_id))
        line = Line(entry, who, item.title if item else str(AUDIT_LABELS[entry.action]))
        form = self._form(item)
        if form is not None:
            line.facts, line.files = self.filled_in(form, (entry.after or {}).get("data") or {})
        return line

    def filled_in(self, form: FormDefinition, data: Mapping) -> tuple[list[tuple[str, str]], list[Attachment]]:
        """The fields of `form` that `data` fills, each (label, value in the form's words), and its files."""
        facts: list[tuple[str, str]] = []
        files: list[Attachment] = []
        for form_field in form.fields:
            value = data.get(form_field.name)
            if form_field.type == "boolean" and isinstance(value, str):  # as typed, not yet stored
                value = is_yes(value)
            if not filled(value):
                continue
            if form_field.type == "files":
                files += attachments.describe(self.session, list(value))
                continue
            choices = {str(v): label for v, label in form_field.options}
            if form_field.type in PERSON_TYPES:  # people are read by name, never by username
                choices |= {u.username: u.full_name for u in org.users_by_name(
                    self.session, value if isinstance(value, list) else [value])}
            if form_field.type in UNIT_TYPES:  # units by name, whatever the field is called
                choices |= self.units
            shown = ", ".join(choices.get(str(v), self.value(form_field.name, v)) for v in
                              (value if isinstance(value, list) else [value]))
            facts.append((form_field.label, shown))
        return facts, files

    def _form(self, item: WorkItem | None) -> FormDefinition | None:
        if item is None:
            return None
        try:
            return inbox.work_item_form(self.engine, self.session, item)
        except (KeyError, EngineError):  # a form its stored version no longer has
            return None

    @staticmethod
    def _is_files(key: str) -> bool:
        return key == "attachments" or key.endswith("_attachments")

    def value(self, key: str, value) -> str:
        """One value as the pages show it."""
        if not filled(value):
            return "—"
        if isinstance(value, list):
            return ", ".join(self.value(key, v) for v in value)
        if isinstance(value, bool):
            return str(YES_NO[value])
        if key in UNIT_KEYS and isinstance(value, str):
            return self.units.get(value, value)
        if key in self.values and value in self.values[key]:
            return str(self.values[key][value])
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            return vn_date(value)
        return str(value)


# An urging event's history (engine.urging.operators URGING_SENT): what was sent, about which day.
URGING_KINDS = {
    "reminder": _l("Deadline reminder (%(days)s working days left, due %(due)s)"),
    "due_today": _l("Due-day notice (due today, %(due)s)"),
    "overdue": _l("Overdue warning: %(days)s working days late (due %(due)s)"),
    "escalation": _l("Reported for direction: %(days)s working days late (due %(due)s)"),
    "periodic_update": _l("Request for the periodic progress update")}


def urging_said(after: Mapping) -> str:
    """An urging event as the inspection's urging file reads it: what was sent, about the lead unit's
    first progress report or a coordinating unit's part, to whom (by unit, people by full name, and who
    gets no mail) — or that nothing was sent, and why."""
    said = str(URGING_KINDS[after["kind"]]) % {"days": after.get("days", 0), "due": vn_date(after.get("due")) or "—"}
    if after.get("about") == "first_update":
        said += ", " + _("about the first progress report")
    elif after.get("part"):
        said += ", " + _("about the coordinating part of %(unit)s", unit=after["part"])
    if after.get("paused"):
        return _("%(said)s — not sent: the unit reported the task done or returned it", said=said)
    return _sent_to(said, after.get("told") or [])


# An office step's urging (engine.urging.steps STEP_URGED): what was sent about which step.
STEP_URGING_KINDS = {
    "step_waiting": _l("Notice that «%(step)s» waits"),
    "step_overdue": _l("Reminder: «%(step)s» %(days)s working days late (due %(due)s)"),
    "step_escalation": _l("Reported for direction: «%(step)s» %(days)s working days late (due %(due)s)")}


def step_urging_said(after: Mapping) -> str:
    """An office step's reminder, escalation or waiting notice, and to whom it was sent."""
    said = str(STEP_URGING_KINDS[after["kind"]]) % {"step": after.get("step", ""), "days": after.get("days", 0),
                                                    "due": vn_date(after.get("due")) or "—"}
    return _sent_to(said, after.get("told") or [])


def _sent_to(said: str, told: list[Mapping]) -> str:
    """`said`, then to whom it was sent: by unit, people by full name, and who gets no mail."""
    if not told:
        return _("%(said)s — not sent: nobody to send it to", said=said)
    units: dict[str, list[str]] = {}
    for person in told:
        units.setdefault(person["unit"], []).append(person["name"])
    said = _("%(said)s — sent to %(people)s", said=said,
             people="; ".join(f"{unit}: {', '.join(names)}" for unit, names in units.items()))
    unmailed = [person["name"] for person in told if not person["mail"]]
    if unmailed:
        said += " " + _("(in the system only, no e-mail address: %(people)s)", people=", ".join(unmailed))
    return said

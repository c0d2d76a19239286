"""JSON shapes of the API's objects (see docs/openapi.yaml components/schemas)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.audit.models import AuditEntry
from engine.directives.models import Assignment, Directive, ProgressUpdate
from engine.forms import FormDefinition
from engine.inspections.models import Inspection
from engine.inspections.service import HeldPapers, held_papers
from engine.org.models import Unit, User
from engine.outcomes import TERMS, Outcome, first_report_late
from engine.registry.service import Withdrawal
from engine.runtime.models import WorkItem
from engine.secrecy.service import RegisterLine
from webui.history import urging_said


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def directive(d: Directive) -> dict:
    return {"id": d.id, "symbol": d.symbol, "number": d.number, "doc_type": d.doc_type, "summary": d.summary,
            "issuer": d.issuer, "signer": d.signer, "submitting_body": d.submitting_body,
            "issued_on": iso(d.issued_on), "received_on": iso(d.received_on), "urgency": d.urgency,
            "secrecy": d.secrecy, "tracked": d.tracked, "status": d.status,
            "source_document_id": d.source_document_id, "created_at": iso(d.created_at)}


def assignment(a: Assignment, codes: dict[int, str], outcome: Outcome | None) -> dict:
    links = sorted(a.units, key=lambda link: link.id or 0)
    return {
        "id": a.id, "directive_id": a.directive_id, "symbol": a.directive.symbol, "seq": a.seq,
        "content": a.content, "lead_unit": codes.get(a.lead_unit_id),
        "coordinating_units": [codes.get(link.unit_id) for link in links if link.role == "coordinating"],
        "coordinating_deadlines": {codes.get(link.unit_id): iso(link.deadline) for link in links
                                   if link.role == "coordinating" and link.deadline},
        "deadline_kind": a.deadline_kind, "deadline": iso(a.deadline), "original_deadline": iso(a.original_deadline),
        "upstream_deadline": iso(a.upstream_deadline),
        "urgency": a.urgency, "progress": a.progress, "status": a.status, "outcome": outcome,
        "colour": TERMS[outcome].colour if outcome else None, "requires_report": a.requires_report,
        "assigned_on": iso(a.assigned_on),
        "completed_on": iso(a.completed_on), "closed_on": iso(a.closed_on), "parent_id": a.parent_id,
        "last_update_at": iso(a.last_update_at), "created_at": iso(a.created_at),
        # chậm báo cáo lần đầu (docs/reports.md): beside the outcome, not one
        "first_update_due": iso(a.first_update_due), "first_report_late": first_report_late(a, clock.today()),
    }


def withdrawal(w: Withdrawal) -> dict:
    return {"reason": w.reason, "instruction": w.instruction, "by": w.by, "on": iso(w.on)}


def progress_update(p: ProgressUpdate, codes: dict[int, str], username: str | None) -> dict:
    return {"id": p.id, "assignment_id": p.assignment_id, "unit": codes.get(p.unit_id), "user": username,
            "progress": p.progress, "note": p.note, "overdue_reason": p.overdue_reason,
            "blocked_reason": p.blocked_reason,
            "attachments": list(p.attachments or []), "created_at": iso(p.created_at)}


def history_entry(entry: AuditEntry, who: str, said: str) -> dict:
    """An entry of an assignment's history: when, who (full name), what (the action's code, and
    `said`: the words the assignment's page gives it)."""
    return {"id": entry.id, "at": iso(entry.at), "who": who, "action": entry.action, "said": said,
            "comment": entry.comment}


def work_item(item: WorkItem, codes: dict[int, str]) -> dict:
    return {"id": item.id, "title": item.title, "instructions": item.instructions, "role": item.role,
            "unit": codes.get(item.unit_id), "form_key": item.form_key, "status": item.status,
            "directive_id": item.directive_id, "assignment_id": item.assignment_id, "due_at": iso(item.due_at),
            "created_at": iso(item.created_at), "completed_at": iso(item.completed_at)}


def form(definition: FormDefinition) -> dict:
    return {"key": definition.key, "title": definition.title, "submit_label": definition.submit_label,
            "fields": [{"name": f.name, "label": f.label, "type": f.type, "required": f.required,
                        "options": [list(o) for o in f.options], "help": f.help, "show_if": f.show_if,
                        "default": f.default} for f in definition.fields]}


def unit(u: Unit, codes: dict[int, str]) -> dict:
    return {"code": u.code, "name": u.name, "kind": u.kind, "parent": codes.get(u.parent_id),
            "valid_from": iso(u.valid_from), "valid_to": iso(u.valid_to), "successor": codes.get(u.successor_id),
            "tracking_office": u.is_tracking_office}


def inspection(session: Session, i: Inspection, full: bool = False, results: bool = True,
               reader: User | None = None) -> dict:
    """An inspection with its units (code and name); `full` adds the decision, the team (user
    name, full name, role), the file and the follow-up directive, and with the `reader` what the
    system holds for the file's parts 2 and 3, as far as the reader may see it (`held`)."""
    units = {u.id: u for u in session.scalars(select(Unit).where(
        Unit.id.in_([link.unit_id for link in i.units] + [i.proposing_unit_id or 0])))}
    body = {"id": i.id, "title": i.title, "kind": i.kind, "reason": i.reason, "status": i.status,
            "units": [{"code": units[link.unit_id].code, "name": units[link.unit_id].name} for link in i.units],
            "internal_by": ({"code": units[i.proposing_unit_id].code, "name": units[i.proposing_unit_id].name}
                            if i.proposing_unit_id else None),
            "starts_on": iso(i.starts_on), "ends_on": iso(i.ends_on), "ended_on": iso(i.ended_on),
            "report_due": iso(i.report_due), "reported_on": iso(i.reported_on), "published": i.published,
            "created_at": iso(i.created_at)}
    if results:
        body.update(assessment=i.assessment, conclusion=i.conclusion, recommendations=i.recommendations)
    if full:
        people = {u.id: u for u in session.scalars(select(User).where(User.id.in_([m.user_id for m in i.members])))}
        body.update(
            decision={"symbol": i.decision_symbol, "decided_on": iso(i.decided_on), "legal_basis": i.legal_basis,
                      "scope": i.scope, "content": i.content, "experts": i.experts},
            team=[{"username": people[m.user_id].username, "full_name": people[m.user_id].full_name, "role": m.role}
                  for m in i.members],
            findings=i.findings, follow_up_directive_id=i.follow_up_directive_id,
            papers=[{"id": p.id, "kind": p.kind, "title": p.title, "attachments": list(p.attachments or []),
                     "added_at": iso(p.added_at)} for p in i.papers])
        if reader is not None:
            body["held"] = held(held_papers(session, i, reader))
    return body


def held(papers: HeldPapers) -> dict:
    """The file's parts 2 and 3 as the system holds them: the directives giving the inspected units their
    tasks (`coordinating_units`: the inspected units given a part of a task, phối hợp), and the schedule's
    urgings of those tasks, each in the words of the task's history (`said`): the newest, with how many
    older ones are left out."""
    def unit(unit: Unit) -> dict:
        return {"code": unit.code, "name": unit.name}

    def task(a: Assignment) -> dict:
        return {"id": a.id, "seq": a.seq, "content": a.content, "lead_unit": unit(papers.units[a.lead_unit_id]),
                "coordinating_units": [unit(u) for u in papers.coordinating.get(a.id, [])],
                "deadline": iso(a.deadline)}

    return {"assigning_documents": [{**directive(d), "assignments": [task(a) for a in tasks]}
                                    for d, tasks in papers.directives],
            "urging_documents": [
                {"at": iso(entry.at), "assignment_id": a.id, "seq": a.seq, "directive_id": a.directive_id,
                 "symbol": a.directive.symbol, "kind": (entry.after or {}).get("kind"),
                 "said": urging_said(entry.after or {})} for entry, a in papers.urgings],
            "assigning_documents_left_out": papers.tasks_left_out, "urging_documents_left_out": papers.urgings_left_out}


def secret_document(line: RegisterLine) -> dict:
    """A line of the secret register: `summary` only where the ruleset stores the content."""
    d = line.document
    return {"id": d.id, "number": d.number, "symbol": d.symbol, "issued_on": iso(d.issued_on), "issuer": d.issuer,
            "secrecy": d.secrecy, "secrecy_label": line.secrecy_label, "summary": line.summary,
            "directive_id": d.directive_id, "status": d.status, "registered_by": line.registered_by,
            "registered_at": iso(d.registered_at), "closed_at": iso(d.closed_at),
            "paper_report_due": iso(line.paper_due), "paper_report_reminded": iso(line.paper_reminded),
            "paper_report_sent_on": iso(line.paper_sent_on), "paper_report_sent_by": line.paper_sent_by,
            "assignments": [{"seq": seq, "lead_unit": {"code": unit.code, "name": unit.name}, "deadline": iso(deadline)}
                            for seq, unit, deadline in line.entries]}

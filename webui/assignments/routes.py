from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import clock
from engine import forms as engine_forms
from engine.audit.models import AuditEntry
from engine.directives import attachments, changes, extensions, raised, reach, subassign
from engine.directives import service as directives
from engine.directives.models import (
    ENDED,
    ORIGINS,
    URGED_ACTION,
    URGENCIES,
    Assignment,
    AssignmentStatus,
    Directive,
    ExtensionStatus,
)
from engine.errors import EngineError
from engine.inbox import service as inbox
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit
from engine.outcomes import GROUPS, Outcome, outcome_of
from engine.registry import service as registry
from engine.registry.diagram import instance_diagram
from engine.reports.query import BadReportQuery, ReportQuery
from engine.runtime.models import InstanceStatus
from engine.urging import manual as manual_urging
from webui import forms
from webui.assignments.export import Title, workbook
from webui.auth import current_user, login_required
from webui.context import engine, ruleset_settings
from webui.formatting import GROUP_LABELS, OUTCOME_LABELS, URGENCY_LABELS, vn_date
from webui.headers import attachment
from webui.history import readable
from webui.hygiene import MAX_ID
from webui.messages import engine_message
from webui.nav import NavLink

blueprint = Blueprint("assignments", __name__, template_folder="templates")
ACTIVE = tuple(status for status in AssignmentStatus if status not in ENDED)
nav_links = [NavLink("assignments.index", "Assignments")]
SORT_LABELS = {"deadline": "Deadline, earliest first", "-deadline": "Deadline, latest first",
               "-issued": "Newest directives", "issued": "Oldest directives", "symbol": "Symbol",
               "-updated": "Recently updated"}


def _date_arg(args, name: str) -> date | None:
    try:
        return engine_forms.parse_date(args[name]) if args.get(name) else None
    except Exception:  # parse_date's own error: an unreadable date is ignored, not a crash
        return None


def _outcome_arg(args) -> Outcome | str | None:
    value = args.get("outcome")
    if value in GROUPS:
        return value
    try:
        return Outcome(value)
    except ValueError:  # none, or a value this page never links to: every outcome
        return None


def query_from(session, args, report: ReportQuery | None) -> registry.AssignmentQuery:
    """The registry's filters; with a `report`, the assignments it counts (the dashboard's
    figures link here with their report's arguments)."""
    common = dict(outcome=_outcome_arg(args), blocked=args.get("blocked") == "1",
                  first_report_late=args.get("first_report_late") == "1", text=args.get("text", "")[:200],
                  sort=args.get("sort") if args.get("sort") in registry.SORTS else "deadline",
                  page=max(1, forms.int_arg(args, "page", 1)),
                  per_page=min(200, max(5, forms.int_arg(args, "per_page", 25))))
    if report is not None:
        return registry.AssignmentQuery(report=report.scope(session, current_user()), **common)
    return registry.AssignmentQuery(
        unit_code=args.get("unit") or None, period_from=_date_arg(args, "from"), period_to=_date_arg(args, "to"),
        urgency=args.get("urgency") if args.get("urgency") in URGENCIES else None,
        directive_id=forms.int_arg(args, "directive"),
        origin=args.get("origin") if args.get("origin") in ORIGINS else None, **common)


def report_of(args) -> ReportQuery | None:
    """The report whose figure the registry shows: one is asked for by its `period`
    (BadReportQuery when its arguments cannot be used)."""
    return ReportQuery.from_args(args, clock.today()) if args.get("period") else None


@blueprint.errorhandler(BadReportQuery)
def _refuse_report(error: BadReportQuery):
    """A figure's link with arguments the report refuses: the registry unfiltered, saying why."""
    flash(engine_message(error), "error")
    return redirect(url_for("assignments.index"))


@blueprint.get("/assignments")
@login_required()
def index():
    report = report_of(request.args)
    with engine().db.reading() as session:
        q = query_from(session, request.args, report)
        page = registry.search(session, current_user(), q)
        units = forms.unit_choices(session, permissions.units_offered(session, current_user()))
        directive = session.get(Directive, q.directive_id) if permissions.may_see(
            session, current_user(), permissions.DIRECTIVE, q.directive_id) else None
        settings = ruleset_settings(session)
        unreached = reach.unreached_leads(session, page.rows)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    any_outcome = {k: v for k, v in args.items() if k != "outcome"}
    return render_template("assignments/index.html", page=page, q=q, units=units, urgencies=URGENCIES,
                           report=report,
                           sorts=SORT_LABELS, args=args, any_outcome=any_outcome,
                           directive=directive, blocked_filter=directives.has_blocked_status(settings),
                           late_first_filter=directives.asks_first_report(settings),
                           origins=directives.origin_labels(settings), unreached=unreached)


@blueprint.get("/assignments/export.xlsx")
@login_required()
def export():
    eng = engine()
    with eng.db.reading() as session:
        q = query_from(session, request.args, report_of(request.args))
        rows = registry.export_rows(session, current_user(), q)
        data = workbook(rows, _export_title(eng, session, q), _upstream_label(eng, session))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": attachment(_export_name(q))})


def _assigned_between(q: registry.AssignmentQuery) -> tuple[date | None, date | None]:
    """The days the list's tasks were assigned between: a report's period behind a figure (up to
    its as-of day when taken before the period ends)."""
    if q.report is not None:
        return q.report.start, q.report.assigned_until
    return q.period_from, q.period_to


def _export_title(eng, session, q: registry.AssignmentQuery) -> Title:
    start, end = (vn_date(day) for day in _assigned_between(q))
    if start and end:
        title = _("List of assignments given from %(start)s to %(end)s", start=start, end=end)
    elif start or end:
        title = _("List of assignments given from %(start)s", start=start) if start else \
            _("List of assignments given until %(end)s", end=end)
    else:
        title = _("List of assignments")
    filters = "; ".join(f"{label}: {value}" for label, value in _filter_words(session, q) if value)
    return Title(organisation=org.organisation_name(session, eng.settings.organisation_name), title=title,
                 filters=_("Filters: %(filters)s", filters=filters) if filters else "", exported_on=clock.today(),
                 unlisted=registry.unlisted_in_report(session, current_user(), q))


def _filter_words(session, q: registry.AssignmentQuery) -> list[tuple[str, str | None]]:
    """The filters the list was exported with, each (label, value) in words; a directive only
    when the user may see it (as the registry page names it)."""
    unit = org.unit_by_code(session, q.unit_code) if q.unit_code else None
    directive = session.get(Directive, q.directive_id) if q.directive_id and permissions.may_see(
        session, current_user(), permissions.DIRECTIVE, q.directive_id) else None
    origins = directives.origin_labels(ruleset_settings(session))
    return [(_("Directive"), directive.symbol if directive else None), (_("Unit"), unit.name if unit else None),
            (_("Outcome"), str(GROUP_LABELS.get(q.outcome) or OUTCOME_LABELS[q.outcome]) if q.outcome else None),
            (_("Urgency"), str(URGENCY_LABELS[q.urgency]) if q.urgency else None),
            (_("Assigned by"), origins.get(q.origin, q.origin) if q.origin else None),
            (_("Meeting difficulties"), _("Yes") if q.blocked else None),
            (_("Late on the first progress report"), _("Yes") if q.first_report_late else None),
            (_("Search"), f"“{q.text}”" if q.text.strip() else None),
            (_("As of"), vn_date(q.report.as_of) if q.report is not None else None)]


def _export_name(q: registry.AssignmentQuery) -> str:
    """nhiệm-vụ_01-01-2026_31-03-2026.xlsx: the period asked for, or the export day."""
    start, end = (vn_date(day).replace("/", "-") for day in _assigned_between(q))
    if start and end:
        period = f"{start}_{end}"
    elif start or end:
        period = _("from-%(day)s", day=start) if start else _("until-%(day)s", day=end)
    else:
        period = _("on-%(day)s", day=vn_date(clock.today()).replace("/", "-"))
    return _("assignments_%(period)s.xlsx", period=period)


@blueprint.get("/assignments/<int:assignment_id>")
@login_required()
def detail(assignment_id: int):
    user = current_user()
    eng = engine()
    with eng.db.reading() as session:
        info = registry.assignment_detail(session, user, assignment_id)
        if info is None:
            abort(404)
        progress = _page_of(registry.progress_page, session, assignment_id, "progress_before")
        files = {("progress", p.id): attachments.describe(session, p.attachments or [])
                 for p, _u, _by in progress.reports}
        files.update({("explanation", e.id): attachments.describe(session, e.attachments or [])
                      for e in info.explanations})
        my_items = [i for i in info.work_items if inbox.visible_work_item(session, user, i.id) is not None]
        actions = {i.id: _preset_actions(eng, session, i) for i in my_items}
        waiting = eng.runtime.waiting_messages(session, info.instance) \
            if info.instance is not None and info.instance.status == InstanceStatus.RUNNING else []
        may_extend = extensions.EXTENSION_MESSAGE in waiting and permissions.speaks_for_lead_unit(
            session, user, info.assignment) and all(e.status != ExtensionStatus.PENDING for e in info.extensions)
        as_office = permissions.acts_as_office_on(session, user, permissions.ASSIGNMENT, assignment_id)
        may_ask = extensions.EXPLANATION_MESSAGE in waiting and permissions.may_ask_explanation(user) and as_office
        raiser = raised.raising_unit(session, user, info.assignment) if raised.MESSAGE in waiting else None
        flaggable = [(role, unit) for role, unit in info.units if unit.id != raiser]
        may_pass_down = info.assignment.status in ACTIVE and permissions.speaks_for_lead_unit(
            session, user, info.assignment)
        sections = subassign.sections(session, info.assignment) if may_pass_down else []
        shares = [(share, outcome_of(share, clock.today()), session.get_one(Unit, share.lead_unit_id).name)
                  for share in subassign.shares_seen_by(session, user, info.assignment)]
        upstream_label = _upstream_label(eng, session)
        page = _page_of(registry.history_page, session, assignment_id, "history_before")
        history = readable(eng, session, page.entries)
        letters = [f for entry, _who in registry.history(session, AuditEntry.assignment_id == assignment_id,
                                                          AuditEntry.action == URGED_ACTION)
                   for f in attachments.describe(session, (entry.after or {}).get("attachments") or [])]
    older = url_for(".detail", assignment_id=assignment_id, history_before=page.older, _anchor="history") \
        if page.older is not None else None
    older_progress = url_for(".detail", assignment_id=assignment_id, progress_before=progress.older,
                             _anchor="progress-reports") if progress.older is not None else None
    return render_template("assignments/detail.html", info=info, history_lines=history, older_history=older,
                           progress=progress.reports, older_progress=older_progress,
                           raw_history=permissions.may_administer_users(user), files=files,
                           may_urge=permissions.may_urge(user) and as_office and info.assignment.status in ACTIVE,
                           my_items=my_items,
                           actions=actions,
                           may_extend=may_extend, may_ask=may_ask, may_raise=raiser is not None, flaggable=flaggable,
                           unit_names={unit.id: unit.name for _role, unit in info.units},
                           coordinating_ids={unit.id for role, unit in info.units if role == "coordinating"},
                           upstream_label=upstream_label, letters=letters, sections=sections, shares=shares,
                           may_pass_down=may_pass_down, active=ACTIVE,
                           overdue_to_pass=may_pass_down and subassign.is_overdue(info.assignment))


def _page_of(read, session, assignment_id: int, cursor: str):
    """The page of the history or of the progress reports (`read`: registry.history_page,
    progress_page) that the "more" link asks for (argument `cursor`), newest first: a page costs
    the same however long the list (issue #20)."""
    size, raw = engine().settings.history_page_size, request.args.get(cursor)
    if raw is None:
        return read(session, assignment_id, size)
    if not raw.isdigit() or int(raw) > MAX_ID:
        abort(400)
    try:
        return read(session, assignment_id, size, int(raw))
    except registry.BadCursor:  # none of this assignment's
        abort(400)


def _upstream_label(eng, session) -> str | None:
    """The ruleset's name for the upper level's deadline, when it records one (Bạc Liêu Đ.9 k.1)."""
    return directives.upstream_deadline_label(eng.compiled(eng.current_bundle(session)).settings)


def _preset_actions(eng, session, item) -> list[tuple[str, str, str]]:
    """One button per choice of the form's first select named action/decision: (field, value,
    label). The workflow decides what the form offers; the page only links to it."""
    form = inbox.work_item_form(eng, session, item)
    for f in form.fields:
        if f.type == "select" and f.name in ("action", "decision", "extension_decision", "extension_proposal"):
            return [(f.name, str(value), label) for value, label in f.options]
    return []


@blueprint.get("/assignments/<int:assignment_id>/diagram")
@login_required()
def diagram(assignment_id: int):
    eng = engine()
    with eng.db.reading() as session:
        info = registry.assignment_detail(session, current_user(), assignment_id)
        if info is None or info.instance is None:
            abort(404)
        position = instance_diagram(eng, session, info.instance, request.args.get("process"))
    if position is None:
        abort(404)
    return jsonify(process=position.process_id, xml=position.xml, active=position.active, done=position.done,
                   processes=[{"id": pid, "name": name} for pid, name in position.processes])


@blueprint.post("/assignments/<int:assignment_id>/extension")
@login_required()
def request_extension(assignment_id: int):
    return _act(assignment_id, lambda eng, user: extensions.request_extension(
        eng, assignment_id, request.form.get("new_deadline", ""), request.form.get("reason", ""), user),
        _("The extension request was sent for decision."))


@blueprint.post("/assignments/<int:assignment_id>/sub-assignments")
@login_required()
def pass_down(assignment_id: int):
    share = {key: request.form.get(key, "") for key in ("unit", "content", "deadline")}
    return _act(assignment_id, lambda eng, user: subassign.sub_assign(eng, assignment_id, [share], user),
                _("The assignment was passed to the section."), anchor="shares")


@blueprint.post("/assignments/<int:assignment_id>/sub-assignments/<int:share_id>/withdraw")
@login_required()
def withdraw_share(assignment_id: int, share_id: int):
    """The unit takes back a share it passed down (thu hồi phần việc đã giao lại)."""
    with engine().db.reading() as session:
        share = session.get(Assignment, share_id)
        if share is None or share.parent_id != assignment_id:
            abort(404)
    return _act(assignment_id, lambda eng, user: changes.withdraw(eng, share_id, request.form.get("reason", ""), user),
                _("The share was withdrawn; the section was told."), anchor="shares")


@blueprint.post("/assignments/<int:assignment_id>/explanation")
@login_required()
def request_explanation(assignment_id: int):
    return _act(assignment_id, lambda eng, user: extensions.request_explanation(
        eng, assignment_id, request.form.get("question", ""), user),
        _("The explanation request was sent to the lead unit."))


@blueprint.post("/assignments/<int:assignment_id>/urge")
@login_required(permissions.may_urge)
def urge(assignment_id: int):
    with_letter = request.form.get("letter") == "on"

    def said(urged: manual_urging.Urged) -> tuple[str, str]:
        if not urged.told:  # a seeded ward has no accounts until the administrator makes them
            return _("Nobody in the unit received the urging: the unit has no user accounts yet."), "error"
        return _("The units were urged; the urging letter is ready to download below.") if with_letter \
            else _("The units were urged."), "success"

    return _act(assignment_id, lambda eng, user: manual_urging.urge(
        eng, assignment_id, request.form.get("message", ""), user,
        coordinating=request.form.get("coordinating") == "on", with_letter=with_letter), said, anchor="urge")


@blueprint.post("/assignments/<int:assignment_id>/issues")
@login_required()
def raise_issue(assignment_id: int):
    return _act(assignment_id, lambda eng, user: raised.raise_issue(
        eng, assignment_id, request.form.get("kind", ""), request.form.get("text", ""), user,
        about_unit=request.form.get("about_unit") or None),
        _("Your issue was sent to the office."))


def _act(assignment_id: int, action, done_message: str | Callable[[Any], tuple[str, str]],
         anchor: str | None = None):
    """Run `action` and say how it went: `done_message`, or the message and its kind that it
    makes of the action's result."""
    user = current_user()
    with engine().db.session() as session:
        if registry.visible_assignment(session, user, assignment_id) is None:
            abort(404)
    try:
        result = action(engine(), user)
    except EngineError as exc:
        flash(engine_message(exc), "error")
    else:
        flash(*(done_message(result) if callable(done_message) else (done_message, "success")))
    return redirect(url_for("assignments.detail", assignment_id=assignment_id, _anchor=anchor))

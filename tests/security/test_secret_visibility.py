"""A secret directive through every surface (issue #15): under Quỳnh Nhai's ruleset
(`[secrecy] store_content = true`, `visible_to = ["office_head", "leader"]`) a secret directive
is registered, classified, reported on with a file, given an extension request, urged past
its deadline and mailed about. Then every user of every role walks every GET route of the web
UI and of the API (discovered from the Flask url_map, the secret records' ids filled in, with
the list filters that could name it), every export (xlsx, docx, pdf: read as text), their
notifications and the e-mails sent to them. Only the clerk who registered it, the office head,
the leader and the lead unit's staff may meet any of its marker strings; everyone else gets
404/403 or a page without them."""
from __future__ import annotations

import email
import io
import shutil
import subprocess
import zipfile
from datetime import datetime
from email.policy import default

import pytest
from sqlalchemy import or_, select

from engine.api_tokens import service as tokens
from engine.clock import VN_TZ, ManualClock, set_clock
from engine.directives import attachments, documents, extensions
from engine.directives import service as directives
from engine.directives.models import Assignment, Directive
from engine.inbox.service import VIEWS
from engine.inspections import service as inspections
from engine.notifications.mail import send_due_mail
from engine.notifications.models import Notification
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.reports.models import PeriodicReport
from engine.reports.service import start_schedule
from engine.runtime.models import Incident, WorkflowInstance, WorkItem
from engine.secrecy.models import SecretDocument
from engine.urging import manual as manual_urging
from tests.conftest import PASSWORD, fresh_database_url, make_engine
from tests.scheduler.smtp import SmtpServer
from tests.webui.conftest import Browser
from webui.app import create_app

# What no one outside the allowed may ever meet (ASCII, so that no escaping hides them).
SYMBOL = "913/2026/QD-XSYMBOLQ"
MARKERS = ("XSYMBOLQ", "XSUMMARYQ", "XCONTENTQ", "XNOTEQ", "xfileq", "XFILEBYTESQ", "xscanq", "XSCANBYTESQ")
UNITS = (("UBND", "UBND huyện Quỳnh Nhai", None, False), ("VP", "Văn phòng", "UBND", True),
         ("STC", "Phòng Tài chính", "UBND", False), ("SXD", "Phòng Xây dựng", "UBND", False))
# username: (unit, roles, may see the secret directive)
PEOPLE = {
    "clerk": ("VP", ["clerk"], True),          # registers and classifies it: handles it in person
    "clerk2": ("VP", ["clerk"], False),
    "chanhvp": ("VP", ["office_head"], True),  # visible_to
    "chutich": ("UBND", ["leader"], True),     # visible_to
    "kiemtra": ("VP", ["inspector"], False),
    "stc": ("STC", ["unit_officer"], True),    # the lead unit
    "stc_gd": ("STC", ["unit_head"], True),
    "sxd": ("SXD", ["unit_officer"], False),
    "sxd_gd": ("SXD", ["unit_head"], False),
    "quantri": ("VP", ["system_admin"], False),
    "quytrinh": ("VP", ["process_admin"], False),
}
ALLOWED = {name for name, (_unit, _roles, allowed) in PEOPLE.items() if allowed}
# Served files of the application itself (CSS, JS): no data.
STATIC = {"static", "reports.static", "modeler.static", "formbuilder.static"}
# GET routes that must show the secret directive to someone allowed: proof that the walk meets it.
MUST_SHOW = {"assignments.index", "assignments.detail", "assignments.export", "inbox.index", "workitems.form",
             "workitems.attachment", "reports.dashboard", "reports.export",
             "notifications.index", "api.list_directives", "api.get_directive", "api.list_assignments",
             "api.get_assignment", "api.list_progress", "api.list_work_items", "api.get_work_item",
             "api.download_attachment", "secrecy.index", "api.list_secret_documents",
             "api.get_secret_document"}


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    clock = ManualClock(vn(2026, 2, 12, 9))
    previous = set_clock(clock)
    folder = tmp_path_factory.mktemp("secret")
    server = SmtpServer().start()
    with fresh_database_url(folder, "secret") as url:
        engine = make_engine(url, clock, ruleset="quynh-nhai", tmp_path=folder)
        engine.settings.smtp_host, engine.settings.smtp_port = "127.0.0.1", server.port
        try:
            yield _build(engine, clock, server)
        finally:
            engine.close()
            server.stop()
            set_clock(previous)


def _build(engine, clock, server) -> dict:
    with engine.db.session() as s:
        for code, name, parent, office in UNITS:
            org.create_unit(s, code, name, parent_code=parent, tracking_office=office)
        users = {name: org.create_user(s, name, PASSWORD, name.title(), unit, roles, email=f"{name}@dondoc.test")
                 for name, (unit, roles, _allowed) in PEOPLE.items()}
        engine.load_ruleset(s)
    start_schedule(engine)
    directive = directives.register(
        engine, {"symbol": SYMBOL, "issued_on": "12/02/2026", "issuer": "UBND huyện", "summary": "XSUMMARYQ mật",
                 "secrecy": "secret"},
        [{"content": "XCONTENTQ mật", "lead_unit": "STC", "deadline": "13/02/2026"}], users["clerk"])
    public = directives.register(  # a directive everyone in scope sees: the pages are not empty for them
        engine, {"symbol": "914/2026/QD-UBND", "issued_on": "12/02/2026", "issuer": "UBND huyện",
                 "summary": "PUBLICQ"}, [{"content": "PUBLICQ", "lead_unit": "SXD", "deadline": "13/02/2026"}],
        users["clerk"])
    for one in (directive, public):
        engine.runtime.complete(_ready(engine, "classify", directive_id=one.id).id, {"tracked": "on"}, users["clerk"])
    with engine.db.session() as s:
        assignment_id = s.scalar(select(Assignment.id).where(Assignment.directive_id == directive.id))
        sha = attachments.store(s, engine.blobs, io.BytesIO(b"XFILEBYTESQ"), "xfileq.pdf",
                                users["stc"]).sha256
    engine.runtime.complete(_ready(engine, "handle", assignment_id=assignment_id).id,
                            {"action": "update", "progress": "in_progress", "note": "XNOTEQ",
                             "attachments": [sha]}, users["stc"])
    extensions.request_extension(engine, assignment_id, "31/05/2026", "Chờ ý kiến", users["stc"])
    [scan] = documents.attach_later(engine, directive.id, [documents.Upload(io.BytesIO(b"XSCANBYTESQ"), "xscanq.pdf",
                                                                            documents.SCAN)], users["clerk"])
    letter = manual_urging.urge(engine, assignment_id, "Khẩn trương", users["clerk"], with_letter=True).letter
    for day in (13, 24, 26, 28):  # due today, then overdue and escalated (Tết: 16-20 Feb off)
        clock.set(vn(2026, 2, day, 9))
        engine.runtime.run_due_timers()
    for month, day in ((3, 13), (3, 20), (3, 31)):  # the quarterly report opens; the paper report falls due
        clock.set(vn(2026, month, day, 9))
        engine.runtime.run_due_timers()
    send_due_mail(engine.db, engine.settings)
    with engine.db.session() as s:
        items = s.scalars(select(WorkItem.id).where(or_(WorkItem.directive_id == directive.id,
                                                        WorkItem.assignment_id == assignment_id))).all()
        reports = s.scalars(select(PeriodicReport.id)).all()
        api_tokens = {name: tokens.create_token(s, name, "walk")[1] for name in PEOPLE}
        register_line = s.scalar(select(SecretDocument.id).where(SecretDocument.directive_id == directive.id))
    inspection = inspections.propose(engine, {"title": "Kiểm tra", "units": ["STC"]}, users["clerk"])
    with engine.db.session() as s:  # a script's error quoting the task's words, as SpiffWorkflow's do
        incident = Incident(instance_id=_instance_ids(engine, directive.id)[0], element_id="handle",
                            error="NameError: 'XCONTENTQ mật' is not defined", created_at=clock.now())
        s.add(incident)
        s.flush()
        incident_id = incident.id
    app = create_app(engine, SECRET_KEY="walk-secret", TESTING=True)
    return {"engine": engine, "server": server, "users": users, "app": app, "tokens": api_tokens,
            "ids": {"directive_id": [directive.id], "assignment_id": [assignment_id], "item_id": list(items),
                    "sha256": [sha, scan.sha256, letter.sha256],  # a report's file, the scan, the urging letter
                    "fmt": ["xlsx", "docx", "pdf"], "report_id": list(reports),
                    "bundle_id": [_bundle_id(engine)], "user_id": [users["clerk"].id],
                    "path": ["assignment.bpmn"], "inspection_id": [inspection.id],
                    "key": ["update_progress"],  # a form of the form builder
                    "token": ["an-upload-nobody-kept"],  # an import preview (webui/directives/imports.py)
                    "draft_id": [999999],  # a process draft: only its author opens it
                    "instance_id": _instance_ids(engine, directive.id),  # the running-processes pages
                    "incident_id": [incident_id],
                    "document_id": [register_line],  # its line in the secret register
                    "received_id": [999999], "index": [0]},  # a hub document waiting for the office, its file
            "directive_id": directive.id}


def _ready(engine, element_id: str, **where) -> WorkItem:
    with engine.db.session() as s:
        query = select(WorkItem).where(WorkItem.element_id == element_id, WorkItem.status == "ready")
        for column, value in where.items():
            query = query.where(getattr(WorkItem, column) == value)
        return s.scalars(query.order_by(WorkItem.id)).first()


def _instance_ids(engine, directive_id: int) -> list[int]:
    with engine.db.session() as s:
        return list(s.scalars(select(WorkflowInstance.id).where(WorkflowInstance.directive_id == directive_id)))


def _bundle_id(engine) -> int:
    with engine.db.session() as s:
        return engine.current_bundle(s).id


def extra_queries(world) -> dict[str, list[str]]:
    """The filters of list routes that could name the secret directive (a part of a marker as
    search text: the page may echo it, the whole marker it must not show)."""
    did = world["directive_id"]
    views = [f"?view={v}" for v in VIEWS]
    return {"assignments.index": [f"?directive={did}", "?text=SYMBOLQ", "?outcome=overdue", "?first_report_late=1"],
            "assignments.export": [f"?directive={did}", "?text=CONTENTQ", "?first_report_late=1"],
            "inbox.index": views + ["?text=SYMBOLQ"],
            "reports.dashboard": [f"?directive={did}", "?period=2026-Q1"],
            "reports.export": ["?period=2026-Q1", f"?directive={did}"],
            "reports.data": [f"?directive={did}"],
            "notifications.index": ["?show=unread"],
            "api.list_directives": ["?q=SYMBOLQ", "?q=SUMMARYQ"],
            "api.list_assignments": [f"?directive_id={did}", "?q=CONTENTQ", "?outcome=overdue"],
            "api.list_work_items": views + ["?q=SYMBOLQ"],
            "instances.index": ["?element=handle", "?incident=none"]}


def urls(world) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET route, each argument filled with the secret records' ids."""
    found, extras = [], extra_queries(world)
    for rule in world["app"].url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in STATIC:
            continue
        unknown = set(rule.arguments) - set(world["ids"])
        assert not unknown, f"{rule.rule}: give the walk an id for {unknown} (tests/security)"
        paths = [{}]
        for name in rule.arguments:
            paths = [{**p, name: value} for p in paths for value in world["ids"][name]]
        for values in paths:
            path = rule.rule
            for name, value in values.items():
                path = _fill(path, name, value)
            found += [(rule.endpoint, path + query) for query in ["", *extras.get(rule.endpoint, [])]]
    return found


def _fill(path: str, name: str, value) -> str:
    """Replace the placeholder of `name` (<name>, <int:name>, <int(max=…):name>, …)."""
    start = path.find("<")
    while start != -1:
        end = path.find(">", start)
        if path[start + 1:end].split(":")[-1] == name:
            return path[:start] + str(value) + path[end + 1:]
        start = path.find("<", end)
    return path


def readable(body: bytes) -> str:
    """What a person can read in a response: the text of office files and PDFs too."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    if body.startswith(b"%PDF"):
        assert shutil.which("pdftotext"), "the PDF export is read with pdftotext: apt-get install poppler-utils"
        return subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()
    return body.decode("utf-8", "replace")


def seen_markers(text: str) -> set[str]:
    return {marker for marker in MARKERS if marker in text}


def walk(world) -> dict[tuple[str, str, str], set[str]]:
    """{(user, endpoint, URL): markers on it} for every user and every GET route."""
    seen = {}
    targets = urls(world)
    for name in PEOPLE:
        web = Browser(world["app"])
        assert web.login(name).status_code == 302
        api = world["app"].test_client()
        headers = {"Authorization": f"Bearer {world['tokens'][name]}"}
        for endpoint, url in targets:
            response = api.get(url, headers=headers) if url.startswith("/api/") else web.get(url)
            assert response.status_code < 500, (name, url, response.status_code)
            seen[(name, endpoint, url)] = seen_markers(readable(response.get_data()))
    return seen


def test_only_the_allowed_see_the_secret_directive_anywhere(world):
    seen = walk(world)
    leaks = sorted((user, url, sorted(markers)) for (user, _endpoint, url), markers in seen.items()
                   if markers and user not in ALLOWED)
    assert leaks == [], "secret directive shown to users outside [secrecy] visible_to:\n" + "\n".join(map(str, leaks))
    shown = {endpoint for (user, endpoint, _url), markers in seen.items() if markers and user in ALLOWED}
    assert MUST_SHOW - shown == set(), "the walk met the secret directive nowhere on these routes"
    # the units doing it see it; the public directive is seen by the unit doing that one
    assert any(markers for (user, endpoint, _u), markers in seen.items()
               if user == "stc" and endpoint == "assignments.detail")
    # the registry export carries the latest progress report: for the allowed only (the leaks above)
    assert "XNOTEQ" in seen[("stc", "assignments.export", "/assignments/export.xlsx")]


def test_notifications_and_mails_reach_only_the_allowed(world):
    engine, users = world["engine"], world["users"]
    names = {user.id: name for name, user in users.items()}
    with engine.db.session() as s:
        notes = s.scalars(select(Notification)).all()
    leaks = [(names[n.user_id], n.kind, n.subject) for n in notes
             if names[n.user_id] not in ALLOWED and seen_markers(f"{n.subject}\n{n.body}\n{n.link}")]
    assert leaks == []
    told = {names[n.user_id] for n in notes if seen_markers(n.subject + n.body)}
    assert {"stc", "clerk", "chanhvp", "chutich"} <= told  # urged, escalated, reminded of the paper report
    mails = [email.message_from_bytes(raw, policy=default) for raw in world["server"].inbox.received]
    read = {}
    for mail in mails:
        to = mail["To"].addresses[0].username
        read.setdefault(to, set()).update(seen_markers(f"{mail['Subject']}\n{mail.get_body().get_content()}"))
    assert {to for to, markers in read.items() if markers} - ALLOWED == set()
    assert read.get("stc"), "the lead unit's mails name the directive: the mail path was walked"


def test_each_check_agrees_with_its_list_filter(world):
    """The check for one record and the SQL filter of lists give the same answer, for every
    user and every directive, assignment and work item of the walk."""
    engine = world["engine"]
    secret = {permissions.DIRECTIVE: world["directive_id"], permissions.ASSIGNMENT: world["ids"]["assignment_id"][0]}
    with engine.db.reading() as s:
        items = s.scalars(select(WorkItem)).all()
        for name, user in world["users"].items():
            user = s.get(User, user.id)
            for kind, model in ((permissions.DIRECTIVE, Directive), (permissions.ASSIGNMENT, Assignment)):
                listed = set(s.scalars(select(model.id).where(permissions.see_clause(s, user, kind))))
                assert listed == {i for i in s.scalars(select(model.id)) if permissions.may_see(s, user, kind, i)}
                assert (secret[kind] in listed) is (name in ALLOWED), (name, kind)
            acting = set(s.scalars(select(WorkItem.id).where(permissions.act_clause(
                s, user, role=WorkItem.role, unit_id=WorkItem.unit_id, directive_id=WorkItem.directive_id,
                assignment_id=WorkItem.assignment_id, performers=WorkItem.performers))))
            assert acting == {item.id for item in items if permissions.may_act(s, user, item)}, name

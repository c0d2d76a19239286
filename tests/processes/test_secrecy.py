"""Secret documents: what a ruleset lets the system keep, the separate register and who may
read it, and the paper-report reminders (ruleset.toml [secrecy])."""
import shutil
from datetime import date, datetime

import pytest
from lxml import etree
from sqlalchemy import func, inspect, select, text

from engine.audit.models import AuditEntry
from engine.clock import VN_TZ
from engine.config import REPO_ROOT
from engine.directives import extensions
from engine.directives import service as directives
from engine.directives.models import Assignment, Directive
from engine.directives.service import DirectiveError
from engine.errors import AlreadyDone, Forbidden, NotFound
from engine.forms import FormValidationError
from engine.notifications.models import Notification
from engine.org import service as org
from engine.runtime.models import InstanceStatus, WorkflowInstance
from engine.secrecy import service as secrecy
from engine.secrecy.models import SecretDocument
from engine.secrecy.register import SecrecyError
from tests.conftest import PASSWORD, create_org_tree, make_engine
from tests.processes import drive

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

MARKER = "NỘI-DUNG-MẬT-KHÔNG-ĐƯỢC-LƯU"
SECRECY = """
[secrecy]
store_content = {store}
register = "separate"
visible_to = ["office_head", "leader"]
paper_report = ["quarterly", "yearly"]
"""


@pytest.fixture
def engine(database_url, clock, tmp_path, request):
    store = "true" if getattr(request, "param", False) else "false"
    eng = drive.ruleset_engine(database_url, clock, tmp_path, SECRECY.replace("{store}", store))
    yield eng
    eng.close()


HEADER = {"symbol": "12/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "secrecy": "secret"}


def test_content_of_a_secret_document_is_refused_and_never_stored(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    with pytest.raises(Forbidden):  # only the tracking office registers them
        secrecy.register_secret_document(engine, HEADER, [{"lead_unit": "STC"}], users["stc"])
    with pytest.raises(DirectiveError):  # not through the ordinary register
        directives.register(engine, {**HEADER, "summary": MARKER}, [{"content": MARKER, "lead_unit": "STC"}],
                            users["clerk"])
    with pytest.raises(secrecy.SecrecyError) as refused:
        secrecy.register_secret_document(engine, {**HEADER, "summary": MARKER}, [{"lead_unit": "STC"}],
                                         users["clerk"])
    assert "summary" in str(refused.value)
    with pytest.raises(secrecy.SecrecyError):
        secrecy.register_secret_document(engine, HEADER, [{"lead_unit": "STC", "content": MARKER}], users["clerk"])
    document = secrecy.register_secret_document(
        engine, HEADER, [{"lead_unit": "STC", "deadline": "31/03/2026"}, {"lead_unit": "SXD"}], users["clerk"])
    with engine.db.session() as s:
        stored = s.get(SecretDocument, document.id)
        assert (stored.symbol, stored.number, stored.secrecy, stored.issued_on) == (
            "12/QĐ-UBND", "12", "secret", date(2026, 2, 12))
        assert [(e.seq, e.deadline) for e in stored.entries] == [(1, date(2026, 3, 31)), (2, None)]
        assert s.scalar(select(Directive.id)) is None and s.scalar(select(Assignment.id)) is None
        assert _tables_containing(s, MARKER) == []  # no table holds the refused content, not even the audit


def test_a_secret_document_is_not_issued_after_today(loaded, org_tree, clock):
    """The clock says 12/02/2026: the secret register refuses a document dated tomorrow, as the
    directive register does, naming the field; nothing is recorded."""
    with pytest.raises(FormValidationError) as refused:
        secrecy.register_secret_document(loaded, {**HEADER, "issued_on": "13/02/2026"}, [{"lead_unit": "STC"}],
                                         org_tree["clerk"])
    assert set(refused.value.errors) == {"issued_on"}
    with loaded.db.session() as s:
        assert s.scalar(select(SecretDocument.id)) is None


def test_register_is_visible_only_to_the_named_roles(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    document = secrecy.register_secret_document(engine, HEADER, [{"lead_unit": "STC"}], users["clerk"])
    settings = engine.compiled(_bundle(engine)).settings
    with engine.db.session() as s:
        for who in ("clerk", "stc", "admin"):
            with pytest.raises(Forbidden):
                secrecy.visible_documents(s, s.get(type(users[who]), users[who].id), settings)
        for who in ("office_head", "leader"):
            found = secrecy.visible_documents(s, s.get(type(users[who]), users[who].id), settings)
            assert [d.id for d in found] == [document.id]
    # The paper report falls due at the end of the quarter: the register's readers are reminded.
    drive.run_timers_at(engine, clock, datetime(2026, 3, 31, 9, 0))
    with engine.db.session() as s:
        reminded = {n.user_id for n in s.scalars(select(Notification).where(Notification.kind == "paper_report"))}
    assert reminded == {users["office_head"].id, users["leader"].id}
    assert MARKER not in str(reminded)
    with pytest.raises(NotFound):  # the clerk may not even see the register
        secrecy.close_secret_document(engine, document.id, users["clerk"])
    secrecy.close_secret_document(engine, document.id, users["office_head"])
    assert drive.instance(engine, document.instance_id).status == "completed"


@pytest.mark.parametrize("engine", [True], indirect=True)
def test_stored_secret_directive_also_gets_its_register_line(loaded, org_tree):
    engine, users = loaded, org_tree
    drive.register(engine, users, [{"content": "Nhiệm vụ mật", "lead_unit": "STC", "deadline": "20/03/2026"}],
                   symbol=HEADER["symbol"], secrecy="top_secret")
    with engine.db.session() as s:
        directive = s.scalars(select(Directive)).one()
        assert directive.secrecy == "top_secret" and s.scalars(select(Assignment)).one().secret
        line = s.scalars(select(SecretDocument)).one()
        assert (line.directive_id, line.secrecy, [e.deadline for e in line.entries]) == (
            directive.id, "top_secret", [date(2026, 3, 20)])
        assert line.instance_id is not None  # its paper-report reminders run too


@pytest.mark.parametrize("engine", [True], indirect=True)
def test_an_extension_request_and_a_return_keep_a_secret_tasks_reason_out_of_messages(loaded, org_tree):
    """What the unit wrote stays out of mail for a secret task; the extension request's steps
    and the return put its reason in the body, which skipped that rule."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{"content": "Nhiệm vụ mật", "lead_unit": "STC", "deadline": "20/03/2026"}],
                         symbol=HEADER["symbol"], secrecy="secret")
    extensions.request_extension(engine, aid, "31/03/2026", "Lý do mật của đơn vị", users["stc"])
    drive.complete(engine, "handle", {"action": "return", "return_reason": "Lý do mật khi chuyển lại"}, users["stc"])
    with engine.db.session() as s:
        bodies = s.execute(select(Notification.kind, Notification.body).where(
            Notification.kind.in_(["extension_requested", "returned"]))).all()
    assert {kind for kind, _body in bodies} == {"extension_requested", "returned"}
    assert not any("Lý do mật" in body or "31/03/2026" in body for _kind, body in bodies)


def test_a_regulation_without_register_refuses_secret_documents(database_url, clock, tmp_path, org_tree):
    dak_lak = make_engine(database_url, clock, tmp_path=tmp_path)  # [secrecy] register = "none"
    try:
        with dak_lak.db.session() as s:
            dak_lak.load_ruleset(s)
        with pytest.raises(secrecy.SecrecyError):
            secrecy.register_secret_document(dak_lak, HEADER, [{"lead_unit": "STC"}], org_tree["clerk"])
        with dak_lak.db.session() as s:
            assert s.scalar(select(SecretDocument.id)) is None
    finally:
        dak_lak.close()


def _bundle(engine):
    with engine.db.session() as s:
        bundle = engine.current_bundle(s)
        s.expunge(bundle)
        return bundle


def _tables_containing(session, needle: str) -> list[str]:
    found = []
    for table in inspect(session.connection()).get_table_names():
        rows = session.execute(text(f'SELECT * FROM "{table}"')).all()
        if any(needle in str(value) for row in rows for value in row):
            found.append(table)
    return found


def test_a_ward_office_registers_its_secret_documents_for_its_own_units(loaded, org_tree):
    """A ward marked an issuing body: its office registers its committee's secret document with its own
    section as lead unit, never a unit of the province; the line is the ward's register's (issue #21)."""
    engine = loaded
    with engine.db.session() as s:
        org.create_unit(s, "xa-a", "UBND phường A", parent_code="UBND", kind="commune")
        org.create_unit(s, "xa-a-kt", "Phòng Kinh tế phường A", parent_code="xa-a", kind="section")
        ward = org.mark_issuing_body(s, "xa-a", True).id
        ward_clerk = org.create_user(s, "clerk_a", PASSWORD, "Văn thư phường A", "xa-a", ["clerk"])
    with pytest.raises(SecrecyError, match="STC is not a unit of the issuing body"):
        secrecy.register_secret_document(engine, HEADER, [{"lead_unit": "STC"}], ward_clerk)
    line = secrecy.register_secret_document(engine, HEADER, [{"lead_unit": "xa-a-kt"}], ward_clerk)
    assert line.body_id == ward


# ---------------------------------------------------------------- paper reports sent (Quỳnh Nhai Đ.5 k.2)
def _paper_days(engine, document_id: int) -> tuple:
    """(next report's day, the one last reminded of, last sent, who recorded it) as the line keeps them."""
    with engine.db.session() as s:
        line = s.get_one(SecretDocument, document_id)
        return line.paper_due, line.paper_reminded, line.paper_sent_on, line.paper_sent_by


def _timer_day(engine, instance_id: int) -> date:
    return drive.instance(engine, instance_id).next_timer_due.astimezone(VN_TZ).date()


def test_a_paper_report_sent_before_its_reminder_moves_the_reminder_to_the_next_period(loaded, org_tree, clock):
    """The first quarter's report (due 31/03, reminded from 24/03) sent on 10/03: its reminder never comes,
    the second quarter's is planned (due 30/06, reminded from 23/06), and the line keeps the days."""
    engine, users = loaded, org_tree
    document = secrecy.register_secret_document(engine, HEADER, [{"lead_unit": "STC"}], users["clerk"])
    assert _paper_days(engine, document.id) == (date(2026, 3, 31), None, None, None)
    assert _timer_day(engine, document.instance_id) == date(2026, 3, 24)
    clock.set(datetime(2026, 3, 10, 9, 0))
    secrecy.record_paper_report(engine, document.id, {"sent_on": "10/03/2026"}, users["office_head"])
    assert _paper_days(engine, document.id) == (date(2026, 6, 30), None, date(2026, 3, 10), users["office_head"].id)
    assert _timer_day(engine, document.instance_id) == date(2026, 6, 23)
    drive.run_timers_at(engine, clock, datetime(2026, 3, 31, 9, 0))
    assert drive.notified(engine, "paper_report") == {}
    drive.run_timers_at(engine, clock, datetime(2026, 6, 23, 9, 0))
    assert set(drive.notified(engine, "paper_report")) == {"chanhvp", "chutich"}
    assert _paper_days(engine, document.id)[:2] == (date(2026, 9, 30), date(2026, 6, 30))


def test_a_paper_report_sent_after_its_reminder_answers_it_once(loaded, org_tree, clock):
    """Reminded of the first quarter's report (the second's planned at once), the keeper records it sent: the
    second's reminder stays; the same day again changes nothing and is told so; another report sent
    before the second quarter began is kept as the last sent and moves nothing."""
    engine, users = loaded, org_tree
    document = secrecy.register_secret_document(engine, HEADER, [{"lead_unit": "STC"}], users["clerk"])
    drive.run_timers_at(engine, clock, datetime(2026, 3, 24, 9, 0))
    assert _paper_days(engine, document.id)[:2] == (date(2026, 6, 30), date(2026, 3, 31))
    secrecy.record_paper_report(engine, document.id, {"sent_on": "2026-03-24"}, users["leader"])
    assert _paper_days(engine, document.id) == (date(2026, 6, 30), date(2026, 3, 31), date(2026, 3, 24),
                                                users["leader"].id)
    assert _timer_day(engine, document.instance_id) == date(2026, 6, 23)
    with pytest.raises(AlreadyDone, match="already recorded"):
        secrecy.record_paper_report(engine, document.id, {"sent_on": "24/03/2026"}, users["office_head"])
    assert _paper_days(engine, document.id)[3] == users["leader"].id
    # another one sent within the first quarter answers nothing more
    clock.set(datetime(2026, 3, 25, 9, 0))
    secrecy.record_paper_report(engine, document.id, {"sent_on": "25/03/2026"}, users["office_head"])
    assert _paper_days(engine, document.id) == (date(2026, 6, 30), date(2026, 3, 31), date(2026, 3, 25),
                                                users["office_head"].id)
    assert _timer_day(engine, document.instance_id) == date(2026, 6, 23)
    with engine.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "secret_document.paper_report_sent")) == 2


def test_a_paper_report_is_refused_out_of_its_days_on_a_closed_line_and_to_others(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    document = secrecy.register_secret_document(engine, HEADER, [{"lead_unit": "STC"}], users["clerk"])
    for day in ("13/02/2026", "11/02/2026", "", "31/02/2026"):  # tomorrow, before the document, none, no such day
        with pytest.raises(FormValidationError) as refused:
            secrecy.record_paper_report(engine, document.id, {"sent_on": day}, users["office_head"])
        assert set(refused.value.errors) == {"sent_on"}, day
    with pytest.raises(NotFound):  # the clerk registers the line but does not keep the register
        secrecy.record_paper_report(engine, document.id, {"sent_on": "12/02/2026"}, users["clerk"])
    assert _paper_days(engine, document.id) == (date(2026, 3, 31), None, None, None)
    secrecy.close_secret_document(engine, document.id, users["office_head"])
    with pytest.raises(AlreadyDone, match="already closed"):
        secrecy.record_paper_report(engine, document.id, {"sent_on": "12/02/2026"}, users["office_head"])
    assert _paper_days(engine, document.id)[2:] == (None, None)


def test_a_paper_report_is_kept_on_a_line_whose_reminders_stopped_at_an_incident(loaded, org_tree, clock):
    """The reminder process stopped at an incident (its administrator retries it): the report is still
    kept on the line, the process is left as it stands."""
    engine, users = loaded, org_tree
    document = secrecy.register_secret_document(engine, HEADER, [{"lead_unit": "STC"}], users["clerk"])
    with engine.db.session() as s:
        s.get_one(WorkflowInstance, document.instance_id).status = InstanceStatus.ERROR
    clock.set(datetime(2026, 3, 10, 9, 0))
    secrecy.record_paper_report(engine, document.id, {"sent_on": "10/03/2026"}, users["office_head"])
    assert _paper_days(engine, document.id) == (date(2026, 3, 31), None, date(2026, 3, 10), users["office_head"].id)
    assert _timer_day(engine, document.instance_id) == date(2026, 3, 24)


BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
# What secret_document.bpmn gained when the keeper came to record paper reports (and the line to keep its days)
RECORDING = {"keep_plan", "owe_report", "paper_report_sent", "take_report", "report_covers", "msg_paper_report_sent",
             "flow_to_keep", "flow_to_owe", "flow_to_sent", "flow_to_take", "flow_to_covers", "flow_reported_early",
             "flow_reported_owed"}


def _diagram_of_before(diagram: str) -> bytes:
    """secret_document.bpmn before it: plan → wait for the timer or the closing; a reminder plans the next
    period at once; nothing is kept on the line."""
    tree = etree.fromstring(diagram.encode("utf-8"))
    for element in [e for e in tree.iter() if e.get("id") in RECORDING or (
            e.tag in (f"{BPMN}incoming", f"{BPMN}outgoing") and e.text in RECORDING)]:
        element.getparent().remove(element)
    process = tree.find(f"{BPMN}process")
    for flow, source in (("flow_to_wait", "plan_report"), ("flow_again", "remind_paper_report")):
        process.find(f"*[@id='{flow}']").set("sourceRef", source)
        task = process.find(f"*[@id='{source}']")
        task.findall(f"{BPMN}incoming")[-1].addnext(outgoing := etree.Element(f"{BPMN}outgoing"))
        outgoing.text = flow
    script = process.find(f"*[@id='plan_report']/{BPMN}script")
    script.text = script.text.replace("planned_from = period_end\n", "")
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def test_a_line_whose_reminders_run_on_the_diagram_of_before_moves_its_reminder_when_a_report_is_recorded(
        database_url, clock, tmp_path):
    """Two lines registered on the diagram of before (which knows no report sent) and one after: the lines of
    before read their days from their process. A report recorded on a line of before restarts its reminder on
    the current diagram, planning the period its process planned (from the end of the one before it, or the
    line's registration): sent before that period's reminder, the reminder moves to the next period as on a
    line of after; sent after the diagram of before reminded of the first quarter, it answers that reminder
    and the next period's stays. Every line closes."""
    common = tmp_path / "common"
    shutil.copytree(REPO_ROOT / "processes" / "common", common)
    diagram = common / "secret_document.bpmn"
    current = diagram.read_text(encoding="utf-8")
    diagram.write_bytes(_diagram_of_before(current))
    engine = drive.ruleset_engine(database_url, clock, tmp_path, SECRECY.replace("{store}", "false"), common=common)
    try:
        users = create_org_tree(engine)
        with engine.db.session() as s:
            engine.load_ruleset(s)
        early, late = (secrecy.register_secret_document(engine, {**HEADER, "symbol": symbol}, [{"lead_unit": "STC"}],
                                                        users["clerk"]) for symbol in ("12/QĐ-UBND", "14/QĐ-UBND"))
        diagram.write_text(current, encoding="utf-8")
        with engine.db.session() as s:
            engine.load_ruleset(s)
            newer = engine.current_bundle(s).id
        after = secrecy.register_secret_document(engine, {**HEADER, "symbol": "13/QĐ-UBND"}, [{"lead_unit": "SXD"}],
                                                 users["clerk"])
        assert _paper_days(engine, early.id)[0] is None and _paper_days(engine, after.id)[0] == date(2026, 3, 31)
        assert _line_days(engine, users["office_head"], early.id) == (date(2026, 3, 31), None, None)
        clock.set(datetime(2026, 3, 10, 9, 0))
        for line in (early, after):
            secrecy.record_paper_report(engine, line.id, {"sent_on": "10/03/2026"}, users["office_head"])
            assert _line_days(engine, users["office_head"], line.id) == (date(2026, 6, 30), None, date(2026, 3, 10))
        moved = _reminder(engine, early.id)
        assert (moved.bundle_id, _timer_day(engine, moved.id)) == (newer, date(2026, 6, 23))
        assert drive.instance(engine, early.instance_id).status == InstanceStatus.COMPLETED  # the one of before
        drive.run_timers_at(engine, clock, datetime(2026, 3, 24, 9, 0))  # only the diagram of before reminds
        with engine.db.session() as s:
            reminded = set(s.scalars(select(Notification.body).where(Notification.kind == "paper_report")))
        assert reminded == {"Đến kỳ báo cáo bằng văn bản giấy (theo chế độ mật) về văn bản 14/QĐ-UBND, hạn 31/03/2026."}
        assert _line_days(engine, users["leader"], late.id) == (date(2026, 6, 30), date(2026, 3, 31), None)
        clock.set(datetime(2026, 3, 25, 9, 0))
        secrecy.record_paper_report(engine, late.id, {"sent_on": "25/03/2026"}, users["leader"])
        answered = _reminder(engine, late.id)
        assert (answered.bundle_id, _timer_day(engine, answered.id)) == (newer, date(2026, 6, 23))
        assert _paper_days(engine, late.id) == (date(2026, 6, 30), date(2026, 3, 31), date(2026, 3, 25),
                                                users["leader"].id)
        drive.run_timers_at(engine, clock, datetime(2026, 6, 23, 9, 0))
        with engine.db.session() as s:
            assert s.scalar(select(func.count()).select_from(Notification).where(
                Notification.kind == "paper_report", Notification.body.contains("hạn 30/06/2026"))) == 3 * 2
        for line in (early, late, after):
            secrecy.close_secret_document(engine, line.id, users["office_head"])
            assert _reminder(engine, line.id).status == InstanceStatus.COMPLETED
    finally:
        engine.close()


def _reminder(engine, document_id: int) -> WorkflowInstance:
    """The line's reminder process now."""
    with engine.db.session() as s:
        return drive.instance(engine, s.get_one(SecretDocument, document_id).instance_id)


def _line_days(engine, reader, document_id: int) -> tuple:
    """(next report's day, the one last reminded of, last sent) as the register shows the line."""
    with engine.db.reading() as s:
        line = secrecy.register_line(engine, s, s.get_one(type(reader), reader.id), document_id)
    return line.paper_due, line.paper_reminded, line.paper_sent_on

"""What the office changes after registration, through the engine (dak-lak ruleset): withdrawing
an assignment, correcting the directive's header, adding assignments (engine/directives/changes.py)."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.directives import changes, subassign
from engine.directives import service as directives
from engine.directives.models import Assignment, Directive
from engine.directives.service import AssignmentError, DirectiveError
from engine.errors import Forbidden
from engine.forms import FormValidationError
from engine.notifications.models import Notification
from engine.outcomes import outcome_of
from engine.reports import counts
from engine.runtime.models import WorkflowInstance, WorkItem
from tests.processes import drive

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

DATED = {"content": "Báo cáo tình hình giải ngân", "lead_unit": "STC", "deadline_days": 5}  # due Thu 26/02/2026
OTHER = {"content": "Rà soát quy hoạch xây dựng", "lead_unit": "SXD", "deadline": "27/02/2026"}
INSTRUCTION = "Ý kiến chỉ đạo của Chủ tịch UBND tỉnh tại Thông báo số 12/TB-UBND"


def _audit(engine, action: str) -> list[AuditEntry]:
    with engine.db.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _notified(engine, kind: str) -> set[str]:
    from engine.org.models import User

    with engine.db.session() as s:
        return set(s.scalars(select(User.username).join(Notification, Notification.user_id == User.id)
                             .where(Notification.kind == kind)))


def test_withdrawn_assignment_ends_its_process_and_is_not_counted(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**DATED, "coordinating_units": ["SXD"]}, OTHER])
    assert sorted(drive.ready_elements(engine)) == ["contribute", "handle", "handle"]
    changes.withdraw(engine, aid, "Nhiệm vụ không còn phù hợp", users["clerk"], instruction=INSTRUCTION)

    withdrawn = drive.assignment(engine, aid)
    assert withdrawn.status == "cancelled" and outcome_of(withdrawn, date(2026, 3, 31)) is None
    instance = drive.instance(engine, withdrawn.instance_id)
    assert (instance.status, instance.next_timer_due) == ("completed", None)
    with engine.db.session() as s:  # its work items went away (the lead's and the coordinating unit's)
        items = s.scalars(select(WorkItem).where(WorkItem.assignment_id == aid)).all()
        assert {(i.element_id, i.status) for i in items} == {("handle", "cancelled"), ("contribute", "cancelled")}
    assert drive.ready_elements(engine) == ["handle"]  # the other assignment goes on
    assert _notified(engine, changes.WITHDRAWN) == {"stc", "stc_gd", "sxd"}  # the units doing it
    [entry] = _audit(engine, "assignment.withdrawn")
    assert (entry.actor_name, entry.before, entry.after) == (
        "clerk", {"status": "open"}, {"reason": "Nhiệm vụ không còn phù hợp", "instruction": INSTRUCTION})

    # Urging stops: past both deadlines, only the other assignment is urged.
    drive.run_timers_at(engine, clock, datetime(2026, 3, 4, 9, 0))
    with engine.db.session() as s:
        urged = set(s.scalars(select(Notification.assignment_id).where(Notification.kind.in_(
            ("reminder", "due_today", "overdue")))))
        other = s.scalar(select(Assignment.id).where(Assignment.id != aid))
        assert urged == {other}
        # Reports count the other assignment only: 1 overdue, the withdrawn one in no bucket.
        whole = counts.total(s, counts.Scope(as_of=date(2026, 3, 4)))
    assert (whole.total, whole.overdue, whole.rate()) == (1, 1, 0.0)


def test_withdrawing_needs_a_reason_the_instruction_and_the_right_role(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    with pytest.raises(DirectiveError, match="reason"):
        changes.withdraw(engine, aid, "  ", users["clerk"], instruction=INSTRUCTION)
    with pytest.raises(DirectiveError, match="instruction"):  # the office acts on the leader's instruction
        changes.withdraw(engine, aid, "Không còn phù hợp", users["office_head"])
    with pytest.raises(Forbidden):
        changes.withdraw(engine, aid, "Không thuộc chức năng", users["stc"], instruction=INSTRUCTION)
    assert drive.assignment(engine, aid).status == "open" and drive.ready_elements(engine) == ["handle"]
    assert not _audit(engine, "assignment.withdrawn")
    changes.withdraw(engine, aid, "Không còn phù hợp", users["leader"])  # the leader's own decision
    assert drive.assignment(engine, aid).status == "cancelled" and drive.ready_elements(engine) == []
    with pytest.raises(DirectiveError, match="already ended"):
        changes.withdraw(engine, aid, "Lần nữa", users["leader"])


def test_withdrawing_takes_the_sections_shares_with_it(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    [child] = subassign.sub_assign(engine, aid, [{"unit": "STC-NS", "content": "Tổng hợp số liệu"}], users["stc"])
    changes.withdraw(engine, aid, "Không còn phù hợp", users["leader"])
    share = drive.assignment(engine, child)
    assert share.status == "cancelled" and drive.instance(engine, share.instance_id).status == "completed"
    assert drive.ready_elements(engine) == []
    assert [e.assignment_id for e in _audit(engine, "assignment.withdrawn")] == [aid, child]


def test_a_withdrawn_instance_stopped_by_an_incident_ends_too(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    instance_id = drive.assignment(engine, aid).instance_id
    with engine.db.session() as s:
        s.get(WorkflowInstance, instance_id).status = "error"
    changes.withdraw(engine, aid, "Không còn phù hợp", users["leader"])
    assert drive.instance(engine, instance_id).status == "completed" and drive.ready_elements(engine) == []


def test_the_header_is_corrected_with_its_history(loaded, org_tree):
    engine, users = loaded, org_tree
    drive.register(engine, users, [DATED])
    with engine.db.session() as s:
        directive_id = s.scalar(select(Directive.id))
    changes.edit_header(engine, directive_id, {"summary": "Về việc giải ngân vốn đầu tư công",
                                               "issued_on": "11/02/2026", "urgency": "urgent",
                                               "symbol": "46/2026/CT-UBND"}, users["clerk"])
    with engine.db.session() as s:
        d = s.get(Directive, directive_id)
        assert (d.summary, d.issued_on, d.urgency, d.symbol, d.number, d.doc_type) == (
            "Về việc giải ngân vốn đầu tư công", date(2026, 2, 11), "urgent", "46/2026/CT-UBND", "46", "CT")
        assert d.issuer == "UBND tỉnh"  # not given: kept
    [entry] = _audit(engine, "directive.edited")
    assert entry.before == {"symbol": drive.SYMBOL, "issued_on": "2026-02-12", "summary": "Về việc thử nghiệm",
                            "urgency": "normal"}
    assert entry.after == {"symbol": "46/2026/CT-UBND", "issued_on": "2026-02-11",
                           "summary": "Về việc giải ngân vốn đầu tư công", "urgency": "urgent"}
    changes.edit_header(engine, directive_id, {"summary": "Về việc giải ngân vốn đầu tư công"}, users["clerk"])
    assert len(_audit(engine, "directive.edited")) == 1  # nothing changed, nothing recorded


def test_a_header_correction_dates_nothing_after_today(loaded, org_tree):
    """The clock says 12/02/2026 (the directive issued and received that day): a correction
    moving either date to tomorrow, or the day received before the day issued, is refused naming
    the field, and nothing changes."""
    engine, users = loaded, org_tree
    drive.register(engine, users, [DATED])
    with engine.db.session() as s:
        directive_id = s.scalar(select(Directive.id))
    for raw, field in (({"issued_on": "13/02/2026"}, "issued_on"), ({"received_on": "13/02/2026"}, "received_on"),
                       ({"received_on": "11/02/2026"}, "received_on")):
        with pytest.raises(FormValidationError) as bad:
            changes.edit_header(engine, directive_id, raw, users["clerk"])
        assert field in bad.value.errors
    with engine.db.session() as s:
        d = s.get(Directive, directive_id)
        assert (d.issued_on, d.received_on) == (date(2026, 2, 12), date(2026, 2, 12))
    assert not _audit(engine, "directive.edited")


def test_a_later_issue_date_leaving_tasks_due_before_it_is_refused_naming_them(loaded, org_tree):
    """Registered as issued 05/02/2026: task 1 due 09/02, task 2 due 27/02 with STC's part due 10/02, task 3
    due 27/02. Correcting the issue date to 11/02 would leave tasks 1 and 2 due before their directive (the
    registration refuses that): refused beside the issue date, naming both, nothing changed; 09/02 passes."""
    engine, users = loaded, org_tree
    drive.register(engine, users, [
        {**OTHER, "content": "Kiểm tra hiện trường", "deadline": "09/02/2026"},
        {**OTHER, "coordinating_units": [{"unit": "STC", "deadline": "10/02/2026"}]},
        {**OTHER, "content": "Tổng hợp báo cáo"}], issued_on="05/02/2026")
    with engine.db.session() as s:
        directive_id = s.scalar(select(Directive.id))
    with pytest.raises(FormValidationError) as bad:
        changes.edit_header(engine, directive_id, {"issued_on": "11/02/2026", "summary": "Khác"}, users["clerk"])
    assert list(bad.value.errors) == ["issued_on"]
    assert bad.value.errors["issued_on"].params == {
        "issued": "11/02/2026",
        "tasks": "1. Kiểm tra hiện trường (09/02/2026); 2. Rà soát quy hoạch xây dựng (10/02/2026)"}
    with engine.db.session() as s:
        d = s.get(Directive, directive_id)
        assert (d.issued_on, d.summary) == (date(2026, 2, 5), "Về việc thử nghiệm")
    assert not _audit(engine, "directive.edited")
    changes.edit_header(engine, directive_id, {"issued_on": "09/02/2026"}, users["clerk"])  # due on it: in time
    with engine.db.session() as s:
        assert s.get(Directive, directive_id).issued_on == date(2026, 2, 9)


def test_a_header_correction_is_refused_when_it_must_be(loaded, org_tree):
    engine, users = loaded, org_tree
    drive.register(engine, users, [DATED])
    directives.register(engine, {"symbol": "47/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
                                 "summary": "Văn bản khác"}, [DATED], users["clerk"])
    with engine.db.session() as s:
        first = s.scalar(select(Directive.id).where(Directive.symbol == drive.SYMBOL))
    with pytest.raises(DirectiveError, match="secrecy"):  # never made secret or public afterwards
        changes.edit_header(engine, first, {"secrecy": "confidential"}, users["clerk"])
    with pytest.raises(DirectiveError, match="already registered"):
        changes.edit_header(engine, first, {"symbol": "47/2026/QĐ-UBND"}, users["clerk"])
    with pytest.raises(FormValidationError) as bad:
        changes.edit_header(engine, first, {"issued_on": "31/02/2026", "summary": ""}, users["clerk"])
    assert set(bad.value.errors) == {"issued_on", "summary"}
    with pytest.raises(Forbidden):
        changes.edit_header(engine, first, {"summary": "Khác"}, users["stc"])
    assert not _audit(engine, "directive.edited")


def test_an_assignment_added_after_registration_runs_its_own_process(loaded, org_tree):
    engine, users = loaded, org_tree
    drive.register(engine, users, [DATED])
    with engine.db.session() as s:
        directive_id = s.scalar(select(Directive.id))
    with pytest.raises(AssignmentError) as bad:  # the registration's checks, rows counted from 1
        changes.add_assignments(engine, directive_id, [OTHER, {"content": "Thiếu đơn vị"}], users["clerk"])
    assert (bad.value.seq, bad.value.field) == (2, "lead_unit")
    with pytest.raises(AssignmentError) as bad:  # due before the directive of 12/02/2026 was issued
        changes.add_assignments(engine, directive_id, [{**OTHER, "deadline": "01/01/2020"}], users["clerk"])
    assert (bad.value.seq, bad.value.field) == (1, "deadline")
    with pytest.raises(Forbidden):
        changes.add_assignments(engine, directive_id, [OTHER], users["stc"])
    [added] = changes.add_assignments(engine, directive_id, [OTHER], users["clerk"])
    row = drive.assignment(engine, added)
    assert (row.seq, row.deadline, row.status) == (2, date(2026, 2, 27), "open")
    [entry] = _audit(engine, "directive.assignments_added")
    assert entry.after == {"assignments": [2]}
    handle = drive.ready(engine, "handle", "SXD")
    assert handle.assignment_id == added
    drive.complete(engine, "handle", {"action": "update", "progress": "done", "note": "Đã xong"}, users["sxd"], "SXD")
    drive.complete(engine, "review", {"decision": "close"}, users["clerk"])
    assert drive.assignment(engine, added).status == "closed"


def test_assignments_wait_for_the_classification(loaded, org_tree):
    engine, users = loaded, org_tree
    directive = directives.register(engine, {"symbol": drive.SYMBOL, "issued_on": "12/02/2026",
                                             "issuer": "UBND tỉnh", "summary": "Về việc thử nghiệm"},
                                    [DATED], users["clerk"])
    with pytest.raises(DirectiveError, match="classified"):
        changes.add_assignments(engine, directive.id, [OTHER], users["clerk"])

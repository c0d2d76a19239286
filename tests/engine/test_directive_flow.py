"""The common directive and assignment processes, driven through the engine."""
import pytest
from sqlalchemy import func, select

from engine.directives import service as directives
from engine.directives.models import Assignment, Directive
from engine.errors import AlreadyDone
from engine.runtime.models import WorkItem


def ready_item(engine, element_id):
    with engine.db.session() as s:
        return s.scalars(select(WorkItem).where(WorkItem.element_id == element_id,
                                                WorkItem.status == "ready")).one()


def test_register_return_correct_update_close(loaded, org_tree):
    engine, users = loaded, org_tree
    directives.register(engine, {"symbol": "45/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
                                 "summary": "Về việc X"},
                        [{"content": "Báo cáo", "lead_unit": "STC", "deadline_days": 5}], users["clerk"])
    classify = ready_item(engine, "classify")
    assert classify.due_at.date().isoformat() == "2026-02-23"  # 2 working days across Tết 2026
    engine.runtime.complete(classify.id, {"tracked": "on"}, users["clerk"])
    handle = ready_item(engine, "handle")
    engine.runtime.complete(handle.id, {"action": "return", "return_reason": "Không đúng chức năng"}, users["stc"])
    engine.runtime.complete(ready_item(engine, "correct").id, {"correction_note": "Giao Sở Xây dựng",
                                                               "new_lead_unit": "SXD"}, users["clerk"])
    handle = ready_item(engine, "handle")
    engine.runtime.complete(handle.id, {"action": "update", "progress": "done", "note": "Xong"}, users["sxd"])
    try:
        engine.runtime.complete(handle.id, {"action": "update", "progress": "done"}, users["sxd"])
        raise AssertionError("double submit accepted")
    except AlreadyDone:
        pass
    engine.runtime.complete(ready_item(engine, "review").id, {"decision": "close"}, users["clerk"])
    with engine.db.session() as s:
        assignment = s.scalars(select(Assignment)).one()
        assert (assignment.status, assignment.progress) == ("closed", "done")
        assert assignment.deadline.isoformat() == "2026-02-26"


HEADER = {"symbol": "46/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "summary": "Về việc Y"}


def test_a_ruleset_without_header_only_documents_or_upper_deadlines_refuses_them(loaded, org_tree):
    """Only a ruleset whose [registration] says so records a directive without tasks (Bạc Liêu Đ.5
    k.2) or the upper level's deadline (Đ.9 k.1); elsewhere both are refused, not dropped."""
    with pytest.raises(directives.DirectiveError, match="at least one assignment"):
        directives.register(loaded, HEADER, [], org_tree["clerk"])
    with pytest.raises(directives.AssignmentError) as refused:
        directives.register(loaded, HEADER, [{"content": "Báo cáo", "lead_unit": "STC",
                                              "upstream_deadline": "13/03/2026"}], org_tree["clerk"])
    assert (refused.value.seq, refused.value.field) == (1, "upstream_deadline")
    with loaded.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Directive)) == 0

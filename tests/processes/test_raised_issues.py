"""Issues a unit raises about an assignment (kiến nghị, engine/directives/raised.py), through the
engine: a request for the leader's direction (Đắk Lắk Đ.9 k.1c, Quỳnh Nhai Đ.8 k.1c) and a flag
that another unit does not do its part (Đắk Lắk Đ.21 k.3, Quỳnh Nhai Đ.18 k.3)."""
import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.directives import raised
from engine.directives.models import RaisedIssue
from engine.directives.service import DirectiveError
from engine.errors import Forbidden, NotFound
from engine.registry import service as registry
from tests.processes import drive

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

TASK = {"content": "Rà soát quy hoạch khu công nghiệp", "lead_unit": "STC", "coordinating_units": ["SXD"],
        "deadline_days": 10}


def _issue(engine, issue_id: int) -> RaisedIssue:
    with engine.db.session() as s:
        return s.get_one(RaisedIssue, issue_id)


def test_a_disagreement_goes_through_the_office_head_to_the_leader_and_back(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [TASK])
    issue = raised.raise_issue(engine, aid, "direction", "Sở Xây dựng và Sở Tài chính chưa thống nhất phạm vi rà soát",
                               users["stc"])
    assert sorted(drive.ready_elements(engine)) == ["contribute", "handle", "submit_issue"]  # handling goes on
    assert "Sở Tài chính xin ý kiến chỉ đạo: Sở Xây dựng" in drive.notified(engine, "issue_raised")["chanhvp"]
    submit = drive.ready(engine, "submit_issue")
    with pytest.raises(Forbidden):  # the office head's step, not the clerk's
        engine.runtime.complete(submit.id, {"issue_opinion": "x"}, users["clerk"])
    engine.runtime.complete(submit.id, {"issue_opinion": "Đề nghị giao Sở Tài chính chủ trì"}, users["office_head"])
    assert _issue(engine, issue.id).status == "submitted"
    assert "chutich" in drive.notified(engine, "issue_raised")
    direct = drive.ready(engine, "direct_issue")
    assert "Đề nghị giao Sở Tài chính chủ trì" in direct.instructions
    engine.runtime.complete(direct.id, {"issue_direction": "Sở Tài chính chủ trì, Sở Xây dựng phối hợp"},
                            users["leader"])
    stored = _issue(engine, issue.id)
    assert (stored.status, stored.answer) == ("answered", "Sở Tài chính chủ trì, Sở Xây dựng phối hợp")
    answered = drive.notified(engine, "issue_answered")
    assert set(answered) == {"stc"}  # the officers of the unit that asked
    assert "Ý kiến chỉ đạo: Sở Tài chính chủ trì" in answered["stc"]
    assert sorted(drive.ready_elements(engine)) == ["contribute", "handle"]
    with engine.db.session() as s:  # in the assignment's history, by name and in words
        detail = registry.assignment_detail(s, users["clerk"], aid)
        actions = [entry.action for entry, _who in registry.history_page(s, aid, 50).entries]
        assert [i.id for i in detail.raised_issues] == [issue.id]
    assert {"issue.raised_direction", "issue.submitted", "issue.answered_direction"} <= set(actions)


def test_a_coordinating_unit_flags_the_lead_unit_and_the_office_urges_it(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [TASK])
    issue = raised.raise_issue(engine, aid, "coordination", "Chưa gửi số liệu để phối hợp", users["sxd"],
                               about_unit="STC")
    assert "Sở Xây dựng phản ánh Sở Tài chính chưa thực hiện phần việc được giao" in \
        drive.notified(engine, "issue_raised")["clerk"]
    settle = drive.ready(engine, "settle_flag")
    engine.runtime.complete(settle.id, {"flag_action": "Đề nghị Sở Tài chính gửi số liệu trước 20/02"}, users["clerk"])
    assert _issue(engine, issue.id).status == "answered"
    assert set(drive.notified(engine, "coordination_urged")) == {"stc"}  # the flagged unit is urged
    assert set(drive.notified(engine, "issue_answered")) == {"sxd"}                # the unit that flagged is told
    with engine.db.session() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "issue.raised_coordination")).all()
        assert entry.after["about_unit"] == "Sở Tài chính"


def test_who_may_raise_what(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**TASK, "coordinating_units": []}])
    with pytest.raises(Forbidden):  # the office receives issues, it does not raise them
        raised.raise_issue(engine, aid, "direction", "x", users["clerk"])
    with pytest.raises(NotFound):  # a unit not given the task does not even see it
        raised.raise_issue(engine, aid, "direction", "x", users["sxd"])
    with pytest.raises(DirectiveError, match="Describe"):
        raised.raise_issue(engine, aid, "direction", "   ", users["stc"])
    with pytest.raises(DirectiveError, match="Choose"):
        raised.raise_issue(engine, aid, "complaint", "x", users["stc"])
    with pytest.raises(DirectiveError, match="Name the unit"):  # a flag names another unit of the task
        raised.raise_issue(engine, aid, "coordination", "x", users["stc"], about_unit="STC")
    with pytest.raises(DirectiveError, match="Name the unit"):
        raised.raise_issue(engine, aid, "coordination", "x", users["stc"], about_unit="SXD")
    with engine.db.session() as s:
        assert s.scalar(select(RaisedIssue.id)) is None  # nothing half-written

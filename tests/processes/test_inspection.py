"""The common inspection process: decision with its five parts, team, findings, results
report due 7 working days after the inspection ends, notifications, inspection file."""
import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.directives import attachments
from engine.errors import Forbidden, NotFound
from engine.forms import FormValidationError
from engine.inspections import service as inspections
from engine.inspections.models import PAPER_KINDS, Inspection
from engine.notifications.models import Notification
from engine.org import service as org
from tests.conftest import PASSWORD
from tests.processes import drive

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

DECISION = {"decision_symbol": "150/QĐ-UBND", "decided_on": "10/02/2026",
            "legal_basis": "Quyết định 45/2016/QĐ-UBND, Điều 12–18",
            "scope": "Sở Tài chính, Sở Xây dựng; nhiệm vụ giao năm 2025",
            "content": "Kiểm tra việc thực hiện các nhiệm vụ được giao", "starts_on": "10/02/2026",
            "ends_on": "12/02/2026", "team_leader": "thanhtra", "team_members": "chanhvp, thanhtra"}


@pytest.fixture
def inspector(loaded):
    with loaded.db.session() as s:
        return org.create_user(s, "thanhtra", PASSWORD, "Hoàng Thanh Tra", "VP", ["inspector"])


def kinds_notified(engine, user) -> list[str]:
    with engine.db.session() as s:
        return sorted(s.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


def _upload(engine, user, name: str) -> str:
    """A file `user` uploads (only a file one sent or may see can be attached)."""
    with engine.db.session() as s:
        return attachments.store(s, engine.blobs, io.BytesIO(name.encode()), name, user).sha256


def test_inspection_from_decision_to_results_report(loaded, org_tree, inspector, clock):
    engine, users = loaded, org_tree
    with pytest.raises(inspections.InspectionError):
        inspections.propose(engine, {"title": "Đột xuất", "kind": "ad_hoc", "units": ["STC"]}, users["clerk"])
    with pytest.raises(Forbidden):
        inspections.propose(engine, {"title": "X", "units": ["STC"]}, users["stc"])
    proposed = inspections.propose(engine, {"title": "Kiểm tra nhiệm vụ năm 2025", "kind": "planned",
                                            "units": ["STC", "SXD"]}, users["office_head"])
    decide = drive.ready(engine, "decide")
    assert decide.role == "leader"
    with pytest.raises(FormValidationError) as missing:  # the five required parts, checked by the engine
        engine.runtime.complete(decide.id, {**DECISION, "legal_basis": "", "team_members": ""}, users["leader"])
    assert set(missing.value.errors) == {"legal_basis", "team_members"}
    engine.runtime.complete(decide.id, DECISION, users["leader"])
    with engine.db.session() as s:
        inspection = s.get(Inspection, proposed.id)
        assert inspection.status == "decided" and inspection.ends_on == date(2026, 2, 12)
        assert sorted((m.role, m.user_id) for m in inspection.members) == [
            ("leader", inspector.id), ("member", users["office_head"].id)]
    # decided on its last day: the unit is reminded at once
    assert kinds_notified(engine, users["stc"]) == ["inspection_decided", "inspection_hand_over_due"]
    # the team named in the decision is told of it: its members hold no inspector role of their own
    assert kinds_notified(engine, users["office_head"]) == kinds_notified(engine, inspector) == ["inspection_decided"]

    findings = drive.ready(engine, "record_findings")
    assert findings.role == "inspector" and findings.due_at.date() == date(2026, 2, 12)
    minutes, report_file = (_upload(engine, inspector, name) for name in ("bien-ban.pdf", "bao-cao.pdf"))
    engine.runtime.complete(findings.id, {"ended_on": "12/02/2026", "findings": "STC chậm 2 nhiệm vụ",
                                          "minutes": [minutes]}, inspector)
    report = drive.ready(engine, "write_report")
    # 7 working days after Thu 12/02/2026, Tết (Mon 16 – Fri 20/02) excluded: Mon 02/03/2026.
    assert report.due_at.date() == date(2026, 3, 2)
    with engine.db.session() as s:
        assert s.get(Inspection, proposed.id).report_due == date(2026, 3, 2)

    drive.run_timers_at(engine, clock, datetime(2026, 3, 3, 9, 0))  # the report is late: the leader hears
    assert kinds_notified(engine, users["leader"]) == ["inspection_report_overdue"]
    assert "inspection_report_overdue" in kinds_notified(engine, inspector)  # and the team that must write it
    with engine.db.session() as s:  # the due day as the leader reads dates
        warning = s.scalar(select(Notification.body).where(Notification.kind == "inspection_report_overdue"))
    assert warning.endswith("(hạn 02/03/2026).")
    engine.runtime.complete(report.id, {"assessment": "Cơ bản hoàn thành", "conclusion": "STC chậm do thiếu số liệu",
                                        "recommendations": "Phê bình", "report_attachments": [report_file]}, inspector)
    assert kinds_notified(engine, users["leader"]) == ["inspection_report", "inspection_report_overdue"]
    assert "inspection_report" in kinds_notified(engine, users["sxd"])
    assert drive.instance(engine, proposed.instance_id).status == "completed"

    inspections.add_paper(engine, proposed.id, "plan", "Kế hoạch kiểm tra", [], users["office_head"])
    with pytest.raises(inspections.InspectionError):
        inspections.add_paper(engine, proposed.id, "nonsense", "X", [], users["office_head"])
    with engine.db.session() as s:
        file = inspections.inspection_file(s, proposed.id, s.get(type(users["stc"]), users["stc"].id))
        assert list(file) == list(PAPER_KINDS)  # all eight kinds, in the regulation's order
        assert {k: len(v) for k, v in file.items() if v} == {"decision": 1, "plan": 1, "minutes": 1,
                                                             "results_report": 1}
        inspection = s.get(Inspection, proposed.id)
        assert (inspection.status, inspection.reported_on) == ("reported", date(2026, 3, 3))
        org.create_unit(s, "SYT", "Sở Y tế", parent_code="UBND", kind="department")
        outsider = org.create_user(s, "syt", PASSWORD, "Người ngoài", "SYT", ["unit_officer"])
        with pytest.raises(NotFound):  # a unit that is not inspected does not see it
            inspections.inspection_file(s, proposed.id, outsider)


def test_report_due_seven_working_days_after_thursday_23_april_2026(loaded, org_tree, inspector, clock):
    """Đắk Lắk Đ.17 k.1: ≤ 7 working days after the end. From Thu 23/04/2026: Fri 24, (Mon 27
    off for the Hùng Kings), Tue 28, Wed 29, (Thu 30/4, Fri 1/5 off), Mon 4, Tue 5, Wed 6, Thu 7/5."""
    proposed = inspections.propose(loaded, {"title": "Kiểm tra", "units": ["STC"]}, org_tree["office_head"])
    loaded.runtime.complete(drive.ready(loaded, "decide").id, {**DECISION, "starts_on": "20/04/2026",
                                                               "ends_on": "23/04/2026"}, org_tree["leader"])
    clock.set(datetime(2026, 4, 23, 16, 0))
    loaded.runtime.complete(drive.ready(loaded, "record_findings").id,
                            {"ended_on": "23/04/2026", "findings": "Đúng tiến độ"}, inspector)
    assert drive.ready(loaded, "write_report").due_at.date() == date(2026, 5, 7)
    with loaded.db.session() as s:
        assert s.get(Inspection, proposed.id).report_due == date(2026, 5, 7)


def test_a_unit_is_reminded_to_hand_over_and_the_office_and_team_told_when_it_has_not(loaded, org_tree, inspector,
                                                                                      clock):
    engine, users = loaded, org_tree
    clock.set(datetime(2026, 2, 9, 9, 0))
    inspections.propose(engine, {"title": "Kiểm tra nhiệm vụ năm 2025", "units": ["STC", "SXD"]}, users["office_head"])
    engine.runtime.complete(drive.ready(engine, "decide").id, DECISION, users["leader"])  # ends Thu 12/02/2026
    drive.run_timers_at(engine, clock, datetime(2026, 2, 10, 17, 0))
    assert drive.notified(engine, "inspection_hand_over_due") == {}
    drive.run_timers_at(engine, clock, datetime(2026, 2, 11, 9, 0))  # the working day before: each unit
    reminder = ("Đoàn kiểm tra: Kiểm tra nhiệm vụ năm 2025. {} báo cáo tình hình thực hiện nhiệm vụ, cung cấp hồ sơ, "
                "tài liệu chậm nhất ngày 12/02/2026.")
    assert drive.notified(engine, "inspection_hand_over_due") == {
        "stc": reminder.format("Sở Tài chính"), "stc_gd": reminder.format("Sở Tài chính"),
        "sxd": reminder.format("Sở Xây dựng")}
    drive.complete(engine, "hand_over", {"hand_over_note": "Đủ hồ sơ"}, users["stc"], unit="STC")
    drive.run_timers_at(engine, clock, datetime(2026, 2, 13, 9, 0))  # the day has passed: SXD has not
    late = "Sở Xây dựng chưa báo cáo, cung cấp hồ sơ cho đoàn kiểm tra: Kiểm tra nhiệm vụ năm 2025 (hạn 12/02/2026)."
    assert drive.notified(engine, "inspection_hand_over_overdue") == {"clerk": late, "chanhvp": late, "thanhtra": late}
    assert drive.ready(engine, "hand_over", unit="SXD")  # still open: the team may still take them


def test_an_inspection_running_on_an_older_version_gives_its_team_steps_to_the_team(database_url, clock, tmp_path):
    """Who does the team's steps is the inspection's rule, not its diagram's: an inspection proposed
    before a newer version was published, decided after, still gives its findings to the team the
    decision names only (another inspector may not), in a warm worker and in one started afresh."""
    import shutil

    from engine.config import REPO_ROOT
    from engine.org import permissions
    from engine.runtime.models import WorkflowInstance
    from tests.conftest import create_org_tree, make_engine, publish_newer_version

    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    engine = make_engine(database_url, clock, processes_dir=str(processes), tmp_path=tmp_path)
    users = create_org_tree(engine)
    with engine.db.session() as s:
        team = org.create_user(s, "thanhtra", PASSWORD, "Hoàng Thanh Tra", "VP", ["inspector"])
        other = org.create_user(s, "thanhtra2", PASSWORD, "Đinh Thanh Tra", "VP", ["inspector"])
        engine.load_ruleset(s)
        first = engine.current_bundle(s).id
    proposed = inspections.propose(engine, {"title": "Kiểm tra", "units": ["STC"]}, users["office_head"])
    assert publish_newer_version(engine, processes, "dak-lak", "first_update = 3", "first_update = 4") != first
    drive.complete(engine, "decide", DECISION, users["leader"])
    findings = drive.ready(engine, "record_findings")
    with engine.db.session() as s:
        assert s.get(WorkflowInstance, findings.instance_id).bundle_id == first  # on the older version
        assert s.get(Inspection, proposed.id).instance_id == findings.instance_id
        may = {user.username: permissions.may_act(s, s.get(type(user), user.id), findings)
               for user in (team, other, users["office_head"])}
    assert may == {"thanhtra": True, "thanhtra2": False, "chanhvp": True}
    with pytest.raises(Forbidden):
        engine.runtime.complete(findings.id, {"ended_on": "12/02/2026", "findings": "Đúng"}, other)
    engine.close()


def test_an_administrator_gives_a_team_step_to_another_person_by_name(loaded, org_tree, inspector):
    """A team step waits for people, not for a role in a unit: a process administrator hands it to
    a person (who alone then does it, whatever their role), not to a unit."""
    from engine.instances import actions
    from engine.org import permissions

    engine, users = loaded, org_tree
    inspections.propose(engine, {"title": "Kiểm tra", "units": ["STC"]}, users["office_head"])
    drive.complete(engine, "decide", DECISION, users["leader"])
    findings = drive.ready(engine, "record_findings")
    with pytest.raises(actions.InstanceAdminError, match="by name"):
        actions.reassign(engine, users["admin"], findings.id, "Chuyển", unit_code="SXD")
    actions.reassign(engine, users["admin"], findings.id, "Trưởng đoàn đi công tác", username="stc")
    with engine.db.session() as s:
        item = s.get(type(findings), findings.id)
        assert [person.username for person in org.users_by_name(s, ["stc", "thanhtra", "chanhvp"])
                if permissions.may_act(s, person, item)] == ["stc"]

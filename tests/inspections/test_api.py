"""An inspection through the API from the proposal to the results report and the follow-up
task, under Đắk Lắk and Quỳnh Nhai, as the office, the leader, the team leader and the
inspected units; who sees it; internal inspections by a department."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.clock import VN_TZ
from engine.directives.models import Directive
from engine.errors import Forbidden
from engine.inspections.models import Inspection
from engine.instances import queries
from engine.instances.queries import InstanceFilter
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import User
from engine.scheduler.service import tick
from engine.urging.steps import STEP_KINDS
from tests.conftest import PASSWORD
from webui.app import create_app

DECISION = {"decision_symbol": "150/QĐ-UBND", "decided_on": "17/04/2026",
            "legal_basis": "Quy chế theo dõi, đôn đốc, kiểm tra",
            "scope": "Sở Tài chính, Sở Xây dựng; nhiệm vụ giao năm 2025",
            "content": "Tình hình, kết quả thực hiện nhiệm vụ", "starts_on": "20/04/2026", "ends_on": "23/04/2026",
            "team_leader": "kiemtra", "team_members": ["kiemtra", "chanhvp"],
            "experts": "TS. Trần Văn Chuyên (Trường Đại học Tây Nguyên)"}


def work(caller, form_key: str) -> dict:
    """The caller's one open work item of `form_key`."""
    items = [i for i in caller("GET", "/work-items").get_json()["items"] if i["form_key"] == form_key]
    assert len(items) == 1, items
    return items[0]


def complete(caller, form_key: str, data: dict):
    answer = caller("POST", f"/work-items/{work(caller, form_key)['id']}/complete", json=data)
    assert answer.status_code == 200, answer.get_json()


def kinds(engine, user) -> set[str]:
    with engine.db.session() as s:
        return set(s.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


def test_inspection_from_proposal_to_follow_up(deployment, call, clock):
    engine, users = deployment
    ruleset = engine.settings.ruleset
    clock.set(datetime(2026, 4, 15, 9, 0))
    refused = call("chanhvp")("POST", "/inspections", json={"title": "Đột xuất", "kind": "ad_hoc", "units": ["STC"]})
    assert refused.status_code == 422 and "reason" in refused.get_json()["error"]["fields"]
    assert call("stc")("POST", "/inspections", json={"title": "X", "units": ["STC"]}).status_code == 403
    proposed = call("chanhvp")("POST", "/inspections", json={
        "title": "Kiểm tra việc thực hiện nhiệm vụ năm 2025", "kind": "ad_hoc", "reason": "Chậm nhiều nhiệm vụ",
        "units": ["STC", "SXD"]})
    assert proposed.status_code == 201, proposed.get_json()
    inspection_id = proposed.get_json()["id"]

    # The leader decides, with the five parts, the team and an invited expert from outside; an
    # inspection cannot end before it starts.
    backwards = call("chutich")("POST", f"/work-items/{work(call('chutich'), 'inspection_decision')['id']}/complete",
                                json={**DECISION, "ends_on": "17/04/2026"})
    assert backwards.status_code == 422
    assert backwards.get_json()["error"]["fields"] == {"ends_on": "Không được trước ngày 20/04/2026."}
    complete(call("chutich"), "inspection_decision", DECISION)
    body = call("chutich")("GET", f"/inspections/{inspection_id}").get_json()
    assert body["status"] == "decided" and body["decision"]["experts"].startswith("TS. Trần Văn Chuyên")
    assert {(m["full_name"], m["role"]) for m in body["team"]} == {("Hoàng Kiểm Tra", "leader"),
                                                                    ("Trần Chánh Văn Phòng", "member")}

    with engine.db.session() as s:  # the inspected units are told, the time limit written dd/mm/yyyy
        told = s.scalar(select(Notification.body).where(Notification.user_id == users["stc"].id,
                                                        Notification.kind == "inspection_decided"))
    assert told.endswith("Thời hạn kiểm tra đến 23/04/2026.")
    # Each inspected unit hands over its report and documents, by the inspection's last day (its due day).
    hand_over = work(call("stc"), "inspection_hand_over")["instructions"]
    # citing the ruleset's own article: the shared diagram cited both regulations under either
    article = {"dak-lak": "Đ.16 k.3", "quynh-nhai": "Đ.13 k.3"}[ruleset]
    assert hand_over.endswith(f"cung cấp hồ sơ, tài liệu chậm nhất ngày 23/04/2026 ({article}).")
    complete(call("stc"), "inspection_hand_over", {"hand_over_note": "Đã hoàn thành 10/12 nhiệm vụ"})
    assert work(call("sxd"), "inspection_hand_over")["unit"] == "SXD"

    # The team leader ends the inspection on Thu 23/04/2026: the report is due Thu 07/05/2026
    # (Mon 27/04, Thu 30/04 and Fri 01/05 are days off). Not on a day still to come, nor before
    # the inspection began: the report's due day is counted from it.
    clock.set(datetime(2026, 4, 23, 16, 0))
    findings = f"/work-items/{work(call('kiemtra'), 'inspection_findings')['id']}/complete"
    for day, message in (("24/04/2026", "Không được sau ngày hôm nay (23/04/2026)."),
                         ("17/04/2026", "Không được trước ngày 20/04/2026.")):
        refused = call("kiemtra")("POST", findings, json={"ended_on": day, "findings": "STC chậm 2 nhiệm vụ"})
        assert refused.status_code == 422 and refused.get_json()["error"]["fields"] == {"ended_on": message}
    complete(call("kiemtra"), "inspection_findings", {"ended_on": "23/04/2026", "findings": "STC chậm 2 nhiệm vụ"})
    body = call("kiemtra")("GET", f"/inspections/{inspection_id}").get_json()
    assert (body["status"], body["report_due"]) == ("reporting", "2026-05-07")
    assert call("tdkt")("GET", f"/inspections/{inspection_id}").status_code == 404  # nothing sent to it yet
    clock.set(datetime(2026, 5, 6, 9, 0))
    complete(call("kiemtra"), "inspection_report", {
        "assessment": "Cơ bản hoàn thành", "conclusion": "Sở Tài chính chậm 2 nhiệm vụ do thiếu số liệu",
        "recommendations": "Sở Tài chính hoàn thành 2 nhiệm vụ còn lại"})
    body = call("chutich")("GET", f"/inspections/{inspection_id}").get_json()
    assert (body["status"], body["reported_on"]) == ("reported", "2026-05-06")
    assert [p["kind"] for p in body["papers"]] == ["decision", "execution_reports", "results_report"]
    assert [i for i in call("sxd")("GET", "/work-items").get_json()["items"]
            if i["form_key"] == "inspection_hand_over"] == []  # the report ends what was still open
    for who in ("leader", "stc", "sxd"):
        assert "inspection_report" in kinds(engine, users[who])
    # Quỳnh Nhai Đ.14 k.1: the emulation council is told; Đắk Lắk Đ.17 k.3b: the conclusion is published.
    assert ("inspection_report" in kinds(engine, users["council"])) == (ruleset == "quynh-nhai")
    # ... and reads what it is told of, in the list too; it files nothing in the inspection's file.
    council_reads = call("tdkt")("GET", f"/inspections/{inspection_id}")
    assert council_reads.status_code == (200 if ruleset == "quynh-nhai" else 404)
    assert [i["id"] for i in call("tdkt")("GET", "/inspections").get_json()["items"]] == (
        [inspection_id] if ruleset == "quynh-nhai" else [])
    if ruleset == "quynh-nhai":
        assert council_reads.get_json()["conclusion"] == "Sở Tài chính chậm 2 nhiệm vụ do thiếu số liệu"
        filed = call("tdkt")("POST", f"/inspections/{inspection_id}/papers",
                             json={"kind": "other", "title": "Ý kiến Hội đồng", "attachments": []})
        assert filed.status_code == 403
    assert body["published"] == (ruleset == "dak-lak")
    published = call("snv")("GET", "/inspections/published").get_json()["items"]
    assert [p["id"] for p in published] == ([inspection_id] if ruleset == "dak-lak" else [])
    engine.settings.public_results = True  # the deployment's public page shows the published conclusion
    public = create_app(engine, SECRET_KEY="test-secret", TESTING=True).test_client().get("/public/results")
    shown = public.get_data(as_text=True)
    assert ("Kết luận kiểm tra" in shown and "Kiểm tra việc thực hiện nhiệm vụ năm 2025" in shown
            and "Sở Tài chính" in shown) == (ruleset == "dak-lak")

    # The recommendation becomes an ordinary assignment, tracked like any other.
    notice = {"symbol": "25/TB-UBND", "issued_on": "06/05/2026", "issuer": "UBND",
              "summary": "Thông báo kết luận kiểm tra",
              "assignments": [{"content": "Hoàn thành 2 nhiệm vụ còn lại", "lead_unit": "STC",
                               "deadline": "29/05/2026"}]}
    assert call("stc")("POST", f"/inspections/{inspection_id}/follow-up", json=notice).status_code == 403
    followed = call("clerk")("POST", f"/inspections/{inspection_id}/follow-up", json=notice)
    assert followed.status_code == 201, followed.get_json()
    directive_id = followed.get_json()["follow_up_directive_id"]
    complete(call("clerk"), "classify_directive", {"tracked": True})  # then it runs like any directive
    with engine.db.session() as s:
        directive = s.get(Directive, directive_id)
        assert directive.extra["inspection_id"] == inspection_id
        assert [(a.content, a.deadline, a.status) for a in directive.assignments] == [
            ("Hoàn thành 2 nhiệm vụ còn lại", date(2026, 5, 29), "open")]
    assert work(call("stc"), "update_progress")["assignment_id"] == directive.assignments[0].id
    again = call("clerk")("POST", f"/inspections/{inspection_id}/follow-up", json={
        "symbol": "26/TB-UBND", "issued_on": "06/05/2026", "issuer": "UBND", "summary": "X",
        "assignments": [{"content": "Y", "lead_unit": "STC", "deadline_days": 5}]})
    assert again.status_code == 409


def test_a_unit_sees_only_the_inspections_it_is_in(deployment, call):
    proposed = call("chanhvp")("POST", "/inspections", json={"title": "Kiểm tra Sở Tài chính", "units": ["STC"]})
    inspection_id = proposed.get_json()["id"]
    assert call("stc")("GET", f"/inspections/{inspection_id}").status_code == 200
    assert call("stcns")("GET", f"/inspections/{inspection_id}").status_code == 404  # a section is not its department
    for outsider in ("sxd", "snv"):
        assert call(outsider)("GET", f"/inspections/{inspection_id}").status_code == 404
        assert call(outsider)("GET", "/inspections").get_json()["items"] == []
    assert [i["id"] for i in call("stc")("GET", "/inspections?unit=STC&status=proposed").get_json()["items"]] \
        == [inspection_id]
    assert call("chutich")("GET", "/inspections?status=reported").get_json()["items"] == []
    assert call("chutich")("GET", "/inspections?year=2025").get_json()["items"] == []
    assert call("chutich")("GET", "/inspections?year=2026&kind=planned").get_json()["total"] == 1
    assert call("chutich")("GET", "/inspections?status=nonsense").status_code == 400
    assert call("chutich")("GET", "/inspections?unit=NOPE").status_code == 400


def test_a_department_inspects_its_own_units(deployment, call, clock):
    """Đắk Lắk Đ.12 k.2, Đ.15 k.2; Quỳnh Nhai Đ.9 k.2: the head proposes and decides, the unit's
    own officers inspect and report; the head hears of the report, the leader too."""
    engine, users = deployment
    assert call("stc_gd")("POST", "/inspections", json={"title": "Kiểm tra Sở Xây dựng",
                                                        "units": ["SXD"]}).status_code == 403
    proposed = call("stc_gd")("POST", "/inspections", json={"title": "Kiểm tra nội bộ Phòng Ngân sách",
                                                            "units": ["STC-NS"]})
    assert proposed.status_code == 201, proposed.get_json()
    inspection_id = proposed.get_json()["id"]
    assert proposed.get_json()["internal_by"] == {"code": "STC", "name": "Sở Tài chính"}
    assert [i for i in call("chutich")("GET", "/work-items").get_json()["items"]
            if i["form_key"] == "inspection_decision"] == []
    complete(call("stc_gd"), "inspection_decision", {**DECISION, "team_leader": "stc", "team_members": ["stc"]})
    complete(call("stcns"), "inspection_hand_over", {"hand_over_note": "Báo cáo của phòng"})
    clock.set(datetime(2026, 4, 23, 16, 0))
    complete(call("stc"), "inspection_findings", {"ended_on": "23/04/2026", "findings": "Đúng tiến độ"})
    complete(call("stc"), "inspection_report", {"assessment": "Tốt", "conclusion": "Hoàn thành"})
    assert call("stc_gd")("GET", f"/inspections/{inspection_id}").get_json()["status"] == "reported"
    assert call("sxd")("GET", f"/inspections/{inspection_id}").status_code == 404
    for who in ("stc_head", "leader", "stc_ns"):
        assert "inspection_report" in kinds(engine, users[who])
    # Đắk Lắk Đ.17 k.1: a department's results go to the province office as well, which reads them
    for who in ("clerk", "office_head"):
        assert ("inspection_report" in kinds(engine, users[who])) == (engine.settings.ruleset == "dak-lak")
    assert call("clerk")("GET", f"/inspections/{inspection_id}").get_json()["conclusion"] == "Hoàn thành"


def test_without_the_council_unit_the_report_still_goes_out_and_the_log_says_so(database_url, clock, tmp_path):
    """Quỳnh Nhai names the council by its unit code (HDTDKT); a deployment without that unit
    tells the others, and the inspection's history records that the council was not told."""
    from engine.audit.models import AuditEntry
    from engine.inspections import service as inspections
    from engine.org import service as org
    from tests.conftest import PASSWORD, create_org_tree, make_engine
    from tests.processes import drive

    engine = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path)
    users = create_org_tree(engine)
    with engine.db.session() as s:
        inspector = org.create_user(s, "kiemtra", PASSWORD, "Hoàng Kiểm Tra", "VP", ["inspector"])
        engine.load_ruleset(s)
    proposed = inspections.propose(engine, {"title": "Kiểm tra", "units": ["STC"]}, users["office_head"])
    drive.complete(engine, "decide", DECISION, users["leader"])
    clock.set(datetime(2026, 4, 23, 16, 0))
    drive.complete(engine, "record_findings", {"ended_on": "23/04/2026", "findings": "Đúng tiến độ"}, inspector)
    drive.complete(engine, "write_report", {"assessment": "Tốt", "conclusion": "Hoàn thành"}, inspector)
    assert "inspection_report" in kinds(engine, users["stc"])
    with engine.db.session() as s:
        assert s.scalars(select(AuditEntry.after).where(AuditEntry.action == "inspection.council_missing",
                                                        AuditEntry.object_id == str(proposed.id))).all() == [
            {"council_unit": "HDTDKT"}]
    engine.close()


def test_the_year_of_an_inspection_is_the_offices_year(deployment, call, clock):
    """An inspection proposed on 1 January at 06:30 in Vietnam (23:30 UTC the day before) is
    one of the new year's: the year filter counts in the office's time, as its date is shown."""
    clock.set(datetime(2027, 1, 1, 6, 30))
    proposed = call("chanhvp")("POST", "/inspections", json={"title": "Kiểm tra đầu năm", "units": ["STC"]})
    inspection_id = proposed.get_json()["id"]
    assert [i["id"] for i in call("chanhvp")("GET", "/inspections?year=2027").get_json()["items"]] == [inspection_id]
    assert call("chanhvp")("GET", "/inspections?year=2026").get_json()["items"] == []


def test_a_paper_files_only_files_its_filer_may_see(deployment, call):
    """Filing a file lets everyone who sees the inspection read it: a digest alone (of the
    leader's file) is refused, naming the field, and the file stays unreadable; the unit's own
    upload is filed."""
    proposed = call("chanhvp")("POST", "/inspections", json={"title": "Kiểm tra", "units": ["STC"]})
    inspection_id = proposed.get_json()["id"]
    upload = {"file": (io.BytesIO(b"%PDF-1.4 tai lieu cua lanh dao"), "lanh-dao.pdf")}
    sha = call("chutich")("POST", "/attachments", content_type="multipart/form-data", data=upload).get_json()["sha256"]
    refused = call("stc")("POST", f"/inspections/{inspection_id}/papers",
                          json={"kind": "other", "title": "Tài liệu", "attachments": [sha]})
    assert refused.status_code == 422 and refused.get_json()["error"]["fields"] == {
        "attachments": "Chỉ được đính kèm tệp do Anh/Chị tải lên hoặc tệp Anh/Chị đã được xem."}
    assert call("stc")("GET", f"/attachments/{sha}").status_code == 404
    own = call("stc")("POST", "/attachments", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(b"%PDF-1.4 bao cao cua so"), "bao-cao.pdf")}).get_json()["sha256"]
    filed = call("stc")("POST", f"/inspections/{inspection_id}/papers",
                        json={"kind": "execution_reports", "title": "Báo cáo", "attachments": [own]})
    assert filed.status_code == 201 and filed.get_json()["papers"][0]["attachments"] == [own]


def test_the_running_processes_say_which_inspection_each_is(deployment, call):
    """The process admin's list of running processes names an inspection's by its title, as a
    directive's by its symbol and summary (an inspection belongs to no directive: it said nothing)."""
    engine, users = deployment
    for title in ("Kiểm tra Sở Tài chính", "Kiểm tra Sở Xây dựng"):
        call("chanhvp")("POST", "/inspections", json={"title": title, "units": ["STC"]})
    rows, _total = queries.list_instances(engine, users["admin"], InstanceFilter(process_id="inspection"))
    assert sorted(row.content for row in rows) == ["Kiểm tra Sở Tài chính", "Kiểm tra Sở Xây dựng"]


def test_one_who_has_left_is_named_on_no_team(deployment, call):
    """The decision's form offers the active people only; the API accepts no other: a team
    member whose account was closed is refused, naming the field."""
    engine, users = deployment
    with engine.db.session() as s:
        s.get(User, users["inspector"].id).active = False
    call("chanhvp")("POST", "/inspections", json={"title": "Kiểm tra", "units": ["STC"]})
    decision = f"/work-items/{work(call('chutich'), 'inspection_decision')['id']}/complete"
    refused = call("chutich")("POST", decision, json=DECISION)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {
        "team_leader": "Hoàng Kiểm Tra không thuộc những người được chọn ở mục này.",  # by name, not username
        "team_members": "Hoàng Kiểm Tra không thuộc những người được chọn ở mục này."}
    complete(call("chutich"), "inspection_decision",
             {**DECISION, "team_leader": "chanhvp", "team_members": ["chanhvp"]})


def test_the_instance_list_offers_a_step_named_alike_in_two_places_once(deployment, call):
    """The office's findings and an internal inspection's are both 'Kiểm tra, ghi nhận kết quả'."""
    engine, users = deployment
    office = call("chanhvp")("POST", "/inspections", json={"title": "Kiểm tra Sở Xây dựng", "units": ["SXD"]})
    complete(call("chutich"), "inspection_decision", DECISION)
    internal = call("stc_gd")("POST", "/inspections", json={"title": "Kiểm tra nội bộ", "units": ["STC-NS"]})
    complete(call("stc_gd"), "inspection_decision", {**DECISION, "team_leader": "stc", "team_members": ["stc"]})
    with engine.db.reading() as s:
        steps = [(value, name) for value, name in queries.filter_choices(engine, s)["steps"]
                 if name == "Kiểm tra, ghi nhận kết quả"]
    assert steps == [("record_findings,record_findings_internal", "Kiểm tra, ghi nhận kết quả")]
    rows, _ = queries.list_instances(engine, users["admin"], InstanceFilter(element_ids=tuple(steps[0][0].split(","))))
    with engine.db.reading() as s:
        started = {s.get(Inspection, answer.get_json()["id"]).instance_id for answer in (office, internal)}
    assert {row.instance.id for row in rows} == started


def test_only_the_team_named_in_the_decision_records_the_findings_and_writes_the_report(deployment, call, clock):
    """Đắk Lắk Đ.15 k.3đ, Đ.16 k.1: the decision names the team; another inspector neither sees its
    steps in the inbox nor opens or completes them (404, as any work item not theirs; the engine
    itself refuses with Forbidden), a member without the inspector role does both."""
    engine, users = deployment
    with engine.db.session() as s:
        users["inspector2"] = org.create_user(s, "kiemtra2", PASSWORD, "Đinh Kiểm Tra Khác", "VP", ["inspector"])
    call("chanhvp")("POST", "/inspections", json={"title": "Kiểm tra Sở Tài chính", "units": ["STC"]})
    complete(call("chutich"), "inspection_decision", DECISION)  # kiemtra leads, chanhvp (office head) is a member
    clock.set(datetime(2026, 4, 23, 16, 0))
    for form_key, data in (("inspection_findings", {"ended_on": "23/04/2026", "findings": "Đúng tiến độ"}),
                           ("inspection_report", {"assessment": "Tốt", "conclusion": "Hoàn thành"})):
        item = work(call("kiemtra"), form_key)
        assert work(call("chanhvp"), form_key)["id"] == item["id"]
        outsider = call("kiemtra2")
        assert [i for i in outsider("GET", "/work-items").get_json()["items"] if i["form_key"] == form_key] == []
        assert outsider("GET", f"/work-items/{item['id']}").status_code == 404
        assert outsider("POST", f"/work-items/{item['id']}/complete", json=data).status_code == 404
        with pytest.raises(Forbidden):
            engine.runtime.complete(item["id"], data, users["inspector2"])
        complete(call("chanhvp"), form_key, data)


def test_in_an_internal_inspection_only_the_inspected_section_hands_over(deployment, call):
    """A department inspecting its own section (Đ.12 k.2): the section's officers hand over its
    papers (Đ.16 k.3); the department's, who inspect it, may not do it for them."""
    engine, users = deployment
    call("stc_gd")("POST", "/inspections", json={"title": "Kiểm tra nội bộ Phòng Ngân sách", "units": ["STC-NS"]})
    complete(call("stc_gd"), "inspection_decision", {**DECISION, "team_leader": "stc", "team_members": ["stc"]})
    item = work(call("stcns"), "inspection_hand_over")
    department = call("stc")
    assert [i for i in department("GET", "/work-items").get_json()["items"]
            if i["form_key"] == "inspection_hand_over"] == []
    refused = department("POST", f"/work-items/{item['id']}/complete", json={"hand_over_note": "Thay phòng"})
    assert refused.status_code == 404
    with pytest.raises(Forbidden):
        engine.runtime.complete(item["id"], {"hand_over_note": "Thay phòng"}, users["stc"])
    complete(call("stcns"), "inspection_hand_over", {"hand_over_note": "Báo cáo của phòng"})


def test_each_files_the_papers_that_are_theirs(deployment, call):
    """Đắk Lắk Đ.16, Đ.18 (Quỳnh Nhai Đ.13, Đ.15): the inspected unit files its reports, the team its
    minutes and results report, the office the decision; another kind is refused naming `kind`."""
    proposed = call("chanhvp")("POST", "/inspections", json={"title": "Kiểm tra Sở Tài chính", "units": ["STC"]})
    complete(call("chutich"), "inspection_decision", {**DECISION, "team_members": ["kiemtra"]})
    papers = f"/inspections/{proposed.get_json()['id']}/papers"
    refusal = ("Anh/Chị không được nộp loại tài liệu này: đơn vị được kiểm tra nộp báo cáo của mình; đoàn kiểm tra "
               "nộp kế hoạch, biên bản, báo cáo kết quả kiểm tra; nơi tổ chức kiểm tra nộp quyết định kiểm tra.")
    for who, kinds in (("stc", ("execution_reports", "other")), ("kiemtra", ("minutes", "results_report", "plan")),
                       ("clerk", ("decision", "urging_documents"))):
        for kind in ("decision", "execution_reports", "minutes", "results_report"):
            answer = call(who)("POST", papers, json={"kind": kind, "title": "Tài liệu", "attachments": []})
            if kind in kinds:
                assert answer.status_code == 201, (who, kind, answer.get_json())
            else:
                assert answer.status_code == 422, (who, kind)
                assert answer.get_json()["error"]["fields"] == {"kind": refusal}


def test_the_units_inbox_shows_work_given_by_name_only_to_those_named_and_the_units_head(deployment, call, clock):
    """A department's internal inspection of its section: the findings are the named team's work,
    the hand-over the section's officers'. The "unit" view of the inbox listed them to every
    colleague of the units where they wait (another officer of Sở Tài chính read the team's
    findings step and the section's hand-over); it shows them to those named and to the unit's head,
    who follows the unit's work."""
    with deployment[0].db.session() as s:
        org.create_user(s, "stc2", PASSWORD, "Mai Đồng Nghiệp", "STC", ["unit_officer"])
    call("stc_gd")("POST", "/inspections", json={"title": "Kiểm tra nội bộ Phòng Ngân sách", "units": ["STC-NS"]})
    complete(call("stc_gd"), "inspection_decision", {**DECISION, "team_leader": "stc", "team_members": ["stc"]})
    clock.set(datetime(2026, 4, 23, 16, 0))

    def unit_view(username: str) -> set[str]:
        return {i["form_key"] for i in call(username)("GET", "/work-items?view=unit").get_json()["items"]}

    named = {"inspection_findings", "inspection_hand_over"}
    assert named <= unit_view("stc_gd")  # the head of the department, the section below it included
    assert "inspection_findings" in unit_view("stc") and "inspection_hand_over" in unit_view("stcns")
    assert not named & unit_view("stc2")
    assert "inspection_hand_over" not in unit_view("stc")  # the section's, not the team's


def late_steps_told(engine, clock, days: tuple[int, ...]) -> list[list[tuple[str, str]]]:
    """A scheduler tick at 9:00 on each of `days` of April 2026 (23/04, a Thursday, is the inspection's last
    day; 27/04 is off: by 28/04 it is two working days past); after each, (username, kind) of the late
    steps' notifications so far."""
    told = []
    for day in days:
        clock.set(datetime(2026, 4, day, 9, 0))
        tick(engine, datetime(2026, 4, day, 9, 0, tzinfo=VN_TZ))
        with engine.db.session() as s:
            told.append(sorted(s.execute(select(User.username, Notification.kind)
                                         .join(User, User.id == Notification.user_id)
                                         .where(Notification.kind.in_(STEP_KINDS))).all()))
    return told


def test_an_internal_inspections_late_findings_go_to_its_team_then_its_head_not_to_the_office(deployment, call,
                                                                                             clock):
    """A department's own inspection of its section: its team's findings, due on the inspection's last day,
    are urged past it like a unit's step (engine.urging.steps) — the team reminded, then the department's
    head told — but never the office head: the unit's own work, not a task the office follows (the office
    reads an internal inspection only where `[inspection] office_told_of_internal` sends it the report)."""
    engine, users = deployment
    clock.set(datetime(2026, 4, 17, 9, 0))
    call("stc_gd")("POST", "/inspections", json={"title": "Kiểm tra nội bộ Phòng Ngân sách", "units": ["STC-NS"]})
    complete(call("stc_gd"), "inspection_decision", {**DECISION, "team_leader": "stc", "team_members": ["stc"]})
    told = late_steps_told(engine, clock, (23, 24, 28))
    assert told == [[], [("stc", "step_overdue")],
                    [("stc", "step_escalation"), ("stc", "step_overdue"), ("stc_gd", "step_escalation")]]


def test_the_office_teams_late_findings_remind_the_team_then_tell_the_office_head(deployment, call, clock):
    """The office's inspection: its team records the findings by the decision's last day (thời hạn kiểm
    tra, Đắk Lắk Đ.15 k.3d, Quỳnh Nhai Đ.12 k.2d). Past it the late-step rule (engine.urging.steps) reminds
    the team the decision names, then tells the office head — the office advises the leader on the
    inspection and urges for him (Đắk Lắk Đ.9 k.1a, Đ.12 k.1; Quỳnh Nhai Đ.9 k.1, Đ.16 k.3) —, each
    once. The messages name the inspection and its team, the day dd/mm/yyyy, never its content."""
    engine, _ = deployment
    clock.set(datetime(2026, 4, 17, 9, 0))
    call("chanhvp")("POST", "/inspections", json={"title": "Kiểm tra Sở Tài chính năm 2025", "units": ["STC"]})
    complete(call("chutich"), "inspection_decision", {**DECISION, "content": "Nội dung riêng của đoàn",
                                                        "team_leader": "kiemtra", "team_members": ["kiemtra"]})
    told = late_steps_told(engine, clock, (23, 24, 28, 29))
    assert told[:3] == [[], [("kiemtra", "step_overdue")],
                        [("chanhvp", "step_escalation"), ("kiemtra", "step_escalation"), ("kiemtra", "step_overdue")]]
    assert told[3] == told[2]
    with engine.db.session() as s:
        said = {kind: (subject, body) for kind, subject, body in s.execute(
            select(Notification.kind, Notification.subject, Notification.body)
            .join(User, User.id == Notification.user_id)
            .where(User.username == "chanhvp", Notification.kind.in_(STEP_KINDS)))}
    subject, body = said["step_escalation"]
    assert subject == ("Đề nghị chỉ đạo: Kiểm tra, ghi nhận kết quả — Kiểm tra Sở Tài chính năm 2025"
                       " quá hạn 2 ngày làm việc")
    assert "(hạn 23/04/2026)" in body and "Người được giao: Hoàng Kiểm Tra." in body
    assert "Nội dung riêng" not in subject + body

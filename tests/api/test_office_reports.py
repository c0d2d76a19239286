"""Ad-hoc reports and the office's reports through the API: asked by the office or the leader,
refused with the field named, answered and reviewed through the work-item routes."""
from __future__ import annotations

from datetime import UTC, date, datetime

from engine.org import service as org
from engine.reports.models import PeriodicReport

ASK = {"topic": "Tình hình giải ngân vốn đầu tư công", "units": ["STC", "SXD"], "due": "2026-03-06",
       "office_due": "11/03/2026"}


def _item(caller, form_key: str) -> int:
    [item] = [i for i in caller("GET", "/work-items").get_json()["items"] if i["form_key"] == form_key]
    return item["id"]


def _complete(caller, form_key: str, data: dict) -> None:
    answer = caller("POST", f"/work-items/{_item(caller, form_key)}/complete", json=data)
    assert answer.status_code == 200, answer.get_json()


def test_an_ad_hoc_report_from_the_request_to_the_issued_report(as_user, loaded, clock):
    leader = as_user("chutich")
    answer = leader("POST", "/reports/adhoc", json=ASK)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["kind"], body["status"], body["units"], body["unit_due"], body["office_due"], body["number"]) == \
        ("ad_hoc", "collecting", ["STC", "SXD"], "2026-03-06", "2026-03-11", None)
    listed = as_user("clerk")("GET", "/reports/office").get_json()["items"]
    assert [(r["id"], r["label"]) for r in listed] == [(body["id"], "đột xuất về Tình hình giải ngân vốn đầu tư công")]
    _complete(as_user("stc"), "adhoc_report_unit", {"results": "Đã giải ngân 45%"})
    clock.set(datetime(2026, 3, 9, 9, 0))  # the working day after the due day: collection closes
    loaded.runtime.run_due_timers()
    _complete(as_user("clerk"), "periodic_report_office", {"summary": "Tổng hợp"})
    silent = leader("POST", f"/work-items/{_item(leader, 'office_report_review')}/complete",
                    json={"review_decision": "return", "review_note": " "})  # sent back without saying what to change
    assert silent.status_code == 422 and list(silent.get_json()["error"]["fields"]) == ["review_note"]
    _complete(leader, "office_report_review", {"review_decision": "approve"})
    [issued] = leader("GET", "/reports/office").get_json()["items"]
    assert (issued["status"], issued["number"], issued["issued_on"], issued["published"]) == \
        ("issued", "1/BC-VP", "2026-03-09", True)  # dak-lak publishes (Đ.19 k.2)


def test_the_numbers_go_on_after_a_switch_of_ruleset_within_the_year(as_user, loaded, clock):
    with loaded.db.session() as s:  # the office issued 1/BC-VP under the ruleset the deployment ran before
        s.add(PeriodicReport(ruleset="can-tho", period="monthly", period_start=date(2026, 1, 1),
                             period_end=date(2026, 1, 31), unit_due=date(2026, 1, 19), office_due=date(2026, 1, 23),
                             status="issued", number="1/BC-VP", issued_on=date(2026, 1, 23),
                             created_at=datetime(2026, 1, 12, 1, 0, tzinfo=UTC)))
    leader = as_user("chutich")
    assert leader("POST", "/reports/adhoc", json=ASK).status_code == 201
    clock.set(datetime(2026, 3, 9, 9, 0))
    loaded.runtime.run_due_timers()
    _complete(as_user("clerk"), "periodic_report_office", {"summary": "Tổng hợp"})
    _complete(leader, "office_report_review", {"review_decision": "approve"})
    numbers = [r["number"] for r in leader("GET", "/reports/office").get_json()["items"]]
    assert sorted(numbers) == ["1/BC-VP", "2/BC-VP"]  # never a second 1/BC-VP in 2026


def test_bad_requests_name_the_field_and_units_may_not_ask(as_user, loaded):
    with loaded.db.session() as s:  # a department merged away on 01/03 (its tasks went to SXD)
        org.create_unit(s, "SGTVT", "Sở Giao thông vận tải", parent_code="UBND", kind="department")
        org.retire_unit(s, "SGTVT", date(2026, 3, 1), successor_code="SXD")
    clerk = as_user("clerk")
    for change, field in (({"topic": " "}, "topic"), ({"units": []}, "units"), ({"units": "STC"}, "units"),
                          ({"units": ["NOPE"]}, "units"), ({"due": "2026-02-01"}, "due"),
                          ({"due": "31/02/2026"}, "due"), ({"office_due": "2026-03-05"}, "office_due"),
                          ({"topic": "x" * 2001}, "topic"),
                          ({"due": "2026-03-08"}, "due"), ({"office_due": "15/03/2026"}, "office_due"),  # Sundays
                          ({"units": ["STC", "VP"]}, "units"), ({"units": ["UBND"]}, "units"),  # who receives them
                          ({"units": ["STC", "SGTVT"]}, "units")):  # no longer in force
        answer = clerk("POST", "/reports/adhoc", json={**ASK, **change})
        assert answer.status_code == 422 and list(answer.get_json()["error"]["fields"]) == [field], change
    assert as_user("stc")("POST", "/reports/adhoc", json=ASK).status_code == 403
    assert clerk("GET", "/reports/office").get_json()["items"] == []  # nothing half-written

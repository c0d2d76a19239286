"""Quỳnh Nhai district (QĐ 02/2015/QĐ-UBND) from receipt to closing, on the 2026 calendar
(Tết: Mon 16 – Fri 20 Feb off)."""
from datetime import date

import pytest

from engine.config import REPO_ROOT
from engine.errors import Forbidden
from engine.forms import parse_form
from engine.registry import service as registry
from engine.secrecy import service as secrecy
from tests.scenarios.drive import Scenario, due_day, run_inspection


@pytest.fixture
def sc(database_url, clock, tmp_path):
    scenario = Scenario.start(database_url, clock, "quynh-nhai", tmp_path)
    scenario.at("2026-02-12 09:00")  # Thursday before Tết
    yield scenario
    scenario.close()


def test_registration_two_days_or_the_same_day(sc):
    """Đ.7 k.1: ≤ 2 working days after issue; "to be done at once": the same day."""
    one = [{"content": "Báo cáo", "lead_unit": "STC", "deadline": "06/03/2026"}]
    normal = sc.register("301/UBND-VP", "12/02/2026", one)
    at_once = sc.register("302/UBND-VP", "12/02/2026", one, urgency="flash")
    due = {d.symbol: due_day(sc.ready("classify", directive_id=d.id)) for d in (normal, at_once)}
    assert due == {"301/UBND-VP": date(2026, 2, 23), "302/UBND-VP": date(2026, 2, 12)}


def test_province_given_task_tracked_apart_with_difficulties_and_extension(sc):
    directive = sc.register("02/KH-UBND", "12/02/2026",
                            [{"content": "Thực hiện chỉ đạo của UBND tỉnh", "lead_unit": "STC",
                              "deadline": "27/02/2026"}])
    sc.complete("classify", "clerk", {"tracked": "on", "province_given": "on"})  # Đ.6 k.1c
    assert sc.directive(directive.id).origin == "province"
    [assignment] = sc.assignments(directive.id)
    assert due_day(sc.ready("handle")) == date(2026, 2, 23)  # Đ.7 k.2: unit updates ≤ 2 working days

    sc.complete("handle", "stc", {"action": "return", "return_reason": "Thuộc lĩnh vực xây dựng"})
    sc.complete("correct", "clerk", {"correction_note": "Giao phòng khác", "new_lead_unit": "SXD"})
    sc.at("2026-02-23 09:00")
    # Đ.5 k.1g: "đang thực hiện nhưng phát sinh khó khăn, vướng mắc"
    sc.complete("handle", "sxd", {"action": "update", "progress": "blocked", "note": "Thiếu mặt bằng"})
    assert sc.assignment(assignment.id).progress == "blocked"

    sc.at("2026-03-02 09:00")  # the deadline (Fri 27/02) has passed
    assert sc.notices("overdue", assignment.id)
    # Đ.17 k.2: through the office, which proposes to the Chairman; the Chairman decides.
    sc.extend(assignment.id, "sxd", "13/03/2026", "Chờ giải phóng mặt bằng", proposer="office_head",
              decider="leader", report={"action": "update", "progress": "blocked",
                                        "overdue_reason": "Chờ giải phóng mặt bằng"})
    sc.complete("handle", "sxd", {"action": "update", "progress": "done", "note": "Đã xong"})
    sc.complete("review", "clerk", {"decision": "close"})
    assert sc.assignment(assignment.id).status == "closed"


def test_district_own_directive_is_not_province_given(sc):
    directive = sc.register("303/UBND-VP", "12/02/2026", [{"content": "Việc của huyện", "lead_unit": "STC"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    assert sc.directive(directive.id).origin is None


def test_secret_directive_goes_to_the_separate_register(sc):
    """Đ.5 k.2, Đ.6 k.1b: recorded in a separate register kept under secrecy."""
    directive = sc.register("5/QĐ-UBND", "12/02/2026",
                            [{"content": "Nội dung mật", "lead_unit": "STC", "deadline": "06/03/2026"}],
                            secrecy="secret")
    settings = sc.engine.compiled(_bundle(sc)).settings
    with sc.engine.db.session() as s:
        [entry] = secrecy.visible_documents(s, sc.users["office_head"], settings)
        assert (entry.directive_id, entry.secrecy) == (directive.id, "secret")
        with pytest.raises(Forbidden):
            secrecy.visible_documents(s, sc.users["clerk"], settings)
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    # The registry: the unit doing it, the register's readers and the clerk handling it (who
    # registered and classified it) only; tests/security/test_secret_visibility.py walks every surface.
    with sc.engine.db.session() as s:
        seen = {who: registry.visible_assignment(s, sc.users[who], assignment.id) is not None
                for who in ("stc", "office_head", "leader", "clerk", "inspector", "sxd")}
    assert seen == {"stc": True, "office_head": True, "leader": True, "clerk": True, "inspector": False, "sxd": False}


def _bundle(sc):
    with sc.engine.db.session() as s:
        return sc.engine.current_bundle(s)


def test_inspection_report_within_seven_working_days(sc):
    """Đ.14 k.1: the results report ≤ 7 working days after the inspection ends."""
    assert due_day(run_inspection(sc, ["STC"], "12/02/2026")) == date(2026, 3, 2)


def test_classify_form_keeps_every_common_field():
    """The override adds the province-given flag; it must not drop what the common form asks."""
    def names(ruleset):
        path = REPO_ROOT / "processes" / ruleset / "forms" / "classify_directive.toml"
        return {f.name for f in parse_form("classify_directive", path.read_text(encoding="utf-8")).fields}

    assert names("common") | {"province_given"} == names("quynh-nhai")

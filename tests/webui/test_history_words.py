"""The history people read (webui/history.py): every action the engine records has words, and
the values read as the pages show them."""
import io
import re
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, update

from engine import audit
from engine.clock import VN_TZ
from engine.org.models import User
from engine.runtime.models import WorkflowInstance
from engine.working_days.service import set_override
from tests.api.conftest import make_token
from tests.processes import drive
from tests.webui.conftest import classify, ready_item_path, register
from webui.formatting import AUDIT_LABELS

ENGINE = Path(__file__).resolve().parents[2] / "engine"
# Actions built at run time (f-strings and variables), with every value they take.
COMPOSED = {"extension.approved", "extension.refused", "issue.raised_direction", "issue.raised_coordination",
            "issue.answered_direction", "issue.answered_coordination", "assignment.withdrawn",
            "explanation.due_recomputed", "assignment.deadline_recomputed", "inspection.report_due_recomputed",
            "extension.supported", "extension.opposed"}


def test_every_recorded_action_has_words():
    recorded = set(COMPOSED)
    for path in ENGINE.rglob("*.py"):
        recorded |= set(re.findall(r'audit\.record\(\s*[\w.]+,\s*"([^"]+)"', path.read_text(encoding="utf-8")))
    assert not sorted(recorded - set(AUDIT_LABELS)), "add to webui/formatting.py AUDIT_LABELS"


def _history(page: str) -> str:
    section = page[page.index("<h2>Nhật ký</h2>"):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_an_assignment_history_reads_as_sentences(loaded, browser):
    clerk = browser("clerk")
    classify(clerk, register(clerk))
    page = "/assignments/1"
    unit = browser("stc")
    unit.post(ready_item_path(loaded, "handle"), {"action": "update", "progress": "done", "note": "Đã xong",
              "attachments": (io.BytesIO(b"bao cao"), "bao-cao.pdf")}, content_type="multipart/form-data")
    clerk.post(ready_item_path(loaded, "review"), {"decision": "send_back", "review_note": "Thiếu số liệu"})
    html = clerk.get(page).get_data(as_text=True)
    words = _history(html)
    for sentence in ("Giao nhiệm vụ Đơn vị chủ trì: Sở Tài chính Hạn hoàn thành nhiệm vụ: 26/02/2026",
                     "Thực hiện và cập nhật tiến độ Thao tác: Cập nhật tiến độ Tình hình thực hiện: Đã hoàn thành",
                     "Trả lại cho đơn vị Tình hình thực hiện: Đã hoàn thành → Đang thực hiện",
                     "Quyết định: Trả lại, yêu cầu tiếp tục thực hiện", "Phạm Chuyên Viên", "bao-cao.pdf"):
        assert sentence in words, words
    for raw in ("STC", "2026-02", "element:", "sent_back", "in_progress", "lead_unit", "bundle"):
        assert raw not in words, raw
    assert re.search(r'href="/attachments/[0-9a-f]{64}" class="file">bao-cao.pdf', html)  # the file, a link
    assert "Dữ liệu ghi nhận" not in html  # the raw entry: administrators only
    assert "Dữ liệu ghi nhận" in browser("admin").get("/directives/1").get_data(as_text=True)


def test_a_directive_history_names_its_fields_and_statuses(loaded, browser):
    clerk = browser("clerk")
    classify(clerk, register(clerk))
    words = _history(clerk.get("/directives/1").get_data(as_text=True))
    for sentence in ("Vào sổ văn bản Số, ký hiệu: 45/2026/QĐ-UBND Số nhiệm vụ: 1",
                     "Trạng thái: Đã vào sổ → Đã giao nhiệm vụ", "Văn bản phải theo dõi: Có", "Theo dõi: — → Có"):
        assert sentence in words, words
    for raw in ("Registered", "True", "tracked", "Yes"):
        assert raw not in words, raw


def test_a_person_chosen_in_a_form_is_named_in_the_history(loaded, browser):
    """The classify form's follow-up officer is read by full name, not by username."""
    clerk = browser("clerk")
    page = clerk.get(register(clerk).location).get_data(as_text=True)
    item = re.search(r'class="button primary" href="(/work/\d+)"', page).group(1)
    offered = re.search(r'<select id="f-follow_up_officer".*?</select>', clerk.get(item).get_data(as_text=True), re.S)
    assert re.findall(r'<option value="(\w+)"', offered.group(0)) == ["clerk"]  # the office's clerks, no one else
    refused = clerk.post(item, {"tracked": "on", "follow_up_officer": "stc"})
    assert "Phạm Chuyên Viên không thuộc những người được chọn ở mục này." in refused.get_data(as_text=True)
    assert clerk.post(item, {"tracked": "on", "follow_up_officer": "clerk"}).status_code == 302
    words = _history(clerk.get("/directives/1").get_data(as_text=True))
    assert "Chuyên viên theo dõi: Nguyễn Văn Theo Dõi" in words, words  # the form's hint is not its name


def test_units_chosen_in_a_form_are_named_in_the_history(loaded, assigned, browser):
    """The correction form's coordinating units (a field of type "units" that the engine's own
    entries do not name) were shown by code: "Các đơn vị phối hợp: STC"."""
    browser("stc").post(ready_item_path(loaded, "handle"),
                        {"action": "return", "return_reason": "Không đúng chức năng"})
    corrected = assigned.post(ready_item_path(loaded, "correct"), {
        "new_lead_unit": "SXD", "coordinating_change": "replace", "new_coordinating_units": ["STC"],
        "correction_note": "Giao Sở Xây dựng chủ trì"})
    assert corrected.status_code == 302, corrected.get_data(as_text=True)
    words = _history(assigned.get("/assignments/1").get_data(as_text=True))
    assert "Các đơn vị phối hợp: Sở Tài chính" in words, words
    # the correction's note is what was adjusted: "Nội dung: …" read as the task's new content
    assert "Đơn vị phối hợp: — → Sở Tài chính Nội dung điều chỉnh: Giao Sở Xây dựng chủ trì" in words, words
    assert "Đơn vị chủ trì mới: Sở Xây dựng" in words and "để trống" not in words, words


def test_a_move_to_another_process_version_names_both_versions(loaded, browser):
    """A process admin moving a running instance: the assignment's history says from which
    version to which, by number — not only "moved to a new version"."""
    clerk = browser("clerk")
    classify(clerk, register(clerk))
    with loaded.db.session() as s:
        instance = s.scalar(select(WorkflowInstance).where(WorkflowInstance.assignment_id == 1))
        audit.record(s, "instance.migrated", "workflow_instance", instance.id,
                     before={"bundle": 7, "number": 1}, after={"bundle": 9, "number": 2},
                     directive_id=instance.directive_id, assignment_id=1)
    words = _history(clerk.get("/assignments/1").get_data(as_text=True))
    assert "Chuyển sang phiên bản quy trình mới Phiên bản quy trình: 1 → 2" in words, words


def test_a_calendar_correction_names_the_step_and_its_due_dates(loaded, browser, org_tree):
    """A holiday swap announced: the directive's history says which step's due date moved, from
    and to which day — not only "deadlines recomputed"."""
    clerk = browser("clerk")
    register(clerk)  # classification due Mon 23/02/2026 (2 working days after Tết)
    set_override(loaded, date(2026, 2, 23), False, "Nghỉ hoán đổi", actor=org_tree["admin"])
    words = _history(clerk.get("/directives/1").get_data(as_text=True))
    assert "Tính lại thời hạn Hạn xử lý bước: 23/02/2026 → 24/02/2026 Bước: Phân loại văn bản" in words, words


def test_each_urging_event_says_what_was_sent_and_to_whom(loaded, app, browser, clock):
    """The inspection's urging file (hồ sơ đôn đốc) reads the task's history: each event of the urging
    schedule says which reminder, warning or report went out, about which day, and to whom (unit, people
    by full name, who gets no mail) — it said only "Đến thời điểm hẹn giờ". Deadline Thu 26/02/2026,
    first progress report due Tue 24/02 (dak-lak)."""
    with loaded.db.session() as s:  # one of the unit's people has a mail address, the other not
        s.execute(update(User).where(User.username == "stc").values(email="stc@example.vn"))
    clerk = browser("clerk")
    classify(clerk, register(clerk))
    for day in (23, 25):  # the reminders, 3 and 1 working days before the deadline
        drive.run_timers_at(loaded, clock, datetime(2026, 2, day, 9, tzinfo=VN_TZ))
    drive.run_timers_at(loaded, clock, datetime(2026, 3, 5, 9, tzinfo=VN_TZ))  # 5 working days late
    words = _history(browser("clerk").get("/assignments/1").get_data(as_text=True))  # signed in again, days later
    for sentence in (
            "23/02/2026 09:00 Hệ thống Nhắc hạn (còn 3 ngày làm việc, hạn 26/02/2026) — gửi Sở Tài chính: Phạm "
            "Chuyên Viên",
            "25/02/2026 09:00 Hệ thống Nhắc hạn (còn 1 ngày làm việc, hạn 26/02/2026) — gửi Sở Tài chính: Phạm "
            "Chuyên Viên",
            "05/03/2026 09:00 Hệ thống Báo cáo đề nghị chỉ đạo: quá hạn 5 ngày làm việc (hạn 26/02/2026) — gửi Sở "
            "Tài chính: Phạm Chuyên Viên, Võ Giám Đốc; Văn phòng UBND tỉnh: Trần Chánh Văn Phòng; UBND tỉnh: Lê Chủ "
            "Tịch (chỉ báo trên hệ thống, không có địa chỉ thư: Võ Giám Đốc, Trần Chánh Văn Phòng, Lê Chủ Tịch)"):
        assert sentence in words, words
    api = app.test_client().get("/api/v1/assignments/1/history",
                                headers={"Authorization": f"Bearer {make_token(loaded, 'clerk')}"})
    said = [e["said"] for e in api.get_json()["items"] if e["action"] == "urging.sent"]
    assert said[0].startswith("Báo cáo đề nghị chỉ đạo: quá hạn 5 ngày làm việc (hạn 26/02/2026) — gửi"), said


def test_an_urging_event_that_reached_nobody_says_why(loaded, browser, clock):
    """The unit reported the task done: the office reviews it next, the schedule tells nobody — and the
    history says so instead of a line as if someone had been urged."""
    clerk = browser("clerk")
    classify(clerk, register(clerk))
    browser("stc").post(ready_item_path(loaded, "handle"), {"action": "update", "progress": "done", "note": "Xong"})
    drive.run_timers_at(loaded, clock, datetime(2026, 2, 27, 9, tzinfo=VN_TZ))  # 1 working day late
    words = _history(browser("clerk").get("/assignments/1").get_data(as_text=True))
    assert "Cảnh báo quá hạn 1 ngày làm việc (hạn 26/02/2026) — không gửi: đơn vị đã báo cáo hoàn thành hoặc " \
           "trả lại nhiệm vụ" in words, words


def test_an_urging_event_nobody_could_be_told_of_says_so(loaded, browser, clock):
    """The unit's people have all left (accounts deactivated): the reminder reaches nobody, and the
    history says so rather than nothing, or a timer's line."""
    clerk = browser("clerk")
    classify(clerk, register(clerk))
    with loaded.db.session() as s:
        s.execute(update(User).where(User.username.in_(["stc", "stc_gd"])).values(active=False))
    drive.run_timers_at(loaded, clock, datetime(2026, 2, 23, 9, tzinfo=VN_TZ))
    words = _history(browser("clerk").get("/assignments/1").get_data(as_text=True))
    assert "Nhắc hạn (còn 3 ngày làm việc, hạn 26/02/2026) — không gửi: không có người nhận" in words, words

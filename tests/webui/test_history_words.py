"""The history people read (webui/history.py): every action the engine records has words, and
the values read as the pages show them."""
import io
import re
from datetime import date
from pathlib import Path

from sqlalchemy import select

from engine import audit
from engine.runtime.models import WorkflowInstance
from engine.working_days.service import set_override
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

"""The words people read (issue #18): unit names, never codes; inbox rows titled by what they
concern; a step's due day and a task's deadline told apart; a coordinating unit's reply called
what it is."""
import re
from datetime import date

from sqlalchemy import select

from engine.directives.models import Assignment
from engine.notifications.models import Notification
from engine.notifications.service import notify_users
from engine.org import service as org
from tests.webui.conftest import classify, ready_item_path, register


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_coordinating_unit_reads_names_and_its_reply_is_an_opinion(loaded, browser):
    clerk = browser("clerk")
    classify(clerk, register(clerk, **{"a-0-coordinating_units": "SXD"}))
    coordinating = browser("sxd")
    inbox = _text(coordinating.get("/inbox").get_data(as_text=True))
    assert "Phối hợp với Sở Tài chính: Báo cáo kết quả rà soát" in inbox and "Phối hợp với STC" not in inbox
    sent = coordinating.post(ready_item_path(loaded, "contribute"),
                             {"contribution_progress": "done", "contribution_note": "Đồng ý số liệu"})
    assert sent.status_code == 302
    with loaded.db.session() as s:
        assignment_id = s.scalar(select(Assignment.id))
    page = _text(browser("stc").get(f"/assignments/{assignment_id}").get_data(as_text=True))
    assert "Sở Xây dựng Đỗ Chuyên Viên Đã gửi ý kiến phối hợp Đồng ý số liệu" in page
    assert "Đơn vị phối hợp gửi ý kiến, kết quả phối hợp" in page  # the history says so too
    assert "Phần phối hợp: Đã gửi ý kiến phối hợp" in page and "Đã hoàn thành" not in page
    with loaded.db.session() as s:
        told = s.scalars(select(Notification).where(Notification.kind == "coordination_answered")).one()
        assert told.subject == "Sở Xây dựng gửi ý kiến, kết quả phối hợp: nhiệm vụ theo văn bản 45/2026/QĐ-UBND"
        assert told.body.startswith("Ý kiến, kết quả phối hợp của Sở Xây dựng: Đồng ý số liệu")


def test_inbox_rows_are_titled_by_the_task_with_the_step_as_label(loaded, assigned, browser):
    html = browser("stc").get("/inbox").get_data(as_text=True)
    row = _text(html.split("<tbody>")[1].split("</tr>")[0])
    assert "Báo cáo kết quả rà soát · 45/2026/QĐ-UBND" in row  # the task's content, then the directive's symbol
    assert "Thực hiện và cập nhật tiến độ" in row              # the step, as a label
    assert "Hạn xử lý bước này" in html and "Hạn hoàn thành nhiệm vụ" in row


def test_the_step_due_day_and_the_task_deadline_have_different_words(loaded, assigned, browser):
    unit = browser("stc")
    form = _text(unit.get(ready_item_path(loaded, "handle")).get_data(as_text=True))
    assert "Hạn hoàn thành nhiệm vụ" in form
    assert "Hạn xử lý:" not in form and "Thời hạn " not in form


def test_a_step_with_choices_shows_each_choice_once(loaded, assigned, browser):
    with loaded.db.session() as s:
        assignment_id = s.scalar(select(Assignment.id))
    html = browser("stc").get(f"/assignments/{assignment_id}").get_data(as_text=True)
    panel = html.split('class="card actions-panel"')[1].split("</section>")[0]
    buttons = [_text(b).strip() for b in re.findall(r'<a class="button[^"]*"[^>]*>(.*?)</a>', panel)]
    assert buttons[0] == "Cập nhật tiến độ" and buttons[1].startswith("Chuyển lại")
    assert "Thực hiện và cập nhật tiến độ" not in buttons and len(buttons) == len(set(buttons))


def test_each_outcome_has_one_colour_everywhere(loaded, assigned, browser):
    """engine/outcomes.py TERMS is the one outcome → colour mapping: the pages' badges, dots and
    report boxes take it from base.html, the stylesheets keep none, the Excel export fills with it."""
    import io
    from pathlib import Path

    from openpyxl import load_workbook

    from engine.outcomes import TERMS, Outcome
    from webui.assignments.export import FILLS, TITLE_ROWS

    page = browser("clerk").get("/assignments").get_data(as_text=True)
    for outcome, term in TERMS.items():
        name = outcome.value
        assert f".badge.{name}, .dot.{name}, .rp-{name} {{ background: var(--{term.colour}); }}" in page
    webui = Path(__file__).resolve().parents[2] / "webui"
    for css in (webui / "static" / "app.css", webui / "reports" / "static" / "reports.css"):
        rules = css.read_text(encoding="utf-8")
        assert not [o for o in TERMS if re.search(rf"\.(badge\.|dot\.|rp-){o.value}\b", rules)], css
    sheet = load_workbook(io.BytesIO(browser("clerk").get("/assignments/export.xlsx").data)).active
    header = [c.value for c in sheet[TITLE_ROWS + 1]]
    outcome_cell = sheet.cell(row=TITLE_ROWS + 2, column=header.index("Kết quả") + 1)
    assert outcome_cell.value == "Chưa thực hiện"
    assert outcome_cell.fill.fgColor.rgb.endswith(FILLS[TERMS[Outcome.NOT_STARTED].colour])


def test_an_incident_names_its_task_not_its_id(loaded, assigned, browser):
    from engine import clock
    from engine.runtime.models import Incident, WorkflowInstance

    with loaded.db.session() as s:
        instance = s.scalars(select(WorkflowInstance).where(WorkflowInstance.assignment_id.is_not(None))).first()
        s.add(Incident(instance_id=instance.id, element_id="x", error="boom", created_at=clock.now()))
        assignment_id = instance.assignment_id
    page = browser("admin").get("/admin/incidents").get_data(as_text=True)
    assert "45/2026/QĐ-UBND, nhiệm vụ 1: Báo cáo kết quả rà soát" in page and f"#{assignment_id}<" not in page


def test_the_report_filter_offers_the_units_in_force_as_a_tree(engine, browser):
    """A province seeded on 1/7/2025 holds its old departments under their own names (Sở Tài chính
    of the old province, closed, succeeded by the new one): the report's unit filter listed both,
    'Sở Tài chính' twice, in one flat list. The one in force stands for both (its report counts
    the old one's tasks), its sections indented below it, as the registry's filter has them."""
    with engine.db.session() as s:
        org.create_unit(s, "CU-STC", "Sở Tài chính", parent_code="UBND", kind="department", valid_from=date(2020, 1, 1))
        org.retire_unit(s, "CU-STC", date(2025, 7, 1), "STC")
    options = re.findall(r'<option value="(STC|CU-STC|STC-NS)"[^>]*>([^<]*)',
                         browser("clerk").get("/reports").get_data(as_text=True))
    assert options == [("STC", "\u00a0\u00a0Sở Tài chính"), ("STC-NS", "\u00a0" * 4 + "Phòng Ngân sách")]


def test_a_share_brought_forward_has_its_own_badge(loaded, org_tree, browser):
    """The section's notice that its share is due earlier is called what it is, not 'Notice'."""
    with loaded.db.session() as s:
        notify_users(s, [s.merge(org_tree["stc"])], "share_deadline_moved", directive=None, assignment=None)
    assert "Hạn được đưa lên" in _text(browser("stc").get("/notifications").get_data(as_text=True))

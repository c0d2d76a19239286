"""What each key of ruleset.toml is called where process admins read it: the settings form of
the modeler and the difference between two versions ("Hạn phân loại: 2 → 3 ngày làm việc").

Labels are the regulation's vocabulary, in Vietnamese like the forms' and the rulesets' own
words. Every key the schema declares (engine.rulesets.settings) has one here: a test fails
when a feature declares a key without it. A key of an array of tables ([[report_calendar]])
is named without the index ("report_calendar.day"); one of a free-form table (lanes,
terminology) by the table."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DAYS = "ngày làm việc"


@dataclass(frozen=True)
class Label:
    text: str
    unit: str | None = None
    help: str = ""
    # A key whose value is a choice or a number: the words of its own choices (before CHOICES,
    # where "none" is secrecy's register) and the unit of a number.
    choices: Mapping[str, str] | None = None
    number_unit: str | None = None

    @property
    def heading(self) -> str:
        """"Hạn phân loại (ngày làm việc)": the label with its unit, as the form shows it."""
        return f"{self.text} ({self.unit})" if self.unit else self.text


# Tables (sections of the form), in the order the form shows them.
SECTIONS: dict[str, str] = {
    "": "Thông tin chung", "terminology": "Thuật ngữ của quy chế",
    "body_terminology": "Thuật ngữ của cơ quan ban hành cấp xã", "processes": "Quy trình áp dụng",
    "lanes": "Làn (lane) và vai trò", "deadlines": "Thời hạn", "registration": "Đăng ký, phân loại văn bản",
    "reminders": "Nhắc việc, đôn đốc", "progress": "Báo cáo tiến độ", "closing": "Kết thúc theo dõi",
    "extensions": "Gia hạn", "returns": "Trả lại nhiệm vụ", "secrecy": "Văn bản mật",
    "inspection": "Kiểm tra", "report_calendar": "Lịch báo cáo định kỳ", "reports": "Báo cáo của Văn phòng",
    "scope": "Phạm vi theo dõi", "imports": "Nhập sổ theo dõi từ Excel",
}

LABELS: dict[str, Label] = {
    "id": Label("Mã quy chế", help="Tên thư mục của quy chế; không đổi được ở đây."),
    "name": Label("Tên quy chế"),
    "regulation": Label("Văn bản ban hành quy chế", help="Số, ký hiệu của quyết định ban hành."),
    "level": Label("Cấp"),
    "terminology": Label("Thuật ngữ", help="Cách quy chế gọi lãnh đạo, Văn phòng, đơn vị…; biểu mẫu dùng {tên}."),
    "body_terminology": Label("Thuật ngữ của cơ quan ban hành cấp xã", help="Cách gọi lãnh đạo, Văn phòng của xã, "
                              "phường là cơ quan ban hành; {body} là tên UBND xã, phường."),
    "processes.directive": Label("Quy trình văn bản chỉ đạo"),
    "processes.assignment": Label("Quy trình nhiệm vụ"),
    "processes.subassignment": Label("Quy trình giao tiếp cho phòng, ban"),
    "processes.inspection": Label("Quy trình kiểm tra"),
    "processes.secret_document": Label("Quy trình văn bản mật"),
    "processes.periodic_report": Label("Quy trình báo cáo định kỳ"),
    "lanes": Label("Vai trò của từng làn", help="Mỗi làn (lane) của sơ đồ do người có vai trò này thực hiện."),
    "deadlines.registration": Label("Hạn phân loại", DAYS, "Phân loại, cập nhật, chuyển theo dõi văn bản, "
                                    "tính từ ngày ban hành; để trống: không có hạn."),
    "deadlines.registration_complex": Label("Hạn phân loại văn bản nhiều nhiệm vụ, nhiều đơn vị", DAYS,
                                            "Để trống: như hạn phân loại."),
    "deadlines.registration_urgent": Label("Hạn phân loại văn bản hỏa tốc", DAYS, "0: ngay trong ngày."),
    "deadlines.first_update": Label("Hạn đơn vị cập nhật lần đầu", DAYS, "Tính từ ngày được giao; để trống: "
                                    "đơn vị làm theo hạn của nhiệm vụ."),
    "deadlines.office_status_update": Label("Hạn Văn phòng cập nhật tình trạng nhiệm vụ quá hạn", DAYS),
    "deadlines.explanation": Label("Hạn giải trình", DAYS, "Để trống: 3 ngày làm việc."),
    "deadlines.inspection_report": Label("Hạn báo cáo kết quả kiểm tra", DAYS,
                                         "Bắt buộc khi có quy trình kiểm tra."),
    "registration.urgent_levels": Label("Độ khẩn được phân loại ngay"),
    "registration.complex_assignments": Label("Số nhiệm vụ được coi là nhiều", "nhiệm vụ"),
    "registration.complex_units": Label("Số cơ quan, đơn vị được coi là nhiều", "đơn vị"),
    "registration.without_assignments": Label("Được đăng ký văn bản không giao nhiệm vụ"),
    "registration.upstream_deadline": Label("Tên hạn của cấp trên", help="Để trống: không có trường này."),
    "reminders.before_deadline": Label("Nhắc trước hạn", DAYS, "Một hoặc nhiều số, cách nhau bằng dấu phẩy."),
    "reminders.on_deadline_day": Label("Nhắc vào ngày đến hạn"),
    "reminders.overdue_every": Label("Nhắc quá hạn mỗi", DAYS),
    "reminders.escalate_after": Label("Báo lãnh đạo khi quá hạn", DAYS),
    "reminders.open_task_update": Label("Nhiệm vụ không thời hạn cập nhật", help="monthly, quarterly, "
                                        "half_yearly, yearly, none, hoặc một số ngày làm việc.",
                                        choices={"none": "Không cập nhật định kỳ"}, number_unit=DAYS),
    "reminders.office_escalate_after": Label("Báo Chánh Văn phòng khi việc của Văn phòng quá hạn", DAYS,
                                             "Để trống: 2 ngày làm việc."),
    "reminders.waiting_steps": Label("Bước được báo ngay khi chờ xử lý", help="Mã các bước (BPMN), cách nhau "
                                     "bằng dấu phẩy; người xử lý bước được báo một lần."),
    "reminders.recipients": Label("Người nhận từng loại thông báo", help="Để trống: người nhận mặc định."),
    "reminders.recipients.reminder": Label("Người nhận nhắc trước hạn"),
    "reminders.recipients.due_today": Label("Người nhận thông báo đến hạn"),
    "reminders.recipients.overdue": Label("Người nhận cảnh báo quá hạn"),
    "reminders.recipients.escalation": Label("Người nhận báo cáo lên lãnh đạo"),
    "reminders.recipients.periodic_update": Label("Người nhận yêu cầu cập nhật định kỳ"),
    "reminders.recipients.step_waiting": Label("Người nhận báo bước đang chờ (ngoài người xử lý bước)"),
    "reminders.recipients.step_overdue": Label("Người nhận nhắc việc quá hạn của Văn phòng (ngoài người xử lý)"),
    "reminders.recipients.step_escalation": Label("Người nhận báo việc của Văn phòng quá hạn lâu"),
    "progress.overdue_reason_required": Label("Quá hạn phải nêu lý do"),
    "progress.blocked_status": Label("Có tình trạng “đang thực hiện, có khó khăn”"),
    "closing.mode": Label("Cách kết thúc theo dõi"),
    "extensions.office_proposes": Label("Văn phòng đề xuất trước khi quyết định gia hạn"),
    "returns.corrected_by": Label("Người xử lý nhiệm vụ bị trả lại"),
    "returns.office_proposes": Label("Văn phòng đề xuất, lãnh đạo quyết định điều chỉnh nhiệm vụ bị trả lại"),
    "secrecy.store_content": Label("Lưu văn bản mật trong hệ thống"),
    "secrecy.register": Label("Sổ theo dõi văn bản mật"),
    "secrecy.visible_to": Label("Vai trò được xem văn bản mật"),
    "secrecy.paper_report": Label("Kỳ nhắc báo cáo giấy (chế độ mật)"),
    "inspection.internal": Label("Thủ trưởng đơn vị được kiểm tra nội bộ"),
    "inspection.publish_conclusion": Label("Công khai kết luận kiểm tra"),
    "inspection.council_unit": Label("Mã đơn vị Hội đồng thi đua được báo kết quả"),
    "inspection.unit_report_article": Label("Điều khoản trích dẫn khi đơn vị được kiểm tra báo cáo, cung cấp hồ sơ"),
    "inspection.office_told_of_internal": Label("Gửi Văn phòng kết quả kiểm tra nội bộ"),
    "report_calendar": Label("Các kỳ báo cáo", help="Mỗi dòng một kỳ của đơn vị hoặc của Văn phòng; "
                             "xóa trắng một dòng để bỏ kỳ đó."),
    "report_calendar.period": Label("Kỳ báo cáo"),
    "report_calendar.sender": Label("Bên báo cáo"),
    "report_calendar.day": Label("Chậm nhất ngày", help="Ngày cuối cùng được gửi (1–31)."),
    "report_calendar.month": Label("Tháng", help="last: tháng cuối kỳ, next: tháng sau kỳ, hoặc 1–12."),
    "report_calendar.article": Label("Căn cứ (điều, khoản)"),
    "reports.remind_before": Label("Mở kỳ báo cáo trước hạn", DAYS),
    "reports.place": Label("Địa danh ghi trên báo cáo"),
    "reports.cut_off_day": Label("Ngày chốt số liệu báo cáo định kỳ",
                                 help="Số liệu mỗi kỳ tính đến ngày này; bỏ trống: đến ngày đơn vị gửi báo cáo."),
    "reports.periodic": Label("Có báo cáo định kỳ"),
    "reports.symbol": Label("Ký hiệu báo cáo"),
    "reports.send_to": Label("Gửi báo cáo cho", help="Vai trò, hoặc units (các đơn vị được yêu cầu báo cáo); "
                             "mỗi dòng một giá trị."),
    "reports.send_to_unit": Label("Mã đơn vị cũng được gửi báo cáo"),
    "reports.unit_reports_to_unit": Label("Mã đơn vị cũng nhận báo cáo của các đơn vị",
                                          help="Ngoài Văn phòng (ví dụ Phòng Nội vụ): được thông báo khi đơn vị gửi "
                                          "báo cáo và được xem báo cáo của các đơn vị."),
    "reports.unit_reports_article": Label("Căn cứ gửi báo cáo của các đơn vị (điều, khoản)"),
    "reports.publish": Label("Công khai báo cáo đã ban hành"),
    "imports.issuer_from_body": Label("Sổ không có cột Cơ quan ban hành là sổ văn bản của cơ quan người nhập",
                                      help="Chỉ bật khi quy chế chỉ theo dõi văn bản của một cơ quan ban hành "
                                      "(UBND, Chủ tịch UBND của chính Văn phòng nhập sổ)."),
    "scope.out_of_scope": Label("Loại văn bản không theo dõi", help="Mỗi dòng một loại."),
    "scope.out_of_scope_legal": Label("Loại văn bản không theo dõi khi là văn bản quy phạm", help="Mỗi dòng một loại."),
}

# How each value of a choice reads.
CHOICES: dict[str, str] = {
    "province": "Tỉnh", "city": "Thành phố", "district": "Huyện", "commune": "Xã", "department": "Sở",
    "normal": "Thường", "urgent": "Khẩn", "very_urgent": "Thượng khẩn", "flash": "Hỏa tốc",
    "clerk": "Chuyên viên theo dõi (Văn phòng)", "office_head": "Chánh Văn phòng", "unit_officer": "Chuyên viên đơn vị",
    "unit_head": "Thủ trưởng đơn vị", "leader": "Lãnh đạo", "inspector": "Thành viên đoàn kiểm tra",
    "process_admin": "Quản trị quy trình", "system_admin": "Quản trị hệ thống",
    "office_review": "Văn phòng rà soát rồi kết thúc", "status_complete": "Kết thúc khi đơn vị báo hoàn thành",
    "office": "Văn phòng", "unit": "Đơn vị", "separate": "Sổ riêng trong hệ thống",
    "none": "Không có sổ (theo dõi trên giấy)",
    "monthly": "Tháng", "quarterly": "Quý", "half_yearly": "6 tháng", "yearly": "Năm",
}
YES, NO = "có", "không"


def label_of(path: str) -> Label:
    """The label of a key ("deadlines.registration", "report_calendar.2.day", "lanes.Văn phòng")."""
    return _find(path.split("."))[0]


def _find(parts: list[str]) -> tuple[Label, list[str]]:
    """The label of the longest labelled start of `parts` (indices skipped), and the parts it
    leaves unnamed (a row's index, a lane's name)."""
    named = [part for part in parts if not part.isdigit()]
    for end in range(len(named), 0, -1):
        found = LABELS.get(".".join(named[:end]))
        if found is not None:
            return found, [part for part in parts if part.isdigit() or part not in named[:end]]
    return Label(SECTIONS.get(parts[0], ".".join(parts))), parts[1:]


def change_words(path: str, before, after) -> str:
    """"Hạn phân loại: 2 → 3 ngày làm việc"; "Vai trò của từng làn «Văn phòng»: …";
    "Chậm nhất ngày (mục 2): 15 → 14"."""
    parts = path.split(".")
    label, rest = _find(parts)
    rows = [part for part in rest if part.isdigit()]  # a row of [[report_calendar]]: named by its table
    name = (f"{SECTIONS.get(parts[0], parts[0])} (mục {rows[0]}) — " if rows else "") + label.text
    name += "".join(f" «{part}»" for part in rest if not part.isdigit())
    unit = f" {label.unit}" if label.unit else ""
    if before is None or after is None:
        return f"{name}: {_with(label, before, unit)} → {_with(label, after, unit)}"
    return f"{name}: {_words(label, before)} → {_words(label, after)}{unit}"


def _with(label: Label, value, unit: str) -> str:
    return "—" if value is None else _words(label, value) + unit


def _words(label: Label, value) -> str:
    """A value of the key `label` names: its own choices' words and its numbers' unit first."""
    if isinstance(value, str) and value in (label.choices or {}):
        return (label.choices or {})[value]
    if label.number_unit and isinstance(value, int) and not isinstance(value, bool):
        return f"{value} {label.number_unit}"
    return value_words(value)


def value_words(value) -> str:
    """A value as people read it: có/không, choices by name, lists joined, — for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list | tuple):
        return ", ".join(value_words(item) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {value_words(item)}" for key, item in value.items()) or "—"
    return CHOICES.get(value, str(value)) if isinstance(value, str) else str(value)

"""The công văn đôn đốc: the office's urging letter, as a Word file laid out by Decree
30/2020/NĐ-CP (Appendix I, form 1.4, công văn): the issuing body and number with "V/v đôn đốc
thực hiện nhiệm vụ" beside the national motto, place and date; "Kính gửi:" the units urged; the
body naming the directive, the task, its deadline and where it stands, then the office's
message; "Nơi nhận:" and the signer's block. The number is left blank, for the office's
register (văn thư) to fill in when the letter is signed."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine import clock
from engine.directives.models import Assignment
from engine.org import permissions
from engine.org.models import Unit
from engine.org.service import committee_name
from engine.outcomes import TERMS, outcome_of
from engine.reports import export_docx
from engine.reports.service import office_header, speaker_of
from engine.text import lower_first, upper_first

ABOUT = "V/v đôn đốc thực hiện nhiệm vụ"
NUMBER = "      /VP-TH"  # blank number, the office's symbol


# a local government is written to as its People's Committee: a seeded ward is named "Phường Tuy Hòa"
LOCAL_GOVERNMENTS = {"province", "district", "commune"}


def addressee(unit: Unit) -> str:
    """How the letter names a unit urged: a department by its name, a commune, a ward or an old district
    by its committee's ("UBND phường Tuy Hòa"), as Decree 30/2020's "Kính gửi" writes them."""
    return committee_name(unit) if unit.kind in LOCAL_GOVERNMENTS else unit.name


def filename(assignment: Assignment) -> str:
    return f"cong-van-don-doc-{assignment.directive.symbol.replace('/', '-')}-nv{assignment.seq}.docx"


def write_letter(session: Session, settings: dict, assignment: Assignment, message: str,
                 units: list[Unit], organisation: str = "") -> bytes:
    """The letter urging `units` (the lead unit first) to carry out `assignment`;
    `organisation` is the deployment's name above the office (else the root unit's)."""
    # the office of the body that issued the directive: a commune's own, or the province's
    body = permissions.record_body(session, assignment.directive_id)
    office = speaker_of(session, settings, organisation, body).office
    header = office_header(session, settings, NUMBER, clock.today(), ABOUT, organisation, body)
    header.recipients = ["Như trên", "Lưu: VT"]
    doc = export_docx.new_document()
    export_docx.heading_block(doc, header, about=ABOUT)
    doc.add_paragraph()
    unit_names = [addressee(unit) for unit in units]
    export_docx.centered(doc, "Kính gửi: " + "; ".join(unit_names) + ".", size=14)
    doc.add_paragraph()
    for text in body_paragraphs(assignment, message, unit_names[0], office or "Văn phòng"):
        export_docx.body(doc, text)
    export_docx.signature_block(doc, header)
    return export_docx.as_bytes(doc)


def body_paragraphs(assignment: Assignment, message: str, lead: str, office: str) -> list[str]:
    directive, today = assignment.directive, clock.today()
    deadline = assignment.deadline.strftime("%d/%m/%Y") if assignment.deadline else "không thời hạn"
    outcome = outcome_of(assignment, today)
    standing = TERMS[outcome].vietnamese.lower() if outcome else "đã thu hồi"
    message = message.strip().rstrip(".")
    return [
        f"Thực hiện văn bản số {directive.symbol} ngày {directive.issued_on:%d/%m/%Y} của {directive.issuer}"
        + (f" {lower_first(directive.summary)}" if directive.summary else "")
        + f", {lead} được giao chủ trì thực hiện nhiệm vụ: “{assignment.content}”, thời hạn: {deadline}.",
        f"Đến ngày {today:%d/%m/%Y}, nhiệm vụ {standing}.",
        # the office's own words, after "… đề nghị" unless they begin so themselves
        f"{upper_first(message)}./." if message.lower().startswith("đề nghị")
        else f"{upper_first(office)} đề nghị {lead}: {lower_first(message)}./.",
    ]

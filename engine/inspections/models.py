"""An inspection, its team, the units inspected and its file (hồ sơ kiểm tra)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime
from engine.working_days.deadline import StoredDeadline, register


class InspectionKind(StrEnum):
    PLANNED = "planned"  # thường xuyên, định kỳ (theo kế hoạch)
    AD_HOC = "ad_hoc"    # đột xuất


class InspectionStatus(StrEnum):
    PROPOSED = "proposed"
    DECIDED = "decided"      # the decision (quyết định kiểm tra) is signed
    REPORTING = "reporting"  # ended; the report is due
    REPORTED = "reported"


# The eight kinds of papers an inspection file holds (Đắk Lắk Đ.18, Quỳnh Nhai Đ.15), in order.
PAPER_KINDS = (
    "decision",             # 1 quyết định kiểm tra
    "assigning_documents",  # 2 văn bản giao nhiệm vụ
    "urging_documents",     # 3 văn bản đôn đốc
    "execution_reports",    # 4 báo cáo tình hình thực hiện
    "plan",                 # 5 kế hoạch kiểm tra
    "minutes",              # 6 biên bản
    "results_report",       # 7 báo cáo kết quả kiểm tra
    "other",                # 8 tài liệu khác
)


class Inspection(Base):
    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(64))
    kind: Mapped[InspectionKind] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(Text)  # why an ad-hoc inspection
    # The unit running an internal inspection of its own units (kiểm tra nội bộ); None: the office's.
    proposing_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    status: Mapped[InspectionStatus] = mapped_column(String(16), default=InspectionStatus.PROPOSED)  # in that order
    # The decision (quyết định kiểm tra) and its five required parts.
    decision_symbol: Mapped[str | None] = mapped_column(String(64))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    legal_basis: Mapped[str | None] = mapped_column(Text)        # căn cứ
    scope: Mapped[str | None] = mapped_column(Text)              # phạm vi, đối tượng, nhiệm vụ
    content: Mapped[str | None] = mapped_column(Text)            # nội dung kiểm tra
    starts_on: Mapped[date | None] = mapped_column(Date)         # thời hạn kiểm tra
    ends_on: Mapped[date | None] = mapped_column(Date)
    experts: Mapped[str | None] = mapped_column(Text)            # invited, possibly from outside, by name
    # Conduct and results.
    ended_on: Mapped[date | None] = mapped_column(Date)          # when the inspection actually ended
    findings: Mapped[str | None] = mapped_column(Text)
    report_due: Mapped[date | None] = mapped_column(Date)        # ended_on + deadlines.inspection_report
    report_due_rule: Mapped[dict | None] = mapped_column(JSON)   # with `report_due`: REPORT_DUE
    reported_on: Mapped[date | None] = mapped_column(Date)
    assessment: Mapped[str | None] = mapped_column(Text)         # kết quả, đánh giá
    conclusion: Mapped[str | None] = mapped_column(Text)         # kết luận: tính chất, mức độ, nguyên nhân, trách nhiệm
    recommendations: Mapped[str | None] = mapped_column(Text)    # kiến nghị
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # kết luận công khai
    follow_up_directive_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id"))
    instance_id: Mapped[int | None] = mapped_column(Integer)
    # The body whose office or unit head proposed it (a commune's); None: the home body's
    # (permissions.may_see_inspection)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    members: Mapped[list[InspectionMember]] = relationship(cascade="all, delete-orphan")
    units: Mapped[list[InspectedUnit]] = relationship(cascade="all, delete-orphan")
    papers: Mapped[list[InspectionPaper]] = relationship(cascade="all, delete-orphan",
                                                         order_by="InspectionPaper.id")


class InspectionMember(Base):
    __tablename__ = "inspection_members"
    __table_args__ = (UniqueConstraint("inspection_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(16))  # leader (trưởng đoàn) | member


class InspectedUnit(Base):
    __tablename__ = "inspected_units"
    __table_args__ = (UniqueConstraint("inspection_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))


class InspectionPaper(Base):
    """A paper of the inspection file: one of PAPER_KINDS, with its attachments (digests)."""

    __tablename__ = "inspection_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


# The report's due date, which a calendar correction recomputes (engine.working_days.service).
REPORT_DUE = register(StoredDeadline(Inspection, "report_due", "report_due_rule",
                                     (Inspection.status == InspectionStatus.REPORTING,),
                                     "inspection.report_due_recomputed", "inspection"))

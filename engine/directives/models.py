"""Directives (văn bản chỉ đạo, điều hành) and the assignments (nhiệm vụ) they carry.
These are the read models lists and reports query; BPMN steps keep them current."""
from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Select,
    SQLColumnExpression,
    String,
    Text,
    UniqueConstraint,
    cast,
    event,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from engine.audit.models import AuditEntry
from engine.db import Base, UTCDateTime, trigrams
from engine.directives import link_copies
from engine.org import permissions
from engine.org.models import Unit, User
from engine.runtime.models import WorkItem
from engine.text import fold, folded_pattern
from engine.working_days.deadline import StoredDeadline, register

URGED_ACTION = "assignment.urged"  # the audit action of an urging by hand (engine.urging.manual)
URGING_SENT = "urging.sent"  # the audit action of an urging event of the schedule (engine.urging.operators)
URGENCIES = ("normal", "urgent", "very_urgent", "flash")        # thường, khẩn, thượng khẩn, hỏa tốc
SECRECY_LEVELS = ("confidential", "secret", "top_secret")       # mật, tối mật, tuyệt mật
PROGRESS = ("not_started", "in_progress", "blocked", "done")     # chưa / đang / vướng mắc / đã thực hiện
DOCUMENT_ID_LENGTH = 128  # the longest edXML document id stored
# Who gave the task a directive carries out, as reports and the registry filter on it: "province"
# (Directive.origin, a district's province-given tasks, Quỳnh Nhai Đ.6 k.1c) or the organisation's
# own leader ("own": no origin recorded).
ORIGIN_PROVINCE, ORIGIN_OWN = "province", "own"
ORIGINS = (ORIGIN_PROVINCE, ORIGIN_OWN)


class DirectiveStatus(StrEnum):
    """Set by the rulesets' processes (directive.update)."""

    REGISTERED = "registered"                # vào sổ
    ASSIGNED = "assigned"                    # its assignments are given out
    UNTRACKED = "untracked"                  # recorded, not tracked (no tasks)
    OUT_OF_SCOPE = "out_of_scope"            # a type the ruleset does not track (Bạc Liêu Đ.2)
    RETURNED_UPSTREAM = "returned_upstream"  # sent back to the level above (Bạc Liêu Đ.8 k.1)
    HEADER_ONLY = "header_only"              # gives no task: recorded by its header (Bạc Liêu Đ.5 k.2)
    REVOKED = "revoked"                      # recalled by its issuer (edXML thu hồi): its tasks withdrawn
    REPLACED = "replaced"                    # superseded by a replacing document (edXML thay thế)


# Ended by its issuer: nothing is tracked under it any more (its tasks were withdrawn).
ENDED_BY_ISSUER = (DirectiveStatus.REVOKED, DirectiveStatus.REPLACED)


class AssignmentStatus(StrEnum):
    OPEN = "open"            # being tracked
    RETURNED = "returned"    # the lead unit sent it back (chuyển lại) for the office to correct
    CLOSED = "closed"        # kết thúc
    CANCELLED = "cancelled"  # hủy: withdrawn, no outcome


class DeadlineKind(StrEnum):
    DATED = "dated"
    OPEN = "open"  # no deadline (nhiệm vụ không có thời hạn): never late


ENDED = (AssignmentStatus.CLOSED, AssignmentStatus.CANCELLED)  # nothing more happens to it


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class ExplanationStatus(StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"


class RaisedIssueKind(StrEnum):
    DIRECTION = "direction"        # xin ý kiến chỉ đạo: a disagreement the parties could not settle
    COORDINATION = "coordination"  # phản ánh: another body does not do its part on time


class RaisedIssueStatus(StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"  # the office head has put it to the leader
    ANSWERED = "answered"


class Directive(Base):
    __tablename__ = "directives"
    __table_args__ = (UniqueConstraint("symbol", "issued_on", "issuer"),
                      # the few secret ones, which an organisation-wide role's every read leaves out
                      Index("ix_directives_secret", "id", postgresql_where=text("secrecy IS NOT NULL"),
                            sqlite_where=text("secrecy IS NOT NULL")),
                      # those registered on a day (registry.registered_on: the office's day, GET /today)
                      Index("ix_directives_created_at", "created_at"),
                      # the directives a search's words are in (task_words_match), where pg_trgm is
                      Index("ix_directives_search_trigrams", "search_text", postgresql_using="gin",
                            postgresql_ops={"search_text": trigrams.OPERATOR_CLASS})
                      .ddl_if(callable_=trigrams.index_wanted))

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(64))
    doc_type: Mapped[str] = mapped_column(String(16))   # QĐ, CT, KH, TB, CV (công văn)…
    number: Mapped[str] = mapped_column(String(16))
    symbol: Mapped[str] = mapped_column(String(64), index=True)  # 45/2016/QĐ-UBND
    summary: Mapped[str] = mapped_column(Text)          # trích yếu
    issuer: Mapped[str] = mapped_column(String(255))
    signer: Mapped[str | None] = mapped_column(String(255))
    submitting_body: Mapped[str | None] = mapped_column(String(255))
    issued_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    secrecy: Mapped[str | None] = mapped_column(String(16))
    tracked: Mapped[bool | None] = mapped_column(Boolean)
    # The level whose task this directive carries out, tracked apart: "province" for a district's
    # province-given tasks (Quỳnh Nhai Đ.6 k.1c); None for the office's own leader.
    origin: Mapped[str | None] = mapped_column(String(16), index=True)
    status: Mapped[DirectiveStatus] = mapped_column(String(24), default=DirectiveStatus.REGISTERED)
    registration_due: Mapped[date | None] = mapped_column(Date)
    source_document_id: Mapped[str | None] = mapped_column(String(DOCUMENT_ID_LENGTH))  # edXML document id
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # permissions: handled_by
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    # symbol, summary and issuer folded (engine.text.fold): what a search without diacritics matches
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The body whose committee issued it, whose office tracks it (org.body_of): the province, or a
    # commune that is an issuing body. None (made outside registration: synchronised, an old row)
    # is the home body's (`_of_body`).
    issuing_body_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    assignments: Mapped[list[Assignment]] = relationship(back_populates="directive", order_by="Assignment.seq")


def given_by(origin: str) -> ColumnElement[bool]:
    """SQL over Directive: it carries out a task `origin` (ORIGINS) gave."""
    if origin not in ORIGINS:
        raise ValueError(f"unknown origin '{origin}' (known: {', '.join(ORIGINS)})")
    return Directive.origin.is_(None) if origin == ORIGIN_OWN else Directive.origin == origin


def task_given_by(origin: str, directive_id: SQLColumnExpression[int | None]) -> ColumnElement[bool]:
    """SQL over the assignments alone (`directive_id`: their column, or their links' copy of it):
    `given_by` their directive, asked through its id rather than joined (a page of a million walks
    its order and stops). Their own as those of no directive carrying another level's task: the
    few found through ix_directives_origin, where the own ones are nearly all (125,000 directives
    hashed at 1M: ~33 ms a statement)."""
    if origin == ORIGIN_OWN:
        return directive_id.not_in(select(Directive.id).where(~given_by(origin)))
    return directive_id.in_(select(Directive.id).where(given_by(origin)))


# An assignment whose folded content or directive's words are longer than its links' copies of them
# (link_copies.TEXT_CUT): ix_assignments_long_text's predicate, and task_words_match's condition
LONGER_THAN_COPIES = text(f"(length(search_text) > {link_copies.TEXT_CUT} "
                          f"OR length(directive_search_text) > {link_copies.TEXT_CUT})")


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_report", "lead_unit_id", "status", "deadline"),
                      # the few meeting difficulties (engine.outcomes.difficulties), a registry filter
                      Index("ix_assignments_blocked", "id", postgresql_where=text("progress = 'blocked'"),
                            sqlite_where=text("progress = 'blocked'")),
                      # the few whose folded content or directive's words are longer than their links'
                      # copies of them (task_words_match)
                      Index("ix_assignments_long_text", "id", postgresql_where=LONGER_THAN_COPIES,
                            sqlite_where=LONGER_THAN_COPIES),
                      # the not-started ones (engine.outcomes.outcome_is), with what their outcome and an
                      # organisation-wide role's see-clause read: counted and sorted without the table
                      Index("ix_assignments_not_started", "deadline", "id",
                            postgresql_include=["progress", "deadline_kind", "status", "completed_on", "secret",
                                                "directive_id", "follow_up_officer_id", "deadline_ends"],
                            postgresql_where=text("progress = 'not_started'"),
                            sqlite_where=text("progress = 'not_started'")),
                      # those not done by their deadline (engine.outcomes.not_done_in_time: every overdue
                      # one), with what the same read: an organisation-wide role's overdue ones counted
                      # without the table. PostgreSQL's only: SQLite walks the deadline order as before.
                      Index("ix_assignments_not_in_time", "deadline", "id",
                            postgresql_include=["status", "completed_on", "deadline_kind", "secret", "directive_id",
                                                "follow_up_officer_id", "deadline_ends"],
                            postgresql_where=text("completed_on IS NULL OR completed_on > deadline"))
                      .ddl_if(dialect="postgresql"),
                      # a period (registry._earliest_deadline: each day's earliest deadline; an
                      # organisation-wide role's count), with what the other index carries and the progress
                      Index("ix_assignments_period", "assigned_on", "deadline",
                            postgresql_include=["status", "completed_on", "deadline_kind", "progress", "secret",
                                                "directive_id", "follow_up_officer_id", "deadline_ends"])
                      .ddl_if(dialect="postgresql"),
                      # the few shares passed down to sections (`tasks_given`)
                      Index("ix_assignments_shares", "id", postgresql_where=text("parent_id IS NOT NULL"),
                            sqlite_where=text("parent_id IS NOT NULL")),
                      # the few whose lead unit's first report is still owed (engine.outcomes.first_report_late)
                      Index("ix_assignments_first_update_owed", "first_update_due", "id",
                            postgresql_where=text("first_update_due IS NOT NULL"),
                            sqlite_where=text("first_update_due IS NOT NULL")))

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    content: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")  # the content folded
    # Its directive's search_text, copied by the database's triggers (engine.directives.link_copies):
    # never written by the code
    directive_search_text: Mapped[str | None] = mapped_column(Text)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    follow_up_officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deadline_kind: Mapped[DeadlineKind] = mapped_column(String(8), default=DeadlineKind.DATED)
    deadline: Mapped[date | None] = mapped_column(Date)
    # The day `deadline` ends: itself, or when it is a day off the working day after (Đ.148 k.5;
    # WorkingCalendar.effective_deadline), kept by the database's triggers and by the calendar's
    # corrections (engine.directives.link_copies): never written by the code; what the SQL form of
    # done late reads (engine.outcomes.finished_late)
    deadline_ends: Mapped[date | None] = mapped_column(Date)
    deadline_rule: Mapped[dict | None] = mapped_column(JSON)  # with `deadline`: ASSIGNMENT_DEADLINE
    original_deadline: Mapped[date | None] = mapped_column(Date)  # kept when extended
    # The deadline the upper level set for the task this one carries out (Bạc Liêu Đ.9 k.1: hạn
    # Chính phủ, Thủ tướng giao), where the ruleset's [registration] upstream_deadline asks for it
    upstream_deadline: Mapped[date | None] = mapped_column(Date)
    # The day the lead unit's first progress report is due ([deadlines] first_update: Đắk Lắk Đ.7
    # k.2a, Quỳnh Nhai Đ.7 k.2) while it is still owed: the assignment process's first_update_due,
    # copied by urging.check, cleared when the lead unit reports (progress.record)
    first_update_due: Mapped[date | None] = mapped_column(Date)
    first_update_due_rule: Mapped[dict | None] = mapped_column(JSON)  # with `first_update_due`: FIRST_UPDATE_DUE
    requires_report: Mapped[bool] = mapped_column(Boolean, default=False)
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    progress: Mapped[str] = mapped_column(String(16), default="not_started")
    status: Mapped[AssignmentStatus] = mapped_column(String(16), default=AssignmentStatus.OPEN)
    completed_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    assigned_on: Mapped[date | None] = mapped_column(Date)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))  # sub-assignment
    instance_id: Mapped[int | None] = mapped_column(Integer)
    last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    directive: Mapped[Directive] = relationship(back_populates="assignments")
    units: Mapped[list[AssignmentUnit]] = relationship(cascade="all, delete-orphan")

    @property
    def is_share(self) -> bool:
        """A share a unit passed down to its own section (`tasks_given`'s rule, in Python)."""
        return self.parent_id is not None


def tasks_given() -> ColumnElement[bool]:
    """SQL: the assignments a directive gave a unit, not the shares a unit passed down to its own
    sections: the unit answers for those (their reports roll up into its task), so reports count
    and ask of the tasks given only. Against the shares' few ids (ix_assignments_shares), so that
    the counting indexes, which do not carry parent_id, are still read alone."""
    return Assignment.id.not_in(select(Assignment.id).where(Assignment.parent_id.is_not(None)))


# The registry's deadline and update orders (registry.SORTS: no deadline, no update last), walked to a page
# and no further where the filters keep most rows (registry._order)
Index("ix_assignments_deadline_order", Assignment.deadline.is_(None), Assignment.deadline, Assignment.id)
Index("ix_assignments_updated_order", Assignment.last_update_at.is_(None), Assignment.last_update_at.desc(),
      Assignment.id.desc())


class AssignmentUnit(Base):
    """A unit given an assignment: the lead (chủ trì) or a coordinating one (phối hợp),
    each with its own deadline."""

    __tablename__ = "assignment_units"
    __table_args__ = (UniqueConstraint("assignment_id", "unit_id"),
                      Index("ix_assignment_units_unit_assignment", "unit_id", "assignment_id"),
                      # a unit's registry filtered, counted and sorted from this index alone (link_copies)
                      Index("ix_assignment_units_unit_copies", "unit_id", "assignment_id", "task_status",
                            "task_completed_on", "task_deadline", "task_deadline_kind", "task_progress",
                            "task_assigned_on", "task_urgency", "task_last_update_at", "task_directive_id",
                            "task_deadline_ends",
                            postgresql_include=["task_search_text", "task_directive_search_text"]))

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    # (unit, assignment): a unit's assignments are read from the index alone (permissions.see_clause)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    role: Mapped[str] = mapped_column(String(16))  # lead | coordinating
    deadline: Mapped[date | None] = mapped_column(Date)
    # The assignment's own columns of the same names without "task_", copied by the database's
    # triggers (engine.directives.link_copies): never written by the code
    task_status: Mapped[str | None] = mapped_column(String(16))
    task_progress: Mapped[str | None] = mapped_column(String(16))
    task_deadline_kind: Mapped[str | None] = mapped_column(String(8))
    task_deadline: Mapped[date | None] = mapped_column(Date)
    task_completed_on: Mapped[date | None] = mapped_column(Date)
    task_assigned_on: Mapped[date | None] = mapped_column(Date)
    task_urgency: Mapped[str | None] = mapped_column(String(16))
    task_last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    task_directive_id: Mapped[int | None] = mapped_column(Integer)
    task_search_text: Mapped[str | None] = mapped_column(Text)
    task_directive_search_text: Mapped[str | None] = mapped_column(Text)
    task_deadline_ends: Mapped[date | None] = mapped_column(Date)


class LinkCopy:
    """The copies by the assignment's names: engine.outcomes and the registry build the same
    conditions over the links as over the assignments."""

    id = AssignmentUnit.assignment_id
    status = AssignmentUnit.task_status
    progress = AssignmentUnit.task_progress
    deadline_kind = AssignmentUnit.task_deadline_kind
    deadline = AssignmentUnit.task_deadline
    completed_on = AssignmentUnit.task_completed_on
    assigned_on = AssignmentUnit.task_assigned_on
    urgency = AssignmentUnit.task_urgency
    last_update_at = AssignmentUnit.task_last_update_at
    directive_id = AssignmentUnit.task_directive_id
    search_text = AssignmentUnit.task_search_text
    directive_search_text = AssignmentUnit.task_directive_search_text
    deadline_ends = AssignmentUnit.task_deadline_ends


@event.listens_for(AssignmentUnit.__table__, "after_create")
def _copied_by_triggers(_table, connection: Connection, **_kw) -> None:
    """The triggers that keep the links' copies, wherever the tables are created."""
    link_copies.create_triggers(connection)


@event.listens_for(Assignment.__table__, "after_create")
def _assignment_copies_by_triggers(_table, connection: Connection, **_kw) -> None:
    """The triggers that keep the assignments' copies of their directive's words and their deadlines' ends."""
    link_copies.create_word_triggers(connection)
    link_copies.create_ends_triggers(connection)


class ProgressUpdate(Base):
    """One report of how an assignment stands (cập nhật tình hình thực hiện)."""

    __tablename__ = "progress_updates"
    # an assignment's reports a page at a time, newest first (registry.progress_page)
    __table_args__ = (Index("ix_progress_updates_assignment_at", "assignment_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    progress: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    overdue_reason: Mapped[str | None] = mapped_column(Text)
    blocked_reason: Mapped[str | None] = mapped_column(Text)  # khó khăn, vướng mắc (with progress "blocked")
    attachments: Mapped[list] = mapped_column(JSON, default=list)  # sha256 digests
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Base):
    """One upload of a file: its name, type, who sent it and when. Task data, reports and URLs hold
    its id, `sha256`: the digest of its bytes for their first upload, a random one for the same
    bytes sent again under another name or by another person. The bytes are stored once, under
    `content_sha256` (engine.directives.attachments), shared by every upload of them."""

    __tablename__ = "attachments"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AttachmentChunk(Base):
    """The bytes of an attachment when the database keeps them (setting attachment_store =
    "database", for several application hosts), in pieces, so that neither storing nor sending
    a file holds it whole in memory."""

    __tablename__ = "attachment_chunks"

    # the bytes' digest: Attachment.content_sha256, and the id of their first upload
    sha256: Mapped[str] = mapped_column(ForeignKey("attachments.sha256"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AttachmentUpload(Base):
    """Who has sent a file's bytes (the same content may come from several people). Sending
    them is what lets a person attach the file or download it; knowing its digest is not."""

    __tablename__ = "attachment_uploads"

    sha256: Mapped[str] = mapped_column(ForeignKey("attachments.sha256"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExtensionRequest(Base):
    """A lead unit's request to move its deadline (xin gia hạn), decided by the assigner.
    The assignment's original_deadline stays as it was; an approved request moves `deadline`."""

    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    current_deadline: Mapped[date | None] = mapped_column(Date)  # the deadline when asked
    new_deadline: Mapped[date] = mapped_column(Date)  # the day asked for
    granted_deadline: Mapped[date | None] = mapped_column(Date)  # the day an approval granted
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ExtensionStatus] = mapped_column(String(16), default=ExtensionStatus.PENDING)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)


class ExplanationRequest(Base):
    """The office asks a (late) unit to explain itself (yêu cầu giải trình); the unit answers."""

    __tablename__ = "explanation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    question: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date | None] = mapped_column(Date)
    due_rule: Mapped[dict | None] = mapped_column(JSON)  # with `due_on`: EXPLANATION_DUE
    status: Mapped[ExplanationStatus] = mapped_column(String(16), default=ExplanationStatus.PENDING)
    answer: Mapped[str | None] = mapped_column(Text)
    proposal: Mapped[str | None] = mapped_column(Text)  # đề xuất, kiến nghị with the answer
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RaisedIssue(Base):
    """A unit raises something about an assignment to the office (kiến nghị): a request for the
    leader's direction on a disagreement (Đắk Lắk Đ.9 k.1c, Quỳnh Nhai Đ.8 k.1c) or a flag that
    another unit does not do its part (Đắk Lắk Đ.21 k.3, Quỳnh Nhai Đ.18 k.3)."""

    __tablename__ = "raised_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    kind: Mapped[RaisedIssueKind] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))                  # who raises it
    about_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))     # the unit flagged
    text: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[RaisedIssueStatus] = mapped_column(String(16), default=RaisedIssueStatus.PENDING)
    office_opinion: Mapped[str | None] = mapped_column(Text)  # the office head's, put to the leader
    answer: Mapped[str | None] = mapped_column(Text)          # the leader's direction, or what the office did
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# What engine.org.permissions reads of directives and assignments (the rules are there). A
# directive is done by the units of its assignments; the people handling it in person are the
# one who registered it and the follow-up officers of its assignments.
_SECRET_DIRECTIVES = select(Directive.id).where(Directive.secrecy.is_not(None)).correlate(None)


# Asked as `id IN (…)`, not a correlated EXISTS: SQLite then reads the units' links through their
# index instead of probing them for each of a million assignments (or 100,000 directives)
def _directives_of_units(units):
    return select(Assignment.directive_id).where(Assignment.id.in_(_assignments_of_units(units))).correlate(None)


def _assignments_of_units(units):
    return select(AssignmentUnit.assignment_id).where(AssignmentUnit.unit_id.in_(units)).correlate(None)


def _of_other_bodies(home: Collection[int]) -> Select:
    """The ids of the units marked issuing bodies other than the home body and those reorganised into it (a
    commune's, a few thousand at most): a directive of a body no longer marked is the home body's again."""
    return select(Unit.id).where(Unit.is_issuing_body.is_(True), Unit.id.not_in(home)).correlate(None)


def _of_body(bodies: Collection[int], home: bool) -> ColumnElement[bool]:
    """SQL over a directive's row: issued by one of `bodies` (a body and those reorganised into it); the home
    body's are those of no other body (none recorded: made outside registration, a synchronised one, an old row)."""
    if home:
        return or_(Directive.issuing_body_id.is_(None), Directive.issuing_body_id.not_in(_of_other_bodies(bodies)))
    return Directive.issuing_body_id.in_(bodies)


def _assignments_of_body(bodies: Collection[int], home: bool) -> ColumnElement[bool]:
    """SQL over an assignment: its directive is one of `bodies`', asked through its id as task_given_by is.
    The home body's as those of no other body: the other bodies' directives read through
    ix_directives_issuing_body_id, body by body (a `!=` read every directive)."""
    if home:
        return Assignment.directive_id.not_in(select(Directive.id).where(
            Directive.issuing_body_id.in_(_of_other_bodies(bodies))).correlate(None))
    return Assignment.directive_id.in_(select(Directive.id).where(Directive.issuing_body_id.in_(bodies))
                                       .correlate(None))


permissions.declare(permissions.DIRECTIVE, permissions.Record(
    id=Directive.id, secret=Directive.secrecy.is_not(None), ruleset=Directive.ruleset, ids_done_by=_directives_of_units,
    handled_by=lambda user_id: or_(Directive.created_by == user_id, select(Assignment.id).where(
        Assignment.directive_id == Directive.id, Assignment.follow_up_officer_id == user_id)
        .correlate(Directive).exists()),
    body=Directive.issuing_body_id, issued_by=_of_body))
permissions.declare(permissions.ASSIGNMENT, permissions.Record(
    id=Assignment.id, secret=or_(Assignment.secret, Assignment.directive_id.in_(_SECRET_DIRECTIVES)),
    ruleset=select(Directive.ruleset).where(Directive.id == Assignment.directive_id).correlate(Assignment)
    .scalar_subquery(),
    ids_done_by=_assignments_of_units,
    handled_by=lambda user_id: or_(Assignment.follow_up_officer_id == user_id, Assignment.directive_id.in_(
        select(Directive.id).where(Directive.created_by == user_id).correlate(None))),
    body=select(Directive.issuing_body_id).where(Directive.id == Assignment.directive_id).correlate(Assignment)
    .scalar_subquery(),
    issued_by=_assignments_of_body))



def _file_listing(session: Session, sha256: str) -> permissions.FileListing:
    """Who sent a file and where it is listed: progress updates and explanations (their lists of
    digests), forms completed on an assignment (the lists of their recorded data) and drafts. A
    digest merely written in some text lists nothing."""

    def holding(column):
        return cast(column, String).contains(sha256)

    senders = session.scalars(select(AttachmentUpload.user_id).where(AttachmentUpload.sha256 == sha256)).all()
    listing_rows = [select(model.assignment_id, model.attachments).where(holding(model.attachments))
                    for model in (ProgressUpdate, ExplanationRequest)]
    assignment_ids = [assignment_id for query in listing_rows for assignment_id, listed in session.execute(query)
                      if sha256 in (listed or [])]
    # forms completed (the files of their data) and urgings (the công văn written with one)
    entries = session.execute(select(AuditEntry.assignment_id, AuditEntry.action, AuditEntry.after).where(
        AuditEntry.action.in_(("work_item.completed", URGED_ACTION)), AuditEntry.assignment_id.is_not(None),
        holding(AuditEntry.after)))
    assignment_ids += [assignment_id for assignment_id, action, after in entries
                       if lists_digest((after or {}).get("data") if action != URGED_ACTION else after, sha256)]
    drafts = [item for item in session.scalars(select(WorkItem).where(holding(WorkItem.draft)))
              if lists_digest(item.draft, sha256)]
    return permissions.FileListing(senders=set(senders), assignment_ids=set(assignment_ids), drafts=drafts)


def lists_digest(data, sha256: str) -> bool:
    """One of `data`'s values is a list holding `sha256` (a files field's value)."""
    return isinstance(data, dict) and any(isinstance(value, list) and sha256 in value for value in data.values())


permissions.declare_files(_file_listing)


def _reads_directive_document(session: Session, user: User, sha256: str) -> bool:
    """A directive's scanned document and annexes (engine.directives.documents): whoever may
    see the directive."""
    found = session.execute(select(Directive.id, Directive.extra).where(cast(Directive.extra, String).contains(sha256)))
    return any(any(entry.get("sha256") == sha256 for entry in (extra or {}).get("documents", []))
               and permissions.may_see(session, user, permissions.DIRECTIVE, directive_id)
               for directive_id, extra in found)


permissions.declare_file_readers(_reads_directive_document)

# Deadlines a calendar correction recomputes (engine.working_days.service); read and write them
# through these (Deadline: the date and the working-day rule it was counted by, if any).
def _in_assignment_history(row: Assignment) -> dict:
    return {"directive_id": row.directive_id, "assignment_id": row.id}


_ASSIGNMENT_RUNS = (Assignment.status.in_((AssignmentStatus.OPEN, AssignmentStatus.RETURNED)),)
ASSIGNMENT_DEADLINE = register(StoredDeadline(
    Assignment, "deadline", "deadline_rule", _ASSIGNMENT_RUNS, "assignment.deadline_recomputed", "assignment",
    _in_assignment_history))
# The lead unit's first report's due day follows a corrected calendar the moment it is saved, as the
# deadline does: the lists read the column (engine.outcomes.first_report_late), not the process's data.
FIRST_UPDATE_DUE = register(StoredDeadline(
    Assignment, "first_update_due", "first_update_due_rule", _ASSIGNMENT_RUNS,
    "assignment.first_update_due_recomputed", "assignment", _in_assignment_history))
EXPLANATION_DUE = register(StoredDeadline(
    ExplanationRequest, "due_on", "due_rule", (ExplanationRequest.status == ExplanationStatus.PENDING,),
    "explanation.due_recomputed", "explanation_request", lambda row: {"assignment_id": row.assignment_id}))


def words_match(words: str) -> ColumnElement[bool]:
    """SQL over Assignment and Directive: the words are in the assignment's content or the
    directive's symbol, summary or issuer, without diacritics or case ("giai ngan" finds
    "giải ngân", whatever Unicode form either was written in)."""
    return or_(_matches(Assignment.search_text, words), directive_words_match(words))


def task_words_match(words: str, a: type[Assignment] | type[LinkCopy] = Assignment) -> ColumnElement[bool]:
    """SQL over Assignment alone (or its links' copies, `a`): `words_match`, on the row's copy of
    its directive's words (link_copies): neither joined to every assignment (a million:
    bench/README.md, "Fifth pass") nor found first as the set of the directives with the words
    (15,625 for "giai ngan" at 1M, in each statement: "Eleventh pass")."""
    found = [_matches(a.search_text, words), _matches(a.directive_search_text, words)]
    if a is LinkCopy:  # the copies are cut (link_copies.TEXT_CUT): the longer texts are read whole,
        # found through ix_assignments_long_text (its predicate said again, not as a parameter a
        # prepared statement's generic plan could not match it with)
        found.append(a.id.in_(select(Assignment.id).where(LONGER_THAN_COPIES, task_words_match(words))))
    return or_(*found)


def _matches(folded: SQLColumnExpression[str | None], words: str) -> ColumnElement[bool]:
    return folded.like(folded_pattern(words), escape="\\")


def directive_words_match(words: str) -> ColumnElement[bool]:
    """SQL over Directive: `words_match` for the directive alone."""
    return _matches(Directive.search_text, words)


@event.listens_for(Directive, "before_insert")
@event.listens_for(Directive, "before_update")
def _fold_directive(_mapper, _connection, directive: Directive) -> None:
    directive.search_text = fold(directive.symbol, directive.summary, directive.issuer)


@event.listens_for(Assignment, "before_insert")
@event.listens_for(Assignment, "before_update")
def _fold_assignment(_mapper, _connection, assignment: Assignment) -> None:
    assignment.search_text = fold(assignment.content)


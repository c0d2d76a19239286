"""Stored process versions. A version is the whole bundle of a ruleset: BPMN, DMN, form
definitions and settings together, so a running instance keeps every part it started with."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, UTCDateTime
from engine.org import permissions
from engine.runtime.models import WorkflowInstance


class BundleStatus(StrEnum):
    DRAFT = "draft"          # stored, not yet published
    PUBLISHED = "published"  # the one version new instances start on
    RETIRED = "retired"      # published before; its instances run on


class DraftStatus(StrEnum):
    OPEN = "open"
    SAVED = "saved"          # became a version (bundle_id)
    DISCARDED = "discarded"


class ProcessBundle(Base):
    __tablename__ = "process_bundles"
    __table_args__ = (UniqueConstraint("ruleset", "number"), UniqueConstraint("ruleset", "content_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3… per ruleset
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict] = mapped_column(JSON)  # relative path -> text
    settings: Mapped[dict] = mapped_column(JSON)
    status: Mapped[BundleStatus] = mapped_column(String(16), default=BundleStatus.PUBLISHED)
    source: Mapped[str] = mapped_column(String(16), default="disk")  # disk | modeler
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the version it was made from (its files carried on): what its page compares it with
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("process_bundles.id"))


class ProcessDraft(Base):
    __tablename__ = "process_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(String(255))  # "assignment.bpmn"
    target: Mapped[str] = mapped_column(String(16), default="ruleset")  # ruleset | common (disk.TARGETS)
    xml: Mapped[str] = mapped_column(Text)
    base_bundle_id: Mapped[int] = mapped_column(ForeignKey("process_bundles.id"))
    base_disk_hash: Mapped[str | None] = mapped_column(String(64))  # the disk file the draft started from
    status: Mapped[DraftStatus] = mapped_column(String(16), default=DraftStatus.OPEN)
    problems: Mapped[list | None] = mapped_column(JSON)  # of the last refused save
    bundle_id: Mapped[int | None] = mapped_column(ForeignKey("process_bundles.id"))  # the version it made
    comment: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def published_settings(session: Session) -> list[tuple[str, dict]]:
    """(ruleset, settings) of the published version of each ruleset."""
    return [tuple(row) for row in session.execute(select(ProcessBundle.ruleset, ProcessBundle.settings)
                                                  .where(ProcessBundle.status == BundleStatus.PUBLISHED))]


def instance_settings(session: Session, instance_id: int | None) -> dict:
    """The settings of the ruleset version a process instance runs on ({} without one): those its
    steps acted on, e.g. whom they sent a report to."""
    instance = session.get(WorkflowInstance, instance_id) if instance_id is not None else None
    bundle = session.get(ProcessBundle, instance.bundle_id) if instance is not None else None
    return bundle.settings if bundle is not None else {}


permissions.declare_settings(published_settings)  # [secrecy] visible_to is read from here

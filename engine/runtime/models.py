"""Workflow instances, the work items read from them, and incidents."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DDL, JSON, ForeignKey, Index, Integer, String, Text, event, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, UTCDateTime
from engine.db.compression import STATE_LZ4, state_lz4_wanted
from engine.org import permissions


class InstanceStatus(StrEnum):
    RUNNING = "running"
    ERROR = "error"          # stopped at an incident until an admin retries it
    SUSPENDED = "suspended"  # held by a process admin: no timer fires, no work item is completed
    COMPLETED = "completed"


# Not ended: what a recall ends, what an administrator may change, what counts as already running.
LIVE_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.ERROR, InstanceStatus.SUSPENDED)


class WorkItemStatus(StrEnum):
    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # its branch of the process ended without it


class IncidentStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class WorkflowInstance(Base):
    __tablename__ = "workflow_instances"
    # `id` last: due timers are claimed in (next_timer_due, id) order, read off the index. A burst
    # shares one due moment; without `id` PostgreSQL sorted every due row to claim each batch.
    __table_args__ = (Index("ix_instances_due", "status", "next_timer_due", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("process_bundles.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(128))
    purpose: Mapped[str] = mapped_column(String(32))  # directive | assignment | inspection | …
    state: Mapped[str] = mapped_column(Text)  # see engine.spiff.state
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped by every step
    status: Mapped[InstanceStatus] = mapped_column(String(16), default=InstanceStatus.RUNNING)
    next_timer_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The messages it waits for (spiff.waiting_message_names), written with the state: a page asks them
    # without reading a state that may weigh megabytes. None: written before they were kept.
    waiting_messages: Mapped[list[str] | None] = mapped_column(JSON)
    directive_id: Mapped[int | None] = mapped_column(Integer, index=True)
    assignment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_instances.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}


# The state, rewritten by every step, compressed with lz4 where the server offers it (engine.db.compression).
event.listen(WorkflowInstance.__table__, "after_create", DDL(STATE_LZ4).execute_if(callable_=state_lz4_wanted))


class WorkItem(Base):
    """A BPMN user task waiting for someone (công việc chờ xử lý)."""

    __tablename__ = "work_items"
    # An instance's or an assignment's open items are found without reading its closed ones,
    # which pile up with every loop of the process (issue #20, flat in history).
    __table_args__ = (Index("ix_work_items_inbox", "status", "unit_id", "role"),
                      Index("ix_work_items_instance_status", "instance_id", "status"),
                      Index("ix_work_items_assignment_status", "assignment_id", "status"),
                      # a unit's items, or none's (unit_id IS NULL OR IN …): one index range each
                      Index("ix_work_items_unit_status", "unit_id", "status", "role"),
                      Index("ix_work_items_completed_by", "completed_by", "status"),  # "done by me"
                      # the few items given to named people, read apart from the role-and-unit ones
                      Index("ix_work_items_named", "status", postgresql_where=text("performers IS NOT NULL"),
                            sqlite_where=text("performers IS NOT NULL")))

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instances.id"))
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(255))
    instructions: Mapped[str | None] = mapped_column(Text)
    lane: Mapped[str | None] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    form_key: Mapped[str] = mapped_column(String(128))
    directive_id: Mapped[int | None] = mapped_column(Integer, index=True)
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[WorkItemStatus] = mapped_column(String(16), default=WorkItemStatus.READY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    draft: Mapped[dict | None] = mapped_column(JSON)  # a long form saved half-way
    # Given by name (engine.org.permissions.may_act): the ids of the only people who do it, whatever
    # their role and unit, as ",12,15," (one text column: found with LIKE on either database, and
    # written in the step's one statement like the others); None: whoever holds the role in the unit.
    performers: Mapped[str | None] = mapped_column(Text)


class Incident(Base):
    """An engine step that failed (a script, expression or service error). The submission that
    caused it is kept; an admin fixes the cause and retries."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instances.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(128))
    error: Mapped[str] = mapped_column(Text)
    status: Mapped[IncidentStatus] = mapped_column(String(16), default=IncidentStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


def _waiting_items(session: Session, role: str, unit_id: int) -> int:
    return session.scalar(select(func.count()).select_from(WorkItem).where(
        WorkItem.status == WorkItemStatus.READY, WorkItem.role == role, WorkItem.unit_id == unit_id)) or 0


permissions.declare_waiting_work(_waiting_items)


# Who does a newly ready work item by name: declared by the features whose records name them (an
# inspection's team), asked with (session, instance id, form key, unit id, role) when the item is
# made, on whatever process version the instance runs. None from all: its role in its unit does it.
_performers: list[Callable[[Session, int, str, int | None, str], Iterable[int] | None]] = []


def declare_performers(source: Callable[[Session, int, str, int | None, str], Iterable[int] | None]) -> None:
    _performers.append(source)


def performers_of(session: Session, instance_id: int, form_key: str, unit_id: int | None, role: str) -> str | None:
    """The new work item's `performers` column (permissions.performers_text)."""
    for source in _performers:
        named = source(session, instance_id, form_key, unit_id, role)
        if named is not None:
            return permissions.performers_text(named)
    return None


# What an instance's start data came to carry after it started, for a move to a newer version of its
# ruleset (engine.rulesets.migration): declared by the features whose records hold the values (a
# directive's arrival day), asked with (session, the instance); {key: value} the moved instance is given
# where its data has none.
_start_data: list[Callable[[Session, WorkflowInstance], Mapping[str, object]]] = []


def declare_start_data(source: Callable[[Session, WorkflowInstance], Mapping[str, object]]) -> None:
    _start_data.append(source)


def start_data_of(session: Session, instance: WorkflowInstance) -> dict[str, object]:
    """The start data every declared source gives `instance` today."""
    return {key: value for source in _start_data for key, value in source(session, instance).items()}


# Whom a work item's person fields may name, narrower than their roles: declared by the features
# whose records decide it (an inspection's team: not the inspected units' staff), asked with
# (session, the ruleset's lanes, the item); {field name: users} or None from all: the roles alone.
_people: list[Callable[[Session, Mapping[str, str], WorkItem], Mapping[str, list] | None]] = []


def declare_people(source: Callable[[Session, Mapping[str, str], WorkItem], Mapping[str, list] | None]) -> None:
    _people.append(source)


def people_of(session: Session, lanes: Mapping[str, str], item: WorkItem) -> Mapping[str, list]:
    """The users (engine.org.models.User) each person field of `item` may name, where a feature
    narrows them; a field not in it: anyone its roles allow."""
    for source in _people:
        named = source(session, lanes, item)
        if named is not None:
            return named
    return {}

"""Tasks given to a unit nobody receives (no account there or above it holds a unit role:
permissions.receiving_units): a seeded commune has none until the administrator makes them. Such a task is
given all the same — accounts may come tomorrow, and the first one made finds the unit's open work in its
inbox — but nobody of the unit sees it: the office is warned when it gives the task, its pages mark those
tasks, and the system administrator's organisation page lists the units holding open work with nobody to
receive it, so that no task waits silently for urging to reveal it."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.directives.models import Assignment, AssignmentStatus, AssignmentUnit
from engine.org import permissions
from engine.org.models import Unit
from engine.runtime.models import WorkItem


def unreached_units(session: Session, unit_ids: Iterable[int]) -> set[int]:
    """Those of `unit_ids` whose tasks reach nobody today."""
    wanted = sorted(set(unit_ids))
    if not wanted:
        return set()
    reached = session.scalars(select(Unit.id).where(Unit.id.in_(wanted),
                                                    Unit.id.in_(permissions.receiving_units())))
    return set(wanted) - set(reached)


def unreached_leads(session: Session, *row_lists: Iterable) -> set[int]:
    """The ids of the lead units of registry rows (engine.registry's, each with its `lead_unit`) whose tasks reach
    nobody today: the lists the office reads mark those rows."""
    return unreached_units(session, (row.lead_unit.id for rows in row_lists for row in rows
                                     if row.lead_unit is not None))


def unreached_named(session: Session, codes: Iterable[str]) -> list[Unit]:
    """Those of the units with `codes` whose tasks reach nobody today, by name: the units a form giving tasks, and
    the office's step classifying them, warn of."""
    wanted = sorted(set(codes))
    units = list(session.scalars(select(Unit).where(Unit.code.in_(wanted)).order_by(Unit.name))) if wanted else []
    unreached = unreached_units(session, (unit.id for unit in units))
    return [unit for unit in units if unit.id in unreached]


def step_unreached(engine, session: Session, item: WorkItem) -> list[Unit]:
    """The units a step of the office about a directive gives tasks to that reach nobody, by name: those of its open
    assignments, or before it gives any (its classification) those its registration planned."""
    if item.directive_id is None or item.role not in permissions.OFFICE_WORK:
        return []
    given = select(AssignmentUnit.unit_id).join(Assignment, Assignment.id == AssignmentUnit.assignment_id).where(
        Assignment.directive_id == item.directive_id, Assignment.status == AssignmentStatus.OPEN)
    codes = set(session.scalars(select(Unit.code).where(Unit.id.in_(given))))
    if not codes and session.scalar(select(Assignment.id).where(Assignment.directive_id == item.directive_id)) is None:
        codes = planned_codes(engine.runtime.task_data(session, item))
    return unreached_named(session, codes)


def planned_codes(data: dict) -> set[str]:
    """The units a directive's registration planned its tasks for (the process data's `assignments`, as
    engine.directives.service.clean_assignment writes them)."""
    return {code for task in data.get("assignments") or () for code in (task.get("lead_unit"),
                                                                        *(task.get("coordinating_units") or ()))
            if code}


@dataclass(frozen=True)
class UnreachedWork:
    """A unit holding open tasks (`open_tasks`: as lead or coordinating unit) that reach nobody."""

    unit: Unit
    open_tasks: int


def unreached_work(session: Session) -> list[UnreachedWork]:
    """The units holding open tasks that reach nobody, by name: whom the administrator should make accounts for."""
    rows = session.execute(
        select(AssignmentUnit.unit_id, func.count(AssignmentUnit.id))
        .join(Assignment, Assignment.id == AssignmentUnit.assignment_id)
        .where(Assignment.status == AssignmentStatus.OPEN,
               AssignmentUnit.unit_id.not_in(permissions.receiving_units()))
        .group_by(AssignmentUnit.unit_id)).all()
    units = {unit.id: unit for unit in session.scalars(select(Unit).where(Unit.id.in_([r[0] for r in rows])))}
    return sorted((UnreachedWork(units[unit_id], count) for unit_id, count in rows), key=lambda row: row.unit.name)

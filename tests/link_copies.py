"""The check behind every test's engine (tests/conftest.py) and every scenario walk: each unit
link's copy of its assignment's columns (engine.directives.link_copies) equals the assignment,
whatever wrote it (a step, the PostgreSQL step's one-statement writes, an import, a sync, a
restore, a bulk UPDATE), each assignment's copy of its directive's words equals the directive's, and
each assignment's stored deadline end (deadline_ends) is the day the Python form of the outcome rule
says its deadline ends on the database's calendar (WorkingCalendar.effective_deadline, within the years
the calendar holds): a writer the database's triggers miss, or a calendar correction the stored ends
did not follow, fails the test that used it."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from engine.core import Engine
from engine.directives.link_copies import COPIED, TEXT_CUT
from engine.directives.models import Assignment, AssignmentUnit, Directive, LinkCopy
from engine.working_days import YEARS, WorkingCalendar


def stale_copies(engine: Engine) -> list[tuple[int | None, int, str]]:
    """(link, assignment, column) of every copy that differs from its assignment (the texts': from
    their first TEXT_CUT characters), and (None, assignment, "directive_search_text") of every
    assignment whose copy of its directive's words differs from them."""
    with engine.db.reading() as s:
        rows = s.execute(select(AssignmentUnit.id, Assignment.id, *(getattr(LinkCopy, name) for name in COPIED),
                                *(_copied(name) for name in COPIED))
                         .join(Assignment, Assignment.id == AssignmentUnit.assignment_id)
                         .where(or_(*(getattr(LinkCopy, name).is_distinct_from(_copied(name))
                                      for name in COPIED)))).all()
        words = s.scalars(select(Assignment.id).join(Directive, Directive.id == Assignment.directive_id)
                          .where(Assignment.directive_search_text.is_distinct_from(Directive.search_text))).all()
        calendar = WorkingCalendar.from_db(s)
        ends = [assignment for assignment, deadline, stored in s.execute(
                    select(Assignment.id, Assignment.deadline, Assignment.deadline_ends))
                if stored != _ends(calendar, deadline)]
    return [(link, assignment, name) for link, assignment, *values in rows
            for name, copy, source in zip(COPIED, values[:len(COPIED)], values[len(COPIED):], strict=True)
            if copy != source] + [(None, assignment, "directive_search_text") for assignment in words] + [
        (None, assignment, "deadline_ends") for assignment in ends]


def _ends(calendar: WorkingCalendar, deadline):
    """The day `deadline` ends by the Python form: outside the calendar's years it is stored as written."""
    return calendar.effective_deadline(deadline) if deadline is not None and deadline.year in YEARS else deadline


def _copied(name: str):
    column = getattr(Assignment, name)
    return func.substr(column, 1, TEXT_CUT) if name.endswith("search_text") else column

"""The check behind every test's engine (tests/conftest.py) and every scenario walk: each unit
link's copy of its assignment's columns (engine.directives.link_copies) equals the assignment,
whatever wrote it (a step, the PostgreSQL step's one-statement writes, an import, a sync, a
restore, a bulk UPDATE), and each assignment's copy of its directive's words equals the directive's: a
writer the database's triggers miss fails the test that used it."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from engine.core import Engine
from engine.directives.link_copies import COPIED, TEXT_CUT
from engine.directives.models import Assignment, AssignmentUnit, Directive, LinkCopy


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
    return [(link, assignment, name) for link, assignment, *values in rows
            for name, copy, source in zip(COPIED, values[:len(COPIED)], values[len(COPIED):], strict=True)
            if copy != source] + [(None, assignment, "directive_search_text") for assignment in words]


def _copied(name: str):
    column = getattr(Assignment, name)
    return func.substr(column, 1, TEXT_CUT) if name.endswith("search_text") else column

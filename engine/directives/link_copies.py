"""Each assignment's filtered and sorted columns, copied onto its unit links (assignment_units.task_*):
a unit's registry filters, counts and sorts its assignments from its links
(ix_assignment_units_unit_copies) instead of reading them across the whole assignments table,
where a department's ~40,000 of a million lie (bench/README.md, "Third pass" and "Seventh pass").

The database keeps the copy, whoever writes: triggers copy the columns when a link is inserted
(or moved to another assignment) and when an assignment's copied columns change, in the same
transaction, be it the ORM, the PostgreSQL step's one-statement writes, an import, a sync, a
backup restore or a bulk UPDATE. They are created with the tables (create_all, on the event
engine.directives.models listens to) and by the migrations that copy columns, each with the
statements of its own column list and cut (a later one's columns do not exist yet when an earlier one
runs); models.LinkCopy names the copies as the assignment's columns. Every test's engine and every
scenario walk ends by comparing every link's copy with its assignment (tests/link_copies.py).

The directive's folded words are copied the same way onto its assignments
(assignments.directive_search_text), and from there onto their links: a text is matched on the
rows a view reads, without first finding the directives that hold it (a department's "giai ngan" at
1M: 15,625 directives found and their pages rechecked in each statement, bench/README.md "Eleventh
pass").

The day each assignment's deadline ends (its working day when the deadline is a day off, Bộ luật Dân
sự 2015, Đ.148 k.5) is stored the same way (assignments.deadline_ends, from calendar_days_off) and
copied onto the links: "done late" compares two columns instead of looking the calendar up per row
(bench/README.md, "The effective deadline stored"). A correction to the calendar moves the stored
ends of the deadlines on the days it moved, in its own transaction (ends_follow_the_days_off)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, bindparam, text

from engine.working_days import ends_on_sql, follow_days_off

# The assignment's columns the links copy, each as task_<name> on the link: the filters' and sorts'
# (migration c4d8e2a6f1b9), then its directive and folded content, a text's and an origin's (e21f7c3a9b04),
# then its directive's folded words (f3b9d7a1c5e8), then the day its deadline ends (a6d2f8c4e1b7)
COPIED = ("status", "progress", "deadline_kind", "deadline", "completed_on", "assigned_on", "urgency",
          "last_update_at", "directive_id", "search_text", "directive_search_text", "deadline_ends")
# The folded texts (the columns named so) are copied cut at this many characters: the copies' index
# carries them, and PostgreSQL refuses a B-tree entry over ~2.7 kB; a text is looked for in the whole
# of the longer ones (models.task_words_match, through ix_assignments_long_text)
TEXT_CUT = 500


def _source(prefix: str, name: str, cut: int) -> str:
    return f"substr({prefix}{name}, 1, {cut})" if name.endswith("search_text") else f"{prefix}{name}"


def _names(prefix: str, columns: tuple[str, ...]) -> str:
    return ", ".join(f"{prefix}{name}" for name in columns)


def _sources(prefix: str, columns: tuple[str, ...], cut: int) -> str:
    return ", ".join(_source(prefix, name, cut) for name in columns)


def _set_from(prefix: str, columns: tuple[str, ...], cut: int) -> str:
    return ", ".join(f"task_{name} = {_source(prefix, name, cut)}" for name in columns)


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in columns)


def _postgresql(columns: tuple[str, ...], cut: int) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION assignment_units_copy_in() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT {_sources('a.', columns, cut)} INTO {_names('NEW.task_', columns)} FROM assignments a
    WHERE a.id = NEW.assignment_id;
    RETURN NEW;
END $$""",
        """CREATE TRIGGER assignment_units_copy_in BEFORE INSERT OR UPDATE OF assignment_id ON assignment_units
FOR EACH ROW EXECUTE FUNCTION assignment_units_copy_in()""",
        f"""CREATE OR REPLACE FUNCTION assignments_copy_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE assignment_units SET {_set_from('NEW.', columns, cut)} WHERE assignment_id = NEW.id;
    RETURN NULL;
END $$""",
        f"""CREATE TRIGGER assignments_copy_out AFTER UPDATE OF {_names('', columns)} ON assignments
FOR EACH ROW WHEN ({_changed(columns)}) EXECUTE FUNCTION assignments_copy_out()""",
    ]


def _sqlite(columns: tuple[str, ...], cut: int) -> list[str]:
    # SQLite's BEFORE triggers cannot set NEW: the inserted link is updated after
    copy_in = (f"UPDATE assignment_units SET ({_names('task_', columns)}) = (SELECT {_sources('', columns, cut)} "
               "FROM assignments WHERE id = NEW.assignment_id) WHERE id = NEW.id;")
    return [
        f"CREATE TRIGGER assignment_units_copy_in AFTER INSERT ON assignment_units BEGIN {copy_in} END",
        f"CREATE TRIGGER assignment_units_copy_moved AFTER UPDATE OF assignment_id ON assignment_units "
        f"BEGIN {copy_in} END",
        f"CREATE TRIGGER assignments_copy_out AFTER UPDATE OF {_names('', columns)} ON assignments "
        f"WHEN {_changed(columns).replace('IS DISTINCT FROM', 'IS NOT')} "
        f"BEGIN UPDATE assignment_units SET {_set_from('NEW.', columns, cut)} WHERE assignment_id = NEW.id; END",
    ]


_DROP = {
    "postgresql": ["DROP TRIGGER IF EXISTS assignments_copy_out ON assignments",
                   "DROP TRIGGER IF EXISTS assignment_units_copy_in ON assignment_units",
                   "DROP FUNCTION IF EXISTS assignments_copy_out()",
                   "DROP FUNCTION IF EXISTS assignment_units_copy_in()"],
    "sqlite": ["DROP TRIGGER IF EXISTS assignments_copy_out", "DROP TRIGGER IF EXISTS assignment_units_copy_moved",
               "DROP TRIGGER IF EXISTS assignment_units_copy_in"],
}


def create_triggers(connection: Connection, columns: tuple[str, ...] = COPIED, cut: int = TEXT_CUT) -> None:
    """The triggers that copy `columns` (the content cut at `cut` characters), on this connection's
    database (PostgreSQL or SQLite)."""
    for statement in {"postgresql": _postgresql, "sqlite": _sqlite}[connection.dialect.name](columns, cut):
        connection.exec_driver_sql(statement)


def drop_triggers(connection: Connection) -> None:
    _execute(connection, _DROP)


def backfill(connection: Connection, columns: tuple[str, ...] = COPIED, cut: int = TEXT_CUT) -> None:
    """Every link's copy of `columns` from its assignment (a migration's, on rows written before the triggers)."""
    connection.exec_driver_sql(f"UPDATE assignment_units SET {_set_from('a.', columns, cut)} FROM assignments a "
                               "WHERE a.id = assignment_units.assignment_id")


# The directive's folded words (directives.search_text) onto its assignments (directive_search_text),
# whole: when an assignment is inserted or moved to another directive, and onto every assignment of a
# directive whose words change (its symbol, summary or issuer edited); the links copy them from there.
_WORDS_IN = ("(SELECT d.search_text FROM directives d WHERE d.id = NEW.directive_id)")
_WORDS = {
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION assignments_words_in() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.directive_search_text := {_WORDS_IN};
    RETURN NEW;
END $$""",
        """CREATE TRIGGER assignments_words_in BEFORE INSERT OR UPDATE OF directive_id ON assignments
FOR EACH ROW EXECUTE FUNCTION assignments_words_in()""",
        """CREATE OR REPLACE FUNCTION directives_words_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE assignments SET directive_search_text = NEW.search_text WHERE directive_id = NEW.id;
    RETURN NULL;
END $$""",
        """CREATE TRIGGER directives_words_out AFTER UPDATE OF search_text ON directives
FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) EXECUTE FUNCTION directives_words_out()""",
    ],
    # SQLite's BEFORE triggers cannot set NEW: the inserted (or moved) assignment is updated after
    "sqlite": [
        f"CREATE TRIGGER assignments_words_in AFTER INSERT ON assignments BEGIN UPDATE assignments "
        f"SET directive_search_text = {_WORDS_IN} WHERE id = NEW.id; END",
        f"CREATE TRIGGER assignments_words_moved AFTER UPDATE OF directive_id ON assignments BEGIN UPDATE assignments "
        f"SET directive_search_text = {_WORDS_IN} WHERE id = NEW.id; END",
        "CREATE TRIGGER directives_words_out AFTER UPDATE OF search_text ON directives "
        "WHEN OLD.search_text IS NOT NEW.search_text BEGIN UPDATE assignments "
        "SET directive_search_text = NEW.search_text WHERE directive_id = NEW.id; END",
    ],
}
_DROP_WORDS = {
    "postgresql": ["DROP TRIGGER IF EXISTS directives_words_out ON directives",
                   "DROP TRIGGER IF EXISTS assignments_words_in ON assignments",
                   "DROP FUNCTION IF EXISTS directives_words_out()",
                   "DROP FUNCTION IF EXISTS assignments_words_in()"],
    "sqlite": ["DROP TRIGGER IF EXISTS directives_words_out", "DROP TRIGGER IF EXISTS assignments_words_moved",
               "DROP TRIGGER IF EXISTS assignments_words_in"],
}


def _execute(connection: Connection, statements: dict[str, list[str]]) -> None:
    """This connection's database's statements (PostgreSQL or SQLite)."""
    for statement in statements[connection.dialect.name]:
        connection.exec_driver_sql(statement)


def create_word_triggers(connection: Connection) -> None:
    """The triggers that copy each directive's folded words onto its assignments."""
    _execute(connection, _WORDS)


def drop_word_triggers(connection: Connection) -> None:
    _execute(connection, _DROP_WORDS)


def backfill_words(connection: Connection) -> None:
    """Every assignment's copy of its directive's words (a migration's, on rows written before the triggers)."""
    connection.exec_driver_sql("UPDATE assignments SET directive_search_text = d.search_text FROM directives d "
                               "WHERE d.id = assignments.directive_id")


# The day the deadline ends (engine.working_days.ends_on_sql) onto the assignment: when it is inserted
# or its deadline written; the links copy it from there.
_ENDS = {
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION assignments_ends_in() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.deadline_ends := {ends_on_sql('NEW.deadline')};
    RETURN NEW;
END $$""",
        """CREATE TRIGGER assignments_ends_in BEFORE INSERT OR UPDATE OF deadline ON assignments
FOR EACH ROW EXECUTE FUNCTION assignments_ends_in()""",
    ],
    # SQLite's BEFORE triggers cannot set NEW: the inserted (or re-dated) assignment is updated after
    "sqlite": [
        f"CREATE TRIGGER assignments_ends_in AFTER INSERT ON assignments BEGIN UPDATE assignments "
        f"SET deadline_ends = {ends_on_sql('NEW.deadline')} WHERE id = NEW.id; END",
        f"CREATE TRIGGER assignments_ends_moved AFTER UPDATE OF deadline ON assignments BEGIN UPDATE assignments "
        f"SET deadline_ends = {ends_on_sql('NEW.deadline')} WHERE id = NEW.id; END",
    ],
}
_DROP_ENDS = {
    "postgresql": ["DROP TRIGGER IF EXISTS assignments_ends_in ON assignments",
                   "DROP FUNCTION IF EXISTS assignments_ends_in()"],
    "sqlite": ["DROP TRIGGER IF EXISTS assignments_ends_moved", "DROP TRIGGER IF EXISTS assignments_ends_in"],
}


def create_ends_triggers(connection: Connection) -> None:
    """The triggers that store the day each assignment's deadline ends."""
    _execute(connection, _ENDS)


def drop_ends_triggers(connection: Connection) -> None:
    _execute(connection, _DROP_ENDS)


def backfill_ends(connection: Connection) -> None:
    """Every assignment's deadline end (a migration's, on rows written before the triggers)."""
    connection.exec_driver_sql(f"UPDATE assignments SET deadline_ends = {ends_on_sql('assignments.deadline')} "
                               "WHERE deadline IS NOT NULL")


@follow_days_off
def ends_follow_the_days_off(connection: Connection, days: list[date]) -> None:
    """The stored ends of the deadlines on `days`, whose end the calendar just moved (the links follow)."""
    connection.execute(text(f"UPDATE assignments SET deadline_ends = {ends_on_sql('assignments.deadline')} "
                            "WHERE deadline IN :days").bindparams(bindparam("days", expanding=True)),
                       {"days": days})

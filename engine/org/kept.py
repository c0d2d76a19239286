"""The organisation every request reads again (the tracking office, the home body, a unit's body,
which units are issuing bodies, the published rulesets' settings), kept per worker process (giữ
trong tiến trình) instead of read by each transaction (a directive's lifecycle read them ~60 times).

Why it is safe across workers and hosts (the working-day calendar's pattern): every transaction
that writes `units` or `process_bundles` through the ORM also bumps the one-row counter
organisation_revisions (listeners below), and a transaction reads that counter once (again after a
row lock: read_once) before trusting the copy. It reads the counter BEFORE what the copy holds, so
a change committed in between can only leave a copy newer than its revision, which the next
transaction's check replaces. A transaction that writes either table (or holds unflushed changes to
them) reads for itself (read_once) until it ends: its rows may still roll back. Raw SQL that
bypasses the ORM must call `bump` itself.

Units are kept as detached copies and handed to each session as its own object (merged without a
statement), so that no session ever shares, changes or expires another's."""
from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, make_transient_to_detached

from engine.db import lock_name, read_once, rowcount
from engine.org.models import OrganisationRevision, Unit

T = TypeVar("T")
MaybeUnit = TypeVar("MaybeUnit", Unit, Unit | None)
# The tables the kept values are read from: a write of either bumps the counter.
WATCHED = frozenset({"units", "process_bundles"})
# Session.info: the (outermost) transaction that wrote a watched table; a savepoint's end is not its end.
_WROTE = "dondoc.wrote_organisation"
_REVISION = select(OrganisationRevision.revision).where(OrganisationRevision.id == 1)


class _Copy:
    """The values one worker read at one revision of the organisation, by key."""

    def __init__(self, revision: int):
        self.revision = revision
        self.values: dict[Hashable, object] = {}


_copies: WeakKeyDictionary[Engine, _Copy] = WeakKeyDictionary()


def kept(session: Session, key: Hashable, read: Callable[[], T], tables: Collection[str]) -> T:
    """What `read()` gives (from `tables`, among WATCHED), read once per worker and revision of the
    organisation; read once per transaction (read_once) by a transaction that writes them."""
    if _writes_organisation(session):
        return read_once(session, key, read, tables)
    revision = read_once(session, "organisation revision", lambda: session.scalar(_REVISION) or 0,
                         tables=(OrganisationRevision.__tablename__,))
    bind = session.connection().engine
    copy = _copies.get(bind)
    # Another revision, older too (a database restored or made again): what was kept is of another organisation.
    if copy is None or copy.revision != revision:
        copy = _copies[bind] = _Copy(revision)
    if key not in copy.values:
        copy.values[key] = read()
    return copy.values[key]  # type: ignore[return-value]


def kept_unit(session: Session, key: Hashable, read: Callable[[], MaybeUnit]) -> MaybeUnit:
    """`kept` for a unit: the session's own object of the kept copy (none when `read` gave none)."""
    copy = kept(session, key, lambda: _detached(read()), tables=("units",))
    return _attached(session, copy) if copy is not None else copy


def _detached(unit: MaybeUnit) -> MaybeUnit:
    """A copy of `unit`'s columns that belongs to no session."""
    if unit is None:
        return None
    copy = Unit(**{column.key: getattr(unit, column.key) for column in inspect(Unit).column_attrs})
    make_transient_to_detached(copy)
    return copy


def _attached(session: Session, copy: Unit) -> Unit:
    """The session's object of the kept unit: the copy's values merged in without a statement (the
    object it holds already, if any: a session holding unflushed changes of units reads for itself)."""
    return session.merge(copy, load=False)


def _writes_organisation(session: Session) -> bool:
    wrote = session.info.get(_WROTE)
    return (wrote is not None and wrote is session.get_transaction()) or _changes_organisation(session)


def _changes_organisation(session: Session) -> bool:
    """Whether the session holds unflushed changes of a watched table."""
    return any(obj.__table__.name in WATCHED for group in (session.new, session.dirty, session.deleted)
               for obj in group)


def bump(session: Session) -> None:
    """Count a write of the organisation: every worker reads it again from its next transaction on,
    and this transaction no longer uses the kept copy."""
    session.info[_WROTE] = session.get_transaction()
    if _bumped(session) == 0:  # the deployment's first write since the counter exists: one worker inserts its row
        lock_name(session, OrganisationRevision.__tablename__)
        if _bumped(session) == 0:
            session.connection().execute(insert(OrganisationRevision).values(id=1, revision=1))


def _bumped(session: Session) -> int:
    return rowcount(session.connection().execute(update(OrganisationRevision).where(OrganisationRevision.id == 1)
                                                 .values(revision=OrganisationRevision.revision + 1)))


@event.listens_for(Session, "before_flush")
def _on_flush(session: Session, _context, _instances) -> None:
    if _changes_organisation(session):
        bump(session)


@event.listens_for(Session, "do_orm_execute")
def _on_bulk_write(state: ORMExecuteState) -> None:
    """ORM-enabled insert/update/delete statements skip before_flush."""
    if (state.is_insert or state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.local_table.name in WATCHED:  # type: ignore[attr-defined]
        bump(state.session)

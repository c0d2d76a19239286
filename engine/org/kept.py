"""The organisation every request reads again (the tracking office, the home body, a unit's body,
which units are issuing bodies, the published rulesets' settings), kept per worker process (giữ
trong tiến trình) instead of read by each transaction (a directive's lifecycle read them ~60 times).

Why it is safe across workers and hosts (as the working-day calendar's copy): every transaction
that writes `units` or `process_bundles` through the ORM also bumps the one-row counter
organisation_revisions, read once a transaction before the copy is trusted (engine.db.counters); a
transaction that writes either table reads for itself (read_once) until it ends. Raw SQL that
bypasses the ORM must call `bump` itself.

Units are kept as detached copies and handed to each session as its own object (merged without a
statement), so that no session ever shares, changes or expires another's."""
from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, make_transient_to_detached

from engine.db import read_once
from engine.db.counters import WriteCounter
from engine.org.models import OrganisationRevision, Unit

T = TypeVar("T")
MaybeUnit = TypeVar("MaybeUnit", Unit, Unit | None)
# The tables the kept values are read from: a write of either bumps the counter.
COUNTER = WriteCounter(OrganisationRevision, ("units", "process_bundles"))


class _Copy:
    """The values one worker read at one revision of the organisation, by key."""

    def __init__(self, revision: int):
        self.revision = revision
        self.values: dict[Hashable, object] = {}


_copies: WeakKeyDictionary[Engine, _Copy] = WeakKeyDictionary()


def kept(session: Session, key: Hashable, read: Callable[[], T], tables: Collection[str]) -> T:
    """What `read()` gives (from `tables`, among those COUNTER watches), read once per worker and revision of the
    organisation; read once per transaction (read_once) by a transaction that writes them."""
    if COUNTER.written(session):
        return read_once(session, key, read, tables)
    revision = COUNTER.revision(session)
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


def bump(session: Session) -> None:
    """Count a write of the organisation made past the ORM (a restore): every worker reads it again."""
    COUNTER.bump(session)

"""A counter bumped with a table's writes, read once a transaction (bộ đếm phiên bản): what lets each
worker keep in memory what it read from those tables (the organisation, the working-day calendar) and
read them again only when another transaction changed them, on any worker or host.

Every transaction that writes one of the watched tables through the ORM also bumps the counter's one
row (listeners below). A reader reads the counter once a transaction (again after a row lock or a write
of it: engine.db.read_once) BEFORE what it keeps, so a change committed in between can only leave a
copy newer than its revision, which the next transaction's check replaces. A transaction that writes a
watched table (or holds unflushed changes to one) reads for itself (`written`) until it ends: its rows
may still roll back. Raw SQL that bypasses the ORM must call `bump` itself."""
from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Integer, event, insert, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from engine.db import lock_name, read_once, rowcount


class CounterRow:
    """The columns of a counter's table (mixed into its model): one row, id 1, and its count."""

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


class WriteCounter:
    """The counter row of `model`, bumped by every transaction that writes one of `tables`."""

    def __init__(self, model: type[CounterRow], tables: Collection[str]):
        self.model, self.tables = model, frozenset(tables)
        self.table: str = model.__tablename__  # type: ignore[attr-defined]  # a mapped model's
        self.query = select(model.revision).where(model.id == 1)
        self._wrote = f"dondoc.wrote:{self.table}"  # Session.info: the (outermost) transaction that wrote
        event.listen(Session, "before_flush", self._on_flush)
        event.listen(Session, "do_orm_execute", self._on_bulk_write)

    def revision(self, session: Session) -> int:
        """The counter as this transaction reads it (0 before the deployment's first write)."""
        return read_once(session, ("revision", self.table), lambda: session.scalar(self.query) or 0,
                         tables=(self.table,))

    def written(self, session: Session) -> bool:
        """Whether this transaction wrote a watched table (a savepoint's end is not its end) or holds
        unflushed changes to one: it reads them for itself, not from a copy."""
        wrote = session.info.get(self._wrote)
        return (wrote is not None and wrote is session.get_transaction()) or self._changes(session)

    def bump(self, session: Session) -> None:
        """Count a write: every worker reads again from its next transaction on, and this transaction
        no longer uses a kept copy."""
        session.info[self._wrote] = session.get_transaction()
        if self._bumped(session) == 0:  # the deployment's first write since the counter exists: one inserts its row
            lock_name(session, self.table)
            if self._bumped(session) == 0:
                session.connection().execute(insert(self.model).values(id=1, revision=1))

    def _bumped(self, session: Session) -> int:
        return rowcount(session.connection().execute(update(self.model).where(self.model.id == 1)
                                                     .values(revision=self.model.revision + 1)))

    def _changes(self, session: Session) -> bool:
        return any(obj.__table__.name in self.tables for group in (session.new, session.dirty, session.deleted)
                   for obj in group)

    def _on_flush(self, session: Session, _context, _instances) -> None:
        if self._changes(session):
            self.bump(session)

    def _on_bulk_write(self, state: ORMExecuteState) -> None:
        """ORM-enabled insert/update/delete statements skip before_flush."""
        if (state.is_insert or state.is_update or state.is_delete) and state.bind_mapper is not None \
                and state.bind_mapper.local_table.name in self.tables:  # type: ignore[attr-defined]
            self.bump(state.session)

"""Organisation tree (cơ quan, đơn vị) and people."""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    cast,
    false,
    func,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime
from engine.db.counters import CounterRow

# Roles a user may hold (the catalogue). Lanes in BPMN map to these through each ruleset's
# settings; what each role may see and do is engine.org.permissions.
ROLES = (
    "clerk",          # chuyên viên theo dõi của Văn phòng (tracking-office clerk)
    "office_head",    # Chánh/Phó Văn phòng
    "unit_officer",   # chuyên viên đơn vị
    "unit_head",      # lãnh đạo đơn vị
    "leader",         # Chủ tịch/Phó Chủ tịch, Giám đốc
    "inspector",      # thành viên đoàn kiểm tra
    "process_admin",  # quản trị quy trình
    "system_admin",   # quản trị hệ thống
)


class Unit(Base):
    """A node of the organisation tree. Never renamed or deleted in place: a reorganised
    unit gets `valid_to` and a `successor`."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32), default="unit")  # province, department, commune, section…
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # indexed: org.carried_select follows the successor links down, from every staffed unit (reach)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    is_tracking_office: Mapped[bool] = mapped_column(Boolean, default=False)
    # A body whose own committee issues directives its own office tracks (a commune or ward of the
    # two-tier government: cơ quan ban hành); its unit and the units below it are that body's.
    is_issuing_body: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    email: Mapped[str | None] = mapped_column(String(255))
    # The agency identifier of QĐ 20/2020/QĐ-TTg (mã định danh, e.g. 000.00.01.H01) by which
    # edXML messages of the national document hub name this unit.
    agency_code: Mapped[str | None] = mapped_column(String(32), unique=True)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", foreign_keys=[parent_id])

    @hybrid_method
    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)

    @is_valid_on.inplace.expression  # type: ignore[attr-defined]  # mypy reads hybrid_method as a plain function
    @classmethod
    def _is_valid_on_clause(cls, day: date) -> ColumnElement[bool]:  # the same rule in a query's WHERE
        return and_(or_(cls.valid_from.is_(None), cls.valid_from <= day),
                    or_(cls.valid_to.is_(None), cls.valid_to > day))

    @hybrid_property
    def open_until(self) -> date:
        """The day the unit closes, date.max while it has none: compared with `>` alike on a loaded unit and in a
        query (permissions.account_in_force)."""
        return self.valid_to or date.max

    @open_until.inplace.expression  # type: ignore[attr-defined]  # mypy reads the hybrid as a plain property
    @classmethod
    def _open_until_column(cls) -> ColumnElement[date]:
        return func.coalesce(cls.valid_to, date.max)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="vi")
    email_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    # Kept in every signed session cookie at sign-in; raising it (sign-out, new password,
    # deactivation) ends every session of the user on the next request (engine.org.signin).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    unit: Mapped[Unit] = relationship()

    @hybrid_method
    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @has_role.inplace.expression  # type: ignore[attr-defined]  # mypy reads hybrid_method as a plain function
    @classmethod
    def _has_role_clause(cls, *roles: str) -> ColumnElement[bool]:
        # the JSON list's text holds each role quoted ("unit_head"), on SQLite and PostgreSQL alike: no JSON
        # function the two share reads a list's members
        return or_(*(cast(cls.roles, Text).contains(json.dumps(role), autoescape=True) for role in roles))


class LoginThrottle(Base):
    """Failed sign-ins from one client address for one username (known or not): after a few,
    each further try waits twice as long as the one before (engine.org.signin). Keyed on both,
    so that guessing from one address never keeps the owner out from another."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("address", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(64), index=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeploymentSecret(Base):
    """A secret the deployment made for itself once and keeps (khóa bí mật): the key signing web
    sessions and form tokens when the settings give none (engine.org.session_key). Kept here, every
    worker and host sharing the database signs with the same key, and a restart keeps it."""

    __tablename__ = "deployment_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrganisationRevision(CounterRow, Base):
    """One row whose counter goes up in every transaction that writes `units` or `process_bundles`,
    so that each worker keeps the organisation every request reads (the home body, a unit's body,
    the published rulesets' settings) and reads it again only when the counter moved
    (engine.org.kept)."""

    __tablename__ = "organisation_revisions"

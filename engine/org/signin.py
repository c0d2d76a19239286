"""Signing in: the password check, the throttle on failed sign-ins, and the session epoch that
ends every session of a user.

A throttle counts the sign-ins from one client address for one username (existing or not).
Every attempt is counted before its password is checked, in one short atomic statement (an
upsert), and a right password forgets the count: so concurrent guesses cannot slip past the
count, and no write lock is held while a password is hashed. After `free_failures` the next
attempt is let through but blocks the pair for 2, 4, 8… seconds (at most `max_delay_seconds`);
attempts meanwhile are refused unchecked. Nothing ever locks the account itself: the owner
signs in from any other address, and from the same one once the delay has passed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import Database, rowcount
from engine.errors import EngineError
from engine.org import permissions
from engine.org import service as org
from engine.org.models import LoginThrottle, Unit, User
from engine.passwords import spend_a_verification, verify_password

QUIET_RESET = timedelta(days=1)  # a pair quiet this long starts counting afresh
_THROTTLE = LoginThrottle.__table__


@dataclass(frozen=True)
class Throttling:
    free_failures: int = 3
    max_delay_seconds: int = 900


class Throttled(EngineError):
    """Too many failed sign-ins from this address for this username: wait `seconds`."""

    def __init__(self, seconds: int):
        super().__init__("Too many failed sign-ins. Try again in %(seconds)s seconds.", seconds=seconds)
        self.seconds = seconds


class UnitClosed(EngineError):
    """The password is right, but the account's unit is closed (permissions.account_in_force)."""


def sign_in(db: Database, address: str, username: str, password: str, policy: Throttling) -> User | None:
    """The active user `username` if `password` is theirs; None otherwise, in about the same
    time whether the user exists or not. Raises Throttled while the pair is blocked, UnitClosed when the
    password is right but the account ended with its unit."""
    address, username = address[:64], username[:64]
    with db.session() as session:
        attempts, blocked_for = _count_attempt(session, address, username, policy)
    user = _check_password(db, username, password)
    if user is None and not blocked_for:
        return None
    with db.session() as session:
        if user is not None:
            session.execute(delete(LoginThrottle).where(LoginThrottle.address == address,
                                                        LoginThrottle.username == username))
        elif blocked_for:  # a failure that began a wait
            _audit_throttle(session, "login.throttled", username,
                            {"address": address, "attempts": attempts, "seconds": blocked_for})
    if user is not None and not permissions.account_in_force(user):
        _refuse_closed_unit(db, user)
    return user


def _refuse_closed_unit(db: Database, user: User) -> None:
    """Raise UnitClosed naming the account's unit, its end date and the unit in force doing its work, if any."""
    with db.reading() as session:
        unit = session.get_one(Unit, user.unit_id)
        successor = org.in_force(session, unit, clock.today())
        day = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else ""
        if successor.id != unit.id and successor.is_valid_on(clock.today()):
            raise UnitClosed("Your account's unit, %(unit)s, is no longer in force from %(day)s: ask the system "
                             "administrator to move your account to %(successor)s, which does its work now.",
                             unit=unit.name, day=day, successor=successor.name)
        raise UnitClosed("Your account's unit, %(unit)s, is no longer in force from %(day)s: ask the system "
                         "administrator to move your account to a unit in force.", unit=unit.name, day=day)


def _count_attempt(session: Session, address: str, username: str, policy: Throttling) -> tuple[int, int]:
    """Count one more attempt; returns the count and the seconds this attempt blocks the pair
    for (0: none). Raises Throttled, counting nothing, while the pair is blocked."""
    now = clock.now()
    failures = session.execute(_upsert(session, address, username, now)).scalar()
    if failures is None:  # blocked: the upsert changed nothing
        blocked_until = session.scalar(select(LoginThrottle.blocked_until).where(
            LoginThrottle.address == address, LoginThrottle.username == username))
        raise Throttled(max(1, int(((blocked_until or now) - now).total_seconds() + 0.999)))
    if failures > policy.free_failures:
        seconds = min(policy.max_delay_seconds, 2 ** min(failures - policy.free_failures, 30))
        session.execute(update(LoginThrottle).where(LoginThrottle.address == address,
                                                   LoginThrottle.username == username)
                        .values(blocked_until=now + timedelta(seconds=seconds)))
        return failures, seconds
    return failures, 0


def _upsert(session: Session, address: str, username: str, now: datetime):
    """One more attempt for the pair, unless it is blocked; returns the new count (none if blocked)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stale = _THROTTLE.c.last_failure_at < now - QUIET_RESET
    return (dialect.insert(_THROTTLE)
            .values(address=address, username=username, failures=1, last_failure_at=now)
            .on_conflict_do_update(
                index_elements=["address", "username"],
                set_={"failures": case((stale, 1), else_=_THROTTLE.c.failures + 1), "last_failure_at": now},
                where=or_(_THROTTLE.c.blocked_until.is_(None), _THROTTLE.c.blocked_until <= now))
            .returning(_THROTTLE.c.failures))


def _check_password(db: Database, username: str, password: str) -> User | None:
    with db.reading() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None:
            user.unit  # noqa: B018  (loaded for the request, after the session closes)
    if user is None or not user.active:
        spend_a_verification(password)  # as long as a real check: timing tells no usernames
        return None
    return user if verify_password(user.password_hash, password) else None


def throttles(session: Session, username: str) -> list[LoginThrottle]:
    """The addresses counting failed sign-ins for `username`, the blocked ones first."""
    return list(session.scalars(select(LoginThrottle).where(LoginThrottle.username == username)
                                .order_by(LoginThrottle.blocked_until.desc(), LoginThrottle.address)))


def clear_throttles(session: Session, username: str, actor: User | None) -> int:
    """An administrator forgets every failed sign-in counted for `username`. Returns how many addresses."""
    cleared = rowcount(session.execute(delete(LoginThrottle).where(LoginThrottle.username == username)))
    if cleared:
        _audit_throttle(session, "login.throttle_cleared", username, {"addresses": cleared}, actor)
    return cleared


def _audit_throttle(session: Session, action: str, username: str, after: dict, actor: User | None = None) -> None:
    user_id = session.scalar(select(User.id).where(User.username == username))
    audit.record(session, action, "user" if user_id else "login", user_id or username, actor=actor,
                 after={"username": username, **after})


def end_sessions(session: Session, user_id: int) -> None:
    """Every session of the user ends at its next request (see User.session_epoch)."""
    session.execute(update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1))

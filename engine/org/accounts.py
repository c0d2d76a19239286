"""What administrators do to people's accounts: the installation's first administrator,
changing a user (name, unit, roles, e-mail, password), deactivating one. Every change is
audited. Who administers is engine.org.permissions."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.org import permissions, signin
from engine.org.models import Unit, User
from engine.org.service import (
    OrgError,
    check_full_name,
    check_password,
    check_roles,
    checked_email,
    create_unit,
    create_user,
    require_unit,
    root_unit,
    unit_by_code,
    users_with_role,
)
from engine.passwords import hash_password
from engine.text import fold

USERS_PER_PAGE = 50
_AROUND = 2  # page links on either side of the current page


@dataclass(frozen=True)
class UserPage:
    rows: list[tuple[User, Unit]]
    total: int   # every account the search matched
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return _page_count(self.total, self.per_page)

    @property
    def links(self) -> list[int | None]:
        """The pages to link to: the first, the last and those near the current one; None
        where pages are skipped."""
        shown = sorted({1, self.pages, *range(max(1, self.page - _AROUND), min(self.pages, self.page + _AROUND) + 1)})
        links: list[int | None] = []
        for number in shown:
            if links and number - (links[-1] or 0) > 1:
                links.append(None)
            links.append(number)
        return links


def _page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def find_users(session: Session, text: str = "", page: int = 1, per_page: int = USERS_PER_PAGE) -> UserPage:
    """One page of the accounts, by username, whose full name, username or unit name holds
    `text` as people type it (engine.text.fold: "nguyen van" finds "Nguyễn Văn"). Folded in
    Python: an organisation has thousands of accounts at most, and names are stored as typed."""
    wanted = fold(text)
    rows = [(user, unit) for user, unit in session.execute(
        select(User, Unit).join(Unit, Unit.id == User.unit_id).order_by(User.username))
        if wanted in fold(user.full_name, user.username, unit.name)]
    page = min(max(1, page), _page_count(len(rows), per_page))
    return UserPage(rows[(page - 1) * per_page:page * per_page], len(rows), page, per_page)


def update_user(session: Session, user_id: int, *, full_name: str, unit_code: str, roles: list[str],
                email: str | None = None, actor: User | None = None) -> User:
    """An administrator changes a user's name, unit, roles or e-mail. Audited (a new password
    is engine.api_tokens.service.change_password)."""
    user = require_user(session, user_id)
    check_roles(roles)
    check_full_name(full_name)
    email = checked_email(email)
    if actor is not None and actor.id == user.id and not permissions.keeps_user_administration(roles):
        raise OrgError("You cannot remove your own system administrator role.")
    before = _editable(session, user)
    user.full_name, user.email, user.roles = full_name, email, list(roles)
    user.unit_id = require_unit(session, unit_code).id
    after = _editable(session, user)
    changed = {key: value for key, value in after.items() if before[key] != value}
    if changed:
        audit.record(session, "user.updated", "user", user.id, actor=actor,
                     before={key: before[key] for key in changed}, after=changed)
    return user


def set_password(session: Session, user_id: int, password: str, actor: User | None) -> User:
    """A new password: every session of the user ends; audited as changed by the user
    themselves or reset by someone else. (The user's API tokens are revoked by the caller,
    engine.api_tokens.service.change_password, a layer above.)"""
    user = require_user(session, user_id)
    check_password(password)
    user.password_hash = hash_password(password)
    signin.end_sessions(session, user.id)
    own = actor is not None and actor.id == user.id
    audit.record(session, "password.changed" if own else "password.reset", "user", user.id, actor=actor,
                 after={"username": user.username})
    return user


def set_active(session: Session, user_id: int, active: bool, actor: User) -> User:
    """An administrator deactivates (every session ends) or reactivates an account; never their own."""
    user = require_user(session, user_id)
    if user.id == actor.id:
        raise OrgError("You cannot deactivate your own account.")
    if user.active != active:
        user.active = active
        if not active:
            signin.end_sessions(session, user.id)
        audit.record(session, "user.activated" if active else "user.deactivated", "user", user.id, actor=actor,
                     after={"username": user.username, "full_name": user.full_name})
    return user


@dataclass(frozen=True)
class StrandedWork:
    """Open work items of `role` waiting in `unit` that no active account may take any more."""

    role: str
    unit: Unit
    count: int


def holdings(user: User) -> set[tuple[str, int]]:
    """The (role, unit) pairs an account takes work items for: none once it is inactive."""
    return {(role, user.unit_id) for role in user.roles} if user.active else set()


def stranded_work(session: Session, held_before: set[tuple[str, int]], user: User) -> list[StrandedWork]:
    """What a change to `user` (deactivated, a role taken away, moved to another unit) left
    with nobody: work items are taken by role and unit, so the last holder leaving strands them,
    unseen, until someone is given the role or the items are moved (the administrator is told)."""
    session.flush()
    stranded = []
    for role, unit_id in sorted(held_before - holdings(user)):
        waiting = permissions.waiting_work(session, role, unit_id)
        if waiting and not users_with_role(session, role, unit_id):
            stranded.append(StrandedWork(role, session.get_one(Unit, unit_id), waiting))
    return stranded


def require_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise OrgError("User %(id)s does not exist.", id=user_id)
    return user


def _editable(session: Session, user: User) -> dict:
    unit = session.get(Unit, user.unit_id)
    return {"full_name": user.full_name, "email": user.email, "unit": unit.name if unit else None,
            "roles": list(user.roles)}


def create_first_admin(session: Session, username: str, password: str, full_name: str, unit_code: str,
                       unit_name: str | None = None) -> User:
    """The installation's first administrator (no default credentials exist outside demo
    mode), holding permissions.FIRST_ADMIN_ROLES. Refused once any active user administrator
    exists. On an empty organisation the unit is created as the root of the tree, named `unit_name`."""
    existing = [u.username for u in session.scalars(select(User).where(User.active.is_(True)))
                if permissions.may_administer_users(u)]
    if existing:
        raise OrgError("An administrator already exists (%(names)s); sign in as them instead.",
                       names=", ".join(existing))
    if unit_by_code(session, unit_code) is None:
        if root_unit(session) is not None or not unit_name:
            raise OrgError("Unknown unit %(code)s (give --unit-name to create the first unit).", code=unit_code)
        create_unit(session, unit_code, unit_name, kind="province")
    return create_user(session, username, password, full_name, unit_code, list(permissions.FIRST_ADMIN_ROLES))

"""What administrators do to people's accounts: the installation's first administrator, and
changing a user (name, unit, roles, e-mail, password). Who administers is
engine.org.permissions."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.org import permissions
from engine.org.models import User
from engine.org.service import (
    OrgError,
    check_password,
    check_roles,
    create_unit,
    create_user,
    require_unit,
    root_unit,
    unit_by_code,
)
from engine.passwords import hash_password


def update_user(session: Session, user_id: int, *, full_name: str, unit_code: str, roles: list[str],
                email: str | None = None, password: str | None = None, actor: User | None = None) -> User:
    """An administrator changes a user's name, unit, roles or e-mail, or sets a new password
    (which signs the user out everywhere: see webui.auth). Audited, the password excepted."""
    user = session.get(User, user_id)
    if user is None:
        raise OrgError("User %(id)s does not exist.", id=user_id)
    check_roles(roles)
    if not full_name:
        raise OrgError("The full name is required.")
    if password:
        check_password(password)
    if actor is not None and actor.id == user.id and not permissions.keeps_user_administration(roles):
        raise OrgError("You cannot remove your own system administrator role.")
    before = _editable(user)
    user.full_name, user.email, user.roles = full_name, email or None, list(roles)
    user.unit_id = require_unit(session, unit_code).id
    if password:
        user.password_hash, user.failed_logins, user.locked_until = hash_password(password), 0, None
    after = _editable(user)
    changed = {key: value for key, value in after.items() if before[key] != value}
    if changed or password:
        audit.record(session, "user.updated", "user", user.id, actor=actor,
                     before={key: before[key] for key in changed}, after={**changed, "password_reset": bool(password)})
    return user


def _editable(user: User) -> dict:
    return {"full_name": user.full_name, "email": user.email, "unit_id": user.unit_id, "roles": list(user.roles)}


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

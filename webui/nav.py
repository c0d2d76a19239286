"""The menu, and where each role lands. A feature package adds menu entries by exposing
`nav_links`, a list of NavLink; create_app collects them in FEATURES order and base.html shows
those the signed-in user's check allows (engine.org.permissions), with the number `count`
gives beside it when it is not 0. Labels are English msgids from the feature's own catalogue."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.inbox import service as inbox
from engine.org import permissions
from engine.org.models import User
from engine.runtime.service import has_open_incidents


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str
    check: Callable[[User], bool] | None = None  # None: everyone signed in
    count: Callable[[Session, User], int] | None = None  # what waits there for the reader (one query per page)

    def allowed(self, user: User) -> bool:
        return self.check is None or self.check(user)


# The page of each place of work (engine.org.permissions.WORKPLACES); "processes" and "unit" are
# decided in `landing`.
PAGES = {"dashboard": "reports.dashboard", "office_day": "inbox.today", "users": "admin.users",
         "inspections": "inspections.index"}


def landing(session: Session, user: User) -> tuple[str, dict[str, str]]:
    """Where `user` lands after signing in and on "/" (endpoint, arguments): where their work
    is (permissions.workplace). The leader: the dashboard; the office: the day's registrations
    and the overdue tasks; the process admin: the incidents while any is open, else the process
    versions; the system admin: the users; an inspector: the inspections; unit staff: their
    inbox, their unit's when nothing waits for them in person, their unit's tasks when nothing
    waits at all (nobody lands on an empty inbox)."""
    place = permissions.workplace(user)
    if place in PAGES:
        return PAGES[place], {}
    if place == "processes":
        return ("admin.incidents", {}) if has_open_incidents(session) else ("modeler.index", {})
    waiting = inbox.counts(session, user, views=("mine", "unit"))
    if waiting["mine"]:
        return "inbox.index", {}
    if waiting["unit"]:
        return "inbox.index", {"view": "unit"}
    return "assignments.index", {"unit": user.unit.code} if user.unit is not None else {}

"""The menu. A feature package adds entries by exposing `nav_links`, a list of NavLink;
create_app collects them in FEATURES order and base.html shows those the signed-in user's
check allows (engine.org.permissions). Labels are English msgids from the feature's own catalogue."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.org.models import User


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str
    check: Callable[[User], bool] | None = None  # None: everyone signed in

    def allowed(self, user: User) -> bool:
        return self.check is None or self.check(user)

"""The menu. A feature package adds entries by exposing `nav_links`, a list of NavLink;
create_app collects them in FEATURES order and base.html shows those the signed-in user's
roles allow. Labels are English msgids from the feature's own catalogue."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str
    roles: tuple[str, ...] = ()  # empty: everyone signed in

    def allowed(self, user) -> bool:
        return not self.roles or user.has_role(*self.roles)

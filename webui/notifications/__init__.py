"""Notifications (thông báo) in the application: each person's list with the unread count
(the badge in the top bar), mark read, and the choice of one mail per notification or
one digest a day."""
from webui.notifications.routes import blueprint, init_app

__all__ = ["blueprint", "init_app"]

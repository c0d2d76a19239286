"""Work held by name by people who can no longer act, shown where the unit's head and the office already look (the
inbox, the office's day, the account's page) and handed over to someone in force (engine.handover)."""
from webui.handover.routes import blueprint

__all__ = ["blueprint"]

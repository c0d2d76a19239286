"""The inbox (hộp công việc): what waits for me and my unit."""
from webui.inbox.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]

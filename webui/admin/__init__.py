"""Administration: incidents (sự cố quy trình), calendar corrections, users."""
from webui.admin.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]

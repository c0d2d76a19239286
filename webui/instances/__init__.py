"""Running processes for process admins (quản trị quy trình đang chạy): the list, one
instance's state with its diagram, and the audited changes of engine/instances."""
from webui.instances.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]

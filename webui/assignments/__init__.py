"""The registry of assignments (sổ theo dõi nhiệm vụ) and the assignment page."""
from webui.assignments.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]

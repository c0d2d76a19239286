"""Registering directives (vào sổ văn bản chỉ đạo) with their assignments, typed or imported from Excel."""
from webui.directives import imports, received  # noqa: F401  (their routes join the blueprint)
from webui.directives.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]

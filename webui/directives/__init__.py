"""Registering directives (vào sổ văn bản chỉ đạo) with their assignments."""
from webui.directives.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]

"""The secret-document register (sổ theo dõi riêng văn bản mật): its keeper's page, for the roles
the ruleset's `[secrecy] visible_to` names, with closing a line. The API is webui/api/secrecy.py."""
from webui.secrecy.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]

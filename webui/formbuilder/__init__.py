"""Form builder (trình soạn biểu mẫu) for process admins: the forms of the ruleset's bundle edited
in the browser, saved through the modeler's drafts and versions (engine/rulesets/form_edit.py,
engine/rulesets/form_drafts.py)."""
from webui.formbuilder.routes import blueprint

nav_links: list = []  # reached from the modeler's page

__all__ = ["blueprint", "nav_links"]

"""Process modeler for process admins (soạn thảo quy trình): bpmn-js editing, checked
versions, publishing and rollback, migration of running instances, process tests (scenario files)."""
from webui.modeler import scenarios as _scenarios  # noqa: F401 — its routes join the blueprint
from webui.modeler import settings as _settings  # noqa: F401 — idem
from webui.modeler.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]

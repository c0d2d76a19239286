"""Process modeler for process admins (soạn thảo quy trình): bpmn-js editing, checked
versions, publishing and rollback, migration of running instances."""
from webui.modeler.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]

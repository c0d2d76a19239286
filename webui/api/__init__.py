"""REST API (/api/v1): JSON over the engine services, bearer-token authentication, the same
unit-scoped access as the web UI. The OpenAPI document is docs/openapi.yaml."""
from webui.api import (  # noqa: F401  (each module adds its routes to the blueprint)
    assignments,
    bodies,
    directives,
    imports,
    org,
    reports,
    spec,
    testing,
    tokens,
    work_items,
)
from webui.api.core import blueprint, init_app

__all__ = ["blueprint", "init_app"]

"""REST API (/api/v1): JSON over the engine services, bearer-token authentication, the same
unit-scoped access as the web UI. The OpenAPI document is docs/openapi.yaml.

Every module of this package is imported here: a module adds its routes to `blueprint` when it
is imported, so a new endpoint needs only its module."""
import importlib
import pkgutil

from webui.api.core import blueprint, init_app

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["blueprint", "init_app"]

"""The OpenAPI document (docs/openapi.yaml), as YAML or JSON."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml
from flask import Response, jsonify

from webui.api.core import blueprint

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


@functools.cache
def openapi_document() -> dict:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


@blueprint.get("/openapi.yaml")
def openapi_yaml():
    return Response(SPEC_PATH.read_text(encoding="utf-8"), mimetype="application/yaml")


@blueprint.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())

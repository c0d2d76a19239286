"""docs/openapi.yaml names every field the API answers with: schemathesis checks that an answer
fits its schema, but a schema lists its properties without closing them (no
`additionalProperties: false`), so a field the code adds and the document leaves out passes there.
Here the answers about a registered, classified, reported-on directive are walked field by field."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from engine.config import REPO_ROOT
from engine.org.models import DeploymentSecret
from tests.api.test_api import DIRECTIVE, register_and_classify
from webui.app import create_app

DOCUMENT = yaml.safe_load(Path(REPO_ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
UNAVAILABLE, TOO_LARGE = "#/components/responses/Unavailable", "#/components/responses/TooLarge"


def undocumented(value, schema: dict, where: str) -> list[str]:
    """The fields of `value` its schema does not name, as paths ('items[].deadline')."""
    schema = _resolved(schema)
    alternatives = schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", [])
    if alternatives:
        merged = {"properties": {}}
        for part in map(_resolved, alternatives):
            merged["properties"].update(part.get("properties", {}))
            if "items" in part:
                merged["items"] = part["items"]
            if "additionalProperties" in part:
                merged["additionalProperties"] = part["additionalProperties"]
        schema = {**merged, **{k: v for k, v in schema.items() if k not in ("allOf", "oneOf", "anyOf")},
                  "properties": {**merged["properties"], **schema.get("properties", {})}}
    if isinstance(value, list) and "items" in schema:
        return [found for item in value for found in undocumented(item, schema["items"], f"{where}[]")]
    if not isinstance(value, dict) or ("properties" not in schema and not alternatives):
        return []  # a free object (a form's fields, a parsed message): nothing to hold it to
    found = []
    extra = schema.get("additionalProperties")
    for key, item in value.items():
        if key in schema["properties"]:
            found += undocumented(item, schema["properties"][key], f"{where}.{key}")
        elif isinstance(extra, dict):
            found += undocumented(item, extra, f"{where}.{key}")
        elif extra is not True:
            found.append(f"{where}.{key}")
    return found


def _resolved(schema: dict) -> dict:
    while "$ref" in schema:
        target = DOCUMENT
        for part in schema["$ref"].split("/")[1:]:
            target = target[part]
        schema = target
    return schema


def answer_schema(path: str, method: str, status: int) -> dict:
    responses = DOCUMENT["paths"][path][method]["responses"]
    response = _resolved(responses.get(str(status)) or responses[status])
    return response["content"]["application/json"]["schema"]


def test_the_reads_answer_only_documented_fields(as_user):
    clerk, stc = as_user("clerk"), as_user("stc")
    directive = register_and_classify(clerk)
    assignment = clerk("GET", "/assignments").get_json()["items"][0]["id"]
    item = next(i for i in stc("GET", "/work-items").get_json()["items"] if i["assignment_id"] == assignment)
    completed = stc("POST", f"/work-items/{item['id']}/complete",
                    json={"action": "update", "progress": "in_progress", "note": "Đang làm"})
    created = clerk("POST", "/directives", json={**DIRECTIVE, "symbol": "46/2026/QĐ-UBND"})
    missing = undocumented(completed.get_json(), answer_schema("/work-items/{item_id}/complete", "post", 200),
                           "POST /work-items/{item_id}/complete")
    missing += undocumented(created.get_json(), answer_schema("/directives", "post", 201), "POST /directives")
    reads = [(clerk, "/me", "/me"), (clerk, "/org/units", "/org/units"), (clerk, "/directives", "/directives"),
             (clerk, f"/directives/{directive}", "/directives/{directive_id}"),
             (clerk, "/assignments", "/assignments"),
             (clerk, f"/assignments/{assignment}", "/assignments/{assignment_id}"),
             (clerk, f"/assignments/{assignment}/history", "/assignments/{assignment_id}/history"),
             (clerk, f"/assignments/{assignment}/progress", "/assignments/{assignment_id}/progress"),
             (clerk, f"/assignments/{assignment}/extensions", "/assignments/{assignment_id}/extensions"),
             (clerk, f"/assignments/{assignment}/issues", "/assignments/{assignment_id}/issues"),
             (clerk, f"/assignments/{assignment}/sub-assignments", "/assignments/{assignment_id}/sub-assignments"),
             (stc, "/work-items", "/work-items"), (stc, f"/work-items/{item['id']}", "/work-items/{item_id}"),
             (clerk, "/held-work", "/held-work"), (clerk, "/inspections", "/inspections"),
             (clerk, "/inspections/published", "/inspections/published"),
             (clerk, "/reports/summary", "/reports/summary"), (clerk, "/reports/office", "/reports/office"),
             (clerk, "/imports/edxml/received", "/imports/edxml/received")]
    for caller, url, path in reads:
        answer = caller("GET", url)
        assert answer.status_code == 200, (url, answer.get_json())
        missing += undocumented(answer.get_json(), answer_schema(path, "get", 200), f"GET {path}")
    assert missing == []


def test_every_operation_names_the_503_it_answers_while_the_database_cannot_answer(engine, org_tree):
    """A server whose database does not answer (here: before `dondoc db upgrade` made the session key's table,
    webui/session_key.py) answers every API call 503 `storage_unavailable` before any view runs: each operation
    of the document names that answer (components/responses/Unavailable), and each taking a body its 413
    (TooLarge; the real 413s are tests/api/test_bad_input.py's)."""
    DeploymentSecret.__table__.drop(engine.db.engine)
    try:
        client = create_app(engine, TESTING=True).test_client()
        wrong = []
        for path, methods in DOCUMENT["paths"].items():
            for method, operation in methods.items():
                answers = operation["responses"]
                answer = client.open("/api/v1" + re.sub(r"\{[^}]+\}", "1", path), method=method.upper(),
                                     headers={"Authorization": "Bearer x"})
                said = (answer.status_code, (answer.get_json(silent=True) or {}).get("error", {}).get("code"))
                if said != (503, "storage_unavailable") or answers.get("503") != {"$ref": UNAVAILABLE} or (
                        "requestBody" in operation and answers.get("413") != {"$ref": TOO_LARGE}):
                    wrong.append(f"{method.upper()} {path}: answered {said}, documents {sorted(answers)}")
    finally:
        DeploymentSecret.__table__.create(engine.db.engine)
    assert wrong == []

"""Hostile and careless input to EVERY creating endpoint of the API answers a clear 4xx in
JSON (422 naming the field when a field is at fault), never a 500, and a refused request
writes nothing: no row in any table, no file in the attachment store.

The endpoints come from the app's url_map and their bodies' fields from docs/openapi.yaml, so
a new endpoint or a new field is attacked as soon as it exists; each field gets every wrong
type, its bounds overstepped, a lone surrogate, and each required field goes missing."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.db import Base
from engine.directives.models import Directive
from engine.exchange import received
from engine.org import service as org
from tests.api.conftest import Caller, api_app, make_token, shared_engine
from webui.api.bodies import request_body_content, resolved_ref
from webui.api.spec import openapi_document

CREATING = {"POST", "PUT", "PATCH"}
JSON = "application/json"
MULTIPART = "multipart/form-data"
# Who calls each endpoint (the body is checked before the role, but a body the schema passed
# should meet the right user); anyone else: the lead unit's officer.
CALLER = {"/directives": "clerk", "/imports/edxml": "clerk", "/imports/excel": "clerk", "/tokens": "admin",
          "/inspections": "clerk", "/inspections/{inspection_id}/follow-up": "clerk",
          "/imports/edxml/received/{received_id}": "clerk", "/imports/edxml/received/{received_id}/dismiss": "clerk",
          "/imports/edxml/recall-requests/{request_id}": "clerk",
          "/secret-documents/{document_id}": "chanhvp", "/secret-documents/{document_id}/paper-reports": "chanhvp"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A classified directive whose assignment, led by STC, waits for STC's progress; built
    once (every request here is refused)."""
    with shared_engine(tmp_path_factory, "badinput") as engine:
        client = api_app(engine).test_client()
        callers = {name: Caller(client, make_token(engine, name)) for name in ("clerk", "stc", "admin", "chanhvp")}
        clerk, stc = callers["clerk"], callers["stc"]
        created = clerk("POST", "/directives", json={
            "symbol": "7/2026/QĐ-UBND", "issued_on": "2026-02-12", "issuer": "UBND tỉnh", "summary": "Về việc X",
            "assignments": [{"content": "Báo cáo", "lead_unit": "STC", "deadline_days": 5}]})
        assert created.status_code == 201, created.get_json()
        classify = clerk("GET", "/work-items").get_json()["items"][0]
        assert clerk("POST", f"/work-items/{classify['id']}/complete", json={"tracked": True}).status_code == 200
        item = stc("GET", "/work-items").get_json()["items"][0]
        inspection = clerk("POST", "/inspections", json={"title": "Kiểm tra", "units": ["STC"]})
        ids = {"assignment_id": item["assignment_id"], "item_id": item["id"], "directive_id": created.get_json()["id"],
               "token_id": 1, "inspection_id": inspection.get_json()["id"],
               "received_id": _waiting_hub_document(engine), "document_id": 1, "request_id": 1}
        yield engine, client, callers, ids


def _waiting_hub_document(engine) -> int:
    """A document from the hub kept for the office to register (engine.exchange.received)."""
    with engine.db.session() as session:
        clerk = org.users_by_name(session, ["clerk"])[0]
    sample = Path(__file__).parent.parent / "fixtures" / "edxml" / "document_sdk.xml"
    assert received.receive(engine, sample.read_bytes(), [], clerk, sample.name).action == received.KEPT
    with engine.db.session() as session:
        return received.waiting(session)[0].id


def creating_routes(app) -> list[tuple[str, str]]:
    """(method, route as documented) of every creating API call the app has."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            for method in sorted(rule.methods & CREATING):
                found.append((method, rule.rule))
    return found


def _documented(rule: str) -> str:
    import re

    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.removeprefix("/api/v1"))


def test_every_creating_endpoint_documents_its_body(world):
    """A creating call the document does not describe would not be checked: each declares
    its body, or is one of the calls that take none."""
    _engine, client, _callers, _ids = world
    routes = creating_routes(client.application)
    assert len(routes) >= 11
    bodiless = {(m, _documented(r)) for m, r in routes if request_body_content(r, m) is None}
    assert bodiless == {("POST", "/testing/timers/run")}


def _cases(world) -> list[tuple[str, str]]:
    return [(m, r) for m, r in creating_routes(world[1].application) if request_body_content(r, m)]


# ---------------------------------------------------------------- what the document says
def resolved(schema: dict) -> dict:
    schema = resolved_ref(schema)
    if "allOf" in schema:
        merged = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = resolved(part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return schema


def properties(schema: dict) -> dict:
    schema = resolved(schema)
    if not schema.get("properties") and isinstance(schema.get("additionalProperties"), dict):
        return {"note": schema["additionalProperties"]}  # a form's fields: any name
    return schema.get("properties", {})


def sample(schema: dict):
    """A value the schema accepts."""
    schema = resolved(schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return sample(schema["anyOf"][0])
    kind = schema.get("type", "object")
    if kind == "string":
        return {"date": "2026-03-16", "date-time": "2026-02-12T09:00:00+07:00"}.get(schema.get("format"), "x")
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return [sample(schema["items"])]
    return {name: sample(part) for name, part in properties(schema).items()}


def bad_values(schema: dict) -> list[tuple[str, object]]:
    """Values the schema refuses, each with a label."""
    schema = resolved(schema)
    found = [] if schema.get("nullable") else [("null", None)]
    kind = schema.get("type")
    wrong = {"text": "5", "true": True, "whole number": 7, "fraction": 1.5, "huge number": 10**30,
             "list": ["x"], "object": {"a": 1}}
    keep = {"string": ("text",), "integer": ("whole number", "huge number"), "number": ("whole number",
            "fraction", "huge number"), "boolean": ("true",), "array": ("list",), "object": ("object",)}
    if kind is None:  # anyOf: text, numbers, booleans or lists of them; never an object or a list of lists
        return [("object", {"a": 1}), ("list of lists", [["x"]]), ("lone surrogate", "a\ud800b"),
                ("too long", "x" * 100_001)]
    found += [(label, value) for label, value in wrong.items() if label not in keep[kind]]
    if kind == "string":
        found.append(("lone surrogate", "a\ud800b"))
        if "maxLength" in schema:
            found.append(("too long", "x" * (schema["maxLength"] + 1)))
        if schema.get("minLength"):
            found.append(("empty", ""))
        if "enum" in schema:
            found.append(("not offered", "nope"))
        if "pattern" in schema:
            found.append(("not the pattern", "?"))
        if schema.get("format") == "date":
            found += [("year 9999", "31/12/9999"), ("year 1800", "1800-01-01"), ("31 February", "31/02/2026"),
                      ("not a date", "soon")]
        if schema.get("format") == "date-time":
            found.append(("not a moment", "soon"))
    if kind == "integer":
        found += [("huge", 10**30), ("3 million", 3_000_000)] if "maximum" in schema else []
        found += [("above", schema["maximum"] + 1)] if "maximum" in schema else []
        found += [("below", schema["minimum"] - 1)] if "minimum" in schema else []
    if kind == "array":
        if schema.get("maxItems"):
            found.append(("too many", [sample(schema["items"])] * (schema["maxItems"] + 1)))
        if schema.get("minItems"):
            found.append(("empty", []))
    return found


def field_cases(schema: dict) -> list[tuple[str, str, dict]]:
    """(label, field named in the answer, body) — one fault each, in a body otherwise valid;
    the fields of a list's first object are attacked too (assignments[0].content)."""
    base, schema = sample(schema), resolved(schema)
    cases = [(f"no {name}", name, {k: v for k, v in base.items() if k != name}) for name in schema.get("required", [])]
    for name, part in properties(schema).items():
        cases += [(f"{name}: {label}", name, {**base, name: value}) for label, value in bad_values(part)]
        items = resolved(part).get("items")
        if resolved(part).get("type") == "array" and items and "properties" in resolved(items):
            for label, field, inner in field_cases(items):
                cases.append((f"{name}[0] {label}", f"{name}[0].{field}", {**base, name: [inner]}))
    return cases


# ---------------------------------------------------------------- answers and traces
def refused(response, field: str | None = None, status: int | None = None) -> str | None:
    """Why the answer is not a clear refusal (None when it is)."""
    if not 400 <= response.status_code < 500 or (status and response.status_code != status):
        return f"answered {response.status_code}: {response.get_data(as_text=True)[:200]}"
    if response.mimetype != JSON or "error" not in (response.get_json(silent=True) or {}):
        return f"{response.status_code} is not a JSON error: {response.get_data(as_text=True)[:200]}"
    error = response.get_json()["error"]
    if field and field not in (error.get("fields") or {}):
        return f"{field} not named: {error}"
    return None


def traces(engine) -> tuple:
    """Rows in every table, and the files in the attachment store."""
    counts = select(*(select(func.count()).select_from(t).scalar_subquery() for t in Base.metadata.sorted_tables))
    with engine.db.session() as session:
        rows = tuple(session.execute(counts).one())
    store = Path(engine.settings.attachments_dir)
    return rows, sorted(str(p.relative_to(store)) for p in store.rglob("*")) if store.exists() else []


def send(world, method: str, rule: str, **kwargs):
    _engine, _client, callers, ids = world
    path = _documented(rule)
    return callers[CALLER.get(path, "stc")](method, path.format(**ids), **kwargs)


def as_multipart(body: dict, schema: dict) -> dict:
    """A body as form fields: files get a small file, lists repeat the field."""
    data = {}
    for name, value in body.items():
        part = resolved(properties(schema).get(name, {}))
        binary = part.get("format") == "binary" or resolved(part.get("items", {})).get("format") == "binary"
        if binary:
            data[name] = (io.BytesIO(b"%PDF-1.4 test"), "x.pdf")
        elif isinstance(value, list | dict) or value is None or isinstance(value, bool):
            data[name] = json.dumps(value) if not isinstance(value, list) else [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


# ---------------------------------------------------------------- the attacks
@pytest.mark.parametrize("case", ["fields", "bodies"])
def test_bad_input_to_every_creating_endpoint_is_refused_and_writes_nothing(world, case):
    engine = world[0]
    before, failures, sent = traces(engine), [], 0
    for method, rule in _cases(world):
        content = request_body_content(rule, method)
        attacks = field_attacks(content) if case == "fields" else body_attacks(content)
        answers = documented_answers(rule, method)
        for label, kwargs, field, status in attacks:
            response = send(world, method, rule, **kwargs)
            problem = refused(response, field, status) or (
                None if str(response.status_code) in answers else f"{response.status_code} is not documented")
            sent += 1
            if problem:
                failures.append(f"{method} {_documented(rule)} [{label}]: {problem}")
    assert not failures, f"{len(failures)} of {sent}:\n" + "\n".join(failures[:40])
    assert traces(engine) == before
    assert sent > 100


def documented_answers(rule: str, method: str) -> dict:
    """The responses docs/openapi.yaml names for a Flask route: each refusal must be one of them (a
    body too large, 413, included)."""
    return openapi_document()["paths"][_documented(rule)][method.lower()]["responses"]


def field_attacks(content: dict):
    """One wrong field per request, in each documented media type."""
    if JSON in content:
        for label, field, body in field_cases(content[JSON]["schema"]):
            yield f"json {label}", {"json": body}, field, 422
    if MULTIPART in content:
        schema = content[MULTIPART]["schema"]
        for label, field, body in field_cases(schema):
            part = resolved(properties(schema).get(field.split("[")[0], {}))
            if part.get("type") != "string" or "binary" in (part.get("format"), ):
                continue  # a form field is text: other types have no spelling in a form
            text = body.get(field)
            if (isinstance(text, str) and "surrogate" not in label) or field not in body:
                # (a form carries UTF-8 bytes: a lone surrogate has no spelling there either)
                yield f"form {label}", {"data": as_multipart(body, schema), "content_type": MULTIPART}, field, 422


def body_attacks(content: dict):
    """Bodies wrong as a whole: not JSON, not an object, too deep, too large, wrong type."""
    deep = "[" * 20_000 + "]" * 20_000
    nested = json.dumps(json.loads('{"a": ' * 33 + "1" + "}" * 33))
    if JSON in content:
        raw = [("not JSON", "{", 400), ("a list", "[]", 400), ("a number", "1", 400), ("null", "null", 400),
               ("a string", '"x"', 400), ("20,000 levels", deep, 400), ("33 levels", nested, 400),
               ("NUL", '{"x": "\\u0000"}', 400), ("invalid UTF-8", b'{"x": "\xff"}', 400),
               ("over 4 MiB", '{"x": "' + "x" * (4 * 2**20) + '"}', 413),
               ("lone surrogate in a name", '{"\\udc00": 1}', 422), ("text/plain", None, 400),
               ("application/xml", None, 400), ("no content type", None, 400)]
        for label, data, status in raw:
            if data is None:
                kind = {"text/plain": "text/plain", "application/xml": "application/xml"}.get(label)
                yield label, {"data": "<x/>", **({"content_type": kind} if kind else {})}, None, status
            else:
                yield label, {"data": data, "content_type": JSON}, None, status
    if MULTIPART in content:
        yield "multipart over 50 MiB", {"data": {"file": (io.BytesIO(b"x" * (50 * 2**20 + 1)), "big.pdf")},
                                        "content_type": MULTIPART}, None, 413
        yield "a text field over 500 kB", {"data": {"x": "x" * 500_001}, "content_type": MULTIPART}, None, 413
    for kind, media in content.items():
        limit = resolved(media["schema"]).get("maxProperties")
        if limit and kind == JSON:
            yield "too many fields", {"json": {f"f{i}": "x" for i in range(limit + 1)}}, None, 422
    if JSON not in content:
        yield "JSON where a form is expected", {"json": {"file": "x"}}, None, 400


# ---------------------------------------------------------------- what the engine decides
def test_a_unicode_twin_of_a_directive_is_the_same_directive(as_user, loaded):
    """Stored text is NFC without zero-width characters, so a copy of a registered directive
    pasted with decomposed accents or a zero-width space is found as a duplicate."""
    clerk = as_user("clerk")
    import unicodedata

    body = {"symbol": "45/2026/QĐ-UBND", "issued_on": "2026-02-12", "issuer": "UBND tỉnh Đắk Lắk",
            "summary": "Về\u200b việc tăng cường", "assignments": [
                {"content": "Báo cáo\ufeff", "lead_unit": "STC", "deadline_days": 5}]}
    first = clerk("POST", "/directives", json=body)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["summary"] == "Về việc tăng cường"
    twins = [{**body, "issuer": unicodedata.normalize("NFD", body["issuer"])},
             {**body, "symbol": "45/2026/Q\u200bĐ-UBND"},
             {**body, "issuer": "UBND tỉnh\u2060 Đắk Lắk\u200d"}]
    for twin in twins:
        again = clerk("POST", "/directives", json=twin)
        assert again.status_code == 422 and "45/2026/QĐ-UBND" in again.get_json()["error"]["message"], \
            again.get_json()
    classify = clerk("GET", "/work-items").get_json()["items"][0]
    assert clerk("POST", f"/work-items/{classify['id']}/complete", json={"tracked": True}).status_code == 200
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Directive.id))) == 1
        stored = s.scalars(select(Directive)).one()
        assert stored.issuer == unicodedata.normalize("NFC", body["issuer"])
        assert [a.content for a in stored.assignments] == ["Báo cáo"]


def test_the_engine_refusals_name_the_assignment_field(as_user, loaded):
    """What only the engine knows (units, users) is refused naming the same field."""
    clerk = as_user("clerk")
    body = {"symbol": "46/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "summary": "X",
            "assignments": [{"content": "Báo cáo", "lead_unit": "STC"},
                            {"content": "Báo cáo", "lead_unit": "KHONGCO", "deadline": "16/03/2026"}]}
    response = clerk("POST", "/directives", json=body)
    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "validation_failed", error
    assert "KHONGCO" in error["fields"]["assignments[1].lead_unit"]
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0


def test_a_server_error_under_the_api_is_json_too(loaded):
    """Not only refusals: an unexpected failure answers the API's JSON shape, not a page."""
    app = api_app(loaded)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fails():
        raise RuntimeError("a bug")

    app.add_url_rule("/api/v1/fails", "fails", fails)
    response = app.test_client().get("/api/v1/fails")
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_server_error"


def test_a_form_part_without_a_name_is_ignored_not_a_server_error(as_user, loaded):
    """A multipart body whose part has no readable name (found by the schema fuzzer) names no
    field: the request goes on as if the part were absent."""
    clerk = as_user("clerk")
    body = (b'--b\r\nContent-Disposition: form-data\r\n\r\nnull\r\n'
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="so-lieu.txt"\r\n\r\nso lieu\r\n--b--\r\n')
    response = clerk("POST", "/attachments", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize("upload", [("chuong-trinh.exe", b"MZ"), ("Báo cáo lớn.pdf", b"%PDF" + b"0" * 20 * 2**20)])
def test_a_refused_file_names_its_field_and_writes_nothing(world, upload):
    """A wrong type or a file over 20 MB answered 422 'refused' naming nothing; the progress
    report's other fields were fine, so the client could not tell which part to correct."""
    engine, _client, callers, ids = world
    before, (name, content) = traces(engine), upload
    calls = {"files": (f"/assignments/{ids['assignment_id']}/progress", {"progress": "in_progress"}),
             "file": ("/attachments", {})}
    for field, (path, form) in calls.items():
        response = callers["stc"]("POST", path, data={**form, field: (io.BytesIO(content), name)},
                                  content_type=MULTIPART)
        assert refused(response, field, 422) is None, refused(response, field, 422)
        assert response.get_json()["error"]["code"] == "validation_failed"
    assert traces(engine) == before

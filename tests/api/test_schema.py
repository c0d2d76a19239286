"""Schemathesis against docs/openapi.yaml: generated requests to every operation never
cause a server error, and every answer matches the document (status, content type, body)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from engine.directives import service as directives
from engine.org import service as org
from tests.api.conftest import api_app, make_token, shared_engine
from tests.conftest import PG_URL


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One engine for the whole run (the generated cases only read or get refused), with a
    directive and an assignment in it."""
    if PG_URL:
        pytest.skip("schemathesis runs once, on SQLite (the API code does not differ per database)")
    with shared_engine(tmp_path_factory, "schema") as engine:
        with engine.db.session() as s:
            clerk = org.users_by_name(s, ["clerk"])[0]
        directives.register(engine, {"symbol": "45/2026/QĐ-UBND", "issued_on": "12/02/2026",
                                     "issuer": "UBND tỉnh", "summary": "Về việc X"},
                            [{"content": "Báo cáo", "lead_unit": "STC", "deadline_days": 5}], clerk)
        yield engine, make_token(engine, "clerk")


CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]


def test_api_conforms_to_its_document(seeded):
    engine, token = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app(engine))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25
    for operation in operations:
        if operation.path.startswith("/testing/"):
            continue  # moving the clock at random is not a contract; tested in test_api.py

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def conforms(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        conforms()

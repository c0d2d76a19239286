"""An engine per ruleset whose regulation has an inspection chapter (Đắk Lắk Đ.12–18, Quỳnh
Nhai Đ.9–15), over the small province of tests/conftest.py with an inspector, a unit not
inspected, and the emulation council's unit (Quỳnh Nhai Đ.14 k.1)."""
from __future__ import annotations

import pytest

from engine.org import service as org
from tests.api.conftest import Caller, api_app, make_token
from tests.conftest import PASSWORD, create_org_tree, make_engine

RULESETS = ("dak-lak", "quynh-nhai")


def populate(engine) -> dict:
    users = create_org_tree(engine)
    with engine.db.session() as s:
        org.create_unit(s, "SNV", "Sở Nội vụ", parent_code="UBND", kind="department")
        org.create_unit(s, "HDTDKT", "Hội đồng Thi đua khen thưởng", parent_code="UBND", kind="unit")
        users["inspector"] = org.create_user(s, "kiemtra", PASSWORD, "Hoàng Kiểm Tra", "VP", ["inspector"])
        users["snv"] = org.create_user(s, "snv", PASSWORD, "Bùi Người Ngoài", "SNV", ["unit_officer"])
        users["council"] = org.create_user(s, "tdkt", PASSWORD, "Ngô Thi Đua", "HDTDKT", ["unit_officer"])
        users["stc_ns"] = org.create_user(s, "stcns", PASSWORD, "Lý Ngân Sách", "STC-NS", ["unit_officer"])
        engine.load_ruleset(s)
    return users


@pytest.fixture(params=RULESETS)
def deployment(request, database_url, clock, tmp_path):
    """(engine, users) running the parametrised ruleset."""
    engine = make_engine(database_url, clock, ruleset=request.param, tmp_path=tmp_path)
    users = populate(engine)
    yield engine, users
    engine.close()


@pytest.fixture
def call(deployment):
    """call('clerk') -> an API caller with that user's token."""
    engine, _ = deployment
    client = api_app(engine).test_client()
    made: dict[str, Caller] = {}

    def caller(username: str) -> Caller:
        if username not in made:
            made[username] = Caller(client, make_token(engine, username))
        return made[username]

    return caller

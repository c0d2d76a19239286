"""A deployment keeping the separate register of secret documents (`[secrecy] register =
"separate"`, content not stored, the office head and the leader read it, quarterly paper
reports), over the small province of tests/conftest.py plus a ward that is an issuing body with
its own office head: two lines of the province's register and one of the ward's."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.org import service as org
from engine.secrecy import service as secrecy
from tests.api.conftest import Caller, api_app, make_token
from tests.conftest import PASSWORD, create_org_tree
from tests.processes import drive
from webui.app import create_app

SECRECY = """
[secrecy]
store_content = false
register = "separate"
visible_to = ["office_head", "leader"]
paper_report = ["quarterly"]
"""
HEADER = {"symbol": "12/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "secrecy": "secret"}


@dataclass
class Register:
    engine: object
    users: dict
    lines: dict  # "first", "second" (the province's), "ward" -> secret document id


@pytest.fixture
def register(database_url, clock, tmp_path):
    engine = drive.ruleset_engine(database_url, clock, tmp_path, SECRECY)
    users = create_org_tree(engine)
    with engine.db.session() as s:
        org.create_unit(s, "xa-a", "UBND phường A", parent_code="UBND", kind="commune")
        org.create_unit(s, "xa-a-kt", "Phòng Kinh tế phường A", parent_code="xa-a", kind="section")
        org.mark_issuing_body(s, "xa-a", True)
        users["ward_clerk"] = org.create_user(s, "vt_a", PASSWORD, "Hà Văn Thư", "xa-a", ["clerk"])
        users["ward_head"] = org.create_user(s, "cvp_a", PASSWORD, "Đinh Chánh Phường", "xa-a", ["office_head"])
        engine.load_ruleset(s)
    first = secrecy.register_secret_document(
        engine, HEADER, [{"lead_unit": "STC", "deadline": "31/03/2026"}, {"lead_unit": "SXD"}], users["clerk"])
    second = secrecy.register_secret_document(
        engine, {**HEADER, "symbol": "15/QĐ-UBND", "secrecy": "top_secret"}, [{"lead_unit": "SXD"}], users["clerk"])
    ward = secrecy.register_secret_document(
        engine, {**HEADER, "symbol": "3/QĐ-UBND-PA", "issuer": "UBND phường A"}, [{"lead_unit": "xa-a-kt"}],
        users["ward_clerk"])
    yield Register(engine, users, {"first": first.id, "second": second.id, "ward": ward.id})
    engine.close()


@pytest.fixture
def app(register):
    return create_app(register.engine, SECRET_KEY="secreg-secret", TESTING=True)


@pytest.fixture
def call(register):
    """call('chanhvp') -> an API caller with that user's token."""
    client = api_app(register.engine).test_client()
    made: dict[str, Caller] = {}

    def caller(username: str) -> Caller:
        if username not in made:
            made[username] = Caller(client, make_token(register.engine, username))
        return made[username]

    return caller

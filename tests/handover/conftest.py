"""A small province (tests/inspections/conftest.py) under Đắk Lắk, and a department's internal inspection of its
section Phòng Ngân sách decided: the section's officer hands its papers over (work given by name), the department's
officer, alone on the team, records the findings."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.api.conftest import Caller, api_app, make_token
from tests.conftest import make_engine
from tests.inspections.conftest import populate
from tests.webui.conftest import browser  # noqa: F401 (signed-in page clients over `app`, below)
from webui.app import create_app

DECISION = {"decision_symbol": "150/QĐ-STC", "decided_on": "17/04/2026", "legal_basis": "Quy chế kiểm tra",
            "scope": "Phòng Ngân sách", "content": "Tình hình thực hiện nhiệm vụ", "starts_on": "20/04/2026",
            "ends_on": "23/04/2026", "team_leader": "stc", "team_members": ["stc"]}


@pytest.fixture
def province(database_url, clock, tmp_path):
    """(engine, users), the internal inspection decided on 15/04/2026."""
    engine = make_engine(database_url, clock, tmp_path=tmp_path)
    users = populate(engine)
    clock.set(datetime(2026, 4, 15, 9, 0))
    yield engine, users
    engine.close()


@pytest.fixture
def app(province):
    """The whole web app over the province (the pages' `browser` fixture signs in to it)."""
    return create_app(province[0], SECRET_KEY="test-secret", TESTING=True)


@pytest.fixture
def call(province):
    """call('stc_gd') -> an API caller with that user's token."""
    client = api_app(province[0]).test_client()
    made: dict[str, Caller] = {}

    def caller(username: str) -> Caller:
        if username not in made:
            made[username] = Caller(client, make_token(province[0], username))
        return made[username]

    return caller


def work(caller, form_key: str) -> dict:
    items = [i for i in caller("GET", "/work-items").get_json()["items"] if i["form_key"] == form_key]
    assert len(items) == 1, items
    return items[0]


def complete(caller, form_key: str, data: dict) -> None:
    answer = caller("POST", f"/work-items/{work(caller, form_key)['id']}/complete", json=data)
    assert answer.status_code == 200, answer.get_json()


@pytest.fixture
def inspected(province, call) -> int:
    """The internal inspection of Phòng Ngân sách, decided: its id."""
    proposed = call("stc_gd")("POST", "/inspections", json={"title": "Kiểm tra nội bộ Phòng Ngân sách",
                                                             "units": ["STC-NS"]})
    complete(call("stc_gd"), "inspection_decision", DECISION)
    return proposed.get_json()["id"]

"""Fixtures for the REST API: the app over the `loaded` engine, and bearer tokens."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

import webui.app
from engine.api_tokens import service as tokens
from engine.clock import ManualClock, set_clock
from engine.core import Engine
from engine.org import service as org
from tests.conftest import create_org_tree, fresh_database_url, make_engine
from tests.fakehub import FakeHub
from webui.app import create_app


@contextmanager
def shared_engine(tmp_path_factory, name: str) -> Iterator[Engine]:
    """A loaded engine with the org tree for a whole module, for tests whose requests are
    only read or refused (so one set-up serves many cases), on its own clock."""
    folder = tmp_path_factory.mktemp(name)
    previous = set_clock(ManualClock(datetime(2026, 2, 12, 9, 0)))
    with fresh_database_url(folder, name) as url:
        engine = make_engine(url, None, tmp_path=folder)
        create_org_tree(engine)
        with engine.db.session() as session:
            engine.load_ruleset(session)
        try:
            yield engine
        finally:
            engine.close()
            set_clock(previous)


def make_token(engine, username: str) -> str:
    with engine.db.session() as session:
        return tokens.create_token(session, username, f"test token of {username}")[1]


def api_app(engine):
    """The app with only what the API needs, so that these tests do not depend on the web
    pages (test_api.py::test_the_api_inside_the_whole_app checks it inside the whole app)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(webui.app, "FEATURES", ["webui.auth", "webui.api"])
        return create_app(engine)


@pytest.fixture
def api(loaded):
    return api_app(loaded).test_client()


class Caller:
    """A test client that sends one user's token."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def __call__(self, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)


@pytest.fixture
def as_user(api, loaded):
    """as_user('clerk') -> a Caller authenticated as that user (username from org_tree)."""
    made = {}

    def caller(username: str) -> Caller:
        if username not in made:
            made[username] = Caller(api, make_token(loaded, username))
        return made[username]

    return caller


@pytest.fixture
def inbox(loaded, tmp_path) -> Path:
    """The watched edXML folder (engine.exchange.inbox), the clerk importing what is dropped in it."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    loaded.settings.edxml_inbox_dir, loaded.settings.edxml_inbox_user = str(folder), "clerk"
    return folder


@pytest.fixture
def office_hub(loaded) -> Iterator[FakeHub]:
    """The hub receiving the statuses the tracking office (VP, agency identifier 000.00.01.H17) sends."""
    fake = FakeHub()
    loaded.settings.edxml_status_endpoint = fake.url
    with loaded.db.session() as s:
        org.set_agency_code(s, "VP", "000.00.01.H17")
    yield fake
    fake.close()

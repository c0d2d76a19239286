"""The Flask app over the test engine, and signed-in test clients."""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest

from tests.conftest import PASSWORD
from webui.app import create_app


@pytest.fixture
def app(engine, org_tree):
    """The app over the test engine; tests that run processes also ask for `loaded`."""
    return create_app(engine, SECRET_KEY="test-secret", TESTING=True)


class Browser:
    """A test client that signs in and sends forms with their CSRF token, like a browser."""

    def __init__(self, app):
        self.client = app.test_client()

    def token(self, path: str = "/login") -> str:
        page = self.client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": self.token()})

    def post(self, path: str, data: dict | None = None, *, page: str | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(page or path))
        return self.client.post(path, data=data, **kw)

    def get(self, path: str, **kw):
        return self.client.get(path, **kw)


@contextlib.contextmanager
def ruleset_app(database_url, clock, tmp_path, ruleset: str) -> Iterator:
    """The app over an engine of another ruleset than the suite's, with the test organisation, loaded."""
    from tests.conftest import create_org_tree, make_engine

    engine = make_engine(database_url, clock, ruleset=ruleset, tmp_path=tmp_path)
    try:
        create_org_tree(engine)
        with engine.db.session() as s:
            engine.load_ruleset(s)
        yield create_app(engine, SECRET_KEY="test-secret", TESTING=True)
    finally:
        engine.close()


@pytest.fixture
def browser(app):
    def signed_in(username: str) -> Browser:
        b = Browser(app)
        response = b.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return b

    return signed_in


def register(b: Browser, symbol: str = "45/2026/QĐ-UBND", summary: str = "Về việc tăng cường kỷ cương",
             lead: str = "STC", **extra):
    """Register a directive with one assignment through the form; returns the response."""
    data = {"symbol": symbol, "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "summary": summary,
            "urgency": "normal", "a-0-content": "Báo cáo kết quả rà soát", "a-0-lead_unit": lead,
            "a-0-deadline_days": "5", **extra}
    return b.post("/directives/new", data)


def classify(b: Browser, response) -> None:
    """Follow the redirect to the directive's page, open its classify form from there and mark
    the directive tracked."""
    assert response.status_code == 302 and "/directives/" in response.location, response.get_data(as_text=True)
    page = b.get(response.location).get_data(as_text=True)
    item = re.search(r'class="button primary" href="(/work/\d+)"', page).group(1)
    done = b.post(item, {"tracked": "on"})
    assert done.status_code == 302, done.get_data(as_text=True)


def ready_item_path(engine, element_id: str) -> str:
    from sqlalchemy import select

    from engine.runtime.models import WorkItem

    with engine.db.session() as s:
        item_id = s.scalar(select(WorkItem.id).where(WorkItem.element_id == element_id, WorkItem.status == "ready"))
    assert item_id, f"no ready {element_id}"
    return f"/work/{item_id}"


@pytest.fixture
def assigned(loaded, browser):
    """A directive registered and classified by the clerk: one assignment led by STC."""
    clerk = browser("clerk")
    classify(clerk, register(clerk))
    return clerk

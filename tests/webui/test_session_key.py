"""Which key signs the sessions (webui/session_key.py): the configured `secret_key`, else the
deployment's own kept in the database, which a process started later also signs with. Deleting
it (docs/security.md) ends every session at the next start."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from engine.org.models import DeploymentSecret
from tests.webui.conftest import Browser
from webui.app import create_app


def _stored(engine) -> list[str]:
    with engine.db.reading() as s:
        return list(s.scalars(select(DeploymentSecret.value)))


def _signed_in_on(app, cookie: str) -> bool:
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/inbox").status_code == 200


def test_a_configured_key_signs_and_none_is_stored(engine, org_tree):
    engine.settings.secret_key = "the-configured-key"
    app = create_app(engine, TESTING=True)
    assert Browser(app).login("clerk").status_code == 302
    assert app.secret_key == "the-configured-key"
    with engine.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(DeploymentSecret)) == 0


def test_a_later_process_keeps_the_sessions_until_the_stored_key_is_deleted(engine, org_tree):
    first = create_app(engine, TESTING=True)
    clerk = Browser(first)
    assert clerk.login("clerk").status_code == 302
    cookie = clerk.client.get_cookie("session").value
    assert [first.secret_key] == _stored(engine)
    assert _signed_in_on(create_app(engine, TESTING=True), cookie)  # a restart, another worker or host

    with engine.db.session() as s:  # rotating the key
        s.execute(delete(DeploymentSecret))
    rotated = create_app(engine, TESTING=True)
    assert not _signed_in_on(rotated, cookie)
    assert _stored(engine) not in ([], [first.secret_key])

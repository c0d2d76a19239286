"""Which key signs the sessions (webui/session_key.py): the configured `secret_key`, else the
deployment's own kept in the database, which a process started later also signs with. Deleting
it (docs/security.md) ends every session at the next start."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from engine.org import session_key
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


def test_until_the_key_can_be_read_pages_answer_503_and_the_probes_answer(engine, org_tree):
    """A server started before `dondoc db upgrade` made the key's table (or while the database is
    down): its pages and API say the storage is unavailable, without a traceback, and its probes
    answer; once the table is there the next request reads the key and sign-in works."""
    DeploymentSecret.__table__.drop(engine.db.engine)
    app = create_app(engine, TESTING=True)
    client = app.test_client()
    page = client.get("/login")
    assert page.status_code == 503 and "Hệ thống lưu trữ đang gặp sự cố" in page.get_data(as_text=True)
    assert client.post("/login", data={"username": "clerk", "password": "x"}).status_code == 503
    api = client.get("/api/v1/work-items", headers={"Authorization": "Bearer x"})
    assert (api.status_code, api.json["error"]["code"]) == (503, "storage_unavailable")
    assert client.get("/livez").status_code == client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503
    assert client.get("/metrics").status_code == 404  # its own answer: no metrics_token is set

    DeploymentSecret.__table__.create(engine.db.engine)  # dondoc db upgrade
    assert Browser(app).login("clerk").status_code == 302
    assert _stored(engine) == [app.secret_key]


def test_a_rotation_keeps_the_sessions_it_found_for_their_lifetime(engine, org_tree, clock):
    """`dondoc session-key rotate`: a session signed before stays open on a process started after, which
    signs new ones with the new key; the old key opens nothing once the sessions' lifetime since the
    rotation has passed (a session forged with it then), nor at all after `--end-sessions`."""
    first = create_app(engine, TESTING=True)
    clerk = Browser(first)
    assert clerk.login("clerk").status_code == 302
    cookie = clerk.client.get_cookie("session").value
    session_key.rotate(engine.db)
    rotated = create_app(engine, TESTING=True)
    assert _signed_in_on(rotated, cookie)
    assert rotated.secret_key != first.secret_key and rotated.config["SECRET_KEY_FALLBACKS"] == [first.secret_key]
    assert sorted(_stored(engine)) == sorted([first.secret_key, rotated.secret_key])

    clock.advance(timedelta(minutes=engine.settings.session_lifetime_minutes))
    assert not _signed_in_on(rotated, cookie)
    assert rotated.config["SECRET_KEY_FALLBACKS"] == []
    assert not _signed_in_on(create_app(engine, TESTING=True), cookie)  # nor on a process started then

    again = Browser(create_app(engine, TESTING=True))
    assert again.login("clerk").status_code == 302
    session_key.rotate(engine.db, end_sessions=True)
    assert not _signed_in_on(create_app(engine, TESTING=True), again.client.get_cookie("session").value)
    assert len(_stored(engine)) == 1


def test_a_configured_key_rotated_keeps_the_sessions_of_its_fallbacks(engine, org_tree):
    """`secret_key_fallbacks`: the previous configured keys (comma-separated) still open their sessions."""
    engine.settings.secret_key = "the-old-key"
    clerk = Browser(create_app(engine, TESTING=True))
    assert clerk.login("clerk").status_code == 302
    cookie = clerk.client.get_cookie("session").value
    engine.settings.secret_key, engine.settings.secret_key_fallbacks = "the-new-key", " an-older-key, the-old-key "
    assert _signed_in_on(create_app(engine, TESTING=True), cookie)
    engine.settings.secret_key_fallbacks = ""
    assert not _signed_in_on(create_app(engine, TESTING=True), cookie)

"""Sign-in under attack (issue #15): `next` only ever leads to a path on this site; failed
sign-ins slow the guesser from their address without locking the owner out, atomically under
concurrent guesses; unknown usernames answer as slowly as known ones; an administrator sees
and clears a throttle; throttles are audited."""
from __future__ import annotations

import statistics
import threading
import time
from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from engine import passwords
from engine.audit.models import AuditEntry
from engine.org.models import LoginThrottle, User
from tests.conftest import PASSWORD
from tests.webui.conftest import Browser

ATTACKER, OWNER_ELSEWHERE = "203.0.113.7", "10.1.2.3"
# (raw query value of `next`, as an attacker would write it into a link)
OFF_SITE = ["/%09/attacker.example", "//attacker.example", "%2F%2Fattacker.example", "%252F%252Fattacker.example",
            "\\\\attacker.example", "/\\attacker.example", "/%5Cattacker.example", "%5C%5Cattacker.example",
            "https:attacker.example", "https://attacker.example/", "https%3A%2F%2Fattacker.example",
            "/%0d%0aSet-Cookie:%20x=1", "/%0aattacker", "/%2509/attacker.example", "javascript:alert(1)",
            "/%00x", " //attacker.example", "attacker.example"]


def client_at(app, address: str) -> Browser:
    b = Browser(app)
    b.client.environ_base["REMOTE_ADDR"] = address
    return b


def sign_in(b: Browser, username: str, password: str = PASSWORD, query: str = ""):
    return b.client.post("/login" + query, data={"username": username, "password": password,
                                                 "csrf_token": b.token()})


def test_next_leads_only_to_a_path_on_this_site(app):
    for raw in OFF_SITE:
        b = Browser(app)
        response = sign_in(b, "clerk", query=f"?next={raw}")
        assert (response.status_code, response.location) == (302, "/"), raw
        switched = b.client.post("/language", data={"language": "vi", "next": unquote(raw),
                                                    "csrf_token": b.token()})
        assert (switched.status_code, switched.location) == (302, "/"), raw
    kept = sign_in(Browser(app), "clerk", query="?next=/assignments%3Fdirective%3D3")
    assert kept.location == "/assignments?directive=3"


def test_failed_sign_ins_slow_the_guesser_not_the_owner(app, engine, clock):
    attacker = client_at(app, ATTACKER)
    answers = [sign_in(attacker, "chutich", "sai-mat-khau").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # three free, a fourth that starts a 2 s wait
    refused = sign_in(attacker, "chutich")  # even the right password waits, from this address
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    assert "Đăng nhập sai quá nhiều lần. Hãy thử lại sau 2 giây." in refused.get_data(as_text=True)
    assert sign_in(client_at(app, OWNER_ELSEWHERE), "chutich").status_code == 302  # elsewhere: at once
    clock.advance(timedelta(seconds=2))
    assert sign_in(attacker, "chutich", "sai-mat-khau").status_code == 200  # one more guess…
    assert sign_in(attacker, "chutich", "sai-mat-khau").headers["Retry-After"] == "4"  # …doubles the wait
    clock.advance(timedelta(seconds=4))
    assert sign_in(attacker, "chutich").status_code == 302  # after the wait the owner gets in there too
    with engine.db.session() as s:
        assert s.scalar(select(LoginThrottle)) is None  # and the count is forgotten
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "login.throttled")).all()
        chutich = s.scalar(select(User).where(User.username == "chutich"))
    assert [e.after["seconds"] for e in entries] == [2, 4]
    assert {(e.object_type, e.object_id, e.after["address"]) for e in entries} == {("user", str(chutich.id), ATTACKER)}


def test_a_pair_quiet_for_a_day_starts_counting_afresh(app, engine, clock):
    attacker = client_at(app, ATTACKER)
    for _ in range(4):
        sign_in(attacker, "chutich", "sai-mat-khau")
    clock.advance(timedelta(days=1, seconds=1))
    assert sign_in(attacker, "chutich", "sai-mat-khau").status_code == 200
    with engine.db.session() as s:
        assert s.scalar(select(LoginThrottle.failures)) == 1


def test_thirty_concurrent_guesses_while_the_owner_signs_in_elsewhere(app, engine):
    guessers = [client_at(app, ATTACKER) for _ in range(30)]
    tokens = [b.token() for b in guessers]
    owner = client_at(app, OWNER_ELSEWHERE)
    owner_token = owner.token()
    start, answers = threading.Barrier(31), []

    def guess(b: Browser, token: str) -> None:
        start.wait()
        answers.append(b.client.post("/login", data={"username": "chutich", "password": "doan-bua",
                                                     "csrf_token": token}).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(guessers, tokens, strict=True)]
    for thread in threads:
        thread.start()
    start.wait()
    owner_answer = owner.client.post("/login", data={"username": "chutich", "password": PASSWORD,
                                                     "csrf_token": owner_token})
    for thread in threads:
        thread.join()
    assert owner_answer.status_code == 302 and owner.get("/inbox").status_code == 200
    assert sorted(answers) == [200] * 4 + [429] * 26  # no 500: each guess counted exactly once
    with engine.db.session() as s:
        row = s.scalar(select(LoginThrottle).where(LoginThrottle.address == ATTACKER))
    assert (row.username, row.failures) == ("chutich", 4)


def test_unknown_usernames_take_as_long_as_known_ones(app, engine, monkeypatch):
    """Timing must not tell which usernames exist: compared as a ratio of medians, with a
    password hash costly enough to be measured (the suite's cheap hash would hide it)."""
    monkeypatch.setattr(passwords, "HASH_METHOD", "pbkdf2:sha256:50000")
    with engine.db.session() as s:
        s.scalar(select(User).where(User.username == "chutich")).password_hash = passwords.hash_password(PASSWORD)
        s.scalar(select(User).where(User.username == "sxd")).active = False
    engine.settings.login_free_failures = 1000  # measure the check, not the throttle

    clients = {name: client_at(app, "198.51.100.1") for name in ("chutich", "khong-co-ai", "sxd")}
    tokens = {name: b.token() for name, b in clients.items()}
    times: dict[str, list[float]] = {name: [] for name in clients}
    for _ in range(9):  # interleaved, so a busy machine slows every username alike
        for name, b in clients.items():
            began = time.perf_counter()
            b.client.post("/login", data={"username": name, "password": "doan-bua", "csrf_token": tokens[name]})
            times[name].append(time.perf_counter() - began)
    known = statistics.median(times["chutich"])
    for other in ("khong-co-ai", "sxd"):  # unknown, and known but deactivated
        assert 0.5 < statistics.median(times[other]) / known < 2, (other, times)


def test_an_administrator_sees_and_clears_a_throttle(app, engine, browser, org_tree):
    attacker = client_at(app, ATTACKER)
    for _ in range(5):
        sign_in(attacker, "chutich", "sai-mat-khau")
    admin = browser("admin")
    page = admin.get(f"/admin/users/{org_tree['leader'].id}").get_data(as_text=True)
    assert ATTACKER in page and "Phải chờ đến" in page and "Làm chậm đăng nhập do nhập sai nhiều lần" in page
    cleared = admin.post(f"/admin/users/{org_tree['leader'].id}/throttles/clear",
                         page=f"/admin/users/{org_tree['leader'].id}")
    assert cleared.status_code == 302
    assert sign_in(attacker, "chutich").status_code == 302  # at once
    page = admin.get(f"/admin/users/{org_tree['leader'].id}").get_data(as_text=True)
    assert "Xóa số lần đăng nhập sai" in page and "Quản Trị" in page  # the admin's full name
    with engine.db.session() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "login.throttle_cleared"))
    assert entry.actor_name == "admin" and entry.after == {"username": "chutich", "addresses": 1}


@pytest.mark.parametrize("hops", [0, 1])
def test_the_client_address_behind_trusted_proxies(app, engine, hops):
    """Without a trusted proxy a forged X-Forwarded-For changes nothing; behind one, each
    client the proxy saw has its own count."""
    engine.settings.trusted_proxies = hops
    answers = []
    for n in range(5):
        b = client_at(app, "127.0.0.1")
        b.client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
        answers.append(sign_in(b, "chutich", "sai-mat-khau").status_code)
    assert answers == ([200] * 5 if hops else [200, 200, 200, 200, 429])


def test_the_current_password_asked_to_change_it_is_guessed_as_slowly_as_at_sign_in(app, engine):
    """Someone holding a signed-in browser (a copied cookie, a shared computer) would learn the
    password by trying it as the 'current password' of the change form, at full speed, then keep
    the account after the owner signs out. Those tries count with the sign-ins of that username
    from that address, and wait as they do."""
    b = client_at(app, ATTACKER)
    sign_in(b, "chutich")

    def change(current: str):
        return b.client.post("/account/security", data={"current_password": current, "password": "moi-mat-khau-12",
                                                        "password_again": "moi-mat-khau-12", "csrf_token": b.token()})
    answers = [change("sai-mat-khau").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    refused = change(PASSWORD)  # even the right one waits, as at sign-in
    assert refused.status_code == 429 and "Hãy thử lại sau 2 giây" in refused.get_data(as_text=True)
    assert sign_in(b, "chutich").status_code == 429  # one count: sign-in from here waits too
    with engine.db.session() as s:
        assert passwords.verify_password(s.scalar(select(User.password_hash).where(User.username == "chutich")),
                                         PASSWORD)

"""Idempotency keys are exactly-once: the key, the call's effect and its answer commit together,
so a retry after a failure at any moment either replays the answer or runs for the first time."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from engine.api_tokens import service as tokens
from engine.api_tokens.models import IdempotencyKey
from engine.directives.models import ProgressUpdate
from engine.org import accounts
from engine.scheduler.service import tick
from tests.api.conftest import Caller, api_app, make_token
from tests.api.test_api import register_and_classify


def progress_updates(engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).select_from(ProgressUpdate))


def first_assignment(stc) -> int:
    return stc("GET", "/work-items").get_json()["items"][0]["assignment_id"]


def report(stc, assignment_id: int, key: str, note: str = "Đã họp triển khai"):
    return stc("POST", f"/assignments/{assignment_id}/progress", headers={"Idempotency-Key": key},
               json={"progress": "in_progress", "note": note})


def test_a_failure_before_the_answer_is_stored_leaves_nothing_and_the_retry_runs_once(
        as_user, loaded, monkeypatch):
    """The old order (commit the effect, then store the answer) applied such a retry twice."""
    clerk, stc = as_user("clerk"), as_user("stc")
    register_and_classify(clerk)
    assignment_id = first_assignment(stc)

    def crash(*_args, **_kwargs):
        raise RuntimeError("the process died after the step, before the answer was kept")

    with monkeypatch.context() as patch:
        patch.setattr(tokens, "store_answer", crash)
        with pytest.raises(RuntimeError):
            report(stc, assignment_id, "dms-77")
    assert progress_updates(loaded) == 0  # the step went with the key
    retried = report(stc, assignment_id, "dms-77")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    replayed = report(stc, assignment_id, "dms-77")
    assert replayed.status_code == 201 and replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.get_json() == retried.get_json()
    assert progress_updates(loaded) == 1


def test_a_refusal_from_the_engine_is_not_mistaken_for_a_reused_key(as_user, loaded):
    clerk, stc = as_user("clerk"), as_user("stc")
    register_and_classify(clerk)
    assignment_id = first_assignment(stc)
    assert stc("POST", f"/assignments/{assignment_id}/return", json={"reason": "Không thuộc chức năng"}
               ).status_code == 200
    refused = report(stc, assignment_id, "after-return")  # nothing waits for an update now
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_waiting_step"
    with loaded.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0  # refused: nothing kept


def test_twin_requests_with_one_key_apply_once(loaded, serve, tmp_path):
    """Six copies of one keyed call at the same moment through a real threaded server: one
    runs, the others wait for it and replay its answer."""
    base = serve(api_app(loaded)) + "/api/v1"
    clerk_token, stc_token = make_token(loaded, "clerk"), make_token(loaded, "stc")
    clerk = api_app(loaded).test_client()
    register_and_classify(Caller(clerk, clerk_token))
    stc = Caller(clerk, stc_token)
    assignment_id = first_assignment(stc)

    def send(_n: int) -> requests.Response:
        return requests.post(f"{base}/assignments/{assignment_id}/progress", timeout=60,
                             headers={"Authorization": f"Bearer {stc_token}", "Idempotency-Key": "twin-1"},
                             json={"progress": "in_progress", "note": "Cùng một lần báo cáo"})

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    assert [a.status_code for a in answers] == [201] * 6
    assert sum("Idempotent-Replayed" not in a.headers for a in answers) == 1
    assert len({a.text for a in answers}) == 1
    assert progress_updates(loaded) == 1


def test_answers_are_forgotten_after_the_configured_days(as_user, loaded, clock):
    clerk, stc = as_user("clerk"), as_user("stc")
    register_and_classify(clerk)
    assignment_id = first_assignment(stc)
    assert report(stc, assignment_id, "old-key").status_code == 201
    clock.advance(timedelta(days=loaded.settings.idempotency_key_days) - timedelta(minutes=1))
    assert tick(loaded).keys_purged == 0
    assert report(stc, assignment_id, "old-key").headers["Idempotent-Replayed"] == "true"
    clock.advance(timedelta(minutes=2))
    assert tick(loaded).keys_purged == 1
    again = report(stc, assignment_id, "old-key")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert progress_updates(loaded) == 2


def test_a_keyed_call_signs_in_first_inside_its_transaction(as_user, api, loaded, org_tree):
    """A keyed call reads the token in its own transaction (issue #20): still before its body is
    checked or its key taken, and a revoked token or a deactivated user gets 401 as anywhere."""
    clerk, stc, sxd = as_user("clerk"), as_user("stc"), as_user("sxd")
    register_and_classify(clerk)
    assignment_id = first_assignment(stc)
    with loaded.db.session() as session:
        revoked = next(t for t, name in tokens.list_tokens(session) if name == "stc")
        tokens.revoke_token(session, revoked.id)
        accounts.set_active(session, org_tree["sxd"].id, False, org_tree["admin"])
    for token in ("ddk_not-a-token", stc.token, sxd.token):
        refused = api.post(f"/api/v1/assignments/{assignment_id}/progress", json={"progress": "nearly"},
                           headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"})
        assert refused.status_code == 401, token
    fresh = Caller(api, make_token(loaded, "stc"))
    bad = fresh("POST", f"/assignments/{assignment_id}/progress", json={"progress": "nearly"},
                headers={"Idempotency-Key": "k-1"})
    assert bad.status_code == 422 and "progress" in bad.get_json()["error"]["fields"]
    with loaded.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    assert report(fresh, assignment_id, "k-1").status_code == 201
    assert progress_updates(loaded) == 1

"""Officers of one unit reporting on the same assignment at the same moment, through a real
threaded server: each report is stored, as when they report one after the other. The waiting
step was looked up before the workflow's lock, so on PostgreSQL all but the first found the
step the first had just completed, and got 409 "conflict" for a report nothing refused."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from engine.org import service as org
from tests.api.conftest import Caller, api_app, make_token
from tests.api.test_api import register_and_classify
from tests.api.test_idempotency import first_assignment, progress_updates
from tests.conftest import PASSWORD

REPORTS = 6


def test_reports_sent_at_once_on_one_assignment_are_all_stored(loaded, serve):
    base = serve(api_app(loaded)) + "/api/v1"
    with loaded.db.session() as s:
        org.create_user(s, "stc2", PASSWORD, "Phạm Chuyên Viên Hai", "STC", ["unit_officer"])
    clerk_token, tokens = make_token(loaded, "clerk"), [make_token(loaded, "stc"), make_token(loaded, "stc2")]
    client = api_app(loaded).test_client()
    register_and_classify(Caller(client, clerk_token))
    assignment_id = first_assignment(Caller(client, tokens[0]))

    def send(n: int) -> requests.Response:
        return requests.post(f"{base}/assignments/{assignment_id}/progress", timeout=60,
                             headers={"Authorization": f"Bearer {tokens[n % 2]}", "Idempotency-Key": f"report-{n}"},
                             json={"progress": "in_progress", "note": f"Báo cáo số {n}"})

    with ThreadPoolExecutor(REPORTS) as pool:
        answers = list(pool.map(send, range(REPORTS)))
    assert [a.status_code for a in answers] == [201] * REPORTS, [a.text for a in answers if a.status_code != 201]
    assert progress_updates(loaded) == REPORTS

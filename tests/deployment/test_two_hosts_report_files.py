"""A unit's report with its signed document, sent to one application host, its retry landing on the other:
two production servers sharing nothing but PostgreSQL, attachments kept in the database. The retry
replays the first answer (one report, one file), and the office downloads the file from the other host."""
from __future__ import annotations

import os

import pytest
import requests
from sqlalchemy import func, select

from engine.directives.models import Attachment, AttachmentChunk
from engine.reports.models import UnitReport
from tests.conftest import PG_URL
from tests.deployment.harness import Host

pytestmark = pytest.mark.skipif(not PG_URL, reason="several hosts share a PostgreSQL server; SQLite is one host's "
                                                   "file (set DONDOC_TEST_DATABASE_URL)")
ASK = {"topic": "Tình hình giải ngân vốn đầu tư công", "units": ["S1"], "due": "2026-03-06",
       "office_due": "2026-03-11"}


def test_a_report_sent_to_one_host_and_retried_on_the_other_keeps_one_file_both_serve(deployment, tmp_path):
    a, b = (Host.make(tmp_path / f"host-{name}", attachment_store="database") for name in "ab")
    for name, host in (("a", a), ("b", b)):
        deployment.start_web(workers=2, name=f"web-{name}", host=host)
    http = requests.Session()

    def call(host: Host, user: str, method: str, path: str, key: str | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {deployment.tokens[user]}", **({"Idempotency-Key": key} if key else {})}
        return http.request(method, f"{host.base}/api/v1{path}", headers=headers, timeout=30, **kwargs)

    assert call(a, "clerk", "POST", "/reports/adhoc", "ask-1", json=ASK).status_code == 201
    [item] = [i for i in call(b, "s1", "GET", "/work-items").json()["items"] if i["form_key"] == "adhoc_report_unit"]
    signed = b"%PDF-1.4\n" + os.urandom(1_500_000)  # more than one chunk of the store

    def send(host: Host):
        return call(host, "s1", "POST", f"/work-items/{item['id']}/complete", "bc-s1-2026-03",
                    data={"results": "Đã giải ngân 45% kế hoạch vốn"},
                    files={"report_files": ("12-BC-S1.pdf", signed, "application/pdf")})

    first, retried = send(a), send(b)
    assert first.status_code == retried.status_code == 200, first.text
    assert retried.headers["Idempotent-Replayed"] == "true" and retried.json() == first.json()
    with deployment.engine.db.reading() as s:
        [digest] = s.scalars(select(UnitReport.attachments)).one()
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1
        assert s.scalar(select(func.count()).where(AttachmentChunk.sha256 == digest)) == 2
    for host in (a, b):
        downloaded = call(host, "clerk", "GET", f"/attachments/{digest}")
        assert downloaded.status_code == 200 and downloaded.content == signed
    assert call(b, "s2", "GET", f"/attachments/{digest}").status_code == 404  # another department's
    assert not any(p.is_file() for host in (a, b) for p in (host.folder / "attachments").rglob("*"))

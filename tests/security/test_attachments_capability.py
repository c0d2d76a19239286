"""A file's SHA-256 is not a capability (issue #15). A unit officer who learns the digest of
another unit's file may not attach it to their own progress report, nor get it listed by
writing the digest in a note or keeping it in a draft, and so may not download it. Sending
the same bytes themselves gives them an upload of their own to attach (they hold the file already)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from engine.runtime.models import WorkItem, WorkItemStatus
from tests.api.conftest import Caller, api_app, make_token
from tests.webui.conftest import Browser
from webui.app import create_app

SECRET_BYTES = b"bien ban hop kin cua So Tai chinh"
DIRECTIVE = {"symbol": "45/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "summary": "Về việc X",
             "assignments": [{"content": "Báo cáo của Sở Tài chính", "lead_unit": "STC", "deadline_days": 5},
                             {"content": "Báo cáo của Sở Xây dựng", "lead_unit": "SXD", "deadline_days": 5}]}


@pytest.fixture
def world(loaded):
    """Two assignments (STC's, SXD's); STC reported progress on its own with a file."""
    client = api_app(loaded).test_client()
    clerk, stc, sxd = (Caller(client, make_token(loaded, name)) for name in ("clerk", "stc", "sxd"))
    created = clerk("POST", "/directives", json=DIRECTIVE)
    assert created.status_code == 201, created.get_json()
    classify = next(i for i in clerk("GET", "/work-items").get_json()["items"]
                    if i["directive_id"] == created.get_json()["id"])
    assert clerk("POST", f"/work-items/{classify['id']}/complete", json={"tracked": True}).status_code == 200
    ids = {a["lead_unit"]: a["id"] for a in clerk("GET", f"/directives/{created.get_json()['id']}")
           .get_json()["assignments"]}
    report = stc("POST", f"/assignments/{ids['STC']}/progress", content_type="multipart/form-data",
                 data={"progress": "in_progress", "files": [(io.BytesIO(SECRET_BYTES), "bien-ban.pdf")]})
    assert report.status_code == 201
    [sha] = stc("GET", f"/assignments/{ids['STC']}/progress").get_json()["items"][0]["attachments"]
    assert stc("GET", f"/attachments/{sha}").status_code == 200
    return {"clerk": clerk, "stc": stc, "sxd": sxd, "ids": ids, "sha": sha}


def test_a_known_digest_cannot_be_attached_to_ones_own_report(world):
    sxd, sha, own = world["sxd"], world["sha"], world["ids"]["SXD"]
    assert sxd("GET", f"/attachments/{sha}").status_code == 404
    linked = sxd("POST", f"/assignments/{own}/progress", json={"progress": "in_progress", "attachments": [sha]})
    assert linked.status_code == 422, linked.get_json()
    assert set(linked.get_json()["error"]["fields"]) == {"attachments"}
    assert sxd("GET", f"/assignments/{own}/progress").get_json()["items"] == []   # nothing half-written
    assert sxd("GET", f"/attachments/{sha}").status_code == 404


def test_a_known_digest_cannot_be_filed_in_an_inspection(world):
    """An inspected unit files its papers with digests of files it sent: one of another unit's
    files filed there was readable, by the unit and everyone else in the inspection."""
    clerk, sxd, sha = world["clerk"], world["sxd"], world["sha"]
    proposed = clerk("POST", "/inspections", json={"title": "Kiểm tra Sở Xây dựng", "units": ["SXD"]})
    assert proposed.status_code == 201, proposed.get_json()
    papers = f"/inspections/{proposed.get_json()['id']}/papers"
    filed = sxd("POST", papers, json={"kind": "execution_reports", "title": "Báo cáo", "attachments": [sha]})
    assert filed.status_code == 422, filed.get_json()
    assert set(filed.get_json()["error"]["fields"]) == {"attachments"}
    assert sxd("GET", f"/inspections/{proposed.get_json()['id']}").get_json()["papers"] == []  # nothing filed
    assert sxd("GET", f"/attachments/{sha}").status_code == 404


def test_a_digest_written_in_a_note_lists_no_file(world):
    sxd, sha, own = world["sxd"], world["sha"], world["ids"]["SXD"]
    noted = sxd("POST", f"/assignments/{own}/progress", json={"progress": "in_progress", "note": sha})
    assert noted.status_code == 201
    assert sxd("GET", f"/attachments/{sha}").status_code == 404


def test_a_draft_cannot_keep_a_file_its_author_may_not_see(world, loaded):
    sxd_id = world["ids"]["SXD"]
    with loaded.db.session() as s:
        item = s.scalars(select(WorkItem).where(WorkItem.assignment_id == sxd_id,
                                                WorkItem.status == WorkItemStatus.READY)).first()
    browser = Browser(create_app(loaded, SECRET_KEY="test-secret", TESTING=True))
    assert browser.login("sxd").status_code == 302
    saved = browser.post(f"/work/{item.id}", {"action": "update", "progress": "in_progress",
                                              "attachments": world["sha"], "save_draft": "1"})
    assert saved.status_code == 403
    assert browser.get(f"/attachments/{world['sha']}").status_code == 404
    with loaded.db.session() as s:
        assert not s.get(WorkItem, item.id).draft


def test_sending_the_same_bytes_lets_one_attach_and_download_them_under_ones_own_name(world):
    """The same bytes sent by another unit under another name are its own upload: its report
    lists and downloads them under its name, STC's under STC's (the first uploader's name was
    shown on both), and STC's upload stays STC's."""
    stc, sxd, sha, own = world["stc"], world["sxd"], world["sha"], world["ids"]["SXD"]
    sent = sxd("POST", "/attachments", content_type="multipart/form-data",
               data={"file": (io.BytesIO(SECRET_BYTES), "ban-sao.pdf")})
    copy = sent.get_json()["sha256"]
    assert sent.status_code == 201 and copy != sha and sent.get_json()["filename"] == "ban-sao.pdf"
    linked = sxd("POST", f"/assignments/{own}/progress", json={"progress": "in_progress", "attachments": [copy]})
    assert linked.status_code == 201
    downloaded = sxd("GET", f"/attachments/{copy}")
    assert downloaded.data == SECRET_BYTES and "filename=ban-sao.pdf" in downloaded.headers["Content-Disposition"]
    assert "filename=bien-ban.pdf" in stc("GET", f"/attachments/{sha}").headers["Content-Disposition"]
    assert sxd("GET", f"/attachments/{sha}").status_code == 404

"""A document from the hub without assignments waits for the office (engine.exchange.received)."""
from __future__ import annotations

import io
import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.cli import cli
from engine.directives.models import Directive, DirectiveStatus
from engine.errors import AlreadyDone, EngineError
from engine.exchange import received
from engine.exchange.inbox import import_folder
from engine.exchange.models import ReceivedDocument, StatusMessage
from engine.org import service as org

FIXTURES = Path(__file__).parent.parent / "fixtures" / "edxml"
TASKS = [{"content": "Báo cáo tiến độ giải ngân", "lead_unit": "STC"}]


def drop(inbox: Path, name: str, fixture: str, arrived: int) -> None:
    (inbox / name).write_bytes((FIXTURES / fixture).read_bytes())
    os.utime(inbox / name, (arrived, arrived))


def rows(loaded) -> list[ReceivedDocument]:
    with loaded.db.session() as s:
        found = s.scalars(select(ReceivedDocument).order_by(ReceivedDocument.id)).all()
        s.expunge_all()
        return list(found)


def clerk(loaded):
    with loaded.db.session() as s:
        user = org.users_by_name(s, ["clerk"])[0]
        s.expunge(user)
        return user


def test_a_document_without_assignments_waits_once_and_goes_to_done(loaded, org_tree, inbox):
    drop(inbox, "a.edxml", "document_sdk.xml", 1_000)
    assert import_folder(loaded).imported == 1
    drop(inbox, "b.edxml", "document_sdk.xml", 2_000)  # the same message again
    assert (import_folder(loaded).imported, (inbox / "failed").exists()) == (1, False)
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["a.edxml", "b.edxml"]
    [row] = rows(loaded)
    assert (row.status, row.file_name, row.document_id, row.header["symbol"]) == (
        received.WAITING, "a.edxml", "000.00.00.H17,2026/11/30,1520/UBND-KT", "1520/UBND-KT")
    with loaded.db.session() as s:
        assert (received.count_waiting(s), s.scalars(select(Directive)).all()) == (1, [])


def test_registering_a_waiting_document_imports_it_once(loaded, org_tree, inbox):
    drop(inbox, "a.edxml", "document_sdk.xml", 1_000)
    import_folder(loaded)
    [row] = rows(loaded)
    directive = received.register(loaded, row.id, TASKS, clerk(loaded))
    assert directive.source_document_id == row.document_id
    with pytest.raises(AlreadyDone):
        received.register(loaded, row.id, TASKS, clerk(loaded))
    [row] = rows(loaded)
    assert (row.status, row.directive_id, row.decided_by is not None) == (received.REGISTERED, directive.id, True)
    with loaded.db.session() as s:
        assert len(s.scalars(select(Directive)).all()) == 1


def test_a_refused_registration_leaves_it_waiting(loaded, org_tree, inbox):
    drop(inbox, "a.edxml", "document_sdk.xml", 1_000)
    import_folder(loaded)
    [row] = rows(loaded)
    with pytest.raises(EngineError):
        received.register(loaded, row.id, [{"content": "Báo cáo", "lead_unit": "XYZ"}], clerk(loaded))
    assert rows(loaded)[0].status == received.WAITING


def test_dismissing_needs_a_reason_and_happens_once(loaded, org_tree, inbox):
    drop(inbox, "a.edxml", "document_sdk.xml", 1_000)
    import_folder(loaded)
    [row] = rows(loaded)
    with pytest.raises(EngineError):
        received.dismiss(loaded, row.id, "  ", clerk(loaded))
    received.dismiss(loaded, row.id, "Văn bản để biết", clerk(loaded))
    with pytest.raises(AlreadyDone):
        received.register(loaded, row.id, TASKS, clerk(loaded))
    assert (rows(loaded)[0].status, rows(loaded)[0].reason) == (received.DISMISSED, "Văn bản để biết")


def test_a_recall_dismisses_a_waiting_document_and_a_status_waits(loaded, org_tree, inbox):
    drop(inbox, "a.edxml", "document_new.xml", 1_000)
    drop(inbox, "b.edxml", "status_05.xml", 2_000)
    assert import_folder(loaded).imported == 1
    assert (inbox / "b.edxml").exists()  # it waits for its document
    drop(inbox, "c.edxml", "document_recall.xml", 3_000)
    import_folder(loaded)
    [row] = rows(loaded)
    assert (row.status, bool(row.reason)) == (received.DISMISSED, True)
    import_folder(loaded)  # no document to wait for any more: refused as before
    assert (inbox / "done" / "c.edxml").exists() and (inbox / "failed" / "b.edxml").exists()


def test_an_update_replaces_the_waiting_message_and_registers_as_new(loaded, org_tree, inbox):
    drop(inbox, "a.edxml", "document_new.xml", 1_000)
    drop(inbox, "b.edxml", "document_update.xml", 2_000)
    assert import_folder(loaded).imported == 2
    [row] = rows(loaded)
    assert (row.file_name, row.header["business_type"]) == ("b.edxml", "update")
    directive = received.register(loaded, row.id, TASKS, clerk(loaded))
    assert directive.status != DirectiveStatus.REVOKED


def test_its_tasks_arriving_later_register_the_waiting_row(loaded, org_tree, inbox):
    drop(inbox, "a.edxml", "document_sdk.xml", 1_000)
    import_folder(loaded)
    drop(inbox, "b.edxml", "document_sdk.xml", 2_000)
    (inbox / "b.json").write_text(json.dumps(TASKS), encoding="utf-8")
    import_folder(loaded)
    [row] = rows(loaded)
    assert (row.status, row.directive_id is not None) == (received.REGISTERED, True)


def test_the_api_lists_registers_once_and_dismisses(loaded, org_tree, inbox, as_user):
    drop(inbox, "a.edxml", "document_sdk.xml", 1_000)
    drop(inbox, "b.edxml", "document_new.xml", 2_000)
    import_folder(loaded)
    clerk = as_user("clerk")
    listed = clerk("GET", "/imports/edxml/received").get_json()["items"]
    assert [i["message"]["symbol"] for i in listed] == ["1520/UBND-KT", "318/QĐ-UBND"]
    assert as_user("stc")("GET", "/imports/edxml/received").status_code == 403
    first, second = (i["id"] for i in listed)
    made = clerk("POST", f"/imports/edxml/received/{first}", json={"assignments": TASKS})
    assert made.status_code == 201 and made.get_json()["source_document_id"] == listed[0]["document_id"]
    assert clerk("POST", f"/imports/edxml/received/{first}", json={"assignments": TASKS}).status_code == 409
    assert clerk("POST", f"/imports/edxml/received/{second}/dismiss", json={"reason": ""}).status_code == 422
    assert clerk("POST", f"/imports/edxml/received/{second}/dismiss", json={"reason": "Để biết"}).status_code == 200
    assert clerk("GET", "/imports/edxml/received").get_json()["items"] == []



def test_a_waiting_document_is_registered_as_arrived_on_the_day_it_came(loaded, org_tree, inbox, as_user, clock):
    """Its "Ngày đến" is the day the hub brought it, not the day the clerk registered it from the
    waiting list: a receiving office (Bạc Liêu) counts its classification from that day."""
    drop(inbox, "b.edxml", "document_new.xml", 2_000)
    import_folder(loaded)  # Thu 12/02/2026
    clock.set(datetime(2026, 2, 24, 10, 0))  # after Tết
    clerk = as_user("clerk")
    [waiting] = clerk("GET", "/imports/edxml/received").get_json()["items"]
    made = clerk("POST", f"/imports/edxml/received/{waiting['id']}", json={"assignments": TASKS})
    assert made.status_code == 201 and made.get_json()["received_on"] == "2026-02-12"

# ---------------------------------------------------------------- replacements (thay thế)
def test_a_replacement_takes_the_place_of_the_waiting_document(loaded, org_tree, inbox):
    """325/QĐ-UBND replaces 318/QĐ-UBND (ReplacementInfo) before the office registered 318: the
    clerk saw both waiting and could register the old one."""
    drop(inbox, "a.edxml", "document_new.xml", 1_000)
    drop(inbox, "b.edxml", "document_replace.xml", 2_000)
    assert import_folder(loaded).imported == 2
    old, new = rows(loaded)
    assert (old.status, old.reason) == (received.REPLACED, "Thay thế Quyết định 318/QĐ-UBND")
    assert (new.status, new.header["symbol"], new.business) == (received.WAITING, "325/QĐ-UBND", "0")
    with loaded.db.session() as s:
        assert [r.header["symbol"] for r in received.waiting(s)] == ["325/QĐ-UBND"]
        assert received.replaced_directive(s, new) is None  # nothing registered to replace
    with pytest.raises(AlreadyDone):
        received.register(loaded, old.id, TASKS, clerk(loaded))
    assert received.register(loaded, new.id, TASKS, clerk(loaded)).symbol == "325/QĐ-UBND"
    with loaded.db.session() as s:
        assert [d.symbol for d in s.scalars(select(Directive))] == ["325/QĐ-UBND"]


def test_a_replacement_with_its_tasks_registers_and_the_waiting_one_is_replaced(loaded, org_tree, inbox):
    drop(inbox, "a.edxml", "document_new.xml", 1_000)
    drop(inbox, "b.edxml", "document_replace.xml", 2_000)
    (inbox / "b.json").write_text(json.dumps(TASKS), encoding="utf-8")
    assert (import_folder(loaded).imported, (inbox / "failed").exists()) == (2, False)
    [old] = rows(loaded)
    assert old.status == received.REPLACED
    with loaded.db.session() as s:
        assert [(d.symbol, d.status) for d in s.scalars(select(Directive))] == [
            ("325/QĐ-UBND", DirectiveStatus.REGISTERED)]


def test_a_replacement_of_a_registered_directive_waits_saying_what_it_replaces(loaded, org_tree, inbox):
    drop(inbox, "a.edxml", "document_new.xml", 1_000)
    (inbox / "a.json").write_text(json.dumps(TASKS), encoding="utf-8")
    drop(inbox, "b.edxml", "document_replace.xml", 2_000)
    assert import_folder(loaded).imported == 2
    [row] = rows(loaded)
    with loaded.db.session() as s:
        assert (row.status, row.business, received.replaced_directive(s, row).symbol) == (
            received.WAITING, "3", "318/QĐ-UBND")
    new = received.register(loaded, row.id, TASKS, clerk(loaded))
    with loaded.db.session() as s:
        assert {d.symbol: d.status for d in s.scalars(select(Directive))} == {
            "318/QĐ-UBND": DirectiveStatus.REPLACED, "325/QĐ-UBND": new.status}


def test_a_replacement_of_a_dismissed_document_registers_as_new(loaded, org_tree, inbox):
    """Nothing was registered to replace: registering it failed ('No registered directive…')."""
    drop(inbox, "a.edxml", "document_new.xml", 1_000)
    import_folder(loaded)
    received.dismiss(loaded, rows(loaded)[0].id, "Để biết", clerk(loaded))
    drop(inbox, "b.edxml", "document_replace.xml", 2_000)
    import_folder(loaded)
    new = rows(loaded)[1]
    assert (new.status, new.business) == (received.WAITING, "0")
    assert received.register(loaded, new.id, TASKS, clerk(loaded)).symbol == "325/QĐ-UBND"


# ---------------------------------------------------------------- one way in
def _through_folder(loaded, inbox: Path):
    """Each message dropped in the watched folder and picked up by a tick: where it went."""
    arrived = iter(range(1_000, 100_000, 1_000))

    def send(name: str, data: bytes, tasks: list[dict]) -> str:
        (inbox / name).write_bytes(data)
        os.utime(inbox / name, (next(arrived),) * 2)
        if tasks:
            (inbox / name).with_suffix(".json").write_text(json.dumps(tasks), encoding="utf-8")
        import_folder(loaded)
        place = next(p.parent.name for p in inbox.rglob(name))
        (inbox / name).unlink(missing_ok=True)  # a status left waiting: taken out, to compare what stays
        return place
    return send


def _through_api(as_user):
    """Each message posted to POST /imports/edxml: the answer's status and action (error, directive)."""
    def send(name: str, data: bytes, tasks: list[dict]) -> str:
        answer = as_user("clerk")("POST", "/imports/edxml", content_type="multipart/form-data",
                                  data={"file": (io.BytesIO(data), name), "assignments": json.dumps(tasks)})
        body = answer.get_json()
        return f"{answer.status_code} {body.get('action') or body.get('error', {}).get('code') or body['symbol']}"
    return send


def _through_command(loaded, folder: Path):
    """Each message given to `dondoc import edxml`: the last line it writes."""
    folder.mkdir()

    def send(name: str, data: bytes, tasks: list[dict]) -> str:
        (folder / name).write_bytes(data)
        (folder / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
        done = CliRunner().invoke(cli, ["import", "edxml", str(folder / name), "--as", "clerk",
                                        *(["--assignments", str(folder / "tasks.json")] if tasks else [])], obj=loaded)
        return done.output.strip().splitlines()[-1]
    return send


@pytest.mark.parametrize("way", ["folder", "api", "command"])
def test_the_folder_and_the_api_receive_a_message_alike(way, loaded, org_tree, inbox, as_user, tmp_path):
    """The same messages, through the watched folder, POST /imports/edxml or the command, leave the same
    waiting documents, directives and statuses for the sender: 318 without tasks waits (01), a
    status about it waits, 325 replacing it takes its place (01), 318 again does nothing, and
    325 with its tasks registers (03). The API and the command skipped the waiting documents: they
    refused 318 without tasks (422) and then everything about it."""
    send = {"folder": lambda: _through_folder(loaded, inbox), "api": lambda: _through_api(as_user),
            "command": lambda: _through_command(loaded, tmp_path / "files")}[way]()
    new, replacing = (FIXTURES / "document_new.xml").read_bytes(), (FIXTURES / "document_replace.xml").read_bytes()
    answers = [send("318.edxml", new, []), send("status.edxml", (FIXTURES / "status_04.xml").read_bytes(), []),
               send("325.edxml", replacing, []), send("318-again.edxml", new, []),
               send("325.edxml", replacing, TASKS)]
    assert answers == {"folder": ["done", "inbox", "done", "done", "done"],
                       "api": ["202 kept", "409 document_waiting", "202 kept", "202 kept", "201 325/QĐ-UBND"],
                       "command": ["received document 318/QĐ-UBND (id 1): kept",
                                   "Error: the document this status is about waits to be registered: import the "
                                   "status again once it is registered",
                                   "received document 325/QĐ-UBND (id 2): kept",
                                   "received document 318/QĐ-UBND (id 1): kept before",
                                   "directive 325/QĐ-UBND (id 1): registered"]}[way]
    assert [(r.header["symbol"], r.status) for r in rows(loaded)] == [
        ("318/QĐ-UBND", received.REPLACED), ("325/QĐ-UBND", received.REGISTERED)]
    with loaded.db.session() as s:
        assert [(d.symbol, d.status) for d in s.scalars(select(Directive))] == [
            ("325/QĐ-UBND", DirectiveStatus.REGISTERED)]
        assert [(m.document_id[-3:], m.status_code) for m in s.scalars(select(StatusMessage)
                                                                        .order_by(StatusMessage.id))] == [
            ("318", "01"), ("325", "01"), ("325", "03")]
    assert not (inbox / "failed").exists()

"""Upward sync between two deployments, each a real app on 127.0.0.1 with its own database:
the province (upper) gives Sở Tài chính an assignment; the department's own deployment
(lower) receives it, and its progress goes back up — across a dropped connection and a
duplicate delivery."""
from __future__ import annotations

import dataclasses
import threading
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from werkzeug.serving import make_server

from engine.directives import service as directives
from engine.directives.models import Assignment, ProgressUpdate
from engine.org import service as org
from engine.runtime.models import WorkItem
from engine.secrecy.models import SecretDocument
from engine.sync import commands as sync_commands
from engine.sync import service as sync
from engine.sync.client import UpperClient
from engine.sync.models import SyncOutbox
from tests.api.conftest import api_app, make_token
from tests.conftest import PASSWORD, create_org_tree, fresh_database_url, make_engine
from tests.processes import drive


class Server:
    """A werkzeug server in a thread, stoppable and restartable on the same port."""

    def __init__(self, app):
        self.app, self.port, self.server = app, 0, None

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def serving(app):
    server = Server(app)
    server.start()
    try:
        yield server
    finally:
        if server.server is not None:
            server.stop()


@pytest.fixture(params=["dak-lak"])
def lower(request, clock, tmp_path):
    """The department's own deployment: Sở Tài chính, its office and a section."""
    with fresh_database_url(tmp_path, "lower") as url:
        engine = make_engine(url, clock, ruleset=request.param, tmp_path=tmp_path / "lower")
        with engine.db.session() as s:
            org.create_unit(s, "STC", "Sở Tài chính", kind="department")
            org.create_unit(s, "STC-VP", "Văn phòng Sở", parent_code="STC", kind="office", tracking_office=True)
            org.create_unit(s, "STC-NS", "Phòng Ngân sách", parent_code="STC", kind="section")
            org.create_user(s, "vanthu", PASSWORD, "Văn Thư Sở", "STC-VP", ["clerk"])
            org.create_user(s, "chuyenvien", PASSWORD, "Chuyên Viên Sở", "STC", ["unit_officer"])
            engine.load_ruleset(s)
        yield engine
        engine.close()


_GIVEN = [{"content": "Rà soát thủ tục tài chính", "lead_unit": "STC", "deadline": "31/03/2026"},
          {"content": "Rà soát thủ tục xây dựng", "lead_unit": "SXD", "deadline": "31/03/2026"}]


def _register_upper(upper, users, symbol: str = "12/2026/KH-UBND", items: list[dict] = _GIVEN) -> None:
    directives.register(upper, {"symbol": symbol, "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
                                "summary": "Kế hoạch cải cách hành chính", "urgency": "urgent"}, items, users["clerk"])
    with upper.db.session() as s:
        classify = s.scalars(select(WorkItem).where(WorkItem.form_key == "classify_directive",
                                                    WorkItem.status == "ready")).one()
    upper.runtime.complete(classify.id, {"tracked": "on"}, users["clerk"])


@contextmanager
def upper_serving(upper, users):
    """The upper deployment with a directive for STC, served over HTTP, and the peer settings
    the lower one uses (a sync account of STC's there)."""
    with upper.db.session() as s:
        org.create_user(s, "sync-stc", PASSWORD, "Tài khoản đồng bộ Sở Tài chính", "STC", ["unit_officer"])
    _register_upper(upper, users)
    with serving(api_app(upper)) as server:
        yield server, sync.Peer(url=server.url, token=make_token(upper, "sync-stc"), remote_unit="STC",
                                local_unit="STC")


def _report_locally(lower, progress: str, note: str) -> None:
    with lower.db.session() as s:
        item = s.scalars(select(WorkItem).where(WorkItem.form_key == "update_progress",
                                                WorkItem.status == "ready")).one()
        officer = org.users_by_name(s, ["chuyenvien"])[0]
    lower.runtime.complete(item.id, {"action": "update", "progress": progress, "note": note}, officer)


def _upper_state(upper) -> tuple[str, list[str]]:
    with upper.db.session() as s:
        assignment = s.scalars(select(Assignment).where(Assignment.content == "Rà soát thủ tục tài chính")).one()
        notes = s.scalars(select(ProgressUpdate.note).where(ProgressUpdate.assignment_id == assignment.id)
                          .order_by(ProgressUpdate.id)).all()
        return assignment.progress, list(notes)


def test_lower_deployment_receives_and_reports_back(loaded, org_tree, lower, clock):
    upper = loaded
    with upper_serving(upper, org_tree) as (server, peer):

        # Only the assignment led by STC comes down, once.
        assert sync.run(lower, peer).pulled == 1
        assert sync.run(lower, peer).pulled == 0
        with lower.db.session() as s:
            local = s.scalars(select(Assignment)).one()
            assert (local.content, local.deadline.isoformat(), local.urgency) == (
                "Rà soát thủ tục tài chính", "2026-03-31", "urgent")
            assert local.directive.symbol == "12/2026/KH-UBND"

        _report_locally(lower, "in_progress", "Đang rà soát 12 thủ tục")
        result = sync.run(lower, peer)
        assert (result.queued, result.sent, result.errors) == (1, 1, [])
        assert _upper_state(upper) == ("in_progress", ["Đang rà soát 12 thủ tục"])

        # The upper level goes away: the update waits in the outbox, nothing is lost.
        server.stop()
        _report_locally(lower, "done", "Đã rà soát xong")
        result = sync.run(lower, peer)
        assert (result.queued, result.sent) == (1, 0)
        assert len(result.errors) == 2  # the pull and the delivery both failed
        with lower.db.session() as s:
            waiting = s.scalars(select(SyncOutbox).where(SyncOutbox.status == "pending")).one()
            assert waiting.attempts == 1 and "Connection refused" in waiting.last_error

        server.start()  # same port
        assert sync.run(lower, peer).sent == 0  # backing off: not due yet
        clock.advance(timedelta(minutes=3))
        assert sync.run(lower, peer).sent == 1
        assert _upper_state(upper) == ("done", ["Đang rà soát 12 thủ tục", "Đã rà soát xong"])

        # The same update delivered twice (the answer was lost on the way back): applied once.
        with lower.db.session() as s:
            row = s.get(SyncOutbox, waiting.id)
            row.status, row.next_attempt_at = "pending", clock.now()
        assert sync.run(lower, peer).sent == 1
        assert _upper_state(upper)[1] == ["Đang rà soát 12 thủ tục", "Đã rà soát xong"]
        client = UpperClient(peer.url, peer.token)
        replay = client.post(row.path, row.payload, row.key)
        assert replay.status == 201
        with upper.db.session() as s:
            assert s.scalar(select(func.count(ProgressUpdate.id))) == 2
        assert sync.outbox_status(lower) == {"sent": 2}


def test_a_refused_update_is_kept_with_the_reason(loaded, org_tree, lower, clock):
    upper = loaded
    with upper_serving(upper, org_tree) as (server, peer):
        sync.run(lower, peer)
        _report_locally(lower, "done", "Đã hoàn thành")
        assert sync.run(lower, peer).sent == 1
        # Done upstream: the office reviews it there, so a later update has no step to go to.
        with lower.db.session() as s:
            s.add(SyncOutbox(peer=peer.url, key="late-update", path=s.scalars(select(SyncOutbox.path)).first(),
                             payload={"progress": "in_progress", "note": "bổ sung"}, status="pending",
                             next_attempt_at=clock.now(), created_at=clock.now()))
        result = sync.run(lower, peer)
        assert result.rejected == 1
        with lower.db.session() as s:
            refused = s.scalars(select(SyncOutbox).where(SyncOutbox.key == "late-update")).one()
            assert refused.status == "rejected" and "no_waiting_step" in refused.last_error



@pytest.mark.parametrize("lower", ["quynh-nhai"], indirect=True)
def test_tasks_from_the_upper_level_count_as_its_given_tasks(loaded, org_tree, lower):
    """Quỳnh Nhai Đ.6 k.1c: what the province gives is tracked apart; pulled from the province's
    own dondoc, it is marked so (the registry's and reports' "province-given" filter)."""
    upper = loaded
    with upper_serving(upper, org_tree) as (server, peer):
        assert sync.run(lower, peer).pulled == 1
    with lower.db.session() as s:
        assert s.scalars(select(Assignment)).one().directive.origin == "province"


def test_a_local_unit_of_the_old_tree_receives_through_its_successor(loaded, org_tree, lower):
    """The lower deployment's configured unit was reorganised (1/3/2025) into another: what the
    upper level gives after that is led by the successor, named in the local tree."""
    with lower.db.session() as s:
        org.create_unit(s, "STC-MOI", "Sở Tài chính (sau sắp xếp)", kind="department")
        org.retire_unit(s, "STC", date(2025, 3, 1), successor_code="STC-MOI")
    with upper_serving(loaded, org_tree) as (server, peer):
        assert sync.run(lower, peer).pulled == 1
    with lower.db.session() as s:
        assert s.scalars(select(Assignment)).one().lead_unit_id == org.unit_by_code(s, "STC-MOI").id


def test_a_task_the_upper_level_gave_a_unit_merged_into_ours_is_received(loaded, org_tree, lower, clock):
    """The province gave Sở Kế hoạch và Đầu tư a task before it merged into Sở Tài chính: the upper level lists it
    among Sở Tài chính's, and Sở Tài chính's own deployment receives it with its own (it was passed over, led by
    another code than ours; a section's task listed there stays the section's)."""
    with loaded.db.session() as s:
        org.create_unit(s, "SKHDT", "Sở Kế hoạch và Đầu tư", parent_code="UBND", kind="department")
    with upper_serving(loaded, org_tree) as (server, peer):
        _register_upper(loaded, org_tree, "13/2026/KH-UBND", [
            {"content": "Rà soát danh mục dự án", "lead_unit": "SKHDT", "deadline": "31/03/2026"},
            {"content": "Lập dự toán", "lead_unit": "STC-NS", "deadline": "31/03/2026"}])
        with loaded.db.session() as s:
            org.retire_unit(s, "SKHDT", clock.today() + timedelta(days=1), successor_code="STC")
        assert sync.run(lower, peer).pulled == 2
    with lower.db.session() as s:
        received = s.scalars(select(Assignment.content).order_by(Assignment.id)).all()
    assert received == ["Rà soát thủ tục tài chính", "Rà soát danh mục dự án"]


def test_the_upper_level_is_read_from_the_settings_files_sync_table(tmp_path):
    """docs/api.md's [sync] table (read by `dondoc sync run`), not refused as an unknown setting."""
    from engine.config import Settings
    from engine.sync.service import peer_from_settings

    path = tmp_path / "dondoc.toml"
    path.write_text('[sync]\nurl = "https://theodoi.daklak.gov.vn/"\ntoken = "ddk_x"\nremote_unit = "STC"\n'
                    'local_unit = "STC"\n', encoding="utf-8")
    peer = peer_from_settings(Settings.load(path))
    assert (peer.url, peer.token, peer.remote_unit, peer.local_unit) == ("https://theodoi.daklak.gov.vn", "ddk_x",
                                                                          "STC", "STC")



@pytest.mark.parametrize("lower", ["quynh-nhai", "gia-lai-stttt"], indirect=True)
def test_a_secret_task_from_above_stays_secret_or_stays_on_paper(lower, database_url, clock, tmp_path):
    """An upper level that keeps secret documents in its system (here one running Quỳnh Nhai's
    rules) gives STC a secret task: a lower ruleset that keeps them too tracks it as secret, in
    its separate register (Quỳnh Nhai Đ.5 k.2); one that keeps them on paper copies nothing
    (Gia Lai Đ.6 k.2a: không sao chép, cập nhật trên hệ thống) and says so."""
    upper = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path / "upper")
    users = create_org_tree(upper)
    with upper.db.session() as s:
        upper.load_ruleset(s)
        org.create_user(s, "sync-stc", PASSWORD, "Tài khoản đồng bộ Sở Tài chính", "STC", ["unit_officer"])
    drive.register(upper, users, [{"content": "Bảo vệ mục tiêu MẬT", "lead_unit": "STC", "deadline": "31/03/2026"}],
                   "5/KH-UBND", summary="Kế hoạch MẬT", secrecy="secret")
    with serving(api_app(upper)) as server:
        peer = sync.Peer(url=server.url, token=make_token(upper, "sync-stc"), remote_unit="STC", local_unit="STC")
        result = sync.run(lower, peer)
        lower.settings.sync = {"url": peer.url, "token": peer.token, "remote_unit": "STC", "local_unit": "STC"}
        said = CliRunner().invoke(sync_commands.group, ["run"], obj=lower)  # as cron runs it, again
    upper.close()
    assert ("secret, not copied: 5/KH-UBND" in said.stderr) == (lower.settings.ruleset == "gia-lai-stttt")
    with lower.db.session() as s:
        local = [(a.secret, a.directive.secrecy, a.directive_id) for a in s.scalars(select(Assignment))]
        register = [(line.symbol, line.directive_id) for line in s.scalars(select(SecretDocument))]
    if lower.settings.ruleset == "quynh-nhai":
        assert (result.pulled, result.on_paper) == (1, [])
        [(secret, secrecy, directive_id)] = local
        assert (secret, secrecy, register) == (True, "secret", [("5/KH-UBND", directive_id)])
    else:
        assert (result.pulled, result.on_paper, local, register) == (0, ["5/KH-UBND"], [], [])


def test_an_actor_whose_account_ended_with_its_unit_receives_nothing(loaded, org_tree, lower, clock):
    """`[sync] actor` names the local user recorded as receiving: one of a unit closed since (an old office merged
    into the department's) is refused, naming it, and nothing is received in its name; one in force receives."""
    with lower.db.session() as s:
        org.create_unit(s, "STC-VP-CU", "Văn phòng Sở (cũ)", parent_code="STC", kind="office")
        org.create_user(s, "vanthu_cu", PASSWORD, "Văn Thư Cũ", "STC-VP-CU", ["clerk"])
        org.retire_unit(s, "STC-VP-CU", date(2025, 3, 1), successor_code="STC-VP")
    with upper_serving(loaded, org_tree) as (_server, peer):
        with pytest.raises(sync.SyncError, match="vanthu_cu"):
            sync.run(lower, dataclasses.replace(peer, actor="vanthu_cu"))
        with lower.db.session() as s:
            assert s.scalar(select(func.count()).select_from(Assignment)) == 0
        assert sync.run(lower, dataclasses.replace(peer, actor="vanthu")).pulled == 1
    with lower.db.session() as s:
        received = s.scalars(select(Assignment)).one().directive.created_by
        assert received == org.users_by_name(s, ["vanthu"])[0].id

"""The same thing written twice at the same moment (a double-click, two clerks, two officers):
the second write checks "not there yet" while the first has written and not committed. On
PostgreSQL both read "not there", and the second insert was a unique violation, a 500. Each
check holds a lock on what it checks (engine.db.lock_name) until its transaction ends, so the
second waits for the first, then sees it: refused as a duplicate, or stored once."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from engine.directives import attachments
from engine.directives import service as directives
from engine.directives.models import Attachment, Directive
from engine.inbox import service as inbox
from engine.inbox.models import SavedFilter
from engine.org import seed
from engine.org import service as org
from engine.org.models import Unit, User
from engine.working_days import service as calendar
from engine.working_days.models import CalendarOverride
from tests.conftest import PG_URL


def twice_at_once(db, write: Callable[[str], object]) -> list[Exception]:
    """`write(username)` by "stc", then by "sxd" while stc's transaction is still open;
    what the second raised."""
    first_written, raised = threading.Event(), []

    def first() -> None:
        with db.session():
            write("stc")
            first_written.set()
            time.sleep(0.5)  # the second one starts while this one is not committed

    def second() -> None:
        first_written.wait(10)
        try:
            write("sxd")
        except Exception as exc:  # noqa: BLE001 - the test reads what was raised
            raised.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert first_written.is_set()
    return raised


def count(db, model) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def user(session, username: str) -> User:
    return org.users_by_name(session, [username])[0]


def test_one_document_registered_twice_is_registered_once_and_the_second_refused(loaded, org_tree):
    header = {"symbol": "46/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "summary": "Về việc Y"}
    rows = [{"content": "Báo cáo", "lead_unit": "STC", "deadline_days": 5}]
    raised = twice_at_once(loaded.db, lambda _username: directives.register(loaded, header, rows, org_tree["clerk"]))
    assert [type(e) for e in raised] == [directives.DirectiveError] and "already registered" in str(raised[0])
    assert count(loaded.db, Directive) == 1


def test_one_file_uploaded_by_two_officers_is_stored_once_for_both(engine, org_tree, tmp_path):
    blobs = attachments.DirectoryStore(str(tmp_path / "store"))

    def upload(username: str) -> None:
        with engine.db.session() as session:
            attachments.store(session, blobs, io.BytesIO(b"%PDF the same minutes"), "bien-ban.pdf",
                              user(session, username))

    assert twice_at_once(engine.db, upload) == []
    assert count(engine.db, Attachment) == 2  # an upload each, under its sender's name
    assert len([p for p in (tmp_path / "store").rglob("*") if p.is_file()]) == 1


def test_one_day_off_saved_twice_is_stored_once(engine, org_tree):
    assert twice_at_once(engine.db, lambda _username: calendar.set_override(
        engine, date(2026, 3, 9), False, "Nghỉ bù", refresh=False)) == []
    assert count(engine.db, CalendarOverride) == 1


def test_one_user_created_twice_is_created_once_and_the_second_refused(engine, org_tree):
    def create(_username: str) -> None:
        with engine.db.session() as session:
            org.create_user(session, "nguoimoi", "Mat-khau-dai-2026", "Người Mới", "STC", ["unit_officer"])

    raised = twice_at_once(engine.db, create)
    assert [type(e) for e in raised] == [org.OrgError] and "already exists" in str(raised[0])
    with engine.db.reading() as session:
        assert session.scalar(select(func.count()).where(User.username == "nguoimoi")) == 1


def test_one_filter_saved_twice_is_saved_once(engine, org_tree):
    def save(_username: str) -> None:
        with engine.db.session() as session:
            inbox.save_filter(session, user(session, "stc"), "Quá hạn", inbox.InboxQuery(view="overdue"))

    assert twice_at_once(engine.db, save) == []
    assert count(engine.db, SavedFilter) == 1


def test_one_province_seeded_twice_is_seeded_once_and_the_second_finds_it(engine):
    results = []

    def seed_cao_bang(_username: str) -> None:
        with engine.db.session() as session:
            results.append(seed.seed_province(session, "04"))

    assert twice_at_once(engine.db, seed_cao_bang) == []
    assert results[1].existing == results[0].created > 0
    with engine.db.reading() as session:
        codes = session.scalars(select(Unit.code)).all()
    assert len(codes) == len(set(codes)) == results[0].created


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's race: SQLite lets one writer in at a time")
def test_one_tree_imported_by_two_processes_at_once_is_created_once_and_the_second_named(database_url, engine,
                                                                                       tmp_path):
    """Two `dondoc org import` of one file (two administrators, a command run twice) meet at a
    barrier in the database: the units table is locked against inserts until both have checked
    that the unit is not there yet and wait. The second was an IntegrityError's traceback."""
    tree = tmp_path / "tree.toml"
    tree.write_text('[[unit]]\ncode = "UBND"\nname = "UBND tỉnh"\nkind = "province"\n\n'
                    '[[unit]]\ncode = "VP"\nname = "Văn phòng UBND tỉnh"\nparent = "UBND"\nkind = "office"\n',
                    encoding="utf-8")
    env = {**os.environ, "DONDOC_DATABASE_URL": database_url, "DONDOC_RULESET": "dak-lak"}
    with engine.db.session() as session:
        session.execute(text("LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE"))  # reads pass, inserts wait
        imports = [subprocess.Popen([str(Path(sys.executable).parent / "dondoc"), "org", "import", str(tree)],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        _wait_for_waiters(session, imports)
    finished = [p.communicate(timeout=120) for p in imports]
    outcomes = sorted((p.returncode, out + err) for p, (out, err) in zip(imports, finished, strict=True))
    assert outcomes[0] == (0, "imported 2 units and 0 users\n"), outcomes
    assert outcomes[1][0] != 0 and "unit #1 (UBND): Unit UBND already exists." in outcomes[1][1], outcomes
    assert "Traceback" not in outcomes[1][1] and "IntegrityError" not in outcomes[1][1], outcomes
    with engine.db.reading() as session:
        assert sorted(session.scalars(select(Unit.code))) == ["UBND", "VP"]


def _wait_for_waiters(session, imports: list[subprocess.Popen]) -> None:
    """Until every import waits for a lock (they are at the barrier); one that ended says why."""
    deadline = time.monotonic() + 60
    while _lock_waiters(session) < len(imports):
        ended = [p.communicate() for p in imports if p.poll() is not None]
        assert not ended and time.monotonic() < deadline, f"the imports did not reach the barrier: {ended}"
        time.sleep(0.1)


def _lock_waiters(session) -> int:
    """Other connections to this database waiting for a lock."""
    session.execute(text("SELECT pg_stat_clear_snapshot()"))  # else the view is read once a transaction
    return session.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")).scalar_one()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's race: SQLite lets one writer in at a time")
def test_one_agency_identifier_given_to_two_units_at_once_is_given_once_and_the_second_named(database_url, engine,
                                                                                           org_tree):
    """Two `dondoc org agency-code` giving 000.00.01.H17 to two units (two administrators, a typo
    in one) meet at a barrier in the database: the units table is locked against updates until
    both have checked that no unit holds it and wait. The second was an IntegrityError's traceback."""
    env = {**os.environ, "DONDOC_DATABASE_URL": database_url, "DONDOC_RULESET": "dak-lak"}
    with engine.db.session() as session:
        session.execute(text("LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE"))  # reads pass, updates wait
        gives = [subprocess.Popen([str(Path(sys.executable).parent / "dondoc"), "org", "agency-code", unit,
                                   "000.00.01.H17"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for unit in ("VP", "STC")]
        _wait_for_waiters(session, gives)
    finished = [p.communicate(timeout=120) for p in gives]
    outcomes = sorted((p.returncode, out + err) for p, (out, err) in zip(gives, finished, strict=True))
    assert outcomes[0][0] == 0 and outcomes[0][1].endswith(": 000.00.01.H17\n"), outcomes
    assert outcomes[1][0] != 0 and "000.00.01.H17 belongs to" in outcomes[1][1], outcomes
    assert "Traceback" not in outcomes[1][1] and "IntegrityError" not in outcomes[1][1], outcomes
    with engine.db.reading() as session:
        assert len(session.scalars(select(Unit.code).where(Unit.agency_code == "000.00.01.H17")).all()) == 1

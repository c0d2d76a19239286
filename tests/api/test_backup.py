"""`dondoc backup` then `dondoc restore` onto a fresh database: every row and attachment
comes back, and the restored deployment carries on working."""
from __future__ import annotations

import io
import json
import sqlite3
import tarfile
import warnings
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import delete, func, select
from sqlalchemy.exc import SAWarning

from engine.cli import cli
from engine.db import Base
from engine.directives.models import Assignment
from engine.operations import readiness
from engine.org import service as org
from engine.org.models import OrganisationRevision
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.working_days.models import DayOff
from engine.working_days.service import set_override
from tests.api.test_api import DIRECTIVE, register_and_classify
from tests.conftest import fresh_database_url, make_engine


def _counts(engine) -> dict[str, int]:
    with engine.db.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables}


def test_backup_and_restore_round_trip(as_user, loaded, clock, tmp_path):
    clerk, stc = as_user("clerk"), as_user("stc")
    register_and_classify(clerk)
    assignment_id = stc("GET", "/assignments").get_json()["items"][0]["id"]
    stc("POST", f"/assignments/{assignment_id}/progress", content_type="multipart/form-data",
        data={"progress": "in_progress", "files": [(io.BytesIO(b"bao cao"), "bao-cao.pdf")]})
    with loaded.db.session() as s:  # a unit whose successor was created after it
        org.create_unit(s, "SKH", "Sở Kế hoạch", parent_code="UBND")
        org.create_unit(s, "STC2", "Sở Tài chính (mới)", parent_code="UBND")
        org.retire_unit(s, "SKH", clock.today(), successor_code="STC2")
    before = _counts(loaded)

    archive = tmp_path / "dondoc.tar.gz"
    made = CliRunner().invoke(cli, ["backup", str(archive)], obj=loaded)
    assert made.exit_code == 0, made.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("attachments/") for n in names)

    with fresh_database_url(tmp_path, "restored") as url:
        restored = make_engine(url, clock, tmp_path=tmp_path / "restored")
        try:
            done = CliRunner().invoke(cli, ["restore", str(archive)], obj=restored)
            assert done.exit_code == 0, done.output
            assert _counts(restored) == before
            with restored.db.session() as s:
                assert org.unit_by_code(s, "SKH").successor_id == org.unit_by_code(s, "STC2").id
                item = s.scalars(select(WorkItem).where(WorkItem.status == "ready",
                                                        WorkItem.form_key == "update_progress")).one()
                officer = org.users_by_name(s, ["stc"])[0]
            # The restored deployment carries on: the workflow advances and new rows get new ids.
            restored.runtime.complete(item.id, {"action": "update", "progress": "done"}, officer)
            with restored.db.session() as s:
                assert s.get(Assignment, assignment_id).progress == "done"
                org.create_unit(s, "SNV", "Sở Nội vụ", parent_code="UBND")
            sha = next(n for n in names if n.startswith("attachments/")).split("/")[-1]
            files = list((tmp_path / "restored" / "attachments").rglob(sha))
            assert files and files[0].read_bytes() == b"bao cao"

            again = CliRunner().invoke(cli, ["restore", str(archive)], obj=restored)
            assert again.exit_code == 1 and "not empty" in again.output
        finally:
            restored.close()
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tarball")
    refused = CliRunner().invoke(cli, ["restore", str(broken)], obj=loaded)
    assert refused.exit_code == 1 and "not a readable" in refused.output
    assert DIRECTIVE["symbol"]


def _as_written_before_waiting_messages(archive: Path, older: Path) -> None:
    """`archive` as the previous schema's backup would be: no workflow_instances.waiting_messages, and
    alembic_version at the revision before it."""
    folder = archive.parent / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    database = folder / "database.sqlite3"
    if database.exists():
        with closing(sqlite3.connect(database)) as db, db:
            db.execute("ALTER TABLE workflow_instances DROP COLUMN waiting_messages")
            db.execute("UPDATE alembic_version SET version_num = 'e21f7c3a9b04'")
    else:
        instances = folder / "tables" / "workflow_instances.jsonl"
        rows = [json.loads(line) for line in instances.read_text(encoding="utf-8").splitlines()]
        instances.write_text("".join(json.dumps({k: v for k, v in row.items() if k != "waiting_messages"},
                                                ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
        (folder / "tables" / "alembic_version.jsonl").write_text('{"version_num": "e21f7c3a9b04"}\n')
    with tarfile.open(older, "w:gz") as tar:
        for member in folder.iterdir():
            tar.add(member, member.name)


def test_a_backup_of_an_older_schema_restores_at_this_code_s_head(as_user, loaded, clock, tmp_path):
    """The rows go into this code's schema; stamped at the archive's revision, `dondoc db upgrade` would then
    add columns that are there. A column the archive lacks is left empty, and read as before it existed."""
    clerk = as_user("clerk")
    register_and_classify(clerk)
    archive, older = tmp_path / "new.tar.gz", tmp_path / "older.tar.gz"
    assert CliRunner().invoke(cli, ["backup", str(archive)], obj=loaded).exit_code == 0
    _as_written_before_waiting_messages(archive, older)
    with fresh_database_url(tmp_path, "restored") as url:
        restored = make_engine(url, clock, tmp_path=tmp_path / "restored")
        try:
            done = CliRunner().invoke(cli, ["restore", str(older)], obj=restored)
            assert done.exit_code == 0, done.output
            assert readiness.problems(restored) == {}
            upgraded = CliRunner().invoke(cli, ["db", "upgrade"], obj=restored)
            assert upgraded.exit_code == 0, upgraded.output
            with restored.db.session() as s:
                instance = s.scalars(select(WorkflowInstance).where(WorkflowInstance.purpose == "assignment")).one()
                assert instance.waiting_messages is None
                assert "extension_requested" in restored.runtime.waiting_messages(s, instance)
        finally:
            restored.close()


def test_a_backup_that_fails_half_way_leaves_the_previous_archive_of_that_name_whole(loaded, tmp_path, monkeypatch):
    import engine.backup as backups

    (tmp_path / "backups").mkdir()
    out = tmp_path / "backups" / "dondoc-2026-03-02.tar.gz"
    backups.backup(loaded, out)
    good = out.read_bytes()

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "_add_attachments", disk_full)  # the database is in, the files are not
    result = CliRunner().invoke(cli, ["backup", str(out)], obj=loaded)
    assert result.exit_code == 1 and result.output.strip() == "error: [Errno 28] No space left on device"
    assert out.read_bytes() == good and [p.name for p in out.parent.iterdir()] == [out.name]


def test_a_backup_and_its_restore_write_no_warnings(as_user, loaded, clock, tmp_path):
    """A nightly `dondoc backup` run by cron has its stderr mailed: on SQLite each run wrote
    SQLAlchemy's warnings about the registry's expression indexes, which it cannot reflect."""
    register_and_classify(as_user("clerk"))
    archive = tmp_path / "dondoc.tar.gz"
    with warnings.catch_warnings():
        warnings.simplefilter("error", SAWarning)
        made = CliRunner().invoke(cli, ["backup", str(archive)], obj=loaded)
        assert made.exit_code == 0, made.output
        with fresh_database_url(tmp_path, "restored") as url:
            restored = make_engine(url, clock, tmp_path=tmp_path / "restored")
            try:
                done = CliRunner().invoke(cli, ["restore", str(archive)], obj=restored)
            finally:
                restored.close()
            assert done.exit_code == 0, done.output


def test_a_server_already_reading_the_empty_database_sees_the_restored_organisation(loaded, clock, tmp_path):
    """A worker that read the empty target's organisation (kept per worker, engine/org/kept.py) sees
    the restored one at its next transaction, though the archive (one written before the counter
    existed) holds no organisation revision: the restore counts its write of the units."""
    with loaded.db.session() as s:
        s.execute(delete(OrganisationRevision))
        province = org.home_body(s).name
    archive = tmp_path / "before-the-counter.tar.gz"
    assert CliRunner().invoke(cli, ["backup", str(archive)], obj=loaded).exit_code == 0
    with fresh_database_url(tmp_path, "restored") as url:
        restored = make_engine(url, clock, tmp_path=tmp_path / "restored")
        try:
            with restored.db.session() as s:
                assert org.home_body(s) is None and org.tracking_office(s) is None
            done = CliRunner().invoke(cli, ["restore", str(archive)], obj=restored)
            assert done.exit_code == 0, done.output
            with restored.db.session() as s:
                assert org.home_body(s).name == province and org.tracking_office(s) is not None
        finally:
            restored.close()


def test_the_restored_calendar_s_days_off_are_made_again_from_its_corrections(loaded, clock, tmp_path):
    """calendar_days_off is derived: a restore makes it from the restored corrections. The office had made
    Mon 30/03/2026 a day off: after the restore a task due Sun 29/03 still runs to Tue 31/03."""
    set_override(loaded, date(2026, 3, 30), False, "Nghỉ bù", refresh=False)
    with backed_up_and_restored(loaded, clock, tmp_path) as restored, restored.db.session() as s:
        ends = {day: s.scalar(select(DayOff.ends_on).where(DayOff.day == day))
                for day in (date(2026, 3, 29), date(2026, 3, 30))}
    assert ends == {date(2026, 3, 29): date(2026, 3, 31), date(2026, 3, 30): date(2026, 3, 31)}


@contextmanager
def backed_up_and_restored(engine, clock, tmp_path: Path) -> Iterator:
    """`dondoc backup` of `engine`, then `dondoc restore` onto a fresh database: the restored engine."""
    archive = tmp_path / "dondoc.tar.gz"
    assert CliRunner().invoke(cli, ["backup", str(archive)], obj=engine).exit_code == 0
    with fresh_database_url(tmp_path, "restored") as url:
        restored = make_engine(url, clock, tmp_path=tmp_path / "restored")
        try:
            done = CliRunner().invoke(cli, ["restore", str(archive)], obj=restored)
            assert done.exit_code == 0, done.output
            yield restored
        finally:
            restored.close()

"""The Alembic migrations build exactly the schema the models declare (catches a model change
without a regenerated migration)."""
from __future__ import annotations

import json

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Index, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import CreateIndex

from engine.db import Base
from engine.db.compression import lz4_offered
from engine.db.migrate import alembic_config, upgrade
from engine.features import discover
from tests.old_rows import insert_directive


def test_upgrade_from_empty_gives_the_model_schema(database_url):
    discover()
    upgrade(database_url)
    db = create_engine(database_url)
    try:
        with db.connect() as conn:
            built = _built_here(conn)
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "include_object": lambda obj, *_: built(obj)})
            diff = compare_metadata(context, Base.metadata)
            tables = set(inspect(conn).get_table_names())
            declared = {index.name for table in Base.metadata.tables.values() for index in table.indexes
                        if built(index)}
            indexes = set(conn.scalars(text(
                "SELECT name FROM sqlite_master WHERE type = 'index'" if conn.dialect.name == "sqlite"
                else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")))
    finally:
        db.dispose()
    assert [_describe(d) for d in diff] == [], "models and migrations differ: regenerate the migration"
    assert set(Base.metadata.tables) <= tables
    # compare_metadata skips the indexes on expressions: their names at least
    assert declared <= indexes


def _built_here(conn):
    """Whether the models build a schema item on this database: an index declared with a
    condition (Index.ddl_if: a trigram index where pg_trgm is, engine.db.trigrams) only where it holds."""
    def built(item) -> bool:
        condition = getattr(item, "_ddl_if", None) if isinstance(item, Index) else None
        return condition is None or condition._should_execute(CreateIndex(item), item, conn)
    return built


def test_upgrade_twice_is_harmless(database_url):
    upgrade(database_url)
    upgrade(database_url)


def _describe(change) -> str:
    """('add_table', Table(...)) -> 'add_table mail_digests' (a readable failure)."""
    if isinstance(change, list):  # column modifications come as a list of tuples
        return "; ".join(_describe(c) for c in change)
    op, *rest = change
    return " ".join([op, *(str(getattr(r, "name", r)) for r in rest[:3])])


def test_search_text_is_filled_for_rows_written_before_it(database_url):
    """d5e8f1a2b3c4 folds the directives and assignments already stored."""
    from sqlalchemy import text

    upgrade(database_url, "c7d1e4a9b2f3")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            insert_directive(conn)
            conn.execute(text("INSERT INTO assignments (id, directive_id, seq, content, deadline_kind, "
                              "requires_report, urgency, secret, progress, status, created_at) VALUES (1, 1, 1, "
                              "'Đẩy nhanh tiến độ', 'open', false, 'normal', false, 'not_started', 'open', "
                              "'2026-02-12 09:00:00')"))
        upgrade(database_url)
        with db.connect() as conn:
            assert conn.execute(text("SELECT search_text FROM directives")).scalar() == \
                "45/2026/qd-ubnd ve viec giai ngan ubnd tinh"
            assert conn.execute(text("SELECT search_text FROM assignments")).scalar() == "day nhanh tien do"
    finally:
        db.dispose()


def test_a_file_stored_before_uploads_had_names_of_their_own_is_its_bytes_first_upload(database_url):
    """a3f6c8e2d4b1: an attachment row written before keeps its id, the digest of its bytes."""
    upgrade(database_url, "d5e1a7c3b9f4")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            conn.execute(text("INSERT INTO attachments (sha256, filename, content_type, size, uploaded_at) VALUES "
                              f"('{'a' * 64}', 'bien-ban.pdf', 'application/pdf', 3, '2026-02-12 09:00:00')"))
        upgrade(database_url)
        with db.connect() as conn:
            assert conn.execute(text("SELECT content_sha256 FROM attachments")).scalar() == "a" * 64
    finally:
        db.dispose()


def test_the_migration_gives_existing_directives_the_tracking_office_s_body(database_url):
    """f8b2d6a4c1e7: the directives already stored are the tracking office's body's, the top of its tree."""
    upgrade(database_url, "d5e1a7c3b9f4")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            for unit_id, code, parent, office in ((1, "T", None, False), (2, "VP", 1, True), (3, "X", 1, False)):
                conn.execute(text("INSERT INTO units (id, code, name, kind, parent_id, is_tracking_office) "
                                  "VALUES (:id, :code, :code, 'unit', :parent, :office)"),
                             {"id": unit_id, "code": code, "parent": parent, "office": office})
            insert_directive(conn)
        upgrade(database_url)
        with db.connect() as conn:
            assert conn.execute(text("SELECT issuing_body_id FROM directives")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM units WHERE is_issuing_body")).scalar() == 0
    finally:
        db.dispose()


def test_the_statuses_queued_before_01_stay_and_01_may_have_no_directive(database_url):
    """a3c7e5f1b9d2: a queued status keeps its directive; 01 of a waiting document has none,
    and one per DocumentId."""
    upgrade(database_url, "a4d9e2b7c6f1")
    db = create_engine(database_url)
    row = ("INSERT INTO edxml_status_outbox (message_id, directive_id, {extra}status_code, body, created_at, "
           "attempts, next_attempt_at) VALUES (:message, :directive, {value}:code, '<x/>', '2026-02-12 09:00:00', "
           "0, '2026-02-12 09:00:00')")
    try:
        with db.begin() as conn:
            insert_directive(conn)
            conn.execute(text(row.format(extra="", value="")), {"message": "m1", "directive": 1, "code": "03"})
        upgrade(database_url)
        with db.begin() as conn:
            conn.execute(text(row.format(extra="document_id, ", value=":document, ")),
                         {"message": "m2", "directive": None, "code": "01", "document": "D1"})
            assert conn.execute(text("SELECT directive_id, status_code FROM edxml_status_outbox ORDER BY id")).all() \
                == [(1, "03"), (None, "01")]
        with pytest.raises(IntegrityError), db.begin() as conn:
            conn.execute(text(row.format(extra="document_id, ", value=":document, ")),
                         {"message": "m3", "directive": None, "code": "01", "document": "D1"})
    finally:
        db.dispose()


def test_postgresql_indexes_the_directives_words_with_pg_trgm(database_url):
    """docs/operations.md: the upgrade installs pg_trgm in schema public where the server offers it
    and builds the directives' trigram index; SQLite gets neither (its searches read every row)."""
    upgrade(database_url)
    db = create_engine(database_url)
    try:
        with db.connect() as conn:
            if conn.dialect.name == "sqlite":
                assert conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = "
                                        "'ix_directives_search_trigrams'")) == 0
                return
            assert conn.scalar(text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")), \
                "the test server should offer pg_trgm (Debian's postgresql package does)"
            assert conn.scalar(text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = "
                                    "e.extnamespace WHERE e.extname = 'pg_trgm'")) == "public"
            definition = conn.scalar(text("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                          "AND indexname = 'ix_directives_search_trigrams'"))
    finally:
        db.dispose()
    assert "USING gin (search_text public.gin_trgm_ops)" in definition


def test_work_waiting_in_a_running_inspection_is_given_to_its_team_and_unit(database_url):
    """c8f3a6d2e9b1 names who does the inspection steps already waiting, as the engine does for
    new ones: the team its findings, the inspected unit's officer its hand-over; others stay as they were."""
    upgrade(database_url, "d5e1a7c3b9f4")
    db = create_engine(database_url)
    at = "'2026-04-20 09:00:00'"
    try:
        with db.begin() as conn:
            conn.execute(text("INSERT INTO units (id, code, name, kind, is_tracking_office) VALUES "
                              "(1, 'VP', 'Văn phòng', 'office', true), "
                              "(2, 'STC', 'Sở Tài chính', 'department', false)"))
            for user_id, unit_id, roles in ((1, 1, '["inspector"]'), (2, 1, '["office_head"]'),
                                            (3, 2, '["unit_officer"]'), (4, 2, '["unit_head"]')):
                conn.execute(text("INSERT INTO users (id, username, full_name, password_hash, unit_id, roles, active, "
                                  "language, email_digest) VALUES (:id, :name, :name, 'x', :unit, "
                                  ":roles, true, 'vi', false)"),
                             {"id": user_id, "name": f"u{user_id}", "unit": unit_id, "roles": roles})
            conn.execute(text("INSERT INTO process_bundles (id, ruleset, number, content_hash, files, settings, "
                              "status, source, created_at) VALUES (1, 'dak-lak', 1, 'h', '{}', '{}', 'published', "
                              f"'disk', {at})"))
            conn.execute(text("INSERT INTO workflow_instances (id, bundle_id, process_id, purpose, state, version, "
                              f"status, created_at, updated_at) VALUES (1, 1, 'inspection', 'inspection', '{{}}', 1, "
                              f"'running', {at}, {at})"))
            conn.execute(text("INSERT INTO inspections (id, ruleset, kind, title, status, instance_id, created_at) "
                              f"VALUES (1, 'dak-lak', 'planned', 'Kiểm tra', 'decided', 1, {at})"))
            conn.execute(text("INSERT INTO inspection_members (id, inspection_id, user_id, role) VALUES "
                              "(1, 1, 1, 'leader'), (2, 1, 2, 'member')"))
            for item_id, form_key, role, unit_id in ((1, "inspection_findings", "inspector", None),
                                                     (2, "inspection_hand_over", "unit_officer", 2),
                                                     (3, "inspection_decision", "leader", None)):
                conn.execute(text("INSERT INTO work_items (id, instance_id, task_id, element_id, title, role, unit_id, "
                                  f"form_key, status, created_at) VALUES (:id, 1, :task, :key, 'B', :role, :unit, "
                                  f":key, 'ready', {at})"),
                             {"id": item_id, "task": f"t{item_id}", "key": form_key, "role": role, "unit": unit_id})
        upgrade(database_url)
        with db.connect() as conn:
            assert dict(conn.execute(text("SELECT id, performers FROM work_items")).all()) == {
                1: ",1,2,", 2: ",3,", 3: None}
    finally:
        db.dispose()


def test_versions_stored_before_have_no_version_they_were_made_from(database_url):
    """a4d9e2b7c6f1: a version stored before is not said to be made from any (its page compares it
    with the number before, as it did); the column goes again on a downgrade."""
    upgrade(database_url, "a6d3f9c2e8b4")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            for number in (1, 2):
                conn.execute(text("INSERT INTO process_bundles (ruleset, number, content_hash, files, settings, "
                                  "status, source, created_at) VALUES ('dak-lak', :n, :h, '{}', '{}', 'draft', "
                                  "'disk', CURRENT_TIMESTAMP)"), {"n": number, "h": f"hash{number}"})
        upgrade(database_url)
        with db.connect() as conn:
            assert conn.execute(text("SELECT number, based_on_id FROM process_bundles ORDER BY number")).all() == [
                (1, None), (2, None)]
        command.downgrade(alembic_config(database_url), "a6d3f9c2e8b4")
        with db.connect() as conn:
            assert "based_on_id" not in {c["name"] for c in inspect(conn).get_columns("process_bundles")}
    finally:
        db.dispose()


def test_a_message_received_and_a_reply_are_kept_once_by_digest(database_url):
    """b8e4d2f6a1c3: the statuses queued before answer no message; a reply answers one message,
    and a message's receipt is one per digest."""
    upgrade(database_url, "d2f6b8a4c9e3")
    db = create_engine(database_url)
    row = ("INSERT INTO edxml_status_outbox (message_id, document_id, status_code, body, created_at, attempts, "
           "next_attempt_at{extra}) VALUES (:message, 'D1', :code, '<x/>', '2026-02-12 09:00:00', 0, "
           "'2026-02-12 09:00:00'{value})")
    receipt = ("INSERT INTO edxml_receipts (digest, action, received_at) "
               "VALUES ('a' || :n, 'kept', '2026-02-12 09:00:00')")
    try:
        with db.begin() as conn:
            conn.execute(text(row.format(extra="", value="")), {"message": "m1", "code": "01"})
        upgrade(database_url)
        with db.begin() as conn:
            assert conn.execute(text("SELECT reply_to FROM edxml_status_outbox")).all() == [(None,)]
            conn.execute(text(receipt), {"n": "1"})
            conn.execute(text(row.format(extra=", reply_to", value=", 'a1'")), {"message": "m2", "code": "15"})
        with pytest.raises(IntegrityError), db.begin() as conn:
            conn.execute(text(row.format(extra=", reply_to", value=", 'a1'")), {"message": "m3", "code": "16"})
        with pytest.raises(IntegrityError), db.begin() as conn:
            conn.execute(text(receipt), {"n": "1"})
    finally:
        db.dispose()


def test_a_recall_request_is_kept_once_per_message_and_goes_with_a_downgrade(database_url):
    """c5e1a7d3f9b2: a sender's recall request (13) is one row per message digest."""
    upgrade(database_url, "b8e4d2f6a1c3")
    db = create_engine(database_url)
    request = ("INSERT INTO edxml_recall_requests (digest, directive_id, sender_organ_id, sender_name, description, "
               "received_at, status) VALUES ('d1', :directive, '000.00.00.H17', 'UBND tỉnh', '', "
               "'2026-02-13 09:00:00', 'waiting')")
    try:
        upgrade(database_url)
        with db.begin() as conn:
            insert_directive(conn)
            conn.execute(text(request), {"directive": 1})
        with pytest.raises(IntegrityError), db.begin() as conn:
            conn.execute(text(request), {"directive": 1})
        command.downgrade(alembic_config(database_url), "b8e4d2f6a1c3")
        with db.connect() as conn:
            assert "edxml_recall_requests" not in inspect(conn).get_table_names()
    finally:
        db.dispose()


_QUARTER_REPORT = text(
    "INSERT INTO periodic_reports (ruleset, period, period_start, period_end, unit_due, office_due, status, "
    "instance_id, created_at, published, body_id) VALUES ('tinh-2025', 'quarterly', '2026-01-01', '2026-03-31', "
    "'2026-03-13', '2026-03-20', 'collecting', 7, '2026-03-06 09:00:00', false, :body)")


def test_a_period_s_report_is_one_per_calendar_and_body_with_the_rows_in_place(database_url):
    """c4e8a2f6b1d9: the province's report of a period stored before stays; the calendar that opened it adds
    a commune's report of the same period; a second report of one body, the home body's (no body) too, is
    refused."""
    upgrade(database_url, "c5e1a7d3f9b2")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            conn.execute(text("INSERT INTO units (id, code, name, kind, is_tracking_office) "
                              "VALUES (2, 'xa-a', 'xa-a', 'commune', false)"))
            conn.execute(_QUARTER_REPORT, {"body": None})
        upgrade(database_url)
        with db.begin() as conn:
            assert conn.execute(text("SELECT body_id, status FROM periodic_reports")).all() == [(None, "collecting")]
            conn.execute(_QUARTER_REPORT, {"body": 2})
        for body in (None, 2):
            with pytest.raises(IntegrityError), db.begin() as conn:
                conn.execute(_QUARTER_REPORT, {"body": body})
    finally:
        db.dispose()


def test_the_organisation_counter_starts_empty(database_url):
    """c3e7a9f1b5d2: the counter has no row after the upgrade (a database to restore onto must hold
    none: `dondoc restore`), and goes with the downgrade."""
    upgrade(database_url, "c4e8a2f6b1d9")
    upgrade(database_url)
    db = create_engine(database_url)
    try:
        with db.connect() as conn:
            assert conn.execute(text("SELECT id, revision FROM organisation_revisions")).all() == []
        command.downgrade(alembic_config(database_url), "c4e8a2f6b1d9")
        with db.connect() as conn:
            assert "organisation_revisions" not in inspect(conn).get_table_names()
    finally:
        db.dispose()


def test_a_secret_document_line_of_before_keeps_no_paper_report_days(database_url):
    """e5b9d3a7c1f4: a register line stored before holds no paper report's day (the register reads them from
    its process, engine.secrecy.service._days_unkept); the days go with a downgrade."""
    upgrade(database_url, "c3e7a9f1b5d2")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            conn.execute(text("INSERT INTO secret_documents (ruleset, number, symbol, issued_on, issuer, secrecy, "
                              "status, instance_id, registered_at) VALUES ('quynh-nhai', '12', '12/QĐ-UBND', "
                              "'2026-02-12', 'UBND huyện', 'secret', 'open', 7, '2026-02-12 09:00:00')"))
        upgrade(database_url)
        with db.connect() as conn:
            assert conn.execute(text("SELECT symbol, paper_due, paper_reminded, paper_sent_on, paper_sent_by "
                                     "FROM secret_documents")).all() == [("12/QĐ-UBND", None, None, None, None)]
        command.downgrade(alembic_config(database_url), "c3e7a9f1b5d2")
        with db.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("secret_documents")}
        assert "paper_due" not in columns and "symbol" in columns
    finally:
        db.dispose()


_STATE = '{"format":"dondoc-1/1.5","tasks":' + '["Nhiệm vụ đang thực hiện", 17, null]' * 2000 + "}"  # ~80 kB


def _write_instance_state(conn, state: str, instance_id: int = 1) -> None:
    conn.execute(text("INSERT INTO process_bundles (id, ruleset, number, content_hash, files, settings, status, "
                      "source, created_at) VALUES (1, 'dak-lak', 1, 'x', '{}', '{}', 'published', 'disk', "
                      "'2026-03-02') ON CONFLICT DO NOTHING"))
    conn.execute(text("INSERT INTO workflow_instances (id, bundle_id, process_id, purpose, state, version, status, "
                      "created_at, updated_at) VALUES (:id, 1, 'assignment', 'assignment', :state, 1, 'running', "
                      "'2026-03-02', '2026-03-02')"), {"id": instance_id, "state": state})


def _compression(conn, instance_id: int) -> str | None:
    return conn.scalar(text("SELECT pg_column_compression(state) FROM workflow_instances WHERE id = :id"),
                       {"id": instance_id})


def test_the_states_are_compressed_with_lz4_and_those_stored_before_read_the_same(database_url):
    """b7d3f1a9c5e2 (PostgreSQL with lz4; nothing on SQLite): a state stored before keeps pglz and reads
    the same, a state written after takes lz4; the downgrade goes back to the server's default."""
    if not database_url.startswith("postgresql"):
        upgrade(database_url)  # nothing to do: SQLite compresses nothing
        return
    upgrade(database_url, "e5b9d3a7c1f4")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            assert lz4_offered(conn), "the test server should offer lz4 (Debian's PostgreSQL does)"
            _write_instance_state(conn, _STATE)
        upgrade(database_url)
        with db.begin() as conn:
            assert _compression(conn, 1) == "pglz"
            assert conn.scalar(text("SELECT state FROM workflow_instances WHERE id = 1")) == _STATE
            conn.execute(text("UPDATE workflow_instances SET state = :state, version = 2 WHERE id = 1"),
                         {"state": _STATE.replace("17", "18")})
            _write_instance_state(conn, _STATE, instance_id=2)
            assert (_compression(conn, 1), _compression(conn, 2)) == ("lz4", "lz4")
        command.downgrade(alembic_config(database_url), "e5b9d3a7c1f4")
        with db.begin() as conn:
            conn.execute(text("UPDATE workflow_instances SET state = :state WHERE id = 2"), {"state": _STATE})
            assert _compression(conn, 2) == "pglz"
    finally:
        db.dispose()


def test_a_schema_the_models_create_compresses_the_states_as_the_upgrade_does(database_url):
    """The models' own schema (create_all: the test suite's, a restore's target) sets lz4 too."""
    discover()
    db = create_engine(database_url)
    try:
        Base.metadata.create_all(db)
        with db.begin() as conn:
            if conn.dialect.name == "sqlite":
                return
            assert conn.scalar(text("SELECT attcompression FROM pg_attribute WHERE attname = 'state' "
                                    "AND attrelid = 'workflow_instances'::regclass")) == "l"
    finally:
        db.dispose()


def _saved_assignment_state() -> str:
    """A running dak-lak assignment's state, as the engine wrote it (tests/fixtures/states): its lead
    unit's first report due Thu 26/02/2026 (assigned Mon 23/02)."""
    import gzip
    import json

    from engine.config import REPO_ROOT

    with gzip.open(REPO_ROOT / "tests" / "fixtures" / "states" / "dak-lak" / "assignment-01.json.gz") as f:
        world = json.load(f)
    return next(row["state"] for row in world["workflow_instances"] if row["purpose"] == "assignment")


def _corrected(state: str, since: str) -> str:
    """`state` as after a correction that gave the task anew: the task that last set first_update_due
    sets first_update_since too (as assignment.bpmn's apply_change does)."""
    import json

    tree = json.loads(state)
    written = [(task["last_state_change"], held) for task in tree["tasks"].values()
               for held in (task.get("data"), (task.get("delta") or {}).get("updates"))
               if held and "first_update_due" in held]
    max(written, key=lambda found: found[0])[1]["first_update_since"] = since
    return json.dumps(tree)


def _stc_s_directive(conn) -> None:
    """Unit 2, STC, and a directive (1) for its assignments."""
    conn.execute(text("INSERT INTO units (id, code, name, kind, is_tracking_office) VALUES "
                      "(2, 'STC', 'Sở Tài chính', 'department', false)"))
    insert_directive(conn)


def test_a_first_report_owed_in_a_running_instance_reaches_its_assignment_row(database_url):
    """a3f5c7e9b1d4 copies each running assignment's first_update_due from its state while the lead
    unit has not reported (since a correction gave it the task, when one did): not for one that
    reported, one closed, or one whose instance ended."""
    upgrade(database_url, "b7d3f1a9c5e2")
    db = create_engine(database_url)
    state = _saved_assignment_state()
    try:
        with db.begin() as conn:
            _stc_s_directive(conn)
            for instance_id in (1, 2, 3, 4):
                _write_instance_state(conn, state, instance_id)
            # 5: given to STC anew by a correction on 25/02 (first_update_since): its report of 24/02 was before
            _write_instance_state(conn, _corrected(state, "2026-02-25T10:00:00+07:00"), 5)
            conn.execute(text("UPDATE workflow_instances SET status = 'completed' WHERE id = 4"))
            for assignment_id, status in ((1, "open"), (2, "open"), (3, "closed"), (4, "open"), (5, "open")):
                conn.execute(text("INSERT INTO assignments (id, directive_id, seq, content, search_text, lead_unit_id, "
                                  "deadline_kind, requires_report, urgency, secret, progress, status, assigned_on, "
                                  "instance_id, created_at) VALUES (:id, 1, :id, 'Rà soát', 'ra soat', 2, 'dated', "
                                  "false, 'normal', false, 'not_started', :status, '2026-02-23', :id, "
                                  "'2026-02-23 03:00:00')"), {"id": assignment_id, "status": status})
            for update_id, assignment_id in ((1, 2), (2, 5)):
                conn.execute(text("INSERT INTO progress_updates (id, assignment_id, unit_id, progress, attachments, "
                                  "created_at) VALUES (:id, :aid, 2, 'in_progress', '[]', '2026-02-24 03:00:00')"),
                             {"id": update_id, "aid": assignment_id})
        upgrade(database_url)
        with db.connect() as conn:
            due = dict(conn.execute(text("SELECT id, first_update_due FROM assignments ORDER BY id")).all())
        assert {k: str(v) if v else None for k, v in due.items()} == {1: "2026-02-26", 2: None, 3: None, 4: None,
                                                                      5: "2026-02-26"}
        # read a page of instances at a time (a province's states do not fit in memory): the same days, 2 a page
        revision = ScriptDirectory.from_config(alembic_config(database_url)).get_revision("a3f5c7e9b1d4")
        revision.module._PAGE = 2
        with db.begin() as conn:
            conn.execute(text("UPDATE assignments SET first_update_due = NULL"))
            revision.module._backfill(conn)
            assert dict(conn.execute(text("SELECT id, first_update_due FROM assignments ORDER BY id")).all()) == due
        command.downgrade(alembic_config(database_url), "b7d3f1a9c5e2")
        with db.connect() as conn:
            assert "first_update_due" not in {c["name"] for c in inspect(conn).get_columns("assignments")}
    finally:
        db.dispose()


def test_an_owed_first_report_takes_the_working_day_rule_of_its_due_day(database_url):
    """c2e8f4a6b9d1 gives each owed first report the rule its instance counted it by (3 working days from
    Mon 23/02/2026), so that a calendar correction counts it again; a row whose day is not the state's
    (a plain day) and one owing nothing keep none."""
    import json

    upgrade(database_url, "a3f5c7e9b1d4")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            _stc_s_directive(conn)
            for instance_id in (1, 2, 3):
                _write_instance_state(conn, _saved_assignment_state(), instance_id)
            for assignment_id, due in ((1, "2026-02-26"), (2, "2026-02-27"), (3, None)):
                conn.execute(text("INSERT INTO assignments (id, directive_id, seq, content, search_text, lead_unit_id, "
                                  "deadline_kind, requires_report, urgency, secret, progress, status, assigned_on, "
                                  "instance_id, created_at, first_update_due) VALUES (:id, 1, :id, 'Rà soát', "
                                  "'ra soat', 2, 'dated', false, 'normal', false, 'not_started', 'open', '2026-02-23', "
                                  ":id, '2026-02-23 03:00:00', :due)"), {"id": assignment_id, "due": due})
        upgrade(database_url)
        with db.connect() as conn:
            rules = dict(conn.execute(text("SELECT id, first_update_due_rule FROM assignments ORDER BY id")).all())
        rules = {key: json.loads(rule) if isinstance(rule, str) else rule for key, rule in rules.items()}
        assert rules == {1: {"date": "2026-02-26", "start": "2026-02-23", "working_days": 3}, 2: None, 3: None}
        command.downgrade(alembic_config(database_url), "a3f5c7e9b1d4")
        with db.connect() as conn:
            assert "first_update_due_rule" not in {c["name"] for c in inspect(conn).get_columns("assignments")}
    finally:
        db.dispose()


def test_a_unit_report_of_before_carries_no_file_and_is_not_secret(database_url):
    """d4a8e2c6f1b9: a unit's report sent before its files were kept lists none and is not secret; both
    columns go with a downgrade, the report stays."""
    db = create_engine(database_url)
    try:
        _a_unit_report_of_before(db, database_url)
        upgrade(database_url)
        with db.connect() as conn:
            row = conn.execute(text("SELECT results, attachments, secret FROM unit_reports")).one()
        assert (row[0], row[1] if isinstance(row[1], list) else json.loads(row[1]), bool(row[2])) == \
            ("Đã giải ngân 45%", [], False)
        command.downgrade(alembic_config(database_url), "c2e8f4a6b9d1")
        with db.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("unit_reports")}
            assert conn.scalar(text("SELECT results FROM unit_reports")) == "Đã giải ngân 45%"
        assert not {"attachments", "secret"} & columns
    finally:
        db.dispose()


def _a_unit_report_of_before(db, database_url: str) -> None:
    """The schema of c2e8f4a6b9d1, holding Sở Tài chính's report of the first quarter as it stored it."""
    upgrade(database_url, "c2e8f4a6b9d1")
    with db.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, kind, is_tracking_office) "
                          "VALUES (1, 'STC', 'Sở Tài chính', 'department', false)"))
        conn.execute(_QUARTER_REPORT, {"body": None})
        conn.execute(text("INSERT INTO unit_reports (periodic_report_id, unit_id, results, submitted_at) SELECT "
                          "max(p.id), 1, 'Đã giải ngân 45%', '2026-03-10 09:00:00' FROM periodic_reports p"))


def test_the_days_off_are_filled_from_the_calendar_and_its_corrections(database_url):
    """b7d3f9a1c5e2: calendar_days_off holds every day off with the working day a deadline on it ends on
    (Bộ luật Dân sự 2015, Đ.148 k.5), the deployment's corrections included: Fri 20/02/2026, inside Tết,
    ends on Mon 23/02; Sun 29/03 on Tue 31/03, the office having made Mon 30/03 a day off; a Saturday it
    works is no day off. The table goes with a downgrade."""
    db = create_engine(database_url)
    try:
        _corrections_of_before(db, database_url)
        upgrade(database_url)
        with db.connect() as conn:
            ends = {str(day): str(end) for day, end in conn.execute(text("SELECT day, ends_on FROM calendar_days_off"))}
        assert [ends[day] for day in ("2026-02-20", "2026-03-29", "2026-03-30")] == \
            ["2026-02-23", "2026-03-31", "2026-03-31"]
        assert "2026-03-28" not in ends and "2026-03-27" not in ends
        assert len(ends) > 26 * 104  # every weekend of 2015–2040 at least
        command.downgrade(alembic_config(database_url), "d4a8e2c6f1b9")
        with db.connect() as conn:
            assert "calendar_days_off" not in inspect(conn).get_table_names()
    finally:
        db.dispose()


def _corrections_of_before(db, database_url: str) -> None:
    """The schema of d4a8e2c6f1b9, with the office's corrections: Mon 30/03/2026 off, Sat 28/03 worked."""
    upgrade(database_url, "d4a8e2c6f1b9")
    with db.begin() as conn:
        conn.execute(text("INSERT INTO calendar_overrides (day, working, note, created_at) VALUES "
                          "('2026-03-30', false, 'Nghỉ bù', '2026-03-01 00:00:00'), "
                          "('2026-03-28', true, 'Làm bù', '2026-03-01 00:00:00')"))


def test_the_deadlines_ends_are_stored_for_the_rows_of_before_and_kept(database_url):
    """a6d2f8c4e1b7: each assignment written before stores the day its deadline ends, read from the days
    off with the office's corrections (Fri 20/02/2026, in Tết: Mon 23/02; Sun 29/03, Mon 30/03 made a day
    off: Tue 31/03; a working day: itself; none: none), and its link copies it; the triggers keep it for a
    row re-dated after (Sat 21/02: Mon 23/02) or written after (Sat 28/03, which the office works: itself);
    the downgrade takes both columns and keeps the links' other copies."""
    db = create_engine(database_url)
    ends = ("SELECT a.deadline, a.deadline_ends, u.task_deadline_ends FROM assignments a "
            "JOIN assignment_units u ON u.assignment_id = a.id ORDER BY a.id")
    try:
        _corrections_of_before(db, database_url)
        upgrade(database_url, "f3b9d7a1c5e8")
        with db.begin() as conn:
            conn.execute(text("INSERT INTO units (id, code, name, kind, is_tracking_office) "
                              "VALUES (1, 'STC', 'Sở Tài chính', 'department', false)"))
            insert_directive(conn)
            for seq, deadline in enumerate(("2026-02-20", "2026-03-29", "2026-03-27", None), start=1):
                _assignment_of_before(conn, seq, deadline)
        upgrade(database_url)
        with db.begin() as conn:
            assert [tuple(str(d) if d else None for d in row) for row in conn.execute(text(ends))] == [
                ("2026-02-20", "2026-02-23", "2026-02-23"), ("2026-03-29", "2026-03-31", "2026-03-31"),
                ("2026-03-27",) * 3, (None, None, None)]
            _assignment_of_before(conn, 5, "2026-03-28")
            conn.execute(text("UPDATE assignments SET deadline = '2026-02-21' WHERE id = 4"))
        with db.connect() as conn:
            assert [tuple(str(d) for d in row) for row in conn.execute(text(ends))][3:] == [
                ("2026-02-21", "2026-02-23", "2026-02-23"), ("2026-03-28",) * 3]
        command.downgrade(alembic_config(database_url), "f3b9d7a1c5e8")
        with db.begin() as conn:
            assert "deadline_ends" not in {c["name"] for c in inspect(conn).get_columns("assignments")}
            assert "task_deadline_ends" not in {c["name"] for c in inspect(conn).get_columns("assignment_units")}
            conn.execute(text("UPDATE assignments SET deadline = '2026-04-01', progress = 'done' WHERE id = 1"))
        with db.connect() as conn:
            assert tuple(str(v) for v in conn.execute(text(
                "SELECT task_deadline, task_progress FROM assignment_units WHERE assignment_id = 1")).one()) == \
                ("2026-04-01", "done")
    finally:
        db.dispose()


def _assignment_of_before(conn, seq: int, deadline: str | None) -> None:
    """Assignment `seq` of directive 1, led by unit 1, due `deadline`, with its lead link."""
    conn.execute(text("INSERT INTO assignments (id, directive_id, seq, content, deadline_kind, deadline, "
                      "requires_report, urgency, secret, progress, status, assigned_on, created_at) "
                      "VALUES (:seq, 1, :seq, 'Đẩy nhanh', "
                      ":kind, :deadline, false, 'normal', false, 'not_started', 'open', '2026-02-12', "
                      "'2026-02-12 09:00:00')"), {"seq": seq, "deadline": deadline,
                                                  "kind": "dated" if deadline else "open"})
    conn.execute(text("INSERT INTO assignment_units (assignment_id, unit_id, role) VALUES (:seq, 1, 'lead')"),
                 {"seq": seq})

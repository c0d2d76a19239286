"""Who is below whom, and who holds a role where, read from the units and users that matter:
a province's tree holds thousands of communes and its users number thousands (issue #20)."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from engine import audit, clock
from engine.audit.models import AuditEntry
from engine.org import permissions
from engine.org import service as org
from engine.org.models import OrganisationRevision, Unit, User
from engine.org.service import OrgError
from engine.runtime.models import WorkItem
from tests.conftest import make_engine


def _statements(engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine.db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def _province(engine) -> dict[str, int]:
    """A province with a department (two sections, a team under one) and a district of communes."""
    with engine.db.session() as s:
        org.create_unit(s, "T", "UBND tỉnh", kind="province")
        org.create_unit(s, "S", "Sở Xây dựng", parent_code="T", kind="department")
        org.create_unit(s, "S1", "Phòng Quy hoạch", parent_code="S", kind="section")
        org.create_unit(s, "S2", "Phòng Hạ tầng", parent_code="S", kind="section")
        org.create_unit(s, "S2A", "Tổ Giao thông", parent_code="S2", kind="section")
        org.create_unit(s, "H", "UBND huyện", parent_code="T", kind="district")
        for n in range(30):
            org.create_unit(s, f"X{n}", f"UBND xã số {n}", parent_code="H", kind="commune")
        return dict(s.execute(select(Unit.code, Unit.id)).all())


def _province_and_user(engine, username: str, unit: str, role: str) -> dict[str, int]:
    ids = _province(engine)
    with engine.db.session() as s:
        org.create_user(s, username, "pw-12345678", f"Người dùng {username}", unit, [role])
    return ids


def test_a_subtree_is_the_unit_and_everything_below_it_at_any_depth(engine):
    ids = _province(engine)
    with engine.db.session() as s:
        assert org.subtree_ids(s, ids["S"]) == {ids["S"], ids["S1"], ids["S2"], ids["S2A"]}
        assert org.subtree_ids(s, ids["S2A"]) == {ids["S2A"]}
        assert org.subtrees_ids(s, [ids["S1"], ids["H"]]) == \
            {ids["S1"], ids["H"]} | {ids[f"X{n}"] for n in range(30)}
        assert org.subtree_ids(s, ids["T"]) == set(ids.values())
        assert org.subtrees_ids(s, []) == set()


def test_a_subtree_is_one_query_that_does_not_read_the_whole_tree(engine):
    ids = _province(engine)
    with engine.db.session() as s:
        seen = _statements(engine)
        org.subtree_ids(s, ids["S"])
    [query] = [q for q in seen if not q.startswith("BEGIN")]
    assert "RECURSIVE" in query.upper() and "parent_id" in query


def test_a_users_units_are_read_once_in_a_reading_transaction(engine):
    """A reading transaction (a request's) reads a unit user's scope once, however often its queries
    ask for it (a department's inbox asked five times); a transaction that may write reads it each
    time: a unit it creates below is in the scope at once."""
    ids = _province_and_user(engine, "s", "S", "unit_officer")
    with engine.db.reading() as s:
        user = s.scalar(select(User).where(User.username == "s"))
        seen = _statements(engine)
        scopes = [permissions.units_in_scope(s, user) for _ in range(3)]
        permissions.unit_items_clause(s, user, unit_id=WorkItem.unit_id, directive_id=WorkItem.directive_id,
                                      assignment_id=WorkItem.assignment_id, performers=WorkItem.performers)
    assert scopes == [{ids[code] for code in ("S", "S1", "S2", "S2A")}] * 3
    assert sum("carried" in statement for statement in seen) == 1
    with engine.db.session() as s:
        user = s.scalar(select(User).where(User.username == "s"))
        before = permissions.units_in_scope(s, user)
        org.create_unit(s, "S3", "Phòng mới", parent_code="S", kind="section")
        s.flush()
        assert permissions.units_in_scope(s, user) == before | {s.scalar(select(Unit.id).where(Unit.code == "S3"))}


def test_the_rulesets_settings_an_organisation_wide_role_sees_by_are_read_once_a_reading_transaction(engine):
    """Which secret records an office clerk sees hangs on the published rulesets' settings: a
    reading transaction reads them once however many of its queries ask (the registry's count and
    its walked page each did)."""
    _province(engine)
    with engine.db.session() as s:
        org.create_user(s, "vp", "pw-12345678", "Văn thư", "T", ["clerk"])
    with engine.db.reading() as s:
        clerk = s.scalar(select(User).where(User.username == "vp"))
        seen = _statements(engine)
        for _ in range(3):
            permissions.see_clause(s, clerk, permissions.ASSIGNMENT)
    assert sum("process_bundles" in statement for statement in seen) == 1


def test_the_holders_of_a_role_in_a_unit_are_read_from_that_unit_alone(engine):
    ids = _province(engine)
    with engine.db.session() as s:
        org.create_user(s, "xd", "mật-khẩu-dài", "Trần Văn Xây", "S", ["unit_officer"])
        org.create_user(s, "xd2", "mật-khẩu-dài", "Lê Thị Dựng", "S", ["unit_head"])
        for n in range(30):
            org.create_user(s, f"xa{n}", "mật-khẩu-dài", f"Cán bộ xã {n}", f"X{n}", ["unit_officer"])
    with engine.db.session() as s:
        seen = _statements(engine)
        assert [u.username for u in permissions.holders(s, "unit_officer", ids["S"])] == ["xd"]
        assert [u.username for u in permissions.holders(s, "unit_head", ids["S"])] == ["xd2"]
        assert len(permissions.holders(s, "unit_officer")) == 31  # anywhere
    reads = [q for q in seen if "FROM users" in q]  # (the unit in force is read too: a reorganised one's staff)
    assert len(reads) == 3 and all("users.unit_id =" in q for q in reads[:2]) and "users.unit_id =" not in reads[2], \
        reads


def test_a_unit_cannot_be_retired_into_itself_or_into_a_unit_it_succeeds(engine):
    with engine.db.session() as s:
        for code in ("A", "B", "C"):
            org.create_unit(s, code, f"Sở {code}")
        org.retire_unit(s, "A", date(2026, 3, 1), successor_code="B")
        org.retire_unit(s, "B", date(2026, 4, 1), successor_code="C")
    for unit, successor in (("A", "A"), ("C", "A"), ("C", "B")):
        with pytest.raises(OrgError, match="cannot succeed"), engine.db.session() as s:
            org.retire_unit(s, unit, date(2026, 5, 1), successor_code=successor)
    with engine.db.session() as s:
        assert (org.require_unit(s, "C").valid_to, org.require_unit(s, "C").successor_id) == (None, None)
        assert org.latest_successors(s)[org.require_unit(s, "A").id] == org.require_unit(s, "C").id


def test_retiring_a_unit_is_audited_and_never_before_it_came_into_force(engine):
    with engine.db.session() as s:
        org.create_unit(s, "A", "Sở A")
        org.create_unit(s, "B", "Sở B")
        s.flush()
        org.require_unit(s, "B").valid_from = date(2025, 7, 1)   # a seeded post-2025 department
        org.retire_unit(s, "A", date(2025, 7, 1), successor_code="B")
    with pytest.raises(OrgError, match="01/07/2025"), engine.db.session() as s:
        org.retire_unit(s, "B", date(2025, 7, 1))
    with engine.db.session() as s:
        assert org.require_unit(s, "B").valid_to is None
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "unit.retired")).all()
        assert entry.object_id == str(org.require_unit(s, "A").id)
        assert (entry.before, entry.after) == ({"valid_to": None, "successor": None},
                                               {"valid_to": "2025-07-01", "successor": "Sở B"})


def test_a_ward_retired_into_another_hands_it_its_sections_from_its_end_date(engine, clock):
    """A ward's section (phòng) is no body of its own: left below its closed ward it would be nobody's unit in force;
    it moves below the ward carrying the closed one's work, audited. A ward closed from a later day keeps it until
    then (a seeding run again moves it)."""
    with engine.db.session() as s:
        org.create_unit(s, "UB", "UBND tỉnh", kind="province")
        for ward in ("P1", "P2", "TH", "BK"):
            org.create_unit(s, ward, f"UBND phường {ward}", parent_code="UB", kind="commune")
            org.create_unit(s, f"{ward}-KT", f"Phòng Kinh tế phường {ward}", parent_code=ward, kind="section")
        org.retire_unit(s, "P2", clock.today(), successor_code="TH")
        org.retire_unit(s, "P1", clock.today(), successor_code="P2")     # P1's section goes where P1's work goes
        org.retire_unit(s, "BK", clock.today() + timedelta(days=1), successor_code="TH")
    with engine.db.session() as s:
        th, bk = org.require_unit(s, "TH").id, org.require_unit(s, "BK").id
        assert {code: org.require_unit(s, f"{code}-KT").parent_id for code in ("P1", "P2", "BK")} == {
            "P1": th, "P2": th, "BK": bk}
    clock.set(clock.now() + timedelta(days=1))
    with engine.db.session() as s:
        assert org.move_units_left_below_closed(s) == 1
        assert org.require_unit(s, "BK-KT").parent_id == th
        moved = s.scalars(select(AuditEntry).where(AuditEntry.action == "unit.moved").order_by(AuditEntry.id)).all()
        assert [(entry.before, entry.after) for entry in moved] == [
            ({"parent": f"UBND phường {ward}"}, {"parent": "UBND phường TH"}) for ward in ("P2", "P1", "BK")]


def test_a_retired_tracking_office_hands_the_tracking_to_its_successor_from_its_end_date(engine):
    with engine.db.session() as s:
        org.create_unit(s, "UB", "UBND tỉnh", kind="province")
        org.create_unit(s, "VP", "Văn phòng UBND tỉnh", parent_code="UB", tracking_office=True)
        org.create_unit(s, "VPM", "Văn phòng UBND tỉnh (mới)", parent_code="UB")
        org.create_user(s, "cu", "mật-khẩu-dài", "Văn Thư Cũ", "VP", ["clerk"])
        org.create_user(s, "moi", "mật-khẩu-dài", "Văn Thư Mới", "VPM", ["clerk"])
        org.retire_unit(s, "VP", clock.today() + timedelta(days=1), successor_code="VPM")
    with engine.db.session() as s:  # until its last day the old office tracks
        assert org.tracking_office(s).code == "VP"
        assert [u.username for u in permissions.office_clerks(s)] == ["cu"]
        org.retire_unit(s, "VP", clock.today(), successor_code="VPM")
    with engine.db.session() as s:  # from its end date its successor does: new work is told to its clerks
        assert org.tracking_office(s).code == "VPM"
        assert [u.username for u in permissions.office_clerks(s)] == ["moi"]


def test_a_transaction_that_writes_reads_the_home_body_and_the_settings_again_only_once_it_writes_them(engine):
    """What a permission clause reads of the organisation (the home body, other issuing bodies, the
    published rulesets' settings) is read once in a transaction that may write, too (a directive's
    lifecycle asked for the home body 31 times): read again once it writes those tables, rolls
    back to a savepoint or takes a row lock (what is read under a lock is read after it), not when
    it writes others (a step's audit entries and notifications)."""
    ids = _province_and_user(engine, "vp", "T", "clerk")
    with engine.db.session() as s:
        clerk = s.scalar(select(User).where(User.username == "vp"))
        seen = _statements(engine)

        def reads() -> tuple[int, int]:
            permissions.see_clause(s, clerk, permissions.ASSIGNMENT)
            return (sum("is_tracking_office IS" in q for q in seen), sum("process_bundles" in q for q in seen))

        assert reads() == (1, 1)
        audit.record(s, "test.other_table", "unit", ids["S"])
        assert reads() == (1, 1)
        org.require_unit(s, "S").name = "Sở Xây dựng và Đô thị"
        s.flush()
        assert reads() == (2, 2)  # the units written: read again, the settings too (its own, not the worker's)
        try:
            with s.begin_nested():
                org.require_unit(s, "S2").name = "Phòng đổi tên"
                s.flush()
                assert reads() == (3, 2)
                raise LookupError
        except LookupError:
            pass
        assert reads() == (4, 3)  # rolled back to the savepoint: everything read again
        engine.db.lock(s, select(Unit).where(Unit.id == ids["S"]), {})
        # PostgreSQL: FOR UPDATE, read again; SQLite: the transaction holds the write lock from its start
        assert reads() == ((4, 3) if engine.db.is_sqlite else (5, 4))
    with engine.db.session() as s:
        clerk = s.scalar(select(User).where(User.username == "vp"))
        permissions.see_clause(s, clerk, permissions.ASSIGNMENT)
    # a new transaction reads again
    assert sum("process_bundles" in q for q in seen) == (4 if engine.db.is_sqlite else 5)


def test_a_worker_reads_the_organisation_again_only_after_a_transaction_wrote_it(engine, database_url, clock, tmp_path):
    """The home body, a unit's body and the published settings are kept per worker: a later transaction
    reads one counter instead (issue #20: ~60 statements a lifecycle). A write committed by another
    worker (a second engine on the same database) is seen by this worker's next transaction."""
    _province_and_user(engine, "vp", "T", "clerk")
    with engine.db.reading() as s:
        permissions.see_clause(s, s.scalar(select(User).where(User.username == "vp")), permissions.ASSIGNMENT)
    seen = _statements(engine)
    with engine.db.reading() as s:
        clerk = s.scalar(select(User).where(User.username == "vp"))
        permissions.see_clause(s, clerk, permissions.ASSIGNMENT)
        assert org.home_body(s).name == "UBND tỉnh"
    tables = ("units", "process_bundles", "organisation_revisions")
    organisation = [q for q in seen if any(table in q for table in tables)]
    assert len(organisation) == 1 and "organisation_revisions" in organisation[0], organisation
    other = make_engine(database_url, clock, tmp_path=tmp_path)
    try:
        with other.db.session() as s:
            org.mark_issuing_body(s, "H", True)
            org.require_unit(s, "T").name = "UBND tỉnh Đắk Lắk"
    finally:
        other.close()
    with engine.db.reading() as s:
        assert org.home_body(s).name == "UBND tỉnh Đắk Lắk"
        assert org.issuing_body_ids(s) == {org.require_unit(s, "H").id}
        assert org.body_of(s, org.require_unit(s, "X1").id).code == "H"


def test_a_write_rolled_back_leaves_the_worker_nothing_of_it(engine):
    """A transaction that wrote the organisation reads its own rows (not the worker's copy) until it
    ends, a released savepoint included: rolled back, what it read is nobody's."""
    _province(engine)
    with engine.db.reading() as s:
        assert org.home_body(s).name == "UBND tỉnh"
    with pytest.raises(LookupError), engine.db.session() as s:
        org.require_unit(s, "T").name = "Tên chưa lưu"
        s.flush()
        with s.begin_nested():
            audit.record(s, "test.other_table", "unit", org.require_unit(s, "T").id)
        assert org.home_body(s).name == "Tên chưa lưu"
        assert org.tracking_office(s) is None
        raise LookupError
    with engine.db.session() as s:  # another write: the counter moves past the rolled-back one's
        org.mark_issuing_body(s, "H", True)
    with engine.db.reading() as s:
        assert org.home_body(s).name == "UBND tỉnh"


def test_a_transaction_holding_unflushed_units_reads_them_for_itself(engine):
    """A read that flushes a new unit first (autoflush) happens after the transaction read the counter:
    kept, it would be the worker's copy at a revision it does not belong to."""
    _province(engine)
    with engine.db.reading() as s:
        assert org.issuing_body_ids(s) == frozenset()
    with pytest.raises(LookupError), engine.db.session() as s:
        s.add(Unit(code="XM", name="UBND xã mới", kind="commune", parent_id=org.require_unit(s, "H").id,
                   is_issuing_body=True))
        assert len(org.issuing_body_ids(s)) == 1
        raise LookupError
    with engine.db.session() as s:  # another write: the counter moves past the rolled-back one's
        org.create_unit(s, "S9", "Sở mới", parent_code="T", kind="department")
    with engine.db.reading() as s:
        assert org.issuing_body_ids(s) == frozenset()


def test_two_first_writes_of_the_organisation_at_once_both_commit(engine):
    """The counter's row is inserted by a deployment's first write of the units; two at once (two
    workers, PostgreSQL) count one after the other instead of inserting it twice (a unique violation)."""
    with engine.db.session() as s:
        org.create_unit(s, "A", "Sở A")
        s.flush()
        second = threading.Thread(target=_create_unit, args=(engine, "B"))
        second.start()
        second.join(1.0)  # PostgreSQL: it waits for this transaction (SQLite: for its write lock)
        assert second.is_alive()
    second.join(30)
    with engine.db.reading() as s:
        assert s.scalar(select(OrganisationRevision.revision)) == 2
        assert org.unit_by_code(s, "B") is not None


def _create_unit(engine, code: str) -> None:
    with engine.db.session() as s:
        org.create_unit(s, code, f"Sở {code}")

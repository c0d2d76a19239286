"""A notification to a unit's staff costs the same statements however many people it tells: who may
see what it is about and which of them hold it unread already were asked once per person (issue #20;
bench/README.md "What a notification to many people reads")."""
from __future__ import annotations

from sqlalchemy import select

from engine.directives.models import Assignment, Directive
from engine.notifications import service as inbox
from engine.notifications.models import Notification
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from tests.api.test_request_cost import statements
from tests.conftest import PASSWORD
from tests.scheduler.conftest import start_urging


def _staff(engine, org_tree, extra: int) -> list[int]:
    """The ids of STC's officer and `extra` more officers of STC."""
    with engine.db.session() as s:
        more = [org.create_user(s, f"stc{n}", PASSWORD, f"Cán Bộ {n}", "STC", ["unit_officer"]).id
                for n in range(extra)]
    return [org_tree["stc"].id, *more]


def _tell(engine, user_ids: list[int], assignment_id: int, key: str) -> tuple[int, list[int]]:
    """notify_users to `user_ids` about the assignment: (the statements it sent other than its
    INSERTs, the ids told). The rows are written by one INSERT on PostgreSQL, one each on SQLite
    (SQLAlchemy's batching of a flush), in both cases without a round trip of their own per read."""
    with engine.db.session() as s:
        users = [s.get_one(User, user_id) for user_id in user_ids]
        assignment = s.get_one(Assignment, assignment_id)
        directive = s.get_one(Directive, assignment.directive_id)
        with statements(engine) as sent:
            created = inbox.notify_users(s, users, "assigned", directive=directive, assignment=assignment,
                                         dedup_key=key)
        return len([x for x in sent if not x.startswith("INSERT")]), sorted(note.user_id for note in created)


def test_telling_a_units_eight_people_reads_what_telling_two_does(urging, org_tree):
    assignment_id = start_urging(urging, "2026-03-20")
    staff = _staff(urging, org_tree, 6)
    few_cost, few_told = _tell(urging, staff[:2], assignment_id, "a")
    many_cost, many_told = _tell(urging, [*staff, org_tree["sxd"].id], assignment_id, "b")
    assert few_told == sorted(staff[:2])
    assert many_told == sorted(staff)  # SXD neither leads nor coordinates it
    # + SXD's sub-tree at most: a unit's sub-tree is the organisation each worker keeps (engine/org/kept.py)
    assert many_cost <= few_cost + 1, (few_cost, many_cost)
    again_cost, again_told = _tell(urging, staff, assignment_id, "b")  # unread: nobody is told twice
    assert again_told == [] and again_cost < many_cost
    with urging.db.reading() as s:
        assert s.scalar(select(Notification.id).where(Notification.dedup_key == f"b:{staff[-1]}"))


def test_who_may_see_answers_as_may_see_does_for_each_person(urging, org_tree):
    """Secret and not, directive and assignment, every kind of person of the tree: the statement
    for all of them gives what each one's own check gives."""
    _staff(urging, org_tree, 2)
    plain = start_urging(urging, "2026-03-20", symbol="1/CT-UBND")
    secret = start_urging(urging, "2026-03-20", symbol="2/CT-UBND", lead="SXD", secret=True)
    with urging.db.session() as s:
        users = list(s.scalars(select(User).order_by(User.id)))
        for assignment_id in (plain, secret):
            directive_id = s.get_one(Assignment, assignment_id).directive_id
            for kind, record_id in ((permissions.ASSIGNMENT, assignment_id), (permissions.DIRECTIVE, directive_id)):
                each = [u.username for u in users if permissions.may_see(s, u, kind, record_id)]
                together = [u.username for u in permissions.who_may_see(s, users, kind, record_id)]
                assert together == each, (kind, record_id)
                assert 0 < len(each) < len(users)

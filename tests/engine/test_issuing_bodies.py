"""Issuing bodies (issue #21): a commune marked an issuing body tracks its committee's own directives
with its own office. Each role of each body sees, is given and is told of what engine.org.permissions
says; the province's office keeps exactly what it saw."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from engine.directives import changes, documents, extensions
from engine.directives import service as directives
from engine.directives.models import Assignment, Directive
from engine.errors import Forbidden, NotFound
from engine.forms import FormValidationError
from engine.notifications.models import Notification
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.registry import service as registry
from engine.runtime.models import WorkItem
from engine.secrecy import service as secrecy
from engine.secrecy.models import SecretDocument
from engine.urging import manual
from tests.conftest import PASSWORD, make_engine
from tests.processes import drive

HUB_SAMPLES = Path(__file__).parent.parent / "fixtures" / "edxml"
ORG_WIDE = ("clerk", "office_head", "leader", "inspector", "system_admin")
# code: (name, parent, kind)
UNITS = {"UBND": ("UBND tỉnh", None, "province"), "VP": ("Văn phòng UBND tỉnh", "UBND", "office"),
         "STC": ("Sở Tài chính", "UBND", "department"), "xa-a": ("UBND phường A", "UBND", "commune"),
         "xa-a-kt": ("Phòng Kinh tế phường A", "xa-a", "section"), "xa-b": ("UBND xã B", "UBND", "commune")}
OFFICE_OF = {"province": "VP", "a": "xa-a", "b": "xa-b"}
UNIT_PEOPLE = {"stc": ("STC", "unit_officer"), "xa_a": ("xa-a", "unit_officer"), "xa_a_head": ("xa-a", "unit_head"),
               "kt_a": ("xa-a-kt", "unit_officer")}


@pytest.fixture
def bodies(database_url, clock, tmp_path):
    """Under Quỳnh Nhai's ruleset (secret content kept, visible_to office head and leader): the
    province's directive P to ward A, ward A's own A to its section and its secret S, registered by
    ward A's office head. Users: `<role>@<body>` for each organisation-wide role, and unit staff."""
    engine = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path)
    with engine.db.session() as s:
        for code, (name, parent, kind) in UNITS.items():
            org.create_unit(s, code, name, parent_code=parent, kind=kind, tracking_office=code == "VP")
        users = {f"{role}@{body}": org.create_user(s, f"{role}_{body}", PASSWORD, role, office, [role])
                 for body, office in OFFICE_OF.items() for role in ORG_WIDE}
        users["leader@province"].unit_id = org.unit_by_code(s, "UBND").id
        users |= {name: org.create_user(s, name, PASSWORD, name, unit, [role])
                  for name, (unit, role) in UNIT_PEOPLE.items()}
        engine.load_ruleset(s)
    ids = {"P": _register(engine, "P", "xa-a", users["clerk@province"])}
    with engine.db.session() as s:
        for code in ("xa-a", "xa-b"):
            org.mark_issuing_body(s, code, True)
    ids["A"] = _register(engine, "A", "xa-a-kt", users["clerk@a"])
    ids["S"] = _register(engine, "S", "xa-a-kt", users["office_head@a"], secrecy="confidential")
    yield engine, users, ids
    engine.close()


def _register(engine, symbol: str, lead: str, actor: User, **header) -> int:
    """Registered and classified as tracked by `actor` (its classification is theirs: a secret one's
    goes to the office head, who may read it)."""
    raw = {"symbol": f"{sum(map(ord, symbol))}/UBND-VP", "issued_on": "12/02/2026", "issuer": "UBND",
           "summary": f"Văn bản {symbol}", **header}
    directive_id = directives.register(
        engine, raw, [{"content": "Việc", "lead_unit": lead, "deadline": "20/03/2026"}], actor).id
    with engine.db.session() as s:
        item = s.scalars(select(WorkItem).where(WorkItem.directive_id == directive_id, WorkItem.status == "ready",
                                                WorkItem.element_id == "classify")).one()
    engine.runtime.complete(item.id, {"tracked": "on"}, actor)
    return directive_id


def _seen(engine, user: User, ids: dict[str, int]) -> set[str]:
    with engine.db.session() as s:
        return {name for name, directive_id in ids.items()
                if permissions.may_see(s, user, permissions.DIRECTIVE, directive_id)}


EXPECTED = {
    **{f"{role}@province": {"P"} for role in ORG_WIDE},
    # the ward's leader (its Chairman) reads the province's task to his ward too: permissions.led_units
    "clerk@a": {"A"}, "office_head@a": {"A", "S"}, "leader@a": {"P", "A", "S"}, "inspector@a": {"A"},
    "system_admin@a": {"A"},
    **{f"{role}@b": set() for role in ORG_WIDE},
    "stc": set(), "xa_a": {"P", "A", "S"}, "xa_a_head": {"P", "A", "S"}, "kt_a": {"A", "S"},
}


def test_each_role_of_each_body_sees_its_bodys_directives_and_its_units_tasks(bodies):
    engine, users, ids = bodies
    assert {name: _seen(engine, user, ids) for name, user in users.items()} == EXPECTED
    with engine.db.session() as s:  # a list says the same as a check of one record
        for name, user in users.items():
            listed = set(s.scalars(select(Directive.id).where(permissions.see_clause(s, user, permissions.DIRECTIVE))))
            assert listed == {ids[n] for n in EXPECTED[name]}, name


def test_a_ward_s_chairman_reads_the_province_s_tasks_to_his_ward_and_acts_on_none_of_them(bodies):
    """The ward's leader alone (its Chairman, the body's leader) answers for what the ward does of the tasks the
    province gives it (Quỳnh Nhai Đ.9 k.3, Đ.20 k.2): he reads them — a secret one when the ruleset's visible_to
    names the leader (Quỳnh Nhai does) —, lists and pages alike, but neither urges, questions, adjusts, withdraws
    nor edits them, nor does the province's office's or leader's steps on them: the province's office tracks
    them. Another ward's leader reads none of them, the ward's office head (no unit role) none either."""
    engine, users, ids = bodies
    ids["PS"] = _register(engine, "PS", "xa-a-kt", users["office_head@province"], secrecy="confidential")
    ids["PB"] = _register(engine, "PB", "xa-b", users["clerk@province"])
    seen = {name: _seen(engine, users[name], ids) for name in ("leader@a", "leader@b", "office_head@a")}
    assert seen == {"leader@a": {"P", "PS", "A", "S"}, "leader@b": {"PB"}, "office_head@a": {"A", "S"}}
    leader = users["leader@a"]
    with engine.db.session() as s:
        listed = set(s.scalars(select(Assignment.directive_id).where(
            permissions.see_clause(s, leader, permissions.ASSIGNMENT))))
        assert listed == {ids[n] for n in ("P", "PS", "A", "S")}
        task = s.scalars(select(Assignment).where(Assignment.directive_id == ids["P"])).one()
        own = s.scalars(select(Assignment).where(Assignment.directive_id == ids["A"])).one()
        assert not permissions.acts_as_office_on(s, leader, permissions.ASSIGNMENT, task.id)
        assert permissions.acts_as_office_on(s, leader, permissions.ASSIGNMENT, own.id)
        province_step = SimpleNamespace(role="leader", unit_id=org.unit_by_code(s, "UBND").id, directive_id=ids["P"],
                                        assignment_id=task.id, completed_by=None, performers=None)
        assert not permissions.may_act(s, leader, province_step)
        waiting = set(s.scalars(select(WorkItem.id).where(WorkItem.status == "ready", permissions.act_clause(
            s, leader, role=WorkItem.role, unit_id=WorkItem.unit_id, directive_id=WorkItem.directive_id,
            assignment_id=WorkItem.assignment_id, performers=WorkItem.performers))))
        assert set(s.scalars(select(WorkItem.directive_id).where(WorkItem.id.in_(waiting)))) <= {ids["A"], ids["S"]}
    for act in (lambda: manual.urge(engine, task.id, "Khẩn trương", leader),
                lambda: extensions.request_explanation(engine, task.id, "Vì sao chậm?", leader),
                lambda: changes.withdraw(engine, task.id, "Không cần", leader, "Chủ tịch"),
                lambda: changes.adjust(engine, task.id, {"new_content": "Việc khác"}, leader, "Chủ tịch")):
        with pytest.raises(Forbidden):
            act()


def test_a_ward_s_chairman_reads_no_secret_task_of_the_province_where_the_ruleset_does_not_name_the_leader(
        bodies, monkeypatch):
    """The province's secret task to the ward is read by the ward's Chairman only where [secrecy] visible_to names
    the leader (Quỳnh Nhai does): without it, he reads the province's other tasks to the ward, not that one."""
    engine, users, ids = bodies
    ids["PS"] = _register(engine, "PS", "xa-a", users["office_head@province"], secrecy="confidential")
    monkeypatch.setattr(permissions, "_secret_rulesets", lambda session, user: [])
    assert _seen(engine, users["leader@a"], {"P": ids["P"], "PS": ids["PS"]}) == {"P"}


def test_a_directive_is_its_registering_office_s_body_s(bodies):
    engine, _users, ids = bodies
    with engine.db.session() as s:
        bodies_of = {name: s.get_one(Directive, i).issuing_body_id for name, i in ids.items()}
        assert bodies_of == {"P": org.unit_by_code(s, "UBND").id, "A": org.unit_by_code(s, "xa-a").id,
                             "S": org.unit_by_code(s, "xa-a").id}
        assert org.body_of(s, org.unit_by_code(s, "xa-a-kt").id).code == "xa-a"
        assert org.body_of(s, org.unit_by_code(s, "VP").id).code == "UBND"


def test_a_ward_clerk_gives_tasks_to_the_ward_s_units_only(bodies):
    engine, users, _ids = bodies
    with pytest.raises(directives.AssignmentError, match="not a unit of the issuing body"):
        _register(engine, "X", "STC", users["clerk@a"])
    with pytest.raises(directives.AssignmentError, match="not a unit of the issuing body"):
        _register(engine, "Y", "xa-b", users["clerk@a"])
    _register(engine, "Z", "xa-b", users["clerk@province"])  # the province gives tasks to any commune


def test_the_office_and_leader_of_a_directive_are_its_body_s(bodies):
    engine, users, ids = bodies
    with engine.db.session() as s:
        for name, office, leader in (("P", "province", "province"), ("A", "a", "a")):
            assignment = s.scalars(select(Assignment).where(Assignment.directive_id == ids[name])).one()
            told = {role: [u.username for u in permissions.holders_for_assignment(s, assignment, role)]
                    for role in ("clerk", "office_head", "leader")}
            assert told == {"clerk": [f"clerk_{office}"], "office_head": [f"office_head_{office}"],
                            "leader": [f"leader_{leader}"]}, name
            units = {role: permissions.default_unit(s, role, ids[name]).code for role in ("clerk", "leader")}
            assert units == ({"clerk": "VP", "leader": "UBND"} if name == "P" else {"clerk": "xa-a", "leader": "xa-a"})


def test_a_ward_office_counts_its_own_directives_and_the_province_its_own(bodies):
    engine, users, _ids = bodies
    q = registry.AssignmentQuery()
    with engine.db.session() as s:
        totals = {name: registry.search(s, users[name], q).total
                  for name in ("clerk@province", "office_head@a", "clerk@a", "clerk@b", "xa_a")}
    assert totals == {"clerk@province": 1, "office_head@a": 2, "clerk@a": 1, "clerk@b": 0, "xa_a": 3}


def test_the_province_sees_what_it_saw_before_any_commune_was_a_body(database_url, clock, tmp_path):
    """Province directives to communes, then the communes marked bodies with directives of their own:
    every organisation-wide role of the province sees the same records, in lists and one by one."""
    engine = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path)
    try:
        with engine.db.session() as s:
            for code, (name, parent, kind) in UNITS.items():
                org.create_unit(s, code, name, parent_code=parent, kind=kind, tracking_office=code == "VP")
            people = {role: org.create_user(s, role, PASSWORD, role, "VP", [role]) for role in ORG_WIDE}
            ward_clerk = org.create_user(s, "vp_a", PASSWORD, "vp_a", "xa-a", ["clerk"])
            engine.load_ruleset(s)
        for n, lead in enumerate(("xa-a", "xa-a-kt", "STC")):
            _register(engine, f"P{n}", lead, people["clerk"])
        _register(engine, "PS", "STC", people["office_head"], secrecy="secret")

        def views() -> dict[str, tuple[set[int], ...]]:
            with engine.db.session() as s:
                return {role: tuple(set(s.scalars(select(model.id).where(permissions.see_clause(s, user, kind))))
                                    for model, kind in ((Directive, permissions.DIRECTIVE),
                                                        (Assignment, permissions.ASSIGNMENT)))
                        for role, user in people.items()}

        before = views()
        with engine.db.session() as s:
            org.mark_issuing_body(s, "xa-a", True)
        _register(engine, "A0", "xa-a-kt", ward_clerk)
        assert views() == before and before["clerk"][0] and before["leader"][0] > before["clerk"][0]
    finally:
        engine.close()



def test_a_unit_no_longer_a_body_hands_its_directives_to_the_province(bodies):
    """Its office is gone: the province's office tracks them, lists and records alike."""
    engine, users, ids = bodies
    with engine.db.session() as s:
        org.mark_issuing_body(s, "xa-a", False)
    assert _seen(engine, users["clerk@province"], ids) == {"P", "A"}
    assert _seen(engine, users["office_head@province"], ids) == {"P", "A", "S"}
    with engine.db.session() as s:
        listed = set(s.scalars(select(Assignment.directive_id).where(
            permissions.see_clause(s, users["clerk@province"], permissions.ASSIGNMENT))))
    assert listed == {ids["P"], ids["A"]}


def test_the_hubs_documents_are_the_tracking_offices_alone(bodies, tmp_path):
    """A document from the national hub waits for the province's office: a ward's clerk, who
    registers the ward's own directives, may neither list, register nor dismiss it."""
    from engine.errors import Forbidden
    from engine.exchange import received
    engine, users, _ids = bodies
    with engine.db.session() as s:
        takes = {name: permissions.may_take_hub_documents(s, s.get(User, users[name].id))
                 for name in ("clerk@province", "office_head@province", "clerk@a", "office_head@b", "xa_a")}
    assert takes == {"clerk@province": True, "office_head@province": True, "clerk@a": False,
                     "office_head@b": False, "xa_a": False}
    assert received.receive(engine, (HUB_SAMPLES / "document_sdk.xml").read_bytes(), [], users["clerk@province"],
                            "document_sdk.xml").action == received.KEPT
    with engine.db.session() as s:
        [row] = received.waiting(s)
    with pytest.raises(Forbidden):
        received.dismiss(engine, row.id, "Không theo dõi", users["clerk@a"])
    with pytest.raises(Forbidden):
        received.register(engine, row.id, [{"content": "Việc", "lead_unit": "xa-a-kt", "deadline": "20/03/2026"}],
                          users["clerk@a"])
    received.dismiss(engine, row.id, "Không theo dõi", users["clerk@province"])


def test_the_secret_register_is_read_and_reminded_per_body(bodies, clock):
    """A body's register is read by the roles [secrecy] visible_to names in that body (office head,
    leader): the province's office head does not read the ward's secret S, the ward's not the
    province's Q; a clerk of either reads none; each paper report reminds only its own body's readers."""
    engine, users, ids = bodies
    ids["Q"] = _register(engine, "Q", "STC", users["office_head@province"], secrecy="confidential")
    with engine.db.session() as s:
        settings = engine.compiled(engine.current_bundle(s)).settings
        symbols = {s.get_one(Directive, i).id: s.get_one(Directive, i).symbol for i in ids.values()}
        read = {}
        for name in ("office_head@province", "leader@province", "office_head@a", "leader@a", "office_head@b"):
            found = secrecy.visible_documents(s, s.get_one(User, users[name].id), settings)
            read[name] = {symbols[d.directive_id] for d in found}
        for name in ("clerk@province", "clerk@a"):
            with pytest.raises(Forbidden):
                secrecy.visible_documents(s, s.get_one(User, users[name].id), settings)
        lines = {symbols[d.directive_id]: d.id for d in s.scalars(select(SecretDocument))}
    q, s_ = symbols[ids["Q"]], symbols[ids["S"]]
    assert read == {"office_head@province": {q}, "leader@province": {q}, "office_head@a": {s_}, "leader@a": {s_},
                    "office_head@b": set()}
    with pytest.raises(NotFound):  # the province's office head closes no line of the ward's register
        secrecy.close_secret_document(engine, lines[s_], users["office_head@province"])
    drive.run_timers_at(engine, clock, datetime(2026, 3, 31, 9, 0))
    with engine.db.session() as s:
        reminded = {(symbol, username) for symbol in (q, s_) for username in s.scalars(
            select(User.username).join(Notification, Notification.user_id == User.id).where(
                Notification.kind == "paper_report", Notification.body.contains(symbol)))}
    assert reminded == {(q, "office_head_province"), (q, "leader_province"), (s_, "office_head_a"), (s_, "leader_a")}
    secrecy.close_secret_document(engine, lines[s_], users["office_head@a"])



def test_a_follow_up_officer_is_a_clerk_of_the_directive_s_body(bodies):
    """A ward's clerk, who may not open the province's directive, is neither offered, nor accepted
    (at registration or classification), nor told as its follow-up officer: the province's office
    would not hear of its task (found on a seeded Cà Mau, the classification listing every
    commune's clerk beside the province's)."""
    engine, users, ids = bodies
    raw = {"symbol": "77/UBND-VP", "issued_on": "12/02/2026", "issuer": "UBND", "summary": "Văn bản F"}
    task = {"content": "Việc", "lead_unit": "STC", "deadline": "20/03/2026"}
    with pytest.raises(directives.AssignmentError, match="not an active tracking clerk of the office") as refused:
        directives.register(engine, raw, [{**task, "follow_up_officer": "clerk_a"}], users["clerk@province"])
    assert refused.value.field == "follow_up_officer"
    directive_id = directives.register(engine, raw, [task], users["clerk@province"]).id
    with engine.db.session() as s:
        item = s.scalars(select(WorkItem).where(WorkItem.directive_id == directive_id,
                                                WorkItem.element_id == "classify")).one()
        offered = {u.username for u in engine.runtime.people(s, item)["follow_up_officer"]}
    assert offered == {"clerk_province"}
    with pytest.raises(FormValidationError) as refused_step:
        engine.runtime.complete(item.id, {"tracked": "on", "follow_up_officer": "clerk_a"}, users["clerk@province"])
    assert set(refused_step.value.errors) == {"follow_up_officer"}
    with engine.db.session() as s:  # one named before this check: the office is told in their stead
        assignment = s.scalars(select(Assignment).where(Assignment.directive_id == ids["P"])).one()
        assignment.follow_up_officer_id = users["clerk@a"].id
        told = [u.username for u in permissions.holders_for_assignment(s, assignment, "clerk")]
    assert told == ["clerk_province"]


def test_a_ward_s_office_officer_who_also_does_the_ward_s_work_sees_and_is_given_the_province_s_task(bodies):
    """A small ward's office officer often also receives the tasks the province gives the ward (clerk and unit
    officer), and its Chairman heads the ward (leader and unit head): each sees what either role sees, so the
    province's task to the ward is in the officer's inbox, not only in that of a colleague holding the unit role
    alone (a walk of tinh-2025 in Chromium found it in nobody's sight but theirs)."""
    engine, _users, ids = bodies
    with engine.db.session() as s:
        both = {"vp_xa_a": org.create_user(s, "vp_xa_a", PASSWORD, "Văn phòng và chuyên viên", "xa-a",
                                           ["clerk", "unit_officer"]),
                "ct_xa_a": org.create_user(s, "ct_xa_a", PASSWORD, "Chủ tịch và thủ trưởng", "xa-a",
                                           ["leader", "unit_head"])}
    assert {name: _seen(engine, user, ids) for name, user in both.items()} == {
        "vp_xa_a": {"P", "A", "S"}, "ct_xa_a": {"P", "A", "S"}}
    with engine.db.session() as s:
        officer = s.get_one(User, both["vp_xa_a"].id)
        handle = s.scalars(select(WorkItem).where(WorkItem.directive_id == ids["P"], WorkItem.element_id == "handle",
                                                  WorkItem.status == "ready")).one()
        inbox = set(s.scalars(select(WorkItem.id).where(WorkItem.status == "ready", permissions.act_clause(
            s, officer, role=WorkItem.role, unit_id=WorkItem.unit_id, directive_id=WorkItem.directive_id,
            assignment_id=WorkItem.assignment_id, performers=WorkItem.performers))))
        assert handle.id in inbox
        assert permissions.may_act(s, officer, handle)
        assignment = s.get_one(Assignment, handle.assignment_id)
        assert permissions.speaks_for_lead_unit(s, officer, assignment)   # passes it down, asks for more time
        # the province office's step on that task (a correction, a review) is not the ward office's
        office_step = SimpleNamespace(role="clerk", unit_id=org.unit_by_code(s, "VP").id, directive_id=ids["P"],
                                      assignment_id=assignment.id, completed_by=None, performers=None)
        assert not permissions.may_act(s, officer, office_step)
        own = s.scalars(select(Assignment).where(Assignment.directive_id == ids["A"])).one()
        assert permissions.acts_as_office_on(s, officer, permissions.ASSIGNMENT, own.id)
    # nor does the ward's office urge, question, adjust, withdraw or edit the province's task: its own body's only
    vp = both["vp_xa_a"]
    for act in (lambda: manual.urge(engine, assignment.id, "Khẩn trương", vp),
                lambda: extensions.request_explanation(engine, assignment.id, "Vì sao chậm?", vp),
                lambda: changes.withdraw(engine, assignment.id, "Không cần", vp, "Chủ tịch"),
                lambda: changes.adjust(engine, assignment.id, {"new_content": "Việc khác"}, vp, "Chủ tịch"),
                lambda: changes.edit_header(engine, ids["P"], {"summary": "Đổi"}, vp)):
        with pytest.raises(Forbidden):
            act()
    with engine.db.session() as s, pytest.raises(Forbidden):
        documents.attach(s, engine.blobs, s.get_one(Directive, ids["P"]), [], vp)
    assert manual.urge(engine, own.id, "Khẩn trương", vp).told >= 1

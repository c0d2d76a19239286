"""The registry's shortcuts at a million assignments (bench/scale_reads) give what the long way
gives: the deadline order walked along its index and the same order sorted (for the filters
that keep rows far along it) list the same rows in the same order, a department's scope
counted on its links' index decides the counting limit as reading its assignments would, and a
unit's registry read from its links' copies (engine.directives.link_copies) lists, orders and
counts what reading its assignments gives."""
from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, event, func, insert, select, text, update

from engine.directives.link_copies import TEXT_CUT
from engine.directives.models import (
    Assignment,
    AssignmentUnit,
    Directive,
    LinkCopy,
    task_given_by,
    task_words_match,
)
from engine.org.models import Unit, User
from engine.outcomes import BUCKETS, Outcome, bucket, outcome_is, outcome_of
from engine.registry import service as registry
from engine.text import fold
from engine.working_days import WorkingCalendar

NOW = datetime(2026, 2, 12, 2, 0, tzinfo=UTC)
TODAY = date(2026, 2, 12)
URGENCIES = ("normal", "urgent", "flash")


@pytest.fixture
def filled(loaded):
    """96 assignments: STC's (some to its section, some coordinated with it, some secret), SXD's
    and the office's: deadlines shared, missing, open-ended, past and to come; done or not."""
    with loaded.db.session() as s:
        unit = {u.code: u.id for u in s.scalars(select(Unit))}
        directive = Directive(ruleset="dak-lak", doc_type="CV", number="9", symbol="9/UBND-VP", summary="Về việc thử",
                              issuer="UBND tỉnh", issued_on=TODAY, urgency="normal", tracked=True, status="assigned",
                              created_at=NOW, extra={})
        s.add(directive)
        s.flush()
        rows = []
        for n in range(96):
            lead = ("STC", "STC-NS", "SXD", "VP")[n % 4]
            deadline = None if n % 7 == 0 else TODAY + timedelta(days=n % 5 * 10 - 20)
            rows.append({"directive_id": directive.id, "seq": n + 1, "content": f"Nhiệm vụ {n}", "created_at": NOW,
                         "search_text": fold(f"Nhiệm vụ {n}"),
                         "lead_unit_id": unit[lead], "deadline": deadline,
                         "assigned_on": TODAY - timedelta(days=60 + n % 2 * 20), "urgency": URGENCIES[n % 3],
                         "deadline_kind": "open" if deadline is None else "dated", "secret": n % 11 == 0,
                         "progress": "blocked" if n % 9 == 4 else "not_started" if n % 3 else "in_progress",
                         "status": "closed" if n % 13 == 5 else "open",
                         "completed_on": TODAY - timedelta(days=n % 4) if n % 6 == 0 else None,
                         "last_update_at": None if n % 5 == 0 else NOW - timedelta(days=n % 3)})
        s.execute(insert(Assignment), rows)
        ids = {a.seq: (a.id, a.lead_unit_id) for a in s.scalars(select(Assignment))}
        links = [{"assignment_id": aid, "unit_id": lead, "role": "lead"} for aid, lead in ids.values()]
        # STC coordinates some of its section's and SXD's: linked twice within its scope, or once
        links += [{"assignment_id": aid, "unit_id": unit["STC"], "role": "coordinating"}
                  for seq, (aid, lead) in ids.items() if seq % 2 == 0 and lead in (unit["STC-NS"], unit["SXD"])]
        s.execute(insert(AssignmentUnit), links)
    return loaded


def _user(s, username: str) -> User:
    return s.scalar(select(User).where(User.username == username))


def _ids(page: registry.Page) -> list[int]:
    return [row.assignment.id for row in page.rows]


ORDERS = {"deadline": lambda a: (a.deadline is None, a.deadline or TODAY, a.id),
          "-updated": lambda a: (a.last_update_at is None, -(a.last_update_at or NOW).timestamp(), -a.id)}


def _expected(s, user: User, outcome: str | None, sort: str = "deadline") -> list[int]:
    """The rows the user may see with this outcome (a bucket takes its sub-state), in this order,
    sorted in Python."""
    query = registry.visible_assignments(s, user)
    seen = [a for a in s.scalars(query) if outcome is None or outcome in (outcome_of(a, TODAY),
                                                                          bucket(outcome_of(a, TODAY)))]
    return [a.id for a in sorted(seen, key=ORDERS[sort])]


@pytest.mark.parametrize("username", ["stc", "clerk"])
@pytest.mark.parametrize(("sort", "outcome"), [("deadline", None), ("deadline", Outcome.OVERDUE),
                                               ("deadline", Outcome.NOT_STARTED), ("-updated", None),
                                               ("-updated", Outcome.IN_PROGRESS)])
def test_the_walked_and_the_sorted_orders_list_the_same_rows(filled, username, sort, outcome):
    """Without a period the order is walked along its index; with a period that takes every row
    it is sorted: the same rows, in the same order, a page at a time too."""
    with filled.db.reading() as s:
        user = _user(s, username)
        expected = _expected(s, user, outcome, sort)
        walked = registry.search(s, user, registry.AssignmentQuery(outcome=outcome, sort=sort, per_page=200))
        sorted_ = registry.search(s, user, registry.AssignmentQuery(outcome=outcome, sort=sort, per_page=200,
                                                                    period_from=TODAY - timedelta(days=90)))
        pages = [registry.search(s, user, registry.AssignmentQuery(outcome=outcome, sort=sort, per_page=4, page=n))
                 for n in (1, 2, 3)]
    assert len(expected) > 4 and _ids(walked) == _ids(sorted_) == expected
    assert sum((_ids(page) for page in pages), []) == expected[:12]


def test_a_departments_scope_is_counted_on_its_links(filled, monkeypatch):
    """STC sees its own, its section's and those it coordinates, secret ones included, each
    once though linked twice: up to the counting limit the outcomes are counted, one past it
    not, as when the rows themselves were read."""
    with filled.db.reading() as s:
        user = _user(s, "stc")
        seen = len(_expected(s, user, None))
        monkeypatch.setattr(registry, "COUNT_LIMIT", seen)
        exact = registry.search(s, user, registry.AssignmentQuery())
        overdue = registry.search(s, user, registry.AssignmentQuery(outcome=Outcome.OVERDUE))
        monkeypatch.setattr(registry, "COUNT_LIMIT", seen - 1)
        capped = registry.search(s, user, registry.AssignmentQuery())
        capped_overdue = registry.search(s, user, registry.AssignmentQuery(outcome=Outcome.OVERDUE))
        overdue_seen = len(_expected(s, user, Outcome.OVERDUE))
    assert (exact.total, exact.total_exact, sum(exact.counts[o] for o in BUCKETS)) == (seen, True, seen)
    assert (capped.total, capped.total_exact, capped.counts, capped.any_exact) == (seen, False, {}, False)
    assert capped_overdue.total == overdue.total == overdue_seen > 0
    assert capped_overdue.total_exact and _ids(capped_overdue) == _ids(overdue)


@pytest.mark.parametrize("asked", [{}, {"text": "viec thu"}, {"origin": "own"}])
def test_a_department_linked_alone_to_more_than_the_limit_is_over_it_without_a_distinct_count(filled, monkeypatch,
                                                                                                asked):
    """STC is itself linked to more of its scope's tasks than a limit of its links' number less one:
    its scope is over that limit, decided off STC's own links without counting the whole scope's
    distinct; with a limit no unit passes alone (some of its section's tasks STC does not
    coordinate), they are counted distinct (over it, or not at the number of tasks STC sees): the
    same totals as reading the rows. The same with a text or an origin every task matches (every
    directive's words hold "viec thu", every directive is the office's own), decided off STC's
    links that match."""
    with filled.db.session() as s:
        stc = s.scalar(select(Unit.id).where(Unit.code == "STC"))
        s.execute(delete(AssignmentUnit).where(AssignmentUnit.unit_id == stc, AssignmentUnit.role == "coordinating",
                                               AssignmentUnit.assignment_id.in_(
                                                   select(Assignment.id).where(Assignment.seq % 8 == 2))))
    seen_statements: list[str] = []
    event.listen(filled.db.engine, "before_cursor_execute", lambda *args: seen_statements.append(args[2]))
    with filled.db.reading() as s:
        user = _user(s, "stc")
        seen = len(_expected(s, user, None))
        own = s.scalar(select(func.count()).where(AssignmentUnit.unit_id == stc))
        shown = {}
        for limit in (own - 1, own, seen - 1, seen):
            monkeypatch.setattr(registry, "COUNT_LIMIT", limit)
            seen_statements.clear()
            page = registry.search(s, user, registry.AssignmentQuery(**asked))
            shown[limit] = (page.total, page.total_exact, any("SELECT DISTINCT" in statement
                                                              for statement in seen_statements))
    assert own < seen - 1
    assert shown == {own - 1: (own, False, False), own: (own + 1, False, True), seen - 1: (seen, False, True),
                     seen: (seen, True, True)}


LINK_VIEWS = {
    "no filter": {}, "overdue": {"outcome": Outcome.OVERDUE}, "done": {"outcome": "done"},
    "in progress": {"outcome": Outcome.IN_PROGRESS}, "not started": {"outcome": Outcome.NOT_STARTED},
    "done late": {"outcome": Outcome.DONE_LATE}, "fallen due": {"outcome": "fallen_due"},
    "period": {"period_from": TODAY - timedelta(days=70), "period_to": TODAY},
    "urgency": {"urgency": "flash"}, "difficulties": {"blocked": True}, "own section": {"unit_code": "STC-NS"},
    "department": {"unit_code": "STC"}, "another department": {"unit_code": "SXD"},
    "section, overdue, urgent": {"unit_code": "STC-NS", "outcome": Outcome.OVERDUE, "urgency": "urgent"},
    "-deadline": {"sort": "-deadline"}, "-updated, not started": {"sort": "-updated", "outcome": Outcome.NOT_STARTED},
    "page 3 of 5": {"page": 3, "per_page": 5}, "page 2 of 4, period": {"page": 2, "per_page": 4,
                                                                      "period_from": TODAY - timedelta(days=70)},
    # a text in some tasks' content ("nhiem vu 1"), in one directive's words and past the copy of
    # some long contents ("giai ngan"), in either ("thu"); an origin, the other directive's or not
    "text of a content": {"text": "nhiem vu 1"}, "text of a directive": {"text": "giai ngan"},
    "text, overdue": {"text": "thu", "outcome": Outcome.OVERDUE},
    "text, page 2 of 3": {"text": "thu", "page": 2, "per_page": 3},
    "origin: own": {"origin": "own"}, "origin: province, urgent": {"origin": "province", "urgency": "urgent"},
    "section, text": {"unit_code": "STC-NS", "text": "giai ngan"},
    # past the links' copy of a directive's long words
    "text past a directive's copy": {"text": "ton dong"},
}


def _shown(page: registry.Page) -> tuple:
    return _ids(page), page.total, page.counts, page.any_outcome, page.total_exact, page.any_exact, page.pages


@pytest.mark.parametrize("limit", [1000, 20])
def test_a_units_registry_on_its_links_shows_what_its_assignments_give(filled, monkeypatch, limit):
    """Two departments' registries, read from the links' copies, against the same views read
    from the assignments (the organisation-wide roles' way): the same rows in the same order,
    the same counts, totals and pages, under the counting limit and over it; a first page without
    filter over the limit walked to along the assignments' order, page 3 of 5 read from the links,
    a text and an origin from the copies of the assignments' content and directive."""
    monkeypatch.setattr(registry, "COUNT_LIMIT", limit)
    monkeypatch.setattr(registry, "_WALKED_ROWS", 8)
    with filled.db.session() as s:  # some cancelled, some moved to another directive, some reworded,
        # by bulk UPDATEs the triggers copy
        s.execute(update(Assignment).where(Assignment.seq % 17 == 3).values(status="cancelled"))
        other = Directive(ruleset="dak-lak", doc_type="CV", number="10", symbol="10/UBND-VP", origin="province",
                          summary="Về việc giải ngân", issuer="UBND tỉnh", issued_on=TODAY, urgency="normal",
                          tracked=True, status="assigned", created_at=NOW, extra={})
        s.add(other)
        s.flush()
        s.execute(update(Assignment).where(Assignment.seq % 3 == 1).values(directive_id=other.id))
        long_words = Directive(ruleset="dak-lak", doc_type="CV", number="11", symbol="11/UBND-VP",
                               summary="Về việc " + "rà soát " * 80 + "tồn đọng", issuer="UBND tỉnh", issued_on=TODAY,
                               urgency="normal", tracked=True, status="assigned", created_at=NOW, extra={})
        s.add(long_words)
        s.flush()
        s.execute(update(Assignment).where(Assignment.seq % 11 == 4).values(directive_id=long_words.id))
        s.execute(update(Assignment).where(Assignment.seq % 5 == 2).values(content="Thu ngân sách",
                                                                           search_text=fold("Thu ngân sách")))
        # the words past the links' copy of the content (cut at link_copies.TEXT_CUT)
        longer = "Nhiệm vụ " + "rất dài " * 100 + "giải ngân"
        s.execute(update(Assignment).where(Assignment.seq % 7 == 3).values(content=longer, search_text=fold(longer)))
    with filled.db.reading() as s:
        for username, (view, asked) in itertools.product(("stc", "sxd"), LINK_VIEWS.items()):
            user, q = _user(s, username), registry.AssignmentQuery(**{"per_page": 200, **asked})
            # a unit asked for outside the user's (STC's for SXD, SXD for STC), and those meeting
            # difficulties (through their own index): read from the assignments
            outside = bool(q.unit_code) and (username == "sxd") == ("STC" in (q.unit_code or ""))
            assert (registry._links_in_scope(s, user, q) is None) == (outside or q.blocked), (username, view)
            on_links = registry.search(s, user, q)
            with monkeypatch.context() as m:
                m.setattr(registry, "_links_in_scope", lambda *_args: None)
                long_way = registry.search(s, user, q)
            assert _shown(on_links) == _shown(long_way), (username, view)
            assert view != "no filter" or len(_ids(long_way)) > 4


def test_postgresql_connections_compile_no_query(engine):
    """PostgreSQL's JIT compiled the queries it costed high, a department's inbox count among
    them: 18 ms of its 43 (bench/scale_reads). The engine's connections turn it off, keeping
    the options the database URL gives (a test schema's search_path)."""
    if engine.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    with engine.db.reading() as s:
        assert s.scalar(text("SHOW jit")) == "off"
        assert s.scalar(text("SHOW search_path")) != '"$user", public'


@pytest.mark.parametrize("asked", [{"unit_code": "STC"}, {"unit_code": "STC-NS", "outcome": Outcome.NOT_STARTED},
                                   {"unit_code": "SXD", "sort": "-updated"},
                                   {"unit_code": "STC", "page": 2, "per_page": 5}])
def test_a_unit_the_clerk_asks_for_is_probed_or_walked_alike(filled, monkeypatch, asked):
    """The clerk (every unit, no secret task) asking for a unit: its assignments probed by id and
    sorted (few of them: _PROBED_ROWS) or walked to along the order with the links joined (many)
    give the same rows, order, counts and pages as the rows linked to the unit, sorted in Python."""
    with filled.db.reading() as s:
        clerk, q = _user(s, "clerk"), registry.AssignmentQuery(**asked)
        units = {u.id for u in s.scalars(select(Unit).where(Unit.code.startswith(q.unit_code)))}
        linked = set(s.scalars(select(AssignmentUnit.assignment_id).where(AssignmentUnit.unit_id.in_(units))))
        expected = [i for i in _expected(s, clerk, q.outcome, q.sort) if i in linked]
        shown = {}
        for probed in (0, 10 ** 6):
            monkeypatch.setattr(registry, "_PROBED_ROWS", probed)
            shown[probed] = _shown(registry.search(s, clerk, q))
    begins = (q.page - 1) * q.per_page
    assert shown[0] == shown[10 ** 6] and shown[0][0] == expected[begins:begins + q.per_page]
    assert shown[0][1] == len(expected) > 4


SPREAD = [{"text": "viec thu"}, {"text": "nhiem vu 1"}, {"origin": "own"},
          {"text": "nhiem vu", "outcome": Outcome.OVERDUE},
          {"origin": "own", "urgency": "urgent", "page": 3, "per_page": 5},
          {"text": "viec thu", "page": 2, "per_page": 10},
          # given recently: those whose deadline is 10 days or more ahead (far along the order)
          {"period_from": TODAY - timedelta(days=15)}, {"period_from": TODAY - timedelta(days=15), "text": "nhiem vu"},
          {"period_from": TODAY - timedelta(days=90), "period_to": TODAY - timedelta(days=70),
           "page": 2, "per_page": 5},
          {"period_to": TODAY - timedelta(days=70), "outcome": Outcome.OVERDUE}]


@pytest.mark.parametrize("limit", [1000, 20])
@pytest.mark.parametrize("asked", SPREAD)
def test_a_text_or_an_origin_walked_within_a_bound_or_sorted_lists_the_same_rows(filled, monkeypatch, asked, limit):
    """The clerk's page with a text, an origin or a period, walked to along the deadline order within
    its first rows (_WALK_BOUND: 60 of the 96, or all; a period's from its earliest deadline) or,
    when fewer match there than the page holds, sorted (a bound of 3): the same rows, order, counts
    and pages as the matching rows sorted in Python, under the counting limit and over it. On
    PostgreSQL the walk is taken where enough rows lie within the bound (every directive's words
    match "viec thu", every directive is own; "nhiem vu 1" is in 11 of the 96 tasks' content, some
    beyond the 60th; the recent period's tasks lie beyond the 40th, from its earliest deadline),
    always without one; SQLite sorts."""
    monkeypatch.setattr(registry, "COUNT_LIMIT", limit)
    with filled.db.session() as s:
        s.execute(update(Assignment).where(Assignment.deadline >= TODAY + timedelta(days=10))
                  .values(assigned_on=TODAY - timedelta(days=10)))
    walk, taken = registry._walked_within_bound, []

    def spy(*args):
        found = walk(*args)
        taken.append(found is not None)
        return found
    monkeypatch.setattr(registry, "_walked_within_bound", spy)
    with filled.db.reading() as s:
        clerk, q = _user(s, "clerk"), registry.AssignmentQuery(**asked)
        matching = {a.id for a in s.scalars(registry.visible_assignments(s, clerk))
                    if fold(q.text) in fold(a.content, a.directive.symbol, a.directive.summary, a.directive.issuer)
                    and (not q.urgency or a.urgency == q.urgency) and (q.period_from or date.min) <= a.assigned_on
                    <= (q.period_to or date.max)}
        expected = [i for i in _expected(s, clerk, q.outcome) if i in matching]
        shown = {}
        for bound in (3, 60, 10 ** 6):
            monkeypatch.setattr(registry, "_WALK_BOUND", bound)
            shown[bound] = _shown(registry.search(s, clerk, q))
    begins = (q.page - 1) * q.per_page
    assert shown[3] == shown[60] == shown[10 ** 6] and shown[3][0] == expected[begins:begins + q.per_page]
    assert shown[3][1] == min(len(expected), limit + 1) and len(shown[3][0]) > 1
    dense = q.text != "nhiem vu 1"
    assert taken == ([] if filled.db.is_sqlite else [False, dense, True])  # with bounds 3, 60, 10⁶


@pytest.mark.parametrize("asked", [{"text": "viec thu"}, {"origin": "own"},
                                   {"text": "viec thu", "outcome": Outcome.OVERDUE, "per_page": 5},
                                   {"text": "viec thu", "page": 2, "per_page": 3}])
def test_a_departments_text_over_the_limit_is_walked_to_first_or_read_from_its_links(filled, monkeypatch, asked):
    """A department's text or origin matching more than COUNT_LIMIT of its tasks ("viec thu" is in
    every directive's words): on PostgreSQL its page is first walked to along the assignments' deadline
    order within _WALK_BOUND, and read from its links' copies when fewer rows lie there (a bound of 3):
    the same rows, order, counts and pages either way as read from the assignments the long way."""
    monkeypatch.setattr(registry, "COUNT_LIMIT", 10)
    walk, taken = registry._walked_within_bound, []

    def spy(*args):
        found = walk(*args)
        taken.append(found is not None)
        return found
    with filled.db.reading() as s:
        user, q = _user(s, "stc"), registry.AssignmentQuery(**asked)
        with monkeypatch.context() as m:
            m.setattr(registry, "_links_in_scope", lambda *_args: None)
            long_way = _shown(registry.search(s, user, q))
        monkeypatch.setattr(registry, "_walked_within_bound", spy)
        shown = {}
        for bound in (3, 10 ** 6):
            monkeypatch.setattr(registry, "_WALK_BOUND", bound)
            shown[bound] = _shown(registry.search(s, user, q))
    assert shown[3] == shown[10 ** 6] == long_way and long_way[1] == 11 and len(long_way[0]) > 1
    assert taken == ([] if filled.db.is_sqlite else [False, True])


def test_a_text_is_matched_on_the_copies_of_its_directives_words(filled):
    """A directive reworded by a bulk UPDATE (as a sync or an import writes it): a department's text
    (read from its links) and the clerk's (from the assignments) find its tasks by its new words, and
    no statement looks for the words in the directives themselves (their set, 15,625 directives for
    "giai ngan" at 1M, was built in every count)."""
    with filled.db.session() as s:
        s.execute(update(Directive).values(summary="Về việc tồn kho", search_text=fold("9/UBND-VP Về việc tồn kho")))
    statements: list[str] = []
    event.listen(filled.db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with filled.db.reading() as s:
        shown = {}
        for username in ("stc", "clerk"):
            user = _user(s, username)
            shown[username] = [_ids(registry.search(s, user, registry.AssignmentQuery(text=text, per_page=200)))
                               for text in ("ton kho", "viec thu")]
            assert shown[username][0] == _expected(s, user, None) and shown[username][1] == [], username
    assert not [statement for statement in statements if "directives.search_text LIKE" in statement]


def _plan(s, query) -> str:
    compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
    return "\n".join(s.scalars(text(f"EXPLAIN {compiled}")))


@pytest.mark.parametrize("limit", [1000, 9])
def test_the_clerks_overdue_ones_are_counted_off_the_not_in_time_index(filled, monkeypatch, limit):
    """The clerk's overdue ones, with some done late, some done after today (overdue as of today),
    some cancelled and one reopened: the same rows, order, counts and pages as those sorted in
    Python, under the counting limit and over it, with the other outcomes' tabs counted or not.
    On PostgreSQL their condition lets the planner count them off ix_assignments_not_in_time (its
    predicate is said again, without a parameter)."""
    monkeypatch.setattr(registry, "COUNT_LIMIT", limit)
    with filled.db.session() as s:
        s.execute(update(Assignment).where(Assignment.seq % 10 == 1).values(completed_on=TODAY + timedelta(days=1)))
        s.execute(update(Assignment).where(Assignment.seq % 17 == 3).values(status="cancelled"))
        s.execute(update(Assignment).where(Assignment.seq == 25).values(completed_on=None))
    with filled.db.reading() as s:
        clerk = _user(s, "clerk")
        expected = _expected(s, clerk, Outcome.OVERDUE)
        asked = [registry.AssignmentQuery(outcome=Outcome.OVERDUE, per_page=4, page=n) for n in (1, 2, 3)]
        pages = [_shown(registry.search(s, clerk, q)) for q in asked]
        untabbed = [_shown(registry.search(s, clerk, q, tabs=False)) for q in asked]
        read_off = _plan_of_overdue(s, clerk) if not filled.db.is_sqlite else "ix_assignments_not_in_time"
    assert sum((page[0] for page in pages), []) == expected[:12] and len(expected) > 10
    assert {page[1] for page in pages} == {min(len(expected), limit + 1)}
    # without the tabs (the office's day): the same rows and total, no other outcome counted
    assert [page[:2] for page in untabbed] == [page[:2] for page in pages]
    assert [(page[2], page[5]) for page in untabbed] == [({}, False)] * 3
    assert "ix_assignments_not_in_time" in read_off


def _plan_of_overdue(s, user: User) -> str:
    """PostgreSQL's plan of the clerk's overdue ones, sequential scans off (96 rows are read
    faster without an index): which index it can read them from."""
    overdue = outcome_is(Outcome.OVERDUE, TODAY, WorkingCalendar.from_db(s))
    query = registry._filtered(s, user, registry.AssignmentQuery()).where(overdue)
    s.execute(text("SET LOCAL enable_seqscan = off"))
    compiled = query.with_only_columns(Assignment.id).compile(s.get_bind(), compile_kwargs={"literal_binds": True})
    return "\n".join(s.scalars(text(f"EXPLAIN {compiled}")))


def test_own_origin_is_asked_through_the_few_directives_of_another_level():
    """A directive's origin is nearly always the office's own: those of another level are the
    ones read (ix_directives_origin), not the 125,000 own ones hashed at 1M."""
    condition = str(task_given_by("own", LinkCopy.directive_id))
    assert "NOT IN" in condition and "directives.origin IS NOT NULL" in condition


def test_the_longer_contents_are_asked_with_their_index_predicate_said_again():
    """A text on the links reads the whole content and directive's words of those longer than their
    copies through ix_assignments_long_text: its condition is the index's predicate, not a parameter (with which a
    prepared statement's generic plan scanned the million assignments: 145 ms against 14)."""
    condition = str(task_words_match("giai ngan", LinkCopy).compile())
    assert f"(length(search_text) > {TEXT_CUT} OR length(directive_search_text) > {TEXT_CUT})" in condition


@pytest.mark.parametrize("asked", [{"text": "giai ngan"}, {"origin": "own"}])
def test_a_units_text_and_origin_are_read_off_its_links_index(filled, asked):
    """On PostgreSQL a department's text or origin is matched on its links' index alone (the
    copies of the content and the directive's words, and the directive, carried there): no link row, no
    assignment read."""
    if filled.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    with filled.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE assignment_units")  # its rows all visible: what a read of 1M sees
    with filled.db.reading() as s:
        units = registry._links_in_scope(s, _user(s, "stc"), registry.AssignmentQuery(**asked))
        query = select(LinkCopy.id).where(AssignmentUnit.unit_id.in_(units),
                                          *registry._column_filters(registry.AssignmentQuery(**asked), LinkCopy))
        s.execute(text("SET LOCAL enable_seqscan = off"))
        s.execute(text("SET LOCAL enable_bitmapscan = off"))
        compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(s.scalars(text(f"EXPLAIN {compiled}")))
    assert "Index Only Scan using ix_assignment_units_unit_copies" in plan, plan



def test_postgresql_reads_are_planned_for_their_own_values(engine):
    """A statement prepared on the server gets a generic plan after a few runs, which for the
    registry's filters can be several times slower than the one its values call for: a reading
    transaction does not prepare its statements; a writing one does (a step's, by key), and a
    later reading transaction on that connection does not use them."""
    if engine.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    probe = text("SELECT count(*) FROM units WHERE code <> :code")
    runs = text("SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements "
                "WHERE statement LIKE '%FROM units WHERE code <>%'")

    def run_probe(s) -> int:
        """How many runs of the probe its prepared form took on this connection, over 12 runs of it."""
        before = s.scalar(runs)
        for _ in range(12):
            s.execute(probe, {"code": "x"})
        return s.scalar(runs) - before

    with engine.db.reading() as s:
        assert run_probe(s) == 0
    with engine.db.session() as s:
        assert run_probe(s) > 0
    with engine.db.reading() as s:
        assert run_probe(s) == 0

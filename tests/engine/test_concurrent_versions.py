"""Two process admins save or publish versions of the same ruleset at the same moment (on
PostgreSQL two real connections): each save gets its own number, and one version stays in force."""
from __future__ import annotations

import threading

from sqlalchemy import select

from engine.rulesets import service
from engine.rulesets.loader import BundleSource
from engine.rulesets.models import BundleStatus, ProcessBundle
from engine.rulesets.service import publish_bundle, published_bundle, store_bundle

ROUNDS = 3  # a race may go either way; repeat to exercise both orders


def at_once(*actions) -> list[object]:
    """Run each action in its own thread; returns each one's result or exception."""
    results: list[object] = [None] * len(actions)

    def run(n: int) -> None:
        try:
            results[n] = actions[n]()
        except Exception as exc:  # noqa: BLE001 — the test reports what each admin met
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def variant(mini, comment: str) -> BundleSource:
    """The published mini ruleset with a setting changed: a version of its own content."""
    with mini.engine.db.reading() as s:
        bundle = published_bundle(s, "mini")
        return BundleSource("mini", bundle.files, {**bundle.settings, "name": f"Mini {comment}"})


def test_two_versions_saved_at_once_get_their_own_numbers(mini, monkeypatch):
    engine = mini.engine
    both_checked = threading.Barrier(2)
    compile_bundle = service.compile_bundle

    def checked_together(source, **options):  # both saves have checked their bundle before either stores it
        compiled = compile_bundle(source, **options)
        both_checked.wait(30)
        return compiled

    monkeypatch.setattr(service, "compile_bundle", checked_together)

    def save(source: BundleSource):
        def action() -> int:
            with engine.db.session() as s:
                return store_bundle(s, source, engine.cache, actor=mini.admin, publish=False, origin="modeler").number
        return action

    for round_ in range(ROUNDS):
        numbers = at_once(save(variant(mini, f"{round_}a")), save(variant(mini, f"{round_}b")))
        assert all(isinstance(n, int) for n in numbers), numbers
        assert sorted(numbers) == [2 + 2 * round_, 3 + 2 * round_]


def test_two_versions_published_at_once_leave_one_in_force(mini):
    engine = mini.engine
    for round_ in range(ROUNDS):
        with engine.db.session() as s:
            ids = [store_bundle(s, variant(mini, f"{round_}{n}"), engine.cache, publish=False).id for n in "ab"]
        both_read = threading.Barrier(2)

        def publish(bundle_id: int, both_read: threading.Barrier = both_read):
            def action() -> int:
                with engine.db.session() as s:
                    bundle = s.get_one(ProcessBundle, bundle_id)
                    if not engine.db.is_sqlite:  # (SQLite: the first session's read took the write lock)
                        both_read.wait(30)  # both have read the versions before either publishes
                    publish_bundle(s, bundle, actor=mini.admin)
                return bundle_id
            return action

        assert sorted(at_once(*(publish(i) for i in ids))) == sorted(ids)
        with engine.db.reading() as s:
            in_force = list(s.scalars(select(ProcessBundle.id).where(
                ProcessBundle.ruleset == "mini", ProcessBundle.status == BundleStatus.PUBLISHED)))
        assert len(in_force) == 1 and in_force[0] in ids, in_force


def test_two_first_loads_of_a_ruleset_at_once_store_one_version(mini, monkeypatch):
    """Two hosts run `dondoc ruleset load` on a fresh database: there is no version row yet to
    wait on, yet both end with the same single version (PostgreSQL: the second met the unique
    number and failed)."""
    engine = mini.engine
    both_checked = threading.Barrier(2)
    compile_bundle = service.compile_bundle

    def checked_together(source, **options):
        compiled = compile_bundle(source, **options)
        both_checked.wait(30)
        return compiled

    monkeypatch.setattr(service, "compile_bundle", checked_together)
    with engine.db.reading() as s:
        bundle = published_bundle(s, "mini")
        source = BundleSource("mini-2025", bundle.files, bundle.settings)

    def load() -> int:
        with engine.db.session() as s:
            return store_bundle(s, source, engine.cache, actor=mini.admin).id

    first, second = at_once(load, load)
    assert isinstance(first, int) and first == second, (first, second)
    with engine.db.reading() as s:
        assert published_bundle(s, "mini-2025").number == 1

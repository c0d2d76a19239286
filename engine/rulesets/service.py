"""Process versions in the database and the per-worker cache of compiled bundles."""
from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import lock_name
from engine.errors import NotReady
from engine.rulesets.loader import BundleSource, CompiledBundle, compile_bundle, read_ruleset
from engine.rulesets.models import BundleStatus, ProcessBundle


class BundleCache:
    """Compiled bundles by id. Parsing is done once per bundle and worker process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._compiled: dict[int, CompiledBundle] = {}

    def get(self, bundle: ProcessBundle) -> CompiledBundle:
        with self._lock:
            compiled = self._compiled.get(bundle.id)
        if compiled is None:
            compiled = compile_bundle(BundleSource(bundle.ruleset, bundle.files, bundle.settings), stored=True)
            with self._lock:
                self._compiled[bundle.id] = compiled
        return compiled

    def by_id(self, session: Session, bundle_id: int) -> CompiledBundle:
        """The compiled bundle, reading its (large) row only on this worker's first use."""
        with self._lock:
            compiled = self._compiled.get(bundle_id)
        return compiled if compiled is not None else self.get(session.get_one(ProcessBundle, bundle_id))

    def put(self, bundle_id: int, compiled: CompiledBundle) -> None:
        with self._lock:
            self._compiled[bundle_id] = compiled


def store_bundle(session: Session, source: BundleSource, cache: BundleCache, *, actor=None,
                 comment: str | None = None, publish: bool = True, origin: str = "disk",
                 based_on: ProcessBundle | None = None) -> ProcessBundle:
    """Check `source` and store it as the next version of its ruleset, made from `based_on` (or
    return the stored version with the same content). Raises RulesetError, storing nothing, if it
    is invalid."""
    compiled = compile_bundle(source)
    _lock_versions(session, source.ruleset)
    digest = source.content_hash
    existing = session.scalar(select(ProcessBundle).where(
        ProcessBundle.ruleset == source.ruleset, ProcessBundle.content_hash == digest))
    if existing is not None:
        cache.put(existing.id, compiled)
        if publish and existing.status != BundleStatus.PUBLISHED:
            publish_bundle(session, existing, actor=actor)
        return existing
    number = (session.scalar(select(func.max(ProcessBundle.number)).where(
        ProcessBundle.ruleset == source.ruleset)) or 0) + 1
    bundle = ProcessBundle(ruleset=source.ruleset, number=number, content_hash=digest, files=source.files,
                           settings=source.settings, status=BundleStatus.DRAFT, source=origin, created_at=clock.now(),
                           created_by=getattr(actor, "id", None), comment=comment,
                           based_on_id=based_on.id if based_on else None)
    session.add(bundle)
    session.flush()
    cache.put(bundle.id, compiled)
    audit.record(session, "bundle.created", "process_bundle", bundle.id, actor=actor,
                 after={"ruleset": bundle.ruleset, "number": number, "hash": digest}, comment=comment)
    if publish:
        publish_bundle(session, bundle, actor=actor)
    return bundle


def publish_bundle(session: Session, bundle: ProcessBundle, *, actor=None) -> None:
    """Make `bundle` the version new directives of its ruleset start on."""
    _lock_versions(session, bundle.ruleset)
    for other in session.scalars(select(ProcessBundle).where(
            ProcessBundle.ruleset == bundle.ruleset, ProcessBundle.status == BundleStatus.PUBLISHED)):
        if other.id != bundle.id:
            other.status = BundleStatus.RETIRED
    bundle.status = BundleStatus.PUBLISHED
    bundle.published_at = clock.now()
    audit.record(session, "bundle.published", "process_bundle", bundle.id, actor=actor,
                 after={"ruleset": bundle.ruleset, "number": bundle.number})


def _lock_versions(session: Session, ruleset: str) -> None:
    """PostgreSQL: wait for another admin's save or publish of the same ruleset to commit, so that
    the versions read next are theirs too (two saves at once took the same number; two publishes
    at once each retired the old version and left both theirs in force). A lock on the ruleset's
    name, held to the end of the transaction, not on its version rows: the first load of a ruleset
    has none to lock (two hosts loading it at once both took number 1), and steps starting
    instances on a version are not held up. SQLite: a writing session already holds the
    database's write lock."""
    lock_name(session, f"ruleset:{ruleset}")


def not_loaded(ruleset: str) -> NotReady:
    """The refusal of whatever needs a version of `ruleset` before `dondoc ruleset load` has run."""
    return NotReady("No version of ruleset %(ruleset)s is loaded yet (dondoc ruleset load).", ruleset=ruleset)


def published_bundle(session: Session, ruleset: str) -> ProcessBundle | None:
    return session.scalar(select(ProcessBundle).where(
        ProcessBundle.ruleset == ruleset, ProcessBundle.status == BundleStatus.PUBLISHED))


def load_ruleset_from_disk(session: Session, processes_dir: str | Path, ruleset: str, cache: BundleCache,
                           *, actor=None) -> ProcessBundle:
    return store_bundle(session, read_ruleset(processes_dir, ruleset), cache, actor=actor,
                        comment=None,  # the origin says it came from the files
                        based_on=published_bundle(session, ruleset))

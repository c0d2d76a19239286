"""Process versions in the database and the per-worker cache of compiled bundles."""
from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import lock_name
from engine.errors import NotReady
from engine.rulesets.loader import BundleSource, CompiledBundle, compile_bundle, read_ruleset
from engine.rulesets.models import BundleStatus, ProcessBundle
from engine.rulesets.settings import registry_version
from engine.sandbox.operators import OPERATORS

# Compiles a process keeps by content: the version in force of each ruleset it runs and the ones
# its instances still run on. A compile of dak-lak took 0.09–0.3 s of CPU, once per Engine (each
# test's, each scenario run's) and again for `ruleset load` before this cache.
KEPT_COMPILES = 8


class CompiledByContent:
    """Compiled bundles by what they are compiled from, shared by every Engine of the process.

    The key is the ruleset's name and the digest of its files, the common ones included, and
    settings (BundleSource.content_hash): an edited file or a newly published version is another
    key. A compile reads nothing else — no database, clock or working-day calendar — but the
    operators and the settings' keys and checks it consults, declared by the features
    (engine.features.discover): their registries' versions are in the key too, so that one
    declared after a compile of the same content is heeded by the next —
    and a compiled bundle is not changed after it: prepare_specs wires at compile time what
    SpiffWorkflow would wire lazily, and CompiledBundle.form's per-body forms are the same for
    every caller. A compile that skipped the settings check (`stored`) serves only such lookups;
    a checked one serves both. A refused source is not kept. The least recently used compile
    beyond `size` is dropped (an Engine keeps those it uses by id, in its BundleCache)."""

    def __init__(self, size: int = KEPT_COMPILES) -> None:
        self._lock = threading.Lock()
        self._size = size
        self._kept: OrderedDict[tuple[str, str, int, int], tuple[CompiledBundle, bool]] = OrderedDict()

    def compiled(self, source: BundleSource, *, stored: bool = False) -> CompiledBundle:
        """`source` compiled (see loader.compile_bundle), once per content. Concurrent first
        uses each compile (two admins' checks are not made to wait on each other)."""
        key = (source.ruleset, source.content_hash, OPERATORS.version, registry_version())
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and (stored or kept[1]):
                self._kept.move_to_end(key)
                return kept[0]
        # The bundle owns its source: the caller's dicts (a row's JSON columns) stay the caller's.
        own = BundleSource(source.ruleset, dict(source.files), copy.deepcopy(source.settings))
        compiled = compile_bundle(own, stored=stored)
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or not kept[1]:
                self._kept[key] = (compiled, not stored)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return compiled

    def __len__(self) -> int:
        return len(self._kept)


COMPILES = CompiledByContent()


class BundleCache:
    """Compiled bundles by id, for one Engine; compiled through the process's CompiledByContent,
    so that a version is parsed once per worker process whatever number of Engines use it."""

    def __init__(self, compiles: CompiledByContent = COMPILES) -> None:
        self._lock = threading.Lock()
        self._compiled: dict[int, CompiledBundle] = {}
        self.compiles = compiles

    def get(self, bundle: ProcessBundle) -> CompiledBundle:
        with self._lock:
            compiled = self._compiled.get(bundle.id)
        if compiled is None:
            compiled = self.compiles.compiled(BundleSource(bundle.ruleset, bundle.files, bundle.settings),
                                              stored=True)
            with self._lock:
                self._compiled[bundle.id] = compiled
        return compiled

    def by_id(self, session: Session, bundle_id: int) -> CompiledBundle:
        """The compiled bundle, reading its (large) row only on this Engine's first use."""
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
    compiled = cache.compiles.compiled(source)
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

"""The engine as one object: settings, database, compiled rulesets, runtime and the domain
services. The web UI, the REST API, the CLI and the tests all go through it."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine import clock as clock_module
from engine.config import Settings
from engine.db import Database
from engine.directives.attachments import blob_store
from engine.features import discover
from engine.rulesets.loader import CompiledBundle
from engine.rulesets.models import ProcessBundle
from engine.rulesets.service import BundleCache, load_ruleset_from_disk, not_loaded, published_bundle
from engine.runtime.service import Runtime
from engine.sandbox import ScriptLimits
from engine.sandbox.operators import OPERATORS
from engine.spiff.timers import follow_clock


class Engine:
    def __init__(self, settings: Settings | None = None, clock: clock_module.Clock | None = None):
        self.settings = settings or Settings.load()
        if clock is not None:
            clock_module.set_clock(clock)
        follow_clock()
        discover()
        self.db = Database(self.settings.database_url)
        self.blobs = blob_store(self.settings, self.db)  # where attachments' bytes live
        self.cache = BundleCache()
        self.runtime = Runtime(self.db, self.cache, OPERATORS, ScriptLimits(
            cpu_seconds=self.settings.script_cpu_seconds, memory_mb=self.settings.script_memory_mb,
            max_instances=self.settings.script_max_instances), kept_workflows=self.settings.workflow_cache_size)

    @property
    def ruleset(self) -> str:
        return self.settings.ruleset

    def load_ruleset(self, session: Session, ruleset: str | None = None, actor=None) -> ProcessBundle:
        return load_ruleset_from_disk(session, self.settings.processes_dir, ruleset or self.ruleset, self.cache,
                                      actor=actor)

    def current_bundle(self, session: Session) -> ProcessBundle:
        bundle = published_bundle(session, self.ruleset)
        if bundle is None:
            raise not_loaded(self.ruleset)
        return bundle

    def compiled(self, bundle: ProcessBundle) -> CompiledBundle:
        return self.cache.get(bundle)

    def close(self) -> None:
        self.db.dispose()

"""Python's garbage collector in a long-running process (issue #20).

A full collection walks every object the process holds. In a web worker ~230,000 of them are
built at start-up and live as long as it does (the compiled ruleset, SQLAlchemy's mappings, the
OpenAPI document); walking them took 110–120 ms, during which every thread of the worker waits:
the one slow call in ten of the 1M bench (bench/README.md). Frozen once loaded, they are left
out of every later collection. The cost: a frozen object that later becomes cyclic garbage (the
start's compiled ruleset once another version is published) is not reclaimed — once, bounded by
what was loaded at the start.
"""
from __future__ import annotations

import gc


def freeze_loaded_objects() -> None:
    """Leave every object alive now out of later garbage collections (call it once what lives
    as long as the process is loaded, before forking workers)."""
    gc.collect()
    gc.freeze()

"""A clock that several processes share, for tests only.

`testing_clock` (DONDOC_TESTING_CLOCK) is either an ISO datetime (a clock stopped at that
moment) or `file:<path>`: the moment is read from that file on every `now()`, so a test
moves the time of running `dondoc scheduler` processes by rewriting the file. Refused
unless `testing` is on: a production server must never run on a fake clock.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from engine.clock import Clock, ManualClock, _aware
from engine.config import Settings


class FileClock(Clock):
    def __init__(self, path: str | Path):
        self.path = Path(path)

    def now(self) -> datetime:
        return _aware(datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip()))

    def set(self, moment: datetime) -> None:
        """Move the time of every process reading this file (written atomically)."""
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(moment.isoformat(), encoding="utf-8")
        scratch.replace(self.path)


def configured_clock(settings: Settings) -> Clock | None:
    """The clock `settings.testing_clock` asks for, or None for the wall clock."""
    value = settings.testing_clock.strip()
    if not value:
        return None
    if not settings.testing:
        raise ValueError("testing_clock is a testing-only setting: refused because testing is off")
    if value.startswith("file:"):
        return FileClock(value.removeprefix("file:"))
    try:
        return ManualClock(datetime.fromisoformat(value))
    except ValueError:
        raise ValueError(f"testing_clock: '{value}' is neither an ISO datetime nor file:<path>") from None

"""The one clock every deadline, timer, reminder and report period reads (BPMN timers too:
engine.spiff.timers.follow_clock)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

C = TypeVar("C", bound="Clock")
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    """Wall clock. Always returns aware UTC datetimes."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's date in Vietnam (deadlines are Vietnamese calendar days)."""
        return self.now().astimezone(VN_TZ).date()


class ManualClock(Clock):
    """A clock that tests (and the testing-mode API) move by hand."""

    def __init__(self, start: datetime):
        self._lock = threading.Lock()
        self._now = _aware(start)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = _aware(moment)

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(UTC)


_current: Clock = Clock()
# A clock for one thread only: a process test run from the web UI moves its own time without
# moving the server's (engine.scenarios).
_local = threading.local()


def current_clock() -> Clock:
    return _current


def set_clock(clock: Clock) -> Clock:
    """Make `clock` the process-wide clock; returns the previous one."""
    global _current
    previous, _current = _current, clock
    return previous


@contextmanager
def in_this_thread(clock: C) -> Iterator[C]:
    """Read `clock` instead of the process-wide one in this thread, until the block ends."""
    previous, _local.clock = getattr(_local, "clock", None), clock
    try:
        yield clock
    finally:
        _local.clock = previous


def _reading() -> Clock:
    return getattr(_local, "clock", None) or _current


def now() -> datetime:
    return _reading().now()


def today() -> date:
    return _reading().today()


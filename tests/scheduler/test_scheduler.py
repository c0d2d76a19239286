"""The APScheduler wrapper (embedded in `dondoc serve`) and the testing clock setting."""
from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.clock import VN_TZ, ManualClock
from engine.config import Settings
from engine.scheduler.service import Scheduler
from engine.scheduler.testing_clock import FileClock, configured_clock
from tests.scheduler.conftest import notes, start_urging


def test_embedded_scheduler_ticks_in_the_background(urging, clock):
    clock.set(datetime(2026, 3, 2, 9, tzinfo=VN_TZ))
    start_urging(urging, "2026-03-05")
    clock.set(datetime(2026, 3, 4, 8, 1, tzinfo=VN_TZ))
    runner = Scheduler(urging, interval=1).start()  # first tick at once
    try:
        deadline = time.monotonic() + 10
        while not notes(urging) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner.shutdown()
    assert notes(urging) == [("stc", "reminder", "2026-03-04 08:01")] and runner.ticks >= 1


def test_the_scheduler_wakes_every_interval_given_else_the_settings(urging):
    """docs/installation.md: `dondoc scheduler --interval N`, else `scheduler_interval_seconds`."""
    assert Scheduler(urging, interval=7).interval == 7
    assert Scheduler(urging).interval == urging.settings.scheduler_interval_seconds == 60


def test_a_stopping_scheduler_lets_its_running_tick_end_first(urging, monkeypatch):
    """`dondoc scheduler` on SIGTERM stops ticking and, before the process ends, waits for the tick under
    way: leaving earlier refused the tick's new threads at interpreter shutdown (a tick cut half-way,
    with a traceback in the log, seen under load on PostgreSQL)."""
    from engine.scheduler import service

    started, release, ended = threading.Event(), threading.Event(), []
    monkeypatch.setattr(service, "tick", lambda engine: started.set() or release.wait(5) and ended.append(1))
    runner = Scheduler(urging, interval=60).start()
    assert started.wait(5)
    runner.shutdown(wait=False)   # what SIGTERM does
    threading.Timer(0.3, release.set).start()
    runner.finish_tick()
    assert ended == [1]


def test_a_stop_asked_while_the_scheduler_starts_is_not_lost(urging, monkeypatch):
    """SIGTERM reaching `dondoc scheduler` after its handler is set but before the scheduler runs (a
    process stopped while it starts, as systemd or a test may) stops it: before, the stop was a no-op
    and the blocking scheduler then ticked on until killed. Also a stop asked between the check and
    the start: the first tick, due at once, stops it instead of ticking."""
    from engine.scheduler import service

    ticked = []
    monkeypatch.setattr(service, "tick", lambda engine: ticked.append(1))
    early = Scheduler(urging, interval=60, blocking=True)
    early.shutdown(wait=False)    # what SIGTERM does, before start()
    returned = threading.Event()
    threading.Thread(target=lambda: early.start() and returned.set(), daemon=True).start()
    assert returned.wait(5) and ticked == []
    racing = Scheduler(urging, interval=60, blocking=True)
    racing._stop_asked.set()      # asked after start()'s check: the scheduler runs, its first tick stops it
    monkeypatch.setattr(racing._stop_asked, "is_set", iter([False, True, True]).__next__)
    done = threading.Event()
    threading.Thread(target=lambda: racing.start() and done.set(), daemon=True).start()
    assert done.wait(5) and ticked == []


def test_testing_clock_is_refused_outside_testing(tmp_path):
    with pytest.raises(ValueError, match="testing-only"):
        configured_clock(Settings(testing=False, testing_clock="2026-03-04T08:00:00+07:00"))
    with pytest.raises(ValueError, match="neither an ISO datetime"):
        configured_clock(Settings(testing=True, testing_clock="next tuesday"))
    assert configured_clock(Settings(testing=False)) is None
    fixed = configured_clock(Settings(testing=True, testing_clock="2026-03-04T08:00:00+07:00"))
    assert isinstance(fixed, ManualClock) and fixed.now() == datetime(2026, 3, 4, 8, tzinfo=VN_TZ)
    shared = configured_clock(Settings(testing=True, testing_clock=f"file:{tmp_path / 'clock'}"))
    assert isinstance(shared, FileClock)
    shared.set(datetime(2026, 3, 5, 9, tzinfo=VN_TZ))
    assert FileClock(tmp_path / "clock").now() == datetime(2026, 3, 5, 9, tzinfo=VN_TZ)


def test_scheduler_command_refuses_a_testing_clock_in_production(monkeypatch):
    from click.testing import CliRunner

    from webui.cli import cli

    env = {"DONDOC_TESTING": "0", "DONDOC_TESTING_CLOCK": "2026-03-04T08:00:00+07:00", "DONDOC_CONFIG": ""}
    result = CliRunner().invoke(cli, ["scheduler", "--interval", "1"], env=env)
    assert result.exit_code == 1 and "testing-only" in result.output


def test_a_timer_falling_due_during_a_step_still_wakes_its_instance(urging, clock):
    """SpiffWorkflow's last refresh_timers in do_engine_steps turns a timer that fell due
    meanwhile READY without running it; next_timer_due must still name it."""
    from engine.runtime.models import WorkflowInstance
    from engine.spiff.timers import next_timer_due

    clock.set(datetime(2026, 3, 2, 9, tzinfo=VN_TZ))
    start_urging(urging, "2026-03-05")
    with urging.db.session() as s:
        instance = s.scalars(select(WorkflowInstance)).one()
        _compiled, workflow = urging.runtime._load(s, instance)
    clock.set(datetime(2026, 3, 4, 8, 0, 1, tzinfo=VN_TZ))
    workflow.refresh_timers()  # what the end of a step does
    assert next_timer_due(workflow) == datetime(2026, 3, 4, 8, tzinfo=VN_TZ)

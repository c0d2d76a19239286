"""`tick` (one pass over due timers and due mail) and the APScheduler wrapper around it."""
from __future__ import annotations

import contextvars
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine import clock, metrics
from engine.api_tokens.service import purge_keys
from engine.exchange.inbox import import_folder
from engine.exchange.outbox import deliver_due
from engine.notifications.mail import send_due_mail
from engine.operations import logs
from engine.org.service import move_units_left_below_closed
from engine.reports.service import move_schedule
from engine.urging.steps import urge_steps
from engine.working_days.service import refresh_workflows

log = logging.getLogger(__name__)
# At most this many due instances per round. A tick keeps taking rounds while the last one
# found work and time has moved on (timers fell due meanwhile), so a burst (2,000 timers due
# within a minute) is fired without waiting for the next tick; MAX_ROUNDS bounds it anyway.
BATCH = 500
MAX_ROUNDS = 50
# Due instances advanced in one transaction on PostgreSQL: a commit and its round trips less
# per timer, while the row locks are held a few steps only. SQLite: one, as its write lock is
# the whole database's (other writers, the web's submissions, would wait for a whole batch)
# and its commits under WAL are cheap.
PER_TRANSACTION = 10


@dataclass
class TickResult:
    advanced: int = 0
    mail_sent: int = 0
    mail_failed: int = 0
    digests: int = 0
    refreshed: int | None = None  # workflows whose deadlines a calendar correction moved
    keys_purged: int = 0  # idempotency keys older than idempotency_key_days forgotten
    statuses_sent: int = 0  # edXML status messages the hub took (engine.exchange.outbox)
    statuses_failed: int = 0
    inbox_imported: int = 0  # edXML files of the watched folder (engine.exchange.inbox)
    inbox_failed: int = 0
    schedule_moved: bool = False  # the report calendar moved to the ruleset's new version (move_schedule)
    units_moved: int = 0  # sections moved below the successor of a unit closed today (move_units_left_below_closed)
    steps_urged: int = 0  # reminders, escalations and waiting notices of the late steps (engine.urging.steps)
    errors: int = 0  # parts that failed (logged); cron sees a non-zero exit


def tick(engine, moment: datetime | None = None) -> TickResult:
    """Move the sections of a unit closed from today (retired ahead of its day: `dondoc org retire`) below its
    successor, bring running workflows up to a calendar correction saved since the last tick (their
    timers may move), move the report calendar to a newly published ruleset version, advance
    every due workflow, urge the office's, units' and leaders' steps past their due day (and tell who a waiting step
    waits for), send due mail, forget old idempotency keys, import the edXML folder and
    send due edXML statuses. A failure in one part is logged and does not stop the others; the
    next tick tries again."""
    result = TickResult()
    try:  # before the timers: a section's step due today is its new unit's
        with engine.db.session() as session:
            result.units_moved = move_units_left_below_closed(session)
    except Exception:
        result.errors += 1
        log.exception("moving the sections of a unit closed today failed; retrying on the next tick")
    try:
        result.refreshed = refresh_workflows(engine, only_if_pending=True)
    except Exception:
        result.errors += 1
        log.exception("recomputing deadlines after a calendar correction failed; retrying on the next tick")
    try:  # before the timers: a calendar between two periods takes its next one on the new version
        result.schedule_moved = move_schedule(engine) is not None
    except Exception:
        result.errors += 1
        log.exception("moving the report calendar to the new ruleset version failed; retrying on the next tick")
    try:
        for _ in range(MAX_ROUNDS):
            started = moment or clock.now()
            advanced = _advance_due(engine, started)
            result.advanced += advanced
            if not advanced or (advanced < BATCH and (moment or clock.now()) == started):
                break
    except Exception:  # the database went away, say: log it, keep the scheduler alive
        result.errors += 1
        log.exception("timer run failed; retrying on the next tick")
    try:  # after the timers (a step they closed is not urged), before the mail (which sends its notices)
        result.steps_urged = urge_steps(engine, moment)
    except Exception:
        result.errors += 1
        log.exception("urging the late steps failed; retrying on the next tick")
    try:
        mail = send_due_mail(engine.db, engine.settings, moment)
        result.mail_sent, result.mail_failed, result.digests = mail.sent, mail.failed, mail.digests
        metrics.count_mails(mail.sent, mail.failed)
    except Exception:
        result.errors += 1
        log.exception("sending mail failed; retrying on the next tick")
    try:
        result.keys_purged = purge_keys(engine.db, timedelta(days=engine.settings.idempotency_key_days))
    except Exception:
        result.errors += 1
        log.exception("forgetting old idempotency keys failed; retrying on the next tick")
    try:
        pickup = import_folder(engine)
        result.inbox_imported, result.inbox_failed = pickup.imported, pickup.failed
    except Exception:
        result.errors += 1
        log.exception("importing the edXML folder failed; retrying on the next tick")
    try:
        delivery = deliver_due(engine.db, engine.settings, moment)
        result.statuses_sent, result.statuses_failed = delivery.sent, delivery.failed
    except Exception:
        result.errors += 1
        log.exception("sending edXML status messages failed; retrying on the next tick")
    if result.refreshed is not None:
        log.info("tick: deadlines recomputed after a calendar correction in %s workflows", result.refreshed)
    if result.advanced or result.mail_sent or result.mail_failed:
        log.info("tick: %s workflows advanced, %s mails sent, %s failed", result.advanced, result.mail_sent,
                 result.mail_failed)
    return result


def _advance_due(engine, moment: datetime) -> int:
    """Up to BATCH due instances. PostgreSQL: `scheduler_workers` threads, each claiming its
    own batches of PER_TRANSACTION (SKIP LOCKED); SQLite serialises writers: one thread, one
    instance a transaction."""
    if engine.db.is_sqlite:
        return _drain(engine, moment, BATCH, 1)
    workers = max(1, engine.settings.scheduler_workers)
    with ThreadPoolExecutor(workers, thread_name_prefix="dondoc-timers") as pool:
        # each in a copy of this thread's context: the tick's job id goes on the threads' log lines
        runs = [pool.submit(contextvars.copy_context().run, _drain, engine, moment, BATCH // workers,
                            PER_TRANSACTION) for _ in range(workers)]
        return sum(run.result() for run in runs)


def _drain(engine, moment: datetime, share: int, per_transaction: int) -> int:
    """Batches of due instances until none is left or `share` were taken."""
    taken = 0
    while taken < share:
        claimed = engine.runtime.fire_due_batch(moment, min(per_transaction, share - taken))
        taken += claimed
        if not claimed:
            break
    return taken


class Scheduler:
    """APScheduler running `tick` every `interval` seconds: in a background thread
    (embedded in the web server) or in the foreground (`dondoc scheduler`)."""

    def __init__(self, engine, interval: float | None = None, *, blocking: bool = False):
        self.engine = engine
        self.interval = interval or engine.settings.scheduler_interval_seconds
        kind = BlockingScheduler if blocking else BackgroundScheduler
        self._scheduler = kind(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self._scheduler.add_job(self.run_tick, "interval", seconds=self.interval, id="dondoc-tick",
                                next_run_time=datetime.now().astimezone())
        self.ticks = 0  # how many ticks ran (for status pages and tests)
        self._ticking = threading.Lock()  # held while a tick runs
        # a stop asked before the scheduler runs (SIGTERM while the process starts): start() then
        # returns, and a tick that the start let through stops it instead of ticking
        self._stop_asked = threading.Event()

    def run_tick(self) -> None:
        """One tick, as the timer runs it."""
        if self._stop_asked.is_set():
            self._scheduler.shutdown(wait=False)
            return
        with self._ticking, logs.bound(logs.new_job_id("tick")):  # the id of every line this tick writes
            tick(self.engine)
        self.ticks += 1

    def finish_tick(self) -> None:
        """Return once no tick runs (the one under way ends first). A process leaving before its tick
        ends has the tick's new threads refused ("cannot schedule new futures after interpreter
        shutdown": a tick stopped half-way, with a traceback in the log)."""
        with self._ticking:
            pass

    def start(self) -> Scheduler:
        """Start ticking; returns at once unless the scheduler is blocking, or it was stopped before."""
        if not self._stop_asked.is_set():
            self._scheduler.start()
        return self

    def shutdown(self, wait: bool = True) -> None:
        """Stop after the running tick (if any) has finished; asked before the start, no tick runs."""
        self._stop_asked.set()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)

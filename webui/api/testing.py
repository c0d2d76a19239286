"""The test clock, reachable only when the app runs in testing mode (settings.testing):
end-to-end tests move time and fire timers through it. 404 otherwise."""
from __future__ import annotations

from datetime import datetime

from flask import jsonify

from engine import clock
from engine.scheduler.testing_clock import FileClock
from webui.api.core import ApiError, blueprint, json_body, not_found
from webui.context import engine


def _testing_only() -> None:
    if not engine().settings.testing:
        raise not_found()


@blueprint.post("/testing/clock")
def testing_clock():
    _testing_only()
    raw = json_body().get("now")
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"now": "Enter an ISO datetime, e.g. 2026-02-23T08:00:00+07:00."}) from None
    current = clock.current_clock()
    if isinstance(current, clock.ManualClock | FileClock):  # a clock file moves every process's clock
        current.set(moment)
    else:
        clock.set_clock(clock.ManualClock(moment))
    return jsonify({"now": clock.now().isoformat()})


@blueprint.post("/testing/timers/run")
def testing_timers():
    _testing_only()
    return jsonify({"fired": engine().runtime.run_due_timers(), "now": clock.now().isoformat()})

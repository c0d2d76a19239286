"""`dondoc`, as the deployment tests run a scheduler: `webui.cli` with each tick's beginning and end
written to the file TICKS_FILE names ("b", "e"), so that settle (tests/deployment/harness.py) waits
for a tick begun after the clock moved instead of a quiet spell of guessed length."""
from __future__ import annotations

import os
from pathlib import Path

from engine.scheduler.service import Scheduler
from webui.cli import main

TICKS_FILE = "DEPLOYMENT_TICKS_FILE"


def counted(run_tick):
    """`Scheduler.run_tick` marking its beginning and end in the ticks file."""
    ticks = Path(os.environ[TICKS_FILE])

    def run(self: Scheduler) -> None:
        with ticks.open("a") as marks:
            marks.write("b")
        run_tick(self)
        with ticks.open("a") as marks:
            marks.write("e")
    return run


if __name__ == "__main__":
    Scheduler.run_tick = counted(Scheduler.run_tick)  # type: ignore[method-assign]
    main()

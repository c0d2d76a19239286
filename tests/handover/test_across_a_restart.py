"""Work handed over is the new holder's in the database, not in the memory of the process that handed it over: a
freshly started process, which has read nothing yet, lets the new holder complete it."""
from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from engine.config import REPO_ROOT
from engine.handover import service as handover
from engine.inspections.models import Inspection
from engine.org import service as org
from engine.org.models import User
from engine.runtime.models import WorkItem
from tests.conftest import PASSWORD
from tests.handover.conftest import work
from tests.handover.test_held_work import account, disable

# The new holder completes the step in a process of its own: a new engine over the same database.
COMPLETE = """
import sys
from sqlalchemy import select
from engine.config import Settings
from engine.core import Engine
from engine.org.models import User
engine = Engine(Settings.load(database_url=sys.argv[1], ruleset="dak-lak", processes_dir=sys.argv[2], testing=True))
with engine.db.reading() as s:
    user = s.scalar(select(User).where(User.username == "stcns2"))
engine.runtime.complete(int(sys.argv[3]), {"hand_over_note": "Báo cáo của phòng"}, user)
"""


def test_the_new_holder_completes_the_step_in_a_freshly_started_process(province, call, inspected, database_url):
    engine = province[0]
    item = work(call("stcns"), "inspection_hand_over")
    with engine.db.session() as s:
        org.create_user(s, "stcns2", PASSWORD, "Đặng Ngân Sách Mới", "STC-NS", ["unit_officer"])
    disable(engine, "stcns")
    with engine.db.session() as s:
        [held] = handover.held_work(s, account(s, "stc_gd"))
        handover.hand_over(s, account(s, "stc_gd"), held.kind, held.record_id, "stcns", "stcns2")
    engine.close()  # the process that handed it over keeps nothing open

    run = subprocess.run([sys.executable, "-c", COMPLETE, database_url, str(REPO_ROOT / "processes"), str(item["id"])],
                         capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
                         env={**os.environ, "DONDOC_CONFIG": "", "PYTHONPATH": str(REPO_ROOT)})
    assert run.returncode == 0, run.stderr
    with engine.db.reading() as s:
        done = s.get_one(WorkItem, item["id"])
        assert (done.status, done.completed_by) == ("completed", s.scalar(select(User.id).where(
            User.username == "stcns2")))
        assert s.get_one(Inspection, inspected).papers[-1].kind == "execution_reports"

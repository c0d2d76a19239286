"""Scenario files in the modeler: which version is the admin's draft, writing a scenario file
into it, and running a version's files (with an open diagram draft's text, when given)."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.orm import Session

from engine import audit
from engine.errors import EngineError
from engine.rulesets.disk import SCENARIO_DIR
from engine.rulesets.drafts import DraftError, publish_version, working_bundle
from engine.rulesets.loader import BundleSource
from engine.rulesets.models import ProcessBundle
from engine.rulesets.service import BundleCache, store_bundle
from engine.scenarios.runner import ScenarioResult, run_bundle
from engine.scenarios.spec import parse_scenario
from engine.working_days import cached_overrides

MAX_TEXT = 100_000
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,80}")
TEMPLATE = '''# Kịch bản kiểm thử: một văn bản được đăng ký, các bước xử lý, và điều phải xảy ra.
# Người: clerk, office_head, leader, inspector, stc, stc_head, sxd, snv.
# Đơn vị: UBND, VP, STC, STC-NS, SXD, SNV. Ngày: dd/mm/yyyy, giờ: dd/mm/yyyy HH:MM.
title = "Văn bản thường: hạn phân loại"

[given]
on = "12/02/2026 09:00"
by = "clerk"

[given.directive]
symbol = "101/UBND-VP"
issued_on = "12/02/2026"

[[given.directive.tasks]]
content = "Báo cáo kết quả"
lead_unit = "STC"
deadline = "06/03/2026"

[given.expect]
work_items = [{ task = "classify", due = "23/02/2026", role = "clerk" }]

[[steps]]
on = "23/02/2026 10:00"
by = "clerk"
do = "complete"            # complete | request_extension | start_report_calendar | wait
task = "classify"
data = { tracked = "on" }

[steps.expect]
work_items = [{ task = "handle", unit = "STC" }]
'''


class ScenarioError(EngineError):
    pass


class ScenariosFailed(DraftError):
    """Publishing a version whose scenario files do not all pass."""


def scenario_path(name: str) -> str:
    """`scenarios/<name>.toml` for a file name a person typed (letters, digits, - and _)."""
    name = name.strip().removeprefix(SCENARIO_DIR).removesuffix(".toml")
    if not _NAME.fullmatch(name):
        raise ScenarioError("Name the file with lower-case letters, digits, - or _ (for example han-phan-loai).")
    return f"{SCENARIO_DIR}{name}.toml"


def save_scenario(session: Session, cache: BundleCache, ruleset: str, name: str, text: str, actor,
                  comment: str = "") -> ProcessBundle:
    """Check the file and store the draft with it as a new unpublished version. Raises
    ScenarioFileError (the problems, in Vietnamese, with line and key) or ScenarioError."""
    path = scenario_path(name)
    if len(text.encode("utf-8")) > MAX_TEXT:
        raise ScenarioError("The scenario file is too large.")
    parse_scenario(path, text)
    base = working_bundle(session, ruleset)
    if base.files.get(path) == text:
        return base
    source = BundleSource(ruleset, {**base.files, path: text}, base.settings)
    bundle = store_bundle(session, source, cache, actor=actor, publish=False, origin="modeler",
                          comment=comment.strip() or None, based_on=base)
    audit.record(session, "scenario.saved", "process_bundle", bundle.id, actor=actor,
                 after={"path": path, "number": bundle.number})
    return bundle


def run_version(session: Session, bundle: ProcessBundle,
                replaced: dict[str, str] | None = None) -> list[ScenarioResult]:
    """Every scenario file of `bundle`, with `replaced` files (an open draft's text) put in, on
    this deployment's working-day calendar (read through `session`)."""
    return run_bundle(BundleSource(bundle.ruleset, {**bundle.files, **(replaced or {})}, bundle.settings),
                      cached_overrides(session))


def failing(results: list[ScenarioResult]) -> list[ScenarioResult]:
    return [r for r in results if not r.ok]


def publish(session: Session, processes_dir: str | Path, bundle: ProcessBundle, actor) -> list[str]:
    """Put `bundle` into force (drafts.publish_version), refused while any of its scenario files fails."""
    failed = failing(run_version(session, bundle))
    if failed:
        raise ScenariosFailed("Version %(number)s was not published: %(count)s scenario file(s) fail: %(files)s.",
                              number=bundle.number, count=len(failed), files=", ".join(r.path for r in failed))
    return publish_version(session, processes_dir, bundle, actor)

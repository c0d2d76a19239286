"""Scenario files in the modeler: which version is the admin's draft, writing a scenario file
into it, and running a version's files (with an open diagram draft's text, when given)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import EngineError, NotFound
from engine.rulesets.loader import BundleSource
from engine.rulesets.models import BundleStatus, ProcessBundle
from engine.rulesets.service import BundleCache, store_bundle
from engine.scenarios.runner import ScenarioResult, run_bundle
from engine.scenarios.spec import SCENARIO_DIR, parse_scenario
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


def working_bundle(session: Session, ruleset: str) -> ProcessBundle:
    """The admin's draft: the newest version when it is newer than the one in force and not
    yet published; else the version in force."""
    newest = session.scalar(select(ProcessBundle).where(ProcessBundle.ruleset == ruleset)
                            .order_by(ProcessBundle.number.desc()).limit(1))
    published = session.scalar(select(ProcessBundle).where(
        ProcessBundle.ruleset == ruleset, ProcessBundle.status == BundleStatus.PUBLISHED))
    if newest is None:
        raise NotFound("No version of ruleset %(ruleset)s is loaded yet (dondoc ruleset load).", ruleset=ruleset)
    if published is not None and (newest.status != BundleStatus.DRAFT or newest.number < published.number):
        return published
    return newest


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
                          comment=comment.strip() or None)
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


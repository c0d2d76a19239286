"""A form edited in the form builder, saved through the drafts of diagrams (engine.rulesets.drafts):
the builder's data written into the draft's form file, then checked as loading does and kept
as an unpublished version."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

from sqlalchemy.orm import Session

from engine.rulesets import disk, drafts, form_edit
from engine.rulesets.models import ProcessBundle, ProcessDraft
from engine.rulesets.service import BundleCache, published_bundle


def form_key(draft: ProcessDraft) -> str:
    return draft.path.removeprefix(disk.FORM_DIR).removesuffix(".toml")


def save_form(session: Session, processes_dir: str | Path, cache: BundleCache, draft: ProcessDraft,
              data: Mapping, comment: str, actor, target: str | None = None) -> drafts.SaveResult:
    """Refused data (form_edit.FormEditError) changes nothing. Data that makes a form lose a field a
    diagram reads gives problems, the draft keeping the new text (as a refused diagram does);
    else the version is saved as drafts.save_version does."""
    if not disk.is_form_path(draft.path):
        raise drafts.DraftError("Process file %(path)s is not part of this ruleset.", path=draft.path)
    text = form_edit.apply(draft.xml, data)
    drafts.keep(draft, text, target)
    base = published_bundle(session, draft.ruleset) or session.get_one(ProcessBundle, draft.base_bundle_id)
    problems = form_edit.fields_still_read(base.files, form_key(draft), text)
    if problems:
        draft.problems = [asdict(p) for p in problems]
        return drafts.SaveResult(None, problems, [])
    return drafts.save_version(session, processes_dir, cache, draft, text, comment, actor)

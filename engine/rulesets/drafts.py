"""Modeler drafts (bản nháp quy trình): a process admin's edit of one process file, kept in
the database until it passes the checks and becomes a new ProcessBundle version.

An invalid diagram is never put into force, and the admin's work is never lost: every save
stores the XML in the draft first, then validates exactly as loading does
(loader.compile_bundle on the published bundle with the edited file replaced; the live check and
the save of the same diagram share one compile, engine.rulesets.service.CompiledByContent).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import EngineError
from engine.rulesets import disk
from engine.rulesets.errors import Problem, RulesetError
from engine.rulesets.foreign import as_utf8, utf8_text
from engine.rulesets.loader import NS, SAFE_XML, SETTINGS_FILE, BundleSource
from engine.rulesets.models import BundleStatus, DraftStatus, ProcessBundle, ProcessDraft
from engine.rulesets.service import BundleCache, not_loaded, publish_bundle, store_bundle
from engine.rulesets.settings_file import write_settings

MAX_XML = 2 * 1024 * 1024


class DraftError(EngineError):
    pass


class DiskConflict(DraftError):
    """The file on disk changed since the draft started, and the draft has edits too."""


@dataclass(frozen=True)
class SaveResult:
    bundle: ProcessBundle | None
    problems: list[Problem]
    warnings: list[Problem]


def open_draft(session: Session, processes_dir: str | Path, bundle: ProcessBundle, path: str,
               actor) -> ProcessDraft:
    """The admin's open draft of `path`, or a new one started from `bundle`'s file (the version
    in force, or the one the admin chose to continue from). An untouched draft of an older
    version is dropped for a fresh one."""
    path = disk.safe_path(path)
    if path not in bundle.files:
        raise DraftError("Process file %(path)s is not part of this ruleset.", path=path)
    draft = session.scalar(select(ProcessDraft).where(
        ProcessDraft.ruleset == bundle.ruleset, ProcessDraft.path == path, ProcessDraft.status == DraftStatus.OPEN,
        ProcessDraft.created_by == actor.id).order_by(ProcessDraft.id.desc()).limit(1))
    if draft is not None and (draft.base_bundle_id == bundle.id or _edited(session, draft)):
        return draft
    if draft is not None:  # untouched and a newer version is in force: start from that one
        draft.status = DraftStatus.DISCARDED
    moment = clock.now()
    draft = ProcessDraft(ruleset=bundle.ruleset, path=path, target="ruleset", xml=bundle.files[path],
                         base_bundle_id=bundle.id,
                         base_disk_hash=disk.read_disk_file(processes_dir, bundle.ruleset, path).hash,
                         status=DraftStatus.OPEN, created_by=actor.id, created_at=moment, updated_at=moment)
    session.add(draft)
    session.flush()
    return draft


def keep(draft: ProcessDraft, xml: str, target: str | None = None) -> None:
    """Store the editor's XML in the draft (autosave; no checks beyond size)."""
    if draft.status != DraftStatus.OPEN:
        raise DraftError("This draft was already saved or discarded.")
    if len(xml.encode("utf-8")) > MAX_XML:
        raise DraftError("The diagram is too large.")
    if target is not None and target not in disk.TARGETS:
        raise DraftError("Unknown target %(target)s.", target=target)
    draft.xml, draft.target = xml, target or draft.target
    draft.updated_at = clock.now()


def conflict(session: Session, processes_dir: str | Path, draft: ProcessDraft) -> disk.DiskFile | None:
    """The disk file when it changed since the draft started *and* the draft has edits."""
    current = disk.read_disk_file(processes_dir, draft.ruleset, draft.path)
    return current if _edited(session, draft) and current.hash != draft.base_disk_hash else None


def _edited(session: Session, draft: ProcessDraft) -> bool:
    return draft.xml != session.get_one(ProcessBundle, draft.base_bundle_id).files.get(draft.path)


def resolve_conflict(session: Session, processes_dir: str | Path, draft: ProcessDraft, choice: str,
                     actor) -> None:
    """'disk': restart the draft from the disk file (the draft's XML goes to the audit entry, so
    it is not lost); 'mine': keep the draft, accepting that publishing overwrites the disk file."""
    current = disk.read_disk_file(processes_dir, draft.ruleset, draft.path)
    if choice not in ("disk", "mine"):
        raise DraftError("Unknown choice %(choice)s.", choice=choice)
    before = {"disk_hash": draft.base_disk_hash}
    if choice == "disk":
        before["xml"] = draft.xml
        draft.xml = current.text or draft.xml
    draft.base_disk_hash = current.hash
    draft.updated_at = clock.now()
    audit.record(session, "draft.conflict_resolved", "process_draft", draft.id, actor=actor, before=before,
                 after={"choice": choice, "disk_hash": current.hash, "path": draft.path})


def save_version(session: Session, processes_dir: str | Path, cache: BundleCache, draft: ProcessDraft,
                 xml: str, comment: str, actor) -> SaveResult:
    """Keep the XML, then check the whole bundle with it. Passing: a new unpublished version
    (origin "modeler"). Failing: the problems, stored on the draft; nothing else changes.
    The caller commits in both cases so the draft survives."""
    keep(draft, xml)
    if conflict(session, processes_dir, draft) is not None:
        raise DiskConflict("%(path)s changed on disk since you started editing.", path=draft.path)
    source, dropped = _draft_source(session, draft, xml)
    try:
        bundle = store_bundle(session, source, cache, actor=actor, comment=comment.strip() or None,
                              publish=False, origin="modeler", based_on=_base(session, draft))
    except RulesetError as exc:
        problems = dropped + exc.problems
        draft.problems = [asdict(p) for p in problems]
        return SaveResult(None, problems, exc.warnings)
    draft.status, draft.bundle_id, draft.problems, draft.comment = DraftStatus.SAVED, bundle.id, None, comment
    audit.record(session, "draft.saved", "process_draft", draft.id, actor=actor,
                 after={"path": draft.path, "bundle": bundle.id, "number": bundle.number, "target": draft.target})
    return SaveResult(bundle, [], cache.get(bundle).warnings)


def _draft_source(session: Session, draft: ProcessDraft, xml: str) -> tuple[BundleSource, list[Problem]]:
    """The bundle a save of `xml` would store, and the problems of processes it drops that
    other files call."""
    base = _base(session, draft)
    # Scenario files written since (test data, not process) and settings changed in the settings
    # form go on with the draft's version.
    working = working_bundle(session, draft.ruleset)
    tests = disk.scenario_files(working.files)
    source = BundleSource(draft.ruleset, {**base.files, **tests, draft.path: xml}, working.settings)
    # A dropped process that another file calls always fails the callers' check too; this
    # problem says, in the file being saved, what the save would break.
    return source, dropped_calls(base.files, draft.path, xml)


def _base(session: Session, draft: ProcessDraft) -> ProcessBundle:
    """The version whose files a save of `draft` carries on: the one in force (else the draft's own)."""
    published = session.scalar(select(ProcessBundle).where(
        ProcessBundle.ruleset == draft.ruleset, ProcessBundle.status == BundleStatus.PUBLISHED))
    return published or session.get_one(ProcessBundle, draft.base_bundle_id)


def check(session: Session, cache: BundleCache, draft: ProcessDraft, xml: str) -> list[Problem]:
    """The problems saving `xml` would meet, found as a save finds them; nothing is stored (the
    editor's live check, so that it agrees with the save, which reuses a passing check's compile)."""
    source, dropped = _draft_source(session, draft, xml)
    try:
        cache.compiles.compiled(source)
    except RulesetError as exc:
        return dropped + exc.problems
    return dropped


def uploaded_xml(data: bytes) -> str:
    """An uploaded .bpmn/.dmn file as the text a draft keeps (UTF-8, whatever it declared)."""
    if len(data) > MAX_XML:
        raise DraftError("The diagram is too large.")
    try:
        return utf8_text(data)
    except UnicodeDecodeError:
        raise DraftError("The file is not in the encoding it declares (UTF-8 when it declares none): "
                         "save it again as UTF-8 and upload it again.") from None


def dropped_calls(files: dict[str, str], path: str, xml: str) -> list[Problem]:
    """Processes `path` defined in `files` that `xml` no longer defines (nor any other file),
    for each call activity of another file that calls one."""
    others = {other: _tree(text) for other, text in files.items() if other != path and other.endswith(".bpmn")}
    before, after = _tree(files.get(path, "")), _tree(xml)
    if before is None or after is None:  # a malformed diagram gets its own problem
        return []
    kept = _process_ids(after).union(*(_process_ids(tree) for tree in others.values() if tree is not None))
    gone = {node.get("id"): node.get("name") or node.get("id")
            for node in before.xpath("bpmn:process", namespaces=NS) if node.get("id") not in kept}
    return [Problem(path, None, "This diagram no longer defines process %(process)s, which %(file)s calls from "
                    "%(element)s: keep the process or change that file first.", None,
                    {"process": f"{gone[call.get('calledElement')]} ({call.get('calledElement')})", "file": other,
                     "element": call.get("name") or call.get("id") or ""})
            for other, tree in others.items() if tree is not None
            for call in tree.xpath(".//bpmn:callActivity", namespaces=NS) if call.get("calledElement") in gone]


def _tree(text: str):
    try:
        return etree.fromstring(as_utf8(text), SAFE_XML) if text else None
    except etree.XMLSyntaxError:
        return None


def _process_ids(tree) -> set[str]:
    return {node.get("id") for node in tree.xpath("bpmn:process", namespaces=NS)}


def discard(session: Session, draft: ProcessDraft, actor) -> None:
    draft.status = DraftStatus.DISCARDED
    draft.updated_at = clock.now()
    audit.record(session, "draft.discarded", "process_draft", draft.id, actor=actor, after={"path": draft.path})


def publish_version(session: Session, processes_dir: str | Path, bundle: ProcessBundle, actor) -> list[str]:
    """Put `bundle` into force for new directives (also an earlier one: a rollback) and write its
    process and scenario files and its settings (ruleset.toml) back to disk so `dondoc ruleset load`
    reads the same thing.
    The modeler publishes through engine.scenarios.service.publish, which runs the scenario
    files first."""
    previous = session.scalar(select(ProcessBundle).where(
        ProcessBundle.ruleset == bundle.ruleset, ProcessBundle.status == BundleStatus.PUBLISHED))
    publish_bundle(session, bundle, actor=actor)
    common = frozenset(session.scalars(select(ProcessDraft.path).where(
        ProcessDraft.bundle_id == bundle.id, ProcessDraft.target == "common")))
    with disk.all_or_nothing(processes_dir, bundle.ruleset, bundle.files, session):  # the caller rolls back on failure
        written = disk.write_files(processes_dir, bundle.ruleset, bundle.files, common)
        if write_settings(processes_dir, bundle.ruleset, bundle.settings):  # keeping the file's comments
            written.append(f"{bundle.ruleset}/{SETTINGS_FILE}")
    audit.record(session, "bundle.written_to_disk", "process_bundle", bundle.id, actor=actor,
                 before={"published": previous.number if previous else None},
                 after={"number": bundle.number, "files": written,
                        "rollback": bool(previous and previous.number > bundle.number)})
    return written


def working_bundle(session: Session, ruleset: str) -> ProcessBundle:
    """The admin's draft: the newest version when it is newer than the one in force and not
    yet published; else the version in force."""
    newest = session.scalar(select(ProcessBundle).where(ProcessBundle.ruleset == ruleset)
                            .order_by(ProcessBundle.number.desc()).limit(1))
    published = session.scalar(select(ProcessBundle).where(
        ProcessBundle.ruleset == ruleset, ProcessBundle.status == BundleStatus.PUBLISHED))
    if newest is None:
        raise not_loaded(ruleset)
    if published is not None and (newest.status != BundleStatus.DRAFT or newest.number < published.number):
        return published
    return newest


def versions(session: Session, ruleset: str) -> list[ProcessBundle]:
    return list(session.scalars(select(ProcessBundle).where(ProcessBundle.ruleset == ruleset)
                                .order_by(ProcessBundle.number.desc())))

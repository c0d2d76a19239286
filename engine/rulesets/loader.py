"""Read a ruleset folder, check everything in it, and compile it into runnable specs.

Checks, in order: XML well-formedness (entities and network off), the BPMN/DMN schemas
(SpiffWorkflow's validator), SpiffWorkflow's own semantic checks (building every spec),
then our lint: every script, condition, timer, multi-instance and DMN expression must
compile in the sandbox; every user task needs a lane mapped to a role and an existing
form; every exclusive gateway with several ways out needs a default flow. All problems are
collected and reported together; a bundle with any problem is never used.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.specs.defaults import UserTask

from engine.forms import FormDefinition, parse_form
from engine.rulesets.errors import Problem, RulesetError
from engine.rulesets.settings import check_settings
from engine.sandbox import check_code

COMMON = "common"
SETTINGS_FILE = "ruleset.toml"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_blank_text=False)
# (xpath, mode, what) — every place a diagram holds Python for the sandbox.
_BPMN_CODE = (
    (".//bpmn:scriptTask/bpmn:script", "exec", "script"),
    (".//bpmn:conditionExpression", "eval", "condition"),
    (".//bpmn:timeDate | .//bpmn:timeDuration | .//bpmn:timeCycle", "eval", "timer expression"),
    (".//bpmn:completionCondition | .//bpmn:loopCardinality", "eval", "multi-instance expression"),
    (".//spiffworkflow:preScript | .//spiffworkflow:postScript", "exec", "pre/post script"),
)


@dataclass
class BundleSource:
    ruleset: str
    files: dict[str, str]  # relative path -> text ("assign.bpmn", "forms/register.toml", …)
    settings: dict

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256(json.dumps(self.settings, sort_keys=True, default=str).encode())
        for path in sorted(self.files):
            digest.update(path.encode() + b"\0" + self.files[path].encode() + b"\0")
        return digest.hexdigest()


@dataclass
class CompiledBundle:
    """Specs parsed once per bundle and worker, shared by every instance of that bundle."""

    source: BundleSource
    specs: dict = field(default_factory=dict)  # process id -> BpmnProcessSpec
    forms: dict[str, FormDefinition] = field(default_factory=dict)
    lanes: dict[str, str] = field(default_factory=dict)  # lane name -> role

    @property
    def settings(self) -> dict:
        return self.source.settings

    def process_id(self, purpose: str) -> str:
        """The process the settings name for `purpose` ('directive', 'assignment', …)."""
        return self.settings["processes"][purpose]

    def subprocess_specs(self, process_id: str) -> dict:
        return {pid: spec for pid, spec in self.specs.items() if pid != process_id}


def read_ruleset(processes_dir: str | Path, ruleset: str) -> BundleSource:
    """Common files, then the ruleset's own; a ruleset file replaces the common file of the
    same relative path."""
    root = Path(processes_dir)
    folder = root / ruleset
    settings_path = folder / SETTINGS_FILE
    if not settings_path.is_file():
        raise RulesetError([Problem(str(settings_path), None, f"ruleset '{ruleset}' not found")])
    try:
        settings = tomllib.loads(settings_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesetError([Problem(f"{ruleset}/{SETTINGS_FILE}", None, f"invalid TOML: {exc}")]) from None
    files: dict[str, str] = {}
    for base in (root / COMMON, folder):
        for path in sorted(base.rglob("*")):
            if path.suffix in (".bpmn", ".dmn", ".toml") and path.name != SETTINGS_FILE:
                files[path.relative_to(base).as_posix()] = path.read_text(encoding="utf-8")
    return BundleSource(ruleset=ruleset, files=files, settings=settings)


def compile_bundle(source: BundleSource) -> CompiledBundle:
    """Parse and check everything; raise RulesetError listing every problem found."""
    problems = check_settings(source.settings)
    bundle = CompiledBundle(source=source, lanes=dict(source.settings.get("lanes", {})))
    for path, text in source.files.items():
        if path.startswith("forms/") and path.endswith(".toml"):
            key = path.removeprefix("forms/").removesuffix(".toml")
            try:
                bundle.forms[key] = parse_form(key, text)
            except (ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
                problems.append(Problem(path, None, f"invalid form definition: {exc}"))
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for path, text in source.files.items():
        if path.endswith((".bpmn", ".dmn")):
            tree = _parse_xml(path, text, problems)
            if tree is not None:
                problems += _lint_code(path, tree)
                _add_to_parser(parser, path, tree, problems)
    if not problems:
        problems += _build_specs(parser, bundle)
    if not problems:
        problems += _lint_specs(bundle)
    for purpose, process_id in source.settings.get("processes", {}).items():
        if not problems and process_id not in bundle.specs:
            problems.append(Problem(SETTINGS_FILE, f"processes.{purpose}", f"process '{process_id}' not found"))
    if problems:
        raise RulesetError(problems)
    return bundle


def _parse_xml(path: str, text: str, problems: list[Problem]):
    try:
        return etree.fromstring(text.encode("utf-8"), SAFE_XML)
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(path, None, f"malformed XML: {exc.msg}", exc.lineno))
        return None


def _add_to_parser(parser: SpiffBpmnParser, path: str, tree, problems: list[Problem]) -> None:
    try:
        if path.endswith(".dmn"):
            parser.add_dmn_xml(tree, filename=path)
        else:
            parser.add_bpmn_xml(tree, filename=path)
    except (ValidationException, SpiffWorkflowException) as exc:
        problems.append(_problem_from(exc, path))


def _build_specs(parser: SpiffBpmnParser, bundle: CompiledBundle) -> list[Problem]:
    problems = []
    for process_id in parser.get_process_ids():
        try:
            bundle.specs[process_id] = parser.get_spec(process_id)
            for sub_id, sub_spec in parser.get_subprocess_specs(process_id).items():
                bundle.specs.setdefault(sub_id, sub_spec)
        except (ValidationException, SpiffWorkflowException) as exc:
            problems.append(_problem_from(exc, getattr(exc, "file_name", None) or "?"))
    return problems


def _problem_from(exc: Exception, path: str) -> Problem:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Problem(getattr(exc, "file_name", None) or path, getattr(exc, "id", None) or None,
                   message, getattr(exc, "line_number", None) or None)


def _element_id(node) -> str | None:
    while node is not None:
        if node.get("id"):
            return node.get("id")
        node = node.getparent()
    return None


def _lint_code(path: str, tree) -> list[Problem]:
    problems = []
    checks = _BPMN_CODE if path.endswith(".bpmn") else ()
    for xpath, mode, what in checks:
        for node in tree.xpath(xpath, namespaces=NS):
            problems += [Problem(path, _element_id(node), f"{what}: {msg}", node.sourceline)
                         for msg in check_code((node.text or "").strip() or "None", mode)]
    for node in tree.xpath(".//spiffworkflow:parameter[@value]", namespaces=NS):
        problems += [Problem(path, _element_id(node), f"service parameter '{node.get('id')}': {msg}",
                             node.sourceline) for msg in check_code(node.get("value"), "eval")]
    if path.endswith(".dmn"):
        for node in tree.xpath(".//*[local-name()='inputExpression']/*[local-name()='text'] | "
                               ".//*[local-name()='outputEntry']/*[local-name()='text']"):
            text = (node.text or "").strip()
            if text:
                problems += [Problem(path, _element_id(node), f"DMN expression: {msg}", node.sourceline)
                             for msg in check_code(text, "eval")]
    problems += _lint_gateways(path, tree)
    return problems


def _lint_gateways(path: str, tree) -> list[Problem]:
    problems = []
    for gateway in tree.xpath(".//bpmn:exclusiveGateway", namespaces=NS):
        outgoing = gateway.xpath("bpmn:outgoing", namespaces=NS)
        if len(outgoing) > 1 and not gateway.get("default"):
            problems.append(Problem(path, gateway.get("id"),
                                    "exclusive gateway with several outgoing flows needs a default flow",
                                    gateway.sourceline))
    return problems


def _lint_specs(bundle: CompiledBundle) -> list[Problem]:
    problems = []
    for spec in bundle.specs.values():
        path = spec.file or "?"
        for task_spec in spec.task_specs.values():
            if not isinstance(task_spec, UserTask):
                continue
            element = task_spec.bpmn_id
            if not task_spec.lane:
                problems.append(Problem(path, element, "user task is in no lane: put it in a lane mapped to a role"))
            elif task_spec.lane not in bundle.lanes:
                problems.append(Problem(path, element, f"lane '{task_spec.lane}' has no role in ruleset.toml [lanes]"))
            props = task_spec.extensions.get("properties", {})
            form_key = props.get("formKey")
            if not form_key:
                problems.append(Problem(path, element, "user task has no formKey property"))
            elif form_key not in bundle.forms:
                problems.append(Problem(path, element, f"form '{form_key}' not found (forms/{form_key}.toml)"))
            for name in ("unit", "due"):
                if props.get(name):
                    problems += [Problem(path, element, f"property '{name}': {msg}")
                                 for msg in check_code(props[name], "eval")]
    return problems

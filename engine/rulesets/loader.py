"""Read a ruleset folder, check everything in it, and compile it into runnable specs.

Checks, in order: XML well-formedness (entities and network off), the BPMN/DMN schemas
(SpiffWorkflow's validator), SpiffWorkflow's own semantic checks (building every spec),
then our lint: every script, condition, timer, multi-instance and DMN expression must
compile in the sandbox; every service task must call a declared operator with declared
parameters; every user task needs a lane mapped to a role and an existing
form; every exclusive gateway with several ways out needs a default flow; no boundary event flows
straight back into its own activity. All problems, ours and SpiffWorkflow's, are
collected in one pass and reported together; a bundle with any problem is never used.
Diagrams from other tools are read as written: any declared encoding, unquoted ISO-8601
timers (quoted in the parsed tree only), vendor extensions named where dondoc expects its own.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.specs.defaults import UserTask

from engine.forms import FormDefinition, parse_form
from engine.rulesets import deadline_forms, decisions
from engine.rulesets.errors import Problem, RulesetError
from engine.rulesets.foreign import (
    as_utf8,
    called_element,
    decode_xml,
    foreign_expression,
    quote_iso_timers,
    spiff_message,
    vendor_attribute,
)
from engine.rulesets.places import place_of
from engine.rulesets.settings import check_settings, form_terms
from engine.sandbox import check_code
from engine.sandbox.operators import OPERATORS
from engine.spiff.specs import prepare_specs

COMMON = "common"
SETTINGS_FILE = "ruleset.toml"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
# Comments are dropped: SpiffWorkflow's task parsers fail on a comment inside a task element.
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_blank_text=False)
# (xpath, mode, msgid) — every place a diagram holds Python for the sandbox.
_BPMN_CODE = (
    (".//bpmn:scriptTask/bpmn:script", "exec", "script: %(detail)s"),
    (".//bpmn:conditionExpression", "eval", "condition: %(detail)s"),
    (".//bpmn:timeDate | .//bpmn:timeDuration | .//bpmn:timeCycle", "eval", "timer expression: %(detail)s"),
    (".//bpmn:completionCondition | .//bpmn:loopCardinality | .//bpmn:loopCondition", "eval",
     "loop expression: %(detail)s"),
    (".//spiffworkflow:messagePayload", "eval", "message payload: %(detail)s"),
    (".//spiffworkflow:preScript | .//spiffworkflow:postScript", "exec", "pre/post script: %(detail)s"),
)
# A call activity naming a process no file of the bundle defines.
CALLS_MISSING = "calls process '%(process)s', which is not in this ruleset"
# The user task property `urging` and its one value: the diagram's own timers urge the step, the late-step
# rule (engine.urging.steps) leaves it; absent, the rule urges it past its due day.
URGING, BY_DIAGRAM = "urging", "diagram"


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
    warnings: list[Problem] = field(default_factory=list)  # reported, not refused
    # forms in the words of another issuing body, by (form key, its committee's name): parsed on first use
    body_forms: dict[tuple[str, str], FormDefinition] = field(default_factory=dict)

    @property
    def settings(self) -> dict:
        return self.source.settings

    def form(self, key: str, committee: str | None = None) -> FormDefinition:
        """The form `key` in the words of the body whose committee is `committee` (a commune's: its
        leader and office as [body_terminology] names them), else the home body's as compiled. Parsed
        once per body and worker, not per request: a parse took ~1,600 times a cached read (1.6–2.1 ms
        against ~1 µs for update_progress), and a province's communes and forms are few."""
        if committee is None:
            return self.forms[key]
        cached = self.body_forms.get((key, committee))
        if cached is None:
            text = self.source.files[f"forms/{key}.toml"]
            cached = self.body_forms[key, committee] = parse_form(key, text, form_terms(self.settings, committee),
                                                                  self.settings)
        return cached

    def process_id(self, purpose: str) -> str:
        """The process the settings name for `purpose` ('directive', 'assignment', …); a
        purpose the ruleset does not name runs the common process of that name."""
        return self.settings.get("processes", {}).get(purpose, purpose)

    def subprocess_specs(self, process_id: str) -> dict:
        return {pid: spec for pid, spec in self.specs.items() if pid != process_id}


def read_ruleset(processes_dir: str | Path, ruleset: str) -> BundleSource:
    """Common files, then the ruleset's own; a ruleset file replaces the common file of the
    same relative path."""
    root = Path(processes_dir)
    folder = root / ruleset
    settings_path = folder / SETTINGS_FILE
    if not settings_path.is_file():
        raise RulesetError([Problem(str(settings_path), None, "ruleset '%(ruleset)s' not found", None,
                                   {"ruleset": ruleset})])
    try:
        settings = tomllib.loads(settings_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesetError([Problem(f"{ruleset}/{SETTINGS_FILE}", None, "invalid TOML: %(detail)s", None,
                                   {"detail": str(exc)})]) from None
    files: dict[str, str] = {}
    for base in (root / COMMON, folder):
        for path in sorted(base.rglob("*")):
            if path.suffix in (".bpmn", ".dmn") and path.name != SETTINGS_FILE:
                files[path.relative_to(base).as_posix()] = decode_xml(path.read_bytes())
            elif path.suffix == ".toml" and path.name != SETTINGS_FILE:
                files[path.relative_to(base).as_posix()] = path.read_text(encoding="utf-8")
    return BundleSource(ruleset=ruleset, files=files, settings=settings)


def compile_bundle(source: BundleSource, *, stored: bool = False) -> CompiledBundle:
    """Parse and check everything; raise RulesetError listing every problem found.
    `stored`: a version already admitted, whose settings were checked when it was stored; they
    are not held to the rules of a newer dondoc, or an upgrade would stop the instances running
    on it (its diagrams are still compiled and checked: they must run here)."""
    problems = [] if stored else check_settings(source.settings, f"{source.ruleset}/{SETTINGS_FILE}")
    bundle = CompiledBundle(source=source, lanes=dict(source.settings.get("lanes", {})))
    terms = form_terms(source.settings)
    for path, text in source.files.items():
        if path.startswith("forms/") and path.endswith(".toml"):
            key = path.removeprefix("forms/").removesuffix(".toml")
            try:
                bundle.forms[key] = parse_form(key, text, terms, source.settings)
            except (ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
                problems.append(Problem(path, None, "invalid form definition: %(detail)s", None, {"detail": str(exc)}))
    parser = SpiffBpmnParser(validator=VALIDATOR)
    trees = {}
    for path, text in source.files.items():
        if path.endswith((".bpmn", ".dmn")):
            tree = _parse_xml(path, text, problems)
            if tree is not None:
                trees[path] = tree
                quote_iso_timers(tree)
                problems += _lint_code(path, tree)
                _add_to_parser(parser, path, tree, problems)
    process_ids = {node.get("id") for tree in trees.values()
                   for node in tree.xpath("bpmn:process", namespaces=NS)}
    for path, tree in trees.items():
        problems += _lint_calls(path, tree, process_ids) + _lint_operators(path, tree)
        if not stored:  # a version already admitted keeps running as it is; the advice is for new ones
            problems += _lint_boundary_loops(path, tree) + _lint_deadline_shapes(path, tree, source.settings)
    problems += _build_specs(parser, bundle, trees)
    problems += _lint_specs(bundle, trees)
    bundle.warnings, named = _non_executable(trees, source.settings)
    problems += named
    for purpose, process_id in source.settings.get("processes", {}).items():
        if process_id not in bundle.specs and process_id not in process_ids:
            problems.append(Problem(SETTINGS_FILE, f"processes.{purpose}", "process '%(process)s' not found", None,
                                    {"process": process_id}))
    problems = [p for p in problems if p.message not in _SAID_BY_LINT_CALLS]
    problems = list({(p.file, p.element, p.line, p.text): p for p in problems}.values())  # found twice: once
    problems = decisions.said_in_words(problems)
    problems, bundle.warnings = ([replace(p, place=place_of(trees.get(p.file), p.element)) for p in found]
                                 for found in (problems, bundle.warnings))
    if problems:
        raise RulesetError(problems, bundle.warnings)
    prepare_specs(bundle.specs.values())
    return bundle


def _parse_xml(path: str, text: str, problems: list[Problem]):
    try:
        tree = etree.fromstring(as_utf8(text), SAFE_XML)
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(path, None, "malformed XML: %(detail)s", exc.lineno, {"detail": exc.msg}))
        return None
    if tree.getroottree().docinfo.doctype:  # entities are never resolved; refuse them outright (XXE)
        problems.append(Problem(path, None, "a DOCTYPE or entity declaration is not allowed in a process file", 1))
        return None
    return tree


def _add_to_parser(parser: SpiffBpmnParser, path: str, tree, problems: list[Problem]) -> None:
    try:
        if path.endswith(".dmn"):
            parser.add_dmn_xml(tree, filename=path)
            for dmn in parser.dmn_parsers.values():  # SpiffWorkflow reads decisions lazily, when running
                if dmn.filename == path:
                    dmn.parse()
        else:
            parser.add_bpmn_xml(tree, filename=path)
    except Exception as exc:  # noqa: BLE001 — a foreign file must give a problem, never a traceback
        problems.append(_problem_from(exc, path, tree))


def _build_specs(parser: SpiffBpmnParser, bundle: CompiledBundle, trees: dict) -> list[Problem]:
    problems = []
    for process_id in parser.get_process_ids():
        path = parser.process_parsers[process_id].filename
        try:
            bundle.specs[process_id] = parser.get_spec(process_id)
            for sub_id, sub_spec in parser.get_subprocess_specs(process_id).items():
                bundle.specs.setdefault(sub_id, sub_spec)
        except Exception as exc:  # noqa: BLE001 — as in _add_to_parser
            file_name = getattr(exc, "file_name", None) or path
            problems.append(_problem_from(exc, file_name, trees.get(file_name)))
    return problems


def _problem_from(exc: Exception, path: str, tree) -> Problem:
    """SpiffWorkflow's problem as a msgid, at the element a modeller can find: the XSD validator
    gives a line, its semantic checks an id (often of a condition or event definition)."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    for prefix, uri in NS.items():  # "{http://www.omg.org/spec/BPMN/20100524/MODEL}bogus" -> "bpmn:bogus"
        message = message.replace(f"{{{uri}}}", prefix + ":")
    msgid, params = spiff_message(message)
    element, line = getattr(exc, "id", None) or None, getattr(exc, "line_number", None) or None
    if isinstance(exc, etree.XMLSyntaxError):
        line = exc.lineno
    node = _node_at(tree, element, line) if tree is not None else None
    if node is None and tree is not None and msgid in _LOCATE:  # SpiffWorkflow named no element
        node = next(iter(tree.xpath(_LOCATE[msgid], namespaces=NS, **params)), None)
    if node is None and tree is not None and path.endswith(".dmn"):  # a decision SpiffWorkflow could not read
        node = next(iter(tree.xpath("//*[local-name()='decision']")), tree)
    if node is not None:
        element, line = _element_id(node), line or node.sourceline
    return Problem(path, element, msgid, line, params)


_LOCATE = {"Data store %(name)s is not supported by dondoc": "//bpmn:dataStore[starts-with(@name, $name)]",
           "A data store has no name": "//bpmn:dataStore[not(@name)]"}


def _node_at(tree, element: str | None, line: int | None):
    if element:
        found = tree.xpath("//*[@id=$id]", id=element)
        return found[0] if found else None
    return next((node for node in tree.iter() if isinstance(node.tag, str) and node.sourceline == line), None) \
        if line else None


# Parts of an element that bpmn-js cannot select: a problem inside them names the element.
_INNER = ("EventDefinition", "conditionExpression", "timeDate", "timeDuration", "timeCycle", "completionCondition",
          "loopCardinality", "loopCondition", "LoopCharacteristics", "script", "extensionElements")


def _element_id(node) -> str | None:
    """The id of `node` or its nearest ancestor with one, skipping event definitions, conditions
    and the like, so that a timer problem names its event and a condition its sequence flow
    (the elements a modeller sees), not the definition inside."""
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if node.get("id") and not tag.endswith(_INNER):
            return node.get("id")
        node = node.getparent()
    return None


def _non_executable(trees: dict, settings: dict) -> tuple[list[Problem], list[Problem]]:
    """(warnings, problems): a process marked isExecutable="false" is not run; naming one in
    ruleset.toml [processes] is an error."""
    named = set(settings.get("processes", {}).values())
    warnings, problems = [], []
    for path, tree in trees.items():
        for process in tree.xpath("bpmn:process[@isExecutable='false']", namespaces=NS):
            pid = process.get("id")
            if pid in named:
                problems.append(Problem(path, pid, 'Process %(process)s is named in ruleset.toml [processes] but '
                                        'marked isExecutable="false"', process.sourceline, {"process": pid}))
            else:
                warnings.append(Problem(path, pid, 'Process %(process)s is marked isExecutable="false": dondoc '
                                        'will not run it', process.sourceline, {"process": pid}))
    return warnings, problems


def _vendor_problem(path: str, node, attribute: str, plain: str, vendor_msgid: str) -> Problem:
    """`plain`, or, when the task carries another tool's `attribute` meaning the same, a
    message naming that attribute and what dondoc reads instead."""
    element, line = (_element_id(node), node.sourceline) if node is not None else (None, None)
    vendor = vendor_attribute(node, attribute) if node is not None else None
    if vendor:
        return Problem(path, element, vendor_msgid, line, {"vendor": vendor})
    return Problem(path, element, plain, line)


# SpiffWorkflow's own words for a callee _lint_calls names, with the file, the element and what to write: said once
_SAID_BY_LINT_CALLS = {"Called process %(process)s was not found", "Call activity names no process"}


def _lint_calls(path: str, tree, process_ids: set[str]) -> list[Problem]:
    """callActivity targets must be processes of this ruleset (SpiffWorkflow's own error names
    neither the file nor the calling element)."""
    return [_call_problem(path, node) for node in tree.xpath(".//bpmn:callActivity", namespaces=NS)
            if node.get("calledElement") not in process_ids]


def _call_problem(path: str, node) -> Problem:
    """A call activity naming no process of the ruleset; one naming none at all, maybe in
    Camunda 8's extension, is told where dondoc reads it."""
    if node.get("calledElement"):
        return Problem(path, node.get("id"), CALLS_MISSING, node.sourceline, {"process": node.get("calledElement")})
    vendor = called_element(node)
    if vendor:
        return Problem(path, node.get("id"), "Call activity uses zeebe:calledElement (process %(process)s), which "
                       "dondoc does not read: give the call activity a calledElement attribute naming a process "
                       "of this ruleset", node.sourceline, {"process": vendor})
    return Problem(path, node.get("id"), "Call activity names no process to call: give it a calledElement "
                   "attribute naming a process of this ruleset", node.sourceline)


def _lint_boundary_loops(path: str, tree) -> list[Problem]:
    """A boundary event flowing straight back into the activity it is attached to fires only
    once in SpiffWorkflow 3.2.0: its first firing cancels the join predicted for the next
    round, so the second firing no longer ends the activity (a gateway in between avoids it)."""
    flows = tree.xpath(".//bpmn:sequenceFlow", namespaces=NS)
    return [Problem(path, event.get("id"), "boundary event flows straight back into '%(activity)s': it would fire "
                    "only once; route the flow through a gateway", event.sourceline,
                    {"activity": event.get("attachedToRef") or ""})
            for event in tree.xpath(".//bpmn:boundaryEvent", namespaces=NS)
            if any(flow.get("sourceRef") == event.get("id") and flow.get("targetRef") == event.get("attachedToRef")
                   for flow in flows)]


def _lint_deadline_shapes(path: str, tree, settings: dict) -> list[Problem]:
    """A due date or timer written as a deadline shape (engine.deadlines.forms) that counts a
    [deadlines] setting the ruleset does not set would fail only when the step comes."""
    found = [(node, node.get("value") or "", "due")
             for node in tree.xpath(".//spiffworkflow:property[@name='due']", namespaces=NS)]
    found += [(node, node.text or "", "timer") for node in tree.xpath(".//bpmn:timeDate", namespaces=NS)]
    return [Problem(path, _element_id(node), refusal.message, node.sourceline, refusal.params)
            for node, expression, target in found
            for refusal in deadline_forms.expression_refusals(expression, target, settings)]


def _lint_operators(path: str, tree) -> list[Problem]:
    """Every service task must call a known operator with parameters it declares."""
    return [Problem(path, _element_id(node.getparent()), msgid, node.sourceline, params)  # the task, not the operator
            for node in tree.xpath(".//spiffworkflow:serviceTaskOperator", namespaces=NS)
            for msgid, params in OPERATORS.problems(node.get("id") or "", [
                parameter.get("id") for parameter in node.xpath("spiffworkflow:parameters/spiffworkflow:parameter",
                                                                namespaces=NS)])]


def _lint_code(path: str, tree) -> list[Problem]:
    problems = []
    checks = _BPMN_CODE if path.endswith(".bpmn") else ()
    for xpath, mode, msgid in checks:
        for node in tree.xpath(xpath, namespaces=NS):
            text = (node.text or "").strip() or "None"
            problems += [Problem(path, _element_id(node), msgid, node.sourceline, {"detail": msg})
                         for msg in _foreign_or_checked(text, mode)]
    for node in tree.xpath(".//spiffworkflow:parameter[@value]", namespaces=NS):
        problems += [Problem(path, _element_id(node), "service parameter '%(parameter)s': %(detail)s", node.sourceline,
                             {"parameter": node.get("id") or "", "detail": msg})
                     for msg in check_code(node.get("value"), "eval")]
    if path.endswith(".dmn"):
        problems += decisions.lint(path, tree)
    problems += _lint_gateways(path, tree)
    return problems


def _foreign_or_checked(text: str, mode: str) -> list[str]:
    foreign = foreign_expression(text) if mode == "eval" else None
    return [foreign] if foreign else check_code(text, mode)


def _lint_gateways(path: str, tree) -> list[Problem]:
    problems = []
    for gateway in tree.xpath(".//bpmn:exclusiveGateway", namespaces=NS):
        outgoing = gateway.xpath("bpmn:outgoing", namespaces=NS)
        if len(outgoing) > 1 and not gateway.get("default"):
            problems.append(Problem(path, gateway.get("id"),
                                    "exclusive gateway with several outgoing flows needs a default flow",
                                    gateway.sourceline))
    return problems


def _lint_specs(bundle: CompiledBundle, trees: dict) -> list[Problem]:
    problems = []
    for spec in bundle.specs.values():
        path = spec.file or "?"
        for task_spec in spec.task_specs.values():
            if not isinstance(task_spec, UserTask):
                continue
            element = task_spec.bpmn_id
            node = _node_at(trees[path], element, None) if path in trees else None
            line = node.sourceline if node is not None else None
            if not task_spec.lane:
                problems.append(_vendor_problem(path, node, "candidateGroups", "user task is in no lane: put it in "
                                                "a lane mapped to a role", 'User task uses %(vendor)s, which '
                                                'dondoc does not read: put the task in a lane mapped to a role in '
                                                'ruleset.toml [lanes]'))
            elif task_spec.lane not in bundle.lanes:
                problems.append(Problem(path, element, "lane '%(lane)s' has no role in ruleset.toml [lanes]", line,
                                        {"lane": task_spec.lane}))
            props = task_spec.extensions.get("properties", {})
            form_key = props.get("formKey")
            if not form_key:
                problems.append(_vendor_problem(path, node, "formKey", "user task has no formKey property",
                                                'User task uses %(vendor)s, which dondoc does not read: give it a '
                                                'spiffworkflow:property named formKey naming forms/<key>.toml'))
            elif form_key not in bundle.forms and f"forms/{form_key}.toml" not in bundle.source.files:
                problems.append(Problem(path, element, "form '%(form)s' not found (forms/%(form)s.toml)", line,
                                        {"form": form_key}))
            if URGING in props and props[URGING] != BY_DIAGRAM:
                problems.append(Problem(path, element, "property '%(property)s' may only be '%(allowed)s', not "
                                        "'%(value)s'", line, {"property": URGING, "allowed": BY_DIAGRAM,
                                                              "value": props[URGING]}))
            for name in ("unit", "due"):
                if props.get(name):
                    problems += [Problem(path, element, "property '%(property)s': %(detail)s", line,
                                         {"property": name, "detail": msg}) for msg in check_code(props[name], "eval")]
    return problems

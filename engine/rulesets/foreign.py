"""Diagrams written by other modelling tools: their encodings, their ISO-8601 timers, their
vendor extensions, and SpiffWorkflow's English problems turned into catalogue msgids."""
from __future__ import annotations

import codecs
import re

NS_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARATION_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?)\sencoding\s*=\s*["'][A-Za-z0-9._-]+["']""")

_DURATION = r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
_DATE = r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
_ISO_TIMER = {
    "timeDuration": re.compile(f"^{_DURATION}$"),
    "timeDate": re.compile(f"^{_DATE}$"),
    # R6/P1D, R/PT1H, R3/2026-05-01T09:00:00/P1D
    "timeCycle": re.compile(f"^R\\d*/(({_DATE})/)?{_DURATION}$"),
}

# Vendor attributes that mean what dondoc reads from spiffworkflow:properties or lanes.
VENDORS = {
    "camunda": "http://camunda.org/schema/1.0/bpmn",
    "activiti": "http://activiti.org/bpmn",
    "flowable": "http://flowable.org/bpmn",
}
ZEEBE = "http://camunda.org/schema/zeebe/1.0"


def decode_xml(data: bytes) -> str:
    """The text of a process file in whatever encoding it declares (UTF-8 when it declares none)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if data.startswith(b"<\x00?\x00"):
        return data.decode("utf-16-le")
    if data.startswith(b"\x00<\x00?"):
        return data.decode("utf-16-be")
    declared = _DECLARED.match(data.removeprefix(codecs.BOM_UTF8))
    encoding = declared.group(1).decode() if declared else "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    return data.decode(encoding if encoding.lower() not in ("utf-16", "utf16") else "utf-8-sig")


def as_utf8(text: str) -> bytes:
    """`text` as bytes lxml reads: the declared encoding was already applied when decoding."""
    return _DECLARATION_ENCODING.sub(r"\1", text.lstrip("\ufeff"), count=1).encode("utf-8")


def utf8_text(data: bytes) -> str:
    """An uploaded file as text declaring UTF-8, the encoding dondoc stores and writes it in
    (its declared encoding applied). Raises UnicodeDecodeError when the bytes do not fit it."""
    text = decode_xml(data).lstrip("\ufeff")
    return _DECLARATION_ENCODING.sub(r'\1 encoding="UTF-8"', text, count=1)


def quote_iso_timers(tree) -> int:
    """Give SpiffWorkflow ISO-8601 timer values as the Python string literals it evaluates
    (`PT2H` -> `'PT2H'`), in the parsed tree only: the file stays as written. Returns how many."""
    changed = 0
    for tag, pattern in _ISO_TIMER.items():
        for node in tree.iter(f"{{{NS_BPMN}}}{tag}"):
            text = (node.text or "").strip()
            if pattern.match(text):
                node.text = repr(text)
                changed += 1
    return changed


# Expressions other engines evaluate (Camunda 8's FEEL, "=" first; Camunda 7's and Activiti's
# JUEL, "${…}"), which dondoc, reading Python, would only call a syntax error.
FOREIGN_EXPRESSIONS = (
    (re.compile(r"^=", re.S), "a FEEL expression (Camunda 8): dondoc reads Python, e.g. progress == \"done\""),
    (re.compile(r"^[$#]\{.*\}$", re.S), "a JUEL expression (Camunda 7, Activiti): dondoc reads Python, "
                                         "e.g. progress == \"done\""),
)


def foreign_expression(text: str) -> str | None:
    """What another engine's expression `text` is, said for its author (a check_code detail)."""
    return next((detail for pattern, detail in FOREIGN_EXPRESSIONS if pattern.match(text.strip())), None)


def vendor_attribute(node, name: str) -> str | None:
    """`camunda:formKey`, `activiti:candidateGroups`, … on `node`: the first vendor's, by its prefix."""
    for prefix, uri in VENDORS.items():
        value = node.get(f"{{{uri}}}{name}")
        if value:
            return f"{prefix}:{name}"
    if name == "formKey" and node.xpath(".//*[local-name()='formDefinition' and namespace-uri()=$ns]", ns=ZEEBE):
        return "zeebe:formDefinition"
    if name == "candidateGroups" and node.xpath(".//*[local-name()='assignmentDefinition' and namespace-uri()=$ns]",
                                                ns=ZEEBE):
        return "zeebe:assignmentDefinition"
    return None


def called_element(node) -> str | None:
    """The process a Camunda 8 call activity calls (`<zeebe:calledElement processId="…">`)."""
    found = node.xpath(".//*[local-name()='calledElement' and namespace-uri()=$ns]/@processId", ns=ZEEBE)
    return str(found[0]) if found else None


# SpiffWorkflow's English messages (first line), as msgids the catalogues translate.
_SPIFF_MESSAGES = (
    (r"^Element '(?P<element>[^']+)': This element is not expected\.", "Element %(element)s is not allowed here"),
    (r"^Element '(?P<element>[^']+)': The attribute '(?P<attribute>[^']+)' is required but missing",
     "Element %(element)s lacks the required attribute %(attribute)s"),
    (r"^Element '(?P<element>[^']+)': Missing child element\(s\)",
     "Element %(element)s lacks a required child element"),
    (r"^Element '(?P<element>[^']+)', attribute '(?P<attribute>[^']+)': (?P<detail>.*)",
     "Attribute %(attribute)s of %(element)s is not valid: %(detail)s"),
    (r"^Element '(?P<element>[^']+)': No matching global (element|declaration)",
     "Element %(element)s is not known to the BPMN schema"),
    (r"^Element '(?P<element>[^']+)': (?P<detail>.*)", "Element %(element)s does not follow the schema: %(detail)s"),
    (r"^Non-default exclusive outgoing sequence flow\s+without condition",
     "A flow out of an exclusive gateway needs a condition, or must be the gateway's default"),
    (r"^Data Store with name (?P<name>.*?)( has no implementation.*)?$",
     "Data store %(name)s is not supported by dondoc"),
    (r"^Data Store name is missing", "A data store has no name"),
    (r"^A Service Task must have an operator", "A service task must name a dondoc operator"),
    (r"^Time Specification Error", "The timer has no date, duration or cycle"),
    (r"^No start event found", "The process has no start event"),
    (r"^Multiple decision tables are not current supported",
     "A DMN file may hold only one decision (dondoc reads the first)"),
    (r"^The process '(?P<process>[^']*)' was not found", "Called process %(process)s was not found"),
    (r"^No \"calledElement\" attribute for Call Activity", "Call activity names no process"),
    (r"^A multiinstance task must specify a cardinality or a loop input data reference",
     "A repeated step must say how many times it runs (loopCardinality) or which list it goes through "
     "(loopDataInputRef)"),
    (r"^No DMN Diagram available with id \"(?P<decision>[^\"]*)\"", "Decision %(decision)s was not found"),
)
_COMPILED = tuple((re.compile(pattern), msgid) for pattern, msgid in _SPIFF_MESSAGES)
UNKNOWN = "SpiffWorkflow cannot read this: %(detail)s"


def spiff_message(text: str) -> tuple[str, dict[str, str]]:
    """(msgid, params) for one of SpiffWorkflow's messages; unknown ones keep the English detail."""
    for pattern, msgid in _COMPILED:
        found = pattern.match(text)
        if found:
            return msgid, {k: v.strip().rstrip(".") for k, v in found.groupdict().items() if v is not None}
    return UNKNOWN, {"detail": text.strip()}

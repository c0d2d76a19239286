"""Every feature has its own catalogue and Flask-Babel merges them: one English msgid must
mean the same thing everywhere, or the last catalogue loaded silently wins."""
from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

WEBUI = Path(__file__).resolve().parents[2] / "webui"


def test_no_msgid_has_two_translations():
    seen = defaultdict(set)
    for po_path in WEBUI.rglob("translations/vi/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as fh:
            for message in read_po(fh):
                if message.id and message.string:
                    seen[message.id].add((message.string, po_path.relative_to(WEBUI).parts[0]))
    clashes = {msgid: places for msgid, places in seen.items() if len({s for s, _ in places}) > 1}
    assert not clashes, "\n".join(f"{k!r}: {sorted(v)}" for k, v in clashes.items())


# The calls whose first argument is a message for people (engine.errors and the forms' checks; and
# engine.translation's, _translated).
_REFUSALS = ("Error", "Forbidden", "NotFound", "NotReady", "AlreadyDone", "Conflict", "Invalid", "Message")


def _engine_messages() -> set[str]:
    """Messages the engine raises for people to read (capitalised, by convention; lower-case
    ones are for admins at the command line)."""
    import ast

    engine_dir = WEBUI.parent / "engine"
    found = set()
    for path in engine_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                text = node.args[0].value
                for_people = name.endswith(_REFUSALS) or _translated(node.func)
                if for_people and isinstance(text, str) and text[:1].isupper():
                    found.add(text)
    return found


def _translated(func) -> bool:
    """engine.translation.message(msgid, …) or .translate(msgid): words the engine writes outside a page."""
    return getattr(func, "attr", "") in ("message", "translate") and getattr(func.value, "id", "") == "translation"


def test_every_engine_message_has_a_vietnamese_translation():
    translated = set()
    for po_path in WEBUI.rglob("translations/vi/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as fh:
            translated |= {m.id for m in read_po(fh) if m.id and m.string}
    missing = sorted(_engine_messages() - translated)
    assert not missing, "add to webui/translations/vi/LC_MESSAGES/messages.po:\n" + "\n".join(missing)


def test_one_form_of_address():
    """People are addressed as "Anh/Chị", as public administration writes; never "bạn"."""
    import re

    informal = []
    for po_path in WEBUI.rglob("translations/vi/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as fh:
            informal += [m.string for m in read_po(fh) if isinstance(m.string, str)
                         and (re.search(r"\b[Bb]ạn\b", m.string) or "Anh/chị" in m.string)]
    assert not informal, informal


# Letters Vietnamese has and English has not: a string of the engine's code holding one is Vietnamese.
_VIETNAMESE = set("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")
# The engine's modules whose code may hold Vietnamese, by why. People's words otherwise go through the
# catalogues (engine.translation: English msgids) or the notification templates (engine/notifications/
# templates.toml); a new module writing Vietnamese in its code fails here.
_VIETNAMESE_IN_CODE = {
    # documents and the standards' words, Vietnamese whatever the reader's language (an HTML page's
    # tables are named as sheets "Bảng 1", "Bảng 2"… in the register's errors; a report's row of tasks with no
    # unit and an ad-hoc report's title)
    "reports/export_docx.py", "reports/export_pdf.py", "reports/export_xlsx.py", "reports/layout.py",
    "reports/service.py", "reports/calendar.py", "reports/models.py", "reports/counts.py", "reports/operators.py",
    "urging/letter.py", "imports/edxml.py", "imports/excel.py", "imports/sheet.py", "inspections/operators.py",
    "outcomes.py", "rulesets/settings.py", "inspections/service.py",
    # reading Vietnamese input (patterns, folding, the words a person may write, a symbol's parts), and msgids
    # naming Vietnamese terms
    "proposals/extract.py", "proposals/glued.py", "proposals/header.py", "proposals/plain.py", "proposals/tables.py",
    "imports/units.py", "org/names.py",
    "text.py", "forms/__init__.py", "org/service.py", "secrecy/service.py", "directives/service.py",
    # data: the seed organisation, the demonstration, the scenarios' organisation, examples in command help
    "org/seed.py", "demo.py", "scenarios/organisation.py", "cli.py", "api_tokens/commands.py",
    # people's words still written in code, to be moved (the modeler's settings form and scenarios, which speak
    # Vietnamese only)
    "rulesets/settings_form.py", "rulesets/settings_labels.py", "scenarios/runner.py", "scenarios/spec.py",
    "scenarios/service.py",
}


def test_the_engine_writes_vietnamese_only_where_its_modules_say_why():
    import ast

    engine_dir = WEBUI.parent / "engine"
    found = set()
    for path in engine_dir.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                      and node.body and isinstance(node.body[0], ast.Expr)}
        if any(isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
               and _VIETNAMESE & set(node.value.lower()) for node in ast.walk(tree)):
            found.add(path.relative_to(engine_dir).as_posix())
    assert found - _VIETNAMESE_IN_CODE == set(), "people's words belong in the catalogues or templates"
    assert _VIETNAMESE_IN_CODE - found == set(), "no longer holds Vietnamese: take it off the list"


def test_an_exclusive_gateway_has_one_name():
    """The modeler labels the element "cổng chọn một nhánh"; a message about the same element
    calling it something else (it said "cổng rẽ nhánh") reads as a second kind of gateway."""
    named = {}
    for po_path in WEBUI.rglob("translations/vi/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as fh:
            named |= {m.id: m.string for m in read_po(fh) if isinstance(m.id, str) and m.string
                      and "exclusive gateway" in m.id.lower()}
    assert named["exclusive gateway"] == "cổng chọn một nhánh"
    others = {msgid: text for msgid, text in named.items() if "cổng chọn một nhánh" not in text.lower()}
    assert not others, others

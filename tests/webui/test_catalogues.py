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


# The calls whose first argument is a message for people (engine.errors and the forms' checks).
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
                if name.endswith(_REFUSALS) and isinstance(text, str) and text[:1].isupper():
                    found.add(text)
    return found


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

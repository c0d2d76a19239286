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

"""Translation catalogues: one per feature (webui/<feature>/translations/), so features
never edit each other's catalogue. The .po files are the source; .mo files are compiled
when missing or older (they are not committed)."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

WEBUI = Path(__file__).resolve().parent


def translation_dirs(features: list[str]) -> list[str]:
    dirs = [WEBUI / "translations"]
    dirs += [WEBUI / name.split(".", 1)[1] / "translations" for name in features if "." in name]
    return [str(d) for d in dirs if d.is_dir()]


def compile_catalogs(dirs: list[str]) -> None:
    for directory in dirs:
        for po_path in Path(directory).glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


def catalogue(language: str = "vi") -> dict[str, str]:
    """Every catalogue's msgids in `language` (a msgid means one thing in all of them, see
    tests/webui/test_catalogues.py): what the engine writes outside a page (engine.translation)."""
    texts: dict[str, str] = {}
    for po_path in sorted(WEBUI.rglob(f"translations/{language}/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            texts.update({m.id: m.string for m in read_po(po_file) if isinstance(m.id, str) and m.string})
    return texts

"""docs/configuration.md says only what the code reads: every key in its table is a setting of
engine.config.Settings, every setting is in the table, and the table's default is the setting's."""
import dataclasses
import re

from engine.config import REPO_ROOT, Settings


def test_the_documented_keys_are_the_settings():
    table = (REPO_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = {key for line in table.splitlines() if line.startswith("| `")
                  for key in re.findall(r"`([a-z_]+)`", line.split("|")[1])}
    settings = {field.name for field in dataclasses.fields(Settings)}
    assert documented == settings


# Defaults the table says in words: made when first needed (security.md), on unless demo or testing.
SAID_IN_WORDS = {"secret_key": "made once, kept in the database", "secure_cookies": "on (off in `demo` and `testing`)"}


def test_the_documented_defaults_are_the_settings_defaults():
    table = (REPO_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    defaults = {field.name: field.default_factory() if field.default is dataclasses.MISSING else field.default
                for field in dataclasses.fields(Settings)}
    wrong = []
    for line in table.splitlines():
        if line.startswith("| `"):
            keys, said = (cell.strip() for cell in line.split("|")[1:3])
            for key in re.findall(r"`([a-z_]+)`", keys):
                if said != SAID_IN_WORDS.get(key, _as_written(defaults[key])):
                    wrong.append(f"{key}: the table says {said}, the code {defaults[key]!r}")
    assert wrong == []


def _as_written(value: object) -> str:
    """A default as the table writes it."""
    if value == "" or value == {}:
        return '""' if value == "" else "(none)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return f"`{str(value).replace(str(REPO_ROOT), '<repo>')}`"


# Read by the code besides DONDOC_<SETTING>: where the suite and the benchmarks run, documented in README.md and
# bench/README.md.
_READ = re.compile(r"""environ(?:\.get\(|\.setdefault\(|\[)\s*["'](DONDOC_[A-Z_]+)["']""")


def test_every_environment_variable_is_read_and_documented():
    """A `DONDOC_…` variable the documents name is read by the code (DONDOC_CONFIG, a setting's, or one the
    suite or the benchmarks read), and each one the code reads is in a document."""
    documents = [REPO_ROOT / "README.md", REPO_ROOT / "bench" / "README.md", *(REPO_ROOT / "docs").glob("*.md")]
    named = {name for path in documents
             for name in re.findall(r"DONDOC_[A-Z_]*[A-Z]", path.read_text(encoding="utf-8"))}
    sources = [*(REPO_ROOT / "engine").rglob("*.py"), *(REPO_ROOT / "webui").rglob("*.py"),
               *(REPO_ROOT / "bench").rglob("*.py"), REPO_ROOT / "tests" / "conftest.py"]
    read = {name for path in sources for name in _READ.findall(path.read_text(encoding="utf-8"))}
    settings = {f"DONDOC_{field.name.upper()}" for field in dataclasses.fields(Settings)}
    assert sorted(named - read - settings - {"DONDOC_CONFIG"}) == [], "documented, read by nothing"
    assert sorted(read - named - settings) == [], "read, in no document"


def test_the_documented_roles_are_the_catalogue():
    """configuration.md, "Organisation tree": the roles an imported user may hold (engine/org/models.py ROLES)."""
    from engine.org.models import ROLES

    text = (REPO_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    line = text.split("Roles: ", 1)[1].split("\n\n", 1)[0]
    assert tuple(re.findall(r"`([a-z_]+)`", line)) == ROLES

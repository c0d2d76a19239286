"""Shared fixtures. The database is SQLite in a temporary folder unless
DONDOC_TEST_DATABASE_URL names a PostgreSQL server (CI runs the suite against both);
each test gets a fresh schema either way (on PostgreSQL, an emptied one of an earlier test's:
tests/empty_schema.py). Under pytest-xdist (`make test` runs `-n auto`)
each worker has a PostgreSQL database of its own, <name>_gw0, <name>_gw1…"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import create_engine, make_url, text

from engine.clock import ManualClock, set_clock
from engine.config import REPO_ROOT, Settings
from engine.core import Engine
from engine.db.scratch import scratch_schema
from engine.features import discover
from engine.org import service as org
from tests import saved_states
from tests.empty_schema import create_schema, keep_schema
from tests.link_copies import stale_copies

discover()  # tests that compile a ruleset without an Engine see every operator too



def worker_database_url(server_url: str, worker: str) -> str:
    """`server_url` with its database name suffixed by the xdist worker's id, the database
    created if missing: the workers' advisory locks and leftovers never meet."""
    url = make_url(server_url)
    name = f"{url.database}_{worker}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


PG_URL = os.environ.get("DONDOC_TEST_DATABASE_URL", "")
if PG_URL and os.environ.get("PYTEST_XDIST_WORKER"):
    PG_URL = worker_database_url(PG_URL, os.environ["PYTEST_XDIST_WORKER"])
    # the benchmarks the suite runs as subprocesses read the variable: they use this worker's database too
    os.environ["DONDOC_TEST_DATABASE_URL"] = PG_URL
PASSWORD = "mat-khau-123"


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """Users are created by the hundred in tests; production keeps scrypt."""
    import engine.passwords

    engine.passwords.HASH_METHOD = "pbkdf2:sha256:1000"


RECORDER = saved_states.Recorder() if saved_states.RECORDING else None


@pytest.fixture(autouse=True)
def _record_saved_states(request, monkeypatch):
    """DONDOC_RECORD_STATES=1: the scenario and process tests add to the corpus of saved
    workflow states (tests/saved_states.py)."""
    if RECORDER is not None and saved_states.records(request.node.nodeid):
        saved_states.install(monkeypatch, RECORDER, request.node.nodeid)


def pytest_configure(config):
    if RECORDER is not None and config.getoption("numprocesses", None):
        # the workers would each rewrite the corpus index, losing one another's entries
        raise pytest.UsageError("DONDOC_RECORD_STATES=1 records in one process: run pytest without -n")
    if hasattr(config.option, "loadscopereorder"):
        # pytest-xdist (3.x) hands out a --dist loadfile run's files by their number of tests, most
        # first, whatever order the collection gave: the one-test files of tests/deployment that
        # each run a minute or more came last, one of them alone at the end.
        config.option.loadscopereorder = False


# Folders whose files start real servers, schedulers or a browser, and files driving a browser: each
# takes a minute or more. `make test` hands whole files to its workers in collection order
# (--dist loadfile); one of these collected last, as the alphabet put tests/webui's browser walk of
# every page (~3 min), ran alone at the end while the other worker sat idle.
LONG_FOLDERS = frozenset({"deployment", "e2e", "scenarios", "secrecy"})


def pytest_collection_modifyitems(items):
    """The long files first (each file's tests in their order), so that the short ones even out the end."""
    long_files = {item.path for item in items if _long(item)}
    items.sort(key=lambda item: item.path not in long_files)


def _long(item) -> bool:
    """In a folder of long files, or driving headless Chromium: named so, marked `browser`, or
    using the `chromium` fixture (through `page`, say) — a file of mostly quick tests with one
    browser test is long too."""
    path = item.path.relative_to(REPO_ROOT / "tests")
    return bool(LONG_FOLDERS.intersection(path.parts[:-1])) or "browser" in path.name \
        or item.get_closest_marker("browser") is not None or "chromium" in item.fixturenames


def pytest_sessionfinish(session):
    if RECORDER is not None:
        RECORDER.write()


@pytest.fixture
def database_url(tmp_path):
    """A fresh, empty database: a SQLite file, or a new schema on the test PostgreSQL."""
    with fresh_database_url(tmp_path) as url:
        yield url


@contextmanager
def fresh_database_url(tmp_path, name: str = "dondoc") -> Iterator[str]:
    """An empty database named `name` (tests that run two deployments need two)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    with scratch_schema(PG_URL, keep=keep_schema) as url:
        yield url


@pytest.fixture
def clock():
    """The injected clock, starting on a Thursday just before Tết 2026."""
    manual = ManualClock(datetime(2026, 2, 12, 9, 0))
    previous = set_clock(manual)
    yield manual
    set_clock(previous)


def make_engine(database_url: str, clock, ruleset: str = "dak-lak", processes_dir: str | None = None,
                tmp_path=None) -> Engine:
    settings = Settings.load(database_url=database_url, ruleset=ruleset,
                             processes_dir=processes_dir or str(REPO_ROOT / "processes"),
                             attachments_dir=str(tmp_path / "attachments") if tmp_path else None, testing=True)
    engine = Engine(settings, clock=clock)
    create_schema(engine.db)
    return engine


def publish_newer_version(engine: Engine, processes_dir, ruleset: str, old: str, new: str) -> int:
    """Edit one line of the copied `ruleset.toml` (`old` → `new`) and load it: a newer version
    the running instances may be moved to. Returns its bundle id."""
    settings = processes_dir / ruleset / "ruleset.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with engine.db.session() as s:
        engine.load_ruleset(s)
        return engine.current_bundle(s).id


@pytest.fixture
def engine(database_url, clock, tmp_path):
    eng = make_engine(database_url, clock, tmp_path=tmp_path)
    yield eng
    try:
        assert stale_copies(eng) == [], "a writer of the assignments left their links' copies behind"
    finally:
        eng.close()


@pytest.fixture
def counted_compiles(monkeypatch) -> list[object]:
    """Every bundle compiled from now on in the test: the SpiffWorkflow parser each compile makes."""
    from engine.rulesets import loader

    parsers: list[object] = []

    class CountedParser(loader.SpiffBpmnParser):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            parsers.append(self)

    monkeypatch.setattr(loader, "SpiffBpmnParser", CountedParser)
    return parsers


@pytest.fixture
def org_tree(engine):
    return create_org_tree(engine)


def add_communes(session, units: dict, people: dict) -> dict:
    """Units {code: (name, parent code, issuing body)} — an issuing body is a commune marked one (its own
    office), any other a section — and users {username: (unit code, roles)}; returns the users by name."""
    for code, (name, parent, issuing) in units.items():
        org.create_unit(session, code, name, parent_code=parent, kind="commune" if issuing else "section")
        if issuing:
            org.mark_issuing_body(session, code, True)
    return {username: org.create_user(session, username, PASSWORD, username.upper(), unit, roles)
            for username, (unit, roles) in people.items()}


def create_org_tree(engine) -> dict:
    """A small province: People's Committee, its office, two departments with a section."""
    with engine.db.session() as s:
        org.create_unit(s, "UBND", "UBND tỉnh", kind="province")
        org.create_unit(s, "VP", "Văn phòng UBND tỉnh", parent_code="UBND", kind="office", tracking_office=True)
        org.create_unit(s, "STC", "Sở Tài chính", parent_code="UBND", kind="department")
        org.create_unit(s, "STC-NS", "Phòng Ngân sách", parent_code="STC", kind="section")
        org.create_unit(s, "SXD", "Sở Xây dựng", parent_code="UBND", kind="department")
        users = {
            "clerk": org.create_user(s, "clerk", PASSWORD, "Nguyễn Văn Theo Dõi", "VP", ["clerk"]),
            "office_head": org.create_user(s, "chanhvp", PASSWORD, "Trần Chánh Văn Phòng", "VP", ["office_head"]),
            "leader": org.create_user(s, "chutich", PASSWORD, "Lê Chủ Tịch", "UBND", ["leader"]),
            "stc": org.create_user(s, "stc", PASSWORD, "Phạm Chuyên Viên", "STC", ["unit_officer"]),
            "stc_head": org.create_user(s, "stc_gd", PASSWORD, "Võ Giám Đốc", "STC", ["unit_head"]),
            "sxd": org.create_user(s, "sxd", PASSWORD, "Đỗ Chuyên Viên", "SXD", ["unit_officer"]),
            "admin": org.create_user(s, "admin", PASSWORD, "Quản Trị", "VP", ["system_admin", "process_admin"]),
        }
    return users


@pytest.fixture
def loaded(engine, org_tree):
    with engine.db.session() as s:
        engine.load_ruleset(s)
    return engine


@pytest.fixture
def vietnamese(monkeypatch):
    """The web layer's catalogue installed for the engine, as `dondoc` (the scheduler too) does."""
    from engine import translation
    from webui import cli as webui_cli

    monkeypatch.setattr(webui_cli, "cli", lambda **_: None)
    webui_cli.main()
    yield
    translation.install(dict)


# ---------------------------------------------------------------- browser tests
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = REPO_ROOT / "test-output" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the whole run (Playwright's sync API allows one)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def serve():
    """serve(app) -> base URL of `app` served by werkzeug in a thread on 127.0.0.1."""
    import threading

    from werkzeug.serving import make_server

    servers = []

    def start(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        thread.join(timeout=5)


def signed_in_page(chromium, base_url: str, username: str, **options):
    """(context, page, page_errors): a page (1300×1000 unless `options` for the browser context
    say otherwise) signed in as `username`, collecting the script errors it meets."""
    context = chromium.new_context(**{"viewport": {"width": 1300, "height": 1000}, **options})
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page, page_errors


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot under test-output/screenshots/ for reviewers."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(params=("warm", "restart"))
def worker_mode(request, monkeypatch):
    """Run the test twice: in one warm worker (whose compiled specs must end as they were
    compiled), and with every step in a freshly started one (tests/restart.py). Modules opt in
    with `pytestmark = pytest.mark.usefixtures("worker_mode")`."""
    from tests import restart

    if request.param == "restart":
        restart.restart_between_steps(monkeypatch)
        yield request.param
    else:
        checked = restart.specs_stay_as_compiled(monkeypatch)
        next(checked)
        yield request.param
        next(checked, None)

"""Every page of every role in headless Chromium at 1366 and 390 px wide (issue #18): no page
scrolls sideways, axe-core finds no serious or critical accessibility violation, every visible
control has a label, and a full-page screenshot of each is saved to
test-output/screenshots/<width>/<role>-<page>.png. The pages are those of the secret-directive walk
(tests/security/test_secret_visibility.py): every GET route of the web UI with its records' ids, so
a new route is met here too. Printed, the registry, the assignment, the directive and the dashboard
show their title and the date but no menu, button or form. On a phone the menu folds behind a
button (and stays open without script); the units' multi-select is searchable."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from engine.config import REPO_ROOT
from tests.conftest import SCREENSHOTS, signed_in_page
from tests.security.test_secret_visibility import urls, world  # noqa: F401  (the walk's world)
from tests.webui.conftest import Browser

pytestmark = pytest.mark.browser
AXE_JS = REPO_ROOT / "webui/node_modules/axe-core/axe.min.js"
WIDTHS = (1366, 390)
# One person of each role (tests/security/test_secret_visibility.py PEOPLE); None: not signed in.
ROLES = {"anonymous": None, "clerk": "clerk", "office_head": "chanhvp", "leader": "chutich",
         "unit_officer": "stc", "unit_head": "stc_gd", "inspector": "kiemtra",
         "process_admin": "quytrinh", "system_admin": "quantri"}
PRINTED = ("assignments.index", "assignments.detail", "directives.detail", "reports.dashboard")


@pytest.fixture(scope="module")
def site(world):  # noqa: F811
    """The walk's app served on 127.0.0.1 for the whole module, publishing its results page too."""
    world["engine"].settings.public_results = world["engine"].settings.public_figures = True
    server = make_server("127.0.0.1", 0, world["app"], threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def html_pages(world, username: str | None) -> dict[str, str]:  # noqa: F811
    """{page name: URL} of the HTML pages `username` may open (one URL per route and record)."""
    client = Browser(world["app"])
    if username:
        assert client.login(username).status_code == 302
    pages = {}
    for endpoint, url in urls(world):
        if url.startswith("/api/") or "?" in url:
            continue
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            ids = [part for part in url.split("/") if part.isdigit()]
            pages["-".join([endpoint.replace(".", "_"), *ids])] = url
    return pages


def open_page(chromium, site, username: str | None):
    """(page, script errors): a page signed in as `username` (None: not signed in), with axe-core
    in every document it opens."""
    if username:
        context, page, errors = signed_in_page(chromium, site, username)
    else:
        context, errors = chromium.new_context(), []
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    context.add_init_script(script=AXE_JS.read_text(encoding="utf-8"))  # not a <script>: the CSP does not apply
    return page, errors


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations (all its rules: WCAG 2.1 A/AA and best practice), one
    line per rule with its first element and how many."""
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => `${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes[0].target.join(' ')} `
                  + v.nodes[0].failureSummary.split('\\n').slice(0, 2).join(' '))""")


def unlabelled(page) -> list[str]:
    """Visible form controls with neither a <label> nor aria-label(ledby): a placeholder or a
    title is not a label."""
    return page.evaluate("""() => Array.from(document.querySelectorAll(
            'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea'))
        .filter(el => el.getClientRects().length && !el.labels.length
                && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
        .map(el => el.outerHTML.slice(0, 100))""")


def overflow(page) -> int:
    """How many pixels the page scrolls sideways (0: none)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_the_screen_and_passes_axe(role, world, site, chromium):  # noqa: F811
    if not AXE_JS.is_file():
        pytest.fail("axe-core missing: run `make assets`")
    pages = html_pages(world, ROLES[role])
    assert pages, role
    page, errors = open_page(chromium, site, ROLES[role])
    problems = []
    for name, url in pages.items():
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(site + url)
        problems += [f"{name} {url}: no label on {control}" for control in unlabelled(page)]
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if (extra := overflow(page)) > 0:
                problems.append(f"{width}px {name} {url}: scrolls {extra}px sideways")
            problems += [f"{width}px {name} {url}: {v}" for v in axe_violations(page)]
            folder = SCREENSHOTS / str(width)
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{role}-{name}.png"), full_page=True)
    page.context.close()
    print(f"{role}: {len(pages)} pages × {len(WIDTHS)} widths")
    assert problems == [], "\n".join(problems)
    assert errors == [], errors


def test_printed_pages_show_the_content_with_its_title_and_date_but_no_controls(world, site, chromium):  # noqa: F811
    pages = {name.split("-")[0]: url for name, url in html_pages(world, "clerk").items()}
    page, _errors = open_page(chromium, site, "clerk")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # an A4 sheet at 96 dpi
    for endpoint in PRINTED:
        page.goto(site + pages[endpoint.replace(".", "_")])
        shown = page.evaluate("""() => Array.from(document.querySelectorAll(
                '.topbar, nav, .menu, button, .button, form, .filters, input, select, textarea'))
            .filter(el => el.getClientRects().length > 0).map(el => el.outerHTML.slice(0, 80))""")
        assert shown == [], (endpoint, shown)
        assert page.locator("h1").is_visible(), endpoint
        printed = page.locator(".printed")
        assert printed.is_visible() and "/2026" in printed.inner_text(), endpoint
        tables = page.evaluate("() => Array.from(document.querySelectorAll('main table.list'))"
                               ".filter(t => t.getClientRects().length).map(t => getComputedStyle(t).display)")
        assert set(tables) <= {"table"}, (endpoint, tables)  # rows stay rows on paper
        assert overflow(page) <= 0, endpoint
        folder = SCREENSHOTS / "print"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"clerk-{endpoint.replace('.', '_')}.png"), full_page=True)
    page.context.close()


def test_the_menu_folds_behind_a_button_on_a_phone(site, chromium):
    page, _errors = open_page(chromium, site, "clerk")
    page.set_viewport_size({"width": WIDTHS[1], "height": 900})
    page.goto(site + "/inbox")
    toggle, link = page.locator(".menu-toggle"), page.locator(".menu a").first
    assert toggle.is_visible() and not link.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert link.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert not link.is_visible()
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    assert link.is_visible() and not toggle.is_visible()  # wide screens show the menu itself
    page.reload()
    page.keyboard.press("Tab")  # the first stop is the skip link, which leads to the content
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#main"
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"  # focus shows
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.context.close()


def test_units_are_chosen_by_typing_and_shown_as_chips(site, chromium):
    page, _errors = open_page(chromium, site, "clerk")
    page.goto(site + "/directives/new")
    row = page.locator("fieldset.assignment").first
    select = row.locator("select[multiple]")
    assert not select.is_visible() and not row.locator(".ctrl-hint").is_visible()
    search = row.get_by_role("combobox", name="Đơn vị phối hợp")
    assert search.get_attribute("aria-controls")
    search.fill("xay")  # without the accents, as people type
    assert row.locator(".ms-list [role=option]:visible").all_inner_texts() == ["Phòng Xây dựng"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert select.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)") == ["SXD"]
    search.fill("")
    row.locator(".ms-list").get_by_role("option", name="Phòng Tài chính").click()
    assert select.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)") == ["STC", "SXD"]
    assert row.locator(".ms-chips li").all_text_contents() == ["Phòng Tài chính×", "Phòng Xây dựng×"]
    row.get_by_role("button", name="Bỏ Phòng Tài chính").click()
    page.keyboard.press("Backspace")  # an empty filter: the last chip goes
    assert select.evaluate("s => s.selectedOptions.length") == 0
    page.locator("#add-row").click()  # a row added later gets the same list
    assert page.locator("fieldset.assignment").nth(1).locator("input.ms-filter").is_visible()
    page.context.close()


def test_without_script_the_menu_stays_open_and_a_table_scrolls_in_its_box(site, chromium):
    context, page, _errors = signed_in_page(chromium, site, "clerk", java_script_enabled=False,
                                            viewport={"width": WIDTHS[1], "height": 900})
    page.goto(site + "/assignments")
    assert page.locator(".menu a").first.is_visible() and not page.locator(".menu-toggle").is_visible()
    table = page.locator("main table.list")
    assert table.evaluate("t => getComputedStyle(t).overflowX") == "auto"
    assert "cards" not in table.get_attribute("class")
    assert overflow(page) <= 0
    context.close()

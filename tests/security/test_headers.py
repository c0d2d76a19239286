"""Security headers and cookies (issue #15): every response of every GET route carries a strict
Content-Security-Policy (scripts from this origin only: no inline script, no on…= handlers),
frame-ancestors 'none' with X-Frame-Options DENY, nosniff and a Referrer-Policy; the session
cookie is Secure outside demo and testing. The pages that run scripts (the register form, the
assignment's diagram, the report charts, the modeler with a diagram loaded, the decision-table
editor) work in Chromium under that policy without a single violation."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from engine.config import Settings
from tests.conftest import PASSWORD
from tests.modeler.conftest import start_assignment
from tests.webui.conftest import Browser
from webui.app import create_app

EXPECTED = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def assert_secure_headers(headers, where: str) -> None:
    policy = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], f"{where}: {policy!r}"
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"] and directives.get("base-uri") == ["'none'"], where
    assert {name: headers.get(name) for name in EXPECTED} == EXPECTED, where


@pytest.fixture
def app(loaded, org_tree):
    start_assignment(loaded, org_tree, "45/2026/QĐ-UBND")  # ids 1 name real records
    return create_app(loaded, SECRET_KEY="test-secret")


def test_every_get_route_answers_with_the_security_headers(app):
    browser = Browser(app)
    assert browser.login("admin").status_code == 302
    assert_secure_headers(browser.get("/login").headers, "/login")
    adapter = app.url_map.bind("localhost")
    walked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = {name: 1 if isinstance(rule._converters[name], IntegerConverter) else "assignment.bpmn"
                  for name in rule.arguments}
        path = adapter.build(rule.endpoint, values)
        if rule.endpoint.endswith("static"):
            path = adapter.build(rule.endpoint, {"filename": "app.css" if rule.endpoint == "static" else "x.js"})
        response = browser.get(path)
        assert response.status_code < 500, path
        assert_secure_headers(response.headers, path)
        walked += 1
    assert walked > 40


def test_the_session_cookie_is_secure_unless_demo_or_testing(loaded, monkeypatch):
    assert Settings().cookies_secure is True
    assert Settings(demo=True).cookies_secure is False and Settings(testing=True).cookies_secure is False
    monkeypatch.setenv("DONDOC_SECURE_COOKIES", "false")
    assert Settings.load().cookies_secure is False
    monkeypatch.setenv("DONDOC_SECURE_COOKIES", "true")
    assert Settings.load(testing=True).cookies_secure is True
    loaded.settings.secure_cookies = None
    plain = Browser(create_app(loaded, SECRET_KEY="s")).login("clerk")  # testing: a plain-HTTP test server
    assert "Secure" not in plain.headers["Set-Cookie"]
    loaded.settings.secure_cookies = True
    signed_in = Browser(create_app(loaded, SECRET_KEY="s")).login("clerk")
    cookie = signed_in.headers["Set-Cookie"]
    assert signed_in.status_code == 302 and "; Secure" in cookie and "HttpOnly" in cookie


# ---------------------------------------------------------------- in Chromium, under the policy
@pytest.mark.browser
def test_pages_and_the_modeler_work_under_the_policy(app, chromium, serve):
    base = serve(app)
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
    # Reported by the page itself as well as in the console (an init script is not page script).
    context.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    def visit(path: str, ready: str) -> None:
        response = page.goto(base + path)
        assert_secure_headers({h["name"].title(): h["value"] for h in response.headers_array()}, path)
        page.wait_for_selector(ready)
        problems.extend(page.evaluate("window.__csp"))

    def sign_in(username: str) -> None:
        page.context.clear_cookies()
        page.goto(base + "/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit] >> nth=-1")
        page.wait_for_url(lambda url: "/login" not in url)

    try:
        sign_in("clerk")
        visit("/inbox", "main")
        visit("/directives/new", "#add-row")
        rows = page.locator("fieldset.assignment").count()
        page.click("#add-row")  # register.js adds an assignment row
        assert page.locator("fieldset.assignment").count() == rows + 1
        visit("/assignments/1", "#diagram[data-state=ready] .djs-element")
        visit("/reports", "canvas")
        sign_in("admin")
        visit("/admin/users", "main")
        visit("/modeler/", "main")
        visit("/modeler/edit/assignment.bpmn", "body[data-modeler-ready=true]")
        assert page.locator(".djs-element").count() > 5  # the diagram is drawn
        page.evaluate("() => { const m = window.dondocModeler; const task = m.get('elementRegistry')"
                      ".filter(e => e.type === 'bpmn:UserTask')[0]; m.get('selection').select(task); }")
        page.wait_for_selector(".bio-properties-panel-group-header")  # the properties panel renders
        problems.extend(page.evaluate("window.__csp"))
        visit("/modeler/edit/registration_deadline.dmn", "body[data-modeler-ready=true]")
        assert page.locator("td[data-element-id]").count() > 10  # dmn-js draws the decision table
    finally:
        context.close()
    assert not problems, problems

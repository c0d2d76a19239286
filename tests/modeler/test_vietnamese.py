"""No English in the modeler and the instance pages (issue #19): every page a process admin
opens, in headless Chromium with the Vietnamese locale, with bpmn-js's palette, context pad,
replace menu and properties panel opened on a user task and a timer. Every run of words that
carries no Vietnamese letter and does not have the shape of a Vietnamese syllable must be in
ALLOWED, each entry with its reason."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.rulesets.foreign import foreign_expression
from engine.rulesets.models import ProcessBundle
from tests.conftest import make_engine
from tests.modeler.conftest import ASSIGNMENT, NEW_TIMER, OLD_TIMER, start_assignment
from tests.modeler.test_browser import open_editor, page, select_element, sign_in  # noqa: F401  (fixture)
from tests.modeler.test_settings import SHIPPED
from tests.modeler.test_versions import save
from webui.formbuilder.routes import blueprint as formbuilder

pytestmark = pytest.mark.browser
FORMS = formbuilder.url_prefix + "/"

# What may stand in Vietnamese text without being Vietnamese, and why.
ALLOWED = {
    "dondoc": "the product's name",
    "English": "the language switch names the other language in that language",
    "lane": "BPMN's word for a lane, given once in parentheses on the settings form",
    "BPMN": "the standard's name, as Vietnamese admins say it",
    "DMN": "the standard's name, as Vietnamese admins say it",
    "ID": "element ids are shown as such in the properties panel, as in every BPMN tool",
    "Python": "the expression language the admin may type",
    "TOML": "the format of scenario files, named as the admin writes them",
    "UBND": "abbreviation of Ủy ban nhân dân in unit and ruleset names",
    "QĐ-UBND CT-UBND UBND-VP": "parts of directive symbols",
    "STC SXD VP": "unit codes, shown where the admin types one",
    "N D": "the number and the day a deadline shape leaves to the admin («N ngày làm việc kể từ»)",
    "Excel": "the spreadsheet program offices keep their registers in, named so in Vietnamese («sổ theo dõi từ Excel»)",
    "Menu": "the phone menu's button: Vietnamese says «Menu» too (its msgstr)",
    "X": "the test directive's summary, «Về việc X» (tests/modeler/conftest.py)",
    "Powered by bpmn io": "the bpmn.io watermark, which bpmn-js's licence requires to stay visible",
}
# Text the admin typed or that names a file: ids, file names, expressions, shown as they are.
ALLOWED_PATTERNS = {
    r"[\w./-]+\.(bpmn|dmn|toml)": "file names",
    r"processes/[\w-]+/?": "the folder a ruleset's files are written to",
    r"scenarios/…toml": "where a ruleset's scenario files are kept",
    r"\{\w+\}": "a word of the ruleset's terminology in braces, as the admin types it in a form's text",
    "|".join(SHIPPED): "a ruleset's id (ruleset.toml id, its folder's name), in its settings field",
    r"k\.\d+[a-z]?": "«khoản» in the regulation references of the settings (Đ.7 k.1), abbreviated as legal texts do",
    r"(monthly|quarterly|half_yearly|yearly|none|last|next|units)": "values a setting accepts, as the admin types "
                                                                     "them (the settings form's help lists them)",
    r"(assignment|directive|registration_deadline)": "process and decision ids, shown next to their names",
    r"\.(bpmn|dmn|xml)": "file extensions",
    r'action == "return"': "the help's example of a condition, as the admin types it",
    r"import": "the Python keyword scripts may not use, named as the admin would type it",
    r"(handle|reminder|reminder_timer|due)": "ids of the elements the diff names, next to their names",
    r"(deadline|lead_unit|reminder_at|issued_on|working_days_before|setting)": "names of process data and helpers "
        "the admin types in expressions: help examples, decision table cells, the diff's values",
    r"(deadlines|registration)\.\w+": "names of ruleset settings, as typed in expressions and column labels",
}
# Parts of a page whose text is not scanned.
ALLOWED_PARTS = {
    "#instance-data": "an instance's process data as stored (names and values the process and its forms define), "
                      "which the admin corrects as JSON on the incident page",
}
_VIETNAMESE_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_SYLLABLE = re.compile(r"(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?"
                       r"(uye|uya|ieu|yeu|uoi|uou|oai|oay|oeo|uay|uây|[aeiouy]{1,3})"
                       r"(ng|nh|ch|[cmnpt])?$", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def is_vietnamese(word: str) -> bool:
    lower = word.lower()
    return any(ch in _VIETNAMESE_LETTERS for ch in lower) or bool(_SYLLABLE.match(lower))


def english_in(text: str) -> list[str]:
    """The runs of words in `text` that are neither Vietnamese nor allowed."""
    for pattern in ALLOWED_PATTERNS:
        text = re.sub(rf"(?<![\w.]){pattern}(?![\w])", " ", text)
    allowed_words = {w for entry in ALLOWED for w in entry.split()}
    found, run = [], []
    for word in WORD.findall(text) + [""]:
        if word and word not in allowed_words and not any(ch in _VIETNAMESE_LETTERS for ch in word.lower()):
            run.append(word)
            continue
        if run and not all(is_vietnamese(w) for w in run):
            found.append(" ".join(run))
        run = []
    return found


VISIBLE_TEXT = """(SKIPPED) => {
  const shown = (el) => el && (el.tagName === 'OPTION' ? shown(el.closest('select'))
                                                      : el.checkVisibility({visibilityProperty: true}));
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (node.textContent.trim() && !parent.closest(`script, style, textarea, ${SKIPPED}`) && shown(parent)) {
      texts.push(node.textContent);
    }
  }
  document.querySelectorAll('[title], [aria-label], [placeholder]').forEach((el) => {
    const said = ['title', 'aria-label', 'placeholder'].map((name) => el.getAttribute(name)).filter(Boolean);
    if (shown(el)) texts.push(...said);
  });
  return texts;
}"""


def english_on(page, where: str) -> list[str]:  # noqa: F811
    return list(dict.fromkeys(f"{where}: {run!r} in {text.strip()[:80]!r}"
                              for text in page.evaluate(VISIBLE_TEXT, ", ".join(ALLOWED_PARTS))
                              for run in english_in(text)))


def sign_in_in_vietnamese(page) -> None:  # noqa: F811
    page.context.set_extra_http_headers({"Accept-Language": "vi-VN,vi;q=0.9"})
    sign_in(page, "admin")


def test_the_scanner_finds_english_and_passes_vietnamese():
    assert english_in("No Issues") == ["No Issues"]
    assert english_in("USER TASK · Thực hiện") == ["USER TASK"]
    assert english_in("Văn phòng → clerk") == ["clerk"]
    assert english_in("Thời hạn theo ngày làm việc, tính từ khi giao (assignment.bpmn)") == []
    assert english_in("Nhận văn bản chỉ đạo, theo dõi, đôn đốc") == []


# Elements whose properties panel, context pad and replace menu the scan opens (id, our group).
ELEMENTS = (("handle", "dondoc-user-task"), ("reminder", "dondoc-timer"), ("flow_close", "dondoc-condition"),
            ("close_or_back", "general"), ("apply_correction", "dondoc-script"), ("close", "general"),
            ("assigned", "general"), ("closed", "general"))


def open_bpmn_tools(page, problems: list[str]) -> None:  # noqa: F811
    """Palette, context pad, replace menu and every group of the properties panel on each of
    ELEMENTS and the process, then the lint overlays. (The fixture's diagrams have no lanes
    drawn: bpmn-auto-layout lays them out without.)"""
    problems += english_on(page, "editor")
    for element, group in ELEMENTS:
        select_element(page, element, group)
        page.evaluate("() => document.querySelectorAll('.bio-properties-panel-group-header:not(.open)')"
                      ".forEach((header) => header.click())")
        problems += english_on(page, f"properties of {element}")
        replace = page.locator(".djs-context-pad [data-action=replace]")
        if replace.count():
            replace.click()
            page.locator(".djs-popup").wait_for()
            problems += english_on(page, f"replace menu of {element}")
            page.keyboard.press("Escape")
    page.evaluate("() => window.dondocModeler.get('selection').select(null)")  # the process itself
    page.locator('[data-group-id="group-general"]').wait_for()
    page.evaluate("() => document.querySelectorAll('.bio-properties-panel-group-header:not(.open)')"
                  ".forEach((header) => header.click())")
    problems += english_on(page, "properties of the process")
    page.locator(".bjsl-button").click()  # the lint overlays
    problems += english_on(page, "lint overlays")


def test_no_english_on_the_modeler_and_instance_pages(page, loaded, org_tree, processes_dir):  # noqa: F811
    running = start_assignment(loaded, org_tree, "1/2026/QĐ-UBND")
    _draft, result = save(loaded, processes_dir, org_tree["admin"],
                          lambda xml: xml.replace(OLD_TIMER, NEW_TIMER).replace(
                              'name="due" value="deadline"', 'name="due" value="working_days_before(deadline, 1)"'))
    version = result.bundle.id
    sign_in_in_vietnamese(page)
    problems: list[str] = []
    for url in ("/modeler/", f"/modeler/versions/{version}", f"/modeler/versions/{version}/publish",
                "/modeler/versions/1", "/modeler/scenarios/", "/modeler/scenarios/write",
                "/modeler/edit/registration_deadline.dmn", "/modeler/settings", FORMS, f"{FORMS}update_progress",
                "/admin/instances",
                f"/admin/instances/{running.id}"):
        page.goto(page.base + url)
        if "/admin/instances/" in url:
            page.wait_for_selector("#diagram svg")
        problems += english_on(page, url)
    page.goto(f"{page.base}/admin/instances/{running.id}")  # a move's dry run names the steps
    page.fill("#move-form input[name=reason]", "Thử")
    page.click("#move-form button[name=dry_run]")
    page.wait_for_selector("#preview")
    problems += english_on(page, "instance move dry run")
    page.goto(f"{page.base}/modeler/versions/{version}")
    page.check(f'input[name=instance_id][value="{running.id}"]')
    page.click("button[value=dry-run]")
    page.wait_for_selector("table.plans")
    problems += english_on(page, "migration dry run")
    open_editor(page, ASSIGNMENT)
    open_bpmn_tools(page, problems)
    with loaded.db.session() as s:
        assert s.scalar(select(ProcessBundle.number).where(ProcessBundle.id == version)) == 2
    assert problems == [], "\n".join(problems)


def test_no_english_on_the_settings_page_of_any_shipped_ruleset(org_tree, database_url, clock, tmp_path, chromium,
                                                                serve):
    """The settings page shows the comment beside each key in the ruleset's own file («Trong tệp:
    …») and, in its fields, the articles of the report calendar: every shipped ruleset's, not only
    the fixture's, in Vietnamese. One database and one sign-in: each ruleset's app is served in
    turn on 127.0.0.1 with the same secret key, so the session cookie serves them all."""
    from webui.app import create_app

    context = chromium.new_context(extra_http_headers={"Accept-Language": "vi-VN,vi;q=0.9"})
    page = context.new_page()  # noqa: F811
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems: list[str] = []
    for ruleset in SHIPPED:
        engine = make_engine(database_url, clock, ruleset=ruleset, tmp_path=tmp_path)
        try:
            with engine.db.session() as s:
                engine.load_ruleset(s)
            page.base = serve(create_app(engine, SECRET_KEY="test-secret", TESTING=True))
            if ruleset == SHIPPED[0]:
                sign_in(page, "admin")
            page.goto(f"{page.base}/modeler/settings")
            assert page.locator("span.article").count() > 0, ruleset  # the file's comments are shown
            problems += english_on(page, ruleset)
            articles = page.eval_on_selector_all('input[name$=".article"]', "(inputs) => inputs.map((i) => i.value)")
            problems += [f"{ruleset} article: {run!r} in {text!r}" for text in articles for run in english_in(text)]
        finally:
            engine.close()
    context.close()
    assert problems == [] and errors == [], "\n".join(problems + errors)


def test_the_live_check_is_the_servers_and_speaks_vietnamese(page, loaded):  # noqa: F811
    """A broken due expression: the editor's own rules cannot see it, the server's check (run on
    every autosave) does, and the page says so in words, at the element."""
    sign_in_in_vietnamese(page)
    open_editor(page, ASSIGNMENT)
    assert page.locator("#lint-count").inner_text() == "Chưa phát hiện lỗi."
    select_element(page, "handle", "dondoc-due")
    page.evaluate("""() => { window.lintSaid = []; new MutationObserver(() => window.lintSaid.push(
        document.getElementById('lint-count').textContent)).observe(document.getElementById('lint-count'),
        {childList: true, characterData: true, subtree: true}); }""")
    page.fill("#bio-properties-panel-dondoc-due-expression", "working_days_before(deadline, 2")
    page.locator("#bio-properties-panel-dondoc-due-expression").press("Tab")
    item = page.locator('#problems li[data-element="handle"]')
    item.wait_for()
    said = page.evaluate("() => window.lintSaid")
    assert "Đang kiểm tra…" in said and "Chưa phát hiện lỗi." not in said, said  # never "none" while unchecked
    assert item.inner_text() == ("assignment.bpmn: [bước giao việc cho người xử lý “Thực hiện và cập nhật tiến độ”] "
                                 "thuộc tính 'Hạn xử lý': lỗi cú pháp ở dòng 1: dấu ngoặc ( chưa được đóng")
    assert page.locator("#lint-count").inner_text() == "1 lỗi khi soạn"


def test_the_whole_diagram_shows_clear_of_the_edges_the_palette_and_the_lint_button(page, loaded):  # noqa: F811
    sign_in_in_vietnamese(page)
    open_editor(page, ASSIGNMENT)
    outside = page.evaluate("""() => {
        const box = document.getElementById('canvas').getBoundingClientRect();
        const palette = document.querySelector('.djs-palette').getBoundingClientRect();
        const lint = document.querySelector('.bjsl-button').getBoundingClientRect();
        return Array.from(document.querySelectorAll('.djs-shape .djs-visual')).map((shape) => {
            const r = shape.getBoundingClientRect();
            const clear = r.top >= box.top && r.bottom <= Math.min(box.bottom, lint.top) && r.right <= box.right
                && r.left >= palette.right;
            return clear ? null : shape.closest('.djs-element').dataset.elementId;
        }).filter(Boolean); }""")
    assert outside == []


def test_on_a_phone_the_editor_says_it_needs_a_wider_screen(app, chromium, serve, loaded):
    from tests.conftest import signed_in_page

    base = serve(app)
    context, phone, errors = signed_in_page(chromium, base, "admin", viewport={"width": 390, "height": 800})
    phone.goto(f"{base}/modeler/edit/{ASSIGNMENT}")
    assert phone.locator("#modeler-phone h2").inner_text() == "Trình soạn quy trình không dùng được trên điện thoại"
    assert not phone.locator("#canvas").is_visible() and not phone.locator("#save").is_visible()
    assert phone.locator(".djs-container").count() == 0  # no modeler was started
    assert english_on(phone, "phone") == [] and errors == []
    phone.set_viewport_size({"width": 800, "height": 800})  # turned to a tablet's width: the editor opens
    phone.wait_for_selector("body[data-modeler-ready=true]")
    assert not phone.locator("#modeler-phone").is_visible() and phone.locator("#canvas .djs-container").is_visible()
    context.close()


def test_diff_facts_steps_and_python_messages_read_as_words(app):
    from webui.modeler import words

    with app.test_request_context(headers={"Accept-Language": "vi"}):
        assert str(words.fact_word("extensionElements/properties/property[due]@value")) == "Hạn xử lý"
        assert str(words.fact_word("timeDate")) == "Hẹn giờ: thời điểm"
        assert str(words.fact_word("timerEventDefinition#reminder_timer")) == "hẹn giờ <code>reminder_timer</code>"
        assert str(words.fact_word("@odd")) == "<code>@odd</code>"  # no word: shown as it is
        assert words.kind_word("userTask") == "bước giao việc cho người xử lý"
        assert [words.step_word(s, {"handle": "Thực hiện"}) for s in ("handle", "Start", "assignment.EndJoin")] == [
            "Thực hiện", "điểm bắt đầu quy trình", "điểm kết thúc quy trình"]
        assert words.code_detail("syntax error at line 2: unmatched ')'") == (
            "lỗi cú pháp ở dòng 2: dấu ngoặc ) không có dấu mở tương ứng")
        assert words.code_detail(foreign_expression('=progress = "done"')) == (
            'biểu thức FEEL (Camunda 8): dondoc đọc biểu thức Python, ví dụ progress == "done"')
        assert words.readable_refusal("Steps: %(steps)s.", {"steps": "Start, handle"}, {"handle": "Thực hiện"})[1] == {
            "steps": "điểm bắt đầu quy trình, Thực hiện"}
        assert words.readable_refusal("The instance is %(status)s, not running.", {"status": "suspended"}, {})[1] == {
            "status": "Tạm dừng"}

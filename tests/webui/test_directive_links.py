"""Everything that names a directive links to its page (issue #18): wherever a person reads the
symbol as a label — inbox, the office's day, the registry, a task's page — it is a
link to /directives/<id>. (A sentence that mentions it, such as a step's instructions, stays text.)"""
import lxml.html
from sqlalchemy import select

from engine.directives.models import Directive

SYMBOL = "45/2026/QĐ-UBND"


def labels(html: str) -> list:
    """The elements of <main> whose own text is the symbol (a label, not a sentence)."""
    main = lxml.html.fromstring(html).get_element_by_id("main")
    return [el for el in main.iter() if isinstance(el.tag, str) and (el.text or "").strip(" ·") == SYMBOL]


def test_each_page_naming_the_directive_links_to_it(loaded, assigned, browser):
    with loaded.db.session() as s:
        href = f"/directives/{s.scalar(select(Directive.id).where(Directive.symbol == SYMBOL))}"
    pages = {"clerk": ["/today", "/assignments", "/assignments/1"], "stc": ["/inbox"]}
    for username, urls in pages.items():
        person = browser(username)
        for url in urls:
            found = labels(person.get(url).get_data(as_text=True))
            assert found, (username, url)
            unlinked = [lxml.html.tostring(el, encoding="unicode")[:120] for el in found
                        if not any(a.tag == "a" and a.get("href") == href for a in [el, *el.iterancestors()])]
            assert unlinked == [], (username, url)

"""The office's steps of a secret directive reach someone who may see it. Under Quỳnh Nhai's ruleset
(`[secrecy] visible_to = ["office_head", "leader"]`: clerks at large do not read secret records,
Đ.6 k.1b) a secret directive the office head registered had its classification sent to the clerks,
none of whom may open it: it stayed at 0 tasks, out of every report. Such a step now goes to the
office head; a clerk who registered one (who handles it in person) still classifies it. The process
admin, who moves running instances to a new version, is not told a secret directive's symbol."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from engine.config import REPO_ROOT
from engine.directives import service as directives
from engine.directives.models import Assignment
from engine.org import permissions
from engine.org import service as org
from engine.rulesets.models import ProcessBundle
from engine.rulesets.service import publish_bundle
from engine.runtime.models import WorkItem
from tests.conftest import PASSWORD, make_engine, publish_newer_version
from tests.webui.conftest import Browser
from webui.app import create_app

UNITS = (("UBND", "UBND huyện Quỳnh Nhai", None, False), ("VP", "Văn phòng", "UBND", True),
         ("STC", "Phòng Tài chính", "UBND", False))
PEOPLE = {"clerk": ("VP", ["clerk"]), "chanhvp": ("VP", ["office_head"]), "stc": ("STC", ["unit_officer"])}


@pytest.fixture
def office(database_url, clock, tmp_path):
    engine = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path)
    with engine.db.session() as s:
        for code, name, parent, tracking in UNITS:
            org.create_unit(s, code, name, parent_code=parent, tracking_office=tracking)
        users = {name: org.create_user(s, name, PASSWORD, name.title(), unit, roles)
                 for name, (unit, roles) in PEOPLE.items()}
        engine.load_ruleset(s)
    yield engine, users
    engine.close()


def _register(engine, user, symbol: str, secret: bool) -> WorkItem:
    header = {"symbol": symbol, "issued_on": "12/02/2026", "issuer": "UBND huyện", "summary": "Rà soát",
              **({"secrecy": "secret"} if secret else {})}
    directive = directives.register(engine, header, [{"content": "Rà soát", "lead_unit": "STC",
                                                       "deadline": "27/02/2026"}], user)
    with engine.db.session() as s:
        return s.scalars(select(WorkItem).where(WorkItem.directive_id == directive.id,
                                                WorkItem.element_id == "classify")).one()


def _may_act(engine, user, item: WorkItem) -> bool:
    with engine.db.session() as s:
        return permissions.may_act(s, s.get_one(type(user), user.id), item)


def test_a_secret_directive_the_office_head_registered_is_classified_by_the_office_head(office):
    engine, users = office
    item = _register(engine, users["chanhvp"], "7/2026/QD-UBND", secret=True)
    assert item.role == "office_head"
    assert not _may_act(engine, users["clerk"], item) and _may_act(engine, users["chanhvp"], item)
    engine.runtime.complete(item.id, {"tracked": "on"}, users["chanhvp"])
    with engine.db.session() as s:
        assert s.scalar(select(Assignment.content).where(Assignment.directive_id == item.directive_id)) == "Rà soát"


def test_the_clerks_keep_the_other_office_steps(office):
    engine, users = office
    public = _register(engine, users["chanhvp"], "8/2026/QD-UBND", secret=False)
    own = _register(engine, users["clerk"], "9/2026/QD-UBND", secret=True)   # handled in person
    assert (public.role, own.role) == ("clerk", "clerk")
    assert _may_act(engine, users["clerk"], own)


def test_the_version_and_publish_pages_do_not_name_a_secret_directive_to_the_process_admin(database_url, clock,
                                                                                         tmp_path):
    """The modeler lists the running instances of earlier versions, to move them: a secret
    directive's are listed without its symbol, as on the running processes' page (a process
    admin does not read secret records), an ordinary one's with it and, for a task, its number.
    The publish confirmation lists them the same way: it named the secret directive (its own
    query, without the rule), and neither page told two tasks of one directive apart (two rows
    'Thực hiện nhiệm vụ · văn bản 55/UBND-VP' — found walking a publish)."""
    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    engine = make_engine(database_url, clock, ruleset="quynh-nhai", processes_dir=str(processes), tmp_path=tmp_path)
    with engine.db.session() as s:
        for code, name, parent, tracking in UNITS:
            org.create_unit(s, code, name, parent_code=parent, tracking_office=tracking)
        users = {name: org.create_user(s, name, PASSWORD, name.title(), unit, roles)
                 for name, (unit, roles) in {**PEOPLE, "quytrinh": ("VP", ["process_admin"])}.items()}
        engine.load_ruleset(s)
    engine.runtime.complete(_register(engine, users["chanhvp"], "7/2026/QD-XSECRETX", secret=True).id,
                            {"tracked": "on"}, users["chanhvp"])
    engine.runtime.complete(_register(engine, users["chanhvp"], "8/2026/QD-XOPENX", secret=False).id,
                            {"tracked": "on"}, users["clerk"])
    with engine.db.reading() as s:
        first = engine.current_bundle(s).id
    newer = publish_newer_version(engine, processes, "quynh-nhai", "first_update = 2", "first_update = 3")
    admin = Browser(create_app(engine, SECRET_KEY="test-secret", TESTING=True))
    assert admin.login("quytrinh").status_code == 302
    page = admin.get(f"/modeler/versions/{newer}").get_data(as_text=True)
    assert "XOPENX" in page and "XSECRETX" not in page
    assert "văn bản 8/2026/QD-XOPENX, nhiệm vụ 1" in page
    with engine.db.session() as s:  # rolled back: the newer version's confirmation lists the instances
        publish_bundle(s, s.get_one(ProcessBundle, first))
    page = admin.get(f"/modeler/versions/{newer}/publish").get_data(as_text=True)
    assert "XOPENX" in page and "XSECRETX" not in page
    assert "văn bản 8/2026/QD-XOPENX, nhiệm vụ 1" in page
    engine.close()

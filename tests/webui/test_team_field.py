"""A `users` field (the inspection team) is a list to pick several people from by full name,
and the several picked reach the workflow."""
from sqlalchemy import select

from engine.inspections import service as inspections
from engine.inspections.models import Inspection
from engine.org import service as org
from tests.conftest import PASSWORD
from tests.processes.test_inspection import DECISION
from tests.webui.conftest import ready_item_path


def test_leader_picks_several_team_members_by_name(loaded, org_tree, browser):
    with loaded.db.session() as s:
        org.create_user(s, "thanhtra", PASSWORD, "Hoàng Thanh Tra", "VP", ["inspector"])
    proposed = inspections.propose(loaded, {"title": "Kiểm tra nhiệm vụ năm 2025", "kind": "planned",
                                            "units": ["STC"]}, org_tree["office_head"])
    leader = browser("chutich")
    path = ready_item_path(loaded, "decide")
    page = leader.get(path).get_data(as_text=True)
    assert 'name="team_members" multiple' in page and ">Hoàng Thanh Tra</option>" in page
    fields = {**DECISION, "team_members": ["thanhtra", "chanhvp"]}
    response = leader.client.post(path, data={**fields, "csrf_token": leader.token(path)})
    assert response.status_code == 302, response.get_data(as_text=True)
    with loaded.db.session() as s:
        members = s.get(Inspection, proposed.id).members
        names = sorted(s.scalars(select(org.User.username).where(org.User.id.in_([m.user_id for m in members]))))
    assert names == ["chanhvp", "thanhtra"]

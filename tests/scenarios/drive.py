"""Driving a ruleset through the engine the way its users would, in few lines per step.

A scenario builds the engine for one ruleset (`Scenario.start`), registers a directive as the
office clerk, then finds each ready work item by its BPMN element id and completes it as a
user of the right unit and role, moving the injected clock and running the due timers
between steps.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from engine import forms
from engine.clock import VN_TZ
from engine.core import Engine
from engine.directives import extensions
from engine.directives import service as directives
from engine.directives.models import Assignment, Directive
from engine.inspections import service as inspections
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import User
from engine.passwords import hash_password
from engine.runtime.models import WorkItem
from tests import statuses
from tests.conftest import PASSWORD, make_engine

# (code, name, parent, kind, tracking office)
UNITS = (
    ("UBND", "Ủy ban nhân dân", None, "province", False),
    ("VP", "Văn phòng", "UBND", "office", True),
    ("STC", "Sở Tài chính", "UBND", "department", False),
    ("STC-NS", "Phòng Ngân sách", "STC", "section", False),
    ("SXD", "Sở Xây dựng", "UBND", "department", False),
    ("SNV", "Sở Nội vụ", "UBND", "department", False),
)
# key: (user name, unit, roles)
PEOPLE = {
    "clerk": ("clerk", "VP", ["clerk"]),
    "office_head": ("chanhvp", "VP", ["office_head"]),
    "leader": ("chutich", "UBND", ["leader"]),
    "inspector": ("kiemtra", "VP", ["inspector"]),
    "stc": ("stc", "STC", ["unit_officer"]),
    "sxd": ("sxd", "SXD", ["unit_officer"]),
    "snv": ("snv", "SNV", ["unit_officer"]),
}


@dataclass
class Scenario:
    engine: Engine
    clock: object
    users: dict[str, User]

    @classmethod
    def start(cls, database_url: str, clock, ruleset: str, tmp_path) -> Scenario:
        """An engine running `ruleset` over a small organisation, with the ruleset loaded."""
        return cls.populate(make_engine(database_url, clock, ruleset=ruleset, tmp_path=tmp_path), clock)

    @classmethod
    def populate(cls, engine: Engine, clock) -> Scenario:
        """Give `engine` (empty schema) the organisation and load its configured ruleset."""
        with engine.db.session() as s:
            for code, name, parent, kind, office in UNITS:
                org.create_unit(s, code, name, parent_code=parent, kind=kind, tracking_office=office)
            users = {key: _user(s, login, unit, roles) for key, (login, unit, roles) in PEOPLE.items()}
            engine.load_ruleset(s)
        return cls(engine, clock, users)

    def close(self) -> None:
        """Stop the engine; every status the scenario wrote must be a member of its column's enum."""
        with self.engine.db.reading() as session:
            unknown = statuses.outside_their_enums(session)
        self.engine.close()
        assert not unknown, f"statuses outside their enums: {unknown}"

    # ------------------------------------------------------------------ time
    def at(self, moment: str) -> None:
        """Set the clock ('2026-02-12 09:00', Vietnam time) and run the timers now due."""
        self.clock.set(datetime.fromisoformat(moment))
        self.engine.runtime.run_due_timers()

    # ------------------------------------------------------------------ steps
    def register(self, symbol: str, issued_on: str, assignments: list[dict], **header) -> Directive:
        raw = {"symbol": symbol, "issued_on": issued_on, "issuer": header.pop("issuer", "UBND"),
               "summary": header.pop("summary", f"Văn bản {symbol}"), **header}
        return directives.register(self.engine, raw, assignments, self.users["clerk"])

    def ready(self, element_id: str, assignment_id: int | None = None, directive_id: int | None = None) -> WorkItem:
        """The one ready work item of `element_id` (of that assignment or directive, when given)."""
        with self.engine.db.session() as s:
            query = select(WorkItem).where(WorkItem.element_id == element_id, WorkItem.status == "ready")
            if assignment_id is not None:
                query = query.where(WorkItem.assignment_id == assignment_id)
            if directive_id is not None:
                query = query.where(WorkItem.directive_id == directive_id)
            return s.scalars(query).one()

    def ready_elements(self) -> list[str]:
        with self.engine.db.session() as s:
            return sorted(s.scalars(select(WorkItem.element_id).where(WorkItem.status == "ready")))

    def complete(self, element_id: str, who: str, data: dict, assignment_id: int | None = None,
                 directive_id: int | None = None) -> WorkItem:
        item = self.ready(element_id, assignment_id, directive_id)
        return self.engine.runtime.complete(item.id, data, self.users[who])

    def extend(self, assignment_id: int, unit: str, new_deadline: str, reason: str, *, decider: str,
               proposer: str | None, report: dict) -> None:
        """The unit asks for more time and sends `report` (progress data) while it waits: it keeps
        its update item. `proposer` (None: nobody) proposes, then `decider` approves; each finds
        the work item in its role and is told of the request. The unit's round then runs to the
        new deadline."""
        extensions.request_extension(self.engine, assignment_id, new_deadline, reason, self.users[unit])
        for element, who, data in (("propose_extension", proposer, {"extension_proposal": "support"}),
                                   ("decide_extension", decider, {"extension_decision": "approve"})):
            if who is None:
                assert element not in self.ready_elements()
                continue
            item = self.ready(element, assignment_id)
            told = {n.user_id for n in self.notices("extension_requested", assignment_id)}
            assert item.role == self.users[who].roles[0] and self.users[who].id in told
            if element == "decide_extension":
                self.complete("handle", unit, report, assignment_id)
                assert self.ready("handle", assignment_id)  # the next update, the request still pending
            self.engine.runtime.complete(item.id, data, self.users[who])
        day = forms.parse_date(new_deadline)
        assert (self.assignment(assignment_id).deadline, due_day(self.ready("handle", assignment_id))) == (day, day)

    # ------------------------------------------------------------------ reading
    def directive(self, directive_id: int) -> Directive:
        with self.engine.db.session() as s:
            return s.get(Directive, directive_id)

    def assignments(self, directive_id: int) -> list[Assignment]:
        with self.engine.db.session() as s:
            return list(s.scalars(select(Assignment).where(Assignment.directive_id == directive_id)
                                  .order_by(Assignment.seq)))

    def assignment(self, assignment_id: int) -> Assignment:
        with self.engine.db.session() as s:
            return s.get(Assignment, assignment_id)

    def unit_id(self, code: str) -> int:
        with self.engine.db.session() as s:
            return org.unit_by_code(s, code).id

    def notices(self, kind: str, assignment_id: int | None = None) -> list[Notification]:
        with self.engine.db.session() as s:
            query = select(Notification).where(Notification.kind == kind)
            if assignment_id is not None:
                query = query.where(Notification.assignment_id == assignment_id)
            return list(s.scalars(query.order_by(Notification.id)))


def _user(session, login: str, unit: str, roles: list[str]) -> User:
    user = User(username=login, full_name=login.title(), password_hash=hash_password(PASSWORD),
                unit_id=org.require_unit(session, unit).id, roles=roles)
    session.add(user)
    session.flush()
    return user


def due_day(item: WorkItem) -> date | None:
    """The day a work item is due, in Vietnam."""
    return item.due_at.astimezone(VN_TZ).date() if item.due_at else None


def run_inspection(sc: Scenario, units: list[str], ends_on: str) -> WorkItem:
    """Propose an ad-hoc inspection of `units`, let the leader decide it and the team record
    its findings ending on `ends_on`; returns the results-report work item."""
    inspections.propose(sc.engine, {"title": "Kiểm tra việc thực hiện nhiệm vụ", "kind": "ad_hoc",
                                    "reason": "Đơn vị chậm thực hiện", "units": units}, sc.users["office_head"])
    sc.complete("decide", "leader", {
        "decision_symbol": "12/QĐ-UBND", "decided_on": ends_on, "legal_basis": "Quy chế theo dõi, đôn đốc",
        "scope": "Việc thực hiện nhiệm vụ được giao", "content": "Tình hình, kết quả thực hiện",
        "starts_on": ends_on, "ends_on": ends_on, "team_leader": "kiemtra", "team_members": "kiemtra"})
    sc.at(f"{datetime.strptime(ends_on, '%d/%m/%Y').date().isoformat()} 16:00")  # its end is not a day to come
    sc.complete("record_findings", "inspector", {"ended_on": ends_on, "findings": "Chậm 2 nhiệm vụ"})
    return sc.ready("write_report")

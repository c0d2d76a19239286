"""Who may see and do what, decided once for the web UI, the API, the CLI, imports, reports,
exports and notifications. Every role group of the application is named here, and nowhere
else (the ROLES catalogue in engine/org/models.py only lists the roles).

Three kinds of rule:
- by role alone: `may_register_directives(user)`, `may_administer_users(user)`, …;
- by unit scope: organisation-wide roles see every unit, the others their own unit, the
  units below it and the units reorganised into those (`units_in_scope`, `acts_for_unit`);
- by body (cơ quan): a directive is its issuing body's (the province, or a commune marked an
  issuing body: org.body_of). Organisation-wide roles see, count and are told of their own body's
  directives only (`issued_clause`), a commune's leader reading besides what its units do (`led_units`); a
  unit sees what it does, whoever issued it; a commune's office names its own units only, in directives, ad-hoc
  reports, inspections and the secret register (`units_outside`), and a process about no directive names a body
  other than the home body (`other_than_home`);
- on records (directives, assignments, work items): an SQL clause that filters lists
  (`see_clause`, `act_clause`, `unit_items_clause`) and a check for one record that runs the
  same clause on that row (`may_see`; `may_act` checks role and unit in Python and the record
  with `may_see`), so a list and a page never disagree (tests/security/test_secret_visibility.py).

Secrecy (ruleset.toml `[secrecy]`). A directive with a secrecy level, and a secret assignment,
is seen by the units doing it (lead or coordinating, and the units above them), by the people
handling it in person (who registered it, the follow-up officers of its assignments), and
among the organisation-wide roles only by those the ruleset's `visible_to` names. Nobody
else sees any of it: not in lists, pages, exports, work items, notifications or e-mails. A
ruleset with `store_content = false` refuses such directives (they go to the separate
register, read by `visible_to` only).

The features owning the tables describe their records in SQL (`declare`, beside their
models) and the published rulesets' settings (`declare_settings`), so org imports no
feature; the rules that read those facts are all here.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    and_,
    literal,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, joinedload

from engine import clock
from engine.org import service as org
from engine.org.kept import kept
from engine.org.models import Unit, User
from engine.text import filled

# ---------------------------------------------------------------- role groups
# Roles that see every unit's assignments, not only their own sub-tree.
ORGANISATION_WIDE = frozenset({"clerk", "office_head", "leader", "inspector", "system_admin"})
OFFICE = ("clerk", "office_head")                  # the tracking office (Văn phòng): registers, is notified
# A work item role ([lanes] value): the tracking office as a body, whose work any holder of an OFFICE role
# does — the office's report, which the office consolidates and its head answers for (Quỳnh Nhai Đ.20 k.1)
OFFICE_BODY = "office"
OFFICE_WORK = (*OFFICE, OFFICE_BODY)                # work item roles whose items wait in the tracking office
EXPLANATION_ASKERS = ("clerk", "office_head", "leader")
REPORT_RECIPIENTS = ("leader",)  # an issued office report goes to them where [reports] send_to is silent
# Adjusting a task is the leader's decision on the office's proposal (Bạc Liêu Đ.12 k.4, Đắk Lắk
# Đ.10 k.4, Cần Thơ Đ.11 k.2, Gia Lai Đ.9 k.2, Quỳnh Nhai Đ.14 k.2c): the leader withdraws or
# adjusts one, or the office does on the leader's instruction, which it records.
ASSIGNMENT_CHANGERS = ("clerk", "office_head", "leader")
UNIT_STAFF = ("unit_officer", "unit_head")         # speak for their unit: extensions, passing down
UNIT_HEADS = ("unit_head", "office_head")          # head a unit (thủ trưởng): follow all its work, named or not
INSPECTION_PROPOSERS = ("clerk", "office_head", "leader", "inspector")
INCIDENT_HANDLERS = ("process_admin", "system_admin")
PROCESS_MODELLERS = ("process_admin",)
INSTANCE_ADMINS = ("process_admin",)               # suspend, terminate, move, reassign running instances
SYSTEM_ADMINS = ("system_admin",)                  # users, calendar, API tokens
REPORT_SCHEDULERS = ("process_admin", "system_admin", "office_head")
# Ad-hoc reports are asked by the office or at the leader's request (Đắk Lắk Đ.19 k.4, Đ.20 k.1).
ADHOC_REPORT_ASKERS = ("clerk", "office_head", "leader")
FIRST_ADMIN_ROLES = ("system_admin", "process_admin")
# Roles whose work is no unit's: an account holding one keeps working when its unit closes (`account_in_force`), so
# that an administrator of an old unit the seeding closes can still move the other accounts.
ADMINISTRATORS = ("system_admin", "process_admin")
CLERK, LEADER, UNIT_OFFICER, UNIT_HEAD = "clerk", "leader", "unit_officer", "unit_head"
INSPECTOR = "inspector"  # the office's inspection team (the lane «Đoàn kiểm tra» in every ruleset)
DEFAULT_LANE_ROLE = "clerk"                        # a BPMN lane that ruleset.toml [lanes] does not map
# [secrecy] visible_to when a ruleset says nothing; who is reminded of a paper report when it names nobody.
DEFAULT_SECRET_READERS = ("office_head", "leader")
PAPER_REPORT_FALLBACK = ("clerk",)
# Who corrects an assignment a unit returns: `[returns] corrected_by` (the office, or the leader).
RETURN_CORRECTORS = ("office", "leader")
# Who hears about each urging event unless ruleset.toml [reminders.recipients] says otherwise.
URGING_RECIPIENTS = {
    "reminder": ("unit_officer",),
    "due_today": ("unit_officer",),
    "overdue": ("unit_officer", "clerk"),
    "escalation": ("unit_officer", "unit_head", "office_head", "leader"),
    "periodic_update": ("unit_officer",),
    # the late steps of the office, units and leaders (engine.urging.steps): told besides those who hold the step
    "step_waiting": (),
    "step_overdue": (),
    "step_escalation": ("office_head",),
}


# Where a user's work is: the first of their roles in this order decides (webui/nav.py `landing`
# gives each place its page); "unit" for everyone else — unit staff, to their own work.
WORKPLACES = (("leader", "dashboard"), *((role, "office_day") for role in OFFICE),
              ("process_admin", "processes"), ("system_admin", "users"), ("inspector", "inspections"))


def account_in_force(user: User, on: date | None = None) -> bool:
    """Whether `user` signs in, acts and is told on `on` (None: today): an active account of a unit not closed by
    then. An account ends with its unit (an old ward merged away: from its end date its staff no longer see or act
    on its records, which its successor's staff do, nor are told of them) until the administrator moves it to a
    unit in force; an administrator's keeps working. `user.unit` is read (loaded with the account)."""
    return bool(_in_force(user.active, user.has_role(*ADMINISTRATORS), user.unit.open_until, on or clock.today()))


def in_force_clause(on: date | None = None) -> ColumnElement[bool]:
    """`account_in_force` in a query's WHERE, over users joined to their unit."""
    return _in_force(User.active, User.has_role(*ADMINISTRATORS), Unit.open_until, on or clock.today())


def _in_force(active, administrator, open_until, day):  # bools or SQL columns alike: untyped
    """The one rule of `account_in_force` and `in_force_clause`, written with the operators a loaded account's values
    and a query's columns share (& | >), so that the check of one account and the query over thousands cannot part."""
    return active & (administrator | (open_until > day))


def why_ended(user: User, on: date | None = None) -> tuple[str, date | None] | None:
    """Why `user` no longer acts on `on` (None: today): ("disabled", None) for an account an administrator disabled,
    ("unit_ended", its unit's end date) for one that ended with its unit; None while it is in force."""
    if account_in_force(user, on):
        return None
    return ("disabled", None) if not user.active else ("unit_ended", user.unit.valid_to)


def may_hand_over(session: Session, user: User, unit_id: int | None) -> bool:
    """Who gives the work a person who can no longer act still holds by name (a step, a hand-over, a team's findings,
    an assignment followed up) to someone in force: the head of the unit where it waits or of a unit above it, who
    follows the unit's work; the tracking office, which follows every task; the system administrator, who disables
    the account. Not the leader (Chủ tịch, Phó Chủ tịch; Gia Lai's Lãnh đạo Sở): the regulations give him the tasks
    themselves — giving, adjusting, withdrawing them (`may_change_assignment`) — to units, not which official of a
    unit or of the office does a step: the office follows and urges (Bạc Liêu Đ.11), each head his unit's work
    (Quỳnh Nhai Đ.9 k.2, Cần Thơ Đ.6 k.2c); the office hands the work over on his word."""
    return user.has_role(*OFFICE, *SYSTEM_ADMINS) or (user.has_role(*UNIT_HEADS) and unit_id is not None
                                                      and acts_for_unit(session, user, unit_id))


def may_take_over(session: Session, person: User, holder: User) -> bool:
    """Who may be given the work `holder` can no longer do: an account in force of the holder's unit, or of the unit
    doing that unit's work today (an old ward merged away: its successor's staff)."""
    return account_in_force(person) and speaks_for(session, person, holder.unit)


def working_users(session: Session) -> list[User]:
    """The accounts in force today (`account_in_force`), by full name: whom a person field offers and may name (an
    account ended with its unit would be given work it cannot sign in to do)."""
    users = session.scalars(select(User).where(User.active.is_(True)).options(joinedload(User.unit))
                            .order_by(User.full_name))
    return [user for user in users if account_in_force(user)]


def workplace(user: User) -> str:
    return next((place for role, place in WORKPLACES if role in user.roles), "unit")


def is_organisation_wide(user: User) -> bool:
    return any(role in ORGANISATION_WIDE for role in user.roles)


def may_register_directives(user: User) -> bool:
    """Directives and secret documents are registered by the tracking office."""
    return user.has_role(*OFFICE)


def may_follow_up(session: Session, user: User, body: Unit | None) -> bool:
    """Who may be named an assignment's follow-up officer (chuyên viên theo dõi): an active
    tracking clerk of the body whose directive it is (`body`; None: the home body) or of the body it
    was merged into (carried_bodies), who then takes the clerk's part of that assignment. Another
    body's clerk may not even open the directive."""
    body = body or org.home_body(session)
    return account_in_force(user) and user.has_role(CLERK) and (
        body is None or body.id in carried_bodies(session, users_body(session, user)))


def may_edit_directives(user: User) -> bool:
    """The office that registered a directive corrects its header and adds assignments to it."""
    return user.has_role(*OFFICE)


def may_change_assignment(user: User) -> bool:
    """Withdrawing or adjusting an assignment in progress: the leader's decision, carried out
    by the tracking office on the leader's instruction."""
    return user.has_role(*ASSIGNMENT_CHANGERS)


def changes_on_instruction(user: User) -> bool:
    """Whether `user` withdraws or adjusts an assignment on someone else's instruction (and
    must say whose): everyone but the leader, whose decision it is."""
    return not user.has_role(LEADER)


def may_ask_explanation(user: User) -> bool:
    return user.has_role(*EXPLANATION_ASKERS)


def may_urge(user: User) -> bool:
    """Urging a unit by hand (đôn đốc) is the tracking office's work, and the leader's."""
    return user.has_role(*EXPLANATION_ASKERS)


def may_propose_inspection(user: User) -> bool:
    return user.has_role(*INSPECTION_PROPOSERS)


def may_open_inspection_proposal(user: User) -> bool:
    """Who is offered the proposal form: the proposers, and unit heads (their internal
    inspections, where the ruleset allows: `may_run_internal_inspection`)."""
    return may_propose_inspection(user) or (user.has_role(UNIT_HEAD) and not is_organisation_wide(user))


def may_run_internal_inspection(session: Session, user: User, unit_ids: Iterable[int]) -> bool:
    """A unit's head inspects its own unit and the units below it (kiểm tra nội bộ: Đắk Lắk
    Đ.12 k.2–3, Đ.15 k.2; Quỳnh Nhai Đ.9 k.2–3), where the ruleset's `[inspection] internal` allows."""
    unit_ids = list(unit_ids)
    return (user.has_role(UNIT_HEAD) and not is_organisation_wide(user) and bool(unit_ids)
            and all(org.is_within(session, unit_id, user.unit_id) for unit_id in unit_ids))


def may_handle_incidents(user: User) -> bool:
    return user.has_role(*INCIDENT_HANDLERS)


def may_model_processes(user: User) -> bool:
    return user.has_role(*PROCESS_MODELLERS)


def may_administer_instances(user: User) -> bool:
    return user.has_role(*INSTANCE_ADMINS)


def may_administer_users(user: User) -> bool:
    """Users, the working-day calendar and API tokens."""
    return user.has_role(*SYSTEM_ADMINS)


def keeps_user_administration(roles: Iterable[str]) -> bool:
    """Whether `roles` still let their holder administer users (nobody removes that from themselves)."""
    return any(role in SYSTEM_ADMINS for role in roles)


def may_request_adhoc_report(user: User) -> bool:
    return user.has_role(*ADHOC_REPORT_ASKERS)


def may_start_report_schedule(user: User) -> bool:
    return user.has_role(*REPORT_SCHEDULERS)


# ---------------------------------------------------------------- unit scope
def units_in_scope(session: Session, user: User) -> set[int] | None:
    """The units whose assignments and figures `user` may see; None means every unit."""
    return None if is_organisation_wide(user) else org.carried_ids(session, user.unit_id)


def units_in_scope_select(user: User) -> Select | None:
    """`units_in_scope` as a SELECT of their ids, for a query that embeds it: their unit, the units
    below it and those reorganised into them (a new ward carries its pre-2025 communes' tasks)."""
    return None if is_organisation_wide(user) else org.carried_select([user.unit_id])


def acts_for_unit(session: Session, user: User, unit_id: int | None) -> bool:
    """`unit_id` is within `user`'s scope (the Python form of `units_in_scope`, walking up the
    tree and the successor links instead of reading the tree whole on every engine step)."""
    if unit_id is None or is_organisation_wide(user):
        return True
    return org.carries(session, unit_id, user.unit_id)


class HasLeadUnit(Protocol):
    id: int
    lead_unit_id: int | None
    follow_up_officer_id: int | None
    parent_id: int | None  # a share passed down to a section: the assignment it came from


def may_reach_assignment(session: Session, user: User, assignment) -> bool:
    """`user` sees the assignment and its lead unit is within their scope (a coordinating unit's
    is not): who may act on it from outside the inbox at all (extensions, explanations, passing down)."""
    return may_see(session, user, ASSIGNMENT, assignment.id) and acts_for_unit(session, user, assignment.lead_unit_id)


def speaks_for_lead_unit(session: Session, user: User, assignment: HasLeadUnit) -> bool:
    """Unit staff of the lead unit (or above it): they ask for extensions and pass the
    assignment down to their sections. Their own unit's, also when they hold an office role too (a ward's office
    officer receiving the province's tasks to the ward); an office role alone, whose scope is every unit, never does."""
    return (user.has_role(*UNIT_STAFF) and assignment.lead_unit_id is not None
            and org.carries(session, assignment.lead_unit_id, user.unit_id))


def unit_spoken_for(session: Session, user: User, assignment_id: int, unit_ids: Iterable[int]) -> int | None:
    """The first of `unit_ids` (the assignment's lead unit, then its coordinating ones) for which
    `user` is unit staff: the unit they raise an issue for (kiến nghị). Organisation-wide roles
    raise nothing where they act as the office, who receives it; held with a unit role, their unit
    raises one on a task another body gave it (a ward's office officer on the province's task)."""
    if not user.has_role(*UNIT_STAFF) or (is_organisation_wide(user)
                                          and acts_as_office_on(session, user, ASSIGNMENT, assignment_id)):
        return None
    return next((unit_id for unit_id in unit_ids if org.carries(session, unit_id, user.unit_id)), None)


def runs_inspection(session: Session, user: User, proposing_unit_id: int | None) -> bool:
    """Who runs an inspection (files its decision and the documents it rests on): the office and the
    leader an inspection of the office; the head of the unit running an internal one (`proposing_unit_id`), or of
    the unit doing its work today (`speaks_for`: an old ward's internal inspection is run by the new ward's head)."""
    if proposing_unit_id is None:
        return user.has_role(*OFFICE, LEADER)
    return (user.has_role(UNIT_HEAD) and not is_organisation_wide(user)
            and speaks_for(session, user, session.get_one(Unit, proposing_unit_id)))


def is_staff_of_unit(session: Session, user: User, unit_ids: Iterable[int]) -> bool:
    """`user` is staff of one of `unit_ids` itself, or of the unit in force doing its work today (an old ward
    inspected before its merger speaks through the new ward's staff: its own accounts ended with it) — not of a unit
    above it, as `acts_for_unit` allows: an inspected unit speaks for itself, a department inspecting its section
    does not speak for it."""
    if not user.has_role(*UNIT_STAFF) or is_organisation_wide(user):
        return False
    units = session.scalars(select(Unit).where(Unit.id.in_(list(unit_ids))))
    return any(speaks_for(session, user, unit) for unit in units)


def speaks_for(session: Session, user: User, unit: Unit) -> bool:
    """`user` works in `unit` itself, or in the unit doing its work today (org.working_unit: the successor in force,
    or for a chain ending in a unit closed without a successor the body above it): a unit merged away speaks through
    its successor's staff, its own accounts having ended with it (`account_in_force`)."""
    return user.unit_id in (unit.id, org.working_unit(session, unit, clock.today()).id)


def may_see_inspection(session: Session, user: User, unit_ids: Iterable[int], member_ids: Iterable[int] = (),
                       body_id: int | None = None) -> bool:
    """Organisation-wide roles see the inspections their body keeps (`keeping_body(body_id)`: a commune's
    office its own and those of the communes merged into it, the province's office the province's); a unit the
    ones it is in (inspected, or running it internally: `unit_ids`), and a team member the ones they are on."""
    if user.id in set(member_ids) or (not is_organisation_wide(user)
                                      and any(acts_for_unit(session, user, u) for u in unit_ids)):
        return True
    body = keeping_body(session, body_id)
    return is_organisation_wide(user) and (body is None or body.id == users_body(session, user).id)


# ---------------------------------------------------------------- who holds a role where
def holders(session: Session, role: str, unit_id: int | None = None) -> list[User]:
    """Holders of `role` (of OFFICE_BODY: of either office role) in `unit_id` (anywhere when None) whose account is
    in force (`account_in_force`); in the unit doing its work today for a reorganised one (org.working_unit: a
    pre-2025 commune's tasks are its new ward's, whose staff are told and asked; where the chain ends in a unit closed
    without a successor, whose accounts ended with it, the unit above that one)."""
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    unit_id = org.working_unit(session, unit, clock.today()).id if unit else unit_id
    found = {user.id: user for held in (OFFICE if role == OFFICE_BODY else (role,))
             for user in org.users_with_role(session, held, unit_id) if account_in_force(user)}
    return list(found.values())


def receiving_units() -> Select:
    """SELECT of the ids of the units whose tasks reach someone today: those where an account in force holds a unit
    role (UNIT_STAFF, who find a unit's tasks in their inbox and do them: `act_clause`), the units below them and
    the units reorganised into those (`units_in_scope`: a ward's officer receives its sections' tasks and its pre-2025
    communes'). A task given to any other unit waits unseen by anyone of it until such an account is made there,
    which then finds it as the unit's staff would have (engine.directives.reach)."""
    staffed = select(User.unit_id).join(Unit, Unit.id == User.unit_id).where(User.has_role(*UNIT_STAFF),
                                                                             in_force_clause())
    return org.carried_select(staffed)


def unit_staff(session: Session, unit_id: int) -> list[User]:
    return [user for role in UNIT_STAFF for user in holders(session, role, unit_id)]


def unit_staff_by_code(session: Session, code: str) -> list[User] | None:
    """The staff of the unit with `code` (a council named in the ruleset), or None when the
    deployment has no such unit."""
    unit = org.unit_by_code(session, code)
    return None if unit is None else unit_staff(session, unit.id)


def is_staff_of(session: Session, user: User, code: str | None) -> bool:
    """`user` is among `unit_staff_by_code(code)`: one of those a council the ruleset names is
    told through, who read what it is sent."""
    return code is not None and any(staff.id == user.id for staff in unit_staff_by_code(session, code) or ())


def leaders(session: Session) -> list[User]:
    return holders(session, LEADER)


def report_writers(session: Session, unit_id: int) -> list[User]:
    """Who is asked for a unit's periodic report."""
    return holders(session, UNIT_OFFICER, unit_id)


def office_clerks(session: Session, body: Unit | None = None) -> list[User]:
    return holders_in(session, CLERK, None, body)


def holders_in(session: Session, role: str, unit_code: str | None, body: Unit | None = None) -> list[User]:
    """Holders of `role` in the unit `unit_code`; without one, the office roles' holders in the
    office of `body` (the record's: `record_body`; None, the home body's) and any other role's anywhere."""
    unit = org.unit_by_code(session, unit_code) if unit_code else None
    if unit is None and role in OFFICE_WORK:
        unit = _office_unit(session, role, body)
    return holders(session, role, unit.id if unit else None)


def holders_for_assignment(session: Session, assignment: HasLeadUnit, role: str) -> list[User]:
    """Holders of `role` for an assignment: unit roles in the lead unit (its head when it has no
    officer), the clerk role is its follow-up officer when one is named and still may be one
    (else the office's clerks: an officer who left or changed work reads nothing), the leader
    in the unit of the body that issued its directive, the other roles in that body's office
    (the root and the tracking office for the province's). A share passed down to a section is
    followed by the unit above the section, which passed it down and answers for it: its head
    for the leader, its officers (its head when it has none) for the office."""
    if role in UNIT_STAFF:
        return holders_for_part(session, assignment.lead_unit_id, role)
    if assignment.parent_id is not None:
        section = session.get(Unit, assignment.lead_unit_id) if assignment.lead_unit_id else None
        return holders_for_part(session, section.parent_id if section else None,
                                UNIT_HEAD if role == LEADER else UNIT_OFFICER)
    body = record_body(session, None, assignment.id)
    officer = follow_up_officer(session, assignment, body) if role == CLERK else None
    if officer is not None:
        return [officer]
    unit = _office_unit(session, role, body)
    return holders(session, role, unit.id if unit else None)


def follow_up_officer(session: Session, assignment: HasLeadUnit, body: Unit | None = None) -> User | None:
    """The assignment's follow-up officer, who takes the office clerks' part of it, when one is named
    and still may be one (`may_follow_up` in `body`, the record's: `record_body` when not given);
    None otherwise — an officer who left or changed work reads nothing, the office's clerks do."""
    if not assignment.follow_up_officer_id:
        return None
    officer = session.get_one(User, assignment.follow_up_officer_id)
    body = body or record_body(session, None, assignment.id)
    return officer if may_follow_up(session, officer, body) else None


def holders_for_part(session: Session, unit_id: int | None, role: str) -> list[User]:
    """Holders of `role` for the part a unit does (a coordinating unit's contribution, or the
    lead's work): the unit roles in that unit (its head when it has no officer); nobody for
    the other roles, whom the lead unit's part concerns."""
    if role not in UNIT_STAFF or unit_id is None:
        return []
    found = holders(session, role, unit_id)
    return found or (holders(session, UNIT_HEAD, unit_id) if role == UNIT_OFFICER else [])


def urging_roles(kind: str, configured: list[str] | None = None) -> list[str]:
    """The roles told of urging event `kind`: the ruleset's [reminders.recipients], else ours."""
    return list(configured or URGING_RECIPIENTS.get(kind, (UNIT_OFFICER,)))


def lane_role(lanes: Mapping[str, str], lane: str | None) -> str:
    """The role a BPMN lane stands for (ruleset.toml [lanes])."""
    return lanes.get(lane, DEFAULT_LANE_ROLE) if lane is not None else DEFAULT_LANE_ROLE


def default_unit(session: Session, role: str, directive_id: int | None = None,
                 assignment_id: int | None = None, body_code: str | None = None) -> Unit | None:
    """Where a user task of `role` goes when the diagram names no unit: for office roles (and the
    office as a body) the office of the body that issued the record's directive (`record_body`;
    without a record, the body the instance names by `body_code` — its BODY_VARIABLE —, else the
    home body's), for the leader that body's own unit, any unit otherwise."""
    if role != LEADER and role not in OFFICE_WORK:
        return None
    named = org.unit_by_code(session, body_code) if body_code and not (directive_id or assignment_id) else None
    return _office_unit(session, role, named or record_body(session, directive_id, assignment_id))


def _office_unit(session: Session, role: str, body: Unit | None) -> Unit | None:
    """The unit of `body` (None: the home body; merged away: the body carrying its work, `carrier`) where its
    leader (the body's unit: the root for the province) or its office roles (its office: the tracking office for
    the province) work."""
    body = body or org.home_body(session)
    if body is None:
        return None
    body = carrier(session, body)
    return body if role == LEADER else org.body_office(session, body)


# ---------------------------------------------------------------- secrecy settings
@dataclass(frozen=True)
class SecrecyPolicy:
    store_content: bool
    register: str
    visible_to: tuple[str, ...]
    paper_report: tuple[str, ...]

    @property
    def keeps_register(self) -> bool:
        return self.register == "separate"


def secrecy_policy(settings: Mapping) -> SecrecyPolicy:
    """A ruleset's [secrecy] settings; a ruleset that says nothing stores nothing."""
    raw = settings.get("secrecy", {})
    return SecrecyPolicy(store_content=bool(raw.get("store_content", False)),
                         register=str(raw.get("register", "separate")),
                         visible_to=tuple(raw.get("visible_to", DEFAULT_SECRET_READERS)),
                         paper_report=tuple(raw.get("paper_report", ())))


def is_secret_input(raw: Mapping) -> bool:
    """A directive header that gives a secrecy level."""
    return filled(raw.get("secrecy"))


def refuses_secret_content(settings: Mapping, raw: Mapping) -> bool:
    """The header is of a secret document and the ruleset does not let the system keep its content."""
    return is_secret_input(raw) and not secrecy_policy(settings).store_content


def may_read_secret_register(user: User, settings: Mapping) -> bool:
    return user.has_role(*secrecy_policy(settings).visible_to)


def may_read_secret_of_unit(session: Session, user: User, settings: Mapping, unit_id: int) -> bool:
    """A secret record about no directive that a unit sent (a unit's report marked mật), read as `see_clause`
    reads a secret assignment: by that unit and the units above it, and among the organisation-wide roles by
    those the ruleset's visible_to names."""
    return (not is_organisation_wide(user) and acts_for_unit(session, user, unit_id)) \
        or may_read_secret_register(user, settings)


def paper_report_recipients(session: Session, settings: Mapping, body: Unit | None = None) -> list[User]:
    """Who is reminded that a secret document's paper report is due: the register's readers in the
    document's `body` (None: the home body), else that body's office clerks."""
    roles = secrecy_policy(settings).visible_to or PAPER_REPORT_FALLBACK
    return [user for role in roles for user in body_holders(session, role, body)]


# ---------------------------------------------------------------- records
@dataclass(frozen=True)
class Record:
    """The facts the rules read of one kind of record, as SQL over its own table. Declared by
    the feature that owns the table; what the facts mean for access is decided here."""

    id: SQLColumnExpression[int]
    secret: SQLColumnExpression[bool]                          # mật: a secrecy level, or marked secret
    ruleset: SQLColumnExpression[str]                          # whose [secrecy] applies
    ids_done_by: Callable[[Collection[int] | Select], Select]  # the ids of those these units lead or coordinate
    handled_by: Callable[[int], ColumnElement[bool]]           # this person registered it or follows it up
    body: SQLColumnExpression[int | None]                      # its directive's issuing body (None: the home body)
    # (the ids of a body and of those reorganised into it, is the home body): of that body (`carried_bodies`)
    issued_by: Callable[[Collection[int], bool], ColumnElement[bool]]


DIRECTIVE, ASSIGNMENT = "directive", "assignment"
_records: dict[str, Record] = {}
_published_settings: list[Callable[[Session], Iterable[tuple[str, Mapping]]]] = []


def declare(kind: str, record: Record) -> None:
    _records[kind] = record


def declare_settings(source: Callable[[Session], Iterable[tuple[str, Mapping]]]) -> None:
    """`source(session)`: (ruleset, settings) of each published ruleset version."""
    _published_settings[:] = [source]


def _record(kind: str) -> Record:
    try:
        return _records[kind]
    except KeyError:
        raise LookupError(f"no record '{kind}' declared to engine.org.permissions") from None


def _secret_rulesets(session: Session, user: User) -> list[str]:
    """The rulesets whose [secrecy] visible_to names one of `user`'s roles."""
    published = kept(session, "published settings", lambda: [
        pair for source in _published_settings for pair in source(session)], tables=("process_bundles",))
    return sorted({ruleset for ruleset, settings in published if may_read_secret_register(user, settings)})


def see_clause(session: Session, user: User, kind: str, *, scope_embedded: bool = False) -> ColumnElement[bool]:
    """SQL: the records of `kind` (DIRECTIVE, ASSIGNMENT) that `user` may see. A unit sees what it
    leads or coordinates (in its sub-tree), secret or not; an organisation-wide role sees what
    is not secret, and a secret one when its ruleset's visible_to names one of its roles or
    when it handles that record in person, and beyond its body's records what `_seen_beyond_body` adds.
    A directive is seen with any of its assignments.
    `scope_embedded`: the unit's sub-tree is a subquery, not read first (a check of one record:
    one statement instead of two; a list keeps the ids, which the planner counts)."""
    record = _record(kind)
    units = units_in_scope_select(user) if scope_embedded else units_in_scope(session, user)
    if units is not None:
        return record.id.in_(record.ids_done_by(units))
    bodys = _body_see_clause(session, user, kind)
    beyond = _seen_beyond_body(session, user, kind, scope_embedded)
    return bodys if beyond is None else or_(bodys, beyond)


def _seen_beyond_body(session: Session, user: User, kind: str, scope_embedded: bool) -> ColumnElement[bool] | None:
    """SQL: the records of `kind` another body gave that an organisation-wide role of `user` sees, read-only
    (`acts_as_office_on`); None for none. Held with a unit role (a ward's office officer who also receives the
    province's tasks to the ward; its Chairman, who heads it), the unit role sees what the unit does, whoever
    issued it, secret or not. The leader of a body other than the home body (a ward's or commune's Chairman)
    sees what the body's units do (`led_units`), under the secrecy rule of his body's own records."""
    record = _record(kind)
    if holds_office_and_unit_roles(user):
        own = org.carried_select([user.unit_id]) if scope_embedded else org.carried_ids(session, user.unit_id)
        return record.id.in_(record.ids_done_by(own))
    led = led_units(session, user, scope_embedded)
    if led is None:
        return None
    return and_(record.id.in_(record.ids_done_by(led)), _secrecy_clause(session, user, kind))


def led_units(session: Session, user: User, scope_embedded: bool = False) -> Select | set[int] | None:
    """The units whose tasks from another body the leader role of `user` reads: those of his body (its unit, the
    units below and those reorganised into them) when the body is not the home body — the Chairman of a ward or
    commune, who heads its People's Committee, checks how it carries out the tasks the level above gives it and
    answers for their results (Quỳnh Nhai Đ.9 k.3, Đ.20 k.2; Đắk Lắk Đ.8 k.1c: the district Chairman answers to
    the province; NĐ 39/2022: each task has one accountable lead, the ward, whose head he is). He only reads them:
    the ward's staff do them, the issuing body's office tracks and urges them. None otherwise: the home body's
    leader gives every task himself, and no other body gives its units any."""
    if not user.has_role(LEADER) or user.unit_id is None:
        return None
    body = users_body(session, user)
    if not other_than_home(session, body):
        return None
    return org.carried_select([body.id]) if scope_embedded else org.carried_ids(session, body.id)


def _body_see_clause(session: Session, user: User, kind: str) -> ColumnElement[bool]:
    """SQL: the records of `kind` an organisation-wide role of `user` sees: its body's, a secret one when its
    ruleset's visible_to names one of the user's roles or the user handles it in person."""
    return and_(_issued_by_body(session, users_body(session, user), kind), _secrecy_clause(session, user, kind))


def _secrecy_clause(session: Session, user: User, kind: str) -> ColumnElement[bool]:
    """SQL: the records of `kind` not secret, or secret and readable by an organisation-wide role of `user`: its
    ruleset's visible_to names one of the user's roles, or the user handles it in person."""
    record = _record(kind)
    return or_(not_(record.secret), record.ruleset.in_(_secret_rulesets(session, user)), record.handled_by(user.id))


def holds_office_and_unit_roles(user: User) -> bool:
    """An organisation-wide role held with a unit role: sees as both (`see_clause`), acts as the office on its
    body's records only (`acts_as_office_on`)."""
    return is_organisation_wide(user) and user.has_role(*UNIT_STAFF)


def acts_as_office_on(session: Session, user: User, kind: str, record_id: int | None) -> bool:
    """Whether `user`'s organisation-wide roles act on the record of `kind` — urge, ask for an explanation,
    adjust, withdraw, edit, do its office's or leader's steps —, which `user` sees: its body's. A record seen
    beyond the body (`_seen_beyond_body`: the province's task to the ward of its office officer or of its
    Chairman) is the unit's to do, not the user's to urge, adjust or edit."""
    if not holds_office_and_unit_roles(user) and led_units(session, user) is None:
        return True
    record = _record(kind)
    return record_id is not None and session.scalar(select(record.id).where(
        record.id == record_id, _body_see_clause(session, user, kind)).limit(1)) is not None


def issued_clause(session: Session, user: User | None, kind: str = ASSIGNMENT) -> ColumnElement[bool] | None:
    """SQL: the records of `kind` whose directive is the body's that `user`'s figures count: their
    own body's for organisation-wide roles, the home body's for the public (None); None (any body)
    for a user of a unit, whose units' tasks are theirs whoever gave them."""
    body = figures_body(session, user)
    return _issued_by_body(session, body, kind) if body is not None else None


def issued_by(session: Session, body: Unit, kind: str = ASSIGNMENT, on: date | None = None) -> ColumnElement[bool]:
    """SQL: the records of `kind` whose directive `body` issued (the home body's, or a commune's own; with those of
    the bodies merged into it by `on`, a period's last day: `carried_bodies`): whom a periodic report of that
    body's office asks (engine.reports.operators.reporting_units)."""
    return _issued_by_body(session, body, kind, on)


def figures_body(session: Session, user: User | None) -> Unit | None:
    """Whose directives `user`'s figures count, and so whose office their counts report speaks as: an
    organisation-wide role's body (a commune's office: its commune), the home body for the public
    (None); None (any body's, the report headed by the home body's office) for a user of a unit."""
    if user is None:
        return org.home_body(session)
    return users_body(session, user) if is_organisation_wide(user) else None


def _issued_by_body(session: Session, body: Unit, kind: str, on: date | None = None) -> ColumnElement[bool]:
    """SQL: the records of `kind` issued by `body` (and the bodies merged into it by `on`: `carried_bodies`).
    Every record is the home body's while no other unit is an issuing body: no condition then, so a province
    without them reads as it did."""
    home = org.home_body(session)
    is_home = home is not None and home.id == body.id
    if is_home and not org.has_other_bodies(session, body.id):
        return true()
    return _record(kind).issued_by(sorted(carried_bodies(session, body, on)), is_home)


def carried_bodies(session: Session, body: Unit, on: date | None = None) -> set[int]:
    """`body` and the issuing bodies merged away by `on` (None: today) whose work it carries then (`carriers`): a
    commune merged into a ward hands its open directives and its records to the ward, whose office then tracks
    them, whose leader reads them and whose reports count them; until its end date they are its own. Each
    counts once: a body is in a period's reports (reporting_bodies) exactly while in force on its last day."""
    return {body.id, *(merged for merged, carrier in carriers(session, on).items() if carrier == body.id)}


def carrier(session: Session, body: Unit, on: date | None = None) -> Unit:
    """The body that does `body`'s work on `on` (None: today): `body`, or for an issuing body merged away by
    then, the one `carriers` names."""
    carried_by = carriers(session, on).get(body.id)
    return body if carried_by is None else session.get_one(Unit, carried_by)


def carriers(session: Session, on: date | None = None) -> Mapping[int, int]:
    """{id of an issuing body closed by `on` (None: today): id of the body that carries its work then} — the
    body (org.body_of) of the first unit of its successor chain in force then (org.in_force): that unit when it
    is an issuing body (the ward it was merged into), else the issuing body above it by the tree, or the top of
    the tree (a commune merged into a department, or into a ward no longer marked: the province). A chain that
    ends in a unit closed without a successor (a ward merged into one later dissolved, or a body closed without
    one) falls through to the body above that unit by the tree, else the province (org.working_unit:
    `fallen_through` names them to the administrator). A successor merged away too hands it on. Kept per worker
    and day (engine.org.kept): a permission clause's path asks."""
    day = on or clock.today()

    def read() -> dict[int, int]:
        ended = session.scalars(select(Unit).where(Unit.is_issuing_body.is_(True), Unit.valid_to <= day))
        first = {unit.id: org.body_of(session, org.working_unit(session, unit, day).id).id for unit in ended}
        return {merged: _last_carrier(first, merged) for merged in first if first[merged] != merged}
    return kept(session, ("carriers", day), read, tables=("units",))


@dataclass(frozen=True)
class FallenThrough:
    """An issuing body closed whose successor chain ends in a unit closed without a successor (`closed`): its
    records are kept by `keeper`, the body above by the tree (the province)."""

    body: Unit
    closed: Unit
    keeper: Unit


def fallen_through(session: Session) -> list[FallenThrough]:
    """The issuing bodies closed by today whose records fell through a successor chain ending in a unit closed
    without a successor (`carriers`), by name: the administrator is told on the organisation page."""
    today, kept_by_body = clock.today(), carriers(session)
    ended = session.scalars(select(Unit).where(Unit.is_issuing_body.is_(True), Unit.valid_to <= today,
                                               Unit.id.in_(list(kept_by_body))).order_by(Unit.name))
    return [FallenThrough(unit, last, session.get_one(Unit, kept_by_body[unit.id])) for unit in ended
            if not (last := org.in_force(session, unit, today)).is_valid_on(today)]


def _last_carrier(first: Mapping[int, int], merged: int) -> int:
    """Where `first`'s links from `merged` end: a body merged away in turn hands on what it carries."""
    seen, current = {merged}, first[merged]
    while current in first and current not in seen:
        seen.add(current)
        current = first[current]
    return current


def units_offered(session: Session, user: User) -> set[int] | None:
    """The units `user`'s lists and reports offer as filters, and the only ones a report lets them
    choose: their scope's; for an organisation-wide role, its body's (a commune's own units; None,
    every unit, for the home body)."""
    scope = units_in_scope(session, user)
    return scope if scope is not None else body_units(session, users_body(session, user))


def figures_root(session: Session, user: User | None) -> int | None:
    """Whose sub-tree a report's per-unit table lists: a unit user's own unit; an organisation-wide
    role's body (the root for the province, a commune's own unit); the home body's for the public."""
    body = figures_body(session, user)
    return body.id if body is not None else (user.unit_id if user is not None else None)


def record_body(session: Session, directive_id: int | None, assignment_id: int | None = None) -> Unit | None:
    """The body that issued the directive (or the assignment's), whose office tracks it: the home
    body when none is recorded, or without a record."""
    body_id = record_body_id(session, directive_id, assignment_id)
    return session.get(Unit, body_id) if body_id is not None else org.home_body(session)


def record_body_id(session: Session, directive_id: int | None, assignment_id: int | None = None) -> int | None:
    """The id of the body recorded as the directive's (or the assignment's) issuer, read without its unit;
    None when none is recorded (the home body's) or without a record."""
    kind, record_id = (ASSIGNMENT, assignment_id) if assignment_id else (DIRECTIVE, directive_id)
    record = _record(kind)
    return session.scalar(select(record.body).where(record.id == record_id)) if record_id is not None else None


# The instance variable naming, by its code, the body whose office and leader do the steps of a process
# that is about no directive (an ad-hoc report a commune's office asks for); absent: the home body.
BODY_VARIABLE = "issuing_body"


def recorded_body(session: Session, body_id: int | None) -> Unit | None:
    """The body a record about no directive is of (an office report, an inspection, a secret register line), as
    it names it: the one recorded while it is still an issuing body, else the home body (the calendar's reports,
    those recorded before bodies, and those of a unit no longer marked, as directives)."""
    body = session.get(Unit, body_id) if body_id is not None else None
    return body if body is not None and body.is_issuing_body else org.home_body(session)


def keeping_body(session: Session, body_id: int | None) -> Unit | None:
    """The body whose office and leader keep such a record today: `recorded_body`, or for one merged away the
    body carrying its work (`carrier`: an old ward's inspections and register lines are its successor's)."""
    body = recorded_body(session, body_id)
    return carrier(session, body) if body is not None else None


def may_see_office_report(session: Session, user: User, body_id: int | None) -> bool:
    """An office report is the body's that keeps it (`keeping_body`): that body's organisation-wide roles see it,
    and a unit's users see their own body's and the home body's, which asks every unit (a commune's
    section: its commune's and the province's; a department: the province's). `office_report_clause`
    is the same rule over a list."""
    body, home = keeping_body(session, body_id), org.home_body(session)
    if body is None:
        return True
    return body.id == users_body(session, user).id or (
        not is_organisation_wide(user) and home is not None and body.id == home.id)


def office_report_clause(session: Session, user: User, body_id: SQLColumnExpression[int | None]) -> ColumnElement[bool]:
    """SQL over an office report's `body_id` column: the reports `may_see_office_report` lets `user` see."""
    home = org.home_body(session)
    if home is None:
        return true()
    mine = users_body(session, user)
    seen = [mine] if mine.id == home.id or is_organisation_wide(user) else [mine, home]
    return or_(*(kept_by(session, body, body_id) for body in seen))


def recorded_by(session: Session, body: Unit, body_id: SQLColumnExpression[int | None]) -> ColumnElement[bool]:
    """SQL over the `body_id` column of records about no directive (office reports): those `body` recorded
    itself (`recorded_body`), which its office numbers."""
    return _of_bodies(session, body, {body.id}, body_id)


def kept_by(session: Session, body: Unit, body_id: SQLColumnExpression[int | None]) -> ColumnElement[bool]:
    """SQL over the `body_id` column of records about no directive (office reports, inspections, the secret
    register's lines): those `body`'s office keeps (`keeping_body`), its own and those of the bodies merged into
    it (`carried_bodies`)."""
    return _of_bodies(session, body, carried_bodies(session, body), body_id)


def _of_bodies(session: Session, body: Unit, bodies: Collection[int],
               body_id: SQLColumnExpression[int | None]) -> ColumnElement[bool]:
    """SQL: `body_id` is one of `bodies` (`body`'s own, or with those it carries); the home body's are those
    of no other body (none recorded: the calendar's reports, those recorded before bodies)."""
    home = org.home_body(session)
    if home is None or body.id != home.id:
        return body_id.in_(sorted(bodies))
    return or_(body_id.is_(None), body_id.not_in(_other_bodies(bodies)))


def _other_bodies(home: Collection[int]) -> Select:
    """The issuing bodies other than the home body and those it carries."""
    return select(Unit.id).where(Unit.is_issuing_body.is_(True), Unit.id.not_in(sorted(home)))


def body_holders(session: Session, role: str, body: Unit | None) -> list[User]:
    """The active holders of `role` who work for `body` (None: the home body; merged away: the body carrying its
    work, `carrier`): whom its office's reports go to — a commune's report to its own leader, the province's to the
    province's, not to every leader."""
    body = body or org.home_body(session)
    found = holders(session, role)
    if body is None:
        return found
    body = carrier(session, body)
    return [user for user in found if users_body(session, user).id == body.id]


def may_take_hub_documents(session: Session, user: User) -> bool:
    """The documents the national hub sends the deployment (engine.exchange.received) are the tracking
    office's to register or dismiss: a commune's office tracks its own committee's directives only."""
    return may_register_directives(user) and not other_than_home(session, users_body(session, user))


def users_body(session: Session, user: User) -> Unit:
    """The body `user` works for: their office roles register and track its directives."""
    return org.body_of(session, user.unit_id)


def other_than_home(session: Session, body: Unit | None) -> bool:
    """Whether `body` is an issuing body other than the home body (a commune marked one), whose office
    and leader a process about no directive must name (BODY_VARIABLE) and whose units are its own."""
    home = org.home_body(session)
    return body is not None and home is not None and body.id != home.id


def body_units(session: Session, body: Unit | None) -> set[int] | None:
    """The units a directive of `body` may give tasks to: a commune's (its unit, its sections); None,
    any unit, for the home body (the province gives tasks to communes). Kept per worker
    (engine.org.kept): registration checks each assignment's units against them."""
    if body is None or not other_than_home(session, body):
        return None
    body_id = body.id
    return set(kept(session, ("body units", body_id),
                         lambda: frozenset(session.scalars(org.subtrees_select([body_id]))), tables=("units",)))


def units_outside(session: Session, body: Unit | None, units: Iterable[Unit]) -> list[Unit]:
    """Those of `units` that `body`'s directives, ad-hoc reports, inspections and secret register may not
    name: a commune's office names its own units only (`body_units`); the home body's, any unit."""
    own = body_units(session, body)
    return [] if own is None else [unit for unit in units if unit.id not in own]


def may_see(session: Session, user: User, kind: str, record_id: int | None) -> bool:
    """`see_clause` on one row, in one statement."""
    record = _record(kind)
    return record_id is not None and session.scalar(select(record.id).where(
        record.id == record_id, see_clause(session, user, kind, scope_embedded=True)).limit(1)) is not None


def is_secret(session: Session, kind: str, record_id: int | None) -> bool:
    record = _record(kind)
    return record_id is not None and bool(session.scalar(select(record.secret).where(record.id == record_id)))


def may_read_instance_content(session: Session, user: User, directive_id: int | None,
                              assignment_id: int | None) -> bool:
    """An instance administrator reads a running process's content (its directive's symbol and
    task, its data, its history's details) unless it belongs to a secret record they may not see."""
    kind, record_id = (ASSIGNMENT, assignment_id) if assignment_id else (DIRECTIVE, directive_id)
    return not is_secret(session, kind, record_id) or may_see(session, user, kind, record_id)


@dataclass(frozen=True)
class Sealed:
    """What of one process `user` may not read, its other content staying theirs: the secret records' words
    and file digests (`values`: wherever they stand in its data, its history, an error) and the work items whose
    step made them (`work_items`: what the step was done with)."""

    values: frozenset[str] = frozenset()
    work_items: frozenset[int] = frozenset()

    def __or__(self, other: Sealed) -> Sealed:
        return Sealed(self.values | other.values, self.work_items | other.work_items)

    def holds(self, value: object) -> bool:
        """Whether `value` (a text, or lists and mappings of them) carries any of the sealed words."""
        if isinstance(value, str):
            return any(sealed in value for sealed in self.values)
        if isinstance(value, Mapping):
            return any(self.holds(inner) for inner in value.values())
        if isinstance(value, (list, tuple)):
            return any(self.holds(inner) for inner in value)
        return False


# Features whose processes keep secret records about no directive in their data (a unit's report marked mật):
# `unread(session, user, instance ids)` gives, for the instances among them holding one `user` may not read,
# what of it is sealed.
_instance_secrets: list[Callable[[Session, User, Collection[int]], dict[int, Sealed]]] = []


def declare_instance_secrets(unread: Callable[[Session, User, Collection[int]], dict[int, Sealed]]) -> None:
    _instance_secrets.append(unread)


def sealed_in_instances(session: Session, user: User, instance_ids: Collection[int]) -> dict[int, Sealed]:
    """What of the instances among `instance_ids` `user` may not read: the secret records about no directive their
    data and history hold (`declare_instance_secrets`). An instance administrator reads the rest of such a
    process — its steps, data and history — with those sealed; a secret directive's process stays closed whole
    (`may_read_instance_content`)."""
    found: dict[int, Sealed] = {}
    for unread in _instance_secrets if instance_ids else []:
        for instance_id, sealed in unread(session, user, instance_ids).items():
            found[instance_id] = found.get(instance_id, Sealed()) | sealed
    return found


def office_step_role(session: Session, settings: Mapping, role: str, unit_id: int | None,
                     directive_id: int | None, assignment_id: int | None) -> str:
    """The role that does an office step (`role`, its lane's) of a record: the lane's, unless the record
    is secret and nobody holding that role in `unit_id` may see it (Quỳnh Nhai: the office head
    registered it, and clerks at large do not read secret records, Đ.6 k.1b). Then the office's
    reader of secret records ([secrecy] visible_to) does it: the step would wait for nobody."""
    readers = [reader for reader in secrecy_policy(settings).visible_to if reader in OFFICE and reader != role]
    if role not in OFFICE or not readers:
        return role
    kind, record_id = (ASSIGNMENT, assignment_id) if assignment_id else (DIRECTIVE, directive_id)
    if not is_secret(session, kind, record_id) or who_may_see(session, holders(session, role, unit_id), kind,
                                                                 record_id or 0):
        return role
    return readers[0]


# How many open work items of a role wait in a unit: declared by the feature that keeps them.
_waiting_work: list[Callable[[Session, str, int], int]] = []


def declare_waiting_work(count: Callable[[Session, str, int], int]) -> None:
    _waiting_work[:] = [count]


def waiting_work(session: Session, role: str, unit_id: int) -> int:
    return sum(count(session, role, unit_id) for count in _waiting_work)


def may_receive_work(session: Session, role: str, unit_id: int) -> bool:
    """A work item of `role` may wait in unit `unit_id` (an administrator's reassignment) when
    someone active there holds that role: it must land where someone can handle it."""
    return bool(holders(session, role, unit_id))


# Checks a statement of `who_may_see` joins (SQLite allows 500 SELECTs in one compound).
_SEEN_PER_STATEMENT = 100


def who_may_see(session: Session, users: Iterable[User], kind: str, record_id: int) -> list[User]:
    """Those of `users` who may see the record: `see_clause` for each of them, asked together in
    one statement (a UNION ALL of each one's check, a unit's sub-tree read once per unit) — a
    notification to a unit's staff asked once per person. One person: `may_see`'s statement."""
    users = list(users)
    distinct = list({user.id: user for user in users}.values())
    if len(distinct) <= 1:
        return [user for user in users if may_see(session, user, kind, record_id)]
    record, seen = _record(kind), set[int]()
    for start in range(0, len(distinct), _SEEN_PER_STATEMENT):
        checks = [select(literal(user.id, Integer)).where(record.id == record_id, see_clause(session, user, kind))
                  for user in distinct[start:start + _SEEN_PER_STATEMENT]]
        seen.update(session.scalars(union_all(*checks)))
    return [user for user in users if user.id in seen]


# ---------------------------------------------------------------- work items
class WorkItemLike(Protocol):
    role: str
    unit_id: int | None
    directive_id: int | None
    assignment_id: int | None
    completed_by: int | None
    performers: str | None


def performers_text(user_ids: Iterable[int]) -> str:
    """A work item's `performers` column for work given to the people `user_ids` by name."""
    return "," + "".join(f"{user_id}," for user_id in dict.fromkeys(user_ids))


def performer_ids(performers: str) -> list[int]:
    """The user ids of a work item's `performers` column (",12,15,")."""
    return [int(part) for part in performers.strip(",").split(",") if part]


def item_holders(session: Session, item: WorkItemLike) -> list[User]:
    """Who holds an open work item, in force today: the people it is given to by name, else the
    holders of its role in its unit (`may_act`'s two ways)."""
    if item.performers is not None:
        named = session.scalars(select(User).where(User.id.in_(performer_ids(item.performers))).order_by(User.id))
        return [user for user in named if account_in_force(user)]
    return holders(session, item.role, item.unit_id)


def _named(user: User) -> str:
    return f",{user.id},"


def record_seen_clause(session: Session, user: User, *, directive_id, assignment_id,
                       as_office: bool = False) -> ColumnElement[bool]:
    """SQL over the columns of a row about a record (a work item, a notification): its assignment
    (or, without one, its directive) is one `user` may see (`as_office`: one their organisation-wide roles
    act on, `acts_as_office_on`); a row about neither is seen.
    Asked row by row, through the record's key: a unit's inbox holds a few thousand items,
    the records it sees may be tens of thousands (PostgreSQL built that whole set first)."""
    units = units_in_scope(session, user)
    directive_seen = _record_seen(session, user, units, DIRECTIVE, directive_id, as_office)
    return or_(_record_seen(session, user, units, ASSIGNMENT, assignment_id, as_office),
               and_(assignment_id.is_(None), or_(directive_id.is_(None), directive_seen)))


def _record_seen(session: Session, user: User, units: set[int] | None, kind: str, key,
                 as_office: bool = False) -> ColumnElement[bool]:
    """SQL: the record of `kind` whose id column `key` (of another table) holds is one `user` may see
    (`units`: their units_in_scope). A user of a unit: `key` among the ids of its units' records, the
    record's own row not read (a department's inbox of its unit at 1M: its 2,884 items each probed
    twice, 19 ms; against the set of its 40,000 links' ids, 14 ms)."""
    record = _record(kind)
    if units is not None:
        return key.in_(record.ids_done_by(units))
    seen = _body_see_clause(session, user, kind) if as_office else see_clause(session, user, kind)
    return select(record.id).where(record.id == key, seen).correlate(key.table).exists()


def act_clause(session: Session, user: User, *, role, unit_id, directive_id, assignment_id,
               performers) -> ColumnElement[bool]:
    """SQL over a work item's columns: given by name, `user` is among its performers; otherwise
    `user` holds its role, its unit is within their scope, and (for organisation-wide roles: a
    unit's own work is its own to see) they may see what it belongs to."""
    units = units_in_scope(session, user)
    if units is not None:
        by_role = and_(role.in_(acting_roles(user)), or_(unit_id.is_(None), unit_id.in_(units)))
    else:
        mixed = holds_office_and_unit_roles(user)
        by_role = and_(role.in_([r for r in acting_roles(user) if not (mixed and r in UNIT_STAFF)]),
                       record_seen_clause(session, user, directive_id=directive_id, assignment_id=assignment_id,
                                          as_office=True),
                       or_(assignment_id.is_not(None), directive_id.is_not(None),
                           _body_units_clause(session, users_body(session, user), unit_id)))
        if mixed:  # its unit roles: the unit's work, as unit staff's
            by_role = or_(by_role, and_(role.in_([r for r in user.roles if r in UNIT_STAFF]),
                                        or_(unit_id.is_(None), unit_id.in_(org.carried_ids(session, user.unit_id))),
                                        record_seen_clause(session, user, directive_id=directive_id,
                                                           assignment_id=assignment_id)))
    return or_(and_(performers.is_(None), by_role),
               and_(performers.is_not(None), performers.contains(_named(user), autoescape=True)))


def _body_units_clause(session: Session, body: Unit, unit_id) -> ColumnElement[bool]:
    """SQL over a work item's unit: none, or a unit of `body` (a commune's: its sub-tree; the home body's:
    outside the other bodies'). A step about no record (an office report's) is its body's office's."""
    home = org.home_body(session)
    if home is None or (body.id == home.id and not org.has_other_bodies(session, home.id)):
        return true()
    bodies = carried_bodies(session, body)  # a commune merged into it: its steps waiting since are the body's
    if body.id == home.id:
        return or_(unit_id.is_(None), unit_id.not_in(org.subtrees_select(_other_bodies(bodies))))
    return or_(unit_id.is_(None), unit_id.in_(org.subtrees_select(sorted(bodies))))


def acting_roles(user: User) -> list[str]:
    """The work item roles `user` acts on: their own, and the office's as a body for an office role."""
    return [*user.roles, *([OFFICE_BODY] if user.has_role(*OFFICE) else [])]


def unit_items_clause(session: Session, user: User, *, unit_id, directive_id, assignment_id,
                      performers) -> ColumnElement[bool]:
    """SQL over a work item's columns: it waits in `user`'s unit or below, or in a unit reorganised
    into those (for any role), and they may see what it belongs to. Work given by name (an
    inspection team's findings, a section's hand-over) is for those named and the unit's head who
    follows the unit's work, not for every colleague."""
    seen = [unit_id.in_(org.carried_ids(session, user.unit_id)),
            record_seen_clause(session, user, directive_id=directive_id, assignment_id=assignment_id)]
    if not user.has_role(*UNIT_HEADS):
        seen.append(or_(performers.is_(None), performers.contains(_named(user), autoescape=True)))
    return and_(*seen)


def may_act(session: Session, user: User, item: WorkItemLike) -> bool:
    """The Python form of `act_clause` for one work item (role and unit without a query)."""
    if item.performers is not None:
        return _named(user) in item.performers
    if item.role not in acting_roles(user) or not acts_for_unit(session, user, item.unit_id):
        return False
    if not is_organisation_wide(user):
        return True
    kind, record_id = (ASSIGNMENT, item.assignment_id) if item.assignment_id else (DIRECTIVE, item.directive_id)
    if holds_office_and_unit_roles(user) and item.role in UNIT_STAFF:  # `act_clause`: the unit's work
        return (item.unit_id is None or org.carries(session, item.unit_id, user.unit_id)) and (
            record_id is None or may_see(session, user, kind, record_id))
    if record_id is None:  # `_body_units_clause`, on one item
        if item.unit_id is None:
            return True
        return carrier(session, org.body_of(session, item.unit_id)).id == users_body(session, user).id
    return may_see(session, user, kind, record_id) and acts_as_office_on(session, user, kind, record_id)


def may_open_work_item(session: Session, user: User, item: WorkItemLike) -> bool:
    """A work item `user` may act on, or had completed."""
    return item.completed_by == user.id or may_act(session, user, item)


# ---------------------------------------------------------------- files
@dataclass(frozen=True)
class FileListing:
    """Where one stored file stands: who sent its bytes, the assignments whose records list it,
    the work items whose draft lists it. Gathered by the feature that stores files."""

    senders: Collection[int]
    assignment_ids: Collection[int]
    drafts: Collection[WorkItemLike]


_file_listing: list[Callable[[Session, str], FileListing]] = []


def declare_files(source: Callable[[Session, str], FileListing]) -> None:
    _file_listing[:] = [source]


# Other records that list files say whether a user may read one through them (an inspection's file).
_file_readers: list[Callable[[Session, User, str], bool]] = []


def declare_file_readers(reads: Callable[[Session, User, str], bool]) -> None:
    _file_readers.append(reads)


def may_see_file(session: Session, user: User, sha256: str) -> bool:
    """`user` sent the file's bytes, or may see an assignment, open a work item or see another
    record (`declare_file_readers`) that lists it. Knowing a file's digest gives nothing:
    attaching a file to a report asks the same."""
    if not _file_listing:
        return False
    listing = _file_listing[0](session, sha256)
    return (user.id in listing.senders
            or any(may_see(session, user, ASSIGNMENT, assignment_id) for assignment_id in listing.assignment_ids)
            or any(may_open_work_item(session, user, item) for item in listing.drafts)
            or any(reads(session, user, sha256) for reads in _file_readers))

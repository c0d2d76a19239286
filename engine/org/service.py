"""Units (the tree, its validity and successors) and people. Who may see and do what is
engine.org.permissions; what administrators do to accounts is engine.org.accounts."""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from datetime import date
from weakref import WeakKeyDictionary

from sqlalchemy import Select, event, inspect, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, joinedload

from engine import audit, clock
from engine.db import lock_name, read_once
from engine.errors import EngineError
from engine.org.kept import kept, kept_unit
from engine.org.models import ROLES, Unit, User
from engine.passwords import hash_password
from engine.text import lower_first


class OrgError(EngineError):
    pass


def unit_names(session: Session) -> dict[str, str]:
    """{code: name} of every unit: task data and records carry codes, people read names. Kept per worker
    (engine.org.kept): each coordinating unit's instructions of a notice's classification read them."""
    return dict(kept(session, "unit names", lambda: dict(session.execute(select(Unit.code, Unit.name)).all()),
                     tables=("units",)))


def unit_by_code(session: Session, code: str) -> Unit | None:
    """The unit `code` names. A code this worker knew (`_unit_ids`) is taken from the session's own units
    (`_hold_units`) without a statement: a 107-task notice's classification named the same four units
    618 times."""
    known = _unit_ids.setdefault(session.get_bind(), {})
    unit = session.get(Unit, known[code]) if code in known else None
    if unit is not None and unit.code == code:
        return unit
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is not None and not _created_in_this_transaction(session):
        known[code] = unit.id
    return unit


# Per-worker unit code -> id map, per database. Safe without invalidation because units are
# never renamed or deleted (only added or retired, which keeps code and id); a code not yet
# known is looked up again. Only committed units are cached: a unit created in the current
# transaction (it may still roll back) is read from the session every time.
_unit_ids: WeakKeyDictionary[Engine | Connection, dict[str, int]] = WeakKeyDictionary()
_CREATED_UNIT = "dondoc.created_unit"


def units_by_codes(session: Session, codes: Iterable[str], unknown: Callable[[str], Exception]) -> list[Unit]:
    """The units `codes` name, in their order; `unknown(code)` raised for the first that names none."""
    units = []
    for code in codes:
        unit = unit_by_code(session, code)
        if unit is None:
            raise unknown(code)
        units.append(unit)
    return units


def unit_id_by_code(session: Session, code: str) -> int | None:
    """The id of the unit `code` (retired ones included), cached per worker."""
    known = _unit_ids.setdefault(session.get_bind(), {})
    if code in known:
        return known[code]
    unit = unit_by_code(session, code)
    return unit.id if unit is not None else None


def _created_in_this_transaction(session: Session) -> bool:
    return session.info.get(_CREATED_UNIT, False) or any(isinstance(obj, Unit) for obj in session.new)


@event.listens_for(Session, "before_flush")
def _note_new_units(session: Session, _context, _instances) -> None:
    if any(isinstance(obj, Unit) for obj in session.new):
        session.info[_CREATED_UNIT] = True


# The units a transaction read, held until it ends: the session's identity map holds its objects weakly,
# so a unit read for one task and let go was read again by its id (session.get) for the next.
_HELD_UNITS = "dondoc.held_units"


@event.listens_for(Session, "loaded_as_persistent")
def _hold_units(session: Session, instance: object) -> None:
    if isinstance(instance, Unit):
        session.info.setdefault(_HELD_UNITS, []).append(instance)


@event.listens_for(Session, "after_transaction_end")
def _let_units_go(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_HELD_UNITS, None)


def require_unit(session: Session, code: str) -> Unit:
    if not code:
        raise OrgError("The unit is required.")
    unit = unit_by_code(session, code)
    if unit is None:
        raise OrgError("Unknown unit %(code)s.", code=code)
    return unit


def tracking_office(session: Session) -> Unit | None:
    """The office that tracks today: the marked one, or from its end date (`dondoc org retire`) the
    successor that does its work. Kept per worker (engine.org.kept)."""
    today = clock.today()

    def read() -> Unit | None:
        office = session.scalar(select(Unit).where(Unit.is_tracking_office.is_(True)).order_by(Unit.id))
        return in_force(session, office, today) if office is not None else None
    return kept_unit(session, ("tracking office", today), read)


def root_unit(session: Session) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))


def body_of(session: Session, unit_id: int) -> Unit:
    """The body a unit belongs to (cơ quan): the nearest issuing body at or above it (a commune
    and its sections), else the top of its tree (the province, its departments and its office).
    Kept per worker (engine.org.kept): each permission clause asks for the user's."""
    def read() -> Unit:
        unit = session.get_one(Unit, unit_id)
        seen: set[int] = set()
        while not unit.is_issuing_body and unit.parent_id is not None and unit.id not in seen:
            seen.add(unit.id)
            unit = session.get_one(Unit, unit.parent_id)
        return unit
    return kept_unit(session, ("body", unit_id), read)


def home_body(session: Session) -> Unit | None:
    """The body of the tracking office (the province): a directive of no recorded body is its. Kept
    per worker (engine.org.kept): each permission clause of a request asks for it."""
    def read() -> Unit | None:
        office = tracking_office(session) or root_unit(session)
        return body_of(session, office.id) if office is not None else None
    return kept_unit(session, ("home body", clock.today()), read)


def issuing_body_ids(session: Session) -> frozenset[int]:
    """The units marked issuing bodies (kept, as `home_body`, and without reading the units): a body
    recorded on a directive and not among them is the top of the tree, the home body."""
    return kept(session, "issuing bodies", lambda: frozenset(
        session.scalars(select(Unit.id).where(Unit.is_issuing_body.is_(True)))), tables=("units",))


def has_other_bodies(session: Session, body_id: int) -> bool:
    """Whether a unit other than `body_id` is an issuing body (kept, as `home_body`)."""
    other = select(Unit.id).where(Unit.is_issuing_body.is_(True), Unit.id != body_id).limit(1)
    return kept(session, ("other bodies", body_id), lambda: session.scalar(other) is not None, tables=("units",))


def body_office(session: Session, body: Unit) -> Unit | None:
    """Where a body's office roles work: the tracking office for the province (None without one), a
    commune's own unit."""
    home = home_body(session)
    return tracking_office(session) if home is not None and home.id == body.id else body


def committee_name(body: Unit) -> str:
    """The name of a body's People's Committee, as its papers are headed: a seeded commune is named as
    the administrative unit ("Phường Tuy Hòa" → "UBND phường Tuy Hòa"), a unit named as the committee
    keeps its name ("UBND phường An Phú")."""
    if body.name.startswith(("UBND", "Ủy ban nhân dân", "ỦY BAN NHÂN DÂN")):
        return body.name
    return f"UBND {lower_first(body.name)}"


def other_committee(session: Session, body: Unit | None) -> str | None:
    """The committee name of `body` when it is an issuing body other than the home one (a commune:
    its papers and forms speak with [body_terminology]); None for the home body, whose words are the
    ruleset's [terminology]."""
    home = home_body(session)
    return None if body is None or home is None or body.id == home.id else committee_name(body)


def mark_issuing_body(session: Session, code: str, issuing: bool, actor: User | None = None) -> Unit:
    """Make a unit an issuing body (its committee's directives tracked by its own office), or not. Audited."""
    unit = require_unit(session, code)
    before = unit.is_issuing_body
    unit.is_issuing_body = issuing
    session.flush()
    audit.record(session, "unit.issuing_body", "unit", unit.id, actor=actor,
                 before={"issuing_body": before}, after={"issuing_body": issuing})
    return unit


def issuing_body_marked_by_hand(session: Session) -> set[int]:
    """Units an administrator marked or unmarked as issuing bodies (`mark_issuing_body`): their
    choice stands against a seeding run again."""
    query = select(audit.AuditEntry.object_id).where(audit.AuditEntry.action == "unit.issuing_body",
                                                     audit.AuditEntry.object_type == "unit")
    return {int(object_id) for object_id in session.scalars(query)}


def organisation_name(session: Session, configured: str = "") -> str:
    """Whose papers these are: the deployment's `organisation_name` setting, else the root unit's name."""
    root = None if configured else root_unit(session)
    return configured or (root.name if root else "")


def subtree_ids(session: Session, unit_id: int) -> set[int]:
    """`unit_id` and every unit below it (any depth)."""
    return subtrees_ids(session, [unit_id])


def subtrees_ids(session: Session, unit_ids: Iterable[int]) -> set[int]:
    """`unit_ids` and every unit below any of them, in one recursive query that reads those
    units only (through the parent index): a visibility check asks this on most requests, and
    a province's tree holds thousands of communes, old and new."""
    starts = list(unit_ids)
    return set(session.scalars(subtrees_select(starts))) if starts else set()


def subtrees_select(unit_ids: Collection[int] | Select) -> Select:
    """SELECT of the ids `subtrees_ids` gives, for a query that embeds it."""
    below = select(Unit.id).where(Unit.id.in_(unit_ids)).cte("below", recursive=True)
    below = below.union(select(Unit.id).where(Unit.parent_id == below.c.id))
    return select(below.c.id)


def carried_select(unit_ids: Collection[int] | Select) -> Select:
    """SELECT of `unit_ids`, the units below them and the units reorganised into any of those (whose
    successor link leads there: a pre-2025 commune into its ward, a merged department into the new
    one), with theirs below: the units whose work they carry today."""
    carried = select(Unit.id).where(Unit.id.in_(unit_ids)).cte("carried", recursive=True)
    carried = carried.union(select(Unit.id).where(or_(Unit.parent_id == carried.c.id,
                                                      Unit.successor_id == carried.c.id)))
    return select(carried.c.id)


def carried_ids(session: Session, unit_id: int) -> set[int]:
    """The ids `carried_select([unit_id])` gives, kept per worker (engine.org.kept: a department's
    inbox asked for them five times a request, its registry two or three)."""
    return set(kept(session, ("carried", unit_id), lambda: frozenset(session.scalars(carried_select([unit_id]))),
                         tables=("units",)))


def carries(session: Session, unit_id: int, carrier_id: int) -> bool:
    """Whether `carried_select([carrier_id])` holds `unit_id`: walks up its parents and successors
    (a few rows) instead of reading the organisation."""
    seen: set[int] = set()
    waiting = [unit_id]
    while waiting:
        current = waiting.pop()
        if current == carrier_id:
            return True
        if current in seen:
            continue
        seen.add(current)
        unit = session.get(Unit, current)
        waiting.extend(link for link in ((unit.parent_id, unit.successor_id) if unit else ()) if link is not None)
    return False


def latest_successors(session: Session) -> dict[int, int]:
    """{id of a unit that has a successor: the last unit of its successor chain} — the body that
    carries its work today (an old commune -> the new commune, not an intermediate one). Where that chain ends in a
    unit closed by today without a successor, whose records the unit above it keeps (`working_unit`), that one
    and the closed unit itself map to the unit above: reports count them where their work is."""
    links: dict[int, int] = {uid: successor for uid, successor in session.execute(
        select(Unit.id, Unit.successor_id).where(Unit.successor_id.is_not(None))) if successor is not None}
    latest = {}
    for unit_id in links:
        current, seen = unit_id, {unit_id}
        while current in links and links[current] not in seen:
            current = links[current]
            seen.add(current)
        latest[unit_id] = current
    fallen = _fallen_through(session)
    return {**fallen, **{unit_id: fallen.get(last, last) for unit_id, last in latest.items()}}


def _fallen_through(session: Session) -> dict[int, int]:
    """{id of a unit closed by today without a successor: id of the unit doing its work (`working_unit`)} — a few
    units: the chains the organisation page names (permissions.fallen_through)."""
    today = clock.today()
    closed = session.scalars(select(Unit).where(Unit.successor_id.is_(None), Unit.valid_to <= today))
    return {unit.id: working.id for unit in closed if (working := working_unit(session, unit, today)).id != unit.id}


def with_predecessors(session: Session, unit_ids: Collection[int]) -> set[int]:
    """`unit_ids` and the units reorganised into one of them (whose successor chain ends
    there), with the units below those: whose tasks a report on `unit_ids` counts — a new
    commune's report holds the tasks its pre-2025 communes received."""
    wanted = set(unit_ids)
    merged = [uid for uid, last in latest_successors(session).items() if last in wanted and uid not in wanted]
    return wanted | subtrees_ids(session, merged) if merged else wanted


def code_in_force(session: Session, code: str, on: date) -> str:
    """The code of the unit that does `code`'s work on `on`: `code` itself while it is in force
    (an old directive keeps naming the body that received it), else the first successor in force
    then (a task given after 1/7/2025 to a pre-2025 commune goes to the commune that replaced it).
    An unknown code, or a retired unit without a successor, is returned as given."""
    unit = unit_by_code(session, code)
    return in_force(session, unit, on).code if unit is not None else code


def in_force(session: Session, unit: Unit, on: date) -> Unit:
    """`unit` while it is in force on `on`, else the first of its successors that is; a retired
    unit without a successor is itself."""
    seen: set[int] = set()
    while not unit.is_valid_on(on) and unit.successor_id and unit.id not in seen:
        seen.add(unit.id)
        unit = session.get_one(Unit, unit.successor_id)
    return unit


def working_unit(session: Session, unit: Unit, on: date) -> Unit:
    """The unit in force doing `unit`'s work on `on`: `in_force`, or when its successor chain ends in a unit closed
    without a successor (a ward merged into one later dissolved), the unit above that one by the tree, in force or
    taken the same way (the province at the top)."""
    current, seen = in_force(session, unit, on), set[int]()
    while not current.is_valid_on(on) and current.parent_id is not None and current.id not in seen:
        seen.add(current.id)
        current = in_force(session, session.get_one(Unit, current.parent_id), on)
    return current


def in_session(session: Session, actor: User) -> User:
    """`actor` as an object of `session`. The caller read it for the current request, so its
    clean loaded state is merged without a statement; anything else is read again."""
    state = inspect(actor)
    if state.key is not None and not state.modified:
        return session.merge(actor, load=False)
    return session.get_one(User, actor.id)


def is_within(session: Session, unit_id: int, ancestor_id: int) -> bool:
    """Whether `unit_id` is `ancestor_id` or below it: walks up the tree (a few rows) instead
    of reading the whole organisation (thousands of communes) on every engine step."""
    seen: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in seen:
        if current == ancestor_id:
            return True
        seen.add(current)
        unit = session.get(Unit, current)
        current = unit.parent_id if unit else None
    return False


def create_unit(session: Session, code: str, name: str, *, parent_code: str | None = None, kind: str = "unit",
                tracking_office: bool = False, valid_from: date | None = None, email: str | None = None,
                agency_code: str | None = None) -> Unit:
    lock_name(session, f"unit:{code}")  # two imports of one tree at once: the second finds the first's unit
    if unit_by_code(session, code) is not None:
        raise OrgError("Unit %(code)s already exists.", code=code)
    parent = require_unit(session, parent_code) if parent_code else None
    unit = Unit(code=code, name=name, kind=kind, parent_id=parent.id if parent else None,
                is_tracking_office=tracking_office, valid_from=valid_from, email=email)
    session.add(unit)
    session.flush()
    if agency_code:
        set_agency_code(session, code, agency_code)
    return unit


# QĐ 20/2020/QĐ-TTg: four groups of digits/letters, e.g. 000.00.01.H01 or G09.25.
USERNAME_MAX, NAME_MAX = 64, 255  # the columns' lengths (engine/org/models.py)
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")  # one @, a domain with a dot
AGENCY_CODE = re.compile(r"[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){1,3}")


def set_agency_code(session: Session, code: str, agency_code: str | None) -> Unit:
    """Give a unit its agency identifier (QĐ 20/2020), or take it away with None."""
    unit = require_unit(session, code)
    agency_code = (agency_code or "").strip().upper() or None
    if agency_code and not AGENCY_CODE.fullmatch(agency_code):
        raise OrgError("%(value)s is not an agency identifier such as 000.00.01.H01.", value=agency_code)
    if agency_code:  # two administrators giving it at once: the second finds the first's unit holding it
        lock_name(session, f"agency_code:{agency_code}")
    holder = unit_by_agency_code(session, agency_code) if agency_code else None
    if holder is not None and holder.id != unit.id:
        raise OrgError("Agency identifier %(value)s belongs to %(unit)s already.", value=agency_code,
                       unit=holder.name)
    unit.agency_code = agency_code
    session.flush()
    return unit


def unit_by_agency_code(session: Session, agency_code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.agency_code == agency_code.strip().upper()))


def retire_unit(session: Session, code: str, on: date, successor_code: str | None = None) -> Unit:
    """Close a unit from `on`; its tasks and reports keep its name. Never rename or delete. Audited."""
    unit = require_unit(session, code)
    if unit.valid_from is not None and on <= unit.valid_from:  # it would never have been in force
        raise OrgError("%(unit)s is in force from %(day)s: it can be closed only from a later day.",
                       unit=unit.code, day=unit.valid_from.strftime("%d/%m/%Y"))
    before = _retirement(session, unit)
    if successor_code:
        successor = require_unit(session, successor_code)
        if _succeeds_to(session, successor, unit.id):
            # a loop would have reports count each unit's tasks under the other
            raise OrgError("%(successor)s cannot succeed %(unit)s: it is %(unit)s or is succeeded by it.",
                           successor=successor.code, unit=unit.code)
        unit.successor_id = successor.id
    unit.valid_to = on
    audit.record(session, "unit.retired", "unit", unit.id, before=before, after=_retirement(session, unit))
    if on <= clock.today():
        move_below_successor(session, unit)
    return unit


def move_below_successor(session: Session, closed: Unit) -> list[Unit]:
    """The units still in force below `closed` (a unit closed with a successor: an old ward's sections, phòng/bộ
    phận) move below the unit in force carrying its work from its end date (the new ward), with their open work
    and their people: a section is no body of its own, and left below a closed unit it would be listed as a unit of
    nobody's. It lives on there until the administrator closes it into one of that unit's own (`retire_unit`).
    Nothing moves when the chain ends in a unit closed without a successor. Audited; returns those moved."""
    if closed.valid_to is None or closed.successor_id is None:
        return []
    successor = in_force(session, closed, closed.valid_to)
    if not successor.is_valid_on(closed.valid_to):
        return []
    below = session.scalars(select(Unit).where(Unit.parent_id == closed.id, Unit.id != successor.id, or_(
        Unit.valid_to.is_(None), Unit.valid_to > closed.valid_to)).order_by(Unit.code)).all()
    moved = [unit for unit in below if not is_within(session, successor.id, unit.id)]  # never below itself
    for unit in moved:
        audit.record(session, "unit.moved", "unit", unit.id, before={"parent": closed.name},
                     after={"parent": successor.name})
        unit.parent_id = successor.id
    session.flush()
    return moved


def move_units_left_below_closed(session: Session) -> int:
    """`move_below_successor` for every unit closed with a successor by today that still has units in force below
    it (a deployment seeded before seeding moved them, or a unit retired ahead of its day); returns how many moved."""
    in_force_below = select(Unit.parent_id).where(Unit.valid_to.is_(None), Unit.parent_id.is_not(None))
    closed = session.scalars(select(Unit).where(Unit.successor_id.is_not(None), Unit.valid_to <= clock.today(),
                                                Unit.id.in_(in_force_below)).order_by(Unit.code)).all()
    return sum(len(move_below_successor(session, unit)) for unit in closed)


def _retirement(session: Session, unit: Unit) -> dict:
    """A unit's end date and successor as the audit trail keeps them: a date and a name."""
    successor = session.get(Unit, unit.successor_id) if unit.successor_id else None
    return {"valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
            "successor": successor.name if successor else None}


def _succeeds_to(session: Session, unit: Unit, target_id: int) -> bool:
    """Whether `unit` is `target_id` or its chain of successors reaches it."""
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and current.id not in seen:
        if current.id == target_id:
            return True
        seen.add(current.id)
        current = session.get(Unit, current.successor_id) if current.successor_id else None
    return False


def create_user(session: Session, username: str, password: str, full_name: str, unit_code: str,
                roles: list[str], email: str | None = None, actor: User | None = None) -> User:
    """A new account, audited (by `actor`, or the system: an import, the first administrator)."""
    check_roles(roles)
    if not username or any(c.isspace() for c in username):
        raise OrgError("The username is required, without spaces.")
    if len(username) > USERNAME_MAX:
        raise OrgError("The username has at most %(max)s characters.", max=USERNAME_MAX)
    check_full_name(full_name)
    email = checked_email(email)
    lock_name(session, f"user:{username}")  # a double-click creates the user once
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise OrgError("User %(name)s already exists.", name=username)
    check_password(password)
    unit = require_unit(session, unit_code)
    user = User(username=username, full_name=full_name, email=email, password_hash=hash_password(password),
                unit_id=unit.id, roles=list(roles))
    session.add(user)
    session.flush()
    audit.record(session, "user.created", "user", user.id, actor=actor,
                 after={"username": username, "full_name": full_name, "unit": unit.name, "roles": list(roles)})
    return user


def check_roles(roles: list[str]) -> None:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise OrgError("Unknown role(s): %(roles)s.", roles=", ".join(unknown))


def check_full_name(full_name: str) -> None:
    if not full_name.strip():
        raise OrgError("The full name is required.")
    if len(full_name) > NAME_MAX:
        raise OrgError("The full name has at most %(max)s characters.", max=NAME_MAX)


def checked_email(email: str | None) -> str | None:
    """The address without the spaces around it (None when blank); one mail cannot go to is refused."""
    email = (email or "").strip() or None
    if email is not None and (len(email) > NAME_MAX or not EMAIL.fullmatch(email)):
        raise OrgError("The e-mail address %(address)s is not valid.", address=email[:80])
    return email


def check_password(password: str) -> None:
    if len(password) < 8:
        raise OrgError("The password must have at least 8 characters.")


def users_with_role(session: Session, role: str, unit_id: int | None = None) -> list[User]:
    """Active holders of `role` (in `unit_id`). The unit is matched in SQL: a reminder asks for
    one unit's officers, and a province has thousands of users. Each comes with its unit, which
    permissions.account_in_force reads of every holder. Read once a transaction (read_once) unless
    it changes an account it has not written yet: a notice's classification told each of its units'
    officers of their task, unit by unit."""
    def read() -> list[User]:
        query = select(User).where(User.active.is_(True)).options(joinedload(User.unit))
        if unit_id is not None:
            query = query.where(User.unit_id == unit_id)
        return [u for u in session.scalars(query) if role in u.roles]
    if any(isinstance(obj, User) for obj in (*session.new, *session.dirty)):
        return read()
    return list(read_once(session, ("users with role", role, unit_id), read, tables=("users", "units")))


def users_by_name(session: Session, usernames: list[str]) -> list[User]:
    return list(session.scalars(select(User).where(User.username.in_(usernames))))

"""A report asked for from outside (web page, API, export link): read and checked here so
that every caller gets the same defaults and the same clear refusals."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directives.models import ORIGINS, URGENCIES
from engine.errors import EngineError
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.reports.calendar import ReportPeriod, parse_period, period_key
from engine.reports.counts import DENOMINATORS, Scope


class BadReportQuery(EngineError):
    """A report parameter that cannot be used; the message says which and why."""


def read_origin(value: str | None) -> str | None:
    """Who gave the tasks a report keeps to (ORIGINS), or None for all."""
    if value and value not in ORIGINS:
        raise BadReportQuery("Unknown origin '%(value)s'.", value=value[:20])
    return value or None


def check_as_of(as_of: date, start: date | None, today: date) -> None:
    """The day a report is taken as of: not before its period (`start`: the first day tasks were
    assigned in it), not after today (the dashboard and GET /reports/summary alike)."""
    if start is not None and as_of < start:
        raise BadReportQuery("The report date is before the period begins.")
    if as_of > today:  # tomorrow's figures would call tasks overdue that still have time
        raise BadReportQuery("The report date cannot be after today.")


def chosen_units(session: Session, visible_unit_ids: set[int] | None, code: str, *, own: bool = False) -> set[int]:
    """The units whose figures the unit `code` stands for (its sub-tree, or itself alone: `own`),
    with their predecessors; refused when it is not among `visible_unit_ids` (None: every unit)."""
    unit = org.unit_by_code(session, code)
    if unit is None or (visible_unit_ids is not None and unit.id not in visible_unit_ids):
        raise BadReportQuery("Unit '%(code)s' does not exist or is outside your units.", code=code)
    return org.with_predecessors(session, {unit.id} if own else org.subtree_ids(session, unit.id))


def _counted_days(args: Mapping[str, str]) -> tuple[date, date] | None:
    """`from` and `to`: the days a periodic report counts (both or neither)."""
    if not args.get("from") and not args.get("to"):
        return None
    try:
        first, last = date.fromisoformat(args.get("from") or ""), date.fromisoformat(args.get("to") or "")
    except ValueError:
        raise BadReportQuery("The counted days need a first and a last date (YYYY-MM-DD).") from None
    if first > last:
        raise BadReportQuery("The counted days end before they begin.")
    return first, last


@dataclass(frozen=True)
class ReportQuery:
    period: ReportPeriod
    as_of: date
    unit_code: str = ""
    urgency: str = ""
    denominator: str = "fallen_due"
    directive_id: int | None = None
    officer: str = ""  # the follow-up officer's username
    origin: str = ""   # who gave the tasks (ORIGINS: a district's province-given ones, or its own)
    unit_own: bool = False  # the chosen unit's own tasks, not its sub-tree's (the per-unit table's root row)
    # A periodic report's counted days (chốt số liệu), which run across its period's bounds; None: the period's
    counted: tuple[date, date] | None = None

    @property
    def first_day(self) -> date:
        """The first day whose assigned tasks count."""
        return self.counted[0] if self.counted else self.period.start

    @property
    def last_day(self) -> date:
        """The last day whose assigned tasks count."""
        return self.counted[1] if self.counted else self.period.end

    @classmethod
    def from_args(cls, args: Mapping[str, str], today: date) -> ReportQuery:
        """Defaults: this year, as of today (or the period's last day when it is over), the
        whole organisation, every urgency and origin, the fallen-due denominator."""
        text = (args.get("period") or str(today.year)).strip()
        try:
            period = parse_period(text)
        except ValueError:
            raise BadReportQuery("Unknown period '%(period)s': use %(year)s, %(year)s-H1, %(year)s-Q2 or %(year)s-03.",
                                 period=text[:20], year=today.year) from None
        counted = _counted_days(args)
        as_of = min(counted[1] if counted else period.end, today)
        if args.get("as_of"):
            try:
                as_of = date.fromisoformat(args["as_of"])
            except ValueError:
                raise BadReportQuery("'%(value)s' is not a date (YYYY-MM-DD).", value=args["as_of"][:20]) from None
        check_as_of(as_of, counted[0] if counted else period.start, today)
        urgency = args.get("urgency") or ""
        if urgency and urgency not in URGENCIES:
            raise BadReportQuery("Unknown urgency '%(value)s'.", value=urgency[:20])
        denominator = args.get("denominator") or "fallen_due"
        if denominator not in DENOMINATORS:
            raise BadReportQuery("Unknown denominator '%(value)s'.", value=denominator[:20])
        origin = read_origin(args.get("origin")) or ""
        directive = (args.get("directive") or "").strip()
        if directive and not directive.isdigit():
            raise BadReportQuery("Unknown directive '%(value)s'.", value=directive[:20])
        return cls(period=period, as_of=as_of, unit_code=(args.get("unit") or "").strip()[:64], urgency=urgency,
                   denominator=denominator, directive_id=int(directive) if directive else None,
                   officer=(args.get("officer") or "").strip()[:64], origin=origin,
                   unit_own=args.get("own") == "1", counted=counted)

    def scope(self, session: Session, asker: User | None, body: Unit | None = None) -> Scope:
        """The Scope for this query within what `asker` may see (engine.org.permissions: the
        units of their scope, the directives of their body; lists name only the assignments they
        may see). None: the public, who see every unit's figures of the directives of `body` (an
        office report's, read as sent or published: a commune's counts its own; None: the home
        body's) and nothing of secret documents."""
        # a unit's scope holds its predecessors: its figures count what they received
        visible_unit_ids = permissions.units_in_scope(session, asker) if asker is not None else None
        unit_ids = visible_unit_ids
        if self.unit_code:  # an office chooses among its own body's units only (`units_offered`)
            offered = permissions.units_offered(session, asker) if asker is not None else None
            unit_ids = chosen_units(session, offered, self.unit_code, own=self.unit_own)
        officer_id = None
        if self.officer:
            officer_id = session.scalar(select(User.id).where(User.username == self.officer))
            if officer_id is None:
                raise BadReportQuery("Unknown officer '%(value)s'.", value=self.officer)
        return Scope(as_of=self.as_of, start=self.first_day, end=self.last_day, unit_ids=unit_ids,
                     urgency=self.urgency or None, directive_id=self.directive_id, officer_id=officer_id,
                     origin=self.origin or None,
                     include_secret=asker is not None, issued=self._issued(session, asker, body),
                     shown=permissions.see_clause(session, asker, permissions.ASSIGNMENT) if asker else None)

    @staticmethod
    def _issued(session: Session, asker: User | None, body: Unit | None):
        """Whose directives count: the asker's (`permissions.issued_clause`), for the public `body`'s."""
        if asker is None and body is not None:
            return permissions.issued_by(session, body)
        return permissions.issued_clause(session, asker)

    def root_unit_id(self, session: Session, user_unit_id: int | None) -> int | None:
        """Whose children the per-unit table lists: the chosen unit, else the asker's own unit
        (None for the organisation-wide roles: every lead unit)."""
        if self.unit_code:
            return org.unit_id_by_code(session, self.unit_code)
        return user_unit_id

    def args(self) -> dict[str, str]:
        values = {"period": period_key(self.period), "as_of": self.as_of.isoformat(), "unit": self.unit_code,
                  **({"from": self.counted[0].isoformat(), "to": self.counted[1].isoformat()} if self.counted else {}),
                  "urgency": self.urgency, "denominator": self.denominator, "officer": self.officer,
                  "origin": self.origin, "own": "1" if self.unit_own and self.unit_code else "",
                  "directive": str(self.directive_id) if self.directive_id else ""}
        return {k: v for k, v in values.items() if v}

"""The organisation tree (cơ quan, đơn vị) and the caller's own account."""
from __future__ import annotations

from collections.abc import Iterable

from flask import jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directives.models import Assignment
from engine.org.models import Unit
from webui.api import serialize
from webui.api.core import api_user, blueprint
from webui.context import engine


def unit_codes(session: Session, ids: Iterable[int | None] | None = None) -> dict[int, str]:
    """Units' codes by id: every unit's, or only those of `ids` (a page that names a few)."""
    query = select(Unit.id, Unit.code)
    return dict(session.execute(query if ids is None else query.where(Unit.id.in_({i for i in ids if i}))).all())


def assignment_unit_codes(session: Session, assignments: Iterable[Assignment]) -> dict[int, str]:
    """The codes of the units `assignments` name (their lead units and unit links), as
    serialize.assignment reads them."""
    return unit_codes(session, [unit_id for a in assignments
                                for unit_id in (a.lead_unit_id, *(link.unit_id for link in a.units))])


@blueprint.get("/me")
def me():
    user = api_user()
    return jsonify({"username": user.username, "full_name": user.full_name, "unit": user.unit.code,
                    "roles": list(user.roles)})


@blueprint.get("/org/units")
def units():
    """Every unit, past and present (old assignments name units that no longer exist)."""
    with engine().db.reading() as session:
        codes = unit_codes(session)
        rows = session.scalars(select(Unit).order_by(Unit.id)).all()
        return jsonify({"items": [serialize.unit(u, codes) for u in rows]})

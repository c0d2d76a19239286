"""Whether this process can serve: the database answers, its schema is at the migrations' head,
and the deployment's ruleset has a published version and runs the report calendar (none of a
ruleset the deployment ran before). A load balancer sends requests only to
a ready host (/readyz); liveness (/livez) asks nothing of the database."""
from __future__ import annotations

import logging

from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import SQLAlchemyError

from engine.db import migrate
from engine.reports.service import other_rulesets_calendar
from engine.rulesets.service import published_bundle

log = logging.getLogger(__name__)


def problems(engine) -> dict[str, str]:
    """What stops this process from serving, by check ({}: ready). The words are for operators
    and say nothing of the database's address or credentials."""
    try:
        with engine.db.reading() as s:
            schema = frozenset(MigrationContext.configure(s.connection()).get_current_heads())
            loaded = published_bundle(s, engine.ruleset) is not None
            other = other_rulesets_calendar(s, engine.ruleset)
    except SQLAlchemyError as exc:
        log.warning("readiness: the database does not answer: %s", type(exc).__name__)
        return {"database": "unreachable"}
    found = {}
    if schema != migrate.heads():
        found["migrations"] = f"database at {', '.join(sorted(schema)) or 'no revision'}, " \
                              f"code at {', '.join(sorted(migrate.heads()))} (dondoc db upgrade)"
    if not loaded:
        found["ruleset"] = f"no published version of {engine.ruleset} (dondoc ruleset load)"
    elif other is not None:
        found["ruleset"] = f"the report calendar of {other} runs, not {engine.ruleset}'s (dondoc ruleset load)"
    return found

"""The operators the secret-document diagram calls when it plans a paper report and when one falls
due, and the schema and check of a ruleset's `[secrecy]` (read by engine.org.permissions)."""
from __future__ import annotations

from datetime import date

from engine.forms import Message
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.reports.models import PERIODS
from engine.rulesets.settings import FLAG, ROLE, settings_check, settings_schema
from engine.sandbox.helpers import date_vn
from engine.sandbox.operators import OPERATORS, StepContext
from engine.secrecy.models import SecretDocument

settings_schema("secrecy", {"store_content": FLAG, "register": {"enum": ["separate", "none"]},
                            "visible_to": {"type": "array", "items": ROLE},
                            "paper_report": {"type": "array", "items": {"enum": list(PERIODS)}}})


@settings_check("secrecy")
def paper_report_problems(settings: dict) -> list[Message]:
    """Paper-report reminders hang on the separate register's lines: without one they never come."""
    rules = permissions.secrecy_policy(settings)
    if rules.paper_report and not rules.keeps_register:
        return [Message("Paper-report reminders need the separate register: without it nothing reminds of "
                        "the paper reports (say the regulation's periods in a comment instead).")]
    return []


@OPERATORS.register("secrecy.paper_report_planned", required=("due",))
def paper_report_planned(ctx: StepContext, data: dict, params: dict) -> dict:
    """Keep the next paper report's day on the register's line, which the page reads with the line."""
    _document(ctx, data).paper_due = date.fromisoformat(params["due"])
    return {}


@OPERATORS.register("secrecy.paper_report_due", optional=("period_end", "due"))
def paper_report_due(ctx: StepContext, data: dict, params: dict) -> dict:
    """Remind the register's readers (or the office clerks) that the paper report is due, and when;
    the day is kept with the result (service.REMINDED, which the diagrams of before read) and on the
    register's line."""
    document = _document(ctx, data)
    users = permissions.paper_report_recipients(ctx.session, ctx.bundle.settings,
                                                permissions.recorded_body(ctx.session, document.body_id))
    if params.get("due"):
        document.paper_reminded = date.fromisoformat(params["due"])
    created = notify_users(ctx.session, users, "paper_report", directive=None, assignment=None,
                           link=f"/secrecy#line-{document.id}",  # the register's page, at this line
                           dedup_key=f"paper_report:{document.id}:{params.get('period_end')}",
                           symbol=document.symbol, due=date_vn(params.get("due")))
    return {"notified": len(created), "due": params.get("due")}


def _document(ctx: StepContext, data: dict) -> SecretDocument:
    document = ctx.session.get(SecretDocument, data.get("secret_document_id"))
    if document is None:
        raise LookupError("no secret document for this instance")
    return document

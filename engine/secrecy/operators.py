"""The operator the secret-document diagram calls when the paper report falls due."""
from __future__ import annotations

from engine.notifications.service import notify_users
from engine.org import permissions
from engine.sandbox.operators import OPERATORS, StepContext
from engine.secrecy.models import SecretDocument


@OPERATORS.register("secrecy.paper_report_due", optional=("period_end",))
def paper_report_due(ctx: StepContext, data: dict, params: dict) -> dict:
    """Remind the register's readers (or the office clerks) that the paper report is due."""
    document = ctx.session.get(SecretDocument, data.get("secret_document_id"))
    if document is None:
        raise LookupError("no secret document for this instance")
    users = permissions.paper_report_recipients(ctx.session, ctx.bundle.settings)
    body = f"Đến kỳ báo cáo bằng văn bản giấy (theo chế độ mật) về văn bản {document.symbol}."
    created = notify_users(ctx.session, users, "paper_report", directive=None, assignment=None, body=body,
                           link="/secrecy", dedup_key=f"paper_report:{document.id}:{params.get('period_end')}")
    return {"notified": len(created)}

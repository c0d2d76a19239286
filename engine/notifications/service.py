"""Writing notifications in the step's transaction (the outbox)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.directives.models import Assignment, Directive
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import User
from engine.runtime.operators import OPERATORS, StepContext

SUBJECTS = {
    "reminder": "Nhắc hạn nhiệm vụ theo văn bản {symbol}",
    "overdue": "Nhiệm vụ theo văn bản {symbol} đã quá hạn",
    "escalation": "Nhiệm vụ quá hạn cần chỉ đạo: văn bản {symbol}",
    "returned": "Nhiệm vụ theo văn bản {symbol} bị chuyển lại",
    "assigned": "Nhiệm vụ mới theo văn bản {symbol}",
    "periodic_update": "Đến kỳ cập nhật tình hình nhiệm vụ theo văn bản {symbol}",
}


def recipients(session: Session, role: str, unit_code: str | None) -> list[User]:
    unit = org.unit_by_code(session, unit_code) if unit_code else None
    if unit is None and role in ("clerk", "office_head"):
        unit = org.tracking_office(session)
    return org.users_with_role(session, role, unit.id if unit else None)


def notify_users(session: Session, users: list[User], kind: str, *, directive: Directive | None,
                 assignment: Assignment | None, body: str, link: str | None = None,
                 dedup_key: str | None = None) -> list[Notification]:
    symbol = directive.symbol if directive else ""
    subject = SUBJECTS.get(kind, "Thông báo: văn bản {symbol}").format(symbol=symbol)
    created = []
    for user in users:
        key = f"{dedup_key}:{user.id}" if dedup_key else None
        if key and session.scalar(select(Notification.id).where(Notification.dedup_key == key,
                                                                Notification.read_at.is_(None))):
            continue  # an unread one already says the same
        note = Notification(user_id=user.id, kind=kind, subject=subject, body=body, link=link,
                            directive_id=directive.id if directive else None,
                            assignment_id=assignment.id if assignment else None, dedup_key=key,
                            created_at=clock.now(), next_attempt_at=clock.now())
        session.add(note)
        created.append(note)
    return created


@OPERATORS.register("notify")
def notify(ctx: StepContext, data: dict, params: dict) -> dict:
    kind = params.get("kind") or "info"
    assignment = ctx.session.get(Assignment, ctx.instance.assignment_id) if ctx.instance.assignment_id else None
    directive = ctx.session.get(Directive, ctx.instance.directive_id) if ctx.instance.directive_id else None
    users = recipients(ctx.session, params.get("role") or "unit_officer", params.get("unit"))
    deadline = assignment.deadline.strftime("%d/%m/%Y") if assignment and assignment.deadline else "không thời hạn"
    body = params.get("body") or (
        f"Nhiệm vụ: {assignment.content if assignment else ''}\nThời hạn: {deadline}")
    link = f"/assignments/{assignment.id}" if assignment else (f"/directives/{directive.id}" if directive else None)
    dedup = f"{kind}:{assignment.id if assignment else ctx.instance.id}"
    created = notify_users(ctx.session, users, kind, directive=directive, assignment=assignment, body=body,
                           link=link, dedup_key=dedup)
    return {"notified": len(created)}

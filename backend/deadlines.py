"""Late decisions: the parent is told every 7 days, with the reason staff gave (s.10 of the Act)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit, notices
from backend.applications import workflow
from backend.applications.models import Application, ApplicationStatus
from backend.school_config import SchoolConfig, parse_school_config
from backend.schools import School
from backend.staff import Role

LATE_NOTICE_EVERY = dt.timedelta(days=7)


async def late_decisions(session: AsyncSession, *, now: dt.datetime, limit: int = 500) -> list[notices.Notice]:
    """Record a legal "late_decision" notice for each request past its due date without a decision
    and not told in the last 7 days, plus a reminder for the staff whose turn it is; returns the
    parents' notices. Runs in the caller's transaction (a periodic job commits it)."""
    threshold = now - LATE_NOTICE_EVERY
    statement = (
        sa.select(Application)
        .where(Application.status == ApplicationStatus.UNDER_REVIEW,
               Application.due_at < now,
               Application.decided_at.is_(None),
               sa.or_(Application.late_notice_at.is_(None), Application.late_notice_at <= threshold))
        .order_by(Application.due_at)
        .limit(limit)
        # Two workers sweeping at once must not both notify the same parent.
        .with_for_update(skip_locked=True)
    )
    late = list(await session.scalars(statement))
    configs: dict[int, SchoolConfig] = {}
    told: list[notices.Notice] = []
    for application in late:
        if application.school_id not in configs:
            school = await session.get(School, application.school_id)
            configs[application.school_id] = parse_school_config(school.settings if school else None)
        config = configs[application.school_id]
        assert application.due_at is not None, "the query selects requests with a due date"
        days_late = (now - application.due_at).days + 1
        told.append(workflow.notify_parent(
            session, application, notices.LATE_DECISION, now, legal=True,
            late_reason=application.late_reason, days_late=days_late))
        turn = workflow.current_turn(application, config) or Role.REGISTRAR
        # An overdue decision is a duty, not news: reminded even with notifications turned off.
        await workflow.notify_staff(
            session, application, notices.DECISION_OVERDUE, [turn, Role.REGISTRAR], now,
            only_subscribed=False, days_late=days_late,
            late_reason_missing=not application.late_reason)
        application.late_notice_at = now
        audit.record(session, school_id=application.school_id, actor=audit.SYSTEM, action="late_notice",
                     subject=audit.application_subject(application.id), at=now,
                     detail={"days_late": days_late, "reason_given": bool(application.late_reason)})
    await session.flush()
    return told

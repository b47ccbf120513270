"""The audit log: who did what to which application or file, and when, without personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime

SYSTEM = "system"
PARENT = "parent"


class AuditEntry(Base):
    """One recorded event. ``detail`` holds ids, statuses and counts only: never names, national
    ids, answers or reasons typed by staff, so the log can be shown and exported freely."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_subject", "school_id", "subject", "at"),
        sa.Index("ix_audit_log_at", "school_id", "at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(sa.String(64))  # "staff:12", "parent", "system"
    action: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(80))  # "application:34", "file:abc"
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


def staff_actor(staff_id: int) -> str:
    return f"staff:{staff_id}"


def application_subject(application_id: int) -> str:
    return f"application:{application_id}"


def file_subject(file_id: str | int) -> str:
    return f"file:{file_id}"


def record(
    session: AsyncSession,
    *,
    school_id: int,
    actor: str,
    action: str,
    subject: str,
    at: dt.datetime,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the caller's transaction, so it is kept exactly when the change is."""
    entry = AuditEntry(school_id=school_id, actor=actor, action=action, subject=subject,
                       detail=dict(detail or {}), at=at)
    session.add(entry)
    return entry


async def entries_for(session: AsyncSession, *, school_id: int, subject: str) -> list[AuditEntry]:
    """The history of one subject, oldest first (the detail page's "history")."""
    statement = (
        sa.select(AuditEntry)
        .where(AuditEntry.school_id == school_id, AuditEntry.subject == subject)
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return list(await session.scalars(statement))

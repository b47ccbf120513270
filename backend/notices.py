"""The domain's outbox of notices for people (parents and staff), independent of any chat platform."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime

PARENT = "parent"
STAFF = "staff"

# Kinds the domain records; the edge picks a template per kind.
STATUS_CHANGED = "status_changed"
DOCUMENTS_REQUESTED = "documents_requested"
APPOINTMENT_SET = "appointment_set"
LATE_DECISION = "late_decision"
NEW_SUBMISSION = "new_submission"
DOCUMENTS_RECEIVED = "documents_received"
SIGN_OFF_NEEDED = "sign_off_needed"
DECISION_OVERDUE = "decision_overdue"
# A signed e-document for the parent (data: document_id, doc_type), and its revocation.
DOCUMENT_ISSUED = "document_issued"
DOCUMENT_REVOKED = "document_revoked"
# To the director and those the director empowered: a document waits for their signature.
SIGNATURE_NEEDED = "signature_needed"
# Admission rounds (backend/admission_round/results.py): a parent's own result (data: outcome,
# position, confirm_by...), a freed seat offered to a reserve, a seat lost at the deadline.
ADMISSION_RESULT = "admission_result"
ADMISSION_OFFER = "admission_offer"
ADMISSION_LAPSED = "admission_lapsed"


class Notice(Base):
    """Something a person should be told. The edge renders ``data`` into a chat message, queues
    it and sets ``delivered_at``; a ``legal`` notice also goes through the second channel,
    because a chat platform gives no proof that the message reached anyone."""

    __tablename__ = "notices"
    __table_args__ = (sa.Index("ix_notices_pending", "delivered_at", "id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    recipient_ref: Mapped[str] = mapped_column(sa.String(128))
    audience: Mapped[str] = mapped_column(sa.String(8))
    kind: Mapped[str] = mapped_column(sa.String(40))
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    legal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)


def record_notice(
    session: AsyncSession,
    *,
    school_id: int,
    recipient_ref: str,
    audience: str,
    kind: str,
    now: dt.datetime,
    data: dict[str, Any] | None = None,
    application_id: int | None = None,
    legal: bool = False,
) -> Notice:
    """Add a notice to the caller's transaction: it exists exactly when the change it reports does."""
    if audience not in (PARENT, STAFF):
        raise ValueError(f"unknown audience {audience!r}")
    notice = Notice(school_id=school_id, recipient_ref=recipient_ref, audience=audience, kind=kind,
                    application_id=application_id, data=dict(data or {}), legal=legal,
                    created_at=now, delivered_at=None)
    session.add(notice)
    return notice


async def pending_notices(session: AsyncSession, limit: int = 100) -> list[Notice]:
    """Undelivered notices, oldest first, so a parent reads the steps in the order they happened.

    On PostgreSQL the rows stay locked until the caller's transaction ends and another process's
    read skips them: two workers never queue the same notice twice."""
    statement = (
        sa.select(Notice).where(Notice.delivered_at.is_(None)).order_by(Notice.id).limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await session.scalars(statement))


async def mark_delivered(session: AsyncSession, notice_ids: Iterable[int], *, now: dt.datetime) -> None:
    """Called by the edge once it has queued the chat message (the outbox retries from there)."""
    ids = list(notice_ids)
    if ids:
        await session.execute(
            sa.update(Notice)
            .where(Notice.id.in_(ids), Notice.delivered_at.is_(None))
            .values(delivered_at=now)
            # Not matched against the objects in the session one by one (a thousand notices at once
            # took half a second): the caller commits and reads afresh.
            .execution_options(synchronize_session=False)
        )

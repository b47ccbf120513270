"""The outbox: messages to deliver to a person, stored before any attempt so none is lost.

The content is opaque to the domain (the edge renders it); what is kept here is the delivery
state: a retry key generated once per message, attempts with backoff, and the final outcome
with the provider's reason when it failed, for staff to see.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime

PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"


class OutboundMessage(Base):
    __tablename__ = "outbound_messages"
    __table_args__ = (sa.Index("ix_outbound_messages_due", "status", "next_attempt_at"),
                      sa.Index("ix_outbound_messages_recipient", "channel", "recipient", "status"))

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(sa.String(64))
    recipient: Mapped[str] = mapped_column(sa.String(64))
    # A reply token lets the first attempt be a free reply; past its deadline we push instead.
    reply_token: Mapped[str | None] = mapped_column(sa.String(255))
    reply_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    payload: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    retry_key: Mapped[str] = mapped_column(sa.String(36), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_via: Mapped[str | None] = mapped_column(sa.String(8))
    last_error: Mapped[str | None] = mapped_column(sa.String(500))


def enqueue(
    session: AsyncSession,
    *,
    school_id: int,
    channel: str,
    recipient: str,
    payload: list[dict[str, Any]],
    now: dt.datetime,
    reply_token: str | None = None,
    reply_deadline: dt.datetime | None = None,
) -> OutboundMessage:
    message = OutboundMessage(
        school_id=school_id,
        channel=channel,
        recipient=recipient,
        reply_token=reply_token,
        reply_deadline=reply_deadline,
        payload=payload,
        retry_key=str(uuid.uuid4()),
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    return message


async def pending_for(session: AsyncSession, *, channel: str, recipient: str) -> list[OutboundMessage]:
    """The recipient's undelivered messages in the order they were written."""
    statement = (
        sa.select(OutboundMessage)
        .where(
            OutboundMessage.channel == channel,
            OutboundMessage.recipient == recipient,
            OutboundMessage.status == PENDING,
        )
        .order_by(OutboundMessage.id)
    )
    return list(await session.scalars(statement))


async def recipients_due(session: AsyncSession, *, now: dt.datetime, limit: int = 200) -> list[tuple[str, str]]:
    statement = (
        sa.select(OutboundMessage.channel, OutboundMessage.recipient)
        .where(OutboundMessage.status == PENDING, OutboundMessage.next_attempt_at <= now)
        .group_by(OutboundMessage.channel, OutboundMessage.recipient)
        .limit(limit)
    )
    return [(row.channel, row.recipient) for row in await session.execute(statement)]


def backoff(attempts: int) -> dt.timedelta:
    """1 s, 2 s, 4 s ... capped at 10 minutes."""
    return dt.timedelta(seconds=min(2 ** max(attempts - 1, 0), 600))


async def drop_pending(session: AsyncSession, *, channel: str, recipient: str, reason: str) -> int:
    """Give up on undelivered messages, e.g. when the person blocked the account."""
    result = await session.execute(
        sa.update(OutboundMessage)
        .where(
            OutboundMessage.channel == channel,
            OutboundMessage.recipient == recipient,
            OutboundMessage.status == PENDING,
        )
        .values(status=DROPPED, last_error=reason)
    )
    return result.rowcount

"""The outbox: messages to deliver to a person, stored before any attempt so none is lost.

The content is opaque to the domain (the edge renders it); what is kept here is the delivery
state: a retry key generated once per message, attempts with backoff, and the final outcome
with the provider's reason when it failed, for staff to see.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, rowcount, table_of

PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"


class OutboundMessage(Base):
    __tablename__ = "outbound_messages"
    __table_args__ = (sa.Index("ix_outbound_messages_due", "status", "next_attempt_at"),
                      sa.Index("ix_outbound_messages_recipient", "channel", "recipient", "status"),
                      sa.Index("ix_outbound_messages_notice", "notice_id"))

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
    # The notice this message carries (None: a reply or a conversation's push). Notices are pushes
    # that stand alone: they go out in bulk, paced, outside the person's lane (bot/bulk.py).
    notice_id: Mapped[int | None] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))


def enqueue(
    session: AsyncSession, *, school_id: int, channel: str, recipient: str, payload: list[dict[str, Any]],
    now: dt.datetime,
) -> OutboundMessage:
    """A message to push, added to the caller's session beside its other changes (notices, reminders)."""
    [row] = new_rows(school_id=school_id, channel=channel, recipient=recipient, batches=[payload], now=now)
    message = OutboundMessage(**row)
    session.add(message)
    return message


@dataclass(frozen=True)
class Queued:
    """A message waiting for delivery, as the sender needs it (a plain row, not a tracked object:
    delivery records each outcome with one UPDATE)."""

    id: int
    recipient: str
    payload: list[dict[str, Any]]
    retry_key: str
    reply_token: str | None
    reply_deadline: dt.datetime | None
    attempts: int
    next_attempt_at: dt.datetime


_messages = table_of(OutboundMessage)
_ADD = sa.insert(_messages).returning(_messages.c.id, sort_by_parameter_order=True)


def new_rows(
    *,
    school_id: int,
    channel: str,
    recipient: str,
    batches: list[list[dict[str, Any]]],
    now: dt.datetime,
    reply_token: str | None = None,
    reply_deadline: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Outbox rows for messages to one recipient, in order; the first batch may use the reply token."""
    return [
        {
            "school_id": school_id,
            "channel": channel,
            "recipient": recipient,
            "reply_token": reply_token if index == 0 else None,
            "reply_deadline": reply_deadline if index == 0 and reply_token else None,
            "payload": payload,
            "retry_key": str(uuid.uuid4()),
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for index, payload in enumerate(batches)
    ]


def queued(ids: list[int], rows: list[dict[str, Any]]) -> list[Queued]:
    """The rows just stored, with their ids, as the sender needs them."""
    return [
        Queued(id=id_, recipient=row["recipient"], payload=row["payload"], retry_key=row["retry_key"],
               reply_token=row["reply_token"], reply_deadline=row["reply_deadline"], attempts=0,
               next_attempt_at=row["next_attempt_at"])
        for id_, row in zip(ids, rows, strict=True)
    ]


async def add(session: AsyncSession, rows: list[dict[str, Any]]) -> list[Queued]:
    """Store rows from new_rows in the caller's transaction. One INSERT (Core: no unit-of-work flush)."""
    if not rows:
        return []
    return queued(list((await session.execute(_ADD, rows)).scalars()), rows)


def add_alone(connection: sa.Connection, rows: list[dict[str, Any]]) -> list[Queued]:
    """add() on a synchronous connection (backend.inbox.complete on SQLite's writer thread)."""
    if not rows:
        return []
    return queued(list(connection.execute(_ADD, rows).scalars()), rows)


_INSERT_COLUMNS = ("school_id", "channel", "recipient", "reply_token", "reply_deadline", "payload", "retry_key",
                   "status", "attempts", "next_attempt_at", "created_at")


def insert_if(condition: sa.ColumnElement[bool], count: int) -> sa.Insert:
    """INSERT of `count` rows (bind parameters r<i>_<column>) that happens only if condition holds, in
    row order (PostgreSQL assigns ids in the order the SELECT yields rows)."""
    selects = [
        sa.select(*(sa.bindparam(f"r{index}_{name}", type_=_messages.c[name].type) for name in _INSERT_COLUMNS))
        .where(condition)
        for index in range(count)
    ]
    source = selects[0] if count == 1 else sa.union_all(*selects)
    return sa.insert(_messages).from_select(list(_INSERT_COLUMNS), source).returning(_messages.c.id)


def insert_if_params(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {f"r{index}_{name}": row[name] for index, row in enumerate(rows) for name in _INSERT_COLUMNS}


_PENDING_FOR = (
    sa.select(*(_messages.c[name] for name in ("id", "recipient", "payload", "retry_key", "reply_token",
                                               "reply_deadline", "attempts", "next_attempt_at")))
    .where(_messages.c.channel == sa.bindparam("channel"), _messages.c.recipient == sa.bindparam("recipient"),
           _messages.c.status == PENDING, _messages.c.notice_id.is_(None))
    .order_by(_messages.c.id)
)


async def pending_for(session: AsyncSession, *, channel: str, recipient: str) -> list[Queued]:
    """The recipient's undelivered messages in the order they were written (notices go in bulk)."""
    rows = await session.execute(_PENDING_FOR, {"channel": channel, "recipient": recipient})
    return [Queued(*row) for row in rows]


def waiting(channel: str | sa.ColumnElement[str], recipient: str | sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """Whether the recipient has undelivered messages: a clause to fold into another read."""
    c = _messages.c
    return sa.exists().where(c.channel == channel, c.recipient == recipient, c.status == PENDING,
                             c.notice_id.is_(None))


def _update(**values: Any) -> sa.Update:
    # Built once per kind of outcome (hot path: see backend/inbox.py); bind names differ from
    # column names, as SQLAlchemy requires in SET clauses.
    return sa.update(_messages).where(_messages.c.id == sa.bindparam("message_id")).values(**values)


_SENT = _update(status=SENT, attempts=sa.bindparam("n"), sent_at=sa.bindparam("at"), sent_via=sa.bindparam("via"),
                last_error=None)
_FINAL = _update(status=sa.bindparam("final"), attempts=sa.bindparam("n"), last_error=sa.bindparam("error"))
_RETRY = _update(attempts=sa.bindparam("n"), last_error=sa.bindparam("error"), next_attempt_at=sa.bindparam("at"),
                 reply_token=sa.bindparam("token"))


async def record_sent(session: AsyncSession, message_id: int, *, attempts: int, via: str, now: dt.datetime) -> None:
    await session.execute(_SENT, {"message_id": message_id, "n": attempts, "at": now, "via": via})


async def record_final(session: AsyncSession, message_id: int, *, status: str, attempts: int, error: str) -> None:
    """Give up on a message (FAILED: the provider refused it; DROPPED: nobody to send it to)."""
    await session.execute(_FINAL, {"message_id": message_id, "final": status, "n": attempts, "error": error[:500]})


async def record_retry(session: AsyncSession, message_id: int, *, attempts: int, error: str,
                       next_attempt_at: dt.datetime, reply_token: str | None) -> None:
    """Try again at next_attempt_at; reply_token None once LINE said it was expired or used."""
    await session.execute(_RETRY, {"message_id": message_id, "n": attempts, "error": error[:500],
                                   "at": next_attempt_at, "token": reply_token})


async def recipients_due(session: AsyncSession, *, now: dt.datetime, limit: int = 200) -> list[tuple[str, str]]:
    statement = (
        sa.select(OutboundMessage.channel, OutboundMessage.recipient)
        .where(OutboundMessage.status == PENDING, OutboundMessage.next_attempt_at <= now,
               OutboundMessage.notice_id.is_(None))
        .group_by(OutboundMessage.channel, OutboundMessage.recipient)
        .limit(limit)
    )
    return [(row.channel, row.recipient) for row in await session.execute(statement)]


# -- Notices in bulk (bot/bulk.py): pushes that stand alone, sent many at a time, paced per channel.


def notice_rows(*, school_id: int, channel: str, recipient: str, notice_id: int, batches: list[list[dict[str, Any]]],
                now: dt.datetime) -> list[dict[str, Any]]:
    """Outbox rows carrying one notice (one push per batch of five messages)."""
    return [{**row, "notice_id": notice_id}
            for row in new_rows(school_id=school_id, channel=channel, recipient=recipient, batches=batches, now=now)]


async def add_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Store rows in the caller's transaction: one INSERT, many rows (Core: no unit-of-work flush)."""
    if rows:
        await session.execute(sa.insert(_messages), rows)


@dataclass(frozen=True)
class BulkMessage:
    """A notice message due, with its content as the JSON text stored (sent on as it is)."""

    id: int
    recipient: str
    payload_json: str
    retry_key: str
    attempts: int


_BULK_DUE = (
    sa.select(_messages.c.id, _messages.c.recipient, sa.cast(_messages.c.payload, sa.Text), _messages.c.retry_key,
              _messages.c.attempts)
    .where(_messages.c.channel == sa.bindparam("channel"), _messages.c.status == PENDING,
           _messages.c.notice_id.is_not(None), _messages.c.next_attempt_at <= sa.bindparam("now"),
           _messages.c.id > sa.bindparam("after"))
    .order_by(_messages.c.id)
    .limit(sa.bindparam("limit"))
)


async def bulk_due(session: AsyncSession, *, channel: str, now: dt.datetime, limit: int,
                   after: int = 0) -> list[BulkMessage]:
    """A channel's notice messages that are due, oldest first, from the one after message `after`
    (the content not decoded: a thousand Flex cards decoded only to be encoded again cost a fifth of
    a second)."""
    rows = await session.execute(_BULK_DUE, {"channel": channel, "now": now, "limit": limit, "after": after})
    return [BulkMessage(*row) for row in rows]


async def channels_with_bulk_due(session: AsyncSession, *, now: dt.datetime) -> list[str]:
    c = _messages.c
    statement = (sa.select(c.channel).where(c.status == PENDING, c.notice_id.is_not(None), c.next_attempt_at <= now)
                 .group_by(c.channel))
    return list(await session.scalars(statement))


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout ends a wait


async def claim_channel(session: AsyncSession, channel: str, *, wait_seconds: float = 0.0) -> bool:
    """Whether this transaction may send the channel's notices: on PostgreSQL a transaction-scoped
    advisory lock, so one process at a time paces a channel (LINE's limit is per channel), released
    at commit or when a crashed process's connection closes. With wait_seconds, wait that long for a
    claim held elsewhere to end (False if it did not; the transaction is then rolled back). SQLite
    serves one process."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    key = int.from_bytes(hashlib.sha256(f"outbox-bulk:{channel}".encode()).digest()[:8], "big", signed=True)
    if wait_seconds <= 0:
        return bool(await session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(key))))
    # SET does not take bind parameters; the value is a number formatted here.
    await session.execute(sa.text(f"SET LOCAL lock_timeout = '{max(int(wait_seconds * 1000), 1)}ms'"))
    try:
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
    except sa.exc.DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        await session.rollback()
        return False
    await session.execute(sa.text("SET LOCAL lock_timeout = 0"))  # the rest of the stream waits as usual
    return True


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: SENT, FAILED or DROPPED (final), or PENDING (retry at next_attempt_at)."""

    message_id: int
    status: str
    attempts: int
    error: str | None = None
    next_attempt_at: dt.datetime | None = None


async def record_outcomes(session: AsyncSession, outcomes: list[Outcome], *, now: dt.datetime) -> None:
    """Each kind of outcome in one statement for many rows (executemany)."""
    sent = [{"message_id": o.message_id, "n": o.attempts, "at": now, "via": "push"}
            for o in outcomes if o.status == SENT]
    final = [{"message_id": o.message_id, "final": o.status, "n": o.attempts, "error": (o.error or "")[:500]}
             for o in outcomes if o.status in (FAILED, DROPPED)]
    retry = [{"message_id": o.message_id, "n": o.attempts, "error": (o.error or "")[:500], "at": o.next_attempt_at,
              "token": None} for o in outcomes if o.status == PENDING]
    for statement, params in ((_SENT, sent), (_FINAL, final), (_RETRY, retry)):
        if params:
            await session.execute(statement, params)


async def counts_for_notices(session: AsyncSession, notice_ids: sa.Select) -> dict[str, int]:
    """How many messages carrying these notices are in each state (for staff, while they go out)."""
    c = _messages.c
    rows = await session.execute(sa.select(c.status, sa.func.count()).where(c.notice_id.in_(notice_ids))
                                 .group_by(c.status))
    return {status: count for status, count in rows}


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
    return rowcount(result)

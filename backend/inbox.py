"""The inbox: every event a chat channel delivers, recorded durably before it is acknowledged.

Events are opaque to the domain (a JSON payload); what matters here is that each is stored once
(de-duplicated on the channel's event id, across processes, by a unique constraint), that a
user's events are handed out in the order they happened, and that none is lost on a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from backend import outbox
from backend.db import ATOMIC_ALONE, Base, UTCDateTime, execute_alone, rowcount, sqlite_writer, table_of

PENDING, DONE, FAILED = "pending", "done", "failed"


class InboundEvent(Base):
    __tablename__ = "inbound_events"
    __table_args__ = (
        sa.UniqueConstraint("channel", "event_id"),
        sa.Index("ix_inbound_events_pending", "status", "channel", "user_ref", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(sa.String(64))
    event_id: Mapped[str] = mapped_column(sa.String(64))
    # Whose event it is: events of one user are processed one at a time, in order.
    user_ref: Mapped[str] = mapped_column(sa.String(64))
    event_type: Mapped[str] = mapped_column(sa.String(32))
    occurred_at: Mapped[int] = mapped_column(sa.BigInteger)  # the channel's timestamp, ms
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Exception class name only: messages could carry personal data.
    error: Mapped[str | None] = mapped_column(sa.String(200))


@dataclass(frozen=True)
class NewEvent:
    event_id: str
    user_ref: str
    event_type: str
    occurred_at: int
    payload: dict[str, Any]


_events = table_of(InboundEvent)
# Hot-path statements are built once: SQLAlchemy then finds their compiled form by a memoized key
# instead of constructing and hashing a new statement per call. Core, not ORM: no unit of work.
_RECORD = {
    name: dialect.insert(_events).on_conflict_do_nothing(index_elements=["channel", "event_id"])
    .returning(_events.c.user_ref)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_MARK_DONE = (
    sa.update(_events)
    .where(_events.c.id == sa.bindparam("done_id"), _events.c.status == PENDING)
    .values(status=DONE, processed_at=sa.bindparam("done_at"), error=None)
)


def _rows(school_id: int, channel: str, events: Sequence[NewEvent], now: dt.datetime) -> list[dict[str, Any]]:
    return [
        {
            "school_id": school_id,
            "channel": channel,
            "event_id": e.event_id,
            "user_ref": e.user_ref,
            "event_type": e.event_type,
            "occurred_at": e.occurred_at,
            "received_at": now,
            "payload": e.payload,
            "status": PENDING,
            "attempts": 0,
            "not_before": now,
        }
        for e in events
    ]


async def record(
    session: AsyncSession, *, school_id: int, channel: str, events: Sequence[NewEvent], now: dt.datetime
) -> list[str]:
    """Store events not seen before; return whose they were (a user_ref per new event). The caller commits."""
    if not events:
        return []
    result = await session.execute(_RECORD[session.get_bind().dialect.name], _rows(school_id, channel, events, now))
    return list(result.scalars())


async def record_durably(
    sessions: async_sessionmaker[AsyncSession], *, school_id: int, channel: str, events: Sequence[NewEvent],
    now: dt.datetime,
) -> list[str]:
    """record() as one statement committed on its own (INSERT ... ON CONFLICT DO NOTHING: atomic,
    and safe to repeat: a second attempt inserts only what the first did not). Durable when it returns."""
    if not events:
        return []
    rows = await execute_alone(sessions, _RECORD.__getitem__, _rows(school_id, channel, events, now))
    return [row[0] for row in rows]


async def users_with_pending(session: AsyncSession, *, now: dt.datetime, limit: int = 200) -> list[tuple[str, str]]:
    """(channel, user_ref) pairs that have events ready to process, oldest first."""
    statement = (
        sa.select(InboundEvent.channel, InboundEvent.user_ref, sa.func.min(InboundEvent.id).label("first"))
        .where(InboundEvent.status == PENDING, InboundEvent.not_before <= now)
        .group_by(InboundEvent.channel, InboundEvent.user_ref)
        .order_by(sa.text("first"))
        .limit(limit)
    )
    return [(row.channel, row.user_ref) for row in await session.execute(statement)]


@dataclass(frozen=True)
class ReadyEvent:
    """An event to process, as a plain row (not a tracked object: a rollback of one event's
    transaction must not touch the others read with it)."""

    id: int
    school_id: int
    user_ref: str
    event_type: str
    occurred_at: int
    received_at: dt.datetime
    payload: dict[str, Any] | None


_READY_COLUMNS = [_events.c[name] for name in ("id", "school_id", "user_ref", "event_type", "occurred_at",
                                                "received_at", "payload")]
_NEXT_FOR_USER = (
    sa.select(*_READY_COLUMNS,
              outbox.waiting(sa.bindparam("channel"), sa.bindparam("user_ref")).label("outbox_waiting"))
    .where(_events.c.channel == sa.bindparam("channel"), _events.c.user_ref == sa.bindparam("user_ref"),
           _events.c.status == PENDING, _events.c.not_before <= sa.bindparam("now"))
    .order_by(_events.c.occurred_at, _events.c.id)
    .limit(sa.bindparam("limit"))
)


async def next_for_user(
    session: AsyncSession, *, channel: str, user_ref: str, now: dt.datetime, limit: int = 20,
) -> tuple[list[ReadyEvent], bool]:
    """The user's ready events in the order they happened (timestamp, then arrival), and, read in
    the same round trip, whether older messages to the user wait in the outbox."""
    rows = list(await session.execute(_NEXT_FOR_USER, {"channel": channel, "user_ref": user_ref, "now": now,
                                                       "limit": limit}))
    events = [ReadyEvent(*row[:-1]) for row in rows]
    return events, bool(rows and rows[0][-1])


async def mark_done(session: AsyncSession, event_id: int, *, now: dt.datetime) -> bool:
    """Mark processed; False if another process got there first (the caller then rolls back)."""
    # A Core statement: the ORM's bulk UPDATE path would first flush the whole session.
    result = await session.execute(_MARK_DONE, {"done_id": event_id, "done_at": now})
    return rowcount(result) == 1


_COMPLETE: dict[int, sa.Insert] = {}  # PostgreSQL, by number of replies


def _complete_statement(count: int) -> sa.Insert:
    statement = _COMPLETE.get(count)
    if statement is None:
        done = _MARK_DONE.returning(_events.c.id).cte("done")
        statement = _COMPLETE[count] = outbox.insert_if(sa.exists(sa.select(done.c.id)), count).add_cte(done)
    return statement


async def complete(session: AsyncSession, event_id: int, *, now: dt.datetime,
                   replies: list[dict[str, Any]], alone: bool = False) -> list[outbox.Queued] | None:
    """Mark the event done and store its replies (rows from outbox.new_rows), all or nothing; None
    if another process marked it first (the caller then rolls back).

    On PostgreSQL one statement does both, so an event whose handling wrote nothing else needs no
    transaction at all (backend.db.WriteTransaction). alone: the caller's unit wrote nothing else
    (WriteTransaction.opened is False); on SQLite both statements then run in one call on the
    database's writer thread, so SQLite's lock is never held across the event loop's turns."""
    writer = sqlite_writer(session.get_bind()) if alone else None
    if writer is not None:
        return await writer.run(lambda connection: _complete_alone(connection, event_id, now, replies))
    if session.get_bind().dialect.name == "postgresql":
        if not replies:
            result = await session.execute(_MARK_DONE, {"done_id": event_id, "done_at": now},
                                           execution_options=ATOMIC_ALONE)
            return [] if rowcount(result) == 1 else None
        params = {"done_id": event_id, "done_at": now, **outbox.insert_if_params(replies)}
        result = await session.execute(_complete_statement(len(replies)), params, execution_options=ATOMIC_ALONE)
        ids = sorted(result.scalars())
        return outbox.queued(ids, replies) if ids else None
    if not await mark_done(session, event_id, now=now):
        return None
    return await outbox.add(session, replies)


def _complete_alone(connection: sa.Connection, event_id: int, now: dt.datetime,
                    replies: list[dict[str, Any]]) -> list[outbox.Queued] | None:
    if rowcount(connection.execute(_MARK_DONE, {"done_id": event_id, "done_at": now})) != 1:
        return None  # nothing written: the commit after it is empty
    return outbox.add_alone(connection, replies)


async def mark_attempt_failed(
    session: AsyncSession, event_id: int, *, error: str, now: dt.datetime, max_attempts: int
) -> str:
    """Record a failed attempt; retry later with backoff, or give up after max_attempts."""
    event = await session.get(InboundEvent, event_id)
    if event is None or event.status != PENDING:
        return event.status if event else FAILED
    event.attempts += 1
    event.error = error[:200]
    if event.attempts >= max_attempts:
        event.status = FAILED
        event.processed_at = now
    else:
        event.not_before = now + dt.timedelta(seconds=min(2 ** event.attempts, 300))
    return event.status


async def purge_processed(session: AsyncSession, *, older_than: dt.datetime) -> int:
    """Delete processed events past retention: they hold what parents typed."""
    result = await session.execute(
        sa.delete(InboundEvent).where(InboundEvent.status != PENDING, InboundEvent.received_at < older_than)
    )
    return rowcount(result)

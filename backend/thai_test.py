"""OBEC's Thai competency test for foreigners: test sessions with a number of seats, and seats taken.

OBEC (สพฐ.) holds the test (docs/rules.md, "Thai competency test for foreigners"): a session is a day,
a place and a number of seats, open for registration until a closing day. A registration holds one
seat. A unique constraint on (session, seat number) makes it impossible for two people to take the
same seat, the last one included, even when they confirm at the same moment, on any database; a
second unique key keeps one seat per registration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, rowcount
from backend.thai.dates import format_thai_date
from backend.thai.errors import ThaiInputError

# Two people confirming the same last seat at once: the loser looks again, at most this often.
MAX_ATTEMPTS = 3


class ThaiTestSession(Base):
    __tablename__ = "thai_test_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    place: Mapped[str] = mapped_column(sa.String(200))
    seats: Mapped[int] = mapped_column(sa.Integer)
    # The last day a registration is taken (inclusive).
    registration_closes: Mapped[dt.date] = mapped_column(sa.Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ThaiTestSeat(Base):
    __tablename__ = "thai_test_seats"
    __table_args__ = (sa.UniqueConstraint("session_id", "seat_no"), sa.UniqueConstraint("holder_ref"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("thai_test_sessions.id", ondelete="CASCADE"))
    seat_no: Mapped[int] = mapped_column(sa.Integer)
    # Who holds it: the registration's public number (opaque here, as a venue booking's holder).
    holder_ref: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class OpenSession:
    """A session still taking registrations, as the conversation shows it."""

    id: int
    held_on: dt.date
    place: str
    free: int


class SessionFull(ThaiInputError):
    def __init__(self, held_on: dt.date) -> None:
        super().__init__(
            f"ขออภัยค่ะ รอบสอบวันที่ {format_thai_date(held_on)} ที่นั่งเต็มแล้ว กรุณาเลือกรอบอื่นค่ะ\n"
            "Sorry, this test session is full. Please choose another date.",
            code="thai_test.full")
        self.held_on = held_on


class SessionClosed(ThaiInputError):
    def __init__(self) -> None:
        super().__init__("ขออภัยค่ะ รอบสอบนี้ปิดรับสมัครแล้ว กรุณาเลือกรอบอื่นค่ะ\n"
                         "Sorry, registration for this session is closed. Please choose another date.",
                         code="thai_test.closed")


async def add_session(session: AsyncSession, *, held_on: dt.date, place: str, seats: int,
                      registration_closes: dt.date, now: dt.datetime) -> ThaiTestSession:
    """OBEC opens a session for registration."""
    if seats < 1:
        raise ValueError("a session needs at least one seat")
    if registration_closes > held_on:
        raise ValueError("registration closes after the test")
    row = ThaiTestSession(held_on=held_on, place=" ".join(place.split())[:200], seats=seats,
                          registration_closes=registration_closes, created_at=now)
    session.add(row)
    await session.flush()
    return row


async def _taken(session: AsyncSession, session_id: int) -> set[int]:
    return set(await session.scalars(sa.select(ThaiTestSeat.seat_no).where(ThaiTestSeat.session_id == session_id)))


async def open_sessions(session: AsyncSession, *, today: dt.date) -> list[OpenSession]:
    """Sessions taking registrations today, with their free seats, soonest first (full ones too)."""
    taken = sa.select(ThaiTestSeat.session_id, sa.func.count().label("taken")).group_by(
        ThaiTestSeat.session_id).subquery()
    rows = await session.execute(
        sa.select(ThaiTestSession, sa.func.coalesce(taken.c.taken, 0))
        .outerjoin(taken, taken.c.session_id == ThaiTestSession.id)
        .where(ThaiTestSession.registration_closes >= today)
        .order_by(ThaiTestSession.held_on, ThaiTestSession.id))
    return [OpenSession(row.id, row.held_on, row.place, max(0, row.seats - count)) for row, count in rows.all()]


async def take_seat(session: AsyncSession, *, held_on: dt.date, holder_ref: str, today: dt.date,
                    now: dt.datetime) -> ThaiTestSeat:
    """Hold the lowest free seat of the session held on ``held_on`` for ``holder_ref``: raises
    SessionFull when none is left (another may have taken the last one a moment ago), and
    SessionClosed when no session of that day takes registrations."""
    found = await session.scalar(sa.select(ThaiTestSession).where(
        ThaiTestSession.held_on == held_on, ThaiTestSession.registration_closes >= today)
        .order_by(ThaiTestSession.id).limit(1))
    if found is None:
        raise SessionClosed()
    held = await session.scalar(sa.select(ThaiTestSeat).where(ThaiTestSeat.holder_ref == holder_ref))
    if held is not None and held.session_id == found.id:
        return held  # confirmed twice: the same seat
    for _ in range(MAX_ATTEMPTS):
        free = sorted(set(range(1, found.seats + 1)) - await _taken(session, found.id))
        if not free:
            raise SessionFull(held_on)
        seat = ThaiTestSeat(session_id=found.id, seat_no=free[0], holder_ref=holder_ref, created_at=now)
        try:
            async with session.begin_nested():
                if held is not None:  # moving to another session
                    await session.delete(held)
                    await session.flush()
                session.add(seat)
                await session.flush()
        except IntegrityError:
            continue  # someone took that seat meanwhile: look again
        return seat
    raise SessionFull(held_on)


async def release(session: AsyncSession, *, holder_ref: str) -> int:
    """Free the seat of a cancelled or rejected registration."""
    result = await session.execute(sa.delete(ThaiTestSeat).where(ThaiTestSeat.holder_ref == holder_ref))
    return rowcount(result)

"""Venue bookings: the rules of the MOE regulation on school premises, and no double booking.

A booking holds one row per venue per day; a unique constraint on (school, venue, day) makes
double booking impossible even when two parents confirm at the same moment, on any database.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, rowcount
from backend.thai.dates import format_thai_date
from backend.thai.errors import ThaiInputError

# Ministerial regulation on the use of school premises (2539): apply at least 5 days ahead;
# the director may allow up to 7 days per occasion.
MIN_DAYS_AHEAD = 5
MAX_DAYS_PER_BOOKING = 7


class VenueReservation(Base):
    __tablename__ = "venue_reservations"
    __table_args__ = (sa.UniqueConstraint("school_id", "venue_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    venue_id: Mapped[str] = mapped_column(sa.String(32))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    # Who holds it: the application's id (opaque here, so the rule stays independent of flows).
    holder_ref: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class VenueTaken(ThaiInputError):
    def __init__(self, days: list[dt.date]) -> None:
        shown = ", ".join(format_thai_date(day) for day in days)
        super().__init__(
            f"ขออภัยค่ะ สถานที่นี้มีผู้จองแล้วในวันที่ {shown} "
            "กรุณาเลือกวันอื่นหรือสถานที่อื่นนะคะ"
        )
        self.days = days


def booking_days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def check_first_day(first: dt.date, *, today: dt.date) -> None:
    earliest = today + dt.timedelta(days=MIN_DAYS_AHEAD)
    if first < earliest:
        raise ThaiInputError(
            f"ต้องยื่นขอใช้สถานที่ล่วงหน้าอย่างน้อย {MIN_DAYS_AHEAD} วันค่ะ "
            f"วันแรกที่เลือกได้คือ {format_thai_date(earliest)} ค่ะ"
        )


def check_period(first: dt.date, last: dt.date) -> None:
    if last < first:
        raise ThaiInputError("วันสุดท้ายต้องไม่ก่อนวันแรกค่ะ กรุณาเลือกวันสุดท้ายใหม่นะคะ")
    if len(booking_days(first, last)) > MAX_DAYS_PER_BOOKING:
        raise ThaiInputError(
            f"ขอใช้สถานที่ได้ครั้งละไม่เกิน {MAX_DAYS_PER_BOOKING} วันค่ะ "
            "ถ้าต้องการใช้นานกว่านั้น กรุณายื่นคำขอแยกเป็นครั้ง ๆ นะคะ"
        )


async def taken_days(session: AsyncSession, *, school_id: int, venue_id: str,
                     first: dt.date, last: dt.date, except_holder: str | None = None) -> list[dt.date]:
    statement = sa.select(VenueReservation.day).where(
        VenueReservation.school_id == school_id,
        VenueReservation.venue_id == venue_id,
        VenueReservation.day.between(first, last),
    )
    if except_holder:
        statement = statement.where(VenueReservation.holder_ref != except_holder)
    return sorted(await session.scalars(statement))


async def reserve(session: AsyncSession, *, school_id: int, venue_id: str, first: dt.date, last: dt.date,
                  holder_ref: str, now: dt.datetime) -> None:
    """Hold every day of the period for holder_ref, or none of them (raises VenueTaken)."""
    check_period(first, last)
    try:
        async with session.begin_nested():
            session.add_all(
                VenueReservation(school_id=school_id, venue_id=venue_id, day=day, holder_ref=holder_ref,
                                 created_at=now)
                for day in booking_days(first, last)
            )
            await session.flush()
    except IntegrityError:
        taken = await taken_days(session, school_id=school_id, venue_id=venue_id, first=first, last=last,
                                 except_holder=holder_ref)
        raise VenueTaken(taken or [first]) from None


async def release(session: AsyncSession, *, holder_ref: str) -> int:
    """Free the days of a cancelled or rejected booking."""
    result = await session.execute(sa.delete(VenueReservation).where(VenueReservation.holder_ref == holder_ref))
    return rowcount(result)

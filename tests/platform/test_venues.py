"""Venue bookings: 5 days ahead, at most 7 days, and never two bookings of one venue on one day."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from backend import venues
from backend.clock import FakeClock
from backend.db import make_engine, make_sessionmaker
from backend.demo import create_demo_school
from backend.schools import school_by_slug
from backend.thai.errors import ThaiInputError

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
async def sessions(database_url):
    await create_demo_school(database_url)
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def _school_id(sessions) -> int:
    async with sessions() as session:
        return (await school_by_slug(session, "demo")).id


def test_a_booking_must_start_at_least_five_days_ahead():
    venues.check_first_day(TODAY + dt.timedelta(days=5), today=TODAY)
    with pytest.raises(ThaiInputError) as raised:
        venues.check_first_day(TODAY + dt.timedelta(days=4), today=TODAY)
    assert "อย่างน้อย 5 วัน" in raised.value.message_th
    assert "30 พฤศจิกายน 2569" in raised.value.message_th  # the earliest day, in BE


def test_a_booking_lasts_at_most_seven_days():
    first = TODAY + dt.timedelta(days=10)
    venues.check_period(first, first + dt.timedelta(days=6))
    with pytest.raises(ThaiInputError, match="ไม่เกิน 7 วัน"):
        venues.check_period(first, first + dt.timedelta(days=7))
    with pytest.raises(ThaiInputError, match="ไม่ก่อนวันแรก"):
        venues.check_period(first, first - dt.timedelta(days=1))


async def test_an_overlapping_booking_is_refused_naming_the_taken_days(sessions):
    school_id = await _school_id(sessions)
    first = TODAY + dt.timedelta(days=10)
    now = FakeClock().now()
    async with sessions() as session:
        await venues.reserve(session, school_id=school_id, venue_id="hall", first=first,
                             last=first + dt.timedelta(days=2), holder_ref="A", now=now)
        await session.commit()
    async with sessions() as session:
        with pytest.raises(venues.VenueTaken) as raised:
            await venues.reserve(session, school_id=school_id, venue_id="hall", first=first + dt.timedelta(days=2),
                                 last=first + dt.timedelta(days=4), holder_ref="B", now=now)
        assert raised.value.days == [first + dt.timedelta(days=2)]
        # Nothing of the refused booking was kept; another venue the same day is fine.
        assert await venues.taken_days(session, school_id=school_id, venue_id="hall", first=first,
                                       last=first + dt.timedelta(days=6)) == venues.booking_days(
            first, first + dt.timedelta(days=2))
        await venues.reserve(session, school_id=school_id, venue_id="field", first=first, last=first,
                             holder_ref="B", now=now)
        await session.commit()


async def test_released_days_can_be_booked_again(sessions):
    school_id = await _school_id(sessions)
    day = TODAY + dt.timedelta(days=8)
    now = FakeClock().now()
    async with sessions() as session:
        await venues.reserve(session, school_id=school_id, venue_id="hall", first=day, last=day,
                             holder_ref="A", now=now)
        assert await venues.release(session, holder_ref="A") == 1
        await venues.reserve(session, school_id=school_id, venue_id="hall", first=day, last=day,
                             holder_ref="B", now=now)
        await session.commit()


async def test_concurrent_bookings_of_the_same_day_let_exactly_one_through(sessions):
    school_id = await _school_id(sessions)
    day = TODAY + dt.timedelta(days=12)
    now = FakeClock().now()

    async def attempt(holder: str) -> bool:
        async with sessions() as session:
            try:
                await venues.reserve(session, school_id=school_id, venue_id="hall", first=day,
                                     last=day + dt.timedelta(days=1), holder_ref=holder, now=now)
                await session.commit()
                return True
            except venues.VenueTaken:
                await session.rollback()
                return False

    results = await asyncio.gather(*(attempt(f"P{i}") for i in range(8)))
    assert results.count(True) == 1

"""Working days skip Thailand's holidays and the school's closures: due dates around Songkran and the
New Year, a venue decision due before the day of use, and s.10 late notices that follow them."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.applications.models import ApplicationStatus as S
from backend.applications.workflow import perform
from backend.deadlines import late_decisions
from backend.school_config import parse_school_config
from backend.working_days import BANGKOK, NATIONAL, add_working_days


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def at_ten_in_bangkok(world, text: str) -> None:
    """Move the world's clock (back or forth) to 10:00 in Bangkok on a day."""
    moment = dt.datetime.combine(day(text), dt.time(10), tzinfo=BANGKOK)
    world.clock.advance(seconds=(moment - world.clock.now()).total_seconds())


@pytest.mark.parametrize(("start", "days", "due", "why"), [
    # Songkran 2569: Monday 13 – Wednesday 15 April 2026.
    ("2026-04-09", 3, "2026-04-17", "Friday 10, then Thursday 16 and Friday 17"),
    ("2026-04-10", 1, "2026-04-16", "Songkran from Monday"),
    # Songkran 2570: Tuesday 13 – Thursday 15 April 2027.
    ("2027-04-12", 1, "2027-04-16", "Friday after Songkran"),
    # New Year: 31 December and 1 January, and the Cabinet's bridge holiday of Friday 2 January 2026.
    ("2025-12-30", 1, "2026-01-05", "31 Dec, 1 Jan and the bridge day 2 Jan"),
    ("2026-12-30", 1, "2027-01-04", "Thursday 31 Dec and Friday 1 Jan"),
    ("2026-12-29", 2, "2027-01-04", "Wednesday 30 Dec, then Monday 4 Jan"),
    # Government and Ministry of Education days off.
    ("2026-05-12", 1, "2026-05-14", "Royal Ploughing Ceremony, Wednesday 13 May 2026"),
    ("2026-01-15", 1, "2026-01-19", "Teachers' Day, Friday 16 January"),
])
def test_due_dates_skip_holidays(start: str, days: int, due: str, why: str) -> None:
    assert add_working_days(day(start), days) == day(due), why


def test_a_holiday_says_what_it_is_in_thai() -> None:
    assert NATIONAL.day_off(day("2026-04-13")) == "วันสงกรานต์"
    assert NATIONAL.day_off(day("2026-12-31")) == "วันสิ้นปี"
    assert NATIONAL.day_off(day("2026-11-28")) == "วันหยุดสุดสัปดาห์"
    assert NATIONAL.day_off(day("2026-11-27")) is None


def test_a_schools_closures_are_not_working_days() -> None:
    config = parse_school_config({"closures": [
        {"first_day": "2026-12-28", "last_day": "2026-12-29", "reason": "น้ำท่วมพื้นที่โรงเรียน"},
        {"first_day": "2026-12-02", "reason": "วันหยุดที่คณะรัฐมนตรีประกาศเพิ่ม"},
    ]})
    calendar = config.working_calendar()
    assert calendar.day_off(day("2026-12-28")) == "น้ำท่วมพื้นที่โรงเรียน"
    assert calendar.add_working_days(day("2026-12-25"), 1) == day("2026-12-30")
    assert calendar.add_working_days(day("2026-12-01"), 1) == day("2026-12-03")


async def test_a_due_date_around_songkran_and_its_late_notice(world):
    at_ten_in_bangkok(world, "2026-04-09")  # Thursday 9 April 2569
    application = await world.application(S.SUBMITTED, service="withdrawal")
    world.config = parse_school_config({"services": {"withdrawal": {"time_limit_days": 3}}})
    await perform(world.session, application, "accept_complete", staff=world.staff["registrar"],
                  now=world.clock.now(), config=world.config)
    assert application.due_at.astimezone(BANGKOK).date() == day("2026-04-17")
    # Counting Monday to Friday only it would have been due on Wednesday 15 April, during Songkran:
    # the parent is not told the decision is late on the 16th.
    at_ten_in_bangkok(world, "2026-04-16")
    assert await late_decisions(world.session, now=world.clock.now()) == []
    at_ten_in_bangkok(world, "2026-04-18")
    [notice] = await late_decisions(world.session, now=world.clock.now())
    assert notice.kind == "late_decision"


async def test_a_due_date_around_the_new_year_counts_the_schools_closures_too(world):
    at_ten_in_bangkok(world, "2026-12-25")  # Friday 25 December 2569
    application = await world.application(S.SUBMITTED, service="withdrawal")
    world.config = parse_school_config({
        "services": {"withdrawal": {"time_limit_days": 3}},
        "closures": [{"first_day": "2026-12-28", "reason": "โรงเรียนปิดซ่อมอาคาร"}],
    })
    await perform(world.session, application, "accept_complete", staff=world.staff["registrar"],
                  now=world.clock.now(), config=world.config)
    # 28 Dec closed; 29 and 30 Dec; 31 Dec and 1 Jan holidays; Monday 4 January 2570.
    assert application.due_at.astimezone(BANGKOK).date() == day("2027-01-04")


@pytest.mark.parametrize(("first_day", "due"), [
    ("2026-11-30", "2026-11-29"),  # 5 working days would end 30 Nov, the first day of use itself
    ("2026-12-04", "2026-11-30"),  # far enough ahead: the time limit alone decides
])
async def test_a_venue_decision_is_due_no_later_than_the_day_before_use(world, first_day, due):
    application = await world.application(S.SUBMITTED, service="venue_booking")
    application.answers = {**application.answers, "first_day": first_day, "last_day": first_day}
    world.config = parse_school_config({"services": {"venue_booking": {"time_limit_days": 5}}})
    await perform(world.session, application, "accept_complete", staff=world.staff["registrar"],
                  now=world.clock.now(), config=world.config)  # Monday 23 November 2569
    assert application.due_at.astimezone(BANGKOK).date() == day(due)

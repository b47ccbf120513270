"""The round as data: OBEC's calendar as defaults with its source, the school's edits, the
application window the bot follows, and edits refused after the close."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.admission_round import service
from backend.admission_round.calendar import calendars, default_dates
from backend.admission_round.service import Phase, RoundError
from backend.thai.grades import Grade
from tests.admission_round.round_world import CLOSE_DAY, OPEN_DAY, STAFF, YEAR, bangkok


def test_calendar_gives_only_dates_a_source_states():
    m1, sources = default_dates(2566, Grade.M1)
    assert (m1.applications_open, m1.applications_close) == (dt.date(2023, 3, 11), dt.date(2023, 3, 15))
    assert m1.handover_day == dt.date(2023, 4, 1)
    assert sources and sources[0].url.startswith("https://www.prachachat.net/")
    k2, _ = default_dates(2566, Grade.K2)
    assert k2.applications_open is None  # not found: not invented
    assert default_dates(2567, Grade.P1)[0].applications_open is None
    assert default_dates(2599, Grade.P1) == (type(k2)(), [])
    for calendar in calendars().values():
        assert all(source.url for source in calendar.sources)


async def test_a_new_round_takes_the_calendar_and_cites_it(world):
    round_ = await service.create_round(world.session, school_id=world.school.id, academic_year=2566,
                                        grade=Grade.M1, seats=80, in_area_seats=48, actor=STAFF,
                                        now=world.clock.now())
    assert round_.applications_open == dt.date(2023, 3, 11)
    assert "prachachat" in round_.dates_source[0]["url"]
    assert (round_.seats, round_.in_area_seats) == (80, 48)
    [entry] = await world.audit(action="round.create")
    assert entry.detail == {"academic_year": 2566, "grade": "m1", "seats": 80}
    with pytest.raises(RoundError) as twice:
        await service.create_round(world.session, school_id=world.school.id, academic_year=2566,
                                   grade=Grade.M1, seats=10, actor=STAFF, now=world.clock.now())
    assert twice.value.code == "round.exists"


async def test_window_messages_before_during_and_after(world):
    round_ = await world.new_round()
    assert service.phase(round_, world.clock.now()) is Phase.BEFORE
    before = service.window_message(round_, world.clock.now())
    assert "เปิดรับวันที่ 2 มีนาคม 2570 ถึงวันที่ 6 มีนาคม 2570" in before and "ค่ะ" in before
    assert service.window_message(round_, bangkok(OPEN_DAY, 0 + 7)) is None  # 00:00 in Bangkok
    assert service.window_message(round_, bangkok(CLOSE_DAY, 23)) is None
    after = service.window_message(round_, bangkok(CLOSE_DAY + dt.timedelta(days=1), 7))
    assert "ปิดรับแล้ว" in after and "สำนักงานเขตพื้นที่การศึกษา" in after


async def test_seats_and_rules_are_locked_after_the_close(world):
    round_ = await world.new_round(seats=2)
    await service.update_round(world.session, round_, {"seats": 3, "documents": {"handover": ["สูติบัตร"]}},
                               actor=STAFF, now=world.clock.now())
    assert round_.seats == 3
    world.clock.advance(days=40)  # after 6 March
    with pytest.raises(RoundError) as locked:
        await service.update_round(world.session, round_, {"seats": 4}, actor=STAFF, now=world.clock.now())
    assert locked.value.code == "round.locked"
    with pytest.raises(RoundError):
        await service.update_round(world.session, round_, {"in_area_seats": 1}, actor=STAFF, now=world.clock.now())
    await service.update_round(world.session, round_, {"handover_day": dt.date(2027, 3, 20)}, actor=STAFF,
                               now=world.clock.now())
    assert round_.seats == 3 and round_.handover_day == dt.date(2027, 3, 20)
    updates = await world.audit(action="round.update")
    assert [u.detail["fields"] for u in updates][-1] == ["handover_day"]


async def test_bad_shares_are_refused(world):
    round_ = await world.new_round(seats=2)
    with pytest.raises(RoundError):
        await service.update_round(world.session, round_, {"in_area_seats": 3}, actor=STAFF, now=world.clock.now())
    with pytest.raises(RoundError):
        await service.update_round(world.session, round_, {"applications_close": dt.date(2027, 3, 1)},
                                   actor=STAFF, now=world.clock.now())
    assert (round_.seats, round_.in_area_seats, round_.applications_close) == (2, 2, dt.date(2027, 3, 6))
    assert round_.academic_year == YEAR

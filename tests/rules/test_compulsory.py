"""Compulsory schooling ends with ม.3 or in the calendar year the child is "ย่างเข้าปีที่ 16", not
at 16 full years (Compulsory Education Act 2545 s.4; backend/rules/data/compulsory.toml)."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.rules.compulsory import compulsory_schooling
from backend.thai.grades import Grade


def be(day: int, month: int, year_be: int) -> dt.date:
    return dt.date(year_be - 543, month, day)


RULE = compulsory_schooling()


@pytest.mark.parametrize(
    ("birth", "today", "compulsory"),
    [
        # Born on the first day of 2554: "ย่างเข้าปีที่ 16" from 1 January 2570.
        (be(1, 1, 2554), be(31, 12, 2569), True),
        (be(1, 1, 2554), be(1, 1, 2570), False),
        # Born on the last day of 2553: "ย่างเข้าปีที่ 16" from 1 January 2569, at 15 full years.
        (be(31, 12, 2553), be(31, 12, 2568), True),
        (be(31, 12, 2553), be(1, 1, 2569), False),
        (be(31, 12, 2553), be(30, 12, 2569), False),  # still 15 full years old: 16 full is later
        # The same calendar year of birth gives the same end, whatever the day.
        (be(29, 2, 2555), be(31, 12, 2570), True),
        (be(29, 2, 2555), be(1, 1, 2571), False),
    ],
)
def test_compulsory_schooling_ends_by_calendar_year(birth: dt.date, today: dt.date, compulsory: bool) -> None:
    assert RULE.still_compulsory(birth, Grade.M3, today) is compulsory


def test_passing_m3_ends_it_at_any_age() -> None:
    assert not RULE.still_compulsory(be(1, 6, 2556), Grade.M4, be(1, 6, 2569))  # 13 years old
    assert RULE.still_compulsory(be(1, 6, 2556), Grade.M3, be(1, 6, 2569))


def test_the_reading_applied_and_its_sources_are_in_the_table() -> None:
    assert (RULE.ends_in_year_of_life, RULE.year_of_life_offset, RULE.ends_with_grade) == (16, 0, Grade.M3)
    assert RULE.last_compulsory_year(be(15, 3, 2556)) == 2571
    # ป.1 by both readings: "ย่างเข้าปีที่ 7" in the year the child turns 7.
    assert RULE.year_of_life_starts(be(15, 3, 2563), 7) == 2570
    assert len(RULE.sources) >= 3 and all(source.url.startswith("http") for source in RULE.sources)

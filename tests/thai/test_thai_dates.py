"""Reading and showing Thai dates; academic and fiscal years."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.thai.dates import (
    DateStyle,
    academic_year_for,
    be_year,
    fiscal_year_for,
    format_thai_date,
    parse_thai_date,
)
from backend.thai.errors import ThaiInputError

TODAY = dt.date(2025, 11, 26)  # 26 พ.ย. 2568
MARCH_15_2562 = dt.date(2019, 3, 15)


@pytest.mark.parametrize(
    "typed",
    [
        "๑๕ มี.ค. ๒๕๖๒",
        "15 มีนาคม 2562",
        "15 มี.ค. 62",
        "15/3/2562",
        "15-03-2562",
        "15/3/62",
        "2019-03-15",
        "15/3/2019",
        "15.3.2562",
        "15 3 2562",
        "15มี.ค.62",
        "15 มี.ค 62",
        "15 มีค 2562",
        "15 มี. ค. 2562",
        "  15   มีนาคม   2562  ",
        "15 มีนา 62",
        "วันที่ 15 มีนาคม พ.ศ. 2562",
        "15 มีนาคม พ.ศ.2562",
        "15 มีนาคม ค.ศ. 2019",
        "2562-03-15",
        "15 March 2019",
        "15 mar 2019",
        "๑๕/๐๓/๒๕๖๒",
    ],
)
def test_accepted_forms_of_15_march_2562(typed: str) -> None:
    assert parse_thai_date(typed, today=TODAY) == MARCH_15_2562


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 ม.ค. 2500", dt.date(1957, 1, 1)),
        ("31 ธ.ค. 2568", dt.date(2025, 12, 31)),
        ("29 ก.พ. 2563", dt.date(2020, 2, 29)),  # 2020 is a leap year
        ("1/1/99", dt.date(1956, 1, 1)),  # 2599 would be far in the future: 2499
        ("1/1/78", dt.date(2035, 1, 1)),  # up to ten years ahead stays in 25xx
        ("16 พฤษภาคม 2566", dt.date(2023, 5, 16)),
        ("1 กรกฎาคม 2566", dt.date(2023, 7, 1)),
        ("2 พ.ย. 2566", dt.date(2023, 11, 2)),
    ],
)
def test_other_dates(typed: str, expected: dt.date) -> None:
    assert parse_thai_date(typed, today=TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "date.empty"),
        ("วันที่", "date.empty"),
        ("เมื่อวาน", "date.unreadable"),
        ("15", "date.unreadable"),
        ("15/3", "date.no_year"),
        ("31 ก.พ. 2562", "date.impossible"),
        ("29 ก.พ. 2562", "date.impossible"),  # 2019 is not a leap year
        ("31/4/2562", "date.impossible"),
        ("0/4/2562", "date.impossible"),
        ("15/13/2562", "date.month"),
        ("15 มีนาโค 2562", "date.month"),
        ("15 มี.ค.", "date.no_year"),
        ("15 มีนาคม", "date.no_year"),
        ("15 กุ้ง", "date.unreadable"),
        ("15/3/562", "date.year"),
        ("15/3/1800", "date.year"),
        ("15 มีนาคม พ.ศ. 2019", "date.year"),
        ("15/3/2652", "date.year_range"),  # 2562 with digits swapped: 84 years ahead
        ("15/3/2400", "date.year_range"),
    ],
)
def test_refused_forms(typed: str, code: str) -> None:
    with pytest.raises(ThaiInputError) as caught:
        parse_thai_date(typed, today=TODAY)
    assert caught.value.code == code
    assert "ค่ะ" in caught.value.message_th


def test_impossible_date_message_says_how_many_days_the_month_has() -> None:
    with pytest.raises(ThaiInputError) as caught:
        parse_thai_date("31 ก.พ. 2562", today=TODAY)
    assert "กุมภาพันธ์" in caught.value.message_th
    assert "28 วัน" in caught.value.message_th


def test_two_digit_year_follows_today() -> None:
    # The same "1/1/80" is 2580 for someone typing in 2575, but 2480 in 2568.
    assert parse_thai_date("1/1/80", today=dt.date(2032, 6, 1)) == dt.date(2037, 1, 1)
    assert parse_thai_date("1/1/80", today=TODAY) == dt.date(1937, 1, 1)


@pytest.mark.parametrize(
    ("style", "thai_digits", "shown"),
    [
        ("full", False, "15 มีนาคม 2562"),
        ("short", False, "15 มี.ค. 62"),
        ("numeric", False, "15/03/2562"),
        ("full", True, "๑๕ มีนาคม ๒๕๖๒"),
        ("numeric", True, "๑๕/๐๓/๒๕๖๒"),
    ],
)
def test_format(style: DateStyle, thai_digits: bool, shown: str) -> None:
    assert format_thai_date(MARCH_15_2562, style=style, thai_digits=thai_digits) == shown


def test_short_style_pads_two_digit_year() -> None:
    assert format_thai_date(dt.date(1957, 1, 5), style="short") == "5 ม.ค. 00"


def test_be_year() -> None:
    assert be_year(dt.date(2023, 1, 1)) == 2566


@pytest.mark.parametrize(
    ("day", "academic_year"),
    [
        (dt.date(2023, 5, 15), 2565),
        (dt.date(2023, 5, 16), 2566),
        (dt.date(2024, 3, 31), 2566),
        (dt.date(2024, 5, 15), 2566),
        (dt.date(2024, 5, 16), 2567),
    ],
)
def test_academic_year_starts_16_may(day: dt.date, academic_year: int) -> None:
    assert academic_year_for(day) == academic_year


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (dt.date(2025, 9, 30), 2568),
        (dt.date(2025, 10, 1), 2569),  # 1 ต.ค. 2568 opens fiscal 2569
        (dt.date(2025, 12, 31), 2569),
        (dt.date(2026, 1, 1), 2569),
    ],
)
def test_fiscal_year_starts_1_october(day: dt.date, fiscal_year: int) -> None:
    assert fiscal_year_for(day) == fiscal_year


recent_dates = st.dates(min_value=dt.date(1906, 1, 1), max_value=dt.date(2045, 12, 31))


@given(recent_dates, st.sampled_from(["full", "numeric"]), st.booleans())
def test_format_then_parse_round_trips(day: dt.date, style: str, thai_digits: bool) -> None:
    shown = format_thai_date(day, style=style, thai_digits=thai_digits)  # type: ignore[arg-type]
    assert parse_thai_date(shown, today=TODAY) == day


# Two-digit years are read within the hundred years ending ten years after today.
short_year_dates = st.dates(min_value=dt.date(1936, 1, 1), max_value=dt.date(2035, 12, 31))


@given(short_year_dates, st.booleans())
def test_short_format_round_trips_within_its_century(day: dt.date, thai_digits: bool) -> None:
    shown = format_thai_date(day, style="short", thai_digits=thai_digits)
    assert parse_thai_date(shown, today=TODAY) == day


@given(recent_dates)
def test_academic_year_is_the_be_year_it_started_in(day: dt.date) -> None:
    start = dt.date(academic_year_for(day) - 543, 5, 16)
    assert start <= day < dt.date(start.year + 1, 5, 16)


@given(recent_dates)
def test_fiscal_year_is_the_be_year_it_ends_in(day: dt.date) -> None:
    end = dt.date(fiscal_year_for(day) - 543, 9, 30)
    assert dt.date(end.year - 1, 10, 1) <= day <= end


@given(st.text(max_size=30))
def test_any_text_is_either_a_date_or_a_thai_refusal(text: str) -> None:
    try:
        parse_thai_date(text, today=TODAY)
    except ThaiInputError as error:
        assert "ค่ะ" in error.message_th


# -- dates as official letters write them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("5 เดือนมีนาคม พ.ศ. 2562", dt.date(2019, 3, 5)),
        ("๕ เดือนมีนาคม พ.ศ. ๒๕๖๒", dt.date(2019, 3, 5)),
        ("วันที่ 5 เดือน มีนาคม ปี 2562", dt.date(2019, 3, 5)),
        ("15 มีนาคม พุทธศักราช 2562", dt.date(2019, 3, 15)),
        ("๑๕ มีนาคม พุทธศักราช ๒๕๖๒", dt.date(2019, 3, 15)),
        ("วันพุธที่ 15 มีนาคม 2566", dt.date(2023, 3, 15)),
        ("วันพุธที่ ๑๕ เดือนมีนาคม พ.ศ. ๒๕๖๖", dt.date(2023, 3, 15)),
        ("ณ วันที่ 1 ตุลาคม 2568", dt.date(2025, 10, 1)),
        ("วันพฤหัสบดีที่ 1 มกราคม 2569", dt.date(2026, 1, 1)),
        ("15 มีนาคม คริสต์ศักราช 2019", dt.date(2019, 3, 15)),
    ],
)
def test_official_long_dates_are_read(typed: str, expected: dt.date) -> None:
    assert parse_thai_date(typed, today=TODAY) == expected


def test_a_weekday_that_does_not_match_the_date_is_asked_again() -> None:
    with pytest.raises(ThaiInputError) as caught:
        parse_thai_date("วันศุกร์ที่ 15 มีนาคม 2566", today=TODAY)
    assert caught.value.code == "date.weekday"
    assert "ตรงกับวันพุธ ไม่ใช่วันศุกร์" in caught.value.message_th

"""Admission age rules, checked against the reference table for academic year 2566."""

import datetime as dt
import itertools

import pytest

from backend.thai.age import age_in_full_years, birth_window, check_age_for_grade
from backend.thai.grades import Grade

YEAR = 2566


def be(day: int, month: int, year_be: int) -> dt.date:
    return dt.date(year_be - 543, month, day)


# The reference table, academic year 2566.
REFERENCE_2566 = {
    Grade.K1: (be(17, 5, 2562), be(16, 5, 2563)),
    Grade.K2: (be(17, 5, 2561), be(16, 5, 2562)),
    Grade.K3: (be(1, 1, 2560), be(16, 5, 2561)),
    Grade.P1: (be(1, 1, 2559), be(31, 12, 2559)),
}


@pytest.mark.parametrize(("grade", "window"), REFERENCE_2566.items())
def test_windows_match_the_reference_table(grade: Grade, window: tuple[dt.date, dt.date]) -> None:
    assert birth_window(grade, YEAR) == window


@pytest.mark.parametrize(("grade", "window"), REFERENCE_2566.items())
def test_first_and_last_day_of_each_window_are_accepted(
    grade: Grade, window: tuple[dt.date, dt.date]
) -> None:
    earliest, latest = window
    for birth in (earliest, latest):
        check = check_age_for_grade(birth, grade, YEAR)
        assert check.ok, check.reason_th
        assert (check.earliest_birth, check.latest_birth) == window


@pytest.mark.parametrize(("grade", "window"), REFERENCE_2566.items())
def test_a_day_outside_each_window_is_refused(
    grade: Grade, window: tuple[dt.date, dt.date]
) -> None:
    earliest, latest = window
    one_day = dt.timedelta(days=1)
    too_old = check_age_for_grade(earliest - one_day, grade, YEAR)
    too_young = check_age_for_grade(latest + one_day, grade, YEAR)
    assert not too_old.ok and "เกินเกณฑ์" in too_old.reason_th
    assert not too_young.ok and "ยังไม่ถึงเกณฑ์" in too_young.reason_th


def test_entry_windows_leave_no_child_between_them() -> None:
    # From the youngest อ.1 child to the oldest ป.1 child, each birth date fits one grade.
    order = [Grade.P1, Grade.K3, Grade.K2, Grade.K1]
    for older, younger in itertools.pairwise(order):
        older_window = birth_window(older, YEAR)
        younger_window = birth_window(younger, YEAR)
        assert older_window and younger_window
        assert younger_window[0] - older_window[1] == dt.timedelta(days=1)


def test_reason_states_the_window_in_buddhist_era() -> None:
    check = check_age_for_grade(be(1, 6, 2563), Grade.K1, YEAR)
    assert "ปีการศึกษา 2566" in check.reason_th
    assert "17 พฤษภาคม 2562" in check.reason_th
    assert "16 พฤษภาคม 2563" in check.reason_th


def test_kindergarten_refusal_names_the_grade_that_fits() -> None:
    check = check_age_for_grade(be(1, 1, 2562), Grade.K1, YEAR)
    assert not check.ok
    assert check.fitting_grade is Grade.K2
    assert "อ.2" in check.reason_th
    assert not check.p1_other_way


@pytest.mark.parametrize("birth", [be(1, 1, 2560), be(31, 12, 2560), be(31, 12, 2558), be(1, 1, 2558)])
def test_p1_a_year_off_the_birth_year_may_still_enter_another_way(birth: dt.date) -> None:
    # A year younger: finished อ.3, or an early entry; a year older: a deferral (ผ่อนผัน).
    check = check_age_for_grade(birth, Grade.P1, YEAR)
    assert not check.ok
    assert check.p1_other_way


@pytest.mark.parametrize("birth", [be(1, 1, 2561), be(31, 12, 2557)])
def test_p1_two_years_off_the_birth_year_has_no_other_way(birth: dt.date) -> None:
    check = check_age_for_grade(birth, Grade.P1, YEAR)
    assert not check.ok and not check.p1_other_way


def test_p1_rule_moves_with_the_academic_year() -> None:
    assert birth_window(Grade.P1, 2569) == (be(1, 1, 2562), be(31, 12, 2562))
    assert check_age_for_grade(be(15, 3, 2562), Grade.P1, 2569).ok


@pytest.mark.parametrize("grade", [g for g in Grade if g not in REFERENCE_2566])
def test_other_grades_have_no_age_rule(grade: Grade) -> None:
    check = check_age_for_grade(be(1, 1, 2550), grade, YEAR)
    assert check.ok
    assert check.earliest_birth is None and check.latest_birth is None
    assert not check.p1_other_way


@pytest.mark.parametrize(
    ("birth", "on", "years"),
    [
        (dt.date(2020, 5, 16), dt.date(2023, 5, 16), 3),
        (dt.date(2020, 5, 17), dt.date(2023, 5, 16), 2),
        (dt.date(2020, 2, 29), dt.date(2023, 2, 28), 2),
        (dt.date(2020, 2, 29), dt.date(2023, 3, 1), 3),
    ],
)
def test_age_in_full_years(birth: dt.date, on: dt.date, years: int) -> None:
    assert age_in_full_years(birth, on) == years

"""Age rules for admission: whether a birth date fits a grade in a given academic year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.thai.dates import BE_OFFSET, format_thai_date
from backend.thai.grades import Grade

# Ages are counted on this day of the academic year's first calendar year (the term opens).
_CUTOFF_MONTH, _CUTOFF_DAY = 5, 16


@dataclass(frozen=True, slots=True)
class AgeCheck:
    """The outcome of an age check. Bounds are inclusive birth dates; None when no rule applies.

    ``ok`` is True for grades without an age rule (ป.2 and up, which admit by transfer).
    ``suggest_early_late_entry`` is set when a child is outside the ป.1 window, so the flow can
    offer the Grade 1 early/late entry (ผ่อนผัน) service. ``fitting_grade`` is the entry grade
    (อ.1–ป.1) whose window the birth date falls in, when there is one.
    """

    ok: bool
    reason_th: str
    suggest_early_late_entry: bool = False
    earliest_birth: dt.date | None = None
    latest_birth: dt.date | None = None
    fitting_grade: Grade | None = None


def age_in_full_years(birth_date: dt.date, on: dt.date) -> int:
    """Completed years of age on a day (a child born 16 May is one year older on 16 May)."""
    years = on.year - birth_date.year
    return years - 1 if (on.month, on.day) < (birth_date.month, birth_date.day) else years


def _anniversary(year: int) -> dt.date:
    return dt.date(year, _CUTOFF_MONTH, _CUTOFF_DAY)


def birth_window(grade: Grade, academic_year_be: int) -> tuple[dt.date, dt.date] | None:
    """Inclusive (earliest, latest) birth dates a grade admits in an academic year, or None."""
    ce = academic_year_be - BE_OFFSET
    day_after_cutoff = dt.timedelta(days=1)
    if grade is Grade.P1:
        # "Entering the 7th year" is counted by calendar year: born in year Y − 7 (BE).
        return dt.date(ce - 7, 1, 1), dt.date(ce - 7, 12, 31)
    if grade is Grade.K3:
        # The reference table for 2566 admits อ.3 from 1 Jan 2560, not from 17 May 2560 as
        # "5 full years" alone would: children born Jan–May of year Y − 6 are too old for that
        # reading yet enter ป.1 only next year (calendar-year rule), so the window is widened
        # back to 1 Jan to leave no child between kindergarten and ป.1.
        return dt.date(ce - 6, 1, 1), _anniversary(ce - 5)
    full_years = {Grade.K1: 3, Grade.K2: 4}.get(grade)
    if full_years is None:
        return None
    # N full years on 16 May, and not yet N + 1.
    return _anniversary(ce - full_years - 1) + day_after_cutoff, _anniversary(ce - full_years)


_ENTRY_GRADES = (Grade.K1, Grade.K2, Grade.K3, Grade.P1)


def _fitting_grade(birth_date: dt.date, academic_year_be: int) -> Grade | None:
    for grade in _ENTRY_GRADES:
        window = birth_window(grade, academic_year_be)
        if window and window[0] <= birth_date <= window[1]:
            return grade
    return None


def check_age_for_grade(birth_date: dt.date, grade: Grade, academic_year_be: int) -> AgeCheck:
    """Check a birth date against the admission age rule of a grade (อ.1–อ.3, ป.1)."""
    window = birth_window(grade, academic_year_be)
    if window is None:
        return AgeCheck(ok=True, reason_th=f"ชั้น {grade.label_th} ไม่มีเกณฑ์อายุในการรับนักเรียนค่ะ")
    fitting = _fitting_grade(birth_date, academic_year_be)
    earliest, latest = window
    where = f"ชั้น {grade.label_th} ปีการศึกษา {academic_year_be}"
    rule = f"รับเด็กที่เกิดตั้งแต่วันที่ {format_thai_date(earliest)} ถึงวันที่ {format_thai_date(latest)}"
    if earliest <= birth_date <= latest:
        return AgeCheck(
            ok=True,
            reason_th=f"อายุตรงตามเกณฑ์{where} ค่ะ ({rule})",
            earliest_birth=earliest,
            latest_birth=latest,
            fitting_grade=fitting,
        )

    too_young = birth_date > latest
    status = "อายุยังไม่ถึงเกณฑ์" if too_young else "อายุเกินเกณฑ์"
    reason = f"{status}{where} ค่ะ ชั้นนี้{rule}"
    is_p1 = grade is Grade.P1
    if is_p1:
        reason += (
            " หากต้องการให้เข้าเรียนก่อนเกณฑ์ ยื่นคำร้องขอผ่อนผันเข้าเรียนชั้น ป.1 ได้ค่ะ"
            if too_young
            else " หากเคยขอเลื่อนการเข้าเรียน ยื่นคำร้องขอผ่อนผันเข้าเรียนชั้น ป.1 ได้ค่ะ"
        )
    elif fitting is not None:
        reason += f" ตามวันเกิด เด็กอยู่ในเกณฑ์ชั้น {fitting.label_th} ค่ะ"
    return AgeCheck(
        ok=False,
        reason_th=reason,
        suggest_early_late_entry=is_p1,
        earliest_birth=earliest,
        latest_birth=latest,
        fitting_grade=fitting,
    )

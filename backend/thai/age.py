"""Age rules for admission: whether a birth date fits a grade in a given academic year.

The windows come from OBEC's admission policy of the year (backend/rules/admission.py, data in
backend/rules/data/admission/). ป.1 has two more ways in besides the birth year, which the
admission conversation asks about: having finished อ.3, and an approved early or late entry
(ผ่อนผัน, one year either way).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from backend.rules.admission import policy_for
from backend.thai.dates import be_year, format_thai_date
from backend.thai.grades import Grade

# An approved ผ่อนผัน moves ป.1 entry by one year: early for children born the year after the
# ป.1 cohort, late (deferred to the next year) for the cohort itself.
EARLY_LATE_ENTRY_YEARS = 1


class EntryApproval(StrEnum):
    """An approved Grade 1 early/late entry (ผ่อนผัน), as the admission check honours it."""

    EARLY = "early"  # admitted to ป.1 a year before the birth-year rule
    LATE = "late"  # ป.1 deferred: admitted a year after the birth-year rule


@dataclass(frozen=True, slots=True)
class AgeCheck:
    """The outcome of an age check. Bounds are inclusive birth dates; None when no rule applies.

    ``ok`` is True for grades without an age rule (ป.2 and up, which admit by transfer).
    ``p1_other_way`` is set when a child outside the ป.1 birth year may still enter ป.1: born one
    year after the cohort (finished อ.3, or an early ผ่อนผัน) or one year before it (a late
    ผ่อนผัน, or finished อ.3 late). ``fitting_grade`` is the entry grade (อ.1–ป.1) whose window
    the birth date falls in, when there is one.
    """

    ok: bool
    reason_th: str
    p1_other_way: bool = False
    earliest_birth: dt.date | None = None
    latest_birth: dt.date | None = None
    fitting_grade: Grade | None = None


def age_in_full_years(birth_date: dt.date, on: dt.date) -> int:
    """Completed years of age on a day (a child born 16 May is one year older on 16 May)."""
    years = on.year - birth_date.year
    return years - 1 if (on.month, on.day) < (birth_date.month, birth_date.day) else years


def birth_window(grade: Grade, academic_year_be: int) -> tuple[dt.date, dt.date] | None:
    """Inclusive (earliest, latest) birth dates a grade admits in an academic year, or None."""
    return policy_for(academic_year_be).birth_window(grade, academic_year_be)


def p1_cohort(academic_year_be: int) -> int:
    """The birth year (BE) ป.1 takes by the birth-year rule ("ย่างเข้าปีที่ 7")."""
    window = birth_window(Grade.P1, academic_year_be)
    assert window is not None, "every admission policy has a ป.1 rule"
    return be_year(window[0])


def _fitting_grade(birth_date: dt.date, academic_year_be: int) -> Grade | None:
    for grade in policy_for(academic_year_be).entry_grades:
        window = birth_window(grade, academic_year_be)
        if window and window[0] <= birth_date <= window[1]:
            return grade
    return None


def approval_admits(approval: EntryApproval, birth_date: dt.date, approved_for_year: int,
                    academic_year_be: int) -> bool:
    """Whether a ผ่อนผัน approved for ``approved_for_year`` admits this child to ป.1 in the year
    applied for: early, that same year, for a child born the year after the cohort; late, the
    following year, for a child of that year's cohort."""
    born = be_year(birth_date)
    if approval is EntryApproval.EARLY:
        return (academic_year_be == approved_for_year
                and born == p1_cohort(academic_year_be) + EARLY_LATE_ENTRY_YEARS)
    return (academic_year_be == approved_for_year + EARLY_LATE_ENTRY_YEARS
            and born == p1_cohort(approved_for_year))


def check_age_for_grade(birth_date: dt.date, grade: Grade, academic_year_be: int) -> AgeCheck:
    """Check a birth date against the admission age rule of a grade (อ.1–อ.3, ป.1)."""
    window = birth_window(grade, academic_year_be)
    if window is None:
        return AgeCheck(ok=True, reason_th=f"ชั้น {grade.label_th} ไม่มีเกณฑ์อายุในการรับนักเรียนค่ะ")
    fitting = _fitting_grade(birth_date, academic_year_be)
    earliest, latest = window
    where = f"ชั้น {grade.label_th} ปีการศึกษา {academic_year_be}"
    rule = f"รับเด็กที่เกิดตั้งแต่วันที่ {format_thai_date(earliest)} ถึงวันที่ {format_thai_date(latest)}"
    if grade is Grade.P1:
        rule = f"รับเด็กที่เกิดปี พ.ศ. {be_year(earliest)} (อายุย่างเข้าปีที่ 7) หรือจบชั้น อ.3 แล้ว"
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
    other_way = False
    if grade is Grade.P1:
        years_late = be_year(earliest) - be_year(birth_date)  # negative: born after the cohort
        other_way = abs(years_late) == EARLY_LATE_ENTRY_YEARS
        if not other_way and too_young:
            reason += (f" นักเรียนเกิดปี พ.ศ. {be_year(birth_date)} จะเข้าเรียน ป.1 ตามเกณฑ์"
                       f"ในปีการศึกษา {academic_year_be - years_late} ค่ะ")
        elif not other_way:
            reason += (" หากนักเรียนยังไม่เคยเข้าเรียนที่ใด กรุณาติดต่อโรงเรียนโดยตรง "
                       "เพื่อพิจารณาชั้นเรียนที่เหมาะสมค่ะ")
    if fitting is not None and fitting is not grade:
        reason += f" ตามวันเกิด เด็กอยู่ในเกณฑ์ชั้น {fitting.label_th} ค่ะ"
    return AgeCheck(
        ok=False,
        reason_th=reason,
        p1_other_way=other_way,
        earliest_birth=earliest,
        latest_birth=latest,
        fitting_grade=fitting,
    )


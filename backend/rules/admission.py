"""OBEC's yearly admission policy as data: the entry grades, each grade's age window, how places
are given, and the sources (backend/rules/data/admission/<policy year>.toml).

An academic year is governed by the latest policy not later than it: OBEC issues each year's
policy some months before the year, and until this project adds it the bot keeps applying the
latest one it has, with the windows counted for the year applied for (docs/rules.md says which
years that is). A year before the first policy here uses the first one.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from backend.rules.source import DATA, Source, read_table
from backend.thai.dates import BE_OFFSET
from backend.thai.grades import Grade

POLICY_FOLDER = DATA / "admission"

# How a grade's places are given, as the policy words it.
Selection = Literal["no_test_lottery", "in_area_all_admitted", "school_announcement"]

# What a parent reads about each way of giving places (admission's closing message).
SELECTION_TH: dict[str, str] = {
    "no_test_lottery": (
        "ชั้นอนุบาลไม่มีการสอบวัดความสามารถทางวิชาการค่ะ โรงเรียนรับเด็กในเขตพื้นที่บริการก่อน "
        "หากมีผู้สมัครเกินจำนวนที่รับ จะใช้วิธีจับสลาก"
    ),
    "in_area_all_admitted": (
        "ชั้น ป.1 ไม่มีการสอบวัดความสามารถทางวิชาการค่ะ เด็กในเขตพื้นที่บริการของโรงเรียน"
        "ได้เข้าเรียนทุกคน ส่วนเด็กนอกเขตพื้นที่บริการ รับตามที่นั่งที่เหลือตามประกาศรับสมัครของโรงเรียน"
    ),
    "school_announcement": (
        "ชั้นนี้รับตามจำนวน สัดส่วน และวิธีคัดเลือก (เช่น สอบคัดเลือกหรือจับสลาก) "
        "ที่กำหนดในประกาศรับสมัครนักเรียนของโรงเรียนค่ะ"
    ),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GradeRule(_Strict):
    """One entry grade of a policy. No ``full_years`` nor ``year_of_life``: no age rule (ม.1, ม.4)."""

    full_years: int | None = Field(default=None, ge=1, le=20)
    from_january: bool = False
    year_of_life: int | None = Field(default=None, ge=1, le=20)
    or_finished: Grade | None = None
    only_where_allowed: bool = False
    selection: Selection

    @model_validator(mode="after")
    def _one_age_rule(self) -> GradeRule:
        if self.full_years is not None and self.year_of_life is not None:
            raise ValueError("give full_years or year_of_life, not both")
        if self.from_january and self.full_years is None:
            raise ValueError("from_january widens a full_years window")
        return self


class AdmissionPolicy(_Strict):
    """One year's policy, as read from its file."""

    policy_year: int = Field(ge=2500, le=2700)  # BE
    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    issued: str = Field(min_length=1)
    age_counted_on: str = Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
    sources: list[Source] = Field(min_length=1)
    grades: dict[Grade, GradeRule] = Field(min_length=1)

    @property
    def entry_grades(self) -> tuple[Grade, ...]:
        """The grades children are admitted to, youngest first."""
        order = list(Grade)
        return tuple(sorted(self.grades, key=order.index))

    def rule(self, grade: Grade) -> GradeRule | None:
        return self.grades.get(grade)

    def counting_day(self, academic_year_be: int) -> dt.date:
        """The day ages are counted on in an academic year (16 May of its first calendar year)."""
        month, day = map(int, self.age_counted_on.split("-"))
        return dt.date(academic_year_be - BE_OFFSET, month, day)

    def birth_window(self, grade: Grade, academic_year_be: int) -> tuple[dt.date, dt.date] | None:
        """Inclusive (earliest, latest) birth dates the grade admits by age; None: no age rule."""
        rule = self.grades.get(grade)
        if rule is None:
            return None
        if rule.year_of_life is not None:
            born = academic_year_be - BE_OFFSET - rule.year_of_life
            return dt.date(born, 1, 1), dt.date(born, 12, 31)
        if rule.full_years is None:
            return None
        # N full years on the counting day (counted day to day), and not yet N + 1.
        latest = _years_before(self.counting_day(academic_year_be), rule.full_years)
        earliest = _years_before(self.counting_day(academic_year_be), rule.full_years + 1)
        earliest += dt.timedelta(days=1)
        if rule.from_january:
            earliest = dt.date(earliest.year, 1, 1)
        return earliest, latest


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February counted back to a common year
        return day.replace(year=day.year - years, day=28)


class PolicyTableError(ValueError):
    """A policy file that cannot be used: the message names the file and the field."""


@functools.cache
def policies() -> tuple[AdmissionPolicy, ...]:
    """Every policy in the data folder, oldest first; each file named by its policy year."""
    found = []
    for path in sorted(POLICY_FOLDER.glob("*.toml")):
        try:
            policy = AdmissionPolicy.model_validate(read_table(path))
        except (ValidationError, ValueError) as error:
            raise PolicyTableError(f"{path}: {error}") from error
        if path.stem != str(policy.policy_year):
            raise PolicyTableError(f"{path}: policy_year {policy.policy_year} differs from the file name")
        found.append(policy)
    if not found:
        raise PolicyTableError(f"no admission policy in {POLICY_FOLDER}")
    return tuple(found)


def policy_for(academic_year_be: int) -> AdmissionPolicy:
    """The policy that governs admission to an academic year (BE)."""
    known = policies()
    applicable = [policy for policy in known if policy.policy_year <= academic_year_be]
    return applicable[-1] if applicable else known[0]

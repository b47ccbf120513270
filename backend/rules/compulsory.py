"""Compulsory schooling (Compulsory Education Act 2545): until when a child must stay in school,
counted by calendar year as the Act counts "ย่างเข้าปีที่ N" (backend/rules/data/compulsory.toml)."""

from __future__ import annotations

import datetime as dt
import functools

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backend.rules.source import DATA, Source, read_table
from backend.thai.dates import be_year
from backend.thai.grades import Grade

TABLE = DATA / "compulsory.toml"


class CompulsorySchooling(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    year_of_life_offset: int = Field(ge=-1, le=0)
    ends_in_year_of_life: int = Field(ge=1, le=20)
    ends_with_grade: Grade
    sources: list[Source] = Field(min_length=1)

    def year_of_life_starts(self, birth_date: dt.date, year_of_life: int) -> int:
        """The calendar year (BE) in which a child born on ``birth_date`` is "ย่างเข้าปีที่ N"."""
        return be_year(birth_date) + year_of_life + self.year_of_life_offset

    def last_compulsory_year(self, birth_date: dt.date) -> int:
        """The last calendar year (BE) of compulsory schooling by age: the year before the child is
        "ย่างเข้าปีที่ 16". From 1 January of the next year the child may leave school."""
        return self.year_of_life_starts(birth_date, self.ends_in_year_of_life) - 1

    def still_compulsory(self, birth_date: dt.date, grade: Grade, today: dt.date) -> bool:
        """True while the child must stay in (some form of) school: not yet "ย่างเข้าปีที่ 16" and
        not past ม.3. ``grade`` is the grade the child is in now."""
        order = list(Grade)
        past_last_grade = order.index(grade) > order.index(self.ends_with_grade)
        return not past_last_grade and be_year(today) <= self.last_compulsory_year(birth_date)


@functools.cache
def compulsory_schooling() -> CompulsorySchooling:
    try:
        return CompulsorySchooling.model_validate(read_table(TABLE))
    except ValidationError as error:
        raise ValueError(f"{TABLE}: {error}") from error

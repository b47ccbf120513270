"""OBEC's admission calendar per academic year, as data with its sources
(backend/rules/data/admission_calendar/<year>.toml): the defaults of a new round's dates.

Only dates a source states are in the files; a grade or year without them gives no defaults, and
the school enters its own announcement's dates (docs/rules.md, "Admission rounds").
"""

from __future__ import annotations

import datetime as dt
import functools

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from backend.rules.source import DATA, Source, read_table
from backend.thai.dates import BE_OFFSET
from backend.thai.grades import Grade

CALENDAR_FOLDER = DATA / "admission_calendar"
DATE_FIELDS = ("applications_open", "applications_close", "selection_day", "results_day", "report_day",
               "handover_day")


def be_date(text: str) -> dt.date:
    """A BE date written "YYYY-MM-DD" (2566-03-11) as a date."""
    year, month, day = map(int, text.split("-"))
    return dt.date(year - BE_OFFSET, month, day)


class GradeDates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    applications_open: dt.date | None = None
    applications_close: dt.date | None = None
    selection_day: dt.date | None = None
    results_day: dt.date | None = None
    report_day: dt.date | None = None
    handover_day: dt.date | None = None

    @field_validator(*DATE_FIELDS, mode="before")
    @classmethod
    def _be(cls, value: object) -> object:
        return be_date(value) if isinstance(value, str) else value


class AdmissionCalendar(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    academic_year: int = Field(ge=2500, le=2700)
    sources: list[Source] = Field(min_length=1)
    grades: dict[Grade, GradeDates] = Field(default_factory=dict)


class CalendarTableError(ValueError):
    """A calendar file that cannot be used: the message names the file."""


@functools.cache
def calendars() -> dict[int, AdmissionCalendar]:
    found: dict[int, AdmissionCalendar] = {}
    for path in sorted(CALENDAR_FOLDER.glob("*.toml")):
        try:
            calendar = AdmissionCalendar.model_validate(read_table(path))
        except (ValidationError, ValueError) as error:
            raise CalendarTableError(f"{path}: {error}") from error
        if path.stem != str(calendar.academic_year):
            raise CalendarTableError(f"{path}: academic_year {calendar.academic_year} differs from the file name")
        found[calendar.academic_year] = calendar
    return found


def default_dates(academic_year_be: int, grade: Grade) -> tuple[GradeDates, list[Source]]:
    """The dates OBEC's calendar of that year gives the grade (none where not found), and its sources."""
    calendar = calendars().get(academic_year_be)
    if calendar is None:
        return GradeDates(), []
    return calendar.grades.get(grade, GradeDates()), list(calendar.sources)

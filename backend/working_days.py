"""Counting a service's time limit in working days: Monday to Friday, less Thailand's holidays and
the school's own closures (docs/rules.md, "Working days").

The holidays come from the maintained `holidays` package (python-holidays), which follows the
Holidays Act, Cabinet resolutions and the Royal Gazette, and adds days the Cabinet declares as they
are announced (keep it recent). A public school is a government office of the Ministry of
Education, so three of its categories are days off: PUBLIC (every public holiday with its in-lieu
days and the Cabinet's bridge holidays), GOVERNMENT (the Royal Ploughing Ceremony, a day off for
government offices only) and SCHOOL (Teachers' Day, 16 January, a day off for the Ministry of
Education only). A holiday announced after the installed version, or a school's own closure, is
listed in the school's configuration (``closures``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import holidays

# Thailand keeps no daylight saving time, so a fixed offset is exact.
BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")
# holidays.PUBLIC, holidays.GOVERNMENT, holidays.SCHOOL (the package is imported on first use: it loads
# every country's calendar class, which a process that counts no working days need not pay for at start).
HOLIDAY_CATEGORIES = ("public", "government", "school")


@functools.cache
def thai_holidays() -> holidays.HolidayBase:
    """Thailand's holidays for a public school, in Thai; years are filled in as they are asked."""
    import holidays

    return holidays.country_holidays("TH", categories=HOLIDAY_CATEGORIES, language="th")


class WorkingCalendar:
    """The days a school office works: weekdays that are neither a holiday nor a closure."""

    def __init__(self, closures: Iterable[tuple[dt.date, str]] = ()) -> None:
        self._closures = dict(closures)

    def day_off(self, day: dt.date) -> str | None:
        """Why the office is closed on a day (the holiday's or the closure's name), or None."""
        if day in self._closures:
            return self._closures[day]
        national = thai_holidays()
        if national.is_working_day(day):
            return None
        return national.get(day) or "วันหยุดสุดสัปดาห์"

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_off(day) is None

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start``; the start day itself does not count, as
        a limit "within N working days" counts from the day after the documents were complete."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current


NATIONAL = WorkingCalendar()


def add_working_days(start: dt.date, days: int, calendar: WorkingCalendar = NATIONAL) -> dt.date:
    return calendar.add_working_days(start, days)


def due_at_for(complete_at: dt.datetime, working_days: int, calendar: WorkingCalendar = NATIONAL,
               *, latest_day: dt.date | None = None) -> dt.datetime:
    """The end (Thai time) of the last working day allowed for a decision, in UTC; never after
    ``latest_day`` when one is given (a venue decision falls due before the day of use)."""
    local_start = complete_at.astimezone(BANGKOK).date()
    due_day = calendar.add_working_days(local_start, working_days)
    if latest_day is not None:
        due_day = min(due_day, latest_day)
    end_of_day = dt.datetime.combine(due_day, dt.time(23, 59, 59), tzinfo=BANGKOK)
    return end_of_day.astimezone(dt.UTC)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(BANGKOK).date()

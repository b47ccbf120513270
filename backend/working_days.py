"""Counting a service's time limit in working days (Monday to Friday, Thai time)."""

from __future__ import annotations

import datetime as dt

# Thailand keeps no daylight saving time, so a fixed offset is exact.
BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start``; the start day itself does not count, as a
    limit "within N working days" counts from the day after the documents were complete."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def due_at_for(complete_at: dt.datetime, working_days: int) -> dt.datetime:
    """The end (Thai time) of the last working day allowed for a decision, in UTC."""
    local_start = complete_at.astimezone(BANGKOK).date()
    due_day = add_working_days(local_start, working_days)
    end_of_day = dt.datetime.combine(due_day, dt.time(23, 59, 59), tzinfo=BANGKOK)
    return end_of_day.astimezone(dt.UTC)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(BANGKOK).date()

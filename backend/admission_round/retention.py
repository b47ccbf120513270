"""How long an admission round's personal data is kept (backend/retention.py runs it daily).

A round's applicants who did not become the school's students (not eligible, not accepted,
reserves never promoted, declined, lapsed, withdrawn) are not the school's records: one year after
the round's last day their applications' personal data is erased (backend/retention.erase_request),
the reason staff typed on their entry is cleared, and the round's มอบตัว slots are deleted. The
children who were handed over (or confirmed) are the school's new students: their applications
stay under the decided requests' period. The published draws stay as published: their inputs name
applicants only by application number (never a name), so anyone can still re-run them; the public
page shows "ลบข้อมูลแล้ว" instead of a masked name once the application's data is gone.
docs/rules.md ("Admission rounds: retention") gives the basis.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.admission_round.calendar import DATE_FIELDS
from backend.admission_round.models import AdmissionEntry, AdmissionRound, AdmissionSlot, EntryStatus
from backend.applications.models import Application
from backend.working_days import BANGKOK

# Kept: the children who became (or are becoming) the school's students.
STUDENTS = (EntryStatus.CONFIRMED, EntryStatus.HANDED_OVER)


def last_day(round_: AdmissionRound) -> dt.date:
    """The round's last day: its latest announced date, else the day results were sent or it was made."""
    days = [day for day in (getattr(round_, name) for name in DATE_FIELDS) if day is not None]
    if round_.results_sent_at is not None:
        days.append(round_.results_sent_at.astimezone(BANGKOK).date())
    return max(days) if days else round_.created_at.astimezone(BANGKOK).date()


async def ended_rounds(session: AsyncSession, *, ended_before: dt.datetime) -> list[AdmissionRound]:
    """Rounds whose last day ended before the cutoff (a round's last day ends at midnight Bangkok)."""
    cutoff_day = ended_before.astimezone(BANGKOK).date()
    rounds = await session.scalars(sa.select(AdmissionRound).where(AdmissionRound.created_at < ended_before))
    return [round_ for round_ in rounds if last_day(round_) < cutoff_day]


async def applications_to_erase(session: AsyncSession, round_: AdmissionRound) -> list[Application]:
    """The round's applications of children who did not become students, not yet erased."""
    return list(await session.scalars(
        sa.select(Application).join(AdmissionEntry, AdmissionEntry.application_id == Application.id).where(
            AdmissionEntry.round_id == round_.id, AdmissionEntry._status.not_in(STUDENTS),
            Application.personal_data_erased_at.is_(None))))


async def forget_round(session: AsyncSession, round_: AdmissionRound) -> int:
    """What stays of an ended round besides its applications: the entries' typed reasons cleared,
    the มอบตัว slots deleted. How many slots went."""
    await session.execute(sa.update(AdmissionEntry).where(
        AdmissionEntry.round_id == round_.id, AdmissionEntry._status.not_in(STUDENTS),
        AdmissionEntry.reason.is_not(None)).values(reason=None))
    await session.execute(sa.update(AdmissionEntry).where(
        AdmissionEntry.round_id == round_.id, AdmissionEntry.slot_id.is_not(None)).values(slot_id=None))
    slots = await session.execute(sa.delete(AdmissionSlot).where(AdmissionSlot.round_id == round_.id))
    return int(getattr(slots, "rowcount", 0) or 0)

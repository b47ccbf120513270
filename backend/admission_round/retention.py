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
from dataclasses import dataclass

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


# How a parent reads their child's place in a round ("ข้อมูลของฉัน", bot/data_rights.py).
ENTRY_STATE_TH: dict[str, str] = {
    EntryStatus.PENDING: "รอโรงเรียนตรวจสอบสิทธิ์", EntryStatus.ELIGIBLE: "มีสิทธิ์ รอประกาศผล",
    EntryStatus.NOT_ELIGIBLE: "ไม่มีสิทธิ์สมัคร", EntryStatus.WITHDRAWN: "ถอนใบสมัครแล้ว",
    EntryStatus.ACCEPTED: "ได้รับคัดเลือก รอยืนยันสิทธิ์", EntryStatus.RESERVE: "อยู่ในรายชื่อสำรอง",
    EntryStatus.NOT_ACCEPTED: "ไม่ได้รับคัดเลือก", EntryStatus.CONFIRMED: "ยืนยันสิทธิ์แล้ว รอมอบตัว",
    EntryStatus.DECLINED: "สละสิทธิ์แล้ว", EntryStatus.LAPSED: "ไม่ได้ยืนยันสิทธิ์ภายในกำหนด",
    EntryStatus.HANDED_OVER: "มอบตัวแล้ว",
}


@dataclass(frozen=True)
class RoundPlace:
    """An application's place in its round as its parent reads it, and when the round rule erases
    its data (None: the child became, or is becoming, a student; the decided rule applies)."""

    state_th: str
    erased_on: dt.date | None


def erased_on(round_: AdmissionRound) -> dt.date:
    """The first day the daily job erases the round's non-admitted applications (``ended_rounds``
    with the rule's year: the last day must be before the cutoff's day)."""
    from backend.retention import ADMISSION_ROUND  # the schedule names this module's rule

    return last_day(round_) + ADMISSION_ROUND.keep + dt.timedelta(days=1)


async def places_of(session: AsyncSession, application_ids: list[int]) -> dict[int, RoundPlace]:
    """The round places of these applications (those that took part in a round)."""
    if not application_ids:
        return {}
    rows = await session.execute(sa.select(AdmissionEntry, AdmissionRound).join(
        AdmissionRound, AdmissionRound.id == AdmissionEntry.round_id).where(
        AdmissionEntry.application_id.in_(application_ids)))
    places = {}
    for entry, round_ in rows:
        state = ENTRY_STATE_TH.get(entry.status, entry.status)
        if entry.status == EntryStatus.RESERVE and entry.reserve_position:
            state = f"{state} ลำดับที่ {entry.reserve_position}"
        if entry.status == EntryStatus.HANDED_OVER and entry.student_number:
            state = f"{state} เลขประจำตัวนักเรียน {entry.student_number}"
        places[entry.application_id] = RoundPlace(state, None if entry.status in STUDENTS else erased_on(round_))
    return places

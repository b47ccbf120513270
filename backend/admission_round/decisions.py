"""The round decides each application that took part in it: the application's own status follows
(backend/applications/workflow.py, ROUND_TRANSITIONS), so that staff inboxes, the dashboards, the
decided requests' retention and the parent's "ข้อมูลของฉัน" see the outcome.

A final outcome is recorded when it happens: handed over (admitted, with the student number),
declined, lapsed, withdrawn. An outcome a correction draw could still change (not accepted, on the
reserve list, not eligible) is recorded when the round ends (``round_over``): results sent, its last
announced day past, and no offer still waiting for an answer. A confirmed child not yet handed over
stays open: the school still has to receive them.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.admission_round.models import AdmissionEntry, AdmissionRound, EntryStatus
from backend.admission_round.retention import last_day
from backend.applications.models import Application, ApplicationStatus
from backend.applications.workflow import RoundDecision, round_decides
from backend.thai.grades import Grade
from backend.working_days import BANGKOK

# An entry's status, the decision it means, and whether it is final at once.
_DECISIONS: dict[str, tuple[RoundDecision, bool]] = {
    EntryStatus.HANDED_OVER: (RoundDecision.ADMITTED, True),
    EntryStatus.DECLINED: (RoundDecision.DECLINED, True),
    EntryStatus.LAPSED: (RoundDecision.LAPSED, True),
    EntryStatus.WITHDRAWN: (RoundDecision.WITHDRAWN, True),
    EntryStatus.NOT_ACCEPTED: (RoundDecision.NOT_ACCEPTED, False),
    EntryStatus.RESERVE: (RoundDecision.NOT_ACCEPTED, False),
    EntryStatus.NOT_ELIGIBLE: (RoundDecision.NOT_ELIGIBLE, False),
}
_OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.DOCUMENTS_REQUESTED, ApplicationStatus.UNDER_REVIEW)


def reason_th(round_: AdmissionRound, entry: AdmissionEntry) -> str:
    """The decision's reason as the parent and staff read it."""
    label = f"ชั้น {Grade(round_.grade).label_th} ปีการศึกษา {round_.academic_year}"
    match entry.status:
        case EntryStatus.HANDED_OVER:
            return f"มอบตัวเข้าเรียน{label}แล้ว เลขประจำตัวนักเรียน {entry.student_number}"
        case EntryStatus.DECLINED:
            return f"ผู้ปกครองสละสิทธิ์เข้าเรียน{label}"
        case EntryStatus.LAPSED:
            return f"ไม่ได้ยืนยันสิทธิ์ (รายงานตัว) เข้าเรียน{label}ภายในกำหนด"
        case EntryStatus.WITHDRAWN:
            return f"ถอนใบสมัครเข้าเรียน{label}"
        case EntryStatus.RESERVE:
            return (f"ไม่ได้รับคัดเลือกเข้าเรียน{label} (อยู่ในรายชื่อสำรองลำดับที่ {entry.reserve_position} "
                    "และไม่มีที่นั่งว่างจนสิ้นสุดการรับนักเรียน)")
        case EntryStatus.NOT_ELIGIBLE:
            because = f": {entry.reason}" if entry.reason else ""
            return f"ไม่มีสิทธิ์สมัครเข้าเรียน{label}ตามประกาศรับสมัคร{because}"
    return f"ไม่ได้รับคัดเลือกเข้าเรียน{label}"


async def decide(session: AsyncSession, round_: AdmissionRound, entry: AdmissionEntry, *, now: dt.datetime,
                 at_end: bool = False) -> bool:
    """Record the entry's outcome on its application when it is final (or the round ended)."""
    found = _DECISIONS.get(entry.status)
    if found is None or not (found[1] or at_end):
        return False
    application = await session.get(Application, entry.application_id)
    if application is None:
        return False
    detail = {"round": round_.id, "entry": entry.status}
    if entry.student_number:
        detail["student_number"] = entry.student_number
    return round_decides(session, application, found[0], reason=reason_th(round_, entry), now=now, detail=detail)


def ended_at(round_: AdmissionRound) -> dt.datetime:
    """The end (midnight, Bangkok) of the round's last announced day."""
    day = last_day(round_) + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=BANGKOK).astimezone(dt.UTC)


async def round_over(session: AsyncSession, round_: AdmissionRound, now: dt.datetime) -> bool:
    """Results sent, the last announced day past, and no seat offered that still awaits an answer."""
    if round_.results_draw is None or now < ended_at(round_):
        return False
    waiting = await session.scalar(sa.select(sa.func.count()).select_from(AdmissionEntry).where(
        AdmissionEntry.round_id == round_.id, AdmissionEntry.status == EntryStatus.ACCEPTED))
    return not waiting


async def close_round(session: AsyncSession, round_: AdmissionRound, *, now: dt.datetime) -> int:
    """Once the round is over, decide every application of it still open; how many were decided.
    Run by the worker's deadline sweep (backend/admission_round/results.py); a second run finds none."""
    if not await round_over(session, round_, now):
        return 0
    entries = await session.scalars(
        sa.select(AdmissionEntry).join(Application, Application.id == AdmissionEntry.application_id).where(
            AdmissionEntry.round_id == round_.id, AdmissionEntry.status.in_(tuple(_DECISIONS)),
            Application.status.in_(_OPEN)).order_by(AdmissionEntry.ref))
    return sum([await decide(session, round_, entry, now=now, at_end=True) for entry in entries])

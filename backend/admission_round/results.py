"""After the draw: each parent's own result as a notice (the edge renders and sends it through
the outbox, so a crash half-way sends no one twice), รายงานตัว by a deadline in one tap, and a
seat freed by a decline, a withdrawal or a missed deadline offered to the next reserve with their
own deadline. Every decision is in the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit, notices, outbox
from backend.admission_round.decisions import close_round, decide
from backend.admission_round.models import AdmissionEntry, AdmissionRound, EntryStatus
from backend.admission_round.service import RoundError, draws_of, entries_of, round_subject, withdraw
from backend.admission_round.transitions import EntryEvent, can, move
from backend.applications.models import Application
from backend.notices import Notice
from backend.thai.dates import format_thai_date
from backend.thai.grades import Grade
from backend.working_days import BANGKOK

HOLDING = (EntryStatus.ACCEPTED, EntryStatus.CONFIRMED, EntryStatus.HANDED_OVER)
# What comes next for a child with no place here (issue 14's district round; docs/rules.md).
NO_PLACE_NEXT_TH = ("หากนักเรียนยังไม่มีที่เรียน ติดต่อสำนักงานเขตพื้นที่การศึกษาที่โรงเรียนสังกัด "
                    "เพื่อหาสถานศึกษาที่ยังมีที่ว่างได้ค่ะ")


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=BANGKOK).astimezone(dt.UTC)


def report_deadline(round_: AdmissionRound, now: dt.datetime) -> dt.datetime:
    """The end of the report day (or, with none set, ``offer_days`` from now)."""
    if round_.report_day is not None:
        return max(end_of_day(round_.report_day), now)
    return end_of_day((now + dt.timedelta(days=round_.offer_days)).astimezone(BANGKOK).date())


def offer_deadline(round_: AdmissionRound, now: dt.datetime) -> dt.datetime:
    """A reserve offered a freed seat: ``offer_days`` from the offer, to the day's end in Bangkok."""
    return end_of_day((now + dt.timedelta(days=round_.offer_days)).astimezone(BANGKOK).date())


def _notice_data(round_: AdmissionRound, entry: AdmissionEntry) -> dict[str, Any]:
    return {"service": "admission", "round_id": round_.id, "entry_id": entry.id, "draw": entry.draw_number,
            "outcome": entry.status, "position": entry.reserve_position, "grade": round_.grade,
            "grade_th": Grade(round_.grade).label_th, "academic_year": round_.academic_year,
            "number": entry.ref,
            "confirm_by": entry.confirm_by.isoformat() if entry.confirm_by else None,
            "reason_th": entry.reason if entry.status == EntryStatus.NOT_ELIGIBLE else None,
            "handover_day": round_.handover_day.isoformat() if round_.handover_day else None,
            "next_th": NO_PLACE_NEXT_TH if entry.status in (EntryStatus.NOT_ACCEPTED, EntryStatus.NOT_ELIGIBLE)
            else None}


async def _parent_of(session: AsyncSession, entry: AdmissionEntry) -> Application:
    application = await session.get(Application, entry.application_id)
    assert application is not None
    return application


@dataclass(frozen=True)
class SendPlan:
    """What sending the results costs: one push per parent (each their own child's result)."""

    draw: int
    messages: int
    already_sent: bool


async def plan(session: AsyncSession, round_: AdmissionRound) -> SendPlan:
    draws = await draws_of(session, round_.id)
    if not draws:
        raise RoundError("ยังไม่มีผลการคัดเลือกให้ประกาศค่ะ", "results.no_draw")
    entries = await entries_of(session, round_.id, EntryStatus.ACCEPTED, EntryStatus.RESERVE,
                               EntryStatus.NOT_ACCEPTED, EntryStatus.NOT_ELIGIBLE)
    return SendPlan(draw=draws[-1].number, messages=len(entries), already_sent=round_.results_draw == draws[-1].number)


async def announce(session: AsyncSession, round_: AdmissionRound, *, actor: str, now: dt.datetime) -> int:
    """Record every applicant's own result as a notice to their parent, once per draw; how many.

    The notices are written in the caller's transaction with the mark that they were sent, so
    pressing twice, or a crash and a retry, never tells anyone twice."""
    found = await plan(session, round_)
    if found.already_sent:
        raise RoundError("ส่งผลของการคัดเลือกครั้งนี้ให้ผู้ปกครองแล้วค่ะ", "results.sent")
    deadline = report_deadline(round_, now)
    count = 0
    for entry in await entries_of(session, round_.id, EntryStatus.ACCEPTED, EntryStatus.RESERVE,
                                  EntryStatus.NOT_ACCEPTED, EntryStatus.NOT_ELIGIBLE):
        if entry.status == EntryStatus.ACCEPTED:
            entry.confirm_by = deadline
        application = await _parent_of(session, entry)
        notices.record_notice(session, school_id=round_.school_id, recipient_ref=application.parent_ref,
                              audience=notices.PARENT, kind=notices.ADMISSION_RESULT, now=now,
                              data=_notice_data(round_, entry), application_id=application.id)
        count += 1
    round_.results_draw, round_.results_sent_at = found.draw, now
    audit.record(session, school_id=round_.school_id, actor=actor, action="results.announce",
                 subject=round_subject(round_.id), at=now, detail={"draw": found.draw, "notices": count})
    return count


@dataclass(frozen=True)
class Progress:
    """How far the results have gone: notices recorded, handed to the outbox, accepted by LINE, and
    given up (LINE refused, or the parent had blocked the account)."""

    recorded: int
    queued: int
    sent: int
    failed: int = 0

    @property
    def finished(self) -> bool:
        return self.recorded > 0 and self.queued == self.recorded and self.sent + self.failed >= self.recorded


async def progress(session: AsyncSession, round_: AdmissionRound) -> Progress:
    """For staff while the results go out (the worker queues notices, the sender pushes them): three
    counting reads, whatever the number of parents."""
    if round_.results_sent_at is None:
        return Progress(0, 0, 0)
    applications = sa.select(AdmissionEntry.application_id).where(AdmissionEntry.round_id == round_.id)
    mine = (Notice.kind == notices.ADMISSION_RESULT, Notice.application_id.in_(applications),
            Notice.created_at >= round_.results_sent_at)
    recorded, queued = (await session.execute(sa.select(
        sa.func.count(), sa.func.count(Notice.delivered_at)).where(*mine))).one()
    states = await outbox.counts_for_notices(session, sa.select(Notice.id).where(*mine))
    return Progress(recorded=recorded, queued=queued, sent=states.get(outbox.SENT, 0),
                    failed=states.get(outbox.FAILED, 0) + states.get(outbox.DROPPED, 0))


@dataclass(frozen=True)
class SeatAnswer:
    """What the parent is told after a tap on their result card."""

    ok: bool
    text_th: str
    code: str


async def _entry_of_parent(session: AsyncSession, entry_id: int, parent_ref: str,
                           school_id: int) -> tuple[AdmissionEntry, AdmissionRound] | None:
    entry = await session.get(AdmissionEntry, entry_id)
    if entry is None:
        return None
    application = await _parent_of(session, entry)
    round_ = await session.get(AdmissionRound, entry.round_id)
    if application.parent_ref != parent_ref or round_ is None or round_.school_id != school_id:
        return None
    return entry, round_


async def _stale(session: AsyncSession, entry: AdmissionEntry, draw: int | None) -> bool:
    return draw is not None and entry.draw_number is not None and draw != entry.draw_number


async def confirm(session: AsyncSession, *, entry_id: int, draw: int | None, parent_ref: str, school_id: int,
                  now: dt.datetime) -> SeatAnswer:
    """รายงานตัว in one tap, by the deadline."""
    found = await _entry_of_parent(session, entry_id, parent_ref, school_id)
    if found is None:
        return SeatAnswer(False, "ไม่พบผลการคัดเลือกนี้ค่ะ", "seat.unknown")
    entry, round_ = found
    label = f"ชั้น {Grade(round_.grade).label_th} ปีการศึกษา {round_.academic_year}"
    if entry.status == EntryStatus.CONFIRMED or entry.status == EntryStatus.HANDED_OVER:
        return SeatAnswer(True, f"ยืนยันสิทธิ์เข้าเรียน{label} ไว้เรียบร้อยแล้วค่ะ", "seat.already")
    if await _stale(session, entry, draw):
        return SeatAnswer(False, "ผลการคัดเลือกนี้ถูกแก้ไขแล้วค่ะ กรุณาดูผลล่าสุดที่โรงเรียนส่งให้", "seat.stale")
    if entry.status != EntryStatus.ACCEPTED:
        return SeatAnswer(False, _not_holding_th(entry, label), "seat.not_accepted")
    if entry.confirm_by is not None and now > entry.confirm_by:
        await lapse_overdue(session, round_, now=now)
        return SeatAnswer(False, f"ขออภัยค่ะ เลยกำหนดยืนยันสิทธิ์ ({_deadline_th(entry.confirm_by)}) แล้ว "
                                 f"ที่นั่งจึงถูกเสนอให้ผู้สำรองลำดับถัดไปค่ะ {NO_PLACE_NEXT_TH}", "seat.late")
    other = await _other_place(session, entry)
    if other is not None:
        return SeatAnswer(False, f"นักเรียนคนนี้ยืนยันสิทธิ์ชั้น {other} ไว้แล้วค่ะ ยืนยันได้ที่เดียว "
                                 "หากต้องการเปลี่ยน กรุณาสละสิทธิ์ที่เดิมก่อนนะคะ", "seat.two_places")
    move(entry, EntryEvent.CONFIRM)
    entry.updated_at = now
    audit.record(session, school_id=round_.school_id, actor=audit.PARENT, action="seat.confirm",
                 subject=audit.application_subject(entry.application_id), at=now, detail={"round": round_.id})
    when = f" วันมอบตัวคือ {format_thai_date(round_.handover_day)}" if round_.handover_day else ""
    return SeatAnswer(True, f"ยืนยันสิทธิ์เข้าเรียน{label} เรียบร้อยแล้วค่ะ{when} "
                            "โรงเรียนจะแจ้งการนัดหมายมอบตัวให้ทราบต่อไปนะคะ", "seat.confirmed")


async def _other_place(session: AsyncSession, entry: AdmissionEntry) -> str | None:
    """Another round of this school where the same child (same ID number) already confirmed."""
    application = await _parent_of(session, entry)
    national_id = (application.answers or {}).get("student_national_id")
    if not national_id:
        return None
    rows = await session.execute(
        sa.select(AdmissionRound.grade, Application.answers)
        .join(AdmissionEntry, AdmissionEntry.round_id == AdmissionRound.id)
        .join(Application, Application.id == AdmissionEntry.application_id)
        .where(AdmissionRound.school_id == application.school_id, AdmissionEntry.id != entry.id,
               AdmissionEntry.status.in_((EntryStatus.CONFIRMED, EntryStatus.HANDED_OVER))))
    for grade, answers in rows:
        if (answers or {}).get("student_national_id") == national_id:
            return Grade(grade).label_th
    return None


def _deadline_th(at: dt.datetime) -> str:
    local = at.astimezone(BANGKOK)
    return f"{format_thai_date(local.date())} เวลา {local:%H:%M} น."


def _not_holding_th(entry: AdmissionEntry, label: str) -> str:
    match entry.status:
        case EntryStatus.RESERVE:
            return (f"นักเรียนอยู่ในรายชื่อสำรองลำดับที่ {entry.reserve_position} ของ{label}ค่ะ "
                    "หากมีที่นั่งว่าง โรงเรียนจะแจ้งให้ยืนยันสิทธิ์ทาง LINE นี้นะคะ")
        case EntryStatus.DECLINED:
            return f"ได้สละสิทธิ์เข้าเรียน{label}ไปแล้วค่ะ"
        case EntryStatus.LAPSED:
            return f"เลยกำหนดยืนยันสิทธิ์{label}แล้วค่ะ ที่นั่งถูกเสนอให้ผู้สำรองลำดับถัดไปแล้ว {NO_PLACE_NEXT_TH}"
        case EntryStatus.WITHDRAWN:
            return "ใบสมัครนี้ถอนแล้วค่ะ"
    return f"นักเรียนไม่ได้รับคัดเลือกเข้าเรียน{label}ค่ะ {NO_PLACE_NEXT_TH}"


async def decline(session: AsyncSession, *, entry_id: int, draw: int | None, parent_ref: str, school_id: int,
                  now: dt.datetime) -> SeatAnswer:
    """The parent gives the seat up: it is offered to the next reserve at once."""
    found = await _entry_of_parent(session, entry_id, parent_ref, school_id)
    if found is None:
        return SeatAnswer(False, "ไม่พบผลการคัดเลือกนี้ค่ะ", "seat.unknown")
    entry, round_ = found
    label = f"ชั้น {Grade(round_.grade).label_th} ปีการศึกษา {round_.academic_year}"
    if entry.status == EntryStatus.DECLINED:
        return SeatAnswer(True, f"สละสิทธิ์เข้าเรียน{label}ไว้แล้วค่ะ", "seat.already_declined")
    if await _stale(session, entry, draw):
        return SeatAnswer(False, "ผลการคัดเลือกนี้ถูกแก้ไขแล้วค่ะ กรุณาดูผลล่าสุดที่โรงเรียนส่งให้", "seat.stale")
    if not can(entry, EntryEvent.DECLINE):
        return SeatAnswer(False, _not_holding_th(entry, label), "seat.not_accepted")
    move(entry, EntryEvent.DECLINE)
    entry.updated_at = now
    audit.record(session, school_id=round_.school_id, actor=audit.PARENT, action="seat.decline",
                 subject=audit.application_subject(entry.application_id), at=now, detail={"round": round_.id})
    await decide(session, round_, entry, now=now)
    await offer_free_seats(session, round_, now=now)
    return SeatAnswer(True, f"รับทราบการสละสิทธิ์เข้าเรียน{label}ค่ะ ขอบคุณที่แจ้งให้ทราบนะคะ", "seat.declined")


async def offer_free_seats(session: AsyncSession, round_: AdmissionRound, *, now: dt.datetime) -> list[AdmissionEntry]:
    """Offer each free seat to the next reserve in order, with their own deadline; the offers."""
    if round_.results_draw is None:
        return []  # nothing was announced yet: the draw's own result stands
    holding = len(await entries_of(session, round_.id, *HOLDING))
    free = round_.seats - holding
    if free <= 0:
        return []
    reserves = sorted(await entries_of(session, round_.id, EntryStatus.RESERVE),
                      key=lambda e: e.reserve_position or 0)
    offered = reserves[:free]
    for entry in offered:
        move(entry, EntryEvent.PROMOTE)
        entry.confirm_by = offer_deadline(round_, now)
        entry.updated_at = now
        application = await _parent_of(session, entry)
        data = {**_notice_data(round_, entry), "was_position": entry.reserve_position}
        notices.record_notice(session, school_id=round_.school_id, recipient_ref=application.parent_ref,
                              audience=notices.PARENT, kind=notices.ADMISSION_OFFER, now=now, data=data,
                              application_id=application.id)
        audit.record(session, school_id=round_.school_id, actor=audit.SYSTEM, action="seat.offer",
                     subject=audit.application_subject(entry.application_id), at=now,
                     detail={"round": round_.id, "position": entry.reserve_position})
    return offered


async def lapse_overdue(session: AsyncSession, round_: AdmissionRound, *, now: dt.datetime) -> int:
    """Seats not confirmed by their deadline are freed and offered on; how many lapsed."""
    overdue = [e for e in await entries_of(session, round_.id, EntryStatus.ACCEPTED)
               if e.confirm_by is not None and now > e.confirm_by]
    for entry in overdue:
        move(entry, EntryEvent.LAPSE)
        entry.updated_at = now
        application = await _parent_of(session, entry)
        notices.record_notice(session, school_id=round_.school_id, recipient_ref=application.parent_ref,
                              audience=notices.PARENT, kind=notices.ADMISSION_LAPSED, now=now,
                              data=_notice_data(round_, entry), application_id=application.id)
        audit.record(session, school_id=round_.school_id, actor=audit.SYSTEM, action="seat.lapse",
                     subject=audit.application_subject(entry.application_id), at=now, detail={"round": round_.id})
        await decide(session, round_, entry, now=now)
    if overdue:
        await offer_free_seats(session, round_, now=now)
    return len(overdue)


async def sweep(session: AsyncSession, *, now: dt.datetime) -> int:
    """The worker's pass over every round with results out: deadlines missed, then, for a round
    that is over, its applications still open decided (backend/admission_round/decisions.py);
    how many lapsed."""
    rounds = list(await session.scalars(sa.select(AdmissionRound).where(AdmissionRound.results_draw.is_not(None))))
    lapsed = 0
    for round_ in rounds:
        lapsed += await lapse_overdue(session, round_, now=now)
        await close_round(session, round_, now=now)
    return lapsed


async def withdraw_and_offer(session: AsyncSession, application_id: int, *, now: dt.datetime,
                             actor: str = audit.PARENT) -> None:
    """A parent withdrew: the entry leaves the round and a seat it held goes to the next reserve."""
    entry = await withdraw(session, application_id, now=now, actor=actor)
    if entry is not None:
        round_ = await session.get(AdmissionRound, entry.round_id)
        assert round_ is not None
        await offer_free_seats(session, round_, now=now)

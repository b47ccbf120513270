"""A parent's taps on their admission result card: confirm the seat (รายงานตัว) in one tap, or
give it up after a second tap that makes sure (backend/admission_round/results.py decides)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from backend.admission_round import handover, results
from backend.admission_round.models import AdmissionEntry, AdmissionRound, AdmissionSlot
from backend.admission_round.service import RoundError
from backend.applications.models import Application
from backend.thai.dates import format_thai_date
from backend.working_days import BANGKOK
from flows import postback
from flows.say import Choice, Say, Text

SEAT_CONFIRM = "seat_ok"
SEAT_DECLINE = "seat_no"  # asks once more
SEAT_DECLINE_SURE = "seat_no_sure"
SEAT_SLOT = "seat_slot"  # a มอบตัว time picked: args entry id, slot id
ACTIONS = frozenset({SEAT_CONFIRM, SEAT_DECLINE, SEAT_DECLINE_SURE, SEAT_SLOT})


def tap(action: str, entry_id: int, draw: int | None) -> str:
    """The postback data of a button on the result card."""
    return postback.encode(postback.NO_CONVERSATION, action, str(entry_id), str(draw or 0))


async def answer(session: AsyncSession, pb: postback.Postback, *, school_id: int, user_ref: str,
                 now: dt.datetime) -> list[Say]:
    try:
        entry_id, draw = int(pb.arg(0) or ""), int(pb.arg(1) or "0") or None
    except ValueError:
        return [Text("ไม่พบผลการคัดเลือกนี้ค่ะ")]
    if pb.action == SEAT_SLOT:
        return await _book(session, entry_id, slot_id=draw or 0, user_ref=user_ref, school_id=school_id, now=now)
    if pb.action == SEAT_DECLINE:
        return [Text("ต้องการสละสิทธิ์เข้าเรียนใช่ไหมคะ เมื่อสละสิทธิ์แล้ว ที่นั่งจะถูกเสนอให้ผู้สำรองลำดับถัดไป "
                     "และขอคืนไม่ได้ค่ะ",
                     [Choice("ยืนยันสละสิทธิ์", postback=tap(SEAT_DECLINE_SURE, entry_id, draw)),
                      Choice("ไม่สละสิทธิ์", text="ติดตามสถานะ")])]
    decide = results.confirm if pb.action == SEAT_CONFIRM else results.decline
    said = await decide(session, entry_id=entry_id, draw=draw, parent_ref=user_ref, school_id=school_id, now=now)
    if pb.action == SEAT_CONFIRM and said.code == "seat.confirmed":
        return [Text(said.text_th), *await _slot_choices(session, entry_id)]
    return [Text(said.text_th)]


def _short(slot: AdmissionSlot) -> str:
    local = slot.starts_at.astimezone(BANGKOK)
    return f"{format_thai_date(local.date(), style='short')} {local:%H:%M}"


async def _slot_choices(session: AsyncSession, entry_id: int, *, note: str = "") -> list[Say]:
    """The มอบตัว times with room left, as buttons (none when the school has set none yet)."""
    entry = await session.get(AdmissionEntry, entry_id)
    assert entry is not None
    free = [s for s in await handover.slots_of(session, entry.round_id) if s.booked < s.capacity]
    if not free:
        return []
    choices = [Choice(_short(slot), postback=postback.encode(postback.NO_CONVERSATION, SEAT_SLOT, str(entry_id),
                                                             str(slot.id))) for slot in free[:12]]
    return [Text(f"{note}กรุณาเลือกวันและเวลามาดำเนินการมอบตัวค่ะ", choices)]


async def _book(session: AsyncSession, entry_id: int, *, slot_id: int, user_ref: str, school_id: int,
                now: dt.datetime) -> list[Say]:
    entry = await session.get(AdmissionEntry, entry_id)
    application = await session.get(Application, entry.application_id) if entry else None
    round_ = await session.get(AdmissionRound, entry.round_id) if entry else None
    if entry is None or application is None or round_ is None or application.parent_ref != user_ref \
            or round_.school_id != school_id:
        return [Text("ไม่พบผลการคัดเลือกนี้ค่ะ")]
    try:
        slot = await handover.book(session, entry, slot_id, now=now)
    except RoundError as error:
        if error.code == "slot.full":
            return await _slot_choices(session, entry_id, note=error.message_th + "\n") or [Text(error.message_th)]
        return [Text(error.message_th)]
    form = handover.handover_form(round_, application)
    lines = [f"นัดมอบตัว {handover.slot_label(slot)} เรียบร้อยแล้วค่ะ",
             "ใบมอบตัวกรอกข้อมูลที่ให้ไว้แล้วให้ค่ะ:"]
    lines += [f"• {label}: {value}" for label, value in form.rows if value]
    if form.missing:
        lines.append("ข้อมูลที่ต้องกรอกเพิ่มในวันมอบตัว: " + ", ".join(form.missing))
    if form.bring:
        lines.append("เอกสารตัวจริงที่ต้องนำมา: " + ", ".join(form.bring))
    return [Text("\n".join(lines))]

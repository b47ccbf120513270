"""A parent's taps on their admission result card: confirm the seat (รายงานตัว) in one tap, or
give it up after a second tap that makes sure (backend/admission_round/results.py decides)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from backend.admission_round import results
from flows import postback
from flows.say import Choice, Say, Text

SEAT_CONFIRM = "seat_ok"
SEAT_DECLINE = "seat_no"  # asks once more
SEAT_DECLINE_SURE = "seat_no_sure"
ACTIONS = frozenset({SEAT_CONFIRM, SEAT_DECLINE, SEAT_DECLINE_SURE})


def tap(action: str, entry_id: int, draw: int | None) -> str:
    """The postback data of a button on the result card."""
    return postback.encode(postback.NO_CONVERSATION, action, str(entry_id), str(draw or 0))


async def answer(session: AsyncSession, pb: postback.Postback, *, school_id: int, user_ref: str,
                 now: dt.datetime) -> list[Say]:
    try:
        entry_id, draw = int(pb.arg(0) or ""), int(pb.arg(1) or "0") or None
    except ValueError:
        return [Text("ไม่พบผลการคัดเลือกนี้ค่ะ")]
    if pb.action == SEAT_DECLINE:
        return [Text("ต้องการสละสิทธิ์เข้าเรียนใช่ไหมคะ เมื่อสละสิทธิ์แล้ว ที่นั่งจะถูกเสนอให้ผู้สำรองลำดับถัดไป "
                     "และขอคืนไม่ได้ค่ะ",
                     [Choice("ยืนยันสละสิทธิ์", postback=tap(SEAT_DECLINE_SURE, entry_id, draw)),
                      Choice("ไม่สละสิทธิ์", text="ติดตามสถานะ")])]
    decide = results.confirm if pb.action == SEAT_CONFIRM else results.decline
    said = await decide(session, entry_id=entry_id, draw=draw, parent_ref=user_ref, school_id=school_id, now=now)
    return [Text(said.text_th)]

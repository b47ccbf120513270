"""The admission round's notices as LINE cards: each parent's own result (with one-tap รายงานตัว),
a freed seat offered to a reserve, and a seat lost at the deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend import notices
from backend.thai.dates import format_thai_date
from backend.working_days import BANGKOK
from bot import messages as m
from bot.cards import GREEN, GREY, RED, header, row
from flows.admission_seat import SEAT_CONFIRM, SEAT_DECLINE, tap

KINDS = frozenset({notices.ADMISSION_RESULT, notices.ADMISSION_OFFER, notices.ADMISSION_LAPSED})
HEADLINES = {
    notices.ADMISSION_RESULT: "ประกาศผลการคัดเลือกนักเรียน",
    notices.ADMISSION_OFFER: "มีที่นั่งว่างสำหรับนักเรียนค่ะ",
    notices.ADMISSION_LAPSED: "เลยกำหนดยืนยันสิทธิ์",
}


def _deadline(iso: str | None) -> str:
    if not iso:
        return ""
    local = dt.datetime.fromisoformat(iso).astimezone(BANGKOK)
    return f"{format_thai_date(local.date())} เวลา {local:%H:%M} น."


def outcome_th(data: dict[str, Any]) -> tuple[str, str]:
    """The result in words, and its colour."""
    match data.get("outcome"):
        case "accepted":
            return "ได้รับคัดเลือก", GREEN
        case "reserve":
            return f"สำรองลำดับที่ {data.get('position')}", GREY
        case "not_eligible":
            return "ไม่มีสิทธิ์เข้ารับการคัดเลือก", RED
        case "lapsed":
            return "เลยกำหนดยืนยันสิทธิ์", RED
    return "ไม่ได้รับคัดเลือก", RED


def card(notice: notices.Notice) -> m.Message:
    data = notice.data or {}
    headline = HEADLINES[notice.kind]
    result, colour = outcome_th(data)
    body = [row("ใบสมัคร", str(data.get("number", ""))),
            row("ชั้น", f"{data.get('grade_th', '')} ปีการศึกษา {data.get('academic_year', '')}"),
            row("ผล", result, color=colour, bold=True)]
    if data.get("reason_th"):
        body.append(row("เหตุผล", str(data["reason_th"])))
    footer: list[dict[str, Any]] = []
    if data.get("outcome") == "accepted" and notice.kind != notices.ADMISSION_LAPSED:
        body.append(row("ยืนยันภายใน", _deadline(data.get("confirm_by")), bold=True))
        body.append({"type": "text", "wrap": True, "size": "sm", "margin": "md",
                     "text": "กรุณากด “ยืนยันสิทธิ์” เพื่อรายงานตัวภายในเวลาที่กำหนด หากไม่ยืนยัน "
                             "ที่นั่งจะถูกเสนอให้ผู้สำรองลำดับถัดไปค่ะ"})
        entry, draw = int(data["entry_id"]), data.get("draw")
        footer = [{"type": "button", "style": "primary", "color": GREEN,
                   "action": m.postback_action("ยืนยันสิทธิ์", tap(SEAT_CONFIRM, entry, draw),
                                               display_text="ยืนยันสิทธิ์เข้าเรียน")},
                  {"type": "button", "style": "secondary",
                   "action": m.postback_action("สละสิทธิ์", tap(SEAT_DECLINE, entry, draw),
                                               display_text="สละสิทธิ์")}]
    elif data.get("outcome") == "reserve":
        body.append({"type": "text", "wrap": True, "size": "sm", "margin": "md",
                     "text": "หากมีที่นั่งว่าง โรงเรียนจะแจ้งให้ยืนยันสิทธิ์ทาง LINE นี้ตามลำดับค่ะ"})
    if data.get("next_th") or notice.kind == notices.ADMISSION_LAPSED:
        text = data.get("next_th") or ("ที่นั่งถูกเสนอให้ผู้สำรองลำดับถัดไปแล้วค่ะ หากนักเรียนยังไม่มีที่เรียน "
                                       "ติดต่อสำนักงานเขตพื้นที่การศึกษาได้ค่ะ")
        body.append({"type": "text", "wrap": True, "size": "sm", "margin": "md", "text": m.shorten(text, 500)})
    bubble: dict[str, Any] = {"type": "bubble", "header": header(headline, colour if colour != GREY else GREEN),
                              "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body}}
    if footer:
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": footer}
    return m.flex(f"{headline}: {result}", bubble)

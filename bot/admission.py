"""The admission round as LINE cards: the school's announcement (ประกาศรับสมัคร, from the rich menu or
a question), each parent's own result (with one-tap รายงานตัว), a freed seat offered to a reserve,
and a seat lost at the deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend import notices
from backend.admission_round import service as rounds
from backend.admission_round.models import AdmissionRound, Selection
from backend.school_config import cached_school_config
from backend.schools import School
from backend.thai.dates import format_thai_date
from backend.thai.grades import Grade
from backend.working_days import BANGKOK
from bot import messages as m
from bot.cards import GREEN, GREY, RED, header, row
from bot.handlers import EventContext
from flows.admission_seat import SEAT_CONFIRM, SEAT_DECLINE, tap
from flows.common import academic_year_applied_for

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


# -- the announcement (ประกาศรับสมัครนักเรียน) as a card -------------------------------------------

# LINE's carousel holds at most 12 bubbles; a school admits to at most a handful of entry grades.
MAX_ROUNDS_SHOWN = 12
DOCUMENT_DAYS = {"application": "วันสมัคร", "report": "วันรายงานตัว", "handover": "วันมอบตัว"}
NO_ANNOUNCEMENT = ("{school}ยังไม่ได้ประกาศรับสมัครนักเรียนปีการศึกษา {year} ในแชตนี้ค่ะ "
                   "กรุณาติดตามประกาศของโรงเรียน หรือพิมพ์ “ติดต่อโรงเรียน” เพื่อสอบถามค่ะ")


def _span(first: dt.date | None, last: dt.date | None) -> str:
    if first is None or last is None:
        return "โรงเรียนยังไม่ได้กำหนด"
    if first == last:
        return format_thai_date(first)
    return f"{format_thai_date(first)} – {format_thai_date(last)}"


def _day(value: dt.date | None) -> str:
    return format_thai_date(value) if value else "โรงเรียนยังไม่ได้กำหนด"


def public_page_url(public_base_url: str, slug: str, round_: AdmissionRound) -> str:
    """The round's public page (web/admission/router.py): the announcement, the draw, the results."""
    return f"{public_base_url.rstrip('/')}/admission/{slug}/{round_.academic_year}/{round_.grade}"


def announcement_bubble(round_: AdmissionRound, *, school_name: str, page_url: str,
                        now: dt.datetime) -> dict[str, Any]:
    """One grade's announcement: where the round stands, its dates (BE), seats and their shares,
    the priority groups in the announcement's order, the documents for each day, and buttons to
    apply (while open) and to read the public page."""
    grade = Grade(round_.grade)
    current = rounds.phase(round_, now)
    state, colour = {
        rounds.Phase.OPEN: ("เปิดรับสมัครอยู่ขณะนี้", GREEN),
        rounds.Phase.BEFORE: ("ยังไม่เปิดรับสมัคร", GREY),
        rounds.Phase.CLOSED: ("ปิดรับสมัครแล้ว", RED),
        rounds.Phase.NOT_SET: ("ยังไม่ได้กำหนดวันรับสมัคร", GREY),
    }[current]
    selection = "สอบคัดเลือก" if round_.selection == Selection.SCORES else "จับสลาก"
    others = round_.seats - round_.in_area_seats
    seats = f"{round_.seats} คน (เด็กในเขตพื้นที่บริการ {round_.in_area_seats} คน"
    seats += f", เด็กนอกเขต {others} คน)" if others else ")"
    body: list[dict[str, Any]] = [
        {"type": "text", "text": school_name, "size": "sm", "color": GREY, "wrap": True},
        row("สถานะ", state, color=colour, bold=True),
        row("รับสมัคร", _span(round_.applications_open, round_.applications_close)),
        row(selection, _day(round_.selection_day)),
        row("ประกาศผล", _day(round_.results_day)),
        row("รายงานตัว", _day(round_.report_day)),
        row("มอบตัว", _day(round_.handover_day)),
        row("จำนวนที่รับ", seats, bold=True),
    ]
    if round_.priority_groups:
        groups = "\n".join(f"{n}. {group.get('label', '')}" for n, group in enumerate(round_.priority_groups, 1))
        body.append(row("พิจารณาก่อน", groups))
    for day, items in (round_.documents or {}).items():
        if items:
            body.append(row(f"เอกสาร{DOCUMENT_DAYS.get(day, day)}", "\n".join(f"• {item}" for item in items)))
    if current is rounds.Phase.BEFORE:
        note = "เมื่อถึงวันเปิดรับสมัคร ทักมาสมัครในแชตนี้ได้เลยนะคะ"
    elif current is rounds.Phase.CLOSED:
        note = rounds.DISTRICT_NOTE
    elif current is rounds.Phase.OPEN:
        note = "กด “สมัครเรียน” เพื่อยื่นใบสมัครในแชตนี้ได้เลยค่ะ"
    else:
        note = "กรุณาติดตามประกาศของโรงเรียนนะคะ"
    body.append({"type": "text", "wrap": True, "size": "sm", "margin": "md", "text": note})
    footer: list[dict[str, Any]] = []
    if current is rounds.Phase.OPEN:
        footer.append({"type": "button", "style": "primary", "color": GREEN,
                       "action": m.message_action("สมัครเรียน", f"สมัครเรียน {grade.label_th}")})
    footer.append({"type": "button", "style": "secondary", "action": m.uri_action("ดูประกาศฉบับเต็ม", page_url)})
    return {"type": "bubble",
            "header": header(f"ประกาศรับสมัครนักเรียนชั้น {grade.label_th} ปีการศึกษา {round_.academic_year}"),
            "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
            "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": footer}}


async def announcement(session: AsyncSession, *, school: School, now: dt.datetime,
                       public_base_url: str) -> list[m.Message]:
    """The school's current admission announcement: one card per entry grade of the academic
    year applied for (a carousel when there are several), or a note that there is none yet."""
    config = cached_school_config(school.settings)
    year = academic_year_applied_for(config, rounds.local_day(now))
    found = await rounds.rounds_of(session, school_id=school.id, academic_year=year)
    if not found:
        return m.text(NO_ANNOUNCEMENT.format(school=school.name, year=year))
    bubbles = [announcement_bubble(r, school_name=school.name, now=now,
                                   page_url=public_page_url(public_base_url, school.slug, r))
               for r in found[:MAX_ROUNDS_SHOWN]]
    grades = ", ".join(Grade(r.grade).label_th for r in found[:MAX_ROUNDS_SHOWN])
    alt = f"ประกาศรับสมัครนักเรียนปีการศึกษา {year} ชั้น {grades}"
    contents = bubbles[0] if len(bubbles) == 1 else {"type": "carousel", "contents": bubbles}
    return [m.flex(alt, contents)]


class AnnouncementDesk:
    """Answers "ประกาศรับสมัคร" (the rich menu's tile) and questions about when admission opens."""

    def __init__(self, public_base_url: str) -> None:
        self._public_base_url = public_base_url

    async def answer(self, ctx: EventContext) -> list[m.Message]:
        school = await ctx.session.get(School, ctx.channel.school_id)
        assert school is not None
        return await announcement(ctx.session, school=school, now=ctx.now, public_base_url=self._public_base_url)

"""The Thai competency test for foreigners (การจัดสอบวัดระดับความสามารถในการใช้ภาษาไทย): OBEC's own service.

The source's OBEC-level service 2, "การจัดสอบวัดระดับความสามารถในการใช้ภาษาไทย (Thai Competency test)
สำหรับชาวต่างประเทศ". A foreigner registers for one of the test sessions OBEC has opened (a day, a
place, a number of seats: backend/thai_test.py) in any school's LINE chat, under "บริการ สพฐ.";
the seat is held when they confirm, and the last seat cannot be taken twice. After the test OBEC's
officers (role ``obec``) enter the result and issue a signed result certificate as OBEC.

Its audience reads Thai as a foreign language: short, simple Thai, with an English line where a
step or a refusal needs it. The citizen's manual was not found: docs/rules.md, "Thai competency
test for foreigners", says what the flow follows instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend import thai_test
from backend.applications.models import Application
from backend.applications.service import submit_application
from backend.catalog import DocumentType, FeeRule, ServiceDocument, StaffField
from backend.documents.from_applications import Answers, DocumentInputMissing
from backend.organisations import ALL_SCHOOL_TYPES
from backend.school_config import SchoolConfig
from backend.thai.dates import MONTHS_SHORT, be_year, format_thai_date
from backend.working_days import local_date
from flows import kinds
from flows.flow import OBEC_PUBLIC, Check, Context, Facts, Flow, RefusedWithOffers, ReturnToStep, Step
from flows.spec import ServiceSpec

SERVICE_ID = "thai_competency_test"
SESSIONS = "open_sessions"
# The result is one of six levels (docs/rules.md, "Thai competency test for foreigners").
LEVELS = tuple(str(level) for level in range(1, 7))
NO_SESSION = ("ขออภัยค่ะ ตอนนี้ยังไม่มีรอบสอบที่เปิดรับสมัคร กรุณาติดตามประกาศของ สพฐ. ค่ะ\n"
              "Sorry, no test session is open for registration now.")


def session_label(day: dt.date) -> str:
    """A session's day as a button shows it and the date question reads it back: "5 ธ.ค. 2569"."""
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {be_year(day)}"


async def _no_session_open(session: AsyncSession, school_id: int, now: dt.datetime) -> str | None:
    found = await thai_test.open_sessions(session, today=local_date(now))
    return None if any(s.free for s in found) else NO_SESSION


async def _load_sessions(session: AsyncSession, application: Application) -> Mapping[str, Any]:
    found = await thai_test.open_sessions(session, today=local_date(application.created_at))
    return {SESSIONS: tuple((s.held_on.isoformat(), s.place, s.free) for s in found)}


def _a_session_with_seats(day: dt.date, ctx: Context) -> None:
    sessions = ctx.facts.get(SESSIONS) or ()
    free = [(dt.date.fromisoformat(held_on), place) for held_on, place, seats in sessions if seats > 0]
    if any(held_on == day for held_on, _ in free):
        return
    full = any(dt.date.fromisoformat(held_on) == day for held_on, _, _ in sessions)
    listed = "\n".join(f"• {format_thai_date(held_on)} ที่ {place}" for held_on, place in free)
    why = "รอบสอบวันนี้ที่นั่งเต็มแล้วค่ะ" if full else "วันนี้ไม่มีรอบสอบค่ะ"
    raise RefusedWithOffers(
        f"ขออภัยค่ะ {why}\n" + (f"รอบที่ยังว่าง กดเลือกได้เลยค่ะ:\n{listed}\n" if free else NO_SESSION + "\n")
        + ("Sorry, that session is full. Please choose another date." if full
           else "Sorry, there is no test on that date. Please choose a date below."),
        code="thai_test.no_session", answers=[session_label(held_on) for held_on, _ in free])


async def _submit_taking_a_seat(session: AsyncSession, application: Application, *, now: dt.datetime) -> None:
    try:
        # Seats are counted only here: another person may have taken the last one meanwhile.
        await thai_test.take_seat(session, held_on=dt.date.fromisoformat(application.answers["test_date"]),
                                  holder_ref=application.public_number, today=local_date(now), now=now)
    except (thai_test.SessionFull, thai_test.SessionClosed) as refused:
        raise ReturnToStep("test_date", refused.message_th) from None
    await submit_application(session, application, now=now)


FLOW = Flow(
    id=SERVICE_ID,
    title="สมัครสอบวัดระดับภาษาไทย (สพฐ.)",
    menu_label="สมัครสอบภาษาไทย",
    number_prefix="TT",
    version=1,
    audience=OBEC_PUBLIC,
    opening=_no_session_open,
    facts=Facts(load=_load_sessions, uses=("requester_name",),
                sample={SESSIONS: (("2026-12-05", "สพฐ. กรุงเทพฯ", 3), ("2026-12-12", "สพฐ. กรุงเทพฯ", 0))}),
    intro=(
        "สมัครสอบวัดระดับความสามารถในการใช้ภาษาไทย สำหรับชาวต่างประเทศ ของ สพฐ. ค่ะ\n"
        "Thai Competency Test for foreigners (OBEC).\n"
        "ข้อมูลนี้ส่งถึง สพฐ. เพื่อจัดสอบและออกใบรับรองผลสอบเท่านั้นค่ะ"
    ),
    steps=[
        Step(
            "requester_name",
            "ชื่อและนามสกุล ตามหนังสือเดินทางค่ะ\nYour full name as in your passport.",
            kinds.text(max_length=120, example="John Smith"),
            label="ชื่อ",
        ),
        Step(
            "passport_number",
            "เลขหนังสือเดินทางค่ะ\nPassport number.",
            kinds.text(max_length=30, example="AA1234567"),
            label="หนังสือเดินทาง",
        ),
        Step(
            "nationality",
            "สัญชาติค่ะ\nNationality.",
            kinds.text(max_length=60, example="American"),
            label="สัญชาติ",
        ),
        Step(
            "test_date",
            "ต้องการสอบวันไหนคะ กดเลือกวันที่ หรือพิมพ์ เช่น 5 ธ.ค. 2569\nWhich test date?",
            kinds.date(upcoming=True),
            label="วันสอบ",
            check=Check(_a_session_with_seats),
        ),
        Step(
            "passport_copy",
            "ขอรูปถ่ายหนังสือเดินทาง หน้าที่มีรูปค่ะ\nA photo of your passport (photo page).",
            kinds.document(one_page=True),
            label="รูปหนังสือเดินทาง",
        ),
        Step("phone", "เบอร์โทรศัพท์ค่ะ\nPhone number.", kinds.phone(), label="เบอร์โทร"),
    ],
    submit=_submit_taking_a_seat,
    next_steps=(
        "สมัครแล้วค่ะ ที่นั่งของท่านถูกกันไว้แล้ว สพฐ. จะแจ้งรายละเอียดการสอบทาง LINE นี้ค่ะ\n"
        "You are registered and your seat is held. After the test, your result certificate "
        "will be sent in this chat."
    ),
)

RESULT_LEVEL = StaffField("result_level", "ผลการสอบ: ระดับ (1–6)", required=True, placeholder="4")
SKILLS = StaffField("skills", "ผลรายทักษะ (ฟัง พูด อ่าน เขียน)", placeholder="ฟัง 4 พูด 4 อ่าน 3 เขียน 3")
REFERENCE_NUMBER = StaffField("reference_number", "เลขที่หนังสือ (ที่ ศธ ...)", required=True,
                              placeholder="ศธ 04004/456")


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    level = str(given.get("result_level") or "").strip()
    if level not in LEVELS:
        raise DocumentInputMissing("result level", "กรุณากรอกผลการสอบเป็นระดับ 1 ถึง 6 ค่ะ")
    test_date = dt.date.fromisoformat(str(answers.need("test_date", "วันสอบ")))
    return {
        "subject_name": answers.need("requester_name", "ชื่อผู้สอบ"),
        "test_date_en": f"{test_date.day} {test_date:%B} {test_date.year}",
        "passport_number": answers.get("passport_number"),
        "nationality": answers.get("nationality"),
        "test_date": answers.need("test_date", "วันสอบ"),
        "result_level": level,
        "skills": " ".join(str(given.get("skills") or "").split()),
        "reference_number": " ".join(str(given.get("reference_number") or "").split()),
    }


SPEC = ServiceSpec(
    id=SERVICE_ID,
    flow=FLOW,
    school_types=ALL_SCHOOL_TYPES,
    menu_position=120,
    # The manual's time limit was not found: 30 working days from the registration until it is read
    # (the result comes after the test day).
    time_limit_days=30,
    approvers=("obec",),
    document=ServiceDocument(
        type=DocumentType(
            id="thai_competency_certificate",
            title_th="หนังสือรับรองผลการสอบวัดระดับความสามารถในการใช้ภาษาไทย",
            required=("subject_name", "test_date", "result_level", "reference_number"),
            download_name="thai-competency-result.pdf",
            short_title="ผลสอบภาษาไทย",
            layout="certificate",
            signer="obec",
        ),
        make_data=document_data,
        staff_fields=(RESULT_LEVEL, SKILLS, REFERENCE_NUMBER),
    ),
    # No fee: no source found names one.
    fee=FeeRule(code="TCT"),
    routing_words=(r"สอบภาษาไทย", r"สอบวัดระดับภาษาไทย", r"ความสามารถในการใช้ภาษาไทย", r"thaitest",
                   r"competency"),
    routing_priority=78,
    source=("docs/rules.md#thai-competency-test-for-foreigners: OBEC's announcements of the test; "
            "the citizen's manual (สพฐ.) was not found"),
)

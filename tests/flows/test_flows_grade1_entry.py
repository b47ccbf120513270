"""Grade 1 early/late entry (ผ่อนผัน ป.1): requests that fit the birth year, and consent first."""

from __future__ import annotations

import sqlalchemy as sa
from flows_chat import SCHOOL_ID, STUDENT_ID, Absent, Chat, Photo, Tap

from backend import consent
from backend.applications.models import ApplicationStatus
from backend.consent import ConsentRecord
from backend.school_config import SchoolConfig
from flows.engine import Engine
from flows.services import ALL_FLOWS, grade1_entry
from flows.sessions import SessionStore

# The clock says 25 November 2569: requests are for academic year 2570, whose ป.1 takes
# children born in 2563; early entry is for those born in 2564.


def opening(birth_date: str) -> list:
    return [
        ("ขอผ่อนผันเข้าเรียน ป.1", ["เริ่มคำขอผ่อนผันการเข้าเรียนค่ะ", "ขั้นตอนที่ 1 จาก 8"]),
        ("เด็กชายสมชาย ใจดี", ["ขั้นตอนที่ 2 จาก 8", "[ไม่มีเลขประจำตัว]"]),
        (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 8", "เกิดวันที่"]),
        (birth_date, ["ขั้นตอนที่ 4 จาก 8", "[ขอเข้าก่อนเกณฑ์]", "[ขอเลื่อนเข้าเรียน]"]),
    ]


ENDING = [
    (Tap("มารดา"), ["สูติบัตร", "[ไม่มีเอกสารนี้]"]),
    (Photo(), ["บัตรประชาชน"]),
]


async def consent_choices(chat: Chat) -> list[tuple[str, bool]]:
    async with chat.maker() as session:
        rows = await session.scalars(
            sa.select(ConsentRecord).where(
                ConsentRecord.school_id == SCHOOL_ID, ConsentRecord.user_ref == chat.user_ref
            )
        )
        return [(row.purpose, row.granted) for row in rows]


async def test_early_entry_for_a_ready_child(chat: Chat, clock):
    await chat.play(
        [
            *opening("1 มีนาคม 2564"),
            (Tap("ขอเข้าก่อนเกณฑ์"), ["ขั้นตอนที่ 5 จาก 8", "[ความพร้อมของเด็ก]"]),
            (Tap("ความพร้อมของเด็ก"), ["ขั้นตอนที่ 6 จาก 8", "[มารดา]", Absent("ใบรับรองแพทย์")]),
            *ENDING,
            (
                Photo(),
                [
                    "ตรวจสอบคำขอผ่อนผันการเข้าเรียน",
                    "ชื่อนักเรียน: เด็กชายสมชาย ใจดี",
                    "วันเกิดนักเรียน: 1 มีนาคม 2564",
                    "ประเภทคำขอ: ขอเข้าก่อนเกณฑ์",
                    "เหตุผล: ความพร้อมของเด็ก",
                    "ผู้ยื่นคำขอเป็น: มารดา",
                    "สูติบัตร: ส่งแล้ว 1 ไฟล์",
                    "บัตรผู้ปกครอง: ส่งแล้ว 1 ไฟล์",
                    Absent("ความยินยอม"),
                ],
            ),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: GE-", "แจ้งผลทาง LINE"]),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers["request_type"] == "early"
    assert application.answers["student_birth_date"] == "2021-03-01"
    assert await consent_choices(chat) == []  # nothing sensitive was asked


async def test_a_medical_reason_asks_consent_before_the_certificate(chat: Chat, clock):
    await chat.play(
        [
            *opening("1 กุมภาพันธ์ 2563"),
            (Tap("ขอเลื่อนเข้าเรียน"), ["ขั้นตอนที่ 5 จาก 8"]),
            (
                Tap("สุขภาพ/การเจ็บป่วย"),
                [
                    "ขั้นตอนที่ 6 จาก 9",
                    "ยินยอมให้โรงเรียนเก็บและใช้ใบรับรองแพทย์เพื่อพิจารณาคำขอนี้เท่านั้น",
                    "ถอนความยินยอมได้ทุกเมื่อ",
                    "[ยินยอม]",
                    "[ไม่ยินยอม]",
                ],
            ),
            (Tap("ยินยอม"), ["ขั้นตอนที่ 7 จาก 10", "ใบรับรองแพทย์"]),
            (Photo(), ["ได้รับใบรับรองแพทย์แล้วค่ะ", "ขั้นตอนที่ 8 จาก 10"]),
            *ENDING,
            (Photo(), ["ความยินยอม: ยินยอม", "ใบรับรองแพทย์: ส่งแล้ว 1 ไฟล์"]),
        ]
    )
    assert await consent_choices(chat) == []  # recorded with the request, not before
    await chat.play([(Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: GE-", Absent("เอกสารที่ยังไม่มี")])])
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert len(application.answers["medical_certificate"]) == 1
    assert application.missing_documents == []
    assert await consent_choices(chat) == [(consent.SENSITIVE, True)]


async def test_without_consent_no_certificate_is_asked_and_staff_see_it_missing(chat: Chat):
    await chat.play(
        [
            *opening("1 กุมภาพันธ์ 2563"),
            (Tap("ขอเลื่อนเข้าเรียน"), ["ขั้นตอนที่ 5 จาก 8"]),
            (Tap("สุขภาพ/การเจ็บป่วย"), ["ขั้นตอนที่ 6 จาก 9"]),
            (Tap("ไม่ยินยอม"), ["ขั้นตอนที่ 7 จาก 9", "[มารดา]", Absent("ขอรูปถ่ายใบรับรองแพทย์")]),
            *ENDING,
            (Photo(), ["ความยินยอม: ไม่ยินยอม", Absent("ใบรับรองแพทย์:")]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: GE-"]),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert "medical_certificate" not in application.answers
    assert application.missing_documents == [
        {"document": "medical_certificate", "name": "ใบรับรองแพทย์"}
    ]
    assert await consent_choices(chat) == [(consent.SENSITIVE, False)]


async def test_a_request_that_does_not_fit_the_birth_year_is_explained(chat: Chat):
    await chat.play(
        [
            *opening("1 กุมภาพันธ์ 2563"),
            (Tap("ขอเข้าก่อนเกณฑ์"), ["ปีการศึกษา 2570 รับเด็กที่เกิดปี พ.ศ. 2563", "ไม่ต้องขอผ่อนผัน"]),
            ("ย้อนกลับ", ["ขั้นตอนที่ 3 จาก 8", "คำตอบเดิม: 1 กุมภาพันธ์ 2563"]),
            ("1 มกราคม 2565", ["ขั้นตอนที่ 4 จาก 8"]),
            (
                Tap("ขอเข้าก่อนเกณฑ์"),
                ["เฉพาะเด็กที่เกิดปี พ.ศ. 2564", "ตามเกณฑ์ในปีการศึกษา 2572", "ขั้นตอนที่ 4 จาก 8"],
            ),
            ("ย้อนกลับ", ["ขั้นตอนที่ 3 จาก 8"]),
            ("1 มกราคม 2564", ["ขั้นตอนที่ 4 จาก 8"]),
            (Tap("ขอเลื่อนเข้าเรียน"), ["ยังไม่ถึงเกณฑ์ จึงไม่ต้องขอเลื่อน", "“ขอเข้าก่อนเกณฑ์”"]),
            (Tap("ขอเข้าก่อนเกณฑ์"), ["ขั้นตอนที่ 5 จาก 8"]),
        ]
    )
    assert (await chat.application()).answers["request_type"] == "early"


async def test_another_reason_is_told_in_words(chat: Chat):
    await chat.play(
        [
            *opening("1 กุมภาพันธ์ 2562"),  # deferred once already: still a deferral
            (Tap("ขอเลื่อนเข้าเรียน"), ["ขั้นตอนที่ 5 จาก 8"]),
            (Tap("อื่น ๆ"), ["ขั้นตอนที่ 6 จาก 9", "เล่าเหตุผล"]),
            ("ครอบครัวจะย้ายไปต่างประเทศหนึ่งปี", ["ขั้นตอนที่ 7 จาก 9", "[มารดา]"]),
        ]
    )
    assert (await chat.application()).answers["reason_other"] == "ครอบครัวจะย้ายไปต่างประเทศหนึ่งปี"


async def test_changing_the_reason_at_the_summary_files_no_health_data(chat: Chat):
    await chat.play(
        [
            *opening("1 กุมภาพันธ์ 2563"),
            (Tap("ขอเลื่อนเข้าเรียน"), ["ขั้นตอนที่ 5 จาก 8"]),
            (Tap("สุขภาพ/การเจ็บป่วย"), ["ขั้นตอนที่ 6 จาก 9"]),
            (Tap("ยินยอม"), ["ขั้นตอนที่ 7 จาก 10"]),
            (Photo(), ["ขั้นตอนที่ 8 จาก 10"]),
            *ENDING,
            (Photo(), ["ตรวจสอบคำขอ", "ใบรับรองแพทย์: ส่งแล้ว 1 ไฟล์"]),
            (Tap("แก้เหตุผล"), ["คำตอบเดิม: สุขภาพ/การเจ็บป่วย", "ขั้นตอนที่ 5 จาก 10"]),
            (Tap("เหตุผลทางครอบครัว"), ["ตรวจสอบคำขอ", Absent("ใบรับรองแพทย์"), Absent("ความยินยอม")]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: GE-"]),
        ]
    )
    application = await chat.application()
    assert "medical_certificate" not in application.answers
    assert "medical_consent" not in application.answers
    assert application.missing_documents == []
    assert await consent_choices(chat) == []


async def test_the_schools_year_and_privacy_notice_are_used(chat: Chat, clock):
    config = SchoolConfig(academic_year=2569, privacy_notice_url="https://school.example/privacy")
    flow = grade1_entry.build(config)
    chat.engine = Engine(flows={**ALL_FLOWS, flow.id: flow}, sessions=SessionStore(), clock=clock)
    await chat.play(
        [
            *opening("1 มีนาคม 2564"),
            # For 2569 the cohort is 2562: born 2564 is two years early.
            (Tap("ขอเข้าก่อนเกณฑ์"), ["เฉพาะเด็กที่เกิดปี พ.ศ. 2563"]),
            ("ย้อนกลับ", ["ขั้นตอนที่ 3"]),
            ("1 มีนาคม 2563", ["ขั้นตอนที่ 4"]),
            (Tap("ขอเข้าก่อนเกณฑ์"), ["ขั้นตอนที่ 5 จาก 8"]),
            (Tap("สุขภาพ/การเจ็บป่วย"), ["https://school.example/privacy", "[ยินยอม]"]),
        ]
    )

"""Transfer in (ย้ายเข้า), as parents live it: any grade, and the right record of past study."""

from __future__ import annotations

from flows_chat import STUDENT_ID, Absent, Chat, Photo, Tap, wrong_checksum

from backend.applications.models import ApplicationStatus
from backend.thai.ids import format_national_id

UP_TO_MID_TERM = [
    ("ขอย้ายเข้าค่ะ", ["เริ่มคำขอย้ายเข้าค่ะ", "ขั้นตอนที่ 1 จาก 13", "พร้อมคำนำหน้า"]),
    ("เด็กชายสมชาย ใจดี", ["ขั้นตอนที่ 2 จาก 13"]),
    (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 13"]),
    ("15 มีนาคม 2556", ["ขั้นตอนที่ 4 จาก 13", "โรงเรียนอะไร จังหวัดอะไร"]),
    ("โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น", ["ขั้นตอนที่ 5 จาก 13", "ชั้นอะไร"]),
    ("ม.2", ["ขั้นตอนที่ 6 จาก 13", "[ย้ายที่อยู่]", "[ผู้ปกครองย้ายงาน]"]),
    (Tap("ผู้ปกครองย้ายงาน"), ["ขั้นตอนที่ 7 จาก 13", "ชื่อและนามสกุลของผู้ปกครอง"]),
    ("นายสมศักดิ์ ใจดี", ["ขั้นตอนที่ 8 จาก 13", "[บิดา]"]),
    (Tap("บิดา"), ["ขั้นตอนที่ 9 จาก 13", "เบอร์โทรศัพท์"]),
    ("02-123-4567", ["ขั้นตอนที่ 10 จาก 13", "ย้ายระหว่างภาคเรียน", "[ใช่]", "[ไม่ใช่]"]),
]
COMMON_DOCUMENTS = [
    (Photo(), ["ขั้นตอนที่ 12 จาก 14", "บัตรประชาชนของผู้ยื่นคำขอ"]),
    (Photo(), ["ขั้นตอนที่ 13 จาก 14", "ทะเบียนบ้าน"]),
]
TO_SUMMARY = [
    *UP_TO_MID_TERM,
    (Tap("ไม่ใช่"), ["ขั้นตอนที่ 11 จาก 14", "บัตรประชาชนของนักเรียน"]),
    *COMMON_DOCUMENTS,
    (Photo(), ["ขั้นตอนที่ 14 จาก 14", "ปพ.1", Absent("ภาคเรียนนี้")]),
    (Photo(3), ["ตรวจสอบคำขอย้ายเข้า"]),
]


async def test_happy_path_files_a_request_and_says_what_comes_next(chat: Chat, clock):
    await chat.play(
        [
            *TO_SUMMARY[:-1],
            (
                Photo(3),
                [
                    "ชื่อนักเรียน: เด็กชายสมชาย ใจดี",
                    f"เลขบัตรประชาชน: {format_national_id(STUDENT_ID)}",
                    "วันเกิดนักเรียน: 15 มีนาคม 2556",
                    "โรงเรียนเดิม: โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น",
                    "ชั้นที่ย้ายเข้า: ม.2",
                    "สาเหตุที่ย้าย: ผู้ปกครองย้ายงาน",
                    "ชื่อผู้ปกครอง: นายสมศักดิ์ ใจดี",
                    "ผู้ยื่นคำขอเป็น: บิดา",
                    "เบอร์โทรศัพท์: 02-123-4567",
                    "ย้ายกลางภาคเรียน: ไม่ใช่",
                    "บัตรนักเรียน: ส่งแล้ว 1 ไฟล์",
                    "บัตรผู้ปกครอง: ส่งแล้ว 1 ไฟล์",
                    "ทะเบียนบ้าน: ส่งแล้ว 1 ไฟล์",
                    "ปพ.1: ส่งแล้ว 3 ไฟล์",
                    Absent("ผลการเรียนภาคนี้"),
                    Absent("สาเหตุ (อื่น ๆ)"),
                ],
            ),
            (
                Tap("ยืนยันส่งคำขอ"),
                [
                    "ส่งคำขอย้ายเข้าเรียบร้อยแล้วค่ะ",
                    "เลขที่คำขอ: TI-",
                    "พิจารณาเหตุผลการย้ายก่อน",
                    "แบบ พฐ.19/1 หรือ บค.20",
                ],
            ),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at == clock.now()
    answers = application.answers
    assert answers["grade_entering"] == "m2"
    assert answers["reason"] == "parent_work"
    assert answers["parent_phone"] == "021234567"
    assert answers["mid_term"] == "no"
    assert len(answers["transcript"]) == 3
    assert "term_record" not in answers


async def test_moving_mid_term_asks_for_attendance_and_scores_instead_of_the_transcript(
    chat: Chat,
):
    await chat.play(
        [
            *UP_TO_MID_TERM,
            (Tap("ใช่"), ["ขั้นตอนที่ 11 จาก 14"]),
            *COMMON_DOCUMENTS,
            (Photo(), ["ขั้นตอนที่ 14 จาก 14", "หลักฐานเวลาเรียนและผลการเรียน", Absent("ปพ.1")]),
            (Tap("ไม่มีเอกสารนี้"), ["ตรวจสอบคำขอย้ายเข้า", "ผลการเรียนภาคนี้: ยังไม่มี (แจ้งไว้แล้ว)"]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: TI-", "เอกสารที่ยังไม่มี: ผลการเรียนภาคนี้"]),
        ]
    )
    application = await chat.application()
    assert application.missing_documents == [{"document": "term_record", "name": "ผลการเรียนภาคนี้"}]


async def test_changing_to_mid_term_at_the_summary_asks_for_the_other_record(chat: Chat):
    await chat.play(
        [
            *TO_SUMMARY,
            (Tap("แก้ย้ายกลางภาคเรียน"), ["คำตอบเดิม: ไม่ใช่", "ขั้นตอนที่ 10 จาก 14"]),
            (Tap("ใช่"), ["ขั้นตอนที่ 14 จาก 14", "หลักฐานเวลาเรียนและผลการเรียน"]),
            (Photo(), ["ตรวจสอบคำขอย้ายเข้า", "ผลการเรียนภาคนี้: ส่งแล้ว 1 ไฟล์", Absent("ปพ.1:")]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: TI-"]),
        ]
    )
    answers = (await chat.application()).answers
    assert "transcript" not in answers  # a record that no longer applies is not filed
    assert len(answers["term_record"]) == 1


async def test_wrong_id_and_another_reason_lose_nothing(chat: Chat):
    await chat.play(
        [
            *UP_TO_MID_TERM[:2],
            (wrong_checksum(STUDENT_ID), ["เลขตรวจสอบ", "ขั้นตอนที่ 2 จาก 13"]),
            (Tap("ไม่มีเลขประจำตัว"), ["ขั้นตอนที่ 3 จาก 13"]),
            *UP_TO_MID_TERM[3:5],
            ("ป.5", ["ขั้นตอนที่ 6 จาก 13"]),  # any grade: this is not admission
            (Tap("อื่น ๆ"), ["ขั้นตอนที่ 7 จาก 14", "เล่าสาเหตุ"]),
            ("ย้อนกลับ", ["ขั้นตอนที่ 6 จาก 14", "คำตอบเดิม: อื่น ๆ"]),
            (Tap("ใกล้บ้านมากกว่า"), ["ขั้นตอนที่ 7 จาก 13", "ชื่อและนามสกุลของผู้ปกครอง"]),
        ]
    )
    answers = (await chat.application()).answers
    assert answers["student_national_id"] == "none"
    assert answers["grade_entering"] == "p5"
    assert answers["reason"] == "closer_to_home"

"""Say it once, and answers as parents type them, in the conversation itself.

Today is Wednesday 25 November 2569 (tests/flows/conftest.py).
"""

from __future__ import annotations

from flows_chat import STUDENT_ID, Absent, Chat, Tap

from backend.applications.models import ApplicationStatus


async def test_a_first_message_gives_venue_date_and_purpose_and_only_the_rest_is_asked(chat: Chat):
    await chat.play(
        [
            (
                "อยากจองหอประชุมวันเสาร์ที่ 19 ธ.ค. จัดงานทำบุญหมู่บ้าน",
                [
                    "เริ่มคำขอใช้อาคารสถานที่ค่ะ",
                    "สถานที่: หอประชุม", "วันแรก: 19 ธันวาคม 2569", "ใช้เพื่อ: จัดงานทำบุญหมู่บ้าน",
                    "ขั้นตอนที่ 2 จาก 9", "ชื่อและนามสกุลของผู้ขอใช้",
                    Absent("ต้องการใช้สถานที่ใดคะ"),
                ],
            ),
            ("นายสมชาย ใจดี", ["ขั้นตอนที่ 3 จาก 9", "[ข้าม]"]),
            (Tap("ข้าม"), ["ขั้นตอนที่ 5 จาก 9", "การพนัน", Absent("กิจกรรมอะไร")]),
            ("รับทราบค่ะ", ["ขั้นตอนที่ 7 จาก 9", "ใช้ถึงวันที่เท่าไร", Absent("ตั้งแต่วันที่เท่าไร")]),
            ("วันเดียวค่ะ", ["ขั้นตอนที่ 8 จาก 9", "กี่คน"]),
            ("150", ["ขั้นตอนที่ 9 จาก 9"]),
            (
                "081-234-5678",
                [
                    "ตรวจสอบคำขอใช้อาคารสถานที่", "สถานที่: หอประชุม", "ใช้เพื่อ: จัดงานทำบุญหมู่บ้าน",
                    "วันแรก: 19 ธันวาคม 2569", "วันสุดท้าย: 19 ธันวาคม 2569",
                ],
            ),
            (Tap("ยืนยันส่งคำขอ"), ["ส่งคำขอใช้อาคารสถานที่เรียบร้อยแล้วค่ะ"]),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers["venue"] == "v_hall"
    assert application.answers["first_day"] == application.answers["last_day"] == "2026-12-19"
    assert application.answers["purpose"] == "จัดงานทำบุญหมู่บ้าน"
    assert "_given" not in application.answers


async def test_a_date_given_too_soon_is_asked_again_with_the_reason(chat: Chat):
    await chat.play(
        [
            ("ขอใช้สนามฟุตบอลพรุ่งนี้ค่ะ", ["สถานที่: สนามฟุตบอล", "ขั้นตอนที่ 2 จาก 9"]),
            ("นายสมชาย ใจดี", ["ขั้นตอนที่ 3 จาก 9"]),
            (Tap("ข้าม"), ["ขั้นตอนที่ 4 จาก 9", "กิจกรรมอะไร"]),
            ("เตะฟุตบอลกระชับมิตร", ["ขั้นตอนที่ 5 จาก 9"]),
            ("ใช่ค่ะ", ["ล่วงหน้าอย่างน้อย 5 วัน", "ขั้นตอนที่ 6 จาก 9", "ตั้งแต่วันที่เท่าไร"]),
            ("19 ธ.ค.", ["ขั้นตอนที่ 7 จาก 9"]),
            ("ใช้ 2 วันค่ะ", ["ขั้นตอนที่ 8 จาก 9"]),
        ]
    )
    answers = (await chat.application()).answers
    assert (answers["first_day"], answers["last_day"]) == ("2026-12-19", "2026-12-20")


async def test_a_grade_in_the_first_message_is_taken_once_the_age_rule_can_check_it(chat: Chat):
    await chat.play(
        [
            ("สมัคร ป.1 ให้ลูกชายค่ะ", ["ชั้นที่สมัคร: ป.1", "ขั้นตอนที่ 1 จาก 13", "พร้อมคำนำหน้า"]),
            ("ด.ช. สมชาย ใจดี", ["ขั้นตอนที่ 2 จาก 13"]),
            (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 13", "เกิดวันที่"]),
            ("15 มี.ค.", ["กรุณาใส่ปี พ.ศ. ด้วย", "ขั้นตอนที่ 3 จาก 13"]),  # a birth date is never guessed
            ("15 มีนาคม 2563 ค่ะ", ["ขั้นตอนที่ 5 จาก 13", "ชื่อและนามสกุลของผู้ปกครอง"]),
            ("นางสมศรี ใจดี", ["ขั้นตอนที่ 6 จาก 13"]),
            ("แม่ค่ะ", ["ขั้นตอนที่ 7 จาก 13", "เบอร์โทรศัพท์"]),
        ]
    )
    answers = (await chat.application()).answers
    assert (answers["grade_applied"], answers["applicant_relationship"]) == ("p1", "mother")


async def test_a_grade_the_age_rule_refuses_is_asked_with_the_reason(chat: Chat):
    await chat.play(
        [
            ("สมัครเรียนอนุบาล 2 ค่ะ", ["ชั้นที่สมัคร: อ.2"]),
            ("ด.ช. สมชาย ใจดี", ["ขั้นตอนที่ 2 จาก 13"]),
            (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 13"]),
            ("15 มีนาคม 2563", ["อายุเกินเกณฑ์", "ขั้นตอนที่ 4 จาก 13", "[ป.1]"]),  # six: not อ.2
            ("ป.1 ค่ะ", ["ขั้นตอนที่ 5 จาก 13"]),
        ]
    )


async def test_an_unsure_reply_is_asked_back_and_a_typo_is_forgiven(chat: Chat):
    await chat.play(
        [
            ("ขอใช้สถานที่จัดงานค่ะ", ["ขั้นตอนที่ 1 จาก 9", Absent("จากข้อความของคุณ")]),
            ("โรงอาหารค่ะ", ["กรุณาเลือกจากปุ่มด้านล่าง", "ขั้นตอนที่ 1 จาก 9"]),
            ("หอประชมค่ะ", ["ขั้นตอนที่ 2 จาก 9"]),
        ]
    )

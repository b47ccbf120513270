"""Withdrawal (ลาออก): a child still in compulsory schooling must say where they will learn next."""

from __future__ import annotations

import pytest
from flows_chat import SILENT, STUDENT_ID, Absent, Chat, Photo, PickDate, Tap, wrong_checksum

from backend.applications.models import ApplicationStatus
from flows.inputs import PostbackInput


def opening(birth_date: str, grade: str, *, total: int = 10, name: str = "เด็กชายสมชาย ใจดี") -> list:
    """Up to the relationship question; ``total`` is known once birth date and grade are."""
    return [
        ("ลาออก", ["เริ่มคำขอลาออกค่ะ", "ขั้นตอนที่ 1 จาก 9"]),
        (name, ["ขั้นตอนที่ 2 จาก 9"]),
        (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 9", "เกิดวันที่"]),
        (birth_date, ["ขั้นตอนที่ 4 จาก 9", "ชั้นอะไร"]),
        (grade, [f"ขั้นตอนที่ 5 จาก {total}", "[บิดา]"]),
    ]


ENDING = [
    ("ย้ายตามครอบครัวไปต่างจังหวัด", ["วันที่"]),
    (PickDate("2026-12-01"), ["บัตรประชาชน", "[ไม่มีเอกสารนี้]"]),
    (Photo(), ["ทะเบียนบ้าน", "(ไม่บังคับ)", "[ข้าม]", Absent("[ไม่มีเอกสารนี้]")]),
]


async def test_a_13_year_old_in_m2_names_another_school(chat: Chat):
    await chat.play(
        [
            *opening("15 มีนาคม 2556", "ม.2"),
            (
                Tap("มารดา"),
                [
                    "ขั้นตอนที่ 6 จาก 10",
                    "การศึกษาภาคบังคับ",
                    "[โรงเรียนอื่น]",
                    "[การศึกษานอกระบบ]",
                    "[บ้านเรียน]",
                    Absent("[ไม่ได้เรียนต่อ]"),
                ],
            ),
            (Tap("โรงเรียนอื่น"), ["ขั้นตอนที่ 7 จาก 11", "ชื่อโรงเรียนหรือศูนย์ กศน."]),
            ("โรงเรียนวัดใหม่ จังหวัดลำปาง", ["ขั้นตอนที่ 8 จาก 11", "สาเหตุที่ลาออก"]),
            *ENDING,
            (
                Tap("ข้าม"),
                [
                    "ตรวจสอบคำขอลาออก",
                    "วันเกิดนักเรียน: 15 มีนาคม 2556",
                    "ไปเรียนต่อที่: โรงเรียนอื่น",
                    "ชื่อสถานศึกษาใหม่: โรงเรียนวัดใหม่ จังหวัดลำปาง",
                    "ทะเบียนบ้าน: ไม่ได้ส่ง",
                ],
            ),
            (
                Tap("ยืนยันส่งคำขอ"),
                ["ส่งคำขอลาออกเรียบร้อยแล้วค่ะ", "เลขที่คำขอ: WD-", Absent("เอกสารที่ยังไม่มี")],
            ),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers["destination"] == "another_school"
    assert application.answers["student_house_registration"] is None
    assert application.missing_documents == []  # optional and skipped is not missing


@pytest.mark.parametrize(
    ("birth_date", "grade", "name"),
    [
        ("1 มกราคม 2551", "ม.5", "นายสมชาย ใจดี"),  # 18 years old
        ("1 มกราคม 2554", "ม.4", "นายสมชาย ใจดี"),  # 15, but has finished ม.3
        ("1 มกราคม 2553", "ม.3", "นายสมชาย ใจดี"),  # 16 full years, not finished ม.3
        # "ย่างเข้าปีที่ 16" in 2569, the year of this clock, though only 15 full years old.
        ("31 ธันวาคม 2553", "ม.3", "เด็กชายสมชาย ใจดี"),
    ],
)
async def test_after_compulsory_schooling_a_leaver_may_stop_learning(chat: Chat, birth_date, grade, name):
    await chat.play(
        [
            *opening(birth_date, grade, name=name),
            (Tap("บิดา"), ["ขั้นตอนที่ 6 จาก 10", "หลังลาออก", "[ไม่ได้เรียนต่อ]", Absent("ภาคบังคับ")]),
            (Tap("ไม่ได้เรียนต่อ"), ["ขั้นตอนที่ 7 จาก 10", "สาเหตุที่ลาออก"]),
            *ENDING,
            (Tap("ข้าม"), ["ตรวจสอบคำขอลาออก", "หลังลาออก: ไม่ได้เรียนต่อ", Absent("ไปเรียนต่อที่")]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: WD-", "ภายใน 1 วันทำการ", Absent("1 ชั่วโมง")]),
        ]
    )
    assert (await chat.application()).answers["plan_after_leaving"] == "not_continuing"


async def test_a_child_in_the_last_compulsory_year_may_not_stop_learning(chat: Chat):
    # Born 1 January 2554: "ย่างเข้าปีที่ 16" only in 2570, so in 2569 still compulsory.
    await chat.play(
        [
            *opening("1 มกราคม 2554", "ม.3", name="นายสมชาย ใจดี"),
            (Tap("บิดา"), ["ขั้นตอนที่ 6 จาก 10", "การศึกษาภาคบังคับ", Absent("[ไม่ได้เรียนต่อ]")]),
        ]
    )


async def test_home_schooling_is_recorded_as_needing_the_district_offices_permission(chat: Chat):
    await chat.play(
        [
            *opening("15 มีนาคม 2556", "ป.6"),
            (Tap("มารดา"), ["ขั้นตอนที่ 6 จาก 10"]),
            (Tap("บ้านเรียน"), ["ขั้นตอนที่ 7 จาก 11", "สำนักงานเขตพื้นที่การศึกษา", "[ยังไม่ได้ยื่น]",
                               Absent("ชื่อโรงเรียน")]),
            (Tap("ยังไม่ได้ยื่น"), ["ขั้นตอนที่ 8 จาก 11", "สาเหตุที่ลาออก"]),
            ("จะสอนเองที่บ้าน", ["วันที่"]),
            *ENDING[1:],
            (Tap("ข้าม"), ["ตรวจสอบคำขอลาออก", "ไปเรียนต่อที่: บ้านเรียน", "อนุญาตบ้านเรียน: ยังไม่ได้ยื่น"]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: WD-", "ต้องได้รับอนุญาตจากสำนักงานเขตพื้นที่การศึกษา"]),
        ]
    )
    answers = (await chat.application()).answers
    assert (answers["destination"], answers["district_permission"]) == ("home_school", "not_yet")


async def test_home_schooling_already_permitted_sends_the_permission(chat: Chat):
    await chat.play(
        [
            *opening("15 มีนาคม 2556", "ป.6"),
            (Tap("มารดา"), ["ขั้นตอนที่ 6 จาก 10"]),
            (Tap("บ้านเรียน"), ["ขั้นตอนที่ 7 จาก 11"]),
            (Tap("ได้รับอนุญาตแล้ว"), ["ขั้นตอนที่ 8 จาก 12", "หนังสืออนุญาต"]),
            (Photo(), ["ขั้นตอนที่ 9 จาก 12", "สาเหตุที่ลาออก"]),
        ]
    )


async def test_editing_the_birth_date_changes_which_questions_apply(chat: Chat):
    await chat.play(
        [
            *opening("1 มกราคม 2553", "ม.2", name="สมชาย ใจดี"),
            (Tap("บิดา"), ["ขั้นตอนที่ 6 จาก 10", "[ไม่ได้เรียนต่อ]"]),
            (Tap("ไม่ได้เรียนต่อ"), ["ขั้นตอนที่ 7 จาก 10"]),
            *ENDING,
            (Tap("ข้าม"), ["ตรวจสอบคำขอลาออก", Absent("ไปเรียนต่อที่")]),
            (Tap("แก้วันเกิดนักเรียน"), ["คำตอบเดิม: 1 มกราคม 2553"]),
            # Now 13 years old: the destination is required before the summary comes back.
            (PickDate("2013-03-15"), ["ขั้นตอนที่ 6 จาก 10", "การศึกษาภาคบังคับ"]),
            (Tap("การศึกษานอกระบบ"), ["ขั้นตอนที่ 7 จาก 11", "กศน."]),
            ("กศน.อำเภอเมือง จังหวัดลำปาง", ["ตรวจสอบคำขอลาออก", "ไปเรียนต่อที่: การศึกษานอกระบบ"]),
            (Tap("แก้วันเกิดนักเรียน"), ["คำตอบเดิม: 15 มีนาคม 2556"]),
            ("1 มกราคม 2553", ["ตรวจสอบคำขอลาออก", Absent("ไปเรียนต่อที่"), "หลังลาออก: ไม่ได้เรียนต่อ"]),
            ("โอเค", ["กรุณาตรวจสอบข้อมูล", "ตรวจสอบคำขอลาออก"]),
            ("ยืนยันค่ะ", ["ส่งคำขอลาออกเรียบร้อยแล้วค่ะ"]),
        ]
    )
    answers = (await chat.application()).answers
    # Answers to questions that no longer apply are not filed.
    assert "destination" not in answers and "destination_name" not in answers


async def test_birth_date_rules_are_checked_after_parsing(chat: Chat):
    await chat.play(
        [
            *opening("15 มีนาคม 2556", "ม.2")[:3],
            ("1 มกราคม 2570", ["วันเกิดต้องเป็นวันที่ผ่านมาแล้ว", "ขั้นตอนที่ 3 จาก 9"]),
            ("1 มกราคม 2490", ["อายุเกิน 25 ปี", "ขั้นตอนที่ 3 จาก 9"]),
            ("๑๕ มี.ค. ๒๕๕๖", ["ขั้นตอนที่ 4 จาก 9"]),
        ]
    )
    assert (await chat.application()).answers["student_birth_date"] == "2013-03-15"


async def test_wrong_id_cancel_and_resume_work_here_too(chat: Chat, clock):
    await chat.play(
        [
            *opening("15 มีนาคม 2556", "ม.2")[:2],
            (wrong_checksum(STUDENT_ID), ["เลขตรวจสอบ", "ขั้นตอนที่ 2 จาก 9"]),
        ]
    )
    clock.advance(days=3)
    await chat.play(
        [
            ("ขอโทษค่ะ หายไปหลายวัน", ["ยินดีต้อนรับกลับค่ะ", "ขั้นตอนที่ 2 จาก 9"]),
            (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 9"]),
            ("ยกเลิกค่ะ", ["ต้องการยกเลิกคำขอลาออกใช่ไหมคะ"]),
        ]
    )
    confirm_cancel = PostbackInput(chat.choice("ยืนยันยกเลิก").postback)
    await chat.play(
        [
            (confirm_cancel, ["ยกเลิกคำขอลาออกเรียบร้อยแล้วค่ะ"]),
            (confirm_cancel, ["ปุ่มนี้มาจากคำขอเดิมที่จบไปแล้วค่ะ", "[ลาออก]"]),
        ]
    )
    assert (await chat.application()).status == ApplicationStatus.CANCELLED


async def test_double_tap_on_i_do_not_have_it_records_it_once(chat: Chat):
    await chat.play(
        [
            *opening("1 มกราคม 2551", "ม.5", name="นายสมชาย ใจดี"),
            (Tap("บิดา"), ["ขั้นตอนที่ 6 จาก 10"]),
            (Tap("โรงเรียนอื่น"), ["ขั้นตอนที่ 7 จาก 11"]),
            ("โรงเรียนวัดใหม่ จังหวัดลำปาง", ["ขั้นตอนที่ 8 จาก 11"]),
            *ENDING[:2],
        ]
    )
    no_document = PostbackInput(chat.choice("ไม่มีเอกสารนี้").postback)
    await chat.play([(no_document, ["บันทึกไว้แล้ว", "[ข้าม]"]), (no_document, SILENT)])
    assert (await chat.application()).missing_documents == [
        {"document": "parent_id_card", "name": "บัตรผู้ปกครอง"}
    ]

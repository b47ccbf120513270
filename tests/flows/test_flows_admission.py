"""Admission (สมัครเรียน), as parents live it: age rules, children without an ID, addresses."""

from __future__ import annotations

from flows_chat import STUDENT_ID, Absent, Chat, Photo, PickDate, Tap, wrong_checksum

from backend.applications.models import ApplicationStatus
from backend.school_config import parse_school_config
from backend.thai.ids import format_national_id, synthetic_national_id
from flows.engine import Engine
from flows.services import ALL_FLOWS, admission
from flows.sessions import SessionStore

# The clock says 25 November 2569: admissions are for academic year 2570, whose ป.1 takes
# children born in 2563.
ADDRESS = "12 หมู่ 3 ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000"
SHOWN_ADDRESS = "12 หมู่ 3 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000"

UP_TO_GRADE = [
    ("สมัครเรียนค่ะ", ["เริ่มคำขอสมัครเรียนค่ะ", "ขั้นตอนที่ 1 จาก 13", "พร้อมคำนำหน้า"]),
    ("ด.ญ. สมใจ ใจดี", ["ขั้นตอนที่ 2 จาก 13", "[ไม่มีเลขประจำตัว]"]),
    (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 13", "เกิดวันที่"]),
    ("15 มีนาคม 2563", ["ขั้นตอนที่ 4 จาก 13", "[อ.1]", "[ป.1]", "[ม.4]", "ย้ายเข้า"]),
]
AFTER_GRADE = [
    ("นางสมศรี ใจดี", ["ขั้นตอนที่ 6 จาก 13", "[มารดา]"]),
    (Tap("มารดา"), ["ขั้นตอนที่ 7 จาก 13", "เบอร์โทรศัพท์"]),
    ("081 234 5678", ["ขั้นตอนที่ 8 จาก 13", "ตำบล อำเภอ จังหวัด"]),
    (ADDRESS, ["ขั้นตอนที่ 9 จาก 13", "[อยู่ในเขต]", "[ไม่แน่ใจ]"]),
    (Tap("อยู่ในเขต"), ["ขั้นตอนที่ 10 จาก 13", "1 นิ้ว", "[ไม่มีเอกสารนี้]"]),
    (Photo(), ["ได้รับรูปถ่าย 1 นิ้วแล้วค่ะ", "สูติบัตร"]),
    (Photo(), ["ทะเบียนบ้าน"]),
    (Photo(), ["บิดาและมารดา"]),
]
TO_SUMMARY = [
    *UP_TO_GRADE,
    (Tap("ป.1"), ["ขั้นตอนที่ 5 จาก 13", "ชื่อและนามสกุลของผู้ปกครอง"]),
    *AFTER_GRADE,
    (Photo(2), ["ตรวจสอบคำขอสมัครเรียน"]),
]


async def test_happy_path_files_an_application_with_every_answer(chat: Chat, clock):
    await chat.play(
        [
            *TO_SUMMARY[:-1],
            (
                Photo(2),
                [
                    "ชื่อนักเรียน: เด็กหญิงสมใจ ใจดี",
                    f"เลขบัตรประชาชน: {format_national_id(STUDENT_ID)}",
                    "วันเกิดนักเรียน: 15 มีนาคม 2563",
                    "ชั้นที่สมัคร: ป.1",
                    "ชื่อผู้ปกครอง: นางสมศรี ใจดี",
                    "ผู้ยื่นคำขอเป็น: มารดา",
                    "เบอร์โทรศัพท์: 081-234-5678",
                    f"ที่อยู่: {SHOWN_ADDRESS}",
                    "เขตพื้นที่บริการ: อยู่ในเขต",
                    "รูปถ่าย 1 นิ้ว: ส่งแล้ว 1 ไฟล์",
                    "สูติบัตร: ส่งแล้ว 1 ไฟล์",
                    "ทะเบียนบ้าน: ส่งแล้ว 1 ไฟล์",
                    "บัตรบิดามารดา: ส่งแล้ว 2 ไฟล์",
                    Absent("บ้านเลขที่:"),
                ],
            ),
            (Tap("ยืนยันส่งคำขอ"), ["ส่งคำขอสมัครเรียนเรียบร้อยแล้วค่ะ", "เลขที่คำขอ: AD-", "มอบตัว"]),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at == clock.now()
    answers = application.answers
    assert answers["student_name"] == "เด็กหญิงสมใจ ใจดี"  # the title written in full
    assert answers["student_national_id"] == STUDENT_ID
    assert answers["student_birth_date"] == "2020-03-15"
    assert answers["grade_applied"] == "p1"
    assert answers["parent_phone"] == "0812345678"
    assert answers["home_address"]["subdistrict_code"] == "400101"
    assert answers["home_address"]["line"] == "12 หมู่ 3"
    assert answers["in_service_area"] == "in_area"
    assert application.missing_documents == []


async def test_a_child_without_an_id_is_recorded_as_such_and_goes_on(chat: Chat):
    await chat.play(
        [
            *UP_TO_GRADE[:2],
            (Tap("ไม่มีเลขประจำตัว"), ["ขั้นตอนที่ 3 จาก 13", "เกิดวันที่"]),
            *UP_TO_GRADE[3:],
            (Tap("ป.1"), ["ขั้นตอนที่ 5 จาก 13"]),
            *AFTER_GRADE,
            (Photo(), ["ตรวจสอบคำขอสมัครเรียน", "เลขบัตรประชาชน: ไม่มีเลขประจำตัว"]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: AD-"]),
        ]
    )
    assert (await chat.application()).answers["student_national_id"] == "none"


async def test_an_id_of_the_series_without_civil_registration_is_accepted(chat: Chat):
    non_thai_id = synthetic_national_id(7, non_thai=True)
    await chat.play([*UP_TO_GRADE[:2], (non_thai_id, ["ขั้นตอนที่ 3 จาก 13"])])
    assert (await chat.application()).answers["student_national_id"] == non_thai_id


async def test_wrong_id_or_name_without_title_is_asked_again_and_nothing_is_lost(chat: Chat):
    await chat.play(
        [
            UP_TO_GRADE[0],
            ("สมใจ ใจดี", ["คำนำหน้าชื่อ", "ขั้นตอนที่ 1 จาก 13"]),
            UP_TO_GRADE[1],
            (wrong_checksum(STUDENT_ID), ["เลขตรวจสอบ", "ขั้นตอนที่ 2 จาก 13", "[ไม่มีเลขประจำตัว]"]),
            ("9" + STUDENT_ID[1:], ["ไม่ขึ้นต้นด้วยเลข 9", "ขั้นตอนที่ 2 จาก 13"]),
        ]
    )
    assert (await chat.application()).answers == {"student_name": "เด็กหญิงสมใจ ใจดี"}
    await chat.play([UP_TO_GRADE[2]])


async def test_a_child_a_year_too_young_for_p1_is_told_the_ways_in_and_pointed_to_early_entry(
    chat: Chat,
):
    await chat.play(
        [
            *UP_TO_GRADE[:3],
            ("1 มิถุนายน 2564", ["ขั้นตอนที่ 4 จาก 13"]),
            (Tap("ป.1"), ["ขั้นตอนที่ 5 จาก 14", "จบชั้น อ.3", "[จบชั้น อ.3 แล้ว]", "[ได้รับผ่อนผันแล้ว]"]),
            (
                Tap("ไม่ใช่ทั้งสองกรณี"),
                [
                    "ชั้น ป.1 ปีการศึกษา 2570 รับเด็กที่เกิดปี พ.ศ. 2563",
                    "พิมพ์ “ขอผ่อนผัน”",
                    "หรือสมัครชั้น อ.3 แทน",
                    "ขั้นตอนที่ 5 จาก 14",
                ],
            ),
        ]
    )
    assert "p1_way" not in (await chat.application()).answers
    # What the message says works: close this request, then ask for early entry.
    await chat.play(
        [
            ("ยกเลิก", ["ต้องการยกเลิกคำขอสมัครเรียนใช่ไหมคะ"]),
            (Tap("ยืนยันยกเลิก"), ["ยกเลิกคำขอสมัครเรียนเรียบร้อยแล้วค่ะ", "[ขอผ่อนผัน ป.1]"]),
            ("ขอผ่อนผัน", ["เริ่มคำขอผ่อนผันการเข้าเรียนค่ะ", "ขั้นตอนที่ 1"]),
        ]
    )


async def test_a_child_a_year_over_age_for_p1_without_a_deferral_is_sent_to_the_school(chat: Chat):
    await chat.play(
        [
            *UP_TO_GRADE[:3],
            ("1 มกราคม 2562", ["ขั้นตอนที่ 4 จาก 13"]),
            (Tap("ป.1"), ["ขั้นตอนที่ 5 จาก 14", "[ได้รับผ่อนผันแล้ว]"]),
            (Tap("ไม่ใช่ทั้งสองกรณี"), ["อายุเกินเกณฑ์ชั้น ป.1", "ติดต่อโรงเรียนโดยตรง", "ขั้นตอนที่ 5 จาก 14"]),
            ("ย้อนกลับ", ["ขั้นตอนที่ 4 จาก 14", "คำตอบเดิม: ป.1"]),
            # ม.1 has no age rule.
            (Tap("ม.1"), ["ขั้นตอนที่ 5 จาก 13"]),
        ]
    )


async def test_a_child_far_too_old_for_p1_is_refused_at_the_grade(chat: Chat):
    await chat.play(
        [
            *UP_TO_GRADE[:3],
            ("1 มกราคม 2560", ["ขั้นตอนที่ 4 จาก 13"]),
            (Tap("ป.1"), ["อายุเกินเกณฑ์ชั้น ป.1", "ติดต่อโรงเรียนโดยตรง", "ขั้นตอนที่ 4 จาก 13"]),
        ]
    )


async def test_a_kindergarten_child_is_told_which_grade_fits(chat: Chat):
    await chat.play(
        [
            *UP_TO_GRADE[:3],
            (PickDate("2023-06-01"), ["ขั้นตอนที่ 4 จาก 13"]),  # 3 full years on 16 May 2570
            (Tap("อ.2"), ["อายุยังไม่ถึงเกณฑ์ชั้น อ.2", "เลือกสมัครชั้น อ.1 ได้เลยค่ะ"]),
            (Tap("อ.1"), ["ขั้นตอนที่ 5 จาก 13"]),
        ]
    )
    assert (await chat.application()).answers["grade_applied"] == "k1"


async def test_other_grades_are_transfers_in(chat: Chat):
    await chat.play(
        [
            *UP_TO_GRADE,
            ("ป.3", ["ชั้น ป.3 ไม่ใช่ชั้นที่รับสมัครนักเรียนใหม่", "พิมพ์ “ย้ายเข้า”", "ขั้นตอนที่ 4"]),
            ("ประถมสิบ", ["มีตั้งแต่ปีที่ 1 ถึง 6", "ขั้นตอนที่ 4"]),  # "สิบ" is read as 10
            ("ประถมร้อย", ["อ่านชั้นเรียนไม่ออก", "ขั้นตอนที่ 4"]),
            ("ป 1", ["ขั้นตอนที่ 5 จาก 13"]),  # typing a grade works as well as tapping
        ]
    )


async def test_the_schools_own_academic_year_sets_the_age_rule(chat: Chat, clock):
    flow = admission.build(parse_school_config({"academic_year": 2569, "grades": {"lowest": "k1"}}))
    chat.engine = Engine(flows={**ALL_FLOWS, flow.id: flow}, sessions=SessionStore(), clock=clock)
    await chat.play(
        [
            ("สมัครเรียน", ["ปีการศึกษา 2569"]),
            *UP_TO_GRADE[1:3],
            ("15 มีนาคม 2560", ["ขั้นตอนที่ 4 จาก 13"]),  # ป.1 in 2569 takes children born in 2562
            (Tap("ป.1"), ["อายุเกินเกณฑ์ชั้น ป.1 ปีการศึกษา 2569", "ขั้นตอนที่ 4 จาก 13"]),
            ("ย้อนกลับ", ["คำตอบเดิม: 15 มีนาคม 2560"]),
            ("15 มีนาคม 2562", ["ขั้นตอนที่ 4 จาก 13"]),
            (Tap("ป.1"), ["ขั้นตอนที่ 5 จาก 13"]),
        ]
    )


async def test_editing_the_birth_date_at_the_summary_checks_the_grade_again(chat: Chat):
    await chat.play(
        [
            *TO_SUMMARY,
            (Tap("แก้วันเกิดนักเรียน"), ["คำตอบเดิม: 15 มีนาคม 2563", "ขั้นตอนที่ 3 จาก 13"]),
            # Still a date, but no longer fits ป.1: the grade is asked again, and why.
            ("1 มิถุนายน 2565", ["อายุยังไม่ถึงเกณฑ์ชั้น ป.1", "เลือกสมัครชั้น อ.2", "ขั้นตอนที่ 4 จาก 14"]),
            (Tap("อ.2"), ["ตรวจสอบคำขอสมัครเรียน", "ชั้นที่สมัคร: อ.2", "ชื่อผู้ปกครอง: นางสมศรี ใจดี"]),
        ]
    )


async def test_the_address_is_checked_against_the_official_list(chat: Chat):
    to_address = [*UP_TO_GRADE, (Tap("ป.1"), ["ขั้นตอนที่ 5"]), *AFTER_GRADE[:3]]
    await chat.play(
        [
            *to_address,
            (
                "12 หมู่ 3 ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40001",
                ["รหัสไปรษณีย์ไม่ตรงกับตำบลในเมือง", "40000", "ขั้นตอนที่ 8 จาก 13"],
            ),
            ("ต.ในเมือง อ.เมืองขอนแก่น", ["ยังขาดจังหวัด", "ขั้นตอนที่ 8 จาก 13"]),
            ("ต.ศิลา อ.บ้านไผ่ จ.ขอนแก่น", ["ไม่พบตำบลนี้ในอำเภอบ้านไผ่", "อำเภอเมืองขอนแก่น"]),
            # Without a house number, it is asked on its own: the checked part is kept.
            ("ตำบลในเมือง อำเภอเมือง จังหวัดขอนแก่น", ["ขั้นตอนที่ 9 จาก 14", "บ้านเลขที่"]),
            ("99/1 ถนนมิตรภาพ", ["ขั้นตอนที่ 10 จาก 14", "[อยู่ในเขต]"]),
        ]
    )
    answers = (await chat.application()).answers
    assert answers["home_address"]["district"] == "เมืองขอนแก่น"
    assert answers["home_address"]["postal_code"] == "40000"  # the subdistrict has one
    assert answers["house_number"] == "99/1 ถนนมิตรภาพ"


async def test_a_phone_number_that_cannot_be_is_asked_again(chat: Chat):
    await chat.play(
        [
            *UP_TO_GRADE,
            (Tap("ป.1"), ["ขั้นตอนที่ 5"]),
            *AFTER_GRADE[:2],
            ("08123", ["10 หลัก", "ขั้นตอนที่ 7 จาก 13"]),
            ("+66 81 234 5678", ["ขั้นตอนที่ 8 จาก 13"]),
        ]
    )
    assert (await chat.application()).answers["parent_phone"] == "0812345678"


async def test_missing_documents_are_recorded_and_never_block(chat: Chat):
    await chat.play(
        [
            *TO_SUMMARY[:-4],
            (Tap("ไม่มีเอกสารนี้"), ["บันทึกไว้แล้วว่ายังไม่มีรูปถ่าย 1 นิ้ว", "สูติบัตร"]),
            (Tap("ไม่มีเอกสารนี้"), ["บันทึกไว้แล้วว่ายังไม่มีสูติบัตร", "ทะเบียนบ้าน"]),
            (Tap("ไม่มีเอกสารนี้"), ["บิดาและมารดา"]),
            (Tap("ไม่มีเอกสารนี้"), ["ตรวจสอบคำขอสมัครเรียน", "สูติบัตร: ยังไม่มี (แจ้งไว้แล้ว)"]),
            (
                Tap("ยืนยันส่งคำขอ"),
                ["เลขที่คำขอ: AD-", "เอกสารที่ยังไม่มี: รูปถ่าย 1 นิ้ว, สูติบัตร, ทะเบียนบ้าน, บัตรบิดามารดา"],
            ),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert [m["document"] for m in application.missing_documents] == [
        "photo",
        "birth_certificate",
        "student_house_registration",
        "parents_id_cards",
    ]

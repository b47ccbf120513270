"""Transfer out (ย้ายออก), as parents live it: transcripts of whole conversations."""

from __future__ import annotations

from flows_chat import (
    OTHER_STUDENT_ID,
    SILENT,
    STUDENT_ID,
    Absent,
    Chat,
    Photo,
    PickDate,
    Sticker,
    Tap,
    wrong_checksum,
)

from backend.applications.models import ApplicationStatus
from flows.engine import Engine
from flows.inputs import PostbackInput
from flows.services import ALL_FLOWS
from flows.sessions import SessionStore

FORMATTED_ID = (
    f"{STUDENT_ID[0]}-{STUDENT_ID[1:5]}-{STUDENT_ID[5:10]}-{STUDENT_ID[10:12]}-{STUDENT_ID[12]}"
)

UP_TO_DESTINATION = [
    ("อยากย้ายลูกไปโรงเรียนใหม่ค่ะ", ["เริ่มคำขอย้ายออกค่ะ", "ขั้นตอนที่ 1 จาก 9", "ชื่อและนามสกุล"]),
    ("เด็กหญิงสมใจ ใจดี", ["ขั้นตอนที่ 2 จาก 9", "เลขประจำตัวประชาชน 13 หลัก"]),
    (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 9", "เรียนอยู่ชั้นอะไร"]),
    ("ป.4", ["ขั้นตอนที่ 4 จาก 9", "[บิดา]", "[มารดา]", "[ผู้ปกครอง]"]),
    (Tap("มารดา"), ["ขั้นตอนที่ 5 จาก 9", "ย้ายไปเรียนที่โรงเรียนอะไร"]),
]
TO_SUMMARY = [
    *UP_TO_DESTINATION,
    ("โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น", ["ขั้นตอนที่ 6 จาก 9", "[ย้ายที่อยู่]"]),
    (Tap("ย้ายที่อยู่"), ["ขั้นตอนที่ 7 จาก 9", "[เลือกวันที่]"]),
    ("1 ธันวาคม 2569", ["ขั้นตอนที่ 8 จาก 9", "บัตรประชาชน", "[ไม่มีเอกสารนี้]"]),
    (Photo(), ["ได้รับบัตรผู้ปกครองแล้วค่ะ", "ขั้นตอนที่ 9 จาก 9", "ทะเบียนบ้าน"]),
    (Photo(2), ["ได้รับทะเบียนบ้านแล้วค่ะ", "ตรวจสอบคำขอย้ายออก"]),
]


async def test_happy_path_files_a_request_with_a_number_and_next_steps(chat: Chat, clock):
    await chat.play(
        [
            *TO_SUMMARY[:-1],
            (
                Photo(2),
                [
                    "ชื่อนักเรียน: เด็กหญิงสมใจ ใจดี",
                    f"เลขบัตรประชาชน: {FORMATTED_ID}",
                    "ชั้นที่เรียนอยู่: ป.4",
                    "ผู้ยื่นคำขอเป็น: มารดา",
                    "ย้ายไปโรงเรียน: โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น",
                    "สาเหตุที่ย้าย: ย้ายที่อยู่",
                    "วันที่ย้าย: 1 ธันวาคม 2569",
                    "บัตรผู้ปกครอง: ส่งแล้ว 1 ไฟล์",
                    "ทะเบียนบ้าน: ส่งแล้ว 2 ไฟล์",
                    "[แก้วันที่ย้าย]",
                    "[ยืนยันส่งคำขอ]",
                    Absent("สาเหตุ (อื่น ๆ)"),
                ],
            ),
            (Tap("ยืนยันส่งคำขอ"), ["ส่งคำขอย้ายออกเรียบร้อยแล้วค่ะ", "เลขที่คำขอ: TO-", "หนังสือส่งตัว"]),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at == clock.now()
    assert application.public_number in chat.last[0].text
    assert application.answers["student_national_id"] == STUDENT_ID
    assert application.answers["move_date"] == "2026-12-01"
    assert len(application.answers["student_house_registration"]) == 2
    assert application.missing_documents == []


async def test_wrong_national_id_is_asked_again_and_nothing_is_lost(chat: Chat):
    await chat.play(
        [
            *UP_TO_DESTINATION[:2],
            (wrong_checksum(STUDENT_ID), ["เลขตรวจสอบ", "ขั้นตอนที่ 2 จาก 9"]),
            ("12345", ["13 หลัก", "ขั้นตอนที่ 2 จาก 9"]),
        ]
    )
    assert (await chat.application()).answers == {"student_name": "เด็กหญิงสมใจ ใจดี"}
    await chat.play([(STUDENT_ID, ["ขั้นตอนที่ 3 จาก 9"])])
    assert (await chat.application()).answers["student_national_id"] == STUDENT_ID


async def test_back_shows_the_previous_answer_and_continues_where_it_was(chat: Chat):
    await chat.play(
        [
            *UP_TO_DESTINATION[:3],
            ("ย้อนกลับ", ["ขั้นตอนที่ 2 จาก 9", f"คำตอบเดิม: {FORMATTED_ID}"]),
            (Tap("ย้อนกลับ"), ["ขั้นตอนที่ 1 จาก 9", "คำตอบเดิม: เด็กหญิงสมใจ ใจดี"]),
            ("ย้อนกลับ", ["นี่คือคำถามแรกแล้วค่ะ", "ขั้นตอนที่ 1 จาก 9"]),
            ("เด็กชายสมชาย ใจดี", ["ขั้นตอนที่ 3 จาก 9", "เรียนอยู่ชั้นอะไร"]),
        ]
    )
    answers = (await chat.application()).answers
    assert answers["student_name"] == "เด็กชายสมชาย ใจดี"
    assert answers["student_national_id"] == STUDENT_ID


async def test_edit_one_answer_from_the_summary_then_return_to_it(chat: Chat):
    await chat.play(
        [
            *TO_SUMMARY,
            (Tap("แก้วันที่ย้าย"), ["คำตอบเดิม: 1 ธันวาคม 2569", "ขั้นตอนที่ 7 จาก 9"]),
            (PickDate("2026-12-15"), ["ตรวจสอบคำขอย้ายออก", "วันที่ย้าย: 15 ธันวาคม 2569"]),
            (Tap("แก้สาเหตุที่ย้าย"), ["ขั้นตอนที่ 6 จาก 9"]),
            # A new conditional question now applies: it is asked before returning to the summary.
            (Tap("อื่น ๆ"), ["ขั้นตอนที่ 7 จาก 10", "เล่าสาเหตุ"]),
            ("ย้ายไปอยู่กับตายาย", ["ตรวจสอบคำขอย้ายออก", "สาเหตุ (อื่น ๆ): ย้ายไปอยู่กับตายาย"]),
        ]
    )


async def test_cancel_asks_for_confirmation_then_forgets_the_answers(chat: Chat):
    await chat.play(
        [
            *UP_TO_DESTINATION[:3],
            ("ยกเลิก", ["ต้องการยกเลิกคำขอย้ายออกใช่ไหมคะ", "[ยืนยันยกเลิก]", "[ทำต่อ]"]),
            (Tap("ทำต่อ"), ["ขั้นตอนที่ 3 จาก 9"]),
            (Tap("ยกเลิก"), ["ต้องการยกเลิก"]),
            (Tap("ยืนยันยกเลิก"), ["ยกเลิกคำขอย้ายออกเรียบร้อยแล้วค่ะ", "[ย้ายออก]", "[ลาออก]"]),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.CANCELLED
    assert application.answers == {}


async def test_resume_two_days_later_where_the_parent_left_off(chat: Chat, clock):
    await chat.play(UP_TO_DESTINATION[:4])
    clock.advance(days=2)
    await chat.play(
        [
            ("สวัสดีค่ะ", ["ยินดีต้อนรับกลับค่ะ", "ขั้นตอนที่ 4 จาก 9", "[มารดา]"]),
            (Tap("บิดา"), ["ขั้นตอนที่ 5 จาก 9"]),
        ]
    )
    answers = (await chat.application()).answers
    assert answers["current_grade"] == "p4"
    assert answers["applicant_relationship"] == "father"


async def test_a_button_from_a_cancelled_conversation_is_refused(chat: Chat):
    await chat.play(UP_TO_DESTINATION[:4])
    old_button = chat.choice("มารดา")
    await chat.play(
        [
            ("ยกเลิก", ["ต้องการยกเลิก"]),
            (Tap("ยืนยันยกเลิก"), ["ยกเลิกคำขอ"]),
            # No conversation open: refused, and the menu shown.
            (PostbackInput(old_button.postback), ["ปุ่มนี้มาจากคำขอเดิมที่จบไปแล้วค่ะ", "[ย้ายออก]"]),
            (Tap("ย้ายออก"), ["ขั้นตอนที่ 1 จาก 9"]),
            ("เด็กชายสมชาย ใจดี", ["ขั้นตอนที่ 2 จาก 9"]),
            # A conversation open: refused, and the current question asked again.
            (PostbackInput(old_button.postback), ["ปุ่มนี้มาจากคำขอเดิม", "ขั้นตอนที่ 2 จาก 9"]),
        ]
    )
    assert (await chat.application()).answers == {"student_name": "เด็กชายสมชาย ใจดี"}


async def test_a_double_tap_acts_once(chat: Chat):
    await chat.play(UP_TO_DESTINATION[:4])
    mother = PostbackInput(chat.choice("มารดา").postback)
    father = PostbackInput(chat.choice("บิดา").postback)
    await chat.play(
        [
            (mother, ["ขั้นตอนที่ 5 จาก 9"]),
            (mother, SILENT),
            # A different button of the same question, tapped late, is not taken silently.
            (father, ["ตอบไปแล้ว", "ขั้นตอนที่ 5 จาก 9"]),
        ]
    )
    application = await chat.application()
    assert application.answers["applicant_relationship"] == "mother"
    assert application.current_step == "destination_school"


async def test_a_double_tap_on_confirm_files_one_request(chat: Chat):
    await chat.play(TO_SUMMARY)
    confirm = PostbackInput(chat.choice("ยืนยันส่งคำขอ").postback)
    await chat.play([(confirm, ["ส่งคำขอย้ายออกเรียบร้อยแล้วค่ะ"]), (confirm, SILENT)])
    assert [a.status for a in await chat.applications()] == [ApplicationStatus.SUBMITTED]


async def test_a_missing_document_is_recorded_and_does_not_block(chat: Chat):
    await chat.play(
        [
            *TO_SUMMARY[:-2],
            (Tap("ไม่มีเอกสารนี้"), ["บันทึกไว้แล้วว่ายังไม่มีบัตรผู้ปกครอง", "ขั้นตอนที่ 9 จาก 9"]),
            (Photo(), ["ตรวจสอบคำขอ", "บัตรผู้ปกครอง: ยังไม่มี (แจ้งไว้แล้ว)"]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ", "เอกสารที่ยังไม่มี: บัตรผู้ปกครอง"]),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.missing_documents == [{"document": "parent_id_card", "name": "บัตรผู้ปกครอง"}]


async def test_a_document_sent_after_all_removes_it_from_missing(chat: Chat):
    await chat.play(
        [
            *TO_SUMMARY[:-2],
            (Tap("ไม่มีเอกสารนี้"), ["บันทึกไว้แล้ว"]),
            ("ย้อนกลับ", ["คำตอบเดิม: ยังไม่มี (แจ้งไว้แล้ว)"]),
            (Photo(), ["ได้รับบัตรผู้ปกครองแล้วค่ะ"]),
        ]
    )
    assert (await chat.application()).missing_documents == []


async def test_answers_that_do_not_fit_are_asked_again_and_lose_nothing(chat: Chat):
    await chat.play(
        [
            ("ย้ายออก", ["ขั้นตอนที่ 1 จาก 9"]),
            (Sticker(), ["ขออภัยค่ะ ตอนนี้รับเป็นชื่อและนามสกุลค่ะ", "ขั้นตอนที่ 1 จาก 9"]),
            ("สมใจ", ["ทั้งชื่อและนามสกุล", "ขั้นตอนที่ 1 จาก 9"]),
            (Photo(), ["ยังไม่ต้องส่งไฟล์", "ขั้นตอนที่ 1 จาก 9"]),
            ("เด็กหญิงสมใจ ใจดี", ["ขั้นตอนที่ 2 จาก 9"]),
            (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 9"]),
            ("ประถมร้อย", ["อ่านชั้นเรียนไม่ออก", "ขั้นตอนที่ 3 จาก 9"]),
            ("ป.4", ["ขั้นตอนที่ 4 จาก 9"]),
            ("ไม่แน่ใจ", ["กรุณาเลือกจากปุ่ม", "[มารดา]"]),
            ("มารดา", ["ขั้นตอนที่ 5 จาก 9"]),  # typing a button's label works too
            ("โรงเรียนบ้านหนองบัว", ["ขั้นตอนที่ 6 จาก 9"]),
            (Tap("ย้ายที่อยู่"), ["ขั้นตอนที่ 7 จาก 9"]),
            ("เร็วที่สุดค่ะ", ["อ่านวันที่ไม่ออก", "ขั้นตอนที่ 7 จาก 9"]),
            ("1 มกราคม 2560", ["ผ่านไปแล้ว", "ขั้นตอนที่ 7 จาก 9"]),  # parsed, but fails the rule
            (PickDate("2026-12-01"), ["ขั้นตอนที่ 8 จาก 9"]),
            ("ส่งพรุ่งนี้นะคะ", ["ขอเป็นรูปถ่ายหรือไฟล์เอกสาร", "ไม่มีเอกสารนี้", "ขั้นตอนที่ 8 จาก 9"]),
        ]
    )
    answers = (await chat.application()).answers
    assert answers == {
        "student_name": "เด็กหญิงสมใจ ใจดี",
        "student_national_id": STUDENT_ID,
        "current_grade": "p4",
        "applicant_relationship": "mother",
        "destination_school": "โรงเรียนบ้านหนองบัว",
        "reason": "moving_home",
        "move_date": "2026-12-01",
    }


async def test_start_over_clears_answers_and_retires_old_buttons(chat: Chat):
    await chat.play(UP_TO_DESTINATION[:4])
    old_button = PostbackInput(chat.choice("มารดา").postback)
    await chat.play(
        [
            ("เริ่มใหม่", ["ต้องการเริ่มคำขอย้ายออกใหม่ตั้งแต่ต้นใช่ไหมคะ"]),
            (Tap("ยืนยันเริ่มใหม่"), ["เริ่มใหม่ตั้งแต่ต้นแล้วค่ะ", "ขั้นตอนที่ 1 จาก 9"]),
            (old_button, ["ปุ่มนี้มาจากคำขอเดิม", "ขั้นตอนที่ 1 จาก 9"]),
            ("เด็กชายสมชาย ใจดี", ["ขั้นตอนที่ 2 จาก 9"]),
            (OTHER_STUDENT_ID, ["ขั้นตอนที่ 3 จาก 9"]),
        ]
    )
    application = await chat.application()
    assert application.answers == {
        "student_name": "เด็กชายสมชาย ใจดี",
        "student_national_id": OTHER_STUDENT_ID,
    }
    assert len(await chat.applications()) == 1


async def test_menu_keeps_the_draft_and_another_service_waits_for_it(chat: Chat):
    await chat.play(
        [
            *UP_TO_DESTINATION[:2],
            ("เมนู", ["ยังเก็บไว้ให้ค่ะ", "[ทำต่อ]", "[ลาออก]"]),
            (Tap("ลาออก"), ["มีคำขอย้ายออกที่ยังทำไม่เสร็จ", "[ทำต่อ]", "[ยกเลิกคำขอเดิม]"]),
            (Tap("ทำต่อ"), ["ขั้นตอนที่ 2 จาก 9"]),
            ("ย้ายออกค่ะ", ["ขั้นตอนที่ 2 จาก 9"]),  # free text is an answer attempt here
        ]
    )
    assert (await chat.application()).answers == {"student_name": "เด็กหญิงสมใจ ใจดี"}


async def test_free_text_without_a_draft_starts_a_service_or_shows_the_menu(chat: Chat, clock):
    # A school that does not take admissions through LINE.
    offered = {key: flow for key, flow in ALL_FLOWS.items() if key != "admission"}
    chat.engine = Engine(flows=offered, sessions=SessionStore(), clock=clock)
    await chat.play(
        [
            ("สวัสดีค่ะ", ["ต้องการใช้บริการใดคะ", "[ย้ายออก]", "[ลาออก]"]),
            ("สมัครเรียน ป.1", ["ยังไม่เปิดให้ทำผ่าน LINE", "[ย้ายออก]"]),
            ("ขอย้ายออกค่ะ", ["เริ่มคำขอย้ายออกค่ะ", "ขั้นตอนที่ 1 จาก 9"]),
        ]
    )

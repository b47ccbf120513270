"""Credit transfer (เทียบโอนผลการเรียน), as parents and students live it: whole conversations."""

from __future__ import annotations

from flows_chat import STUDENT_ID, Absent, Chat, Photo, Tap, wrong_checksum

from backend.applications.models import ApplicationStatus

UP_TO_PLACE = [
    (
        "ขอเทียบโอนผลการเรียนค่ะ",
        ["เริ่มคำขอเทียบโอนผลการเรียนค่ะ", "ใบระเบียนแสดงผลการเรียน", "ขั้นตอนที่ 1 จาก 11"],
    ),
    ("นายสมชาย ใจดี", ["ขั้นตอนที่ 2 จาก 11", "เลขประจำตัวประชาชน"]),
    (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 11", "เรียนอยู่ชั้นอะไร"]),
    ("ม.4", ["ขั้นตอนที่ 4 จาก 11", "ใครเป็นผู้ยื่นคำขอ", "[นักเรียนเอง]", "[มารดา]"]),
    (
        Tap("นักเรียนเอง"),
        ["ขั้นตอนที่ 5 จาก 11", "[โรงเรียนในประเทศ]", "[กศน.]", "[ต่างประเทศ]", "[อื่น ๆ]"],
    ),
]
FROM_NON_FORMAL_TO_SUMMARY = [
    *UP_TO_PLACE,
    (Tap("กศน."), ["ขั้นตอนที่ 6 จาก 11", "ชื่อสถานศึกษา"]),
    ("กศน.อำเภอเมือง จังหวัดลำปาง", ["ขั้นตอนที่ 7 จาก 11", "[ม.ปลาย (ม.4–ม.6)]"]),
    (Tap("ม.ปลาย (ม.4–ม.6)"), ["ขั้นตอนที่ 8 จาก 11", "รายวิชา"]),
    ("ภาษาอังกฤษ ม.4 ภาคเรียนที่ 1", ["ขั้นตอนที่ 9 จาก 11", "ปพ.1", "[ไม่มีเอกสารนี้]"]),
    (Photo(3), ["ได้รับหลักฐานผลการเรียนแล้วค่ะ", "ขั้นตอนที่ 10 จาก 11", "บัตรประชาชนของนักเรียน"]),
    (Photo(), ["ขั้นตอนที่ 11 จาก 11", "เกียรติบัตร", "[ข้าม]", Absent("[ไม่มีเอกสารนี้]")]),
    (Tap("ข้าม"), ["ตรวจสอบคำขอเทียบโอนผลการเรียน"]),
]


async def test_happy_path_files_a_request_for_the_committee(chat: Chat, clock):
    await chat.play(
        [
            *FROM_NON_FORMAL_TO_SUMMARY[:-1],
            (
                Tap("ข้าม"),
                [
                    "ชื่อนักเรียน: นายสมชาย ใจดี",
                    "เลขบัตรประชาชน: ",
                    "ชั้นที่เรียนอยู่: ม.4",
                    "ผู้ยื่นคำขอเป็น: นักเรียนเอง",
                    "เรียนมาจาก: กศน.",
                    "สถานศึกษาเดิม: กศน.อำเภอเมือง จังหวัดลำปาง",
                    "ระดับที่เรียนมา: ม.ปลาย (ม.4–ม.6)",
                    "สิ่งที่ขอเทียบโอน: ภาษาอังกฤษ ม.4 ภาคเรียนที่ 1",
                    "หลักฐานผลการเรียน: ส่งแล้ว 3 ไฟล์",
                    "บัตรประชาชน: ส่งแล้ว 1 ไฟล์",
                    "หลักฐานอื่น: ไม่ได้ส่ง",
                    Absent("คำแปลเอกสาร"),
                    "[ยืนยันส่งคำขอ]",
                ],
            ),
            (
                Tap("ยืนยันส่งคำขอ"),
                [
                    "ส่งคำขอเทียบโอนผลการเรียนเรียบร้อยแล้วค่ะ",
                    "เลขที่คำขอ: CT-",
                    "คณะกรรมการเทียบโอนผลการเรียน",
                    "ประเมินความรู้",
                    Absent("เอกสารที่ยังไม่มี"),
                ],
            ),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at == clock.now()
    answers = application.answers
    assert {
        k: v for k, v in answers.items() if k not in {"previous_transcript", "student_id_card"}
    } == {
        "student_name": "นายสมชาย ใจดี",
        "student_national_id": STUDENT_ID,
        "current_grade": "m4",
        "applicant_relationship": "self",
        "previous_study_place": "non_formal",
        "previous_study_name": "กศน.อำเภอเมือง จังหวัดลำปาง",
        "previous_level": "upper_secondary",
        "subjects_to_transfer": "ภาษาอังกฤษ ม.4 ภาคเรียนที่ 1",
        "other_evidence": None,
    }
    assert len(answers["previous_transcript"]) == 3
    assert len(answers["student_id_card"]) == 1


async def test_studies_abroad_also_ask_for_a_translation(chat: Chat):
    await chat.play(
        [
            *UP_TO_PLACE,
            (Tap("ต่างประเทศ"), ["ขั้นตอนที่ 6 จาก 12"]),
            ("Lincoln High School, Oregon, USA", ["ขั้นตอนที่ 7 จาก 12"]),
            (Tap("ม.ปลาย (ม.4–ม.6)"), ["ขั้นตอนที่ 8 จาก 12"]),
            ("ทุกวิชาที่เรียนมาแล้ว 1 ปี", ["ขั้นตอนที่ 9 จาก 12"]),
            (Photo(2), ["ขั้นตอนที่ 10 จาก 12", "คำแปลเป็นภาษาไทยหรือภาษาอังกฤษ"]),
            (Tap("ไม่มีเอกสารนี้"), ["บันทึกไว้แล้วว่ายังไม่มีคำแปลเอกสาร", "ขั้นตอนที่ 11 จาก 12"]),
            (Photo(), ["ขั้นตอนที่ 12 จาก 12"]),
            (Photo(2), ["ตรวจสอบคำขอ", "คำแปลเอกสาร: ยังไม่มี (แจ้งไว้แล้ว)", "หลักฐานอื่น: ส่งแล้ว 2 ไฟล์"]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: CT-", "เอกสารที่ยังไม่มี: คำแปลเอกสาร"]),
        ]
    )
    application = await chat.application()
    assert application.missing_documents == [
        {"document": "transcript_translation", "name": "คำแปลเอกสาร"}
    ]


async def test_changing_the_place_from_the_summary_drops_the_translation(chat: Chat):
    await chat.play(
        [
            *FROM_NON_FORMAL_TO_SUMMARY,
            (Tap("แก้เรียนมาจาก"), ["คำตอบเดิม: กศน.", "ขั้นตอนที่ 5 จาก 11"]),
            (Tap("ต่างประเทศ"), ["ขั้นตอนที่ 10 จาก 12", "คำแปล"]),
            (Photo(), ["ตรวจสอบคำขอ", "คำแปลเอกสาร: ส่งแล้ว 1 ไฟล์"]),
            (Tap("แก้เรียนมาจาก"), ["ขั้นตอนที่ 5 จาก 12"]),
            (Tap("โรงเรียนในประเทศ"), ["ตรวจสอบคำขอ", Absent("คำแปลเอกสาร")]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: CT-"]),
        ]
    )
    answers = (await chat.application()).answers
    assert answers["previous_study_place"] == "school"
    assert "transcript_translation" not in answers  # a question that stopped applying is not filed


async def test_wrong_national_id_is_asked_again_and_nothing_is_lost(chat: Chat):
    await chat.play(
        [
            *UP_TO_PLACE[:2],
            (wrong_checksum(STUDENT_ID), ["เลขตรวจสอบ", "ขั้นตอนที่ 2 จาก 11"]),
            (STUDENT_ID, ["ขั้นตอนที่ 3 จาก 11"]),
        ]
    )
    assert (await chat.application()).answers == {
        "student_name": "นายสมชาย ใจดี",
        "student_national_id": STUDENT_ID,
    }


async def test_a_missing_transcript_is_recorded_and_does_not_block(chat: Chat):
    await chat.play(
        [
            *FROM_NON_FORMAL_TO_SUMMARY[:9],
            (Tap("ไม่มีเอกสารนี้"), ["บันทึกไว้แล้วว่ายังไม่มีหลักฐานผลการเรียน", "ขั้นตอนที่ 10 จาก 11"]),
            (Photo(), ["ขั้นตอนที่ 11 จาก 11"]),
            (Tap("ข้าม"), ["หลักฐานผลการเรียน: ยังไม่มี (แจ้งไว้แล้ว)"]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: CT-", "เอกสารที่ยังไม่มี: หลักฐานผลการเรียน"]),
        ]
    )
    assert (await chat.application()).status == ApplicationStatus.SUBMITTED

"""Replacement documents (ใบแทน ปพ.1 / ปพ.2), as former students and parents live it."""

from __future__ import annotations

import pytest
from flows_chat import STUDENT_ID, Absent, Chat, Photo, Tap, wrong_checksum

from backend.applications.models import ApplicationStatus
from backend.school_config import parse_school_config
from flows.services import replacement_documents


def opening(reason: str) -> list:
    """Up to the year question; the evidence asked for depends on ``reason``."""
    return [
        (
            "ขอใบแทน ปพ.1 ค่ะ",
            [
                "เริ่มคำขอใบแทนเอกสารการศึกษาค่ะ",
                "ค่าธรรมเนียม 50 บาท ชำระหลังอนุมัติผ่าน PromptPay",
                "ขั้นตอนที่ 1 จาก 8",
                "[ปพ.1 (ใบระเบียน)]",
                "[ปพ.2 (ประกาศนียบัตร)]",
            ],
        ),
        (Tap("ปพ.1 (ใบระเบียน)"), ["ขั้นตอนที่ 2 จาก 8", "[สูญหาย]", "[ชำรุด]"]),
        (Tap(reason), ["ขั้นตอนที่ 3 จาก 9", "ตามที่เขียนในเอกสารเดิม"]),
        ("นางสาวสมใจ ใจดี", ["ขั้นตอนที่ 4 จาก 9"]),
        (STUDENT_ID, ["ขั้นตอนที่ 5 จาก 9", "ปี พ.ศ."]),
    ]


LOST_TO_SUMMARY = [
    *opening("สูญหาย"),
    ("2565", ["ขั้นตอนที่ 6 จาก 9", "[เจ้าของเอกสารเอง]", "[มารดา]"]),
    (Tap("เจ้าของเอกสารเอง"), ["ขั้นตอนที่ 7 จาก 9", "ใบแจ้งความ", Absent("ชำรุด")]),
    (Photo(), ["ได้รับใบแจ้งความแล้วค่ะ", "ขั้นตอนที่ 8 จาก 9", "1.5 นิ้ว"]),
    (Photo(), ["ขั้นตอนที่ 9 จาก 9", "บัตรประชาชนของผู้ยื่นคำขอ"]),
    (Photo(), ["ตรวจสอบคำขอใบแทนเอกสารการศึกษา"]),
]


async def test_happy_path_for_a_lost_transcript(chat: Chat, clock):
    await chat.play(
        [
            *LOST_TO_SUMMARY[:-1],
            (
                Photo(),
                [
                    "เอกสารที่ขอ: ปพ.1 (ใบระเบียน)",
                    "สาเหตุ: สูญหาย",
                    "ชื่อเจ้าของเอกสาร: นางสาวสมใจ ใจดี",
                    "เลขบัตรประชาชน: ",
                    "ปีที่จบ/ปีสุดท้าย: พ.ศ. 2565",
                    "ผู้ยื่นคำขอเป็น: เจ้าของเอกสารเอง",
                    "ใบแจ้งความ: ส่งแล้ว 1 ไฟล์",
                    "รูปถ่าย 1.5 นิ้ว: ส่งแล้ว 1 ไฟล์",
                    "บัตรผู้ยื่นคำขอ: ส่งแล้ว 1 ไฟล์",
                    Absent("รูปเอกสารที่ชำรุด"),
                    "[แก้สาเหตุ]",
                ],
            ),
            (
                Tap("ยืนยันส่งคำขอ"),
                [
                    "ส่งคำขอใบแทนเอกสารการศึกษาเรียบร้อยแล้วค่ะ",
                    "เลขที่คำขอ: RD-",
                    "ภายในประมาณ 7 วันทำการ",
                    "ค่าธรรมเนียม 50 บาท ชำระหลังอนุมัติผ่าน PromptPay",
                ],
            ),
        ]
    )
    application = await chat.application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at == clock.now()
    answers = application.answers
    assert answers["document_type"] == "transcript"
    assert answers["reason"] == "lost"
    assert answers["student_national_id"] == STUDENT_ID
    assert answers["graduation_year"] == 2565
    assert answers["applicant_relationship"] == "self"
    assert len(answers["police_report"]) == 1
    assert "damaged_document" not in answers


async def test_a_damaged_certificate_asks_for_a_photo_of_it_not_a_police_report(chat: Chat):
    await chat.play(
        [
            *opening("ชำรุด"),
            ("๒๕๕๘", ["ขั้นตอนที่ 6 จาก 9"]),  # Thai digits
            (Tap("มารดา"), ["ขั้นตอนที่ 7 จาก 9", "เอกสารเดิมที่ชำรุด", Absent("ใบแจ้งความ")]),
            (Photo(2), ["ได้รับรูปเอกสารที่ชำรุดแล้วค่ะ", "ขั้นตอนที่ 8 จาก 9"]),
            (Photo(), ["ขั้นตอนที่ 9 จาก 9"]),
            (Tap("ไม่มีเอกสารนี้"), ["ตรวจสอบคำขอ", "ปีที่จบ/ปีสุดท้าย: พ.ศ. 2558"]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: RD-", "เอกสารที่ยังไม่มี: บัตรผู้ยื่นคำขอ"]),
        ]
    )
    answers = (await chat.application()).answers
    assert answers["reason"] == "damaged"
    assert answers["applicant_relationship"] == "mother"
    assert len(answers["damaged_document"]) == 2
    assert "police_report" not in answers


async def test_implausible_years_are_explained(chat: Chat):
    await chat.play(
        [
            *opening("สูญหาย"),
            ("65", ["ตัวเลข 4 หลัก", "ขั้นตอนที่ 5 จาก 9"]),
            ("2570", ["ยังมาไม่ถึง", "ไม่เกิน พ.ศ. 2569", "ขั้นตอนที่ 5 จาก 9"]),
            ("2470", ["ปีนี้เก่ากว่าที่โรงเรียนน่าจะมีข้อมูล", "ขั้นตอนที่ 5 จาก 9"]),
            ("2022", ["ขั้นตอนที่ 6 จาก 9"]),  # a Christian Era year is converted
        ]
    )
    assert (await chat.application()).answers["graduation_year"] == 2565


async def test_wrong_national_id_is_asked_again_and_nothing_is_lost(chat: Chat):
    await chat.play(
        [
            *opening("สูญหาย")[:4],
            (wrong_checksum(STUDENT_ID), ["เลขตรวจสอบ", "ขั้นตอนที่ 4 จาก 9"]),
            (STUDENT_ID, ["ขั้นตอนที่ 5 จาก 9"]),
        ]
    )
    answers = (await chat.application()).answers
    assert answers["student_name"] == "นางสาวสมใจ ใจดี"
    assert answers["student_national_id"] == STUDENT_ID


async def test_changing_the_reason_from_the_summary_swaps_the_evidence(chat: Chat):
    await chat.play(
        [
            *LOST_TO_SUMMARY,
            (Tap("แก้สาเหตุ"), ["คำตอบเดิม: สูญหาย", "ขั้นตอนที่ 2 จาก 9"]),
            (Tap("ชำรุด"), ["ขั้นตอนที่ 7 จาก 9", "เอกสารเดิมที่ชำรุด"]),
            (Photo(), ["ตรวจสอบคำขอ", "รูปเอกสารที่ชำรุด: ส่งแล้ว 1 ไฟล์", Absent("ใบแจ้งความ")]),
            (Tap("ยืนยันส่งคำขอ"), ["เลขที่คำขอ: RD-"]),
        ]
    )
    answers = (await chat.application()).answers
    assert "police_report" not in answers
    assert answers["reason"] == "damaged"


@pytest.mark.parametrize(
    ("service", "shown", "not_shown"),
    [
        (
            {"fee": "100", "fee_due": "at_submission"},
            "ค่าธรรมเนียม 100 บาท ชำระผ่าน PromptPay เมื่อส่งคำขอ",
            "หลังอนุมัติ",
        ),
        ({"fee": "0"}, "ไม่มีค่าธรรมเนียม", "PromptPay"),
        ({"fee": "37.50"}, "ค่าธรรมเนียม 37.50 บาท", "ไม่มีค่าธรรมเนียม"),
        ({}, "เตรียมรูปถ่าย", "ค่าธรรมเนียม"),
    ],
)
def test_the_fee_comes_from_the_school(service, shown, not_shown):
    config = parse_school_config({"services": {"replacement_documents": service}})
    flow = replacement_documents.build(config)
    assert shown in flow.intro
    assert not_shown not in flow.intro + flow.next_steps

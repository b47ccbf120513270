"""Transfer out (ย้ายออก): a parent asks for the sending letter to take the child to a new school."""

from __future__ import annotations

from flows import kinds
from flows.flow import Flow, Step, answer_is
from flows.services.common import (
    CURRENT_GRADE,
    NOT_IN_PAST,
    PARENT_ID_CARD,
    RELATIONSHIP,
    STUDENT_HOUSE_REGISTRATION,
    STUDENT_NAME,
    STUDENT_NATIONAL_ID,
)

FLOW = Flow(
    id="transfer_out",
    title="ย้ายออก",
    menu_label="ย้ายออก",
    number_prefix="TO",
    version=1,
    intro="เตรียมรูปถ่ายบัตรประชาชนผู้ปกครองและทะเบียนบ้านของนักเรียนไว้ด้วยนะคะ",
    steps=[
        STUDENT_NAME,
        STUDENT_NATIONAL_ID,
        CURRENT_GRADE,
        RELATIONSHIP,
        Step(
            "destination_school",
            "จะย้ายไปเรียนที่โรงเรียนอะไร จังหวัดอะไรคะ",
            kinds.text(max_length=200, example="โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น"),
            label="ย้ายไปโรงเรียน",
        ),
        Step(
            "reason",
            "สาเหตุที่ย้ายโรงเรียนคืออะไรคะ",
            kinds.choice(
                {"moving_home": "ย้ายที่อยู่", "parent_work": "ผู้ปกครองย้ายงาน", "other": "อื่น ๆ"}
            ),
            label="สาเหตุที่ย้าย",
        ),
        Step(
            "reason_other",
            "เล่าสาเหตุสั้น ๆ ได้เลยค่ะ",
            kinds.text(max_length=300),
            label="สาเหตุ (อื่น ๆ)",
            when=answer_is("reason", "other"),
        ),
        Step(
            "move_date",
            "ต้องการให้ย้ายมีผลตั้งแต่วันที่เท่าไรคะ กดเลือกวันที่ หรือพิมพ์ เช่น 1 ธันวาคม 2569",
            kinds.date(),
            label="วันที่ย้าย",
            check=NOT_IN_PAST,
        ),
        PARENT_ID_CARD,
        STUDENT_HOUSE_REGISTRATION,
    ],
    next_steps=(
        "โรงเรียนจะตรวจสอบเอกสาร (ประมาณ 1 ชั่วโมงในเวลาราชการ) แล้วแจ้งผลทาง LINE นี้ค่ะ "
        "เมื่ออนุมัติแล้ว จะออกหนังสือส่งตัว (แบบ พฐ.19/1) ให้นำไปยื่นที่โรงเรียนใหม่ค่ะ"
    ),
)

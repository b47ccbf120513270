"""Withdrawal (ลาออก): leaving the school; a child still in compulsory schooling names where next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument
from backend.documents.from_applications import STUDENT_NUMBER, Answers
from backend.school_config import SchoolConfig
from flows import kinds
from flows.common import (
    CURRENT_GRADE,
    NOT_IN_PAST,
    PARENT_ID_CARD,
    PLAUSIBLE_BIRTH_DATE,
    RELATIONSHIP,
    STUDENT_HOUSE_REGISTRATION,
    STUDENT_NAME,
    STUDENT_NATIONAL_ID,
    age_in_full_years,
)
from flows.flow import Context, Flow, Step, When, answer_in
from flows.spec import ServiceSpec

# Until compulsory schooling ends a child may leave only to learn elsewhere, so the school must
# know where. The Compulsory Education Act 2545 ends it with ม.3 or on "entering the 16th year";
# counting 16 full years instead asks a few more parents for a destination, which is the safe
# side until a school's manual says otherwise.
COMPULSORY_UNTIL_AGE = 16


def _still_in_compulsory_schooling(ctx: Context) -> bool:
    grade = ctx.answers["current_grade"]
    finished_m3 = grade.level == "m" and grade.year >= 4
    under_age = (
        age_in_full_years(ctx.answers["student_birth_date"], ctx.today) < COMPULSORY_UNTIL_AGE
    )
    return under_age and not finished_m3


STILL_IN_COMPULSORY_SCHOOLING = When(
    _still_in_compulsory_schooling,
    uses=("student_birth_date", "current_grade"),
    describe="อายุต่ำกว่า 16 ปี และยังไม่จบ ม.3",
)

FLOW = Flow(
    id="withdrawal",
    title="ลาออก",
    menu_label="ลาออก",
    number_prefix="WD",
    version=1,
    steps=[
        STUDENT_NAME,
        STUDENT_NATIONAL_ID,
        Step(
            "student_birth_date",
            "นักเรียนเกิดวันที่เท่าไรคะ พิมพ์ เช่น 15 มีนาคม 2556 หรือกดเลือกวันที่",
            kinds.date(),
            label="วันเกิดนักเรียน",
            check=PLAUSIBLE_BIRTH_DATE,
        ),
        CURRENT_GRADE,
        RELATIONSHIP,
        Step(
            "destination",
            "นักเรียนยังอยู่ในการศึกษาภาคบังคับ จึงต้องแจ้งว่าจะไปเรียนต่อที่ไหนค่ะ เลือกได้เลยค่ะ",
            kinds.choice(
                {
                    "another_school": "โรงเรียนอื่น",
                    "non_formal": "การศึกษานอกระบบ",
                    "home_school": "บ้านเรียน",
                }
            ),
            label="ไปเรียนต่อที่",
            when=STILL_IN_COMPULSORY_SCHOOLING,
        ),
        Step(
            "destination_name",
            "ชื่อโรงเรียนหรือศูนย์ กศน. ที่จะไปเรียน และจังหวัดค่ะ",
            kinds.text(max_length=200, example="กศน.อำเภอเมือง จังหวัดลำปาง"),
            label="ชื่อสถานศึกษาใหม่",
            when=answer_in("destination", ("another_school", "non_formal")),
        ),
        Step(
            "reason",
            "สาเหตุที่ลาออกคืออะไรคะ พิมพ์สั้น ๆ ได้เลยค่ะ",
            kinds.text(max_length=300),
            label="สาเหตุที่ลาออก",
        ),
        Step(
            "leave_date",
            "ต้องการให้ลาออกมีผลตั้งแต่วันที่เท่าไรคะ",
            kinds.date(),
            label="วันที่ลาออก",
            check=NOT_IN_PAST,
        ),
        PARENT_ID_CARD,
        replace(
            STUDENT_HOUSE_REGISTRATION,
            question=STUDENT_HOUSE_REGISTRATION.question + " (ไม่บังคับ)",
            required=False,
        ),
    ],
    next_steps=(
        "โรงเรียนจะตรวจสอบเอกสาร (ประมาณ 1 ชั่วโมงในเวลาราชการ) แล้วแจ้งผลทาง LINE นี้ค่ะ "
        "เมื่ออนุมัติแล้ว นำหลักฐานการลาออกไปใช้ที่สถานศึกษาใหม่ได้ค่ะ"
    ),
)


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    destination = answers.get("destination")
    name = answers.get("destination_name")
    if destination == "home_school":
        where = "จัดการศึกษาโดยครอบครัว (บ้านเรียน)"
    elif name:
        where = f"ไปศึกษาต่อที่{name}"
    else:
        where = None
    return {
        "subject_name": answers.need("student_name", "ชื่อนักเรียน"),
        "grade": answers.grade("current_grade"),
        "withdrawal_date": answers.date("leave_date", "วันที่ลาออก"),
        "reason": answers.get("reason"),
        "destination": where,
    }


SPEC = ServiceSpec(
    id="withdrawal",
    flow=FLOW,
    menu_position=50,
    time_limit_days=1,
    approvers=("registrar",),
    document=ServiceDocument(
        type=DocumentType(
            id="withdrawal_certificate", title_th="หนังสือรับรองการลาออก",
            required=("subject_name", "grade", "withdrawal_date"),
            download_name="withdrawal-certificate.pdf", short_title="ใบรับรองลาออก", layout="certificate"),
        make_data=document_data,
        staff_fields=(STUDENT_NUMBER,),
    ),
    fee=FeeRule(code="WD"),
    routing_words=(r"ลาออก", r"ออกจากโรงเรียน", r"เลิกเรียน", r"กศน", r"โฮมสคูล", r"บ้านเรียน"),
    routing_priority=50,
)

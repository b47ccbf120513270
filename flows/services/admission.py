"""Admission (การรับนักเรียน): a parent applies for a child to enter อ.1–อ.3, ป.1, ม.1 or ม.4."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument
from backend.documents.from_applications import Answers, DocumentInputMissing, submitted_on
from backend.school_config import SchoolConfig
from backend.thai.age import check_age_for_grade
from backend.thai.errors import ThaiInputError
from backend.thai.grades import Grade
from backend.working_days import BANGKOK
from flows import kinds
from flows.common import (
    CHILD_NAME,
    ENROLLING_NATIONAL_ID,
    PARENT_NAME,
    PARENT_PHONE,
    RELATIONSHIP,
    STUDENT_BIRTH_DATE,
    STUDENT_HOUSE_REGISTRATION,
    academic_year_applied_for,
)
from flows.flow import Check, Context, Flow, Step, When
from flows.spec import ServiceSpec

SERVICE_ID = "admission"
ENTRY_GRADES = (Grade.K1, Grade.K2, Grade.K3, Grade.P1, Grade.M1, Grade.M4)

# The engine cannot hand a conversation over to another service, so the way there is the one
# that works in any conversation: close this request, then ask for the other service.
TO_GRADE1_ENTRY = "วิธียื่น: พิมพ์ “ยกเลิก” เพื่อปิดคำขอสมัครเรียนนี้ แล้วพิมพ์ “ขอผ่อนผัน”"
TO_TRANSFER_IN = "พิมพ์ “ยกเลิก” เพื่อปิดคำขอสมัครเรียนนี้ แล้วพิมพ์ “ย้ายเข้า” ค่ะ"


def _age_rule(config: SchoolConfig) -> Check:
    def test(grade: Grade, ctx: Context) -> None:
        if grade not in ENTRY_GRADES:
            raise ThaiInputError(
                f"ชั้น {grade.label_th} ไม่ใช่ชั้นที่รับสมัครนักเรียนใหม่ค่ะ การสมัครเรียนรับชั้น "
                "อ.1–อ.3, ป.1, ม.1 และ ม.4 ส่วนชั้นอื่นเป็นการย้ายเข้า "
                f"หากต้องการย้ายเข้าเรียนชั้นนี้ {TO_TRANSFER_IN}",
                code="admission.not_entry_grade",
            )
        year = academic_year_applied_for(config, ctx.today)
        result = check_age_for_grade(ctx.answers["student_birth_date"], grade, year)
        if result.ok:
            return
        message = result.reason_th
        if result.suggest_early_late_entry:
            message += "\n" + TO_GRADE1_ENTRY
            if result.fitting_grade is not None:
                message += f"\nหรือเลือกสมัครชั้น {result.fitting_grade.label_th} แทนก็ได้ค่ะ"
        elif result.fitting_grade is not None:
            message += f"\nเลือกสมัครชั้น {result.fitting_grade.label_th} ได้เลยค่ะ"
        message += "\nถ้าวันเกิดไม่ถูกต้อง พิมพ์ “ย้อนกลับ” เพื่อแก้ไขค่ะ"
        raise ThaiInputError(message, code="admission.age")

    return Check(test, uses=("student_birth_date",))


def _house_number_missing(ctx: Context) -> bool:
    return not ctx.answers["home_address"]["line"]


HOUSE_NUMBER_MISSING = When(
    _house_number_missing, uses=("home_address",), describe="ไม่ได้พิมพ์บ้านเลขที่"
)


def build(config: SchoolConfig) -> Flow:
    """Admission for one school: the age rule follows its academic year."""
    year_note = f" ปีการศึกษา {config.academic_year}" if config.academic_year else ""
    return Flow(
        id=SERVICE_ID,
        title="สมัครเรียน",
        menu_label="สมัครเรียน",
        number_prefix="AD",
        version=1,
        intro=(
            f"รับสมัครนักเรียนชั้น อ.1–อ.3, ป.1, ม.1 และ ม.4{year_note} ค่ะ "
            "เตรียมรูปถ่าย 1 นิ้ว สูติบัตร ทะเบียนบ้านของนักเรียน และบัตรประชาชนบิดามารดาไว้ด้วยนะคะ "
            "ถ้ายังไม่มีเอกสารใด ก็สมัครได้ค่ะ"
        ),
        steps=[
            CHILD_NAME,
            ENROLLING_NATIONAL_ID,
            STUDENT_BIRTH_DATE,
            Step(
                "grade_applied",
                "ต้องการสมัครเข้าเรียนชั้นอะไรคะ เลือกจากปุ่มด้านล่างได้เลยค่ะ (ชั้นอื่นนอกจากนี้เป็นการย้ายเข้า)",
                kinds.grade(buttons=ENTRY_GRADES),
                label="ชั้นที่สมัคร",
                check=_age_rule(config),
            ),
            PARENT_NAME,
            RELATIONSHIP,
            PARENT_PHONE,
            # One message, as parents already write an address on forms and envelopes (and
            # can copy it from the house registration): fewer turns than one step per part,
            # and each part is still checked against the official list, with close names.
            Step(
                "home_address",
                "ที่อยู่ตามทะเบียนบ้านของนักเรียนค่ะ พิมพ์ในข้อความเดียว: บ้านเลขที่ หมู่ ซอย ถนน "
                "ตามด้วยตำบล อำเภอ จังหวัด และรหัสไปรษณีย์\n"
                "เช่น 12 หมู่ 3 ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000",
                kinds.address(),
                label="ที่อยู่",
            ),
            Step(
                "house_number",
                "บ้านเลขที่ หมู่ ซอย ถนน ของที่อยู่นี้ค่ะ เช่น 12 หมู่ 3 (ถ้าไม่มีบ้านเลขที่ พิมพ์ “ไม่มี”)",
                kinds.text(max_length=200, example="12 หมู่ 3"),
                label="บ้านเลขที่",
                when=HOUSE_NUMBER_MISSING,
            ),
            Step(
                "in_service_area",
                "บ้านของนักเรียนอยู่ในเขตพื้นที่บริการของโรงเรียนไหมคะ (ถ้าไม่แน่ใจ โรงเรียนจะตรวจสอบจากที่อยู่ให้ค่ะ)",
                kinds.choice(
                    {"in_area": "อยู่ในเขต", "out_of_area": "ไม่อยู่ในเขต", "not_sure": "ไม่แน่ใจ"}
                ),
                label="เขตพื้นที่บริการ",
            ),
            Step(
                "photo",
                "ขอรูปถ่ายหน้าตรงของนักเรียน ขนาด 1 นิ้วค่ะ",
                kinds.document(),
                label="รูปถ่าย 1 นิ้ว",
            ),
            Step(
                "birth_certificate",
                "ขอรูปถ่ายสูติบัตรของนักเรียนค่ะ",
                kinds.document(),
                label="สูติบัตร",
            ),
            STUDENT_HOUSE_REGISTRATION,
            Step(
                "parents_id_cards",
                "ขอรูปถ่ายบัตรประชาชนของบิดาและมารดา (หรือผู้ปกครอง) ค่ะ ส่งหลายรูปพร้อมกันได้",
                kinds.document(),
                label="บัตรบิดามารดา",
            ),
        ],
        next_steps=(
            "โรงเรียนจะตรวจสอบใบสมัครและเอกสาร แล้วแจ้งผลทาง LINE นี้ค่ะ "
            "ชั้นที่มีผู้สมัครเกินจำนวนที่รับ อาจจับสลากหรือสอบคัดเลือกตามประกาศของโรงเรียน "
            "เมื่อได้รับแล้ว โรงเรียนจะนัดวันมอบตัว กรุณานำเอกสารตัวจริงมาแสดงในวันนั้นค่ะ"
        ),
    )


# The flow for a school with no academic year set: the year then follows today's date.
FLOW = build(SchoolConfig())


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                given: Mapping[str, str]) -> dict[str, Any]:
    """The admission result with the report day (the appointment staff set before issuing it)."""
    appointment = application.appointment or {}
    if not appointment.get("at"):
        raise DocumentInputMissing("admission needs the report-day appointment",
                                   "กรุณานัดหมายวันมอบตัวก่อนออกประกาศผลการรับนักเรียนค่ะ")
    report = dt.datetime.fromisoformat(appointment["at"]).astimezone(BANGKOK)
    note = " ".join(str(appointment.get("note") or "").split())
    return {
        "subject_name": answers.need("student_name", "ชื่อนักเรียน"),
        "grade": answers.grade("grade_applied"),
        "academic_year": academic_year_applied_for(config, submitted_on(application)),
        "report_date": report.date().isoformat(),
        "report_time": f"{report:%H:%M}",
        "report_place": appointment.get("place") or "",
        "documents_to_bring": [note] if note else [],
    }


SPEC = ServiceSpec(
    id=SERVICE_ID,
    build=build,
    menu_position=10,
    time_limit_days=7,
    approvers=("registrar",),
    document=ServiceDocument(
        type=DocumentType(
            id="admission_result", title_th="ประกาศผลการรับนักเรียนและนัดหมายมอบตัว",
            required=("subject_name", "grade", "academic_year", "report_date"),
            download_name="admission-result.pdf", short_title="ผลการรับสมัคร", layout="letter"),
        make_data=document_data,
    ),
    fee=FeeRule(code="ADM"),
    routing_words=(
        r"สมัครเรียน", r"รับสมัคร", r"สมัคร", r"มอบตัว", r"รับนักเรียน", r"เข้าเรียนที่นี่",
        r"เข้า(เรียน)?(อนุบาล|อ[123]|ป1|ม1|ม4)",
    ),
    routing_priority=80,
)

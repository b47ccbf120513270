"""Questions and rules that several services ask the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from backend.school_config import SchoolConfig
from backend.thai.dates import academic_year_for
from backend.thai.errors import ThaiInputError
from flows import kinds
from flows.flow import Check, Context, Step

STUDENT_NAME = Step(
    "student_name",
    "กรุณาพิมพ์ชื่อและนามสกุลของนักเรียน พร้อมคำนำหน้าค่ะ เช่น เด็กหญิงสมใจ ใจดี",
    kinds.person_name(),
    label="ชื่อนักเรียน",
)
STUDENT_NATIONAL_ID = Step(
    "student_national_id",
    "เลขประจำตัวประชาชน 13 หลักของนักเรียนค่ะ (ดูได้จากบัตรประชาชนหรือสูติบัตร)",
    kinds.national_id(),
    label="เลขบัตรประชาชน",
)
# For services that enrol a child (admission, Grade 1 entry, transfer in): the title is part of
# the name on school records, and a child without civil registration has an ID starting with 0
# or none yet (the school issues a G-code later), which must never stop the request.
CHILD_NAME = Step(
    "student_name",
    "กรุณาพิมพ์ชื่อและนามสกุลของนักเรียน พร้อมคำนำหน้าค่ะ เช่น เด็กหญิงสมใจ ใจดี",
    kinds.titled_name(),
    label="ชื่อนักเรียน",
)
ENROLLING_NATIONAL_ID = Step(
    "student_national_id",
    "เลขประจำตัวประชาชน 13 หลักของนักเรียนค่ะ (ดูได้จากสูติบัตรหรือทะเบียนบ้าน)\n"
    "ถ้านักเรียนยังไม่มีเลขประจำตัว กด “ไม่มีเลขประจำตัว” ได้เลยค่ะ "
    "โรงเรียนจะออกเลขประจำตัวให้ภายหลัง",
    kinds.national_id_or_none("ไม่มีเลขประจำตัว"),
    label="เลขบัตรประชาชน",
)
PARENT_NAME = Step(
    "parent_name",
    "ชื่อและนามสกุลของผู้ปกครองที่ยื่นคำขอค่ะ เช่น นางสมศรี ใจดี",
    kinds.person_name(),
    label="ชื่อผู้ปกครอง",
)
PARENT_PHONE = Step(
    "parent_phone",
    "เบอร์โทรศัพท์ที่โรงเรียนติดต่อผู้ปกครองได้ค่ะ เช่น 081-234-5678",
    kinds.phone(),
    label="เบอร์โทรศัพท์",
)
CURRENT_GRADE = Step(
    "current_grade",
    "ตอนนี้นักเรียนเรียนอยู่ชั้นอะไรคะ พิมพ์ เช่น ป.4 หรือ ม.2",
    kinds.grade(),
    label="ชั้นที่เรียนอยู่",
)
RELATIONSHIP = Step(
    "applicant_relationship",
    "ผู้ยื่นคำขอเกี่ยวข้องกับนักเรียนอย่างไรคะ",
    kinds.choice({"father": "บิดา", "mother": "มารดา", "guardian": "ผู้ปกครอง"}),
    label="ผู้ยื่นคำขอเป็น",
)


def relationship_or_self(self_label: str) -> Step:
    """The relationship question for services the student (or former student) may file alone."""
    return replace(
        RELATIONSHIP,
        question="ใครเป็นผู้ยื่นคำขอนี้คะ",
        kind=kinds.choice({"self": self_label, **RELATIONSHIP.kind.options}),
    )


PARENT_ID_CARD = Step(
    "parent_id_card",
    "ขอรูปถ่ายบัตรประชาชนของผู้ยื่นคำขอค่ะ ถ่ายให้เห็นตัวอักษรชัดเจน",
    kinds.document(),
    label="บัตรผู้ปกครอง",
)
STUDENT_HOUSE_REGISTRATION = Step(
    "student_house_registration",
    "ขอรูปถ่ายทะเบียนบ้านหน้าที่มีชื่อนักเรียนค่ะ",
    kinds.document(),
    label="ทะเบียนบ้าน",
)


def _not_in_past(value: dt.date, ctx: Context) -> None:
    if value < ctx.today:
        raise ThaiInputError("วันที่นี้ผ่านไปแล้วค่ะ กรุณาเลือกวันนี้หรือวันข้างหน้า", code="date.past")


NOT_IN_PAST = Check(_not_in_past)


def _plausible_birth_date(value: dt.date, ctx: Context) -> None:
    if value >= ctx.today:
        raise ThaiInputError("วันเกิดต้องเป็นวันที่ผ่านมาแล้วค่ะ กรุณาตรวจสอบอีกครั้ง", code="birth_date.future")
    if age_in_full_years(value, ctx.today) > 25:
        raise ThaiInputError(
            "วันเกิดนี้ทำให้นักเรียนอายุเกิน 25 ปีค่ะ กรุณาตรวจสอบปี พ.ศ. อีกครั้ง",
            code="birth_date.too_old",
        )


PLAUSIBLE_BIRTH_DATE = Check(_plausible_birth_date)


STUDENT_BIRTH_DATE = Step(
    "student_birth_date",
    "นักเรียนเกิดวันที่เท่าไรคะ พิมพ์ เช่น 15 มีนาคม 2563 หรือกดเลือกวันที่",
    kinds.date(),
    label="วันเกิดนักเรียน",
    check=PLAUSIBLE_BIRTH_DATE,
)


def academic_year_applied_for(config: SchoolConfig, today: dt.date) -> int:
    """The academic year (BE) a child applies to enter: the school's, or else the next one.

    Admission and Grade 1 entry requests are made in Feb–Mar for the year opening on 16 May,
    so without a configured year the one after today's is meant.
    """
    return config.academic_year or academic_year_for(today) + 1


def age_in_full_years(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def payment_timing(fee_due: str) -> str:
    """When a fee is paid, from a service's configured ``fee_due``."""
    if fee_due == "at_submission":
        return "ชำระผ่าน PromptPay เมื่อส่งคำขอ"
    return "ชำระหลังอนุมัติผ่าน PromptPay"

"""Questions and rules that several services ask the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from backend import consent
from backend.applications.models import Application
from backend.applications.service import submit_application
from backend.school_config import SchoolConfig
from backend.thai.dates import academic_year_for, format_thai_date
from backend.thai.errors import ThaiInputError
from backend.thai.names import expected_prefixes, parse_person_name, title_fits_age
from flows import kinds
from flows.flow import Check, Context, ReturnToStep, Step, answer_is

STUDENT_NAME = Step(
    "student_name",
    "กรุณาพิมพ์ชื่อและนามสกุลของนักเรียน พร้อมคำนำหน้าค่ะ เช่น เด็กหญิงสมใจ ใจดี",
    kinds.person_name(),
    label="ชื่อนักเรียน",
)
# Why a service may carry no fee: a school's configuration that sets one is refused with these
# words (docs/rules.md, "What is free").
FREE_BASIC_EDUCATION = (
    "Constitution of the Kingdom of Thailand B.E. 2560 s.54: twelve years of education "
    "without charge (รัฐธรรมนูญ พ.ศ. 2560 มาตรา 54 การศึกษาโดยไม่เก็บค่าใช้จ่าย), see docs/rules.md "
    "\"What is free\""
)
NO_ID_LABEL = "ไม่มีเลขประจำตัว"
# Wherever a student is named: a child without civil registration has an ID starting with 0, a
# G-code the school issued, or none yet, and none of these may stop a request.
STUDENT_NATIONAL_ID = Step(
    "student_national_id",
    "เลขประจำตัวประชาชน 13 หลักของนักเรียนค่ะ (ดูได้จากบัตรประชาชนหรือสูติบัตร) "
    "หรือรหัส G ที่โรงเรียนออกให้ (ตัว G ตามด้วยตัวเลข 12 หลัก)\n"
    f"ถ้านักเรียนไม่มีเลขประจำตัว กด “{NO_ID_LABEL}” ได้เลยค่ะ",
    kinds.student_id(NO_ID_LABEL),
    label="เลขบัตรประชาชน",
)
# For services that enrol a child (admission, Grade 1 entry, transfer in): the title is part of
# the name on school records.
CHILD_NAME = Step(
    "student_name",
    "กรุณาพิมพ์ชื่อและนามสกุลของนักเรียน พร้อมคำนำหน้าค่ะ เช่น เด็กหญิงสมใจ ใจดี",
    kinds.titled_name(),
    label="ชื่อนักเรียน",
)
ENROLLING_NATIONAL_ID = Step(
    "student_national_id",
    "เลขประจำตัวประชาชน 13 หลักของนักเรียนค่ะ (ดูได้จากสูติบัตรหรือทะเบียนบ้าน) "
    "หรือรหัส G ถ้าโรงเรียนเดิมออกให้แล้ว\n"
    f"ถ้านักเรียนยังไม่มีเลขประจำตัว กด “{NO_ID_LABEL}” ได้เลยค่ะ "
    "โรงเรียนจะออกเลขประจำตัวให้ภายหลัง",
    kinds.student_id(NO_ID_LABEL),
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
RELATIONSHIPS = {"father": "บิดา", "mother": "มารดา", "guardian": "ผู้ปกครอง"}
# How parents name themselves: any relative or carer other than the father or mother who looks
# after the child is recorded as its guardian (ผู้ปกครอง), as the school's forms have it.
RELATIONSHIP_WORDS = {
    "father": ("พ่อ", "คุณพ่อ", "ป๊า", "ป๊ะป๋า", "พ่อของนักเรียน", "เป็นพ่อ", "พ่อเอง"),
    "mother": ("แม่", "คุณแม่", "ม๊า", "หม่าม้า", "แม่ของนักเรียน", "เป็นแม่", "แม่เอง"),
    "guardian": ("ยาย", "ตา", "ย่า", "ปู่", "ป้า", "ลุง", "น้า", "อา", "พี่", "พี่สาว", "พี่ชาย", "ทวด",
                 "ญาติ", "ผู้ดูแล", "คุณยาย", "คุณตา", "คุณย่า", "คุณปู่", "ผู้ปกครองนักเรียน"),
}
RELATIONSHIP = Step(
    "applicant_relationship",
    "ผู้ยื่นคำขอเกี่ยวข้องกับนักเรียนอย่างไรคะ",
    kinds.choice(RELATIONSHIPS, synonyms=RELATIONSHIP_WORDS),
    label="ผู้ยื่นคำขอเป็น",
)
SELF_WORDS = ("ตัวเอง", "ตนเอง", "ผมเอง", "หนูเอง", "ฉันเอง", "ดิฉันเอง", "เราเอง", "นักเรียนเอง", "ยื่นเอง")


def relationship_or_self(self_label: str) -> Step:
    """The relationship question for services the student (or former student) may file alone."""
    return replace(
        RELATIONSHIP,
        question="ใครเป็นผู้ยื่นคำขอนี้คะ",
        kind=kinds.choice({"self": self_label, **RELATIONSHIPS},
                          synonyms={"self": SELF_WORDS, **RELATIONSHIP_WORDS}),
    )


PARENT_ID_CARD = Step(
    "parent_id_card",
    "ขอรูปถ่ายบัตรประชาชนของผู้ยื่นคำขอค่ะ ถ่ายให้เห็นตัวอักษรชัดเจน",
    kinds.document(one_page=True),
    label="บัตรผู้ปกครอง",
)
STUDENT_HOUSE_REGISTRATION = Step(
    "student_house_registration",
    "ขอรูปถ่ายทะเบียนบ้านหน้าที่มีชื่อนักเรียนค่ะ",
    kinds.document(one_page=True),
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


def _title_fits_age(birth: dt.date, ctx: Context) -> None:
    """The name's title must fit the age the birth date gives ("นาย" is no 6-year-old's title):
    the birth date is kept and the name asked again (docs/rules.md, "Name titles")."""
    typed = ctx.answers["student_name"]
    try:
        name = parse_person_name(typed) if typed else None
    except ThaiInputError:
        return
    if name is None or name.prefix is None:
        return
    age = age_in_full_years(birth, ctx.today)
    if title_fits_age(name.prefix, age):
        return
    fitting = expected_prefixes(age, name.sex)
    raise ReturnToStep(
        "student_name",
        f"คำนำหน้า “{name.prefix}” ไม่ตรงกับอายุของนักเรียนค่ะ นักเรียนเกิดวันที่ "
        f"{format_thai_date(birth)} ตอนนี้อายุ {age} ปี จึงใช้คำนำหน้า “{'” หรือ “'.join(fitting)}”\n"
        f"กรุณาพิมพ์ชื่อนักเรียนใหม่พร้อมคำนำหน้าค่ะ เช่น {fitting[0]}{name.first} {name.last}\n"
        "(ถ้าวันเกิดไม่ถูกต้อง แก้ได้ที่หน้าสรุปก่อนส่งคำขอค่ะ)",
    )


def _plausible_birth_date_and_title(birth: dt.date, ctx: Context) -> None:
    _plausible_birth_date(birth, ctx)
    _title_fits_age(birth, ctx)


PLAUSIBLE_BIRTH_DATE = Check(_plausible_birth_date)
# For a flow that asked the student's name (with its title) before the birth date.
BIRTH_DATE_FITTING_THE_TITLE = Check(_plausible_birth_date_and_title, uses=("student_name",))


STUDENT_BIRTH_DATE = Step(
    "student_birth_date",
    "นักเรียนเกิดวันที่เท่าไรคะ พิมพ์ เช่น 15 มีนาคม 2563 หรือกดเลือกวันที่",
    kinds.date(),
    label="วันเกิดนักเรียน",
    check=BIRTH_DATE_FITTING_THE_TITLE,
    picker_range=lambda today: (None, today),  # no one is born tomorrow
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


# -- schools for children with disabilities: the disability document, after explicit consent --------
#
# At a โรงเรียนเฉพาะความพิการ or a ศูนย์การศึกษาพิเศษ, admission and transfer in also ask which
# disability the child has and its evidence: the disability identification card (บัตรประจำตัวคนพิการ)
# or a medical or educational assessment. Both are health data (PDPA s.26): asked only after the
# parent's explicit, separate consent; without it the request goes on and staff see the document
# missing. The types are those of the MOE notice on types and criteria of persons with disabilities
# for education, 2552. docs/rules.md, "Services by type of school".
DISABILITY_TYPES = {
    "visual": "การเห็น",
    "hearing": "การได้ยิน",
    "intellectual": "สติปัญญา",
    "physical": "ร่างกาย/สุขภาพ",
    "learning": "การเรียนรู้",
    "speech": "การพูดและภาษา",
    "behavioural": "พฤติกรรม/อารมณ์",
    "autism": "ออทิสติก",
    "multiple": "พิการซ้อน",
    "not_assessed": "ยังไม่ได้ประเมิน",
}
HEALTH_CONSENT_STATEMENT = ("ยินยอมให้โรงเรียนเก็บและใช้ข้อมูลความพิการและเอกสารทางการแพทย์ของนักเรียน "
                            "เพื่อพิจารณาคำขอนี้และจัดการศึกษาพิเศษให้นักเรียนเท่านั้น")
DISABILITY_DOCUMENT = {"document": "disability_document", "name": "บัตรคนพิการหรือผลการประเมิน"}


def for_children_with_disabilities(config: SchoolConfig) -> bool:
    from backend.organisations import SchoolType

    return config.school_type in (SchoolType.DISABILITY, SchoolType.SPECIAL_CENTRE)


def disability_steps(config: SchoolConfig) -> list[Step]:
    """The consent, the type of disability and its evidence, at a school for children with
    disabilities; nothing elsewhere."""
    if not for_children_with_disabilities(config):
        return []
    return [
        Step(
            "health_consent",
            "โรงเรียนนี้จัดการศึกษาสำหรับเด็กพิการ จึงขอทราบประเภทความพิการและเอกสารรับรอง "
            "(บัตรประจำตัวคนพิการ หรือผลการตรวจ/ประเมินจากแพทย์หรือนักวิชาชีพ) ค่ะ\n"
            "ข้อมูลนี้เป็นข้อมูลสุขภาพ ซึ่งเป็นข้อมูลส่วนบุคคลที่อ่อนไหว\n"
            f"ท่าน{HEALTH_CONSENT_STATEMENT} ใช่ไหมคะ\n"
            "ถ้าไม่ยินยอม ยื่นคำขอต่อได้ตามปกติ โดยนำเอกสารมาแสดงที่โรงเรียนแทน "
            "และถอนความยินยอมได้ทุกเมื่อโดยแจ้งโรงเรียนค่ะ",
            # Explicit consent: the button or its word typed, never a near guess (PDPA s.19, s.26).
            kinds.choice({"yes": "ยินยอม", "no": "ไม่ยินยอม"}, load=lambda v: v == "yes", exact=True),
            label="ความยินยอม",
        ),
        Step(
            "disability_type",
            "นักเรียนมีความบกพร่องด้านใดคะ (ถ้ามีหลายด้าน เลือก “พิการซ้อน”)",
            kinds.choice(DISABILITY_TYPES),
            label="ประเภทความพิการ",
            when=answer_is("health_consent", True),
        ),
        Step(
            "disability_document",
            "ขอรูปถ่ายบัตรประจำตัวคนพิการ หรือผลการตรวจ/ประเมินความพิการของนักเรียนค่ะ",
            kinds.document(),
            label="เอกสารความพิการ",
            when=answer_is("health_consent", True),
        ),
    ]


def record_health_consent(session: AsyncSession, application: Application, *, now: dt.datetime) -> None:
    """Keep the parent's choice on the disability document as a consent record; without consent
    the document is listed as missing, so that staff see what the decision lacks."""
    if "health_consent" not in (application.answers or {}):
        return
    granted = application.answers["health_consent"] == "yes"
    consent.record(session, school_id=application.school_id, user_ref=application.parent_ref,
                   purpose=consent.SENSITIVE, granted=granted, now=now)
    if not granted:
        application.missing_documents = [*(application.missing_documents or []), DISABILITY_DOCUMENT]


async def submit_with_health_consent(session: AsyncSession, application: Application, *,
                                     now: dt.datetime) -> None:
    record_health_consent(session, application, now=now)
    await submit_application(session, application, now=now)

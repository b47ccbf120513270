"""Admission (การรับนักเรียน): a parent applies for a child to enter one of the school's entry grades.

The entry grades, their age windows and how places are given are OBEC's admission policy of the
year (backend/rules/admission.py, docs/rules.md "Admission"), within the grades the school
teaches (its configuration, "grades"). ป.1 also admits a child who finished อ.3, and a child
whose early or late entry (ผ่อนผัน) the school approved: one on record is found by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.admission_round import service as rounds
from backend.applications.models import Application
from backend.applications.service import submit_application
from backend.catalog import DocumentType, FeeRule, ServiceDocument
from backend.documents.from_applications import Answers, DocumentInputMissing, submitted_on
from backend.organisations import ALL_SCHOOL_TYPES
from backend.rules.admission import SELECTION_TH, policies, policy_for
from backend.school_config import SchoolConfig
from backend.thai.age import EntryApproval, approval_admits, check_age_for_grade, p1_cohort
from backend.thai.dates import be_year
from backend.thai.errors import ThaiInputError
from backend.thai.grades import Grade, find_grade
from backend.working_days import BANGKOK
from flows import kinds
from flows.common import (
    CHILD_NAME,
    ENROLLING_NATIONAL_ID,
    FREE_BASIC_EDUCATION,
    PARENT_NAME,
    PARENT_PHONE,
    RELATIONSHIP,
    STUDENT_BIRTH_DATE,
    STUDENT_HOUSE_REGISTRATION,
    academic_year_applied_for,
    disability_steps,
    record_health_consent,
)
from flows.flow import Check, Context, Facts, Flow, ReturnToStep, Step, When, answer_is
from flows.services.grade1_entry import ENTRY_APPROVAL, approved_entry_for
from flows.spec import ServiceSpec

SERVICE_ID = "admission"

# The engine cannot hand a conversation over to another service, so the way there is the one
# that works in any conversation: close this request, then ask for the other service.
TO_GRADE1_ENTRY = "วิธียื่น: พิมพ์ “ยกเลิก” เพื่อปิดคำขอสมัครเรียนนี้ แล้วพิมพ์ “ขอผ่อนผัน”"
TO_TRANSFER_IN = "พิมพ์ “ยกเลิก” เพื่อปิดคำขอสมัครเรียนนี้ แล้วพิมพ์ “ย้ายเข้า” ค่ะ"
CHECK_BIRTH_DATE = "\nถ้าวันเกิดไม่ถูกต้อง พิมพ์ “ย้อนกลับ” เพื่อแก้ไขค่ะ"
# Facts: why each grade's round cannot be applied for now ({grade: message}); a grade absent is
# open, or the school runs no round for it (backend/admission_round/).
ROUND_REFUSALS = "round_refusals"

# How a child born outside the ป.1 birth year enters ป.1 (asked when no approval is on record).
P1_WAYS = {
    "finished_k3": "จบชั้น อ.3 แล้ว",
    "entry_approved": "ได้รับผ่อนผันแล้ว",
    "neither": "ไม่ใช่ทั้งสองกรณี",
}
P1_WAY_WORDS = {
    "finished_k3": ("จบอนุบาล", "จบอ3", "จบอนุบาล3", "จบอนุบาลสาม"),
    "entry_approved": ("ผ่อนผันแล้ว", "ได้ผ่อนผัน"),
    "neither": ("ไม่ใช่ทั้งสอง", "ไม่ใช่ทั้งคู่", "ไม่ทั้งสอง"),
}


def entry_grades(config: SchoolConfig) -> tuple[Grade, ...]:
    """The grades this school admits to: the policy's entry grades it teaches (อ.1 only where
    allowed, which the school states by teaching it; ม.1 and ม.4 only where it has them)."""
    year = config.academic_year or policies()[-1].policy_year
    return tuple(grade for grade in policy_for(year).entry_grades if config.grades.teaches(grade))


def _not_offered(grade: Grade, config: SchoolConfig, offered: tuple[Grade, ...]) -> ThaiInputError:
    choices = ", ".join(g.label_th for g in offered)
    if grade is Grade.K1 and not config.grades.teaches(grade):
        message = (
            "โรงเรียนนี้ไม่ได้เปิดรับเด็กอายุ 3 ปีเข้าชั้น อ.1 ค่ะ (สพฐ. ให้รับเด็กอายุ 4–5 ปีเข้าชั้น อ.2 และ อ.3 "
            "ส่วนชั้น อ.1 รับได้เฉพาะโรงเรียนที่ได้รับอนุญาตให้เปิดรับอยู่แล้ว) "
            f"ชั้นที่โรงเรียนนี้รับสมัครคือ {choices} ค่ะ"
        )
    elif not config.grades.teaches(grade):
        message = (f"โรงเรียนนี้เปิดสอนชั้น {config.grades.label_th()} จึงไม่มีชั้น {grade.label_th} ค่ะ "
                   f"ชั้นที่โรงเรียนนี้รับสมัครคือ {choices} ค่ะ")
    else:
        message = (
            f"ชั้น {grade.label_th} ไม่ใช่ชั้นที่รับสมัครนักเรียนใหม่ค่ะ การสมัครเรียนรับชั้น {choices} "
            f"ส่วนชั้นอื่นเป็นการย้ายเข้า หากต้องการย้ายเข้าเรียนชั้นนี้ {TO_TRANSFER_IN}"
        )
    return ThaiInputError(message, code="admission.not_entry_grade")


def _approval_on_record(facts: Mapping[str, Any], birth: dt.date, year: int) -> bool:
    approval = facts.get(ENTRY_APPROVAL)
    if not approval:
        return False
    return approval_admits(EntryApproval(approval["request"]), birth, approval["academic_year"], year)


def _age_rule(config: SchoolConfig, offered: tuple[Grade, ...]) -> Check:
    def test(grade: Grade, ctx: Context) -> None:
        if grade not in offered:
            raise _not_offered(grade, config, offered)
        refusal = ctx.facts.get(ROUND_REFUSALS, {}).get(grade.value)
        if refusal:
            raise ThaiInputError(refusal, code="admission.round")
        year = academic_year_applied_for(config, ctx.today)
        birth = ctx.answers["student_birth_date"]
        result = check_age_for_grade(birth, grade, year)
        if result.ok or (grade is Grade.P1 and result.p1_other_way):
            return  # a child a year off the ป.1 birth year is asked next how they enter ป.1
        message = result.reason_th
        if result.fitting_grade is not None and result.fitting_grade in offered:
            message += f"\nเลือกสมัครชั้น {result.fitting_grade.label_th} ได้เลยค่ะ"
        raise ThaiInputError(message + CHECK_BIRTH_DATE, code="admission.age")

    return Check(test, uses=("student_birth_date",))


def _p1_way_needed(config: SchoolConfig) -> When:
    def test(ctx: Context) -> bool:
        grade, birth = ctx.answers["grade_applied"], ctx.answers["student_birth_date"]
        if grade is not Grade.P1 or birth is None:
            return False
        year = academic_year_applied_for(config, ctx.today)
        if check_age_for_grade(birth, grade, year).ok:
            return False
        return not _approval_on_record(ctx.facts, birth, year)

    return When(test, uses=("grade_applied", "student_birth_date"),
                describe="ป.1 แต่เกิดนอกปีตามเกณฑ์ และไม่มีผ่อนผันในระบบ")


def _p1_way_accepted(config: SchoolConfig, offered: tuple[Grade, ...]) -> Check:
    def test(way: str, ctx: Context) -> None:
        if way != "neither":
            return
        year = academic_year_applied_for(config, ctx.today)
        birth = ctx.answers["student_birth_date"]
        cohort = p1_cohort(year)
        rule = (f"ชั้น ป.1 ปีการศึกษา {year} รับเด็กที่เกิดปี พ.ศ. {cohort} เด็กที่จบชั้น อ.3 แล้ว "
                "และเด็กที่โรงเรียนอนุญาตให้ผ่อนผันเข้าเรียนก่อนหรือหลังเกณฑ์ 1 ปีค่ะ")
        result = check_age_for_grade(birth, Grade.P1, year)
        if be_year(birth) > cohort:
            message = (f"{rule} นักเรียนเกิดปี พ.ศ. {be_year(birth)} หากต้องการให้เข้าเรียน ป.1 ปีนี้ "
                       f"ยื่นคำร้องขอผ่อนผันเข้าเรียนก่อนเกณฑ์ได้ค่ะ {TO_GRADE1_ENTRY}")
            if result.fitting_grade is not None and result.fitting_grade in offered:
                message += (f"\nหรือสมัครชั้น {result.fitting_grade.label_th} แทน "
                            "(พิมพ์ “ย้อนกลับ” เพื่อเลือกชั้นใหม่) ค่ะ")
        else:
            message = (f"{rule} นักเรียนเกิดปี พ.ศ. {be_year(birth)} จึงอายุเกินเกณฑ์ชั้น ป.1 "
                       "หากนักเรียนยังไม่เคยเข้าเรียนที่ใด กรุณาติดต่อโรงเรียนโดยตรง "
                       "เพื่อพิจารณาชั้นเรียนที่เหมาะสมค่ะ")
        raise ThaiInputError(message, code="admission.p1_way")

    return Check(test, uses=("student_birth_date",))


def _house_number_missing(ctx: Context) -> bool:
    return not ctx.answers["home_address"]["line"]


HOUSE_NUMBER_MISSING = When(
    _house_number_missing, uses=("home_address",), describe="ไม่ได้พิมพ์บ้านเลขที่"
)


def how_places_are_given(config: SchoolConfig):
    """The closing words: what happens next, and how the chosen grade gives its places."""

    def next_steps(answers: Mapping[str, Any]) -> str:
        lines = ["โรงเรียนจะตรวจสอบใบสมัครและเอกสาร แล้วแจ้งผลทาง LINE นี้ค่ะ"]
        try:
            grade: Grade | None = Grade(str(answers.get("grade_applied")))
        except ValueError:
            grade = None
        year = config.academic_year or policies()[-1].policy_year
        rule = policy_for(year).rule(grade) if grade is not None else None
        if rule is not None:
            lines.append(SELECTION_TH[rule.selection])
        lines.append("เมื่อได้รับแล้ว โรงเรียนจะนัดวันมอบตัว กรุณานำเอกสารตัวจริงมาแสดงในวันนั้นค่ะ")
        return "\n".join(lines)

    return next_steps


def _year_of(config: SchoolConfig, now: dt.datetime) -> int:
    return academic_year_applied_for(config, rounds.local_day(now))


def opening(config: SchoolConfig):
    """Before any question: no grade's round open (not yet, or closed) says when, or why not."""

    async def check(session: AsyncSession, school_id: int, now: dt.datetime) -> str | None:
        found = await rounds.windows(session, school_id=school_id, academic_year=_year_of(config, now))
        return found.start_refusal(now, entry_grades(config))

    return check


def facts_with_rounds(config: SchoolConfig):
    """The flow's facts: an approved ผ่อนผัน on record, and each grade's round not open now."""

    async def load(session: AsyncSession, application: Application) -> Mapping[str, Any]:
        facts = dict(await approved_entry_for(session, application))
        now = application.last_activity_at
        found = await rounds.windows(session, school_id=application.school_id,
                                     academic_year=_year_of(config, now))
        refusals = {grade: found.refusal(grade, now) for grade in found.by_grade}
        facts[ROUND_REFUSALS] = {grade: message for grade, message in refusals.items() if message}
        return facts

    return load


def submit_in_round(config: SchoolConfig):
    """File the request while its grade's round is open, and enter it in the round."""

    async def submit(session: AsyncSession, application: Application, *, now: dt.datetime) -> None:
        year = _year_of(config, now)
        grade = str(application.answers.get("grade_applied"))
        found = await rounds.windows(session, school_id=application.school_id, academic_year=year)
        refusal = found.refusal(grade, now)
        if refusal:
            raise ReturnToStep("grade_applied", refusal)
        record_health_consent(session, application, now=now)
        await _record_approval_on_record(session, application, now=now)
        round_ = found.by_grade.get(grade)
        if round_ is not None:
            await rounds.entry_for(session, round_, application, now=now)

    return submit


async def _record_approval_on_record(session: AsyncSession, application: Application, *,
                                     now: dt.datetime) -> None:
    """File the request; a ป.1 child admitted by a ผ่อนผัน on record names it for the staff."""
    answers = application.answers
    if answers.get("grade_applied") == Grade.P1 and "p1_way" not in answers:
        facts = await approved_entry_for(session, application)
        approval = facts.get(ENTRY_APPROVAL)
        if approval:
            application.answers = {**answers, "entry_approval_number": approval["number"]}
    await submit_application(session, application, now=now)


def _grade_said(text: str, today: dt.date) -> dict[str, Any]:
    """"สมัคร ป.1 ให้ลูกชาย" gives the grade (checked against the age rule when its step comes)."""
    found = find_grade(text)
    return {"grade_applied": found[0].value} if found is not None else {}


def build(config: SchoolConfig) -> Flow:
    """Admission for one school: its entry grades, and the age rule of its academic year."""
    offered = entry_grades(config)
    year_note = f" ปีการศึกษา {config.academic_year}" if config.academic_year else ""
    shown = ", ".join(grade.label_th for grade in offered)
    return Flow(
        id=SERVICE_ID,
        title="สมัครเรียน",
        menu_label="สมัครเรียน",
        number_prefix="AD",
        version=1,
        intro=(
            f"รับสมัครนักเรียนชั้น {shown}{year_note} ค่ะ "
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
                kinds.grade(buttons=offered),
                label="ชั้นที่สมัคร",
                check=_age_rule(config, offered),
            ),
            Step(
                "p1_way",
                "ชั้น ป.1 รับ\n"
                "• เด็กที่เกิดในปีตามเกณฑ์ (อายุย่างเข้าปีที่ 7)\n"
                "• เด็กที่จบชั้น อ.3 แล้ว\n"
                "• เด็กที่โรงเรียนอนุญาตให้ผ่อนผันเข้าเรียนก่อนหรือหลังเกณฑ์ 1 ปี\n"
                "นักเรียนไม่ได้เกิดในปีตามเกณฑ์ จะเข้า ป.1 ในกรณีใดคะ",
                kinds.choice(P1_WAYS, synonyms=P1_WAY_WORDS),
                label="เข้า ป.1 เพราะ",
                when=_p1_way_needed(config),
                check=_p1_way_accepted(config, offered),
            ),
            Step(
                "kindergarten_school",
                "นักเรียนจบชั้น อ.3 จากโรงเรียนใด จังหวัดใดคะ (ถ้าเป็นโรงเรียนนี้ พิมพ์ชื่อโรงเรียนนี้ได้เลยค่ะ)",
                kinds.text(max_length=200, example="โรงเรียนอนุบาลบ้านหนองบัว จังหวัดขอนแก่น"),
                label="จบ อ.3 จาก",
                when=answer_is("p1_way", "finished_k3"),
            ),
            Step(
                "entry_approval_letter",
                "ขอรูปถ่ายหนังสือแจ้งผลการพิจารณาผ่อนผันการเข้าเรียนชั้น ป.1 ค่ะ",
                kinds.document(),
                label="หนังสือผ่อนผัน",
                when=answer_is("p1_way", "entry_approved"),
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
                    {"in_area": "อยู่ในเขต", "out_of_area": "ไม่อยู่ในเขต", "not_sure": "ไม่แน่ใจ"},
                    synonyms={
                        "in_area": ("อยู่", "ในเขต", "ใช่", "อยู่ในพื้นที่", "อยู่ในเขตบริการ"),
                        "out_of_area": ("ไม่อยู่", "นอกเขต", "ไม่ใช่", "อยู่นอกเขต", "ไม่ได้อยู่"),
                        "not_sure": ("ไม่ทราบ", "ไม่รู้", "ไม่แน่ใจว่าอยู่", "ไม่ทราบว่าอยู่"),
                    },
                ),
                label="เขตพื้นที่บริการ",
            ),
            *disability_steps(config),
            Step(
                "photo",
                "ขอรูปถ่ายหน้าตรงของนักเรียน ขนาด 1 นิ้วค่ะ",
                kinds.document(one_page=True),
                label="รูปถ่าย 1 นิ้ว",
            ),
            Step(
                "birth_certificate",
                "ขอรูปถ่ายสูติบัตรของนักเรียนค่ะ",
                kinds.document(one_page=True),
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
        next_steps=how_places_are_given(config),
        submit=submit_in_round(config),
        first_message=_grade_said,
        facts=Facts(
            load=facts_with_rounds(config),
            uses=("student_name", "student_national_id", "student_birth_date"),
            sample={ENTRY_APPROVAL: {"request": "early", "academic_year": 2570, "number": "GE-SAMPLE1"},
                    ROUND_REFUSALS: {}},
        ),
        opening=opening(config),
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
    # Which schools offer it: docs/rules.md, "Services by type of school".
    school_types=ALL_SCHOOL_TYPES,
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
    source=("docs/rules.md#admission: OBEC's admission policy of the year (backend/rules/data/admission/), "
            "MOE regulation 2548 on evidence for admission, clause 6"),
    free_by=FREE_BASIC_EDUCATION,
)

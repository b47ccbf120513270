"""Withdrawal (ลาออก): leaving the school; a child still in compulsory schooling names where next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument, StaffField
from backend.documents.from_applications import STUDENT_NUMBER, Answers, DocumentInputMissing
from backend.organisations import ALL_SCHOOL_TYPES
from backend.rules.compulsory import compulsory_schooling
from backend.school_config import SchoolConfig
from flows import kinds
from flows.common import (
    BIRTH_DATE_FITTING_THE_TITLE,
    CURRENT_GRADE,
    FREE_BASIC_EDUCATION,
    NOT_IN_PAST,
    PARENT_ID_CARD,
    RELATIONSHIP,
    STUDENT_HOUSE_REGISTRATION,
    STUDENT_NAME,
    STUDENT_NATIONAL_ID,
)
from flows.flow import Context, Flow, Step, When, answer_is
from flows.spec import ServiceSpec

SERVICE_ID = "withdrawal"

# Until compulsory schooling ends (ม.3 passed, or the calendar year the child is "ย่างเข้าปีที่ 16",
# backend/rules/compulsory.py) a child may leave only to learn in another form, so the school must
# know where; after it the child may also leave without continuing (docs/rules.md, "Withdrawal").
DESTINATIONS = {
    "another_school": "โรงเรียนอื่น",
    "non_formal": "การศึกษานอกระบบ",
    "home_school": "บ้านเรียน",
}
AFTER_COMPULSORY = {**DESTINATIONS, "not_continuing": "ไม่ได้เรียนต่อ"}
NAMED_PLACE = ("another_school", "non_formal")
# Home schooling (การจัดการศึกษาขั้นพื้นฐานโดยครอบครัว) is the district office's permission, not
# the school's: the request is recorded with where that permission stands, and a family without it
# is pointed to the district's service in the same chat (flows/services/home_school.py).
DISTRICT_PERMISSION = {"granted": "ได้รับอนุญาตแล้ว", "pending": "ยื่นแล้ว รอผล", "not_yet": "ยังไม่ได้ยื่น"}
HOME_SCHOOL_NEEDS_PERMISSION = (
    "การจัดการศึกษาโดยครอบครัว (บ้านเรียน) ต้องได้รับอนุญาตจากสำนักงานเขตพื้นที่การศึกษา (สพป. หรือ สพม.) "
    "ที่ครอบครัวอยู่ก่อนค่ะ ครอบครัวยื่นคำขอพร้อมแผนการจัดการศึกษาได้ในแชตนี้ "
    "โดยพิมพ์ “ขอจัดการศึกษาโดยครอบครัว” "
    "โรงเรียนจะอนุมัติการลาออกเพื่อไปเรียนแบบบ้านเรียนเมื่อได้รับอนุญาตแล้ว"
)


def _still_in_compulsory_schooling(ctx: Context) -> bool:
    birth, grade = ctx.answers["student_birth_date"], ctx.answers["current_grade"]
    return compulsory_schooling().still_compulsory(birth, grade, ctx.today)


STILL_IN_COMPULSORY_SCHOOLING = When(
    _still_in_compulsory_schooling,
    uses=("student_birth_date", "current_grade"),
    describe="ยังไม่จบ ม.3 และยังไม่ถึงปีที่อายุย่างเข้าปีที่ 16",
)
COMPULSORY_SCHOOLING_OVER = When(
    lambda ctx: not _still_in_compulsory_schooling(ctx),
    uses=("student_birth_date", "current_grade"),
    describe="จบ ม.3 แล้ว หรืออายุย่างเข้าปีที่ 16 แล้ว",
)


def _going_to(*values: str) -> When:
    def test(ctx: Context) -> bool:
        return (ctx.answers["destination"] in values) or (ctx.answers["plan_after_leaving"] in values)

    return When(test, uses=("destination", "plan_after_leaving"), describe=" / ".join(values))


def _next_steps(config: SchoolConfig):
    days = config.service(SERVICE_ID).time_limit_days

    def next_steps(answers: Mapping[str, Any]) -> str:
        going = answers.get("destination") or answers.get("plan_after_leaving")
        lines = [f"โรงเรียนจะตรวจสอบคำขอและเอกสาร แล้วแจ้งผลการพิจารณาทาง LINE นี้ภายใน {days} วันทำการ "
                 "นับจากวันที่เอกสารครบถ้วนค่ะ"]
        if going == "home_school" and answers.get("district_permission") != "granted":
            lines.append(HOME_SCHOOL_NEEDS_PERMISSION + " เมื่อได้รับหนังสืออนุญาตแล้ว กรุณาส่งให้โรงเรียนด้วยค่ะ")
        lines.append("เมื่ออนุมัติแล้ว จะได้รับหนังสือรับรองการลาออกทาง LINE นี้ค่ะ")
        return "\n".join(lines)

    return next_steps


def build(config: SchoolConfig) -> Flow:
    """Withdrawal for one school: its time limit is what the parent is told."""
    return Flow(
        id=SERVICE_ID,
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
                check=BIRTH_DATE_FITTING_THE_TITLE,
            ),
            CURRENT_GRADE,
            RELATIONSHIP,
            Step(
                "destination",
                "นักเรียนยังอยู่ในการศึกษาภาคบังคับ (จนกว่าจะจบชั้น ม.3 หรือถึงปีที่อายุย่างเข้าปีที่ 16) "
                "จึงลาออกได้เพื่อไปเรียนในรูปแบบอื่นเท่านั้น กรุณาแจ้งว่าจะไปเรียนต่อที่ไหนค่ะ",
                kinds.choice(DESTINATIONS),
                label="ไปเรียนต่อที่",
                when=STILL_IN_COMPULSORY_SCHOOLING,
            ),
            Step(
                "plan_after_leaving",
                "หลังลาออก นักเรียนจะไปเรียนต่อที่ไหน หรือไม่ได้เรียนต่อคะ",
                kinds.choice(AFTER_COMPULSORY),
                label="หลังลาออก",
                when=COMPULSORY_SCHOOLING_OVER,
            ),
            Step(
                "destination_name",
                "ชื่อโรงเรียนหรือศูนย์ กศน. ที่จะไปเรียน และจังหวัดค่ะ",
                kinds.text(max_length=200, example="กศน.อำเภอเมือง จังหวัดลำปาง"),
                label="ชื่อสถานศึกษาใหม่",
                when=_going_to(*NAMED_PLACE),
            ),
            Step(
                "district_permission",
                f"{HOME_SCHOOL_NEEDS_PERMISSION}\nตอนนี้ครอบครัวได้รับอนุญาตแล้วหรือยังคะ",
                kinds.choice(DISTRICT_PERMISSION),
                label="อนุญาตบ้านเรียน",
                when=_going_to("home_school"),
            ),
            Step(
                "district_permission_letter",
                "ขอรูปถ่ายหนังสืออนุญาตให้จัดการศึกษาโดยครอบครัวจากสำนักงานเขตพื้นที่การศึกษาค่ะ",
                kinds.document(),
                label="หนังสืออนุญาต",
                when=answer_is("district_permission", "granted"),
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
                kinds.date(upcoming=True),
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
        next_steps=_next_steps(config),
    )


# On the issue form of a home-schooling withdrawal: the district office's permission it rests on.
DISTRICT_PERMISSION_FIELD = StaffField(
    "district_permission",
    "หนังสืออนุญาตจัดการศึกษาโดยครอบครัวของสำนักงานเขตพื้นที่การศึกษา (เลขที่ และวันที่) เฉพาะกรณีบ้านเรียน",
    placeholder="เช่น ศธ 04001/123 ลงวันที่ 1 มิถุนายน 2569",
)


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    destination = answers.get("destination") or answers.get("plan_after_leaving")
    name = answers.get("destination_name")
    if destination == "home_school":
        permission = " ".join(given.get(DISTRICT_PERMISSION_FIELD.name, "").split())
        if not permission:
            raise DocumentInputMissing(
                "home schooling needs the district office's permission",
                "การลาออกเพื่อจัดการศึกษาโดยครอบครัว (บ้านเรียน) ต้องได้รับอนุญาตจากสำนักงานเขตพื้นที่การศึกษาก่อนค่ะ "
                "กรุณากรอกเลขที่และวันที่ของหนังสืออนุญาต")
        where = f"จัดการศึกษาโดยครอบครัว (บ้านเรียน) ตามที่สำนักงานเขตพื้นที่การศึกษาอนุญาต ({permission})"
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
    id=SERVICE_ID,
    build=build,
    # Which schools offer it: docs/rules.md, "Services by type of school".
    school_types=ALL_SCHOOL_TYPES,
    menu_position=50,
    time_limit_days=1,
    approvers=("registrar",),
    document=ServiceDocument(
        type=DocumentType(
            id="withdrawal_certificate", title_th="หนังสือรับรองการลาออก",
            required=("subject_name", "grade", "withdrawal_date"),
            download_name="withdrawal-certificate.pdf", short_title="ใบรับรองลาออก", layout="certificate"),
        make_data=document_data,
        staff_fields=(STUDENT_NUMBER, DISTRICT_PERMISSION_FIELD),
    ),
    fee=FeeRule(code="WD"),
    routing_words=(r"ลาออก", r"ออกจากโรงเรียน", r"เลิกเรียน", r"กศน", r"โฮมสคูล", r"บ้านเรียน"),
    routing_priority=50,
    source=("docs/rules.md#withdrawal: OBEC's citizen's manual for withdrawal; Compulsory Education Act "
            "2545 s.4 (backend/rules/data/compulsory.toml)"),
    free_by=FREE_BASIC_EDUCATION,
)

"""Credit transfer (เทียบโอนผลการเรียน): earlier studies counted towards the student's studies here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument, StaffField
from backend.documents.from_applications import Answers, DocumentInputMissing
from backend.organisations import SchoolType
from backend.school_config import SchoolConfig
from flows import kinds
from flows.common import (
    CURRENT_GRADE,
    STUDENT_NAME,
    STUDENT_NATIONAL_ID,
    relationship_or_self,
)
from flows.flow import Flow, Step, answer_is
from flows.spec import ServiceSpec

FLOW = Flow(
    id="credit_transfer",
    title="เทียบโอนผลการเรียน",
    menu_label="เทียบโอนผลการเรียน",
    number_prefix="CT",
    version=1,
    intro=("เตรียมรูปถ่ายใบระเบียนแสดงผลการเรียนหรือวุฒิการศึกษาเดิม และบัตรประชาชนของนักเรียนไว้ด้วยนะคะ"),
    steps=[
        STUDENT_NAME,
        STUDENT_NATIONAL_ID,
        CURRENT_GRADE,
        relationship_or_self("นักเรียนเอง"),
        Step(
            "previous_study_place",
            "ผลการเรียนที่จะขอเทียบโอน เรียนมาจากที่ไหนคะ",
            kinds.choice(
                {
                    "school": "โรงเรียนในประเทศ",
                    "non_formal": "กศน.",
                    "abroad": "ต่างประเทศ",
                    "other": "อื่น ๆ",
                }
            ),
            label="เรียนมาจาก",
        ),
        Step(
            "previous_study_name",
            "ชื่อสถานศึกษาหรือแหล่งเรียนรู้เดิม พร้อมจังหวัดหรือประเทศค่ะ เช่น โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น",
            kinds.text(max_length=200, example="กศน.อำเภอเมือง จังหวัดลำปาง"),
            label="สถานศึกษาเดิม",
        ),
        Step(
            "previous_level",
            "ตอนนั้นเรียนอยู่ระดับใดคะ",
            kinds.choice(
                {
                    "primary": "ประถมศึกษา",
                    "lower_secondary": "ม.ต้น (ม.1–ม.3)",
                    "upper_secondary": "ม.ปลาย (ม.4–ม.6)",
                    "vocational": "อาชีวศึกษา",
                    "other": "อื่น ๆ",
                }
            ),
            label="ระดับที่เรียนมา",
        ),
        Step(
            "subjects_to_transfer",
            "ต้องการเทียบโอนรายวิชาหรือผลการเรียนใดคะ พิมพ์สั้น ๆ ได้เลยค่ะ "
            "เช่น ภาษาอังกฤษ ม.4 ภาคเรียนที่ 1 หรือ ทุกวิชาที่เรียนมาแล้ว 1 ปี",
            kinds.text(max_length=300, example="ภาษาอังกฤษ ม.4 ภาคเรียนที่ 1"),
            label="สิ่งที่ขอเทียบโอน",
        ),
        Step(
            "previous_transcript",
            "ขอรูปถ่ายใบระเบียนแสดงผลการเรียน (ปพ.1) หรือใบรับรอง/วุฒิการศึกษาจากที่เรียนเดิมค่ะ "
            "ถ่ายให้เห็นทุกหน้า ส่งได้หลายรูป",
            kinds.document(),
            label="หลักฐานผลการเรียน",
        ),
        Step(
            "transcript_translation",
            "เอกสารจากต่างประเทศ ขอรูปถ่ายคำแปลเป็นภาษาไทยหรือภาษาอังกฤษด้วยค่ะ",
            kinds.document(),
            label="คำแปลเอกสาร",
            when=answer_is("previous_study_place", "abroad"),
        ),
        Step(
            "student_id_card",
            "ขอรูปถ่ายบัตรประชาชนของนักเรียนค่ะ ถ่ายให้เห็นตัวอักษรชัดเจน",
            kinds.document(one_page=True),
            label="บัตรประชาชน",
        ),
        Step(
            "other_evidence",
            "มีหลักฐานอื่นที่ช่วยการพิจารณาไหมคะ เช่น เกียรติบัตร ผลงาน หรือหนังสือรับรองการทำงาน (ไม่บังคับ)",
            kinds.document(),
            label="หลักฐานอื่น",
            required=False,
        ),
    ],
    next_steps=(
        "คณะกรรมการเทียบโอนผลการเรียนของโรงเรียนจะพิจารณาจากเอกสาร "
        "หรืออาจนัดประเมินความรู้ (สอบ สัมภาษณ์ หรือดูผลงาน) เพิ่มเติม "
        "โรงเรียนจะแจ้งผลหรือวันนัดประเมินทาง LINE นี้ค่ะ"
    ),
)


_COURSE_SEPARATORS = re.compile(r"\s*[|\t]\s*")
_COURSE_KEYS = ("code", "name", "credits", "result")


def parse_courses(text: str) -> list[dict[str, str]]:
    """Staff's course lines ("ท21101 | ภาษาไทย 1 | 1.5 | 3", or pasted from a spreadsheet with
    tabs) as the credit-transfer result's rows."""
    courses = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in _COURSE_SEPARATORS.split(line.strip())]
        if len(parts) != 4 or not all(parts):
            raise DocumentInputMissing(
                f"course line {number} malformed",
                f"บรรทัดที่ {number} ต้องมี 4 ช่อง คั่นด้วย | คือ รหัสวิชา | ชื่อวิชา | หน่วยกิต | ผลการเรียน ค่ะ")
        code, name, credits, result = parts
        courses.append({"code": code[:20], "name": name[:120], "credits": credits[:10], "result": result[:20]})
    return courses


def _course_lines(data: Mapping[str, Any]) -> str:
    """The issued result's courses as staff typed them, to start a reissue from."""
    return "\n".join(" | ".join(str(course.get(key, "")) for key in _COURSE_KEYS)
                     for course in data.get("courses", []))


COURSES = StaffField(
    "courses", "ผลการเทียบโอน (บรรทัดละวิชา: รหัสวิชา | ชื่อวิชา | หน่วยกิต | ผลการเรียน)",
    required=True, multiline=True, placeholder="ท21101 | ภาษาไทย 1 | 1.5 | 3", shown_from=_course_lines,
)


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    courses = parse_courses(given.get(COURSES.name, ""))
    if not courses:
        raise DocumentInputMissing("no courses", "กรุณากรอกผลการเทียบโอนอย่างน้อย 1 วิชาค่ะ")
    return {
        "subject_name": answers.need("student_name", "ชื่อนักเรียน"),
        "grade": answers.grade("current_grade"),
        "courses": courses,
        "previous_study_name": answers.get("previous_study_name"),
    }


SPEC = ServiceSpec(
    id="credit_transfer",
    flow=FLOW,
    # Which schools offer it: docs/rules.md, "Services by type of school".
    school_types=(SchoolType.ORDINARY,),
    menu_position=60,
    time_limit_days=30,
    approvers=("registrar",),
    document=ServiceDocument(
        type=DocumentType(
            id="credit_transfer_result", title_th="หนังสือแจ้งผลการเทียบโอนผลการเรียน",
            required=("subject_name", "grade", "courses"),
            download_name="credit-transfer-result.pdf", short_title="ผลเทียบโอน", layout="letter"),
        make_data=document_data,
        staff_fields=(COURSES,),
    ),
    fee=FeeRule(code="CT"),
    routing_words=(r"เทียบโอน", r"โอนหน่วยกิต", r"โอนผลการเรียน"),
    routing_priority=20,
    source="docs/rules.md#credit-transfer: OBEC's citizen's manual for credit transfer; OBEC credit transfer guideline",
)

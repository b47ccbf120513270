"""Transfer in (ย้ายเข้า): a parent asks for a child from another school to join any grade here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument
from backend.documents.from_applications import Answers
from backend.organisations import ALL_SCHOOL_TYPES
from backend.school_config import SchoolConfig
from backend.thai.errors import ThaiInputError
from backend.thai.grades import Grade
from flows import kinds
from flows.common import (
    CHILD_NAME,
    ENROLLING_NATIONAL_ID,
    FREE_BASIC_EDUCATION,
    PARENT_ID_CARD,
    PARENT_NAME,
    PARENT_PHONE,
    RELATIONSHIP,
    STUDENT_BIRTH_DATE,
    STUDENT_HOUSE_REGISTRATION,
    disability_steps,
    submit_with_health_consent,
)
from flows.flow import Check, Context, Flow, Step, answer_is
from flows.spec import ServiceSpec

SERVICE_ID = "transfer_in"


def _taught_here(config: SchoolConfig) -> Check:
    def test(grade: Grade, ctx: Context) -> None:
        if not config.grades.teaches(grade):
            raise ThaiInputError(
                f"โรงเรียนนี้เปิดสอนชั้น {config.grades.label_th()} จึงรับย้ายเข้าชั้น {grade.label_th} ไม่ได้ค่ะ "
                "กรุณาตรวจสอบชั้นอีกครั้งค่ะ",
                code="transfer_in.grade_not_taught",
            )

    return Check(test)


def build(config: SchoolConfig) -> Flow:
    """Transfer in for one school: into the grades it teaches."""
    return Flow(
        id=SERVICE_ID,
        title="ย้ายเข้า",
        menu_label="ย้ายเข้า",
        number_prefix="TI",
        version=1,
        intro=(
            "เตรียมรูปถ่ายบัตรประชาชนของนักเรียนและผู้ปกครอง ทะเบียนบ้าน และ ปพ.1 ไว้ด้วยนะคะ "
            "ถ้ายังไม่มีเอกสารใด ก็ยื่นคำขอได้ค่ะ"
        ),
        steps=[
            CHILD_NAME,
            ENROLLING_NATIONAL_ID,
            STUDENT_BIRTH_DATE,
            Step(
                "previous_school",
                "ตอนนี้นักเรียนเรียนอยู่ที่โรงเรียนอะไร จังหวัดอะไรคะ",
                kinds.text(max_length=200, example="โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น"),
                label="โรงเรียนเดิม",
            ),
            Step(
                "grade_entering",
                "ต้องการย้ายเข้าเรียนชั้นอะไรคะ พิมพ์ เช่น ป.4 หรือ ม.2",
                kinds.grade(),
                label="ชั้นที่ย้ายเข้า",
                check=_taught_here(config),
            ),
            Step(
                "reason",
                "สาเหตุที่ย้ายโรงเรียนคืออะไรคะ",
                kinds.choice(
                    {
                        "moving_home": "ย้ายที่อยู่",
                        "parent_work": "ผู้ปกครองย้ายงาน",
                        "closer_to_home": "ใกล้บ้านมากกว่า",
                        "other": "อื่น ๆ",
                    }
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
            PARENT_NAME,
            RELATIONSHIP,
            PARENT_PHONE,
            Step(
                "mid_term",
                "เป็นการย้ายระหว่างภาคเรียนใช่ไหมคะ (ภาคเรียนที่โรงเรียนเดิมยังไม่จบ)",
                kinds.yes_no(),
                label="ย้ายกลางภาคเรียน",
            ),
            Step(
                "student_id_card",
                "ขอรูปถ่ายบัตรประชาชนของนักเรียนค่ะ",
                kinds.document(one_page=True),
                label="บัตรนักเรียน",
            ),
            *disability_steps(config),
            PARENT_ID_CARD,
            STUDENT_HOUSE_REGISTRATION,
            # The manual asks for the ปพ.1 always, and for the record of attendance and scores too
            # when the child moves mid-term (docs/rules.md, "Transfer in").
            Step(
                "transcript",
                "ขอรูปถ่ายระเบียนแสดงผลการเรียน (ปพ.1) จากโรงเรียนเดิมค่ะ",
                kinds.document(),
                label="ปพ.1",
            ),
            Step(
                "term_record",
                "ย้ายระหว่างภาคเรียน ขอรูปถ่ายใบรับรองเวลาเรียนและคะแนนเก็บของภาคเรียนนี้ จากโรงเรียนเดิมด้วยค่ะ",
                kinds.document(),
                label="ผลการเรียนภาคนี้",
                when=answer_is("mid_term", True),
            ),
        ],
        next_steps=(
            "โรงเรียนจะพิจารณาเหตุผลการย้ายก่อน แล้วแจ้งผลทาง LINE นี้ค่ะ "
            "เมื่อโรงเรียนรับย้ายแล้ว กรุณาขอหนังสือส่งตัว (แบบ พฐ.19/1 หรือ บค.20) จากโรงเรียนเดิม "
            "แล้วนำมายื่นที่โรงเรียนค่ะ"
        ),
        submit=submit_with_health_consent,
    )


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    return {
        "subject_name": answers.need("student_name", "ชื่อนักเรียน"),
        "grade": answers.grade("grade_entering"),
        "origin_school": answers.need("previous_school", "ชื่อโรงเรียนเดิม"),
        # Asked once: what the parent sent in the chat is not asked again, as copies or otherwise
        # (Licensing Facilitation Act s.7). Only what the parent said they did not have yet.
        "documents_missing": [str(item.get("name") or item.get("document"))
                              for item in application.missing_documents or [] if isinstance(item, dict)],
        "mid_term": bool(answers.get("mid_term")),
    }


SPEC = ServiceSpec(
    id=SERVICE_ID,
    build=build,
    # Which schools offer it: docs/rules.md, "Services by type of school".
    school_types=ALL_SCHOOL_TYPES,
    menu_position=20,
    time_limit_days=7,
    approvers=("registrar",),
    document=ServiceDocument(
        type=DocumentType(
            id="transfer_in_acceptance", title_th="หนังสือตอบรับนักเรียนย้ายเข้า",
            required=("subject_name", "grade", "origin_school"),
            download_name="transfer-acceptance.pdf", short_title="หนังสือตอบรับ", layout="letter"),
        make_data=document_data,
    ),
    fee=FeeRule(code="TIN"),
    routing_words=(r"ย้ายเข้า", r"ย้าย\S*มา(เรียน|ที่นี่|โรงเรียนนี้)", r"ย้ายมา", r"ย้าย\S*เข้า(มา|โรงเรียนนี้)"),
    routing_priority=60,
    source=("docs/rules.md#transfer-in: OBEC's citizen's manual for transfer in (documents incl. ปพ.1 and, "
            "mid-term, the record of attendance and scores)"),
    free_by=FREE_BASIC_EDUCATION,
)

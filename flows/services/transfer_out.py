"""Transfer out (ย้ายออก): a parent asks for the sending letter to take the child to a new school."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument
from backend.documents.from_applications import STUDENT_NUMBER, Answers
from backend.organisations import ALL_SCHOOL_TYPES
from backend.school_config import SchoolConfig
from flows import kinds
from flows.common import (
    CURRENT_GRADE,
    FREE_BASIC_EDUCATION,
    NOT_IN_PAST,
    PARENT_ID_CARD,
    RELATIONSHIP,
    STUDENT_HOUSE_REGISTRATION,
    STUDENT_NAME,
    STUDENT_NATIONAL_ID,
)
from flows.flow import Flow, Step, answer_is
from flows.kinds import NO_NATIONAL_ID
from flows.spec import ServiceSpec

SERVICE_ID = "transfer_out"


def build(config: SchoolConfig) -> Flow:
    """Transfer out for one school: its time limit is what the parent is told."""
    days = config.service(SERVICE_ID).time_limit_days
    return Flow(
        id=SERVICE_ID,
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
                "ต้องการให้ย้ายมีผลตั้งแต่วันที่เท่าไรคะ กดเลือกวันที่ หรือพิมพ์ได้เลยค่ะ เช่น “วันจันทร์หน้า” "
                "หรือวันและเดือนโดยไม่ต้องใส่ปี",
                kinds.date(upcoming=True),
                label="วันที่ย้าย",
                check=NOT_IN_PAST,
            ),
            PARENT_ID_CARD,
            STUDENT_HOUSE_REGISTRATION,
        ],
        next_steps=(
            f"โรงเรียนจะตรวจสอบคำขอและเอกสาร แล้วแจ้งผลการพิจารณาทาง LINE นี้ภายใน {days} วันทำการ "
            "นับจากวันที่เอกสารครบถ้วนค่ะ "
            "เมื่ออนุมัติแล้ว จะออกหนังสือส่งตัว (แบบ พฐ.19/1) ให้นำไปยื่นที่โรงเรียนใหม่ค่ะ"
        ),
    )


# As the sending letter words them.
REASONS = {"moving_home": "ย้ายที่อยู่", "parent_work": "ผู้ปกครองย้ายที่ทำงาน"}


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    reason = answers.get("reason")
    national_id = answers.get("student_national_id")
    data = {
        "subject_name": answers.need("student_name", "ชื่อนักเรียน"),
        # The receiving school matches the student by these: the letter states them (แบบ พฐ.19/1);
        # a student without an ID has none to state.
        "national_id": None if national_id == NO_NATIONAL_ID else national_id,
        "grade": answers.grade("current_grade"),
        "destination_school": answers.need("destination_school", "ชื่อโรงเรียนที่ย้ายไป"),
        "reason": answers.get("reason_other") if reason == "other" else REASONS.get(reason),
        "move_date": answers.get("move_date"),
    }
    record = answers.record
    if record is not None and record.get("terms"):
        # The enclosures go with the letter as its further pages: the ปพ.1 so far and, when the
        # student leaves during a term, the record of the term under way.
        data["record"] = {key: value for key, value in record.items() if key != "scan_file_id"}
        data["student_number"] = record.get("student_number")
        data["birth_date"] = record.get("birth_date")
        data["enclosures"] = ["สำเนาระเบียนแสดงผลการเรียน (ปพ.1) จำนวน 1 ฉบับ"]
        if record.get("term_record"):
            data["enclosures"].append("ใบรับรองเวลาเรียนและผลการเรียนระหว่างภาคเรียน จำนวน 1 ฉบับ")
    return data


SPEC = ServiceSpec(
    id=SERVICE_ID,
    build=build,
    # Which schools offer it: docs/rules.md, "Services by type of school".
    school_types=ALL_SCHOOL_TYPES,
    menu_position=30,
    time_limit_days=1,
    approvers=("registrar",),
    document=ServiceDocument(
        type=DocumentType(
            id="transfer_out_letter", title_th="หนังสือส่งตัวนักเรียน",
            required=("subject_name", "grade", "destination_school"),
            download_name="sending-letter.pdf", short_title="หนังสือส่งตัว", layout="letter"),
        make_data=document_data,
        staff_fields=(STUDENT_NUMBER,),
        uses_record=True,
    ),
    fee=FeeRule(code="TOUT"),
    routing_words=(r"ย้าย(ลูก|หลาน|บุตร)?ออก", r"ขอใบย้าย", r"ย้าย\S*ไป", r"ย้ายโรงเรียน", r"หนังสือส่งตัว"),
    routing_priority=70,
    source="docs/rules.md#transfer-out: OBEC's citizen's manual for transfer out (แบบ พฐ.19/1 or บค.20)",
    free_by=FREE_BASIC_EDUCATION,
)

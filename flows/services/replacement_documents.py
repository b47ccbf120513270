"""Replacement documents (ใบแทน): a new transcript (ปพ.1) or certificate (ปพ.2) for a lost or damaged one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument, StaffField
from backend.documents.from_applications import STUDENT_NUMBER, Answers, DocumentInputMissing
from backend.organisations import SchoolType
from backend.payments.money import baht
from backend.school_config import SchoolConfig
from backend.thai.dates import be_year
from backend.thai.errors import ThaiInputError
from flows import kinds
from flows.common import (
    PARENT_ID_CARD,
    STUDENT_NAME,
    STUDENT_NATIONAL_ID,
    payment_timing,
    relationship_or_self,
)
from flows.flow import Check, Context, Flow, Step, answer_is
from flows.spec import ServiceSpec

SERVICE_ID = "replacement_documents"
# Older than this is more likely a typo than a record the school still keeps.
OLDEST_PLAUSIBLE_YEARS = 90


def _plausible_year(year: int, ctx: Context) -> None:
    this_year = be_year(ctx.today)
    if year > this_year:
        raise ThaiInputError(
            f"ปีนี้ยังมาไม่ถึงค่ะ กรุณาพิมพ์ปีที่จบหรือปีสุดท้ายที่เรียน ไม่เกิน พ.ศ. {this_year}",
            code="year.future",
        )
    if year < this_year - OLDEST_PLAUSIBLE_YEARS:
        raise ThaiInputError(
            "ปีนี้เก่ากว่าที่โรงเรียนน่าจะมีข้อมูลค่ะ กรุณาตรวจสอบปี พ.ศ. อีกครั้ง", code="year.too_old"
        )


STEPS = [
    Step(
        "document_type",
        "ต้องการขอใบแทนเอกสารใดคะ\n"
        "• ปพ.1 คือ ระเบียนแสดงผลการเรียน (ใบที่มีผลการเรียนทุกวิชา)\n"
        "• ปพ.2 คือ ประกาศนียบัตร (ใบรับรองว่าจบการศึกษา)",
        kinds.choice({"transcript": "ปพ.1 (ใบระเบียน)", "certificate": "ปพ.2 (ประกาศนียบัตร)"}),
        label="เอกสารที่ขอ",
    ),
    Step(
        "reason",
        "เอกสารเดิมสูญหายหรือชำรุดคะ",
        kinds.choice({"lost": "สูญหาย", "damaged": "ชำรุด"}),
        label="สาเหตุ",
    ),
    replace(
        STUDENT_NAME,
        question="ชื่อและนามสกุลของเจ้าของเอกสาร ตามที่เขียนในเอกสารเดิม พร้อมคำนำหน้าค่ะ เช่น นางสาวสมใจ ใจดี",
        label="ชื่อเจ้าของเอกสาร",
    ),
    STUDENT_NATIONAL_ID,
    Step(
        "graduation_year",
        "จบการศึกษาจากโรงเรียนนี้ปี พ.ศ. อะไรคะ ถ้ายังไม่จบ พิมพ์ปีสุดท้ายที่เรียนค่ะ เช่น 2565",
        kinds.be_year(),
        label="ปีที่จบ/ปีสุดท้าย",
        check=Check(_plausible_year),
    ),
    relationship_or_self("เจ้าของเอกสารเอง"),
    Step(
        "police_report",
        "ขอรูปถ่ายใบแจ้งความเอกสารหายค่ะ (ขอได้ที่สถานีตำรวจ)",
        kinds.document(),
        label="ใบแจ้งความ",
        when=answer_is("reason", "lost"),
    ),
    Step(
        "damaged_document",
        "ขอรูปถ่ายเอกสารเดิมที่ชำรุดค่ะ และเก็บฉบับเดิมไว้นำมาคืนโรงเรียนตอนรับใบแทนนะคะ",
        kinds.document(),
        label="รูปเอกสารที่ชำรุด",
        when=answer_is("reason", "damaged"),
    ),
    Step(
        "photo",
        "ขอรูปถ่ายหน้าตรงของเจ้าของเอกสาร ขนาด 1.5 นิ้ว ไม่สวมหมวกและแว่นตาดำค่ะ",
        kinds.document(one_page=True),
        label="รูปถ่าย 1.5 นิ้ว",
    ),
    replace(PARENT_ID_CARD, label="บัตรผู้ยื่นคำขอ"),
]

PREPARE = "เตรียมรูปถ่ายหน้าตรง 1.5 นิ้ว บัตรประชาชนของผู้ยื่นคำขอ และใบแจ้งความ (ถ้าเอกสารหาย) ไว้ด้วยนะคะ"
BRING_THE_DAMAGED_ONE = "ถ้าเอกสารเดิมชำรุด กรุณานำฉบับเดิมมาคืนตอนรับใบแทนค่ะ"


def _fee_line(config: SchoolConfig) -> str:
    service = config.service(SERVICE_ID)
    if service.fee is None:
        return ""
    if service.fee == 0:
        return "ไม่มีค่าธรรมเนียมค่ะ"
    return f"ค่าธรรมเนียม {baht(service.fee)} บาท {payment_timing(service.fee_due)} ค่ะ"


def build(config: SchoolConfig) -> Flow:
    fee = _fee_line(config)
    days = config.service(SERVICE_ID).time_limit_days
    decision = (
        "งานทะเบียนจะตรวจสอบหลักฐานแล้วแจ้งผลทาง LINE นี้ค่ะ "
        f"เมื่ออนุมัติแล้ว ใบแทนจะออกภายในประมาณ {days} วันทำการ"
    )
    return Flow(
        id=SERVICE_ID,
        title="ใบแทนเอกสารการศึกษา",
        menu_label="ขอใบแทน ปพ.1/ปพ.2",
        number_prefix="RD",
        version=1,
        intro="\n".join(filter(None, (PREPARE, fee))),
        steps=STEPS,
        next_steps="\n".join(filter(None, (decision, fee, BRING_THE_DAMAGED_ONE))),
    )


# As the replacement letter words them.
ORIGINAL_DOCUMENTS = {"transcript": "ระเบียนแสดงผลการเรียน (ปพ.1)", "certificate": "ประกาศนียบัตร (ปพ.2)"}
REASONS = {"lost": "สูญหาย", "damaged": "ชำรุด"}
# As the fee card and the receipt name them.
FEE_DOCUMENTS = {"transcript": "ปพ.1 (ระเบียนแสดงผลการเรียน)", "certificate": "ปพ.2 (ประกาศนียบัตร)"}

ORIGINAL_NUMBER = StaffField("original_number", "เลขที่เอกสารฉบับเดิม", required=True, placeholder="เช่น 0012345")
NO_RECORD = ("ไม่พบระเบียนผลการเรียนของนักเรียนคนนี้ในระบบ กรุณานำเข้าข้อมูลจากระบบวัดผล "
             "หรือแนบภาพสแกนระเบียนเดิมที่หน้า “ระเบียนนักเรียน” แล้วกรอกเลขประจำตัวนักเรียนค่ะ")
NOT_GRADUATED = ("ระเบียนของนักเรียนคนนี้ไม่มีวันอนุมัติการจบ จึงออกใบแทนประกาศนียบัตรจากข้อมูลไม่ได้ "
                 "กรุณาตรวจสอบข้อมูล หรือแนบภาพสแกนประกาศนียบัตรฉบับเดิมค่ะ")


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    """The ใบแทน reproduces the school's record of the student: its data, or the archived scan."""
    kind = answers.need("document_type", "ชนิดเอกสารที่ขอ")
    record = answers.record
    if record is None:
        raise DocumentInputMissing("no student record", NO_RECORD)
    has_data = bool(record.get("terms"))
    if not has_data and not record.get("scan_file_id"):
        raise DocumentInputMissing("record without data or scan", NO_RECORD)
    if kind == "certificate" and has_data and not record.get("graduation_date") and not record.get("scan_file_id"):
        raise DocumentInputMissing("not graduated", NOT_GRADUATED)
    data = {
        "subject_name": answers.need("student_name", "ชื่อเจ้าของเอกสาร"),
        "original_document": ORIGINAL_DOCUMENTS.get(kind, kind),
        "document_kind": kind,
        "reason": REASONS.get(answers.get("reason")),
        "graduation_year": answers.get("graduation_year"),
        "student_number": record.get("student_number"),
        "record": {key: value for key, value in record.items() if key != "scan_file_id"},
    }
    if not has_data:
        data["record_scan"] = record["scan_file_id"]  # printed after the form (service.py reads it)
    return data


def fee_description(answers: Mapping[str, Any]) -> str:
    document = FEE_DOCUMENTS.get(str(answers.get("document_type")), "เอกสารการศึกษา")
    return f"ค่าธรรมเนียมออกใบแทน {document}"


SPEC = ServiceSpec(
    id=SERVICE_ID,
    build=build,
    # Which schools offer it: docs/rules.md, "Services by type of school".
    school_types=(SchoolType.ORDINARY, SchoolType.WELFARE, SchoolType.DISABILITY),
    menu_position=70,
    time_limit_days=7,
    approvers=("registrar",),
    document=ServiceDocument(
        type=DocumentType(
            id="replacement_letter", title_th="ใบแทนเอกสารหลักฐานการศึกษา",
            required=("subject_name", "original_document", "original_number"),
            download_name="replacement-document.pdf", short_title="ใบแทน"),
        make_data=document_data,
        staff_fields=(ORIGINAL_NUMBER, STUDENT_NUMBER),
        uses_record=True,
    ),
    # The fee the school sets (services.replacement_documents.fee).
    fee=FeeRule(code="RD", describe=fee_description),
    routing_words=(r"ใบแทน", r"ปพ[12]", r"(?i:(ใบ|วุฒิ|ประกาศ|ระเบียน|ทรานสคริปต์|transcript).*(หาย|ชำรุด))"),
    routing_priority=10,
    source="docs/rules.md#replacement-documents: OBEC's citizen's manual for replacement educational documents",
)

"""The kinds of e-document a school issues: their ids, Thai titles and the data each one needs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DocType(StrEnum):
    ADMISSION_RESULT = "admission_result"
    TRANSFER_OUT_LETTER = "transfer_out_letter"
    TRANSFER_IN_ACCEPTANCE = "transfer_in_acceptance"
    WITHDRAWAL_CERTIFICATE = "withdrawal_certificate"
    GRADE1_ENTRY_DECISION = "grade1_entry_decision"
    CREDIT_TRANSFER_RESULT = "credit_transfer_result"
    REPLACEMENT_LETTER = "replacement_letter"
    VENUE_PERMIT = "venue_permit"
    RECEIPT = "receipt"


@dataclass(frozen=True)
class DocSpec:
    title_th: str
    # Keys the template cannot do without; the rest of a document's data is optional.
    # Every type needs "subject_name": the person the document is about (the student, the payer,
    # the applicant), from which the public verify page shows a masked name.
    required: tuple[str, ...]


SPECS: dict[DocType, DocSpec] = {
    DocType.ADMISSION_RESULT: DocSpec(
        "ประกาศผลการรับนักเรียนและนัดหมายมอบตัว",
        ("subject_name", "grade", "academic_year", "report_date"),
    ),
    DocType.TRANSFER_OUT_LETTER: DocSpec(
        "หนังสือส่งตัวนักเรียน", ("subject_name", "grade", "destination_school")
    ),
    DocType.TRANSFER_IN_ACCEPTANCE: DocSpec(
        "หนังสือตอบรับนักเรียนย้ายเข้า", ("subject_name", "grade", "origin_school")
    ),
    DocType.WITHDRAWAL_CERTIFICATE: DocSpec(
        "หนังสือรับรองการลาออก", ("subject_name", "grade", "withdrawal_date")
    ),
    DocType.GRADE1_ENTRY_DECISION: DocSpec(
        "หนังสือแจ้งผลการพิจารณาผ่อนผันการเข้าเรียนชั้นประถมศึกษาปีที่ ๑",
        ("subject_name", "decision", "academic_year"),
    ),
    DocType.CREDIT_TRANSFER_RESULT: DocSpec(
        "หนังสือแจ้งผลการเทียบโอนผลการเรียน", ("subject_name", "grade", "courses")
    ),
    DocType.REPLACEMENT_LETTER: DocSpec(
        "ใบแทนเอกสารหลักฐานการศึกษา", ("subject_name", "original_document", "original_number")
    ),
    DocType.VENUE_PERMIT: DocSpec(
        "หนังสืออนุญาตให้ใช้อาคารสถานที่", ("subject_name", "venue", "purpose", "start_date", "end_date")
    ),
    DocType.RECEIPT: DocSpec(
        "ใบเสร็จรับเงิน", ("subject_name", "book_number", "receipt_number", "items", "received_by")
    ),
}


def spec_for(doc_type: str) -> DocSpec:
    try:
        return SPECS[DocType(doc_type)]
    except ValueError:
        raise ValueError(
            f"unknown document type {doc_type!r}; known: {[t.value for t in DocType]}"
        ) from None


def template_name(doc_type: str) -> str:
    return f"{DocType(doc_type).value}.html"


class DocumentDataError(ValueError):
    """The data given for a document lacks what its template needs."""


def check_data(doc_type: str, data: dict) -> None:
    missing = [key for key in spec_for(doc_type).required if data.get(key) in (None, "", [])]
    if missing:
        raise DocumentDataError(f"{doc_type} needs {missing}")

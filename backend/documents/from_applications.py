"""From an approved application to its e-document: which type each service issues and its data."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backend.applications.models import Application
from backend.documents.types import DocType, check_data
from backend.school_config import SchoolConfig
from backend.thai.dates import academic_year_for
from backend.thai.grades import Grade
from backend.venues import booking_days
from backend.working_days import BANGKOK

# The document each service's outcome is issued as.
DOC_TYPE_FOR_SERVICE: dict[str, DocType] = {
    "admission": DocType.ADMISSION_RESULT,
    "transfer_out": DocType.TRANSFER_OUT_LETTER,
    "transfer_in": DocType.TRANSFER_IN_ACCEPTANCE,
    "withdrawal": DocType.WITHDRAWAL_CERTIFICATE,
    "grade1_entry": DocType.GRADE1_ENTRY_DECISION,
    "credit_transfer": DocType.CREDIT_TRANSFER_RESULT,
    "replacement_documents": DocType.REPLACEMENT_LETTER,
    "venue_booking": DocType.VENUE_PERMIT,
}

# What a parent's phone saves the PDF as: ASCII, because some phones mangle other file names.
DOWNLOAD_NAMES: dict[DocType, str] = {
    DocType.ADMISSION_RESULT: "admission-result.pdf",
    DocType.TRANSFER_OUT_LETTER: "sending-letter.pdf",
    DocType.TRANSFER_IN_ACCEPTANCE: "transfer-acceptance.pdf",
    DocType.WITHDRAWAL_CERTIFICATE: "withdrawal-certificate.pdf",
    DocType.GRADE1_ENTRY_DECISION: "grade1-entry-decision.pdf",
    DocType.CREDIT_TRANSFER_RESULT: "credit-transfer-result.pdf",
    DocType.REPLACEMENT_LETTER: "replacement-document.pdf",
    DocType.VENUE_PERMIT: "venue-permit.pdf",
    DocType.RECEIPT: "receipt.pdf",
}

# Names short enough for a chat button: at most 17 characters, with "1. " in front.
SHORT_TITLES: dict[DocType, str] = {
    DocType.ADMISSION_RESULT: "ผลการรับสมัคร",
    DocType.TRANSFER_OUT_LETTER: "หนังสือส่งตัว",
    DocType.TRANSFER_IN_ACCEPTANCE: "หนังสือตอบรับ",
    DocType.WITHDRAWAL_CERTIFICATE: "ใบรับรองลาออก",
    DocType.GRADE1_ENTRY_DECISION: "ผลผ่อนผัน ป.1",
    DocType.CREDIT_TRANSFER_RESULT: "ผลเทียบโอน",
    DocType.REPLACEMENT_LETTER: "ใบแทน",
    DocType.VENUE_PERMIT: "หนังสืออนุญาต",
    DocType.RECEIPT: "ใบเสร็จ",
}


def download_name(doc_type: str) -> str:
    return DOWNLOAD_NAMES.get(DocType(doc_type), "document.pdf")


def short_title(doc_type: str) -> str:
    return SHORT_TITLES.get(DocType(doc_type), "เอกสาร")


class DocumentInputMissing(ValueError):
    """The application (or the staff's form) lacks what the document needs; ``message_th`` says what."""

    def __init__(self, message: str, message_th: str) -> None:
        super().__init__(message)
        self.message_th = message_th


@dataclass(frozen=True)
class StaffField:
    """Something only staff know, asked on the issue form (the application does not hold it)."""

    name: str
    label_th: str
    required: bool = False
    multiline: bool = False
    placeholder: str = ""


REFERENCE_NUMBER = StaffField("reference_number", "เลขที่หนังสือ (ที่ ...)", placeholder="เช่น ศธ 04002/123")
SIGNATORY_NAME = StaffField("signatory_name", "ชื่อผู้ลงนาม", placeholder="เช่น นายสมชาย ใจดี")
STUDENT_NUMBER = StaffField("student_number", "เลขประจำตัวนักเรียน", placeholder="เช่น 4521")
ORIGINAL_NUMBER = StaffField("original_number", "เลขที่เอกสารฉบับเดิม", required=True, placeholder="เช่น 0012345")
COURSES = StaffField(
    "courses", "ผลการเทียบโอน (บรรทัดละวิชา: รหัสวิชา | ชื่อวิชา | หน่วยกิต | ผลการเรียน)",
    required=True, multiline=True, placeholder="ท21101 | ภาษาไทย 1 | 1.5 | 3",
)

_COMMON_FIELDS = (REFERENCE_NUMBER, SIGNATORY_NAME)
_SERVICE_FIELDS: dict[str, tuple[StaffField, ...]] = {
    "transfer_out": (STUDENT_NUMBER,),
    "withdrawal": (STUDENT_NUMBER,),
    "credit_transfer": (COURSES,),
    "replacement_documents": (ORIGINAL_NUMBER,),
}


def staff_fields(service: str) -> list[StaffField]:
    """The issue form's fields for a service: its own first, then the letter's reference and signatory."""
    return [*_SERVICE_FIELDS.get(service, ()), *_COMMON_FIELDS]


@dataclass(frozen=True)
class DocumentDraft:
    doc_type: DocType
    data: dict[str, Any]


def document_for(application: Application, config: SchoolConfig,
                 staff_input: Mapping[str, str] | None = None) -> DocumentDraft:
    """The document an approved application's outcome is issued as, with its data.

    Raises DocumentInputMissing when the service issues no document, when an answer the
    document needs is absent, or when a required staff field is empty or malformed.
    """
    doc_type = DOC_TYPE_FOR_SERVICE.get(application.service)
    if doc_type is None:
        raise DocumentInputMissing(f"no document for service {application.service!r}",
                                   "บริการนี้ไม่มีเอกสารที่ออกให้ทางอิเล็กทรอนิกส์ค่ะ")
    given = {key: " ".join(str(value).split()) if key != COURSES.name else str(value)
             for key, value in (staff_input or {}).items() if value is not None}
    for field in staff_fields(application.service):
        if field.required and not given.get(field.name, "").strip():
            raise DocumentInputMissing(f"{field.name} required", f"กรุณากรอก{field.label_th.split(' (')[0]}ค่ะ")
    answers = _Answers(application.answers or {})
    data = _MAPPERS[application.service](answers, application, config, given)
    data["application_number"] = application.public_number
    for field in staff_fields(application.service):
        if not field.multiline and given.get(field.name, "").strip():
            data[field.name] = given[field.name].strip()[:120]
    cleaned = {key: value for key, value in data.items() if value not in (None, "", [])}
    check_data(doc_type, cleaned)
    return DocumentDraft(doc_type, cleaned)


# -- reading answers ----------------------------------------------------------------------------


class _Answers:
    """The application's answers, with a Thai message naming whatever a document needs but lacks."""

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self._answers = answers

    def get(self, step: str, default: Any = None) -> Any:
        value = self._answers.get(step)
        return default if value in (None, "", []) else value

    def need(self, step: str, label_th: str) -> Any:
        value = self.get(step)
        if value is None:
            raise DocumentInputMissing(f"answer {step} missing", f"คำขอนี้ไม่มี{label_th} ซึ่งเอกสารต้องใช้ค่ะ")
        return value

    def grade(self, step: str) -> str:
        value = self.need(step, "ชั้นเรียน")
        try:
            return Grade(value).long_label_th
        except ValueError:
            return str(value)  # an older answer kept as typed

    def date(self, step: str, label_th: str) -> str:
        return dt.date.fromisoformat(str(self.need(step, label_th))).isoformat()


def _submitted_on(application: Application) -> dt.date:
    moment = application.submitted_at or application.created_at
    return moment.astimezone(BANGKOK).date()


def _academic_year_applied_for(application: Application, config: SchoolConfig) -> int:
    # As the flows reckon it: the school's configured year, else the one after the request's.
    return config.academic_year or academic_year_for(_submitted_on(application)) + 1


# -- one mapping per service ----------------------------------------------------------------------

Mapper = Callable[[_Answers, Application, SchoolConfig, Mapping[str, str]], dict[str, Any]]


def _admission(answers: _Answers, application: Application, config: SchoolConfig,
               given: Mapping[str, str]) -> dict[str, Any]:
    appointment = application.appointment or {}
    if not appointment.get("at"):
        raise DocumentInputMissing("admission needs the report-day appointment",
                                   "กรุณานัดหมายวันมอบตัวก่อนออกประกาศผลการรับนักเรียนค่ะ")
    report = dt.datetime.fromisoformat(appointment["at"]).astimezone(BANGKOK)
    note = " ".join(str(appointment.get("note") or "").split())
    return {
        "subject_name": answers.need("student_name", "ชื่อนักเรียน"),
        "grade": answers.grade("grade_applied"),
        "academic_year": _academic_year_applied_for(application, config),
        "report_date": report.date().isoformat(),
        "report_time": f"{report:%H:%M}",
        "report_place": appointment.get("place") or "",
        "documents_to_bring": [note] if note else [],
    }


TRANSFER_OUT_REASONS = {"moving_home": "ย้ายที่อยู่", "parent_work": "ผู้ปกครองย้ายที่ทำงาน"}


def _transfer_out(answers: _Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    reason = answers.get("reason")
    return {
        "subject_name": answers.need("student_name", "ชื่อนักเรียน"),
        # The receiving school matches the student by it; it is printed on no page.
        "national_id": answers.get("student_national_id"),
        "grade": answers.grade("current_grade"),
        "destination_school": answers.need("destination_school", "ชื่อโรงเรียนที่ย้ายไป"),
        "reason": answers.get("reason_other") if reason == "other" else TRANSFER_OUT_REASONS.get(reason),
        "move_date": answers.get("move_date"),
    }


def _transfer_in(answers: _Answers, application: Application, config: SchoolConfig,
                 given: Mapping[str, str]) -> dict[str, Any]:
    return {
        "subject_name": answers.need("student_name", "ชื่อนักเรียน"),
        "grade": answers.grade("grade_entering"),
        "origin_school": answers.need("previous_school", "ชื่อโรงเรียนเดิม"),
    }


def _withdrawal(answers: _Answers, application: Application, config: SchoolConfig,
                given: Mapping[str, str]) -> dict[str, Any]:
    destination = answers.get("destination")
    name = answers.get("destination_name")
    if destination == "home_school":
        where = "จัดการศึกษาโดยครอบครัว (บ้านเรียน)"
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


GRADE1_DECISIONS = {"early": "early", "late": "deferred"}
GRADE1_REASONS = {"readiness": "ความพร้อมของเด็ก", "medical": "สุขภาพของเด็ก",
                  "family": "เหตุผลทางครอบครัว"}


def _grade1_entry(answers: _Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    request = answers.need("request_type", "ประเภทคำขอ")
    year = _academic_year_applied_for(application, config)
    reason = answers.get("reason")
    return {
        "subject_name": answers.need("student_name", "ชื่อนักเรียน"),
        # Issued for an approved request: what was asked is what was decided.
        "decision": GRADE1_DECISIONS.get(request, request),
        "academic_year": year,
        "until_academic_year": year + 1 if request == "late" else None,
        "reason": answers.get("reason_other") if reason == "other" else GRADE1_REASONS.get(reason),
    }


_COURSE_SEPARATORS = re.compile(r"\s*[|\t]\s*")


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


def _credit_transfer(answers: _Answers, application: Application, config: SchoolConfig,
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


ORIGINAL_DOCUMENTS = {"transcript": "ระเบียนแสดงผลการเรียน (ปพ.1)", "certificate": "ประกาศนียบัตร (ปพ.2)"}
REPLACEMENT_REASONS = {"lost": "สูญหาย", "damaged": "ชำรุด"}


def _replacement(answers: _Answers, application: Application, config: SchoolConfig,
                 given: Mapping[str, str]) -> dict[str, Any]:
    kind = answers.need("document_type", "ชนิดเอกสารที่ขอ")
    return {
        "subject_name": answers.need("student_name", "ชื่อเจ้าของเอกสาร"),
        "original_document": ORIGINAL_DOCUMENTS.get(kind, kind),
        "reason": REPLACEMENT_REASONS.get(answers.get("reason")),
        "graduation_year": answers.get("graduation_year"),
    }


def _venue_named(answer: str, config: SchoolConfig):
    # The flow's button value for a venue: "v_" + its id with "-" as "_" (flows/services/venue_booking.py).
    return next((venue for venue in config.venues
                 if answer in (venue.id, "v_" + venue.id.replace("-", "_"))), None)


def _venue_booking(answers: _Answers, application: Application, config: SchoolConfig,
                   given: Mapping[str, str]) -> dict[str, Any]:
    answer = str(answers.need("venue", "สถานที่"))
    venue = _venue_named(answer, config)
    first = answers.date("first_day", "วันแรกที่ใช้")
    last = answers.date("last_day", "วันสุดท้ายที่ใช้")
    fee = None
    if venue is not None and venue.fee_per_day:
        days = len(booking_days(dt.date.fromisoformat(first), dt.date.fromisoformat(last)))
        fee = str((venue.fee_per_day * days).quantize(Decimal("0.01")))
    return {
        "subject_name": answers.need("requester_name", "ชื่อผู้ขอใช้"),
        "organisation": answers.get("organisation"),
        "venue": venue.name if venue is not None else answer,
        "purpose": answers.need("purpose", "วัตถุประสงค์การใช้"),
        "start_date": first,
        "end_date": last,
        "attendees": answers.get("attendees"),
        "fee": fee,
    }


_MAPPERS: dict[str, Mapper] = {
    "admission": _admission,
    "transfer_out": _transfer_out,
    "transfer_in": _transfer_in,
    "withdrawal": _withdrawal,
    "grade1_entry": _grade1_entry,
    "credit_transfer": _credit_transfer,
    "replacement_documents": _replacement,
    "venue_booking": _venue_booking,
}

"""From an approved application to its e-document: the type its service issues, and its data.

Which document a service issues and how its data is made is declared with the service
(flows/services/<id>.py, registered in backend.catalog); this module runs it: the staff's issue
form, the answers read with a Thai message for whatever is missing, the data checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backend.applications.models import Application
from backend.catalog import CATALOG, ServiceDocument, StaffField
from backend.documents.types import check_data
from backend.school_config import SchoolConfig
from backend.thai.grades import Grade
from backend.working_days import BANGKOK


class DocumentInputMissing(ValueError):
    """The application (or the staff's form) lacks what the document needs; ``message_th`` says what."""

    def __init__(self, message: str, message_th: str) -> None:
        super().__init__(message)
        self.message_th = message_th


# Asked on every issue form, after the service's own: a number from the school's paper register,
# when the letter should not take the next one of the series. Who signs is never typed: it is the
# person who approves the document (backend/documents/authority.py).
REFERENCE_NUMBER = StaffField("reference_number", "เลขที่หนังสือ (เว้นว่างให้ระบบออกเลขถัดไป)",
                              placeholder="เช่น ศธ 04002.123/45")
# A field several services' letters print.
STUDENT_NUMBER = StaffField("student_number", "เลขประจำตัวนักเรียน", placeholder="เช่น 4521")

_COMMON_FIELDS = (REFERENCE_NUMBER,)


def _document_of(service: str) -> ServiceDocument | None:
    # None too for a service no longer declared: its old requests are still shown to staff.
    return CATALOG.service(service).document if service in CATALOG.service_ids() else None


def staff_fields(service: str) -> list[StaffField]:
    """The issue form's fields for a service: its own first, then the letter's reference and signatory."""
    document = _document_of(service)
    return [*(document.staff_fields if document is not None else ()), *_COMMON_FIELDS]


@dataclass(frozen=True)
class DocumentDraft:
    doc_type: str
    data: dict[str, Any]


def document_for(application: Application, config: SchoolConfig,
                 staff_input: Mapping[str, str] | None = None,
                 record: Mapping[str, Any] | None = None) -> DocumentDraft:
    """The document an approved application's outcome is issued as, with its data.

    Raises DocumentInputMissing when the service issues no document, when an answer the
    document needs is absent, or when a required staff field is empty or malformed.
    """
    document = _document_of(application.service)
    if document is None:
        raise DocumentInputMissing(f"no document for service {application.service!r}",
                                   "บริการนี้ไม่มีเอกสารที่ออกให้ทางอิเล็กทรอนิกส์ค่ะ")
    fields = staff_fields(application.service)
    as_typed = {field.name for field in fields if field.multiline}
    given = {key: str(value) if key in as_typed else " ".join(str(value).split())
             for key, value in (staff_input or {}).items() if value is not None}
    for field in fields:
        if field.required and not given.get(field.name, "").strip():
            raise DocumentInputMissing(f"{field.name} required", f"กรุณากรอก{field.label_th.split(' (')[0]}ค่ะ")
    data = document.make_data(Answers(application.answers or {}, record=record), application, config, given)
    data["application_number"] = application.public_number
    # What a letter answering the request refers to (อ้างถึง) and whom it addresses (เรียน).
    data.setdefault("request_date", submitted_on(application).isoformat())
    parent = (application.answers or {}).get("parent_name")
    if isinstance(parent, str) and parent.strip():
        data.setdefault("parent_name", parent.strip())
    for field in fields:
        if not field.multiline and given.get(field.name, "").strip():
            data[field.name] = given[field.name].strip()[:120]
    cleaned = {key: value for key, value in data.items() if value not in (None, "", [])}
    check_data(document.type.id, cleaned)
    return DocumentDraft(document.type.id, cleaned)


# -- reading answers ----------------------------------------------------------------------------


class Answers:
    """The application's answers, with a Thai message naming whatever a document needs but lacks."""

    def __init__(self, answers: Mapping[str, Any], *, record: Mapping[str, Any] | None = None) -> None:
        self._answers = answers
        # The student's stored record (ปพ.1 data), for documents that use one; None if none found.
        self.record = record

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


def submitted_on(application: Application) -> dt.date:
    """The day (in Thailand) the request was filed: what a document reckons dates from."""
    moment = application.submitted_at or application.created_at
    return moment.astimezone(BANGKOK).date()

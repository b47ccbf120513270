"""How the staff pages read and show e-documents: the issue form's fields, their values, status words."""

from __future__ import annotations

from typing import Any

from backend.catalog import StaffField
from backend.documents.from_applications import staff_fields
from backend.documents.models import IssuedDocument
from backend.documents.render import format_code
from backend.documents.types import spec_for

DOCUMENT_STATUS_TH = {"valid": "มีผลใช้ได้", "revoked": "เพิกถอนแล้ว", "superseded": "มีฉบับใหม่แทนแล้ว"}
MAX_FIELD_LENGTH = 4000


def form_input(form: Any, service: str) -> dict[str, str]:
    """The issue (or reissue) form's staff fields, as document_for takes them."""
    return {field.name: str(form.get(field.name) or "")[:MAX_FIELD_LENGTH] for field in staff_fields(service)}


def prefill(document: IssuedDocument, fields: list[StaffField]) -> dict[str, str]:
    """What staff typed for a document, to start a reissue from."""
    data = (document.data or {}).get("data", {})
    return {field.name: field.value_in(data) for field in fields}


def template_globals() -> dict[str, Any]:
    return {"DOCUMENT_STATUS_TH": DOCUMENT_STATUS_TH, "format_code": format_code,
            "document_title": lambda doc_type: spec_for(doc_type).title_th, "prefill": prefill}

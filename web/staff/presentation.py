"""How applications read to staff: Thai status words, labelled answers, documents, dates and overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from backend.applications import access
from backend.applications.models import Application
from backend.staff import StaffMember
from backend.thai.dates import format_thai_date
from flows.flow import Flow

# Thailand keeps no daylight saving time: a fixed offset is exact.
BANGKOK = dt.timezone(dt.timedelta(hours=7), "ICT")

STATUS_TH = {
    "draft": "กำลังกรอก",
    "submitted": "ยื่นแล้ว รอตรวจ",
    "documents_requested": "ขอเอกสารเพิ่ม",
    "under_review": "เอกสารครบ กำลังพิจารณา",
    "approved": "อนุมัติแล้ว",
    "rejected": "ไม่อนุมัติ",
    "closed": "ปิดเรื่องแล้ว",
    "cancelled": "ยกเลิกแล้ว",
}
# Order of the inbox's status tabs: what needs staff first.
STATUS_ORDER = ("submitted", "documents_requested", "under_review", "approved", "rejected",
                "closed", "cancelled")
OPEN_STATUSES = frozenset({"submitted", "documents_requested", "under_review"})

ROLE_TH = {
    "teacher": "ครูประจำชั้น",
    "registrar": "งานทะเบียน",
    "finance": "การเงิน",
    "director": "ผู้อำนวยการ",
    "admin": "ผู้ดูแลระบบ",
    "district": "เจ้าหน้าที่เขตพื้นที่การศึกษา",
    "obec": "เจ้าหน้าที่ สพฐ.",
}

ACTION_TH = {
    "accept_complete": "รับเรื่อง เอกสารครบ",
    "request_documents": "ขอเอกสารเพิ่ม",
    "sign_off": "ลงนามอนุมัติ",
    "reject": "ไม่อนุมัติ",
    "set_appointment": "นัดหมาย",
    "close": "ปิดเรื่อง",
    "set_late_reason": "แจ้งเหตุที่ล่าช้า",
    "issue_document": "ออกเอกสาร",
    "revoke_document": "เพิกถอนเอกสาร",
    "reissue_document": "ออกเอกสารฉบับใหม่",
    "prepare_document": "เสนอเอกสารให้ผู้มีอำนาจลงนาม",
    "sign_document": "ลงนามและออกเอกสาร",
    "withdraw_document": "ถอนเอกสารที่เสนอลงนาม",
    "assign": "มอบหมายผู้รับผิดชอบ",
    "add_note": "บันทึกภายใน",
    "assign_school": "สพท. กำหนดโรงเรียนให้เข้าเรียน",
    "approve_payment": "อนุมัติเบิกจ่าย",
    "record_payment": "บันทึกการโอนเงิน",
}

# Audit actions that are not staff actions, as the history shows them.
HISTORY_TH = {
    "submit": "ผู้ปกครองยื่นคำขอ",
    "documents_received": "ผู้ปกครองส่งเอกสารเพิ่มแล้ว",
    "confirm_outcome": "ผู้ปกครองยืนยันผล",
    "late_notice": "แจ้งผู้ปกครองว่าพิจารณาล่าช้า",
    "fee_requested": "แจ้งค่าธรรมเนียมให้ผู้ปกครองชำระ",
    "fee_slip_sent": "ผู้ปกครองส่งสลิปการโอนเงิน",
    "fee_paid": "ชำระค่าธรรมเนียมแล้ว",
    "fee_wrong_amount": "ได้รับเงินไม่ตรงกับค่าธรรมเนียม",
    "fee_second_payment": "ชำระค่าธรรมเนียมซ้ำ ต้องคืนเงิน",
    "fee_slip_rejected": "ไม่พบยอดเงินตามสลิป แจ้งผู้ปกครองแล้ว",
    "fee_expired": "เลยกำหนดชำระค่าธรรมเนียม",
    "second_channel_sent": "ส่งแจ้งผลทาง SMS หรืออีเมลแล้ว",
    "second_channel_no_contact": "ไม่มีเบอร์โทรหรืออีเมลสำหรับแจ้งผลทางช่องทางอื่น",
    "document_prepared": "เสนอเอกสารให้ผู้มีอำนาจลงนาม",
    "document_withdrawn": "ถอนเอกสารที่เสนอลงนาม",
    "draft_document_viewed": "เปิดดูร่างเอกสาร",
    "cancel": "ผู้ปกครองยกเลิกคำขอ",
    "service_switched_off": "โรงเรียนปิดบริการนี้ระหว่างกรอก",
    "note_added": "บันทึกภายใน (ไม่แสดงต่อผู้ปกครอง)",
    "welfare_claims_viewed": "เปิดดูรายการคำขอเบิกสวัสดิการ",
}
# An entry no table above names (a newer kind of record): never shown as a code.
OTHER_HISTORY_TH = "บันทึกอื่นของระบบ"


def history_label(action: str) -> str:
    return ACTION_TH.get(action) or HISTORY_TH.get(action) or OTHER_HISTORY_TH


# Staff actions whose record also sends the parent a notice (workflow.perform, documents/issuing.py).
TELLS_PARENT = frozenset({"accept_complete", "request_documents", "reject", "set_appointment", "close",
                          "issue_document", "revoke_document", "reissue_document", "sign_document"})


def done_message(done: str, application: Application, next_role: str | None) -> str:
    """What staff read after an action: the parent is said to be told only when a notice was sent."""
    text = f"บันทึก “{ACTION_TH.get(done, done)}” แล้วค่ะ"
    if done == "sign_off" and next_role is not None:
        # A sign-off before the chain's last: the parent hears of the decision, not of each step.
        return f"{text} รอ{ROLE_TH.get(next_role, next_role)}ลงนามเป็นลำดับถัดไป แล้วระบบจึงแจ้งผลผู้ปกครองค่ะ"
    if done == "prepare_document":
        return f"{text} เมื่อผู้อำนวยการหรือผู้ได้รับมอบอำนาจลงนามแล้ว ระบบจะส่งเอกสารให้ผู้ปกครองทาง LINE"
    if done in TELLS_PARENT or done == "sign_off":
        return f"{text} ผู้ปกครองจะได้รับแจ้งทาง LINE"
    return text


def bangkok(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(BANGKOK) if moment is not None else None


def thai_date(moment: dt.datetime | dt.date | None) -> str:
    if moment is None:
        return "–"
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone(BANGKOK).date()
    return format_thai_date(moment)


def thai_datetime(moment: dt.datetime | None) -> str:
    if moment is None:
        return "–"
    local = moment.astimezone(BANGKOK)
    return f"{format_thai_date(local.date(), style='short')} {local:%H:%M} น."


def appointment_text(appointment: dict[str, Any] | None) -> str:
    if not appointment:
        return ""
    try:
        at = thai_datetime(dt.datetime.fromisoformat(appointment["at"]))
    except (KeyError, TypeError, ValueError):
        at = ""
    parts = [at, appointment.get("place") or "", appointment.get("note") or ""]
    return " · ".join(part for part in parts if part)


def child_name(application: Application) -> str:
    return application.child_name or "(ไม่ระบุชื่อ)"


def actor_name(actor: str, member: StaffMember | None) -> str:
    """Who did something, as the history shows it; member is the staff row of a "staff:<id>" actor."""
    if actor.startswith("staff:"):
        return f"{member.display_name} ({ROLE_TH.get(member.role, member.role)})" if member else "เจ้าหน้าที่"
    return {"parent": "ผู้ปกครอง", "system": "ระบบ"}.get(actor, actor)


def is_overdue(application: Application, now: dt.datetime) -> bool:
    due = getattr(application, "due_at", None)
    return due is not None and application.status in OPEN_STATUSES and due < now


@dataclass(frozen=True)
class Document:
    file_id: str
    position: int  # 1-based among the files of one answer


@dataclass(frozen=True)
class AnswerRow:
    step_id: str
    label: str
    value: str
    documents: list[Document] = field(default_factory=list)
    missing: bool = False


def answer_rows(application: Application, flow: Flow | None, *, full_ids: bool = False) -> list[AnswerRow]:
    """Answers in the flow's order with its labels; answers no longer in the flow come last.
    National ID numbers are masked unless full_ids (the roles that need them: access.py)."""
    answers: dict[str, Any] = dict(application.answers or {})
    missing = {item.get("document") for item in application.missing_documents or []}
    rows: list[AnswerRow] = []
    steps = list(flow.steps) if flow is not None else []
    for step in steps:
        if step.id not in answers and step.id not in missing:
            continue
        value = answers.pop(step.id, None)
        if step.is_document:
            files = [f for f in value or [] if isinstance(f, str)]
            rows.append(AnswerRow(step.id, step.label,
                                  f"{len(files)} ไฟล์" if files else "ไม่ได้ส่ง",
                                  [Document(f, i + 1) for i, f in enumerate(files)],
                                  missing=step.id in missing and not files))
        elif step.kind.name == "national_id" and not full_ids and _is_id_number(value):
            rows.append(AnswerRow(step.id, step.label, access.mask_national_id(value)))
        else:
            rows.append(AnswerRow(step.id, step.label, _shown(step.kind.show, value)))
    for step_id, value in answers.items():
        if step_id.startswith("_"):  # engine bookkeeping, not an answer
            continue
        shown = str(value) if value is not None else "–"
        if not full_ids and _is_id_number(value):  # an answer from an older flow: masked all the same
            shown = access.mask_national_id(value)
        rows.append(AnswerRow(step_id, step_id, shown))
    rows += _requested_rows(application, {s.id for s in steps if s.is_document})
    return rows


def _requested_rows(application: Application, document_steps: set[str]) -> list[AnswerRow]:
    """Documents staff asked for that are no question of the flow ("เอกสารอื่น"): the parent's files
    stay with the request item (flows/supplement.py), so they are shown from there."""
    rows = []
    for index, item in enumerate(getattr(application, "requested_documents", None) or []):
        if not isinstance(item, dict) or item.get("document") in document_steps:
            continue
        files = [f for f in item.get("files") or [] if isinstance(f, str)]
        if not files and not item.get("unavailable"):
            continue  # not answered yet: the "ยังขาดอยู่" card lists it
        value = f"{len(files)} ไฟล์" if files else "ผู้ปกครองแจ้งว่ายังไม่มี"
        rows.append(AnswerRow(f"requested-{index}", str(item.get("name") or "เอกสารที่ขอเพิ่ม"), value,
                              [Document(f, i + 1) for i, f in enumerate(files)],
                              missing=not files))
    return rows


def _is_id_number(value: Any) -> bool:
    return isinstance(value, str) and sum(ch.isdigit() for ch in value) == 13


def _shown(show: Any, value: Any) -> str:
    if value is None:
        return "ข้าม"
    try:
        return show(value)
    except Exception:  # noqa: BLE001 - an answer from an older flow version: show it raw, never fail the page
        return str(value)


def application_file_ids(application: Application, flow: Flow | None) -> set[str]:
    """Every file this application refers to: only these may be opened from its page."""
    found: set[str] = set()
    document_steps = {s.id for s in flow.steps if s.is_document} if flow is not None else set()
    for step_id, value in (application.answers or {}).items():
        if isinstance(value, list) and (step_id in document_steps or flow is None):
            found.update(v for v in value if isinstance(v, str))
    for item in getattr(application, "requested_documents", None) or []:
        for file_id in item.get("files", []) if isinstance(item, dict) else []:
            found.add(file_id)
    return found

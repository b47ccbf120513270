"""The application state machine: who may do what in which status, declared in two tables (the
staff's, and the parent's for their draft); the only place an application's status is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit, notices
from backend.applications.models import Application, ApplicationStatus
from backend.catalog import CATALOG
from backend.school_config import SchoolConfig
from backend.schools import School
from backend.staff import Role, StaffMember, staff_for_role, staff_of_school
from backend.statuses import TransitionRefused
from backend.thai.dates import format_thai_date
from backend.welfare import APPROVED, PAID, PENSION, district_finance_staff, is_civil_servant_service
from backend.working_days import BANGKOK, due_at_for, local_date


class Action(StrEnum):
    ACCEPT_COMPLETE = "accept_complete"
    REQUEST_DOCUMENTS = "request_documents"
    DOCUMENTS_RECEIVED = "documents_received"
    SIGN_OFF = "sign_off"
    REJECT = "reject"
    SET_APPOINTMENT = "set_appointment"
    SET_LATE_REASON = "set_late_reason"
    CLOSE = "close"
    # Issuing the signed e-document of the outcome; done by backend/documents/issuing.py, which
    # renders and signs the PDF, then performs this action to record the audit entry and notice.
    ISSUE_DOCUMENT = "issue_document"
    # A district office's request (a child without a school place) is decided by the district
    # staff assigning a school of the district: backend/referrals.py files it there as an admission.
    ASSIGN_SCHOOL = "assign_school"
    # A district's civil servant's claim or pension application (backend/welfare.py), decided by
    # the district's finance staff: approved with the amount, then the payment recorded.
    APPROVE_PAYMENT = "approve_payment"
    RECORD_PAYMENT = "record_payment"


class ParentAction(StrEnum):
    """What happens to a draft in the parent's own conversation (flows/)."""

    SUBMIT = "submit"
    CANCEL = "cancel"
    # The school switched the service off while the parent was filling it in: the parent's next
    # message finds a draft that cannot go on.
    SERVICE_SWITCHED_OFF = "service_switched_off"


class RoundDecision(StrEnum):
    """An admission round deciding an application that took part in it (ROUND_TRANSITIONS)."""

    ADMITTED = "round_admitted"  # มอบตัว: the child is the school's student
    NOT_ACCEPTED = "round_not_accepted"  # no seat when the round ended (reserve never offered one)
    NOT_ELIGIBLE = "round_not_eligible"
    DECLINED = "round_declined"  # the parent gave the seat up (สละสิทธิ์)
    LAPSED = "round_lapsed"  # the seat was not confirmed (รายงานตัว) by its deadline
    WITHDRAWN = "round_withdrawn"  # the parent withdrew the application from the round


# Pseudo-roles in the table's "who" column.
TURN = "turn"  # the role whose sign-off is next in the service's approval chain
SYSTEM = "system"  # done by the product itself (the parent's upload), never offered to staff
PARENT = "parent"  # the parent whose request it is, in their own chat
# The colleague the request is assigned to (backend/applications/assignment.py), whatever their
# role: the school delegates the checking steps; deciding stays with the chain.
ASSIGNED = "assigned"

S, A, P, R = ApplicationStatus, Action, ParentAction, Role


@dataclass(frozen=True)
class Transition:
    status: ApplicationStatus
    action: Action | ParentAction | RoundDecision
    to: ApplicationStatus | None  # None: the status does not change
    who: frozenset[str]


def _t(status: ApplicationStatus, action: Action | ParentAction | RoundDecision, to: ApplicationStatus | None,
       *who: str) -> Transition:
    return Transition(status, action, to, frozenset(who))


# The whole state machine. Admin may do every staff action (not the SYSTEM ones). Extra guards
# (below, in _guard_failure) refine two rows: documents are requested at most once (s.8 of the
# Licensing Facilitation Act), and a sign-off must be the chain's next one.
TRANSITIONS: tuple[Transition, ...] = (
    # R.DISTRICT: a district office's own permits (home schooling, learning centres) are received,
    # checked, decided and issued by the district's staff, as a school's registrar does for its own.
    _t(S.SUBMITTED, A.ACCEPT_COMPLETE, S.UNDER_REVIEW, R.REGISTRAR, R.DISTRICT, ASSIGNED),
    # The district's finance staff ask a civil servant for more documents once, as a school asks.
    _t(S.SUBMITTED, A.REQUEST_DOCUMENTS, S.DOCUMENTS_REQUESTED, R.REGISTRAR, R.DISTRICT, ASSIGNED,
       R.DISTRICT_FINANCE),
    _t(S.SUBMITTED, A.REJECT, S.REJECTED, R.REGISTRAR, R.DISTRICT, R.DISTRICT_FINANCE),
    _t(S.DOCUMENTS_REQUESTED, A.DOCUMENTS_RECEIVED, S.SUBMITTED, SYSTEM),
    # The parent may never send what was asked for: the request can then be refused.
    _t(S.DOCUMENTS_REQUESTED, A.REJECT, S.REJECTED, R.REGISTRAR, R.DISTRICT, R.DISTRICT_FINANCE),
    # Becomes approved when the chain's last role signs; before that the status stays.
    _t(S.UNDER_REVIEW, A.SIGN_OFF, S.APPROVED, TURN),
    _t(S.UNDER_REVIEW, A.REJECT, S.REJECTED, R.REGISTRAR, TURN),
    _t(S.UNDER_REVIEW, A.SET_APPOINTMENT, None, R.REGISTRAR, R.TEACHER, ASSIGNED),
    _t(S.UNDER_REVIEW, A.SET_LATE_REASON, None, R.REGISTRAR, TURN),
    _t(S.APPROVED, A.SET_APPOINTMENT, None, R.REGISTRAR, R.TEACHER, ASSIGNED),
    _t(S.APPROVED, A.ISSUE_DOCUMENT, None, R.REGISTRAR, R.DIRECTOR, R.DISTRICT),
    _t(S.APPROVED, A.CLOSE, S.CLOSED, R.REGISTRAR, R.DISTRICT),
    _t(S.REJECTED, A.CLOSE, S.CLOSED, R.REGISTRAR, R.DISTRICT),
    _t(S.SUBMITTED, A.ASSIGN_SCHOOL, S.APPROVED, R.DISTRICT),
    # A civil servant's claim (the guard keeps these rows to those services, and those services to
    # these rows): the district's finance staff approve an amount or refuse, then record the payment.
    _t(S.SUBMITTED, A.APPROVE_PAYMENT, S.APPROVED, R.DISTRICT_FINANCE),
    _t(S.APPROVED, A.RECORD_PAYMENT, S.CLOSED, R.DISTRICT_FINANCE),
)

# The parent's side: a draft is the parent's conversation, so only the parent files or abandons
# it (parent_moves). Staff never see a draft, and perform() offers none of these.
PARENT_TRANSITIONS: tuple[Transition, ...] = (
    _t(S.DRAFT, P.SUBMIT, S.SUBMITTED, PARENT),
    _t(S.DRAFT, P.CANCEL, S.CANCELLED, PARENT),
    _t(S.DRAFT, P.SERVICE_SWITCHED_OFF, S.CANCELLED, PARENT),
)

# What a parent reads for each status: (status, what happens next).
STATUS_TH: dict[str, tuple[str, str]] = {
    S.DRAFT: ("ยังกรอกไม่เสร็จ", "พิมพ์ชื่อบริการเพื่อกรอกต่อได้เลยค่ะ"),
    S.SUBMITTED: ("ยื่นคำขอแล้ว", "รอโรงเรียนตรวจสอบเอกสาร จะแจ้งผลทาง LINE นี้ค่ะ"),
    S.DOCUMENTS_REQUESTED: ("รอเอกสารเพิ่มเติม", "กรุณาส่งเอกสารที่โรงเรียนขอในแชตนี้ค่ะ"),
    S.UNDER_REVIEW: ("เอกสารครบ อยู่ระหว่างพิจารณา", "โรงเรียนจะแจ้งผลการพิจารณาทาง LINE นี้ภายในวันครบกำหนดค่ะ"),
    S.APPROVED: ("อนุมัติแล้ว", "ดูรายละเอียดและขั้นตอนต่อไปได้ที่หน้าสถานะคำขอค่ะ"),
    S.REJECTED: ("ไม่อนุมัติ", "หากมีข้อสงสัย กรุณาติดต่อโรงเรียนค่ะ"),
    S.CLOSED: ("เสร็จสิ้น", "ช่วยยืนยันผลและให้คะแนนบริการได้ที่หน้าสถานะคำขอค่ะ"),
    S.CANCELLED: ("ยกเลิกแล้ว", ""),
}

# The same for a request that asked for no document (a venue booking): no word of documents.
STATUS_WITHOUT_DOCUMENTS_TH: dict[str, tuple[str, str]] = {
    S.SUBMITTED: ("ยื่นคำขอแล้ว", "รอโรงเรียนพิจารณาคำขอ จะแจ้งผลทาง LINE นี้ค่ะ"),
    S.UNDER_REVIEW: ("อยู่ระหว่างพิจารณา", "โรงเรียนจะแจ้งผลการพิจารณาทาง LINE นี้ภายในวันครบกำหนดค่ะ"),
}


# The same for a civil servant's claim or pension application: the district's finance staff act.
CLAIM_STATUS_TH: dict[str, tuple[str, str]] = {
    S.SUBMITTED: ("ยื่นเรื่องแล้ว", "รอกลุ่มการเงินของสำนักงานเขตพื้นที่การศึกษาตรวจสอบ จะแจ้งผลทาง LINE นี้ค่ะ"),
    S.APPROVED: ("อนุมัติแล้ว", "กลุ่มการเงินจะแจ้งทาง LINE นี้เมื่อโอนเงินแล้วค่ะ"),
    S.REJECTED: ("ไม่อนุมัติ", "หากมีข้อสงสัย กรุณาติดต่อกลุ่มการเงินของสำนักงานเขตพื้นที่การศึกษาค่ะ"),
    S.CLOSED: ("จ่ายเงินแล้ว", "ตรวจสอบยอดเงินในบัญชีของท่านได้เลยค่ะ"),
    S.DOCUMENTS_REQUESTED: ("รอเอกสารเพิ่มเติม", "กรุณาส่งเอกสารที่กลุ่มการเงินขอในแชตนี้ค่ะ"),
}


def status_words(application: Application) -> tuple[str, str]:
    """The status as a parent reads it, and what comes next (STATUS_TH), without a word about
    documents when the request asked for none (no file given, none marked missing)."""
    if application.status in CLAIM_STATUS_TH and is_civil_servant_service(application.service):
        return CLAIM_STATUS_TH[application.status]
    if application.status in STATUS_WITHOUT_DOCUMENTS_TH and not application.missing_documents and not any(
            isinstance(value, list) for value in (application.answers or {}).values()):
        words = STATUS_WITHOUT_DOCUMENTS_TH[application.status]
    else:
        words = STATUS_TH.get(application.status, (application.status, ""))
    if district_service(application.service):  # the district office decides, not the school
        return words[0], words[1].replace("โรงเรียน", "สำนักงานเขตพื้นที่การศึกษา")
    return words


MAX_REASON_LENGTH = 1000
MAX_DOCUMENTS_PER_REQUEST = 10


class WorkflowError(Exception):
    """An action that was refused; ``message_th`` is shown to the staff member."""

    def __init__(self, message: str, message_th: str) -> None:
        super().__init__(message)
        self.message_th = message_th


class ActionNotAllowed(WorkflowError):
    """The table, the role, the chain's order or the once-only rule forbids the action now."""


class ActionInputInvalid(WorkflowError):
    """The action is allowed but its input (reason, documents, appointment) is missing or wrong."""


@dataclass(frozen=True)
class Appointment:
    """A report day or interview the parent is told of."""

    at: dt.datetime
    place: str
    note: str = ""


# -- who may do what ---------------------------------------------------------------------------


def approval_chain(application: Application, config: SchoolConfig) -> list[str]:
    # A chain configured empty would leave a request that nobody can approve.
    return list(config.service(application.service).approvers or ()) or [Role.REGISTRAR.value]


def current_turn(application: Application, config: SchoolConfig) -> str | None:
    """The role whose sign-off is next, or None once the chain is complete or not running."""
    if application.status != S.UNDER_REVIEW:
        return None
    chain = approval_chain(application, config)
    signed = len(application.approvals or [])
    return chain[signed] if signed < len(chain) else None


def _role_may(transition: Transition, staff: StaffMember | None, turn: str | None,
              application: Application) -> bool:
    if SYSTEM in transition.who or staff is None:
        return SYSTEM in transition.who and staff is None
    if staff.role == Role.ADMIN:
        return True
    if staff.role == Role.OBEC:
        # OBEC's officers do every step of OBEC's own requests (receive, decide, issue): the
        # guard below keeps them to those, and keeps everyone else off them.
        return obec_service(application.service) and transition.action != A.ASSIGN_SCHOOL
    if staff.role in transition.who:
        return True
    if ASSIGNED in transition.who and staff.id is not None and application.assigned_to_id == staff.id:
        return True
    return TURN in transition.who and turn is not None and staff.role == turn


def district_service(service: str) -> bool:
    """Whether a service is a district office's (its approval chain names the district's staff)."""
    try:
        return Role.DISTRICT.value in CATALOG.service(service).approvers
    except KeyError:  # a service no file declares any more
        return False


def obec_service(service: str) -> bool:
    """Whether a service is OBEC's own (its approval chain names OBEC's staff)."""
    try:
        return Role.OBEC.value in CATALOG.service(service).approvers
    except KeyError:  # a service no file declares any more
        return False


def assigns_school(service: str) -> bool:
    """Whether a district's request is decided by assigning a school (backend/referrals.py)."""
    try:
        return CATALOG.service(service).assigns_school
    except KeyError:
        return False


def _guard_failure(transition: Transition, application: Application, staff: StaffMember | None,
                   turn: str | None) -> str | None:
    """Why a transition the table allows is refused for this application, in Thai; None if not."""
    by_finance = staff is not None and staff.role == Role.DISTRICT_FINANCE
    if (staff is not None and is_civil_servant_service(application.service) != by_finance) or (
            transition.action in PAYMENT_ACTIONS and not by_finance):
        # A civil servant's claim is the district finance staff's to decide, and theirs only.
        return "คำขอนี้เป็นงานของกลุ่มการเงินของสำนักงานเขตพื้นที่การศึกษาค่ะ" if not by_finance else \
            "คำขอนี้เป็นงานของโรงเรียนค่ะ"
    if staff is not None and obec_service(application.service) != (staff.role == Role.OBEC):
        # OBEC's own request is OBEC's staff's to decide, and theirs only (and none of a school's).
        return "คำขอนี้เป็นงานของสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐานค่ะ" if staff.role != Role.OBEC else \
            "คำขอนี้เป็นงานของโรงเรียนค่ะ"
    by_district = staff is not None and staff.role == Role.DISTRICT
    # The product's own moves (the documents a parent sends) belong to nobody's role.
    if staff is not None and (district_service(application.service) != by_district or (
            transition.action == A.ASSIGN_SCHOOL and not by_district)):
        # A district's request is the district's staff's to decide, and theirs only.
        return "คำขอนี้เป็นงานของสำนักงานเขตพื้นที่การศึกษาค่ะ" if not by_district else \
            "คำขอนี้เป็นงานของโรงเรียนค่ะ"
    if by_district and (transition.action == A.ASSIGN_SCHOOL) != assigns_school(application.service):
        # A child without a place is decided by assigning a school; a permit by review and sign-off.
        return "คำขอนี้ตัดสินด้วยวิธีอื่นค่ะ"
    if transition.action == A.REJECT and (application.answers or {}).get("referred_from"):
        # The district assigned the child here: the school admits with what was already given.
        return "นักเรียนคนนี้สำนักงานเขตพื้นที่การศึกษาจัดให้เข้าเรียนที่โรงเรียนนี้แล้ว โรงเรียนต้องรับเข้าเรียนค่ะ"
    if transition.action == A.REQUEST_DOCUMENTS and application.documents_requested_at is not None:
        return "ขอเอกสารเพิ่มเติมได้เพียงครั้งเดียวต่อคำขอค่ะ (พ.ร.บ.การอำนวยความสะดวกฯ มาตรา 8)"
    if transition.action == A.SIGN_OFF:
        if turn is None:
            return "คำขอนี้ลงนามครบทุกลำดับแล้วค่ะ"
        # The chain exists so that different people look at the request; an admin may still
        # sign any step, so a school with a single staff member is not stuck.
        if staff is not None and staff.role != Role.ADMIN and any(
            approval.get("staff_id") == staff.id for approval in application.approvals or []
        ):
            return "ท่านลงนามในคำขอนี้ไปแล้ว ลำดับถัดไปต้องเป็นผู้อื่นค่ะ"
    return None


def may_touch(application: Application, staff: StaffMember | None) -> bool:
    """The school's own active staff; for a district's request, the district's staff too (whose
    district the caller checks: backend/referrals.py)."""
    if staff is None:
        return True
    if staff.role == Role.DISTRICT and district_service(application.service):
        return staff.active
    if staff.role == Role.DISTRICT_FINANCE and is_civil_servant_service(application.service):
        return staff.active  # the caller checks the district (web/staff/routes/welfare.py)
    if staff.role == Role.OBEC and obec_service(application.service):
        return staff.active  # OBEC's requests of every school's chat
    return staff.active and staff.school_id == application.school_id


def may_manage_documents(application: Application, staff: StaffMember | None) -> bool:
    """Who may revoke or reissue an application's e-documents: the roles the table lets issue
    them (and admin), whatever the application's status now."""
    if staff is None or not may_touch(application, staff):
        return False
    issuers = {role for t in TRANSITIONS if t.action == A.ISSUE_DOCUMENT for role in t.who}
    return staff.role == Role.ADMIN or staff.role in issuers


def allowed_actions(application: Application, staff: StaffMember | None, config: SchoolConfig) -> list[str]:
    """The actions this staff member may take now, in table order: the ONLY source for buttons.
    ``staff=None`` asks for the product's own (system) actions."""
    if not may_touch(application, staff):
        return []
    turn = current_turn(application, config)
    allowed: list[str] = []
    for transition in TRANSITIONS:
        if transition.status != application.status or transition.action in allowed:
            continue
        if (_role_may(transition, staff, turn, application)
                and _guard_failure(transition, application, staff, turn) is None):
            allowed.append(transition.action.value)
    return allowed


def _transition_for(application: Application, action: str, staff: StaffMember | None,
                    config: SchoolConfig) -> Transition:
    refused = "ทำรายการนี้ไม่ได้ในสถานะปัจจุบันของคำขอ หรือไม่อยู่ในหน้าที่ของท่านค่ะ"
    if not may_touch(application, staff):
        raise ActionNotAllowed("staff member of another school or inactive", refused)
    turn = current_turn(application, config)
    for transition in TRANSITIONS:
        if transition.status == application.status and transition.action == action:
            if not _role_may(transition, staff, turn, application):
                continue
            failure = _guard_failure(transition, application, staff, turn)
            if failure is not None:
                raise ActionNotAllowed(f"{action} refused by its guard", failure)
            return transition
    raise ActionNotAllowed(f"{action} not allowed in {application.status} for this role", refused)


def ensure_allowed(application: Application, action: str, staff: StaffMember | None,
                   config: SchoolConfig) -> None:
    """Raise ActionNotAllowed unless ``staff`` may do ``action`` now: for work that must be
    checked before its expensive part (issuing signs a PDF) and performed after it."""
    _transition_for(application, action, staff, config)


# -- inputs ------------------------------------------------------------------------------------


def _clean_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ActionInputInvalid("reason required", "กรุณาระบุเหตุผลค่ะ")
    if len(text) > MAX_REASON_LENGTH:
        raise ActionInputInvalid("reason too long", f"เหตุผลยาวเกิน {MAX_REASON_LENGTH} ตัวอักษรค่ะ")
    return text


def _clean_documents(documents: Sequence[Mapping[str, str]] | None) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    for item in documents or []:
        document = str(item.get("document", "")).strip()
        name = str(item.get("name", "")).strip()
        if not name:
            raise ActionInputInvalid("document without a name", "กรุณาระบุชื่อเอกสารที่ต้องการค่ะ")
        cleaned.append({"document": document or name, "name": name[:200]})
    if not cleaned:
        raise ActionInputInvalid("no documents", "กรุณาเลือกเอกสารที่ต้องการอย่างน้อย 1 รายการค่ะ")
    if len(cleaned) > MAX_DOCUMENTS_PER_REQUEST:
        raise ActionInputInvalid("too many documents",
                                 f"ขอเอกสารได้ไม่เกิน {MAX_DOCUMENTS_PER_REQUEST} รายการต่อครั้งค่ะ")
    return cleaned


def _clean_appointment(appointment: Appointment | Mapping[str, Any] | None, now: dt.datetime) -> dict[str, str]:
    if appointment is None:
        raise ActionInputInvalid("appointment required", "กรุณาระบุวัน เวลา และสถานที่นัดหมายค่ะ")
    if isinstance(appointment, Mapping):
        at = appointment.get("at")
        if isinstance(at, str):
            try:
                at = dt.datetime.fromisoformat(at)
            except ValueError:
                at = None
        appointment = Appointment(at=at, place=str(appointment.get("place", "")),  # type: ignore[arg-type]
                                  note=str(appointment.get("note", "")))
    if not isinstance(appointment.at, dt.datetime) or appointment.at.tzinfo is None:
        raise ActionInputInvalid("appointment time missing", "กรุณาระบุวันและเวลานัดหมายค่ะ")
    if appointment.at < now:
        raise ActionInputInvalid("appointment in the past", "วันนัดหมายต้องเป็นวันที่ยังไม่ผ่านไปค่ะ")
    place = appointment.place.strip()
    if not place:
        raise ActionInputInvalid("appointment place missing", "กรุณาระบุสถานที่นัดหมายค่ะ")
    return {"at": appointment.at.astimezone(dt.UTC).isoformat(), "place": place[:200],
            "note": appointment.note.strip()[:500]}


# -- what a notice carries ----------------------------------------------------------------------


def thai_date_of(moment: dt.datetime) -> str:
    return format_thai_date(local_date(moment))


def thai_datetime_of(moment: dt.datetime) -> str:
    local = moment.astimezone(BANGKOK)
    return f"{format_thai_date(local.date())} เวลา {local:%H:%M} น."


def parent_notice_data(application: Application, **extra: Any) -> dict[str, Any]:
    """What the edge needs to render a card for the parent about this application."""
    status_th, next_th = status_words(application)
    data: dict[str, Any] = {
        "service": application.service,
        "public_number": application.public_number,
        "status": application.status,
        "status_th": status_th,
        "next_th": next_th,
        "child_name": application.child_name,
    }
    if application.due_at is not None:
        data["due_date_th"] = thai_date_of(application.due_at)
    data.update(extra)
    return data


def notify_parent(session: AsyncSession, application: Application, kind: str, now: dt.datetime,
                   *, legal: bool = False, **extra: Any) -> notices.Notice:
    return notices.record_notice(
        session, school_id=application.school_id, recipient_ref=application.parent_ref,
        audience=notices.PARENT, kind=kind, application_id=application.id, legal=legal, now=now,
        data=parent_notice_data(application, **extra))


async def notify_staff(session: AsyncSession, application: Application, kind: str, roles: Sequence[str],
                       now: dt.datetime, *, exclude_staff_id: int | None = None,
                       only_subscribed: bool = True, only_ids: set[int] | None = None,
                       **extra: Any) -> list[notices.Notice]:
    """A notice to each active member of ``roles`` (admins too), except the one who acted; with
    ``only_ids``, to exactly those members instead (whoever may sign a document, say)."""
    if only_ids is not None:
        members = [m for m in await staff_of_school(session, application.school_id) if m.id in only_ids]
    elif is_civil_servant_service(application.service):
        # The district's finance staff, enrolled through any school of the district; nobody else.
        # They hear of it in the chat of the school they enrolled through, which may not be the
        # claimant's: the notice names the claimant's school.
        members = await district_finance_staff(session, application.school_id)
        school = await session.get(School, application.school_id)
        extra = {"filed_through": school.name if school else "", **extra}
    else:
        # A school's admin hears of the school's work; a district's request is not the school's.
        admin = set() if district_service(application.service) or obec_service(application.service) \
            else {Role.ADMIN.value}
        members = await staff_for_role(session, application.school_id, {*roles, *admin})
    recorded = []
    for member in members:
        if member.id == exclude_staff_id or (only_subscribed and not member.notify_new_submissions):
            continue
        data = {"service": application.service, "public_number": application.public_number,
                "application_id": application.id, "status": application.status,
                "staff_id": member.id, **extra}
        recorded.append(notices.record_notice(
            session, school_id=application.school_id, recipient_ref=member.line_user_id,
            audience=notices.STAFF, kind=kind, application_id=application.id, now=now, data=data))
    return recorded


def roles_acting_in(status: ApplicationStatus, service: str | None = None) -> list[str]:
    """The real roles the table names for a status (who should hear of work waiting there): for a
    district's request the district's staff only, for a school's request the school's staff."""
    if service is not None and district_service(service):
        return [Role.DISTRICT.value]
    if service is not None and is_civil_servant_service(service):
        return [Role.DISTRICT_FINANCE.value]
    if service is not None and obec_service(service):
        return [Role.OBEC.value]
    roles = {role for t in TRANSITIONS if t.status == status for role in t.who
             if role in set(Role) and role not in (Role.DISTRICT, Role.DISTRICT_FINANCE, Role.OBEC)}
    return sorted(roles)


# -- changing the status -----------------------------------------------------------------------


def _change_status(application: Application, action: Action | ParentAction | RoundDecision,
                   table: tuple[Transition, ...]) -> None:
    """The one writer of an application's status: moves it along the row of ``table`` declared
    for (its status, ``action``). The callers check first who may do it (perform: the role and
    the guards; parent_moves: the parent's own conversation); an undeclared move is refused."""
    for transition in table:
        if transition.status == application.status and transition.action == action:
            if transition.to is not None:
                application._status = transition.to
            return
    raise TransitionRefused("application", application.status, action,
                            "backend/applications/workflow.py")


def parent_moves(application: Application, action: ParentAction) -> None:
    """The parent submits or cancels their draft, or its service was switched off: the status
    changes as PARENT_TRANSITIONS declare, and TransitionRefused is raised for any other move.
    The caller records what goes with it (the submission's audit entry and notices)."""
    _change_status(application, action, PARENT_TRANSITIONS)


# -- performing --------------------------------------------------------------------------------


async def perform(
    session: AsyncSession,
    application: Application,
    action: str,
    *,
    staff: StaffMember | None,
    now: dt.datetime,
    config: SchoolConfig,
    reason: str | None = None,
    documents: Sequence[Mapping[str, str]] | None = None,
    appointment: Appointment | Mapping[str, Any] | None = None,
    document: Mapping[str, Any] | None = None,
    amount: int | None = None,
) -> None:
    """Do ``action`` on the application as ``staff`` (None: the product itself), recording the
    audit entry and the notices in the caller's transaction; flushes, does not commit.

    Raises ActionNotAllowed when the table, the role or a guard forbids it, and
    ActionInputInvalid when a required reason, document list or appointment is missing.
    ``document`` ({"id", "code", "doc_type"}, optionally "replaces": a code) is the e-document
    that issue_document records; backend/documents/issuing.py issues it first. ``amount``: the
    baht a civil servant's claim is approved or paid for (approve_payment, record_payment).
    """
    transition = _transition_for(application, action, staff, config)
    actor = staff.actor if staff is not None else audit.SYSTEM
    detail: dict[str, Any] = {"from": application.status}
    if action in PAYMENT_ACTIONS:
        moves = _record_payment(application, action, detail, staff=staff, now=now, reason=reason, amount=amount)
    else:
        moves = _record_action(application, action, detail, staff=staff, now=now, config=config, reason=reason,
                               documents=documents, appointment=appointment, document=document)
    if moves:
        _change_status(application, transition.action, TRANSITIONS)
        if transition.to in (S.APPROVED, S.REJECTED):
            application.decided_at = now
        if transition.to == S.REJECTED:
            # A refused registration gives its Thai test seat back (OBEC's Thai test: backend/thai_test.py).
            from backend import thai_test

            await thai_test.release(session, holder_ref=application.public_number)
    application.updated_at = now
    detail["to"] = application.status
    audit.record(session, school_id=application.school_id, actor=actor, action=str(action),
                 subject=audit.application_subject(application.id), at=now, detail=detail)
    if action in PAYMENT_ACTIONS:
        _notify_payment(session, application, action, now=now)
    else:
        await _notify(session, application, action, now=now, config=config,
                      exclude_staff_id=staff.id if staff is not None else None, document=document)
    # -- fees: a fee due after approval is requested with the approval, in its transaction.
    if action == A.SIGN_OFF and application.status == S.APPROVED:
        from backend.fees.service import AFTER_APPROVAL, open_fee_if_due

        await open_fee_if_due(session, application, moment=AFTER_APPROVAL, now=now, config=config)
    await session.flush()


def _record_action(
    application: Application,
    action: str,
    detail: dict[str, Any],
    *,
    staff: StaffMember | None,
    now: dt.datetime,
    config: SchoolConfig,
    reason: str | None,
    documents: Sequence[Mapping[str, str]] | None,
    appointment: Appointment | Mapping[str, Any] | None,
    document: Mapping[str, Any] | None,
) -> bool:
    """What the action records on the application beside its status, and in the audit entry's
    ``detail``; False when the status stays (a sign-off that others must still follow)."""
    _claim_clock(application, action, now)
    if action == A.ACCEPT_COMPLETE:
        limit = config.service(application.service).time_limit_days
        latest_due = CATALOG.service(application.service).latest_due
        application.complete_at = now
        application.due_at = due_at_for(now, limit, config.working_calendar(),
                                        latest_day=latest_due(application) if latest_due else None)
        detail["time_limit_days"] = limit
    elif action == A.REQUEST_DOCUMENTS:
        requested = _clean_documents(documents)
        application.requested_documents = requested
        application.documents_requested_at = now
        detail["documents"] = [item["document"] for item in requested]
    elif action == A.SIGN_OFF:
        return _sign_off(application, detail, staff=staff, now=now, config=config)
    elif action in (A.REJECT, A.ASSIGN_SCHOOL):
        application.decision_reason = _clean_reason(reason)
    elif action == A.SET_APPOINTMENT:
        application.appointment = _clean_appointment(appointment, now)
    elif action == A.SET_LATE_REASON:
        application.late_reason = _clean_reason(reason)
    elif action == A.ISSUE_DOCUMENT:
        if not document or not document.get("id") or not document.get("doc_type"):
            raise ActionInputInvalid("issued document missing", "ยังไม่ได้ออกเอกสารค่ะ")
        detail["document_id"] = document["id"]
        detail["doc_type"] = document["doc_type"]
        if document.get("signed_by"):
            detail["signed_by"] = document["signed_by"]  # the staff id of who signed it
    return True


PAYMENT_ACTIONS = (A.APPROVE_PAYMENT, A.RECORD_PAYMENT)


def _claim_clock(application: Application, action: str, now: dt.datetime) -> None:
    """A claim waiting for the documents the finance staff asked for has no due date (it waits for
    the claimant); it is due again from the day the last one arrives."""
    if not is_civil_servant_service(application.service):
        return
    if action == A.REQUEST_DOCUMENTS:
        application.due_at = None
    elif action == A.DOCUMENTS_RECEIVED:
        start_claim_clock(application, now)


def start_claim_clock(application: Application, now: dt.datetime) -> None:
    """A civil servant's claim is complete when filed (the chat checked what the rules ask) or when
    the documents the finance staff asked for arrived: the district's decision is due within the
    service's time limit, in national working days (the district's, not a school's calendar)."""
    application.complete_at = now
    application.due_at = due_at_for(now, CATALOG.service(application.service).time_limit_days)


def amount_optional(application: Application, action: str) -> bool:
    return application.service == PENSION and action == A.APPROVE_PAYMENT


def _record_payment(application: Application, action: str, detail: dict[str, Any], *,
                    staff: StaffMember | None, now: dt.datetime, reason: str | None, amount: int | None) -> bool:
    """A civil servant's claim approved for, or paid, ``amount`` baht (backend/welfare.py reads it).
    A pension application is approved without one: the district checks and forwards it, and
    กรมบัญชีกลาง computes the amount, recorded with the payment."""
    if not amount_optional(application, action) and (not isinstance(amount, int) or amount <= 0):
        raise ActionInputInvalid("amount required", "กรุณาระบุจำนวนเงินเป็นตัวเลขค่ะ")
    kind = APPROVED if action == A.APPROVE_PAYMENT else PAID
    application.approvals = [*(application.approvals or []),
                             {"kind": kind, "amount": amount, "staff_id": staff.id if staff else None,
                              "at": now.isoformat(), "note": str(reason or "").strip()[:MAX_REASON_LENGTH]}]
    detail["amount"] = amount
    return True


def _notify_payment(session: AsyncSession, application: Application, action: str, *, now: dt.datetime) -> None:
    """The claimant hears the amount approved, then the amount paid."""
    entry = (application.approvals or [{}])[-1]
    said = "อนุมัติเบิกจ่าย" if action == A.APPROVE_PAYMENT else "โอนเงินเข้าบัญชีของท่านแล้ว"
    next_th = f"{said} {entry.get('amount') or 0:,} บาทค่ะ"
    if amount_optional(application, action):
        next_th = "กลุ่มการเงินตรวจสอบเอกสารแล้ว และส่งเรื่องถึงกรมบัญชีกลางแล้วค่ะ"
    if entry.get("note"):
        next_th += f" ({entry['note']})"
    if action == A.APPROVE_PAYMENT:
        next_th += " กลุ่มการเงินจะแจ้งอีกครั้งเมื่อมีการโอนเงินค่ะ"
    notify_parent(session, application, notices.STATUS_CHANGED, now, next_th=next_th, amount=entry.get("amount"))


def _sign_off(application: Application, detail: dict[str, Any], *, staff: StaffMember | None,
              now: dt.datetime, config: SchoolConfig) -> bool:
    """Records the current role's approval; True when it was the last the chain asks for."""
    turn = current_turn(application, config)
    approvals = [*(application.approvals or []),
                 {"role": turn, "staff_id": staff.id if staff else None, "at": now.isoformat()}]
    application.approvals = approvals  # a new list, so the JSON column is seen as changed
    detail["role"] = turn
    detail["step"] = len(approvals)
    return len(approvals) >= len(approval_chain(application, config))


async def _notify(session: AsyncSession, application: Application, action: str, *, now: dt.datetime,
                  config: SchoolConfig, exclude_staff_id: int | None, document: Mapping[str, Any] | None) -> None:
    """Tells who should hear of the action: the parent, or the staff whose turn comes next."""
    if action == A.ACCEPT_COMPLETE:
        notify_parent(session, application, notices.STATUS_CHANGED, now)
        await notify_staff(session, application, notices.SIGN_OFF_NEEDED,
                           [current_turn(application, config) or Role.REGISTRAR], now,
                           exclude_staff_id=exclude_staff_id)
    elif action == A.REQUEST_DOCUMENTS:
        notify_parent(session, application, notices.DOCUMENTS_REQUESTED, now,
                       documents=application.requested_documents)
    elif action == A.DOCUMENTS_RECEIVED:
        await notify_staff(session, application, notices.DOCUMENTS_RECEIVED,
                           roles_acting_in(S.SUBMITTED, application.service), now,
                           exclude_staff_id=exclude_staff_id)
    elif action == A.SIGN_OFF:
        if application.status == S.APPROVED:
            notify_parent(session, application, notices.STATUS_CHANGED, now)
        else:
            await notify_staff(session, application, notices.SIGN_OFF_NEEDED,
                               [current_turn(application, config) or Role.REGISTRAR], now,
                               exclude_staff_id=exclude_staff_id)
    elif action in (A.REJECT, A.ASSIGN_SCHOOL):
        # A refusal is a legal notice: it also goes by the second channel. An assignment (a
        # district's decision) says which school the child goes to.
        extra: dict[str, Any] = ({"legal": True, "reason": application.decision_reason} if action == A.REJECT
                                 else {"next_th": application.decision_reason})
        notify_parent(session, application, notices.STATUS_CHANGED, now, **extra)
    elif action == A.SET_APPOINTMENT and application.appointment is not None:
        at = dt.datetime.fromisoformat(application.appointment["at"])
        notify_parent(session, application, notices.APPOINTMENT_SET, now,
                       appointment={**application.appointment, "at_th": thai_datetime_of(at)})
    elif action == A.CLOSE:
        notify_parent(session, application, notices.STATUS_CHANGED, now, ask_rating=True)
    elif action == A.ISSUE_DOCUMENT and document is not None:
        notify_parent(session, application, notices.DOCUMENT_ISSUED, now,
                      document_id=document["id"], doc_type=document["doc_type"],
                      replaces=document.get("replaces"))


async def confirm_outcome(session: AsyncSession, application: Application, *, now: dt.datetime,
                          rating: int | None = None) -> None:
    """The parent confirms a closed request's outcome, optionally rating the service 1–5."""
    if application.status != S.CLOSED:
        raise ActionNotAllowed("only a closed request is rated",
                               "ให้คะแนนได้เมื่อคำขอดำเนินการเสร็จสิ้นแล้วค่ะ")
    if rating is not None and not 1 <= rating <= 5:
        raise ActionInputInvalid("rating out of range", "กรุณาให้คะแนน 1 ถึง 5 ค่ะ")
    application.parent_confirmed_at = now
    if rating is not None:
        application.parent_rating = rating
    audit.record(session, school_id=application.school_id, actor=audit.PARENT, action="confirm_outcome",
                 subject=audit.application_subject(application.id), at=now,
                 detail={"rating": rating})
    await session.flush()


# -- an admission round's decisions --------------------------------------------------------------

# An admission that takes part in a round (backend/admission_round/) is decided by the round, not
# by a staff button: the product records the outcome when the child is handed over, when the parent
# declines or withdraws, when an offer lapses, and for the rest when the round ends
# (backend/admission_round/decisions.py). A child the school did not take is refused (REJECTED); a
# place the parent gave up or let lapse, or an application they withdrew, is closed (CLOSED): the
# school refused nothing. docs/admission-round.md ("The application's own status").
_OPEN = (S.SUBMITTED, S.DOCUMENTS_REQUESTED, S.UNDER_REVIEW)
_ROUND_OUTCOME: dict[RoundDecision, ApplicationStatus] = {
    RoundDecision.ADMITTED: S.APPROVED, RoundDecision.NOT_ACCEPTED: S.REJECTED,
    RoundDecision.NOT_ELIGIBLE: S.REJECTED, RoundDecision.DECLINED: S.CLOSED,
    RoundDecision.LAPSED: S.CLOSED, RoundDecision.WITHDRAWN: S.CLOSED,
}
ROUND_TRANSITIONS: tuple[Transition, ...] = tuple(
    _t(status, decision, to, SYSTEM) for decision, to in _ROUND_OUTCOME.items() for status in _OPEN)


def round_decides(session: AsyncSession, application: Application, decision: RoundDecision, *, reason: str,
                  now: dt.datetime, detail: Mapping[str, Any] | None = None) -> bool:
    """Record the round's decision on the application (status, reason, decided_at) and audit it.
    No notice: the parent already has the round's own card (result, offer, lapse, their own tap).
    False, changing nothing, when the application is no longer open (decided already)."""
    if application.status not in _OPEN:
        return False
    before = application.status
    _change_status(application, decision, ROUND_TRANSITIONS)
    application.decision_reason = reason[:MAX_REASON_LENGTH]
    application.decided_at = application.updated_at = now
    audit.record(session, school_id=application.school_id, actor=audit.SYSTEM, action=str(decision),
                 subject=audit.application_subject(application.id), at=now,
                 detail={**(detail or {}), "from": before, "to": application.status})
    return True

"""Staff issue, revoke and reissue an application's e-document: who may, the audit entry, the parent's notice."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit, notices
from backend.applications import workflow
from backend.applications.models import Application
from backend.catalog import CATALOG
from backend.documents import authority
from backend.documents.from_applications import DocumentInputMissing, document_for
from backend.documents.models import DocumentStatus, IssuedDocument, SignatureRequest, SignatureStatus
from backend.documents.numbering import letter_reference, next_letter_number
from backend.documents.service import DistrictNotSet, DocumentIssuer, DocumentStateError
from backend.documents.signature_requests import SignatureEvent, change_status
from backend.documents.signing import SigningNotConfigured
from backend.documents.types import DocumentDataError, spec_for
from backend.records.lookup import record_data, record_for
from backend.school_config import SchoolConfig
from backend.schools import School
from backend.staff import Role, StaffMember
from backend.thai.dates import be_year
from backend.working_days import local_date

log = logging.getLogger(__name__)

MAX_REASON_LENGTH = 1000
NOT_YOURS = "การจัดการเอกสารของคำขอนี้ไม่อยู่ในหน้าที่ของท่านค่ะ"
ALREADY_PENDING = "เอกสารของคำขอนี้รอผู้มีอำนาจลงนามอยู่แล้วค่ะ"
NO_LETTER_CODE = ("โรงเรียนยังไม่ได้ตั้งรหัสหนังสือออก (เช่น ศธ 04002.123) จึงออกเลขที่หนังสือไม่ได้ "
                  "กรุณาแจ้งผู้ดูแลระบบ หรือกรอกเลขที่หนังสือเองค่ะ")
NO_SIGNING_KEY = ("โรงเรียนยังไม่ได้ตั้งค่าใบรับรองสำหรับลงลายมือชื่อดิจิทัล จึงออกเอกสารไม่ได้ "
                  "กรุณาแจ้งผู้ดูแลระบบค่ะ")


class IssuingRefused(Exception):
    """Issuing, revoking or reissuing was refused; ``message_th`` is shown to the staff member."""

    def __init__(self, message: str, message_th: str) -> None:
        super().__init__(message)
        self.message_th = message_th


async def application_documents(session: AsyncSession, application_id: int) -> list[IssuedDocument]:
    """Every document issued for an application, newest first."""
    return list(await session.scalars(
        sa.select(IssuedDocument).where(IssuedDocument.application_id == application_id)
        .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())))


def service_document_type(service: str) -> str | None:
    """The document type a service's outcome is issued as (None: it issues none). The e-receipt of
    a request's fee is filed under the same request but is not its outcome."""
    document = CATALOG.service(service).document if service in CATALOG.service_ids() else None
    return document.type.id if document is not None else None


async def has_valid_document(session: AsyncSession, application_id: int, doc_type: str | None) -> bool:
    """Whether the request's outcome document (of ``doc_type``) is issued and in force."""
    found = await session.scalar(sa.select(IssuedDocument.id).where(
        IssuedDocument.application_id == application_id, IssuedDocument.doc_type == doc_type,
        IssuedDocument.status == DocumentStatus.VALID).limit(1))
    return found is not None


async def _draft(session: AsyncSession, application: Application, config: SchoolConfig,
                 staff_input: Mapping[str, str] | None):
    document = CATALOG.service(application.service).document if application.service in CATALOG.service_ids() else None
    record = None
    if document is not None and document.uses_record:
        found = await record_for(session, application, staff_input)
        record = record_data(found) if found is not None else None
    try:
        return document_for(application, config, staff_input, record)
    except DocumentInputMissing as missing:
        raise IssuingRefused(str(missing), missing.message_th) from None
    except DocumentDataError as error:
        raise IssuingRefused(str(error), "ข้อมูลในคำขอไม่ครบสำหรับออกเอกสารค่ะ") from None


async def _issue(issuer: DocumentIssuer, session: AsyncSession, **arguments: Any) -> IssuedDocument:
    try:
        return await issuer.issue(session, **arguments)
    except DistrictNotSet:
        raise IssuingRefused("no district", "โรงเรียนนี้ยังไม่ได้สังกัดสำนักงานเขตพื้นที่การศึกษาค่ะ") from None
    except SigningNotConfigured:
        log.error("school %s has no signing key: documents cannot be issued", arguments["school"].slug)
        raise IssuingRefused("signing not configured", NO_SIGNING_KEY) from None


def _clean_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise IssuingRefused("reason required", "กรุณาระบุเหตุผลค่ะ")
    if len(text) > MAX_REASON_LENGTH:
        raise IssuingRefused("reason too long", f"เหตุผลยาวเกิน {MAX_REASON_LENGTH} ตัวอักษรค่ะ")
    return text


def _document_notice(document: IssuedDocument, **extra: Any) -> dict[str, Any]:
    return {"document_id": document.id, "doc_type": document.doc_type, **extra}


async def pending_requests(session: AsyncSession, application_id: int) -> list[SignatureRequest]:
    """The application's documents prepared and waiting for a signature, oldest first."""
    return list(await session.scalars(sa.select(SignatureRequest).where(
        SignatureRequest.application_id == application_id,
        SignatureRequest.status == SignatureStatus.PENDING).order_by(SignatureRequest.id)))


async def _prepare(session: AsyncSession, application: Application, request: SignatureRequest, *,
                   staff: StaffMember, issuer: DocumentIssuer, school: School, config: SchoolConfig,
                   now: dt.datetime) -> IssuedDocument | SignatureRequest:
    """Sign at once when the one preparing may sign; otherwise it waits for whoever may, who is told."""
    if spec_for(request.doc_type).signer == "district" and not await authority.may_sign(
            session, staff, school, request.doc_type, local_date(now)):
        # A district's permit is signed as it is issued, by its director or a deputy: district
        # documents do not wait in a school's signing queue.
        raise IssuingRefused("not the district's signer", authority.NOT_AUTHORISED_DISTRICT)
    session.add(request)
    await session.flush()
    if await authority.may_sign(session, staff, school, request.doc_type, local_date(now)):
        return await sign_request(session, request, staff=staff, issuer=issuer, school=school, config=config,
                                  now=now)
    audit.record(session, school_id=application.school_id, actor=staff.actor, action="document_prepared",
                 subject=audit.application_subject(application.id), at=now,
                 detail={"request_id": request.id, "doc_type": request.doc_type})
    signers = {m.id for m in await authority.members_who_may_sign(session, school, request.doc_type,
                                                                    local_date(now))}
    await workflow.notify_staff(session, application, notices.SIGNATURE_NEEDED, [], now,
                                exclude_staff_id=staff.id, only_subscribed=False, only_ids=signers,
                                doc_type=request.doc_type)
    await session.flush()
    return request


async def issue_for_application(
    session: AsyncSession, application: Application, *, staff: StaffMember, issuer: DocumentIssuer,
    school: School, config: SchoolConfig, now: dt.datetime, staff_input: Mapping[str, str] | None = None,
) -> IssuedDocument | SignatureRequest:
    """Prepare the approved application's document: signed and issued at once when ``staff`` may
    sign it, else put before the director (or whoever the director empowered) to sign. Flushes,
    the caller commits. Raises IssuingRefused (or workflow.ActionNotAllowed)."""
    workflow.ensure_allowed(application, workflow.Action.ISSUE_DOCUMENT, staff, config)
    if await has_valid_document(session, application.id, service_document_type(application.service)):
        raise IssuingRefused("already issued",
                             "ออกเอกสารของคำขอนี้แล้วค่ะ หากต้องแก้ไข กรุณาใช้ “ออกฉบับใหม่”")
    if await pending_requests(session, application.id):
        raise IssuingRefused("already waiting for a signature", ALREADY_PENDING)
    draft = await _draft(session, application, config, staff_input)
    request = SignatureRequest(school_id=school.id, application_id=application.id, doc_type=draft.doc_type,
                               data=draft.data, prepared_by=staff.id, prepared_at=now)
    return await _prepare(session, application, request, staff=staff, issuer=issuer, school=school,
                          config=config, now=now)


def _issuing_actor(application: Application, signer: StaffMember, preparer: StaffMember | None,
                   config: SchoolConfig) -> StaffMember:
    """Who the workflow records as issuing: the signer when the table lets them, else who prepared
    it (a deputy signing under a delegation may hold a role the table does not name)."""
    for member in (signer, preparer):
        if member is None:
            continue
        try:
            workflow.ensure_allowed(application, workflow.Action.ISSUE_DOCUMENT, member, config)
        except workflow.WorkflowError:
            continue
        return member
    raise IssuingRefused("nobody may issue", NOT_YOURS)


async def sign_request(session: AsyncSession, request: SignatureRequest, *, staff: StaffMember,
                       issuer: DocumentIssuer, school: School, config: SchoolConfig,
                       now: dt.datetime) -> IssuedDocument:
    """``staff`` approves and signs a prepared document: their name, position and authority print,
    the letter takes its number, and only now is the PDF signed with the school's key."""
    application = await session.get(Application, request.application_id)
    if application is None or request.school_id != school.id or application.school_id != school.id:
        raise IssuingRefused("not this school's", NOT_YOURS)
    if request.status != SignatureStatus.PENDING:
        raise IssuingRefused("not pending", "เอกสารนี้ลงนามหรือถอนเรื่องไปแล้วค่ะ")
    try:
        signature = await authority.signature_for(session, staff, school, request.doc_type, local_date(now))
    except authority.NotAuthorised as refused:
        raise IssuingRefused(str(refused), refused.message_th) from None
    preparer = await session.get(StaffMember, request.prepared_by)
    data = {**request.data, "signature": signature.as_data()}
    if preparer is not None and preparer.full_name:
        # Who prepared it: the ปพ.๑ prints the registrar (นายทะเบียน) beside the director.
        data["prepared_by"] = {"name": preparer.full_name, "position": preparer.position or ""}
    if spec_for(request.doc_type).numbered and not data.get("reference_number"):
        data["reference_number"] = await _next_reference(session, school, config, now)
    if request.replaces_document_id is not None:
        old = await session.get(IssuedDocument, request.replaces_document_id)
        if old is None or old.status != DocumentStatus.VALID:
            raise IssuingRefused("document not valid", "เอกสารนี้ถูกเพิกถอนหรือมีฉบับใหม่แทนแล้วค่ะ")
        try:
            document = await issuer.reissue(session, document=old, reason=request.reason or "",
                                            issued_by=staff.actor, now=now, data=data)
        except SigningNotConfigured:
            raise IssuingRefused("signing not configured", NO_SIGNING_KEY) from None
        audit.record(session, school_id=application.school_id, actor=staff.actor, action="reissue_document",
                     subject=audit.application_subject(application.id), at=now,
                     detail={"document_id": old.id, "new_document_id": document.id,
                             "doc_type": old.doc_type, "signed_by": staff.id})
        workflow.notify_parent(session, application, notices.DOCUMENT_ISSUED, now,
                               **_document_notice(document, replaces=old.code))
    else:
        if await has_valid_document(session, application.id, request.doc_type):
            raise IssuingRefused("already issued", "ออกเอกสารของคำขอนี้แล้วค่ะ")
        actor = _issuing_actor(application, staff, preparer, config)
        document = await _issue(issuer, session, school=school, doc_type=request.doc_type, data=data,
                                application_id=application.id, issued_by=staff.actor, now=now)
        await workflow.perform(session, application, workflow.Action.ISSUE_DOCUMENT, staff=actor, now=now,
                               config=config, document={"id": document.id, "code": document.code,
                                                        "doc_type": document.doc_type, "signed_by": staff.id})
    change_status(request, SignatureEvent.SIGN)
    request.decided_by, request.decided_at, request.document_id = staff.id, now, document.id
    await session.flush()
    return document


async def _next_reference(session: AsyncSession, school: School, config: SchoolConfig, now: dt.datetime) -> str:
    """The next "ที่" of the school's series for this year: "ศธ 04002.123/45"."""
    if not config.letter_code:
        raise IssuingRefused("no letter code", NO_LETTER_CODE)
    number = await next_letter_number(session, school_id=school.id, year=be_year(local_date(now)))
    return letter_reference(config.letter_code, number)


async def withdraw_request(session: AsyncSession, request: SignatureRequest, *, staff: StaffMember,
                           now: dt.datetime) -> None:
    """Who prepared it, or the director, takes a prepared document back (a mistake found)."""
    if request.status != SignatureStatus.PENDING or request.school_id != staff.school_id:
        raise IssuingRefused("not pending", "เอกสารนี้ลงนามหรือถอนเรื่องไปแล้วค่ะ")
    if staff.id != request.prepared_by and staff.role not in (Role.DIRECTOR, Role.ADMIN):
        raise IssuingRefused("not the preparer", NOT_YOURS)
    change_status(request, SignatureEvent.WITHDRAW)
    request.decided_by, request.decided_at = staff.id, now
    audit.record(session, school_id=request.school_id, actor=staff.actor, action="document_withdrawn",
                 subject=audit.application_subject(request.application_id), at=now,
                 detail={"request_id": request.id, "doc_type": request.doc_type})
    await session.flush()


def _check_manages(application: Application, document: IssuedDocument, staff: StaffMember) -> None:
    if document.application_id != application.id or not workflow.may_manage_documents(application, staff):
        raise IssuingRefused("not allowed to manage this document", NOT_YOURS)
    if document.doc_type != service_document_type(application.service):
        # The fee's e-receipt: finance's, corrected through the fee pages, not reissued as the outcome.
        raise IssuingRefused("not the request's outcome document",
                             "เอกสารนี้ไม่ใช่เอกสารผลของคำขอ จัดการได้ที่หน้าการเงินค่ะ")
    if document.status != DocumentStatus.VALID:
        raise IssuingRefused("document not valid", "เอกสารนี้ถูกเพิกถอนหรือมีฉบับใหม่แทนแล้วค่ะ")


async def revoke_for_application(
    session: AsyncSession, application: Application, document: IssuedDocument, *, staff: StaffMember,
    issuer: DocumentIssuer, now: dt.datetime, reason: str | None,
) -> IssuedDocument:
    """Revoke with a reason (kept in the document's own log, not the application's audit detail)
    and tell the parent; flushes, the caller commits."""
    _check_manages(application, document, staff)
    text = _clean_reason(reason)
    try:
        await issuer.revoke(session, document=document, reason=text, revoked_by=staff.actor, now=now)
    except DocumentStateError:
        raise IssuingRefused("document not valid", "เอกสารนี้ถูกเพิกถอนหรือมีฉบับใหม่แทนแล้วค่ะ") from None
    audit.record(session, school_id=application.school_id, actor=staff.actor, action="revoke_document",
                 subject=audit.application_subject(application.id), at=now,
                 detail={"document_id": document.id, "doc_type": document.doc_type})
    workflow.notify_parent(session, application, notices.DOCUMENT_REVOKED, now,
                           **_document_notice(document, reason=text))
    await session.flush()
    return document


async def reissue_for_application(
    session: AsyncSession, application: Application, document: IssuedDocument, *, staff: StaffMember,
    issuer: DocumentIssuer, config: SchoolConfig, now: dt.datetime, reason: str | None,
    staff_input: Mapping[str, str] | None = None,
) -> IssuedDocument | SignatureRequest:
    """A new copy under a new code, its data taken afresh from the application (a changed report
    day, say) and the form; the old one becomes superseded when it is signed, which, as for a first
    issue, only the director or someone empowered does. Flushes, the caller commits."""
    _check_manages(application, document, staff)
    text = _clean_reason(reason)
    draft = await _draft(session, application, config, staff_input)
    if draft.doc_type != document.doc_type:
        raise IssuingRefused("document type changed", "เอกสารฉบับใหม่ต้องเป็นเอกสารชนิดเดิมค่ะ")
    if await pending_requests(session, application.id):
        raise IssuingRefused("already waiting for a signature", ALREADY_PENDING)
    school = await session.get(School, application.school_id)
    assert school is not None
    request = SignatureRequest(school_id=school.id, application_id=application.id, doc_type=draft.doc_type,
                               data=draft.data, replaces_document_id=document.id, reason=text,
                               prepared_by=staff.id, prepared_at=now)
    return await _prepare(session, application, request, staff=staff, issuer=issuer, school=school,
                          config=config, now=now)


async def parent_documents(session: AsyncSession, *, school_id: int, parent_ref: str,
                           limit: int = 5) -> list[tuple[IssuedDocument, Application]]:
    """The parent's documents still in force, newest first, each with its application."""
    rows = await session.execute(
        sa.select(IssuedDocument, Application)
        .join(Application, IssuedDocument.application_id == Application.id)
        .where(Application.school_id == school_id, Application.parent_ref == parent_ref,
               IssuedDocument.school_id == school_id, IssuedDocument.status == DocumentStatus.VALID)
        .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
        .limit(limit))
    return [(document, application) for document, application in rows.all()]


async def parent_document(session: AsyncSession, *, document_id: int, school_id: int,
                          parent_ref: str) -> tuple[IssuedDocument, Application] | None:
    """The document if it belongs to this parent's application at this school; else None."""
    row = (await session.execute(
        sa.select(IssuedDocument, Application)
        .join(Application, IssuedDocument.application_id == Application.id)
        .where(IssuedDocument.id == document_id, IssuedDocument.school_id == school_id,
               Application.school_id == school_id, Application.parent_ref == parent_ref))).first()
    return (row[0], row[1]) if row is not None else None

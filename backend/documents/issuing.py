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
from backend.documents.from_applications import DocumentInputMissing, document_for
from backend.documents.models import DocumentStatus, IssuedDocument
from backend.documents.service import DocumentIssuer, DocumentStateError
from backend.documents.signing import SigningNotConfigured
from backend.documents.types import DocumentDataError
from backend.school_config import SchoolConfig
from backend.schools import School
from backend.staff import StaffMember

log = logging.getLogger(__name__)

MAX_REASON_LENGTH = 1000
NOT_YOURS = "การจัดการเอกสารของคำขอนี้ไม่อยู่ในหน้าที่ของท่านค่ะ"
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


def _draft(application: Application, config: SchoolConfig, staff_input: Mapping[str, str] | None):
    try:
        return document_for(application, config, staff_input)
    except DocumentInputMissing as missing:
        raise IssuingRefused(str(missing), missing.message_th) from None
    except DocumentDataError as error:
        raise IssuingRefused(str(error), "ข้อมูลในคำขอไม่ครบสำหรับออกเอกสารค่ะ") from None


async def _issue(issuer: DocumentIssuer, session: AsyncSession, **arguments: Any) -> IssuedDocument:
    try:
        return await issuer.issue(session, **arguments)
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


async def issue_for_application(
    session: AsyncSession, application: Application, *, staff: StaffMember, issuer: DocumentIssuer,
    school: School, config: SchoolConfig, now: dt.datetime, staff_input: Mapping[str, str] | None = None,
) -> IssuedDocument:
    """Issue the approved application's document, record the audit entry and the parent's
    notice; flushes, the caller commits. Raises IssuingRefused (or workflow.ActionNotAllowed)."""
    workflow.ensure_allowed(application, workflow.Action.ISSUE_DOCUMENT, staff, config)
    if await has_valid_document(session, application.id, service_document_type(application.service)):
        raise IssuingRefused("already issued",
                             "ออกเอกสารของคำขอนี้แล้วค่ะ หากต้องแก้ไข กรุณาใช้ “ออกฉบับใหม่”")
    draft = _draft(application, config, staff_input)
    document = await _issue(issuer, session, school=school, doc_type=draft.doc_type, data=draft.data,
                            application_id=application.id, issued_by=staff.actor, now=now)
    await workflow.perform(session, application, workflow.Action.ISSUE_DOCUMENT, staff=staff, now=now,
                           config=config, document={"id": document.id, "code": document.code,
                                                    "doc_type": document.doc_type})
    return document


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
) -> IssuedDocument:
    """A new copy under a new code, its data taken afresh from the application (a changed report
    day, say) and the form; the old one becomes superseded. Flushes, the caller commits."""
    _check_manages(application, document, staff)
    text = _clean_reason(reason)
    draft = _draft(application, config, staff_input)
    if draft.doc_type != document.doc_type:
        raise IssuingRefused("document type changed", "เอกสารฉบับใหม่ต้องเป็นเอกสารชนิดเดิมค่ะ")
    try:
        replacement = await issuer.reissue(session, document=document, reason=text,
                                           issued_by=staff.actor, now=now, data=draft.data)
    except SigningNotConfigured:
        raise IssuingRefused("signing not configured", NO_SIGNING_KEY) from None
    except DocumentStateError:
        raise IssuingRefused("document not valid", "เอกสารนี้ถูกเพิกถอนหรือมีฉบับใหม่แทนแล้วค่ะ") from None
    audit.record(session, school_id=application.school_id, actor=staff.actor, action="reissue_document",
                 subject=audit.application_subject(application.id), at=now,
                 detail={"document_id": document.id, "new_document_id": replacement.id,
                         "doc_type": document.doc_type})
    workflow.notify_parent(session, application, notices.DOCUMENT_ISSUED, now,
                           **_document_notice(replacement, replaces=document.code))
    await session.flush()
    return replacement


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

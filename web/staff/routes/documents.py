"""Files staff open from a request's page: the parent's documents (by a short-lived personal link)
and the school's issued e-documents (open, revoke, reissue)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from backend import audit
from backend.applications.workflow import WorkflowError
from backend.documents import issuing
from backend.documents.models import IssuedDocument, SignatureRequest
from backend.files.service import FileIntegrityError, StoredFileNotFound
from web.runtime import DbSession, Now, Runtime
from web.staff import flash, issued_documents, presentation, queries
from web.staff.dependencies import (
    STAFF_PREFIX,
    CheckedForm,
    CurrentStaff,
    SchoolOfStaff,
    StaffForFile,
    StaffTokens,
    staff_school,
)
from web.staff.pages import not_found

log = logging.getLogger(__name__)

router = APIRouter()

# What a browser may do with a file shown from our origin.
FILE_HEADERS = {"cache-control": "private, no-store", "content-disposition": "inline",
                "x-content-type-options": "nosniff"}


def known_change(change: str) -> str:
    # A dependency declared first: an unknown change is 404 before sign-in, as any unknown page.
    if change not in {"revoke", "reissue"}:
        raise HTTPException(404)
    return change


@router.post("/applications/{application_id}/issued/{document_id}/{change}")
async def change_issued(request: Request, application_id: int, document_id: int,
                        change: Annotated[str, Depends(known_change)], staff: CurrentStaff,
                        form: CheckedForm, school: SchoolOfStaff, db: DbSession, runtime: Runtime,
                        now: Now) -> Response:
    member = staff.member
    application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
    document = await db.get(IssuedDocument, document_id)
    if application is None or document is None or document.application_id != application.id:
        return not_found(request, staff)
    back = f"{STAFF_PREFIX}/applications/{application.id}"
    reason = str(form.get("reason") or "")
    try:
        if change == "revoke":
            await issuing.revoke_for_application(
                db, application, document, staff=member, issuer=runtime.documents, now=now, reason=reason)
        else:
            await issuing.reissue_for_application(
                db, application, document, staff=member, issuer=runtime.documents, config=school.config,
                now=now, reason=reason, staff_input=issued_documents.form_input(form, application.service))
    except issuing.IssuingRefused as refused:
        return await flash.refused(runtime.state, staff_id=member.id, url=back, text=refused.message_th)
    await db.commit()
    waiting = change == "reissue" and bool(await issuing.pending_requests(db, application.id))
    done = "prepare_document" if waiting else f"{change}_document"
    return RedirectResponse(f"{back}?done={done}#issued-documents", status_code=303)


@router.get("/applications/{application_id}/issued/{document_id}.pdf")
async def issued_pdf(application_id: int, document_id: int, staff: CurrentStaff, school: SchoolOfStaff,
                     db: DbSession, runtime: Runtime, now: Now) -> Response:
    member = staff.member
    application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
    document = await db.get(IssuedDocument, document_id)
    if application is None or document is None or document.application_id != application.id:
        raise HTTPException(404)
    pdf = await runtime.documents.read_pdf(db, document)
    audit.record(db, school_id=member.school_id, actor=member.actor, action="issued_document_viewed",
                 subject=f"document:{document.id}", at=now, detail={"application_id": application.id})
    await db.commit()
    return Response(pdf, media_type="application/pdf", headers=FILE_HEADERS)


def known_decision(decision: str) -> str:
    if decision not in {"sign", "withdraw"}:
        raise HTTPException(404)
    return decision


@router.post("/applications/{application_id}/signature-requests/{request_id}/{decision}")
async def decide_signature(request: Request, application_id: int, request_id: int,
                           decision: Annotated[str, Depends(known_decision)], staff: CurrentStaff,
                           form: CheckedForm, school: SchoolOfStaff, db: DbSession, runtime: Runtime,
                           now: Now) -> Response:
    """The person with authority signs a prepared document (only now is the school's key used),
    or who prepared it takes it back."""
    member = staff.member
    application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
    waiting = await db.get(SignatureRequest, request_id)
    if application is None or waiting is None or waiting.application_id != application.id:
        return not_found(request, staff)
    back = f"{STAFF_PREFIX}/applications/{application.id}"
    try:
        if decision == "sign":
            await issuing.sign_request(db, waiting, staff=member, issuer=runtime.documents, school=school.school,
                                       config=school.config, now=now)
        else:
            await issuing.withdraw_request(db, waiting, staff=member, now=now)
    except (issuing.IssuingRefused, WorkflowError) as refused:
        return await flash.refused(runtime.state, staff_id=member.id, url=back, text=refused.message_th)
    await db.commit()
    done = "sign_document" if decision == "sign" else "withdraw_document"
    return RedirectResponse(f"{back}?done={done}#issued-documents", status_code=303)


@router.get("/applications/{application_id}/signature-requests/{request_id}.pdf")
async def draft_pdf(application_id: int, request_id: int, staff: CurrentStaff, school: SchoolOfStaff,
                    db: DbSession, runtime: Runtime, now: Now) -> Response:
    """The prepared document, unsigned and marked as a draft, for the signer to read first."""
    member = staff.member
    application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
    waiting = await db.get(SignatureRequest, request_id)
    if application is None or waiting is None or waiting.application_id != application.id:
        raise HTTPException(404)
    pdf = await runtime.documents.render_draft(db, school=school.school, doc_type=waiting.doc_type,
                                               data=dict(waiting.data), now=now)
    audit.record(db, school_id=member.school_id, actor=member.actor, action="draft_document_viewed",
                 subject=audit.application_subject(application.id), at=now, detail={"request_id": waiting.id})
    await db.commit()
    return Response(pdf, media_type="application/pdf", headers=FILE_HEADERS)


def opened_link(link: str, tokens: StaffTokens) -> tuple[str, int, int]:
    opened = tokens.read_document_link(link)
    if opened is None:
        raise HTTPException(404, "ลิงก์เอกสารหมดอายุแล้ว กรุณาเปิดจากหน้าคำขออีกครั้งค่ะ")
    return opened


# (file id, application id, staff id) of a document link that is genuine and not yet expired.
DocumentLink = Annotated[tuple[str, int, int], Depends(opened_link)]


@router.get("/documents/{link}")
async def document(opened: DocumentLink, staff: StaffForFile, db: DbSession, runtime: Runtime,
                   now: Now) -> Response:
    # Declared in this order, the link is checked before who is asking: an expired link says so,
    # signed in or not.
    file_id, application_id, staff_id = opened
    member = staff.member
    # The link is for the one member who opened the page: forwarded, it opens nothing.
    if member.id != staff_id:
        raise HTTPException(404)
    school = await staff_school(staff, db)
    application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
    if application is None:
        raise HTTPException(404)
    flow = school.flows.get(application.service)
    if file_id not in presentation.application_file_ids(application, flow):
        raise HTTPException(404)
    try:
        # The request's school keeps its files (OBEC's officers open those of every school's chat).
        data, content_type = await runtime.files.read(db, file_id, school_id=application.school_id)
    except StoredFileNotFound:
        raise HTTPException(404, "ไฟล์นี้ถูกลบแล้วค่ะ") from None
    except FileIntegrityError:
        log.exception("document %s of application %s cannot be read", file_id, application.id)
        raise HTTPException(500, "เปิดไฟล์นี้ไม่ได้ กรุณาแจ้งผู้ดูแลระบบค่ะ") from None
    audit.record(db, school_id=member.school_id, actor=member.actor, action="document_viewed",
                 subject=audit.file_subject(file_id), at=now, detail={"application_id": application.id})
    await db.commit()
    return Response(data, media_type=content_type, headers={
        **FILE_HEADERS,
        # A PDF is shown by the browser's viewer; it must not run scripts as our origin.
        "content-security-policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    })

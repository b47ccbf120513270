"""The district finance staff's pages: their district's civil servants' welfare claims and pension
applications (backend/welfare.py), whatever school chat they were filed through.

Only a finance officer of the district (role ``district_finance``, enrolled through one of its
schools) sees them; any other role gets 403, and another district's claim is absent (404). The
officer approves an amount (never more than was claimed) or refuses with a reason, then records
the payment; each step reaches the claimant's chat (backend/applications/workflow.py). Before
deciding, the officer may ask the claimant once for more documents, answered in the chat as a
parent answers a school (flows/supplement.py). A claim past its due date without a decision is
listed first, marked overdue. Every view is in the audit log; the receipts (and the documents sent
later) are served from here, to this officer only.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit, welfare
from backend.applications import workflow
from backend.applications.models import Application, ApplicationStatus
from backend.files.service import FileIntegrityError, StoredFileNotFound
from backend.organisations import DistrictOffice
from backend.school_config import parse_school_config
from backend.schools import School
from flows.services import ALL_FLOWS, title_of
from web.runtime import DbSession, Now, Runtime
from web.staff import flash, presentation
from web.staff.dependencies import STAFF_PREFIX, CheckedForm, CurrentStaff, SignedInStaff
from web.staff.pages import page
from web.staff.routes.applications import FormProblem, action_options

router = APIRouter()
BACK = f"{STAFF_PREFIX}/welfare"
OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.DOCUMENTS_REQUESTED, ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.APPROVED)
# As web/staff/routes/documents.py serves a parent's files: a PDF must not run scripts as our origin.
FILE_HEADERS = {"cache-control": "private, no-store", "content-disposition": "inline",
                "x-content-type-options": "nosniff",
                "content-security-policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"}


async def finance_district(db: AsyncSession, staff: SignedInStaff) -> DistrictOffice:
    district = await welfare.finance_district(db, staff.member)
    if district is None:
        raise HTTPException(403, "หน้านี้สำหรับเจ้าหน้าที่การเงินของสำนักงานเขตพื้นที่การศึกษาค่ะ")
    return district


async def _claim(db: AsyncSession, district: DistrictOffice, application_id: int) -> Application:
    application = await db.get(Application, application_id)
    origin = await db.get(School, application.school_id) if application is not None else None
    if application is None or origin is None or origin.district_id != district.id \
            or not welfare.is_civil_servant_service(application.service) \
            or application.status == ApplicationStatus.DRAFT:
        raise HTTPException(404)  # another district's claim and a guessed number look the same
    return application


def overdue(application: Application, now: dt.datetime) -> bool:
    """Past its due date without a decision (a claim waiting for the claimant's documents has none)."""
    return application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW) \
        and application.due_at is not None and application.due_at < now


def claimed(application: Application) -> int:
    return int((application.answers or {}).get("amount") or 0)


def kind_th(application: Application) -> str:
    answers = application.answers or {}
    if application.service == welfare.PENSION:
        return "บำเหน็จบำนาญ"
    return "ค่าการศึกษาบุตร" if answers.get("claim_type") == "tuition" else "ค่ารักษาพยาบาล"


@router.get("/welfare", name="staff_welfare")
async def welfare_list(request: Request, staff: CurrentStaff, db: DbSession, runtime: Runtime, now: Now,
                       error: str | None = None) -> Response:
    district = await finance_district(db, staff)
    schools = await welfare.district_schools(db, district.id)
    claims = list(await db.scalars(
        sa.select(Application).where(Application.school_id.in_(schools),
                                     Application.service.in_(welfare.civil_servant_services()),
                                     Application.status.in_(OPEN))
        .order_by(Application.submitted_at)))
    late = [application for application in claims if overdue(application, now)]
    claims = late + [application for application in claims if application not in late]  # overdue first
    if claims:
        audit.record(db, school_id=staff.member.school_id, actor=staff.member.actor, action="welfare_claims_viewed",
                     subject=f"district:{district.id}", at=now, detail={"applications": [a.id for a in claims]})
        await db.commit()
    return page(request, "welfare.html", staff, district=district, claims=claims, title=title_of,
                late=len(late), overdue=lambda application: overdue(application, now),
                kind_th=kind_th, claimed=claimed, baht=welfare.baht,
                status_th=lambda application: workflow.status_words(application)[0],
                error=await flash.recall(runtime.state, staff_id=staff.member.id, code=error))


@router.get("/welfare/{application_id}", name="staff_welfare_claim")
async def welfare_claim(request: Request, application_id: int, staff: CurrentStaff, db: DbSession, runtime: Runtime,
                        now: Now, error: str | None = None) -> Response:
    district = await finance_district(db, staff)
    application = await _claim(db, district, application_id)
    audit.record(db, school_id=application.school_id, actor=staff.member.actor, action="application_viewed",
                 subject=audit.application_subject(application.id), at=now, detail={"role": staff.member.role})
    await db.commit()
    origin = await db.get(School, application.school_id)
    config = parse_school_config(origin.settings) if origin else None
    flow = ALL_FLOWS.get(application.service)
    return page(request, "welfare_claim.html", staff, district=district, application=application,
                document_steps=[step for step in flow.steps if step.is_document] if flow else [],
                due_at=application.due_at, overdue=overdue(application, now),
                rows=presentation.answer_rows(application, flow), title=title_of, kind_th=kind_th,
                claimed=claimed(application), baht=welfare.baht,
                approved=welfare.decision(application, welfare.APPROVED),
                paid=welfare.decision(application, welfare.PAID),
                actions=workflow.allowed_actions(application, staff.member, config) if config else [],
                forwards=application.service == welfare.PENSION,
                status_th=workflow.status_words(application)[0],
                error=await flash.recall(runtime.state, staff_id=staff.member.id, code=error))


@router.get("/welfare/{application_id}/files/{file_id}", name="staff_welfare_file")
async def welfare_file(application_id: int, file_id: str, staff: CurrentStaff, db: DbSession, runtime: Runtime,
                       now: Now) -> Response:
    district = await finance_district(db, staff)
    application = await _claim(db, district, application_id)
    # What the claim was filed with and what the claimant sent when more was asked for.
    if file_id not in presentation.application_file_ids(application, ALL_FLOWS.get(application.service)):
        raise HTTPException(404)
    try:
        data, content_type = await runtime.files.read(db, file_id, school_id=application.school_id)
    except (StoredFileNotFound, FileIntegrityError):
        raise HTTPException(404) from None
    audit.record(db, school_id=application.school_id, actor=staff.member.actor, action="document_viewed",
                 subject=audit.file_subject(file_id), at=now, detail={"application_id": application.id})
    await db.commit()
    return Response(data, media_type=content_type, headers=FILE_HEADERS)


@router.post("/welfare/{application_id}/{action}", name="staff_welfare_act")
async def welfare_act(request: Request, application_id: int, action: str, staff: CurrentStaff, form: CheckedForm,
                      db: DbSession, runtime: Runtime, now: Now) -> Response:
    if action not in (workflow.Action.APPROVE_PAYMENT, workflow.Action.RECORD_PAYMENT, workflow.Action.REJECT,
                      workflow.Action.REQUEST_DOCUMENTS):
        raise HTTPException(404)
    district = await finance_district(db, staff)
    application = await _claim(db, district, application_id)
    member_id = staff.member.id
    back = f"{BACK}/{application.id}"
    amount = None
    documents = None
    if action == workflow.Action.REQUEST_DOCUMENTS:
        # The school's own form (web/staff/routes/applications.py): the flow's documents or another.
        try:
            documents = action_options(action, form, ALL_FLOWS.get(application.service))["documents"]
        except FormProblem as problem:
            return await flash.refused(runtime.state, staff_id=member_id, url=back, text=problem.message_th)
    elif action != workflow.Action.REJECT and not workflow.amount_optional(application, action):
        amount = welfare.parse_baht(str(form.get("amount") or ""))
        approved = welfare.decision(application, welfare.APPROVED)
        limit = int(approved["amount"]) if approved and approved.get("amount") else claimed(application)
        if amount is None:
            return await flash.refused(runtime.state, staff_id=member_id, url=back,
                                       text="กรุณาระบุจำนวนเงินเป็นตัวเลขค่ะ")
        if application.service == welfare.WELFARE_CLAIM and limit and amount > limit:
            return await flash.refused(runtime.state, staff_id=member_id, url=back,
                                       text=f"จำนวนเงินต้องไม่เกิน {limit:,} บาท (ยอดที่ขอเบิกหรือที่อนุมัติ) ค่ะ")
    origin = await db.get(School, application.school_id)
    try:
        await workflow.perform(db, application, action, staff=staff.member, now=now,
                               config=parse_school_config(origin.settings if origin else {}),
                               reason=str(form.get("reason") or ""), amount=amount, documents=documents)
    except workflow.WorkflowError as refused:
        await db.rollback()
        return await flash.refused(runtime.state, staff_id=member_id, url=back, text=refused.message_th)
    await db.commit()
    return RedirectResponse(BACK, status_code=303)

"""The district pages: the figures of every school of the signed-in district officer's district,
the district's own requests for children without a school place with the school to assign, and
its permits (home schooling and its yearly report, learning centres): each request's answers and
files, the review, the committee's decision and the permit the district office signs.

A district officer (role ``district``) is enrolled through one of the district's schools; the
district is that school's (``schools.district_id``). Of the schools' work they see counts only
(requests, overdue, average days to a decision), never a child's data, and only of their own
district's schools: any other school's page is absent (404). The district's own requests show the
child's name and grade, which assigning a school needs; every view of them is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.applications import workflow
from backend.applications.access import district_services
from backend.applications.models import Application, ApplicationStatus
from backend.documents import issuing
from backend.documents.from_applications import staff_fields
from backend.files.service import StoredFileNotFound
from backend.organisations import DistrictOffice
from backend.referrals import ReferralRefused, assign_school
from backend.school_config import SchoolConfigError, parse_school_config
from backend.schools import School
from backend.staff import Role
from backend.thai.grades import Grade
from flows.services import ALL_FLOWS, service_spec, title_of
from flows.services.home_school import is_yearly_report
from web.runtime import DbSession, Now, Runtime
from web.staff import flash, issued_documents, presentation, queries
from web.staff.dependencies import STAFF_PREFIX, CheckedForm, CurrentStaff, SignedInStaff
from web.staff.pages import page
from web.staff.routes.applications import FormProblem, action_options
from web.staff.routes.documents import FILE_HEADERS

router = APIRouter()


@dataclass(frozen=True)
class SchoolFigures:
    school: School
    type_th: str
    figures: queries.Dashboard


async def officers_district(db: AsyncSession, staff: SignedInStaff) -> DistrictOffice:
    """The district of a district officer; 403 for anyone else (a school's own staff)."""
    if staff.member.role != Role.DISTRICT:
        raise HTTPException(403, "หน้านี้สำหรับเจ้าหน้าที่สำนักงานเขตพื้นที่การศึกษาค่ะ")
    home = await db.get(School, staff.member.school_id)
    district = await db.get(DistrictOffice, home.district_id) if home and home.district_id else None
    if district is None:
        raise HTTPException(403, "โรงเรียนที่ลงทะเบียนไว้ยังไม่ได้สังกัดสำนักงานเขตพื้นที่การศึกษาค่ะ")
    return district


def _grade_th(value: object) -> str:
    try:
        return Grade(str(value)).label_th
    except ValueError:
        return "–"


def _type_th(school: School) -> str:
    try:
        return parse_school_config(school.settings).school_type.label_th
    except SchoolConfigError:
        return "–"


async def district_schools(db: AsyncSession, district: DistrictOffice) -> list[School]:
    return list(await db.scalars(sa.select(School).where(School.district_id == district.id).order_by(School.name)))


def assigning_services() -> list[str]:
    """The district's services decided by assigning a school (a child without a place)."""
    return [service for service in district_services() if workflow.assigns_school(service)]


def permit_services() -> list[str]:
    """The district's services decided by review and sign-off (home schooling, learning centres)."""
    return [service for service in district_services() if not workflow.assigns_school(service)]


async def waiting_requests(db: AsyncSession, schools: list[School]) -> list[Application]:
    """The district's requests filed through its schools' chats that wait for a school."""
    return list(await db.scalars(
        sa.select(Application).where(Application.school_id.in_([school.id for school in schools]),
                                     Application.service.in_(assigning_services()),
                                     Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Application.submitted_at)))


OPEN_PERMIT_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.DOCUMENTS_REQUESTED,
                        ApplicationStatus.UNDER_REVIEW, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)


async def permit_requests(db: AsyncSession, schools: list[School]) -> list[Application]:
    """The district's permit requests still open (not closed or cancelled), oldest first."""
    return list(await db.scalars(
        sa.select(Application).where(Application.school_id.in_([school.id for school in schools]),
                                     Application.service.in_(permit_services()),
                                     Application.status.in_(OPEN_PERMIT_STATUSES))
        .order_by(Application.submitted_at)))


def admitting(schools: list[School]) -> list[School]:
    """The schools a child can be assigned to: those that take admissions through the system."""
    found = []
    for school in schools:
        try:
            if "admission" in parse_school_config(school.settings).enabled_services():
                found.append(school)
        except SchoolConfigError:
            continue
    return found


@router.get("/district", name="staff_district")
async def district_dashboard(request: Request, staff: CurrentStaff, db: DbSession, runtime: Runtime,
                             now: Now, error: str | None = None) -> Response:
    district = await officers_district(db, staff)
    schools = await district_schools(db, district)
    rows = [SchoolFigures(school, _type_th(school), await queries.dashboard(db, school_id=school.id, now=now))
            for school in schools]
    waiting = await waiting_requests(db, schools)
    permits = await permit_requests(db, schools)
    claims = await queries.civil_servant_claims(db, school_ids=[school.id for school in schools], now=now)
    if waiting or permits:
        audit.record(db, school_id=staff.member.school_id, actor=staff.member.actor, action="district_requests_viewed",
                     subject=f"district:{district.id}", at=now,
                     detail={"applications": [application.id for application in [*waiting, *permits]]})
        await db.commit()
    names = {school.id: school.name for school in schools}
    return page(request, "district.html", staff, district=district, rows=rows, waiting=waiting, names=names,
                permits=permits, status_th=lambda application: workflow.status_words(application)[0],
                claims=claims,
                targets=admitting(schools), title=title_of, grade_th=_grade_th,
                error=await flash.recall(runtime.state, staff_id=staff.member.id, code=error))


@router.post("/district/requests/{application_id}/assign", name="staff_district_assign")
async def assign(request: Request, application_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession,
                 runtime: Runtime, now: Now) -> Response:
    district = await officers_district(db, staff)
    back = f"{STAFF_PREFIX}/district"
    member_id = staff.member.id  # read now: a rollback below expires the row
    application = await db.get(Application, application_id)
    origin = await db.get(School, application.school_id) if application is not None else None
    if application is None or origin is None or origin.district_id != district.id \
            or application.service not in assigning_services():
        raise HTTPException(404)
    chosen = str(form.get("school_id") or "")
    school = await db.get(School, int(chosen)) if chosen.isdigit() else None
    if school is None:
        return await flash.refused(runtime.state, staff_id=member_id, url=back,
                                   text="กรุณาเลือกโรงเรียนที่จะจัดให้นักเรียนเข้าเรียนค่ะ")
    flow = service_spec(application.service).flow_for(parse_school_config(origin.settings))
    try:
        await assign_school(db, application, school=school, officer=staff.member, files=runtime.files,
                            documents=[step.id for step in flow.steps if step.is_document],
                            admission_version=ALL_FLOWS["admission"].version, now=now)
    except ReferralRefused as refused:
        await db.rollback()
        return await flash.refused(runtime.state, staff_id=member_id, url=back, text=refused.message_th)
    await db.commit()
    return RedirectResponse(back, status_code=303)


@router.get("/district/schools/{school_id}", name="staff_district_school")
async def district_school(request: Request, school_id: int, staff: CurrentStaff, db: DbSession,
                          now: Now) -> Response:
    district = await officers_district(db, staff)
    school = await db.get(School, school_id)
    if school is None or school.district_id != district.id:
        raise HTTPException(404)  # another district's school and a guessed number look the same
    figures = await queries.dashboard(db, school_id=school.id, now=now)
    return page(request, "district_school.html", staff, district=district, school=school,
                type_th=_type_th(school), figures=figures, title=title_of)


# -- the district's permits: review, the committee's decision, the signed permit ------------------


async def _permit_request(db: AsyncSession, staff: SignedInStaff, application_id: int
                          ) -> tuple[DistrictOffice, Application, School]:
    """A permit request filed through a school of the officer's district; 404 for anything else."""
    district = await officers_district(db, staff)
    application = await db.get(Application, application_id)
    origin = await db.get(School, application.school_id) if application is not None else None
    if application is None or origin is None or origin.district_id != district.id \
            or application.service not in permit_services() \
            or application.status in (ApplicationStatus.DRAFT, ApplicationStatus.CANCELLED):
        raise HTTPException(404)  # another district's request and a guessed number look the same
    return district, application, origin


# What the decision buttons read on a district's request (the committee decides a permit; a
# yearly report is acknowledged).
DISTRICT_ACTION_TH = {
    "accept_complete": "รับเรื่อง เอกสารครบ เสนอคณะกรรมการ",
    "request_documents": "ขอเอกสารเพิ่ม",
    "sign_off": "บันทึกมติ: อนุญาต",
    "reject": "ไม่อนุญาต",
    "issue_document": "ออกหนังสืออนุญาต (ลงนามดิจิทัล)",
    "close": "ปิดเรื่อง",
}
REPORT_SIGN_OFF_TH = "รับทราบรายงาน"


@router.get("/district/requests/{application_id}", name="staff_district_request")
async def district_request(request: Request, application_id: int, staff: CurrentStaff, db: DbSession,
                           runtime: Runtime, now: Now, error: str | None = None) -> Response:
    district, application, origin = await _permit_request(db, staff, application_id)
    member = staff.member
    audit.record(db, school_id=application.school_id, actor=member.actor, action=queries.VIEWED,
                 subject=audit.application_subject(application.id), at=now, detail={"role": member.role})
    await db.commit()
    config = parse_school_config(origin.settings)
    flow = service_spec(application.service).flow_for(config)
    actions = workflow.allowed_actions(application, member, config)
    issued = await issuing.application_documents(db, application.id)
    outcome_type = issuing.service_document_type(application.service)
    if outcome_type is None or any(d.status == "valid" and d.doc_type == outcome_type for d in issued):
        actions = [action for action in actions if action != "issue_document"]
    labels = dict(DISTRICT_ACTION_TH)
    if outcome_type is None or is_yearly_report(application.answers or {}):
        # A home-schooling family's yearly report is acknowledged, never answered with a permit.
        actions = [action for action in actions if action != "issue_document"]
        labels["sign_off"] = REPORT_SIGN_OFF_TH
    return page(request, "district_request.html", staff, district=district, application=application,
                origin=origin, title=title_of,
                rows=presentation.answer_rows(application, flow, full_ids=True),
                document_steps=[step for step in flow.steps if step.is_document],
                actions=actions, labels=labels, issued=issued, issue_fields=staff_fields(application.service),
                verify_url=runtime.documents.verify_url, status_th=workflow.status_words(application)[0],
                error=await flash.recall(runtime.state, staff_id=member.id, code=error))


@router.get("/district/requests/{application_id}/files/{file_id}", name="staff_district_file")
async def district_file(application_id: int, file_id: str, staff: CurrentStaff, db: DbSession,
                        runtime: Runtime, now: Now) -> Response:
    """A file the applicant sent with a district's request: only that request's files."""
    _, application, origin = await _permit_request(db, staff, application_id)
    flow = service_spec(application.service).flow_for(parse_school_config(origin.settings))
    if file_id not in presentation.application_file_ids(application, flow):
        raise HTTPException(404)
    try:
        data, content_type = await runtime.files.read(db, file_id, school_id=application.school_id)
    except StoredFileNotFound:
        raise HTTPException(404, "ไฟล์นี้ถูกลบแล้วค่ะ") from None
    audit.record(db, school_id=application.school_id, actor=staff.member.actor, action="document_viewed",
                 subject=audit.file_subject(file_id), at=now, detail={"application_id": application.id})
    await db.commit()
    return Response(data, media_type=content_type, headers={
        **FILE_HEADERS,
        # A PDF is shown by the browser's viewer; it must not run scripts as our origin.
        "content-security-policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    })


@router.post("/district/requests/{application_id}/actions/{action}", name="staff_district_act")
async def district_act(request: Request, application_id: int, action: str, staff: CurrentStaff,
                       form: CheckedForm, db: DbSession, runtime: Runtime, now: Now) -> Response:
    _, application, origin = await _permit_request(db, staff, application_id)
    member = staff.member
    member_id = member.id  # read now: a rollback below expires the row
    back = f"{STAFF_PREFIX}/district/requests/{application.id}"
    config = parse_school_config(origin.settings)
    flow = service_spec(application.service).flow_for(config)
    try:
        if action == workflow.Action.ISSUE_DOCUMENT:
            await issuing.issue_for_application(
                db, application, staff=member, issuer=runtime.documents, school=origin, config=config,
                now=now, staff_input=issued_documents.form_input(form, application.service))
        else:
            await workflow.perform(db, application, action, staff=member, now=now, config=config,
                                   **action_options(action, form, flow))
    except FormProblem as problem:
        await db.rollback()
        return await flash.refused(runtime.state, staff_id=member_id, url=back, text=problem.message_th)
    except (issuing.IssuingRefused, workflow.WorkflowError) as refused:
        await db.rollback()
        return await flash.refused(runtime.state, staff_id=member_id, url=back, text=refused.message_th)
    await db.commit()
    return RedirectResponse(back, status_code=303)

"""The district pages: the figures of every school of the signed-in district officer's district,
and the district's own requests (children without a school place) with the school to assign.

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
from backend.applications.access import district_services
from backend.applications.models import Application, ApplicationStatus
from backend.organisations import DistrictOffice
from backend.referrals import ReferralRefused, assign_school
from backend.school_config import SchoolConfigError, parse_school_config
from backend.schools import School
from backend.staff import Role
from backend.thai.grades import Grade
from flows.services import ALL_FLOWS, service_spec, title_of
from web.runtime import DbSession, Now, Runtime
from web.staff import flash, queries
from web.staff.dependencies import STAFF_PREFIX, CheckedForm, CurrentStaff, SignedInStaff
from web.staff.pages import page

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


async def waiting_requests(db: AsyncSession, schools: list[School]) -> list[Application]:
    """The district's requests filed through its schools' chats that wait for a school."""
    return list(await db.scalars(
        sa.select(Application).where(Application.school_id.in_([school.id for school in schools]),
                                     Application.service.in_(district_services()),
                                     Application.status == ApplicationStatus.SUBMITTED)
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
    claims = await queries.civil_servant_claims(db, school_ids=[school.id for school in schools], now=now)
    if waiting:
        audit.record(db, school_id=staff.member.school_id, actor=staff.member.actor, action="district_requests_viewed",
                     subject=f"district:{district.id}", at=now,
                     detail={"applications": [application.id for application in waiting]})
        await db.commit()
    names = {school.id: school.name for school in schools}
    return page(request, "district.html", staff, district=district, rows=rows, waiting=waiting, names=names,
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
            or application.service not in district_services():
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

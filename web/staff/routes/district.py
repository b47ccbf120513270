"""The district dashboard: the figures of every school of the signed-in district officer's district.

A district officer (role ``district``) is enrolled through one of the district's schools; the
district is that school's (``schools.district_id``). They see counts only (requests, overdue,
average days to a decision), never a child's data, and only of their own district's schools: any
other school's page is absent (404), as another school's request is for school staff.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from backend.organisations import DistrictOffice
from backend.school_config import SchoolConfigError, parse_school_config
from backend.schools import School
from backend.staff import Role
from flows.services import title_of
from web.runtime import DbSession, Now
from web.staff import queries
from web.staff.dependencies import CurrentStaff, SignedInStaff
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


def _type_th(school: School) -> str:
    try:
        return parse_school_config(school.settings).school_type.label_th
    except SchoolConfigError:
        return "–"


async def district_schools(db: AsyncSession, district: DistrictOffice) -> list[School]:
    return list(await db.scalars(sa.select(School).where(School.district_id == district.id).order_by(School.name)))


@router.get("/district", name="staff_district")
async def district_dashboard(request: Request, staff: CurrentStaff, db: DbSession, now: Now) -> Response:
    district = await officers_district(db, staff)
    rows = [SchoolFigures(school, _type_th(school), await queries.dashboard(db, school_id=school.id, now=now))
            for school in await district_schools(db, district)]
    return page(request, "district.html", staff, district=district, rows=rows, title=lambda service: service)


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

"""A request moving between organisations: a district office assigns a child without a school
place to a school of the district, which receives it as an admission.

The district's request (the no_school_place service, filed through a school's chat) is decided by
the district's staff choosing a school of the same district that admits children; that school
gets an admission request with the answers and the documents the parent already gave (copied
under the receiving school's own key: files are sealed per school), marked ``referred_from``, so
the parent is asked nothing again and the school may not refuse it (backend/applications/
workflow.py's guard; docs/rules.md, "Children without a school place"). The district's request
is approved by the assignment, which tells the parent which school it is.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications import workflow
from backend.applications.models import Application, ApplicationStatus
from backend.applications.service import new_public_number, submit_application
from backend.organisations import DistrictOffice
from backend.school_config import parse_school_config
from backend.schools import School
from backend.staff import Role, StaffMember

ADMISSION = "admission"
ADMISSION_PREFIX = "AD"


class ReferralRefused(ValueError):
    """The assignment cannot be made; ``message_th`` says why to the district's staff."""

    def __init__(self, message_th: str) -> None:
        super().__init__(message_th)
        self.message_th = message_th


class Files(Protocol):
    async def read(self, session: AsyncSession, file_id: str, *, school_id: int) -> tuple[bytes, str]: ...

    async def store(self, session: AsyncSession, *, school_id: int, owner_ref: str, source_ref: str,
                    data: bytes) -> Any: ...


async def officers_district(session: AsyncSession, officer: StaffMember) -> DistrictOffice | None:
    """The district a district officer works for: that of the school they enrolled through."""
    if officer.role != Role.DISTRICT:
        return None
    home = await session.get(School, officer.school_id)
    return await session.get(DistrictOffice, home.district_id) if home and home.district_id else None


async def assign_school(session: AsyncSession, request: Application, *, school: School, officer: StaffMember,
                        files: Files, documents: Sequence[str], admission_version: int,
                        now: dt.datetime) -> Application:
    """File the child's request at ``school`` as an admission and approve the district's request;
    returns the new admission. ``documents``: the answers that hold files. Flushes only."""
    district = await officers_district(session, officer)
    origin = await session.get(School, request.school_id)
    if district is None or origin is None or origin.district_id != district.id:
        raise ReferralRefused("คำขอนี้ไม่ได้อยู่ในเขตพื้นที่ของท่านค่ะ")
    if school.district_id != district.id:
        raise ReferralRefused("โรงเรียนที่เลือกไม่ได้อยู่ในเขตพื้นที่ของท่านค่ะ")
    if ADMISSION not in parse_school_config(school.settings).enabled_services():
        raise ReferralRefused(f"{school.name}ไม่ได้เปิดรับสมัครนักเรียนผ่านระบบค่ะ")
    if request.status != ApplicationStatus.SUBMITTED:
        raise ReferralRefused("คำขอนี้จัดสรรที่เรียนไปแล้วค่ะ")
    answers = dict(request.answers or {})
    for step in documents:
        copied = []
        for file_id in answers.get(step) or []:
            data, _ = await files.read(session, file_id, school_id=origin.id)
            stored = await files.store(session, school_id=school.id, owner_ref=request.parent_ref,
                                       source_ref=f"referral:{request.public_number}:{file_id}", data=data)
            copied.append(stored.id)
        if step in answers:
            answers[step] = copied
    answers["referred_from"] = request.public_number
    answers["referred_by"] = district.short_name
    admission = Application(
        public_number=new_public_number(ADMISSION_PREFIX), school_id=school.id, parent_ref=request.parent_ref,
        service=ADMISSION, current_step="_summary", flow_version=admission_version,
        session_nonce=secrets.token_hex(4), created_at=now, updated_at=now, last_activity_at=now,
        answers=answers, missing_documents=list(request.missing_documents or []))
    session.add(admission)
    await session.flush()
    await submit_application(session, admission, now=now)
    await workflow.perform(
        session, request, workflow.Action.ASSIGN_SCHOOL, staff=officer, now=now,
        config=parse_school_config(origin.settings),
        reason=(f"{district.short_name}จัดให้นักเรียนเข้าเรียนที่{school.name}แล้วค่ะ "
                f"(คำขอสมัครเรียนเลขที่ {admission.public_number}) โรงเรียนจะติดต่อเรื่องการมอบตัวทาง LINE นี้ค่ะ"))
    return admission

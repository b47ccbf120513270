"""OBEC's own page: the sessions of the Thai competency test, their seats, and opening a new one.

Only OBEC's officers (role ``obec``) reach it; anyone else is refused (403). The sessions are
OBEC's, not a school's (backend/thai_test.py); the registrations themselves are requests in the
officer's inbox like every other of OBEC's.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from backend import audit, thai_test
from backend.staff import Role
from web.runtime import DbSession, Now, Runtime
from web.staff import flash
from web.staff.dependencies import STAFF_PREFIX, CheckedForm, CurrentStaff, SignedInStaff
from web.staff.pages import page

router = APIRouter()
BACK = f"{STAFF_PREFIX}/obec/thai-test"


def _officer(staff: SignedInStaff) -> None:
    if staff.member.role != Role.OBEC:
        raise HTTPException(403, "หน้านี้สำหรับเจ้าหน้าที่ของสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐานค่ะ")


@router.get("/obec/thai-test", name="staff_obec_thai_test")
async def sessions_page(request: Request, staff: CurrentStaff, db: DbSession, runtime: Runtime, now: Now,
                        error: str | None = None) -> Response:
    _officer(staff)
    found = await thai_test.open_sessions(db, today=now.date())
    return page(request, "obec_thai_test.html", staff, sessions=found,
                error=await flash.recall(runtime.state, staff_id=staff.member.id, code=error))


@router.post("/obec/thai-test/sessions", name="staff_obec_thai_test_add")
async def add_session(request: Request, staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime,
                      now: Now) -> Response:
    _officer(staff)
    member_id = staff.member.id
    try:
        held_on = dt.date.fromisoformat(str(form.get("held_on") or ""))
        closes = dt.date.fromisoformat(str(form.get("closes") or ""))
        seats = int(str(form.get("seats") or "0"))
        place = " ".join(str(form.get("place") or "").split())
        if not place:
            raise ValueError("no place")
        added = await thai_test.add_session(db, held_on=held_on, place=place, seats=seats,
                                            registration_closes=closes, now=now)
    except ValueError:
        return await flash.refused(runtime.state, staff_id=member_id, url=BACK,
                                   text="กรุณากรอกวันสอบ สถานที่ จำนวนที่นั่ง (อย่างน้อย 1) "
                                        "และวันปิดรับสมัครที่ไม่เกินวันสอบค่ะ")
    audit.record(db, school_id=staff.member.school_id, actor=staff.member.actor, action="thai_test_session_added",
                 subject=f"thai_test_session:{added.id}", at=now, detail={"seats": added.seats})
    await db.commit()
    return RedirectResponse(BACK, status_code=303)

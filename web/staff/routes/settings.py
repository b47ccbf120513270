"""A staff member's own settings (notifications, the name and position printed under a signature)
and, for the director, who may sign in the director's place."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from backend import audit
from backend.documents import authority
from backend.documents.models import AuthorityKind, SigningAuthority
from backend.staff import Role, StaffMember, staff_of_school
from web.runtime import DbSession, Now, Runtime
from web.staff import flash
from web.staff.dependencies import STAFF_PREFIX, CheckedForm, CurrentStaff, SchoolOfStaff
from web.staff.pages import page

router = APIRouter()
SETTINGS = f"{STAFF_PREFIX}/settings"


def _saved() -> RedirectResponse:
    return RedirectResponse(f"{SETTINGS}?saved=1", status_code=303)


@router.get("/settings", name="staff_settings")
async def settings_page(request: Request, staff: CurrentStaff, school: SchoolOfStaff, db: DbSession,
                        runtime: Runtime, saved: str | None = None, error: str | None = None) -> Response:
    director = staff.member.role == Role.DIRECTOR
    members = await staff_of_school(db, staff.member.school_id) if director else []
    return page(request, "settings.html", staff, school=school.school, saved=bool(saved),
                error=await flash.recall(runtime.state, staff_id=staff.member.id, code=error),
                is_director=director, members=[m for m in members if m.id != staff.member.id],
                names={m.id: m.full_name or m.display_name for m in members},
                authorities=await authority.authorities_of(db, staff.member.school_id) if director else [],
                KIND_TH=authority.KIND_TH, kinds=list(AuthorityKind))


@router.post("/settings")
async def save_settings(staff: CurrentStaff, form: CheckedForm, db: DbSession, now: Now) -> Response:
    member = staff.member
    wanted = form.get("notify_new_submissions") == "on"
    if member.notify_new_submissions != wanted:
        member.notify_new_submissions = wanted
        audit.record(db, school_id=member.school_id, actor=member.actor, action="staff_notifications_changed",
                     subject=f"staff:{member.id}", at=now, detail={"notify_new_submissions": wanted})
        await db.commit()
    return _saved()


@router.post("/settings/signature")
async def save_signature(staff: CurrentStaff, form: CheckedForm, db: DbSession, runtime: Runtime,
                         now: Now) -> Response:
    """The member's own printed name and position: what prints under a document they sign."""
    member = staff.member
    name = " ".join(str(form.get("full_name") or "").split())[:120]
    position = " ".join(str(form.get("position") or "").split())[:160]
    if not name or not position:
        return await flash.refused(runtime.state, staff_id=staff.member.id, url=SETTINGS,
                                   text="กรุณากรอกทั้งชื่อ-นามสกุลพร้อมคำนำหน้า และตำแหน่งค่ะ")
    member.full_name, member.position = name, position
    audit.record(db, school_id=member.school_id, actor=member.actor, action="staff_signature_changed",
                 subject=f"staff:{member.id}", at=now, detail={})
    await db.commit()
    return _saved()


def _date(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text or ""))
    except ValueError:
        return None


@router.post("/settings/authorities")
async def grant_authority(staff: CurrentStaff, form: CheckedForm, school: SchoolOfStaff, db: DbSession,
                          runtime: Runtime, now: Now) -> Response:
    chosen = str(form.get("staff_id") or "")
    member = await db.get(StaffMember, int(chosen)) if chosen.isdigit() else None
    start = _date(form.get("valid_from"))
    if member is None or start is None or str(form.get("kind")) not in set(AuthorityKind):
        return await flash.refused(runtime.state, staff_id=staff.member.id, url=SETTINGS,
                                   text="กรุณาเลือกบุคลากร ประเภทการลงนามแทน และวันเริ่มต้นค่ะ")
    try:
        await authority.grant(db, school=school.school, director=staff.member, member=member,
                              kind=str(form.get("kind")), order_reference=str(form.get("order_reference") or ""),
                              valid_from=start, valid_until=_date(form.get("valid_until")), now=now)
    except authority.NotAuthorised as refused:
        return await flash.refused(runtime.state, staff_id=staff.member.id, url=SETTINGS, text=refused.message_th)
    await db.commit()
    return _saved()


@router.post("/settings/authorities/{authority_id}/revoke")
async def revoke_authority(authority_id: int, staff: CurrentStaff, form: CheckedForm, db: DbSession,
                           runtime: Runtime, now: Now) -> Response:
    granted = await db.get(SigningAuthority, authority_id)
    if granted is None or granted.school_id != staff.member.school_id:
        return await flash.refused(runtime.state, staff_id=staff.member.id, url=SETTINGS, text="ไม่พบการมอบอำนาจนี้ค่ะ")
    try:
        await authority.revoke(db, authority=granted, director=staff.member, now=now)
    except authority.NotAuthorised as refused:
        return await flash.refused(runtime.state, staff_id=staff.member.id, url=SETTINGS, text=refused.message_th)
    await db.commit()
    return _saved()

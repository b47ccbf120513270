"""A staff member's own notification settings."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from backend import audit
from web.runtime import DbSession, Now
from web.staff.dependencies import STAFF_PREFIX, CheckedForm, CurrentStaff, SchoolOfStaff
from web.staff.pages import page

router = APIRouter()


@router.get("/settings", name="staff_settings")
async def settings_page(request: Request, staff: CurrentStaff, school: SchoolOfStaff,
                        saved: str | None = None) -> Response:
    return page(request, "settings.html", staff, school=school.school, saved=bool(saved))


@router.post("/settings")
async def save_settings(staff: CurrentStaff, form: CheckedForm, db: DbSession, now: Now) -> Response:
    member = staff.member
    wanted = form.get("notify_new_submissions") == "on"
    if member.notify_new_submissions != wanted:
        member.notify_new_submissions = wanted
        audit.record(db, school_id=member.school_id, actor=member.actor, action="staff_notifications_changed",
                     subject=f"staff:{member.id}", at=now, detail={"notify_new_submissions": wanted})
        await db.commit()
    return RedirectResponse(f"{STAFF_PREFIX}/settings?saved=1", status_code=303)

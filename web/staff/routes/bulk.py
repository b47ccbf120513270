"""Busy days: one action on many requests at once, where the rules allow it for each, and a print
view of several requests for the paper file.

Each request goes through workflow.perform exactly as from its own page: a request whose status
or holder does not allow the action is skipped and counted, never forced.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from backend import audit
from backend.applications import access, assignment, workflow
from web.runtime import DbSession, Now, Runtime
from web.staff import flash, presentation, queries
from web.staff.dependencies import STAFF_PREFIX, CheckedForm, CurrentStaff, SchoolOfStaff
from web.staff.pages import page
from web.staff.routes.applications import FormProblem, action_options

router = APIRouter()

# The actions a list may do at once: no decision (sign-off, rejection) is taken in bulk.
BULK_ACTIONS = ("accept_complete", "set_appointment")
MAX_BULK = 100


def _ids(values: list[str]) -> list[int]:
    return list(dict.fromkeys(int(v) for v in values if v.isdigit()))[:MAX_BULK]


@router.post("/bulk")
async def bulk_action(request: Request, staff: CurrentStaff, form: CheckedForm, school: SchoolOfStaff,
                      db: DbSession, runtime: Runtime, now: Now) -> Response:
    member = staff.member
    back = f"{STAFF_PREFIX}/"
    action = str(form.get("action") or "")
    ids = _ids([str(v) for v in form.getlist("ids")])
    if action not in BULK_ACTIONS:
        return await flash.refused(runtime.state, staff_id=member.id, url=back, text="ทำรายการนี้พร้อมกันหลายเรื่องไม่ได้ค่ะ")
    if not ids:
        return await flash.refused(runtime.state, staff_id=member.id, url=back,
                                   text="กรุณาเลือกคำขออย่างน้อย 1 เรื่องก่อนค่ะ")
    try:
        options = action_options(action, form, None)
    except FormProblem as problem:
        return await flash.refused(runtime.state, staff_id=member.id, url=back, text=problem.message_th)
    done, skipped = 0, 0
    for application_id in ids:
        application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
        if application is None:
            skipped += 1
            continue
        try:
            await workflow.perform(db, application, action, staff=member, now=now, config=school.config, **options)
        except workflow.WorkflowError as error:
            if isinstance(error, workflow.ActionInputInvalid):  # the same input is wrong for every one
                await db.rollback()
                return await flash.refused(runtime.state, staff_id=member.id, url=back, text=error.message_th)
            skipped += 1
            continue
        done += 1
    await db.commit()
    text = f"บันทึก “{presentation.ACTION_TH[action]}” แล้ว {done} เรื่อง ผู้ปกครองจะได้รับแจ้งทาง LINE ค่ะ"
    if skipped:
        text += f" ข้าม {skipped} เรื่องที่สถานะหรือหน้าที่ไม่ตรงกับรายการนี้"
    return await flash.back(runtime.state, staff_id=member.id, url=back, done=text)


@router.get("/print", name="staff_print")
async def print_view(request: Request, staff: CurrentStaff, school: SchoolOfStaff, db: DbSession, now: Now,
                     ids: list[str] = Query(default=[])) -> Response:  # noqa: B008 - FastAPI's way to read a list
    """The chosen requests, one per printed page, for the paper file."""
    member = staff.member
    items = []
    for application_id in _ids(ids):
        application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
        if application is None:
            continue
        flow = school.flows.get(application.service)
        items.append({"application": application,
                      "rows": presentation.answer_rows(application, flow, full_ids=access.sees_national_ids(member)),
                      "next_step": assignment.next_step(application, school.config),
                      "history": await queries.history(db, application)})
        audit.record(db, school_id=member.school_id, actor=member.actor, action=queries.VIEWED,
                     subject=audit.application_subject(application.id), at=now,
                     detail={"role": member.role, "print": True})
    await db.commit()
    return page(request, "print.html", staff, school=school.school, items=items, title=school.title, now=now)



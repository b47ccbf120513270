"""The inbox of requests, one request's page, and the actions staff take on it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from backend import audit, contacts
from backend.applications import access, assignment, workflow
from backend.documents import authority, issuing
from backend.documents.from_applications import staff_fields
from backend.schools import School
from backend.staff import StaffMember
from flows.flow import Flow
from web.runtime import DbSession, Now, Runtime
from web.staff import flash, issued_documents, presentation, queries
from web.staff.auth import DOCUMENT_LINK_LIFETIME
from web.staff.dependencies import (
    STAFF_PREFIX,
    CheckedForm,
    CurrentStaff,
    SchoolOfStaff,
    StaffTokens,
)
from web.staff.pages import not_found, page

router = APIRouter()


@router.get("/", name="staff_inbox")
async def inbox_page(request: Request, staff: CurrentStaff, school: SchoolOfStaff, db: DbSession, now: Now,
                     runtime: Runtime,
                     service: str | None = None, status: str | None = None, q: str | None = None,
                     assigned: str | None = None, overdue: str | None = None,
                     done: str | None = None, error: str | None = None) -> Response:
    member = staff.member
    if member.role == "district_finance":
        # The district's finance staff work on its civil servants' claims (web/staff/routes/welfare.py).
        return RedirectResponse(f"{STAFF_PREFIX}/welfare", status_code=303)
    if not access.sees_requests(member):
        # Finance staff work on fees, not on requests (backend/applications/access.py).
        return RedirectResponse(f"{STAFF_PREFIX}/fees", status_code=303)
    found = await queries.inbox(db, member=member, config=school.config, now=now,
                                service=service or None, status=status or None, search=q,
                                assigned=assigned if assigned in ("me", "none") else None,
                                overdue_only=overdue == "1")
    # The list shows children's names: who looked, when and how much is kept (not the search).
    audit.record(db, school_id=member.school_id, actor=member.actor, action="inbox_viewed",
                 subject=f"school:{member.school_id}", at=now,
                 detail={"rows": len(found.applications), "searched": bool((q or "").strip())})
    await db.commit()
    return page(request, "inbox.html", staff, school=school.school, inbox=found,
                flows=school.flows, service=service or "", status=status or "", q=q or "",
                assigned=assigned if assigned in ("me", "none") else "", overdue_only=overdue == "1",
                next_step=lambda a: assignment.next_step(a, school.config),
                statuses=presentation.STATUS_ORDER, now=now,
                is_overdue=presentation.is_overdue, title=school.title,
                min_search=queries.MIN_SEARCH, bulk_actions=("accept_complete", "set_appointment"),
                # Only messages this server kept for this member, by code (web/staff/flash.py).
                done=await flash.recall(runtime.state, staff_id=member.id, code=done),
                error=await flash.recall(runtime.state, staff_id=member.id, code=error))


@router.get("/applications/{application_id}", name="staff_application")
async def detail_page(request: Request, application_id: int, staff: CurrentStaff, school: SchoolOfStaff,
                      db: DbSession, runtime: Runtime, now: Now, tokens: StaffTokens,
                      done: str | None = None, error: str | None = None) -> Response:
    member = staff.member
    application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
    if application is None:
        return not_found(request, staff)
    audit.record(db, school_id=member.school_id, actor=member.actor, action=queries.VIEWED,
                 subject=audit.application_subject(application.id), at=now, detail={"role": member.role})
    await db.commit()
    flow = school.flows.get(application.service)
    files = await queries.stored_files(db, application, presentation.application_file_ids(application, flow))
    urls = {file_id: f"{STAFF_PREFIX}/documents/" + tokens.document_link(
        file_id=file_id, application_id=application.id, staff_id=member.id) for file_id in files}
    actions = list(workflow.allowed_actions(application, member, school.config))
    # e-documents: one in force at a time; the others are revoked or superseded.
    issued = await issuing.application_documents(db, application.id)
    outcome_type = issuing.service_document_type(application.service)
    waiting = await _waiting(db, application, member, school.school, now)
    in_force = any(d.status == "valid" and d.doc_type == outcome_type for d in issued)
    if (in_force or waiting) and "issue_document" in actions:
        actions.remove("issue_document")
    return page(request, "detail.html", staff, school=school.school,
                # LINE gives no delivery receipts: a parent who blocked the account cannot be
                # reached there, and staff should know before relying on the chat.
                parent_unreachable=await contacts.has_blocked(db, school_id=member.school_id,
                                                              user_ref=application.parent_ref),
                application=application, files=files,
                rows=presentation.answer_rows(application, flow, full_ids=access.sees_national_ids(member)),
                urls=urls, history=await queries.history(db, application),
                issued=issued, outcome_type=outcome_type, issue_fields=staff_fields(application.service),
                waiting=waiting,
                can_manage_documents=workflow.may_manage_documents(application, member),
                verify_url=runtime.documents.verify_url,
                actions=actions, document_steps=[s for s in flow.steps if s.is_document] if flow else [],
                title=school.title, overdue=presentation.is_overdue(application, now),
                # Only a known action's name, and only a message this server kept for this member:
                # nothing in the URL is shown as it was written.
                done=presentation.done_message(done, application, workflow.current_turn(application, school.config))
                if done in presentation.ACTION_TH else None,
                error=await flash.recall(runtime.state, staff_id=member.id, code=error),
                link_minutes=int(DOCUMENT_LINK_LIFETIME.total_seconds() // 60),
                approvers=school.config.service(application.service).approvers,
                next_step=assignment.next_step(application, school.config),
                holder=await db.get(StaffMember, application.assigned_to_id) if application.assigned_to_id else None,
                colleagues=await assignment.colleagues(db, member.school_id)
                if access.sees_requests(member) else [],
                notes=await _notes(db, application))


async def _notes(db, application) -> list[dict[str, Any]]:
    """The internal notes with who wrote them, oldest first (staff pages only)."""
    rows = await assignment.notes_for(db, application)
    ids = {n.staff_id for n in rows if n.staff_id is not None}
    names = {m.id: m for m in await db.scalars(sa.select(StaffMember).where(StaffMember.id.in_(ids)))} if ids else {}
    return [{"at": n.created_at, "text": n.text,
             "who": presentation.actor_name(f"staff:{n.staff_id}", names.get(n.staff_id or 0))} for n in rows]


@router.post("/applications/{application_id}/assign")
async def assign(request: Request, application_id: int, staff: CurrentStaff, form: CheckedForm,
                 school: SchoolOfStaff, db: DbSession, runtime: Runtime, now: Now) -> Response:
    member = staff.member
    application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
    if application is None:
        return not_found(request, staff)
    back = f"{STAFF_PREFIX}/applications/{application.id}"
    chosen = str(form.get("staff_id") or "")
    to = None
    if chosen:
        to = await db.get(StaffMember, int(chosen)) if chosen.isdigit() else None
        if to is None or to.school_id != member.school_id:
            return await flash.refused(runtime.state, staff_id=member.id, url=back,
                                       text="ไม่พบเจ้าหน้าที่ที่เลือกค่ะ กรุณาเลือกใหม่อีกครั้ง")
    try:
        await assignment.assign(db, application, to=to, by=member, now=now)
    except workflow.WorkflowError as error:
        return await flash.refused(runtime.state, staff_id=member.id, url=back, text=error.message_th)
    await db.commit()
    return RedirectResponse(f"{back}?done=assign", status_code=303)


@router.post("/applications/{application_id}/notes")
async def add_note(request: Request, application_id: int, staff: CurrentStaff, form: CheckedForm,
                   school: SchoolOfStaff, db: DbSession, runtime: Runtime, now: Now) -> Response:
    member = staff.member
    application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
    if application is None:
        return not_found(request, staff)
    back = f"{STAFF_PREFIX}/applications/{application.id}"
    try:
        await assignment.add_note(db, application, by=member, text=str(form.get("text") or ""), now=now)
    except workflow.WorkflowError as error:
        return await flash.refused(runtime.state, staff_id=member.id, url=back, text=error.message_th,
                                   anchor="#notes")
    await db.commit()
    return RedirectResponse(f"{back}?done=add_note#notes", status_code=303)


async def _waiting(db, application, member, school, now) -> list[dict[str, Any]]:
    """Documents prepared and waiting for a signature, each with whether this member may sign it."""
    rows = []
    for waiting in await issuing.pending_requests(db, application.id):
        rows.append({"request": waiting, "may_sign": await authority.may_sign(
            db, member, school, waiting.doc_type, presentation.bangkok(now).date()),
            "may_withdraw": member.id == waiting.prepared_by or member.role in ("director", "admin")})
    return rows


@router.post("/applications/{application_id}/actions/{action}")
async def act(request: Request, application_id: int, action: str, staff: CurrentStaff, form: CheckedForm,
              school: SchoolOfStaff, db: DbSession, runtime: Runtime, now: Now) -> Response:
    member = staff.member
    application = await queries.application_for_staff(db, application_id, member=member, config=school.config)
    if application is None:
        return not_found(request, staff)
    back = f"{STAFF_PREFIX}/applications/{application.id}"
    if action == workflow.Action.ISSUE_DOCUMENT:
        # OBEC's officers act on requests filed through any school's chat: the document belongs
        # with the request's school (its files, its chat), though OBEC issues and signs it.
        filed_at = school.school if application.school_id == school.school.id else \
            await db.get(School, application.school_id)
        try:
            await issuing.issue_for_application(
                db, application, staff=member, issuer=runtime.documents, school=filed_at,
                config=school.config, now=now,
                staff_input=issued_documents.form_input(form, application.service))
        except (issuing.IssuingRefused, workflow.WorkflowError) as refused:
            return await flash.refused(runtime.state, staff_id=member.id, url=back, text=refused.message_th)
        await db.commit()
        done = "prepare_document" if await issuing.pending_requests(db, application.id) else action
        return RedirectResponse(f"{back}?done={quote(done)}#issued-documents", status_code=303)
    try:
        options = action_options(action, form, school.flows.get(application.service))
        await workflow.perform(db, application, action, staff=member, now=now, config=school.config,
                               **options)
    except FormProblem as problem:
        return await flash.refused(runtime.state, staff_id=member.id, url=back, text=problem.message_th)
    except workflow.WorkflowError as error:
        # The server decides, whatever the page offered: a stale page or a crafted post ends here.
        return await flash.refused(runtime.state, staff_id=member.id, url=back, text=error.message_th)
    await db.commit()
    return RedirectResponse(f"{back}?done={quote(action)}", status_code=303)


class FormProblem(Exception):
    def __init__(self, message_th: str) -> None:
        super().__init__(message_th)
        self.message_th = message_th


def action_options(action: str, form: FormData, flow: Flow | None) -> dict[str, Any]:
    """The form's fields as perform()'s arguments, checked for what a person can get wrong."""
    options: dict[str, Any] = {}
    if action in {"reject", "set_late_reason"}:
        # Checked (required, not too long) by the workflow, which also words the Thai message.
        options["reason"] = " ".join(str(form.get("reason") or "").split())
    if action == "request_documents":
        labels = {s.id: s.label for s in flow.steps if s.is_document} if flow else {}
        documents = [{"document": d, "name": labels[d]} for d in form.getlist("documents") if d in labels]
        other = " ".join(str(form.get("other_document") or "").split())[:120]
        if other:
            documents.append({"document": "other", "name": other})
        if not documents:
            raise FormProblem("กรุณาเลือกเอกสารที่ต้องการขอเพิ่มอย่างน้อย 1 รายการค่ะ")
        options["documents"] = documents
    if action == "set_appointment":
        try:
            day = dt.date.fromisoformat(str(form.get("date") or ""))
            time = dt.time.fromisoformat(str(form.get("time") or "09:00"))
        except ValueError:
            raise FormProblem("กรุณาเลือกวันและเวลานัดหมายค่ะ") from None
        place = " ".join(str(form.get("place") or "").split())[:200]
        if not place:
            raise FormProblem("กรุณาระบุสถานที่นัดหมายค่ะ")
        at = dt.datetime.combine(day, time, tzinfo=presentation.BANGKOK)
        options["appointment"] = {"at": at.isoformat(), "place": place,
                                  "note": " ".join(str(form.get("note") or "").split())[:300]}
    return options

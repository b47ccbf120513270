"""The staff pages' routes: login, inbox, application detail with actions, documents, dashboard, settings."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.applications import workflow
from backend.applications.models import Application
from backend.documents import issuing
from backend.documents.from_applications import staff_fields
from backend.documents.models import IssuedDocument
from backend.files.models import StoredFile
from backend.files.service import FileIntegrityError, StoredFileNotFound
from backend.school_config import SchoolConfig, parse_school_config
from backend.schools import School, school_by_slug
from backend.contacts import Contact
from backend.staff import StaffMember, staff_by_user, staff_of_school
from web.staff import export, issued_documents, presentation, queries
from web.staff.auth import (
    DOCUMENT_LINK_LIFETIME,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    LoginRefused,
    StaffPagesConfig,
    StaffSession,
    SignInRequired,
    StaffGate,
    verify_id_token,
)
from flows.flow import Flow
from flows.registry import flows_for

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
STATIC_FILES = {"staff.css": "text/css", "staff.js": "text/javascript"}
LIFF_SDK = "https://static.line-scdn.net/liff/edge/2/sdk.js"

# Mints an ID token for a simulated user: (user_ref, display_name, client_id) -> token.
DevIdTokens = Callable[[str, str, str], str]


def create_staff_router(
    config: StaffPagesConfig, *, dev_id_tokens: DevIdTokens | None = None, prefix: str = "/staff"
) -> APIRouter:
    """Routes under ``prefix``; they take sessions, clock and files from app.state.runtime.

    dev_id_tokens (simulated LINE only) lets the development login get an ID token for a
    staff member from the LINE stand-in, so it signs in through LINE's verify endpoint too.
    """
    router = APIRouter(prefix=prefix, include_in_schema=False)
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    env.filters.update(thai_date=presentation.thai_date, thai_datetime=presentation.thai_datetime)
    env.globals.update(base=prefix, STATUS_TH=presentation.STATUS_TH, ROLE_TH=presentation.ROLE_TH,
                       ACTION_TH=presentation.ACTION_TH, appointment_text=presentation.appointment_text,
                       HISTORY_TH=presentation.HISTORY_TH,
                       child_name=presentation.child_name, **issued_documents.template_globals())
    gate = StaffGate(config.session_secret, prefix=prefix)
    tokens = gate.tokens
    signed_in = gate.signed_in

    def runtime(request: Request) -> Any:
        return request.app.state.runtime

    def now(request: Request) -> dt.datetime:
        return runtime(request).clock.now()

    def check_csrf(request: Request, staff_session: StaffSession, form: Any) -> None:
        gate.check_csrf(staff_session, form)

    async def school_and_config(session: AsyncSession, school_id: int) -> tuple[School, SchoolConfig]:
        school = await session.get(School, school_id)
        assert school is not None  # the staff row's foreign key keeps it
        return school, parse_school_config(school.settings)

    def page(request: Request, name: str, member: StaffMember | None, staff_session: StaffSession | None,
             **context: Any) -> Response:
        csrf = staff_session.csrf_token(config.session_secret) if staff_session else ""
        response = templates.TemplateResponse(request, name, {"me": member, "csrf": csrf, **context})
        # Pages show personal data: never from a shared cache, never from the back button later.
        response.headers["cache-control"] = "no-store"
        return response

    def start_session(response: Response, request: Request, member: StaffMember) -> None:
        response.set_cookie(
            SESSION_COOKIE, tokens(request).new_session(staff_id=member.id, school_id=member.school_id),
            max_age=int(SESSION_LIFETIME.total_seconds()), path=prefix, httponly=True,
            samesite="lax", secure=config.secure_cookies)

    def safe_next(target: str | None) -> str:
        # Only our own pages: a crafted link must not bounce a signed-in teacher elsewhere.
        if target and target.startswith(prefix + "/") and not target.startswith("//"):
            return target
        return prefix + "/"

    async def member_for_token(session: AsyncSession, id_token: str) -> StaffMember | None:
        if not config.line_login_channel_id:
            raise LoginRefused("LINE_LOGIN_CHANNEL_ID is not configured")
        identity = await verify_id_token(id_token, base_url=config.line_api_base_url,
                                         channel_id=config.line_login_channel_id)
        return await staff_by_user(session, user_ref=identity.user_ref)

    # -- static files and login ---------------------------------------------------------------

    @router.get("/static/{name}")
    async def static(name: str) -> FileResponse:
        if name not in STATIC_FILES:
            raise HTTPException(404)
        return FileResponse(HERE / "static" / name, media_type=STATIC_FILES[name],
                            headers={"cache-control": "max-age=300"})

    @router.get("/login", name="staff_login")
    async def login_page(request: Request, next: str | None = None) -> Response:
        candidates: list[StaffMember] = []
        if config.dev_login:
            async with runtime(request).sessions() as session:
                school = await school_by_slug(session, config.default_school)
                if school is not None:
                    candidates = await staff_of_school(session, school.id)
        return page(request, "login.html", None, None, next=safe_next(next), liff_id=config.liff_id,
                    liff_sdk=LIFF_SDK, dev_login=config.dev_login, candidates=candidates,
                    login_configured=bool(config.line_login_channel_id))

    @router.post("/api/session")
    async def create_session(request: Request) -> Response:
        # JSON only: a cross-site form cannot send it without a CORS preflight we never allow.
        if not request.headers.get("content-type", "").startswith("application/json"):
            return JSONResponse({"error": "ต้องส่งเป็น JSON ค่ะ"}, status_code=415)
        try:
            body = await request.json()
            id_token = str(body["id_token"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "ไม่พบโทเค็นสำหรับเข้าสู่ระบบค่ะ"}, status_code=400)
        async with runtime(request).sessions() as session:
            try:
                member = await member_for_token(session, id_token)
            except LoginRefused as error:
                log.info("staff login refused: %s", error)
                return JSONResponse({"error": "ยืนยันตัวตนกับ LINE ไม่สำเร็จ กรุณาเปิดหน้านี้ใหม่จาก LINE ค่ะ"},
                                    status_code=401)
            if member is None:
                return JSONResponse({"error": "บัญชี LINE นี้ยังไม่ได้ลงทะเบียนเป็นเจ้าหน้าที่ค่ะ "
                                              "กรุณาขอรหัสเชิญจากผู้ดูแลระบบของโรงเรียนค่ะ"},
                                    status_code=403)
        response = JSONResponse({"ok": True, "next": safe_next(body.get("next"))})
        start_session(response, request, member)
        return response

    @router.post("/dev-login")
    async def dev_login(request: Request) -> Response:
        if not config.dev_login or dev_id_tokens is None or not config.line_login_channel_id:
            raise HTTPException(404)
        form = await request.form()
        async with runtime(request).sessions() as session:
            school = await school_by_slug(session, config.default_school)
            member = await session.get(StaffMember, int(form.get("staff_id") or 0))
            if school is None or member is None or member.school_id != school.id or not member.active:
                raise HTTPException(404)
            token = dev_id_tokens(member.line_user_id, member.display_name,
                                  config.line_login_channel_id)
            try:
                verified = await member_for_token(session, token)
            except LoginRefused as error:
                raise HTTPException(502, "ระบบจำลอง LINE ไม่ตอบค่ะ") from error
        if verified is None or verified.id != member.id:
            raise HTTPException(403)
        response = RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)
        start_session(response, request, member)
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        response = RedirectResponse(f"{prefix}/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=prefix)
        return response

    # -- inbox ------------------------------------------------------------------------------

    @router.get("/", name="staff_inbox")
    async def inbox_page(request: Request, service: str | None = None, status: str | None = None,
                         q: str | None = None) -> Response:
        async with runtime(request).sessions() as session:
            member, staff_session = await signed_in(request, session)
            school, school_config = await school_and_config(session, member.school_id)
            flows = flows_for(school_config)
            found = await queries.inbox(session, school_id=member.school_id, now=now(request),
                                        service=service or None, status=status or None, search=q)
        return page(request, "inbox.html", member, staff_session, school=school, inbox=found,
                    flows=flows, service=service or "", status=status or "", q=q or "",
                    statuses=presentation.STATUS_ORDER, now=now(request),
                    is_overdue=presentation.is_overdue, title=_titles(flows),
                    min_search=queries.MIN_SEARCH)

    # -- detail and actions -----------------------------------------------------------------

    @router.get("/applications/{application_id}", name="staff_application")
    async def detail_page(request: Request, application_id: int, done: str | None = None,
                          error: str | None = None) -> Response:
        async with runtime(request).sessions() as session:
            member, staff_session = await signed_in(request, session)
            application = await queries.application_for_staff(session, application_id,
                                                              school_id=member.school_id)
            if application is None:
                return _not_found(request, page, member, staff_session)
            school, school_config = await school_and_config(session, member.school_id)
            flows = flows_for(school_config)
            flow = flows.get(application.service)
            rows = presentation.answer_rows(application, flow)
            files = await _files_of(session, application, flow)
            history = await _history(session, application)
            actions = _allowed(application, member, school_config)
            link = tokens(request)
            urls = {file_id: f"{prefix}/documents/" + link.document_link(
                file_id=file_id, application_id=application.id, staff_id=member.id)
                for file_id in files}
            document_steps = [s for s in flow.steps if s.is_document] if flow else []
            # LINE gives no delivery receipts: a parent who blocked the account cannot be reached
            # there, and staff should know before relying on the chat.
            parent_unreachable = await session.scalar(
                sa.select(Contact.id).where(Contact.school_id == member.school_id,
                                            Contact.user_ref == application.parent_ref,
                                            Contact.following.is_(False)).limit(1)) is not None
            # -- e-documents: one in force at a time; the others are revoked or superseded.
            issued = await issuing.application_documents(session, application.id)
            if any(d.status == "valid" for d in issued) and "issue_document" in actions:
                actions.remove("issue_document")
        return page(request, "detail.html", member, staff_session, school=school,
                    parent_unreachable=parent_unreachable,
                    application=application, rows=rows, files=files, urls=urls, history=history,
                    issued=issued, issue_fields=staff_fields(application.service),
                    can_manage_documents=workflow.may_manage_documents(application, member),
                    verify_url=runtime(request).documents.verify_url,
                    actions=actions, document_steps=document_steps, title=_titles(flows),
                    overdue=presentation.is_overdue(application, now(request)),
                    done=done, error=error, link_minutes=int(DOCUMENT_LINK_LIFETIME.total_seconds() // 60),
                    approvers=school_config.service(application.service).approvers)

    @router.post("/applications/{application_id}/actions/{action}")
    async def act(request: Request, application_id: int, action: str) -> Response:
        form = await request.form()
        async with runtime(request).sessions() as session:
            member, staff_session = await signed_in(request, session)
            check_csrf(request, staff_session, form)
            application = await queries.application_for_staff(session, application_id,
                                                              school_id=member.school_id)
            if application is None:
                return _not_found(request, page, member, staff_session)
            school, school_config = await school_and_config(session, member.school_id)
            flow = flows_for(school_config).get(application.service)
            back = f"{prefix}/applications/{application.id}"
            if action == workflow.Action.ISSUE_DOCUMENT:
                try:
                    await issuing.issue_for_application(
                        session, application, staff=member, issuer=runtime(request).documents, school=school,
                        config=school_config, now=now(request),
                        staff_input=issued_documents.form_input(form, application.service))
                except (issuing.IssuingRefused, workflow.WorkflowError) as refused:
                    return RedirectResponse(f"{back}?{urlencode({'error': refused.message_th})}", status_code=303)
                await session.commit()
                return RedirectResponse(f"{back}?done={quote(action)}#issued-documents", status_code=303)
            try:
                options = _action_options(action, form, flow)
                await _perform(session, application, action, member=member, now=now(request),
                               config=school_config, **options)
            except _FormProblem as problem:
                return RedirectResponse(f"{back}?{urlencode({'error': problem.message_th})}", status_code=303)
            await session.commit()
        return RedirectResponse(f"{back}?done={quote(action)}", status_code=303)

    # -- issued e-documents: revoke, reissue, open -----------------------------------------

    @router.post("/applications/{application_id}/issued/{document_id}/{change}")
    async def change_issued(request: Request, application_id: int, document_id: int, change: str) -> Response:
        if change not in {"revoke", "reissue"}:
            raise HTTPException(404)
        form = await request.form()
        async with runtime(request).sessions() as session:
            member, staff_session = await signed_in(request, session)
            check_csrf(request, staff_session, form)
            application = await queries.application_for_staff(session, application_id,
                                                              school_id=member.school_id)
            document = await session.get(IssuedDocument, document_id)
            if application is None or document is None or document.application_id != application.id:
                return _not_found(request, page, member, staff_session)
            _, school_config = await school_and_config(session, member.school_id)
            back = f"{prefix}/applications/{application.id}"
            try:
                if change == "revoke":
                    await issuing.revoke_for_application(
                        session, application, document, staff=member, issuer=runtime(request).documents,
                        now=now(request), reason=str(form.get("reason") or ""))
                else:
                    await issuing.reissue_for_application(
                        session, application, document, staff=member, issuer=runtime(request).documents,
                        config=school_config, now=now(request), reason=str(form.get("reason") or ""),
                        staff_input=issued_documents.form_input(form, application.service))
            except issuing.IssuingRefused as refused:
                return RedirectResponse(f"{back}?{urlencode({'error': refused.message_th})}", status_code=303)
            await session.commit()
        return RedirectResponse(f"{back}?done={change}_document#issued-documents", status_code=303)

    @router.get("/applications/{application_id}/issued/{document_id}.pdf")
    async def issued_pdf(request: Request, application_id: int, document_id: int) -> Response:
        async with runtime(request).sessions() as session:
            member, _ = await signed_in(request, session)
            application = await queries.application_for_staff(session, application_id,
                                                              school_id=member.school_id)
            document = await session.get(IssuedDocument, document_id)
            if application is None or document is None or document.application_id != application.id:
                raise HTTPException(404)
            pdf = await runtime(request).documents.read_pdf(session, document)
            audit.record(session, school_id=member.school_id, actor=member.actor,
                         action="issued_document_viewed", subject=f"document:{document.id}",
                         at=now(request), detail={"application_id": application.id})
            await session.commit()
        return Response(pdf, media_type="application/pdf", headers={
            "cache-control": "private, no-store", "content-disposition": "inline",
            "x-content-type-options": "nosniff"})

    # -- documents --------------------------------------------------------------------------

    @router.get("/documents/{link}")
    async def document(request: Request, link: str) -> Response:
        opened = tokens(request).read_document_link(link)
        if opened is None:
            raise HTTPException(404, "ลิงก์เอกสารหมดอายุแล้ว กรุณาเปิดจากหน้าคำขออีกครั้งค่ะ")
        file_id, application_id, staff_id = opened
        async with runtime(request).sessions() as session:
            try:
                member, _ = await signed_in(request, session)
            except SignInRequired:
                raise HTTPException(401, "กรุณาเข้าสู่ระบบก่อนค่ะ") from None
            # The link is for the one member who opened the page: forwarded, it opens nothing.
            if member.id != staff_id:
                raise HTTPException(404)
            application = await queries.application_for_staff(session, application_id,
                                                              school_id=member.school_id)
            if application is None:
                raise HTTPException(404)
            _, school_config = await school_and_config(session, member.school_id)
            flow = flows_for(school_config).get(application.service)
            if file_id not in presentation.application_file_ids(application, flow):
                raise HTTPException(404)
            try:
                data, content_type = await runtime(request).files.read(
                    session, file_id, school_id=member.school_id)
            except StoredFileNotFound:
                raise HTTPException(404, "ไฟล์นี้ถูกลบแล้วค่ะ") from None
            except FileIntegrityError:
                log.exception("document %s of application %s cannot be read", file_id, application.id)
                raise HTTPException(500, "เปิดไฟล์นี้ไม่ได้ กรุณาแจ้งผู้ดูแลระบบค่ะ") from None
            audit.record(session, school_id=member.school_id, actor=member.actor,
                         action="document_viewed", subject=audit.file_subject(file_id),
                         at=now(request), detail={"application_id": application.id})
            await session.commit()
        return Response(data, media_type=content_type, headers={
            "cache-control": "private, no-store",
            "content-disposition": "inline",
            "x-content-type-options": "nosniff",
            # A PDF is shown by the browser's viewer; it must not run scripts as our origin.
            "content-security-policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        })

    # -- dashboard and export ---------------------------------------------------------------

    @router.get("/dashboard", name="staff_dashboard")
    async def dashboard_page(request: Request) -> Response:
        async with runtime(request).sessions() as session:
            member, staff_session = await signed_in(request, session)
            school, school_config = await school_and_config(session, member.school_id)
            figures = await queries.dashboard(session, school_id=member.school_id, now=now(request))
        return page(request, "dashboard.html", member, staff_session, school=school, figures=figures,
                    title=_titles(flows_for(school_config)))

    @router.get("/dashboard/export.{fmt}")
    async def export_file(request: Request, fmt: str) -> Response:
        if fmt not in {"csv", "xlsx"}:
            raise HTTPException(404)
        async with runtime(request).sessions() as session:
            member, _ = await signed_in(request, session)
            _, school_config = await school_and_config(session, member.school_id)
            title = _titles(flows_for(school_config))
            moment = now(request)
            figures = await queries.dashboard(session, school_id=member.school_id, now=moment)
            applications = list(await session.scalars(
                sa.select(Application).where(Application.school_id == member.school_id,
                                             Application.status != "draft")
                .order_by(Application.submitted_at, Application.id)))
            audit.record(session, school_id=member.school_id, actor=member.actor,
                         action="report_exported", subject=f"school:{member.school_id}", at=moment,
                         detail={"format": fmt, "rows": len(applications)})
            await session.commit()
        rows = export.application_rows(applications, title, moment)
        stamp = presentation.bangkok(moment).strftime("%Y%m%d")
        if fmt == "csv":
            body, media = export.to_csv(rows, export.APPLICATION_COLUMNS), "text/csv; charset=utf-8"
        else:
            body = export.to_xlsx(figures, rows, title, figures.months)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(body, media_type=media, headers={
            "content-disposition": f'attachment; filename="eservice-report-{stamp}.{fmt}"',
            "cache-control": "no-store"})

    # -- notification settings --------------------------------------------------------------

    @router.get("/settings", name="staff_settings")
    async def settings_page(request: Request, saved: str | None = None) -> Response:
        async with runtime(request).sessions() as session:
            member, staff_session = await signed_in(request, session)
            school, _ = await school_and_config(session, member.school_id)
        return page(request, "settings.html", member, staff_session, school=school, saved=bool(saved))

    @router.post("/settings")
    async def save_settings(request: Request) -> Response:
        form = await request.form()
        async with runtime(request).sessions() as session:
            member, staff_session = await signed_in(request, session)
            check_csrf(request, staff_session, form)
            wanted = form.get("notify_new_submissions") == "on"
            if member.notify_new_submissions != wanted:
                member.notify_new_submissions = wanted
                audit.record(session, school_id=member.school_id, actor=member.actor,
                             action="staff_notifications_changed",
                             subject=f"staff:{member.id}", at=now(request),
                             detail={"notify_new_submissions": wanted})
                await session.commit()
        return RedirectResponse(f"{prefix}/settings?saved=1", status_code=303)

    return router


# -- helpers ------------------------------------------------------------------------------------


def _titles(flows: dict[str, Flow]) -> Callable[[str], str]:
    def title(service: str) -> str:
        flow = flows.get(service)
        return flow.title if flow is not None else service

    return title


def _not_found(request: Request, page: Callable[..., Response], member: StaffMember,
               staff_session: StaffSession) -> Response:
    # Another school's application and a guessed number look the same: not there.
    response = page(request, "not_found.html", member, staff_session)
    response.status_code = 404
    return response


async def _files_of(session: AsyncSession, application: Application, flow: Flow | None
                    ) -> dict[str, StoredFile]:
    wanted = presentation.application_file_ids(application, flow)
    if not wanted:
        return {}
    rows = await session.scalars(sa.select(StoredFile).where(
        StoredFile.id.in_(wanted), StoredFile.school_id == application.school_id,
        StoredFile.deleted_at.is_(None)))
    return {row.id: row for row in rows}


async def _history(session: AsyncSession, application: Application) -> list[dict[str, Any]]:
    entries = await audit.entries_for(session, school_id=application.school_id,
                                      subject=audit.application_subject(application.id))
    staff_ids = {int(e.actor.split(":", 1)[1]) for e in entries if e.actor.startswith("staff:")}
    names = {}
    if staff_ids:
        names = {m.id: m for m in await session.scalars(
            sa.select(StaffMember).where(StaffMember.id.in_(staff_ids)))}
    history = []
    for entry in entries:
        who = {"parent": "ผู้ปกครอง", "system": "ระบบ"}.get(entry.actor, entry.actor)
        if entry.actor.startswith("staff:"):
            member = names.get(int(entry.actor.split(":", 1)[1]))
            who = (f"{member.display_name} ({presentation.ROLE_TH.get(member.role, member.role)})"
                   if member else "เจ้าหน้าที่")
        history.append({"at": entry.at, "who": who, "action": entry.action, "detail": entry.detail})
    return history


class _FormProblem(Exception):
    def __init__(self, message_th: str) -> None:
        super().__init__(message_th)
        self.message_th = message_th


def _action_options(action: str, form: Any, flow: Flow | None) -> dict[str, Any]:
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
            raise _FormProblem("กรุณาเลือกเอกสารที่ต้องการขอเพิ่มอย่างน้อย 1 รายการค่ะ")
        options["documents"] = documents
    if action == "set_appointment":
        try:
            day = dt.date.fromisoformat(str(form.get("date") or ""))
            time = dt.time.fromisoformat(str(form.get("time") or "09:00"))
        except ValueError:
            raise _FormProblem("กรุณาเลือกวันและเวลานัดหมายค่ะ") from None
        place = " ".join(str(form.get("place") or "").split())[:200]
        if not place:
            raise _FormProblem("กรุณาระบุสถานที่นัดหมายค่ะ")
        at = dt.datetime.combine(day, time, tzinfo=presentation.BANGKOK)
        options["appointment"] = {"at": at.isoformat(), "place": place,
                                  "note": " ".join(str(form.get("note") or "").split())[:300]}
    return options


def _allowed(application: Application, member: StaffMember, config: SchoolConfig) -> list[str]:
    return list(workflow.allowed_actions(application, member, config))


async def _perform(session: AsyncSession, application: Application, action: str, *,
                   member: StaffMember, now: dt.datetime, config: SchoolConfig, **options: Any) -> None:
    try:
        await workflow.perform(session, application, action, staff=member, now=now, config=config,
                               **options)
    except workflow.WorkflowError as error:
        # The server decides, whatever the page offered: a stale page or a crafted post ends here.
        raise _FormProblem(error.message_th) from None

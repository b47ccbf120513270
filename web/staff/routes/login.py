"""Signing in: the LIFF login page, the ID-token session endpoint, the development login, logging out."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from backend.schools import school_by_slug
from backend.staff import StaffMember, staff_by_user, staff_of_school
from web.runtime import DbSession
from web.staff.auth import (
    SESSION_COOKIE,
    SESSION_LIFETIME,
    LoginRefused,
    StaffPagesConfig,
    Tokens,
    verify_id_token,
)
from web.staff.dependencies import STAFF_PREFIX, Site, StaffTokens
from web.staff.pages import page

log = logging.getLogger(__name__)

router = APIRouter()

STATIC = Path(__file__).parent.parent / "static"
STATIC_FILES = {"staff.css": "text/css", "staff.js": "text/javascript",
                # Chart.js, vendored from npm (web/staff/static/VENDORED.md): the dashboard's charts.
                "chart.umd.min.js": "text/javascript", "dashboard.js": "text/javascript"}
LIFF_SDK = "https://static.line-scdn.net/liff/edge/2/sdk.js"


def safe_next(target: str | None) -> str:
    # Only our own pages: a crafted link must not bounce a signed-in teacher elsewhere.
    if target and target.startswith(STAFF_PREFIX + "/") and not target.startswith("//"):
        return target
    return STAFF_PREFIX + "/"


def start_session(response: Response, config: StaffPagesConfig, tokens: Tokens,
                  member: StaffMember) -> None:
    response.set_cookie(
        SESSION_COOKIE, tokens.new_session(staff_id=member.id, school_id=member.school_id,
                                           generation=member.session_generation),
        max_age=int(SESSION_LIFETIME.total_seconds()), path=STAFF_PREFIX, httponly=True,
        samesite="lax", secure=config.secure_cookies)


async def member_for_token(session: AsyncSession, config: StaffPagesConfig, id_token: str
                           ) -> StaffMember | None:
    if not config.line_login_channel_id:
        raise LoginRefused("LINE_LOGIN_CHANNEL_ID is not configured")
    identity = await verify_id_token(id_token, base_url=config.line_api_base_url,
                                     channel_id=config.line_login_channel_id)
    return await staff_by_user(session, user_ref=identity.user_ref)


@router.get("/static/{name}")
async def static(name: str) -> FileResponse:
    if name not in STATIC_FILES:
        raise HTTPException(404)
    return FileResponse(STATIC / name, media_type=STATIC_FILES[name],
                        headers={"cache-control": "max-age=300"})


@router.get("/login", name="staff_login")
async def login_page(request: Request, site: Site, db: DbSession, next: str | None = None) -> Response:
    config = site.config
    candidates: list[StaffMember] = []
    if config.dev_login:
        school = await school_by_slug(db, config.default_school)
        if school is not None:
            candidates = await staff_of_school(db, school.id)
    return page(request, "login.html", None, next=safe_next(next), liff_id=config.liff_id,
                liff_sdk=LIFF_SDK, dev_login=config.dev_login, candidates=candidates,
                login_configured=bool(config.line_login_channel_id))


# An ID token is at most 4 KB (verify_id_token refuses more); the JSON around it adds little.
@router.post("/api/session", max_body_size=16 * 1024)
async def create_session(request: Request, site: Site, tokens: StaffTokens, db: DbSession) -> Response:
    # JSON only: a cross-site form cannot send it without a CORS preflight we never allow.
    if not request.headers.get("content-type", "").startswith("application/json"):
        return JSONResponse({"error": "ต้องส่งเป็น JSON ค่ะ"}, status_code=415)
    try:
        body = await request.json()
        id_token = str(body["id_token"])
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "ไม่พบโทเค็นสำหรับเข้าสู่ระบบค่ะ"}, status_code=400)
    try:
        member = await member_for_token(db, site.config, id_token)
    except LoginRefused as error:
        log.info("staff login refused: %s", error)
        return JSONResponse({"error": "ยืนยันตัวตนกับ LINE ไม่สำเร็จ กรุณาเปิดหน้านี้ใหม่จาก LINE ค่ะ"},
                            status_code=401)
    if member is None:
        return JSONResponse({"error": "บัญชี LINE นี้ยังไม่ได้ลงทะเบียนเป็นเจ้าหน้าที่ค่ะ "
                                      "กรุณาขอรหัสเชิญจากผู้ดูแลระบบของโรงเรียนค่ะ"},
                            status_code=403)
    response = JSONResponse({"ok": True, "next": safe_next(body.get("next"))})
    start_session(response, site.config, tokens, member)
    return response


@router.post("/dev-login")
async def dev_login(request: Request, site: Site, tokens: StaffTokens, db: DbSession) -> Response:
    config = site.config
    if not config.dev_login or site.dev_id_tokens is None or not config.line_login_channel_id:
        raise HTTPException(404)
    form = await request.form()
    staff_id = str(form.get("staff_id") or "")
    if not staff_id.isdigit() or len(staff_id) > 9:
        raise HTTPException(400, "กรุณาเลือกเจ้าหน้าที่จากรายชื่อค่ะ")
    school = await school_by_slug(db, config.default_school)
    member = await db.get(StaffMember, int(staff_id))
    if school is None or member is None or member.school_id != school.id or not member.active:
        raise HTTPException(404)
    token = site.dev_id_tokens(member.line_user_id, member.display_name, config.line_login_channel_id)
    try:
        verified = await member_for_token(db, config, token)
    except LoginRefused as error:
        raise HTTPException(502, "ระบบจำลอง LINE ไม่ตอบค่ะ") from error
    if verified is None or verified.id != member.id:
        raise HTTPException(403)
    response = RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)
    start_session(response, config, tokens, member)
    return response


@router.post("/logout")
async def logout(request: Request, tokens: StaffTokens, db: DbSession) -> Response:
    # The session ends on the server too: a copy of the cookie (another device, a stolen one)
    # stops working now, not when it would have expired.
    staff_session = tokens.read_session(request.cookies.get(SESSION_COOKIE))
    member = await db.get(StaffMember, staff_session.staff_id) if staff_session else None
    if member is not None and member.session_generation == staff_session.generation:
        member.session_generation += 1
        await db.commit()
    response = RedirectResponse(f"{STAFF_PREFIX}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=STAFF_PREFIX)
    return response

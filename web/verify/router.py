"""The public verify page: anyone checks a document by its code or by uploading the PDF, no login."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import UploadFile

from backend.documents.models import DocumentStatus, IssuedDocument
from backend.documents.render import BANGKOK, format_code
from backend.documents.service import (
    DocumentIssuer,
    VerifyOutcome,
    document_by_code,
    normalize_code,
)
from backend.documents.types import spec_for
from backend.sandbox import SandboxBusy, SandboxFailed
from backend.schools import School
from backend.state import SharedState
from backend.thai.dates import format_thai_date
from web.runtime import web_runtime

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The whole form: the file, and the multipart framing around it.
MAX_UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
# Checking a file is work for the server; a person checks a few documents, not dozens a minute.
UPLOADS_PER_CLIENT = 10
UPLOAD_WINDOW = dt.timedelta(minutes=10)

STATIC = Path(__file__).parent / "static"
_pages = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
)

STATUS_TEXT = {
    DocumentStatus.VALID: "ใช้ได้ (ยังมีผล)",
    DocumentStatus.REVOKED: "ถูกเพิกถอนแล้ว",
    DocumentStatus.SUPERSEDED: "ถูกแทนที่ด้วยฉบับใหม่แล้ว",
}
STATUS_MESSAGE = {
    DocumentStatus.VALID: ("เอกสารนี้ออกโดยโรงเรียนจริง และยังมีผลใช้ได้ค่ะ", "valid"),
    DocumentStatus.REVOKED: ("เอกสารนี้ถูกเพิกถอนแล้ว ไม่สามารถใช้อ้างอิงได้ค่ะ", "bad"),
    DocumentStatus.SUPERSEDED: ("เอกสารนี้ถูกแทนที่ด้วยฉบับใหม่แล้ว กรุณาใช้ฉบับใหม่ค่ะ", "warn"),
}
UPLOAD_MESSAGE = {
    VerifyOutcome.VALID: ("ไฟล์นี้ถูกต้องค่ะ ลงลายมือชื่อดิจิทัลโดยโรงเรียน ไม่ถูกแก้ไข และยังมีผลใช้ได้", "valid"),
    VerifyOutcome.REVOKED: ("ไฟล์นี้ไม่ถูกแก้ไข แต่เอกสารถูกเพิกถอนแล้ว ไม่สามารถใช้อ้างอิงได้ค่ะ", "bad"),
    VerifyOutcome.SUPERSEDED: ("ไฟล์นี้ไม่ถูกแก้ไข แต่เอกสารถูกแทนที่ด้วยฉบับใหม่แล้วค่ะ", "warn"),
    VerifyOutcome.ALTERED: ("ไฟล์นี้ไม่ตรงกับเอกสารที่โรงเรียนออกให้ค่ะ อาจถูกแก้ไขหลังลงลายมือชื่อ", "bad"),
    VerifyOutcome.UNKNOWN: ("ไม่พบเอกสารนี้ในระบบของโรงเรียนค่ะ", "bad"),
    VerifyOutcome.NOT_SIGNED: ("ไฟล์นี้ไม่มีลายมือชื่อดิจิทัลของโรงเรียน หรือไม่ใช่ไฟล์ PDF ค่ะ", "bad"),
}
ALTERED_STATUS_TEXT = "ใช้ไม่ได้ ไฟล์นี้ไม่ตรงกับต้นฉบับที่โรงเรียนออก"
NOT_FOUND_MESSAGE = "ไม่พบเอกสารที่มีรหัสตรวจสอบนี้ค่ะ กรุณาตรวจสอบรหัสอีกครั้งค่ะ"
TOO_LARGE_MESSAGE = "ไฟล์ใหญ่เกินไปค่ะ เอกสารของโรงเรียนมีขนาดไม่เกิน 20 MB"
NO_FILE_MESSAGE = "กรุณาเลือกไฟล์ PDF ที่ต้องการตรวจสอบค่ะ"
TOO_MANY_MESSAGE = "ตรวจสอบไฟล์จากเครื่องนี้หลายครั้งแล้วค่ะ กรุณารอประมาณ 10 นาทีแล้วลองใหม่ หรือกรอกรหัสตรวจสอบแทนค่ะ"
BUSY_MESSAGE = "ขณะนี้มีผู้ตรวจสอบไฟล์จำนวนมากค่ะ กรุณาลองใหม่อีกครั้งในอีกสักครู่ หรือกรอกรหัสตรวจสอบแทนค่ะ"
UNREADABLE_MESSAGE = ("ตรวจสอบไฟล์นี้ไม่ได้ค่ะ ไฟล์มีโครงสร้างผิดปกติหรือใหญ่เกินกว่าเอกสารของโรงเรียน "
                      "กรุณาตรวจสอบด้วยรหัสตรวจสอบที่พิมพ์บนเอกสารแทนค่ะ")


@dataclass(frozen=True)
class VerifyServices:
    sessions: async_sessionmaker[AsyncSession]
    issuer: DocumentIssuer
    # Where the per-client upload counts are kept (shared by every web process with Redis).
    state: SharedState


Dependencies = Callable[[Request], VerifyServices]


def _from_runtime(request: Request) -> VerifyServices:
    runtime = web_runtime(request)
    return VerifyServices(runtime.sessions, runtime.documents, runtime.state)


async def _within_upload_limit(state: SharedState, request: Request) -> bool:
    """At most UPLOADS_PER_CLIENT uploads per client address in a window. The address is kept
    only as a hash, and only for the window."""
    client = request.client.host if request.client else "unknown"
    key = "count:verify-upload:" + hashlib.sha256(client.encode()).hexdigest()[:32]
    return await state.increment(key, ttl=UPLOAD_WINDOW.total_seconds()) <= UPLOADS_PER_CLIENT


async def _public_view(
    session: AsyncSession, document: IssuedDocument, prefix: str
) -> dict[str, Any]:
    """Only what may be shown to anyone: never the document's data beyond the masked name."""
    school = await session.get(School, document.school_id)
    replacement = (
        await session.get(IssuedDocument, document.superseded_by)
        if document.superseded_by
        else None
    )
    return {
        "title": spec_for(document.doc_type).title_th,
        # The issuer: the school, or OBEC or the district office whose document it is (never the data).
        "school_name": ((document.data or {}).get("issuer") or {}).get("name") or (school.name if school else ""),
        "issued_on": format_thai_date(document.issued_at.astimezone(BANGKOK).date()),
        "masked_name": document.masked_name,
        "code": format_code(document.code),
        "status_text": STATUS_TEXT[DocumentStatus(document.status)],
        "status_class": STATUS_MESSAGE[DocumentStatus(document.status)][1],
        "revoked_on": format_thai_date(document.revoked_at.astimezone(BANGKOK).date())
        if document.revoked_at
        else None,
        "replacement_code": format_code(replacement.code) if replacement else None,
        "replacement_url": f"{prefix}/{replacement.code}" if replacement else None,
        "sha256": document.sha256,
    }


def _page(prefix: str, *, status_code: int = 200, retry_after: int | None = None,
          **context: Any) -> HTMLResponse:
    html = _pages.get_template("verify.html").render(upload_url=prefix, **context)
    # Status changes (revocation) must show at once: no caching anywhere on the way.
    headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return HTMLResponse(html, status_code=status_code, headers=headers)


def create_verify_router(
    dependencies: Dependencies | None = None, *, prefix: str = "/verify"
) -> APIRouter:
    """Routes under `prefix` (include it without another prefix). By default the sessions and the
    DocumentIssuer come from `request.app.state.runtime.sessions` and `.documents`."""
    resolve = dependencies or _from_runtime
    router = APIRouter(prefix=prefix)

    @router.get("/static/verify.css", include_in_schema=False)
    async def stylesheet() -> FileResponse:
        return FileResponse(STATIC / "verify.css", media_type="text/css", headers={"cache-control": "max-age=300"})

    @router.get("", response_class=HTMLResponse)
    async def verify_home(request: Request, code: str | None = None) -> HTMLResponse:
        if code and normalize_code(code):
            return RedirectResponse(f"{prefix}/{normalize_code(code)}", status_code=303)
        return _page(prefix)

    @router.get("/{code}", response_class=HTMLResponse)
    async def verify_code(request: Request, code: str) -> HTMLResponse:
        async with resolve(request).sessions() as session:
            document = await document_by_code(session, code)
            if document is None:
                return _page(
                    prefix, status_code=404, message=NOT_FOUND_MESSAGE, message_class="bad"
                )
            message, message_class = STATUS_MESSAGE[DocumentStatus(document.status)]
            view = await _public_view(session, document, prefix)
        return _page(prefix, document=view, message=message, message_class=message_class)

    @router.post("", response_class=HTMLResponse, max_body_size=MAX_UPLOAD_BODY_BYTES)
    async def verify_upload(request: Request) -> HTMLResponse:
        return await _verify_upload(request, resolve(request), prefix)

    return router


async def _verify_upload(request: Request, services: VerifyServices, prefix: str) -> HTMLResponse:
    # The form is read here, not by a File() parameter: that would read (and spool) the whole
    # upload before the client's count is looked at.
    if not await _within_upload_limit(services.state, request):
        return _page(prefix, status_code=429, retry_after=int(UPLOAD_WINDOW.total_seconds()),
                     message=TOO_MANY_MESSAGE, message_class="bad")
    async with request.form(max_files=1, max_fields=2) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return _page(prefix, status_code=400, message=NO_FILE_MESSAGE, message_class="bad")
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return _page(prefix, status_code=413, message=TOO_LARGE_MESSAGE, message_class="bad")
    async with services.sessions() as session:
        try:
            result = await services.issuer.verify_upload(session, data)
        except SandboxBusy:
            return _page(prefix, status_code=503, retry_after=30, message=BUSY_MESSAGE, message_class="warn")
        except SandboxFailed:
            return _page(prefix, status_code=422, message=UNREADABLE_MESSAGE, message_class="bad")
        view = await _public_view(session, result.document, prefix) if result.document else None
    message, message_class = UPLOAD_MESSAGE[result.outcome]
    if view is not None and result.outcome == VerifyOutcome.ALTERED:
        # The record may be in force, but this file is not it: never "ใช้ได้" under the red message.
        view = {**view, "status_text": ALTERED_STATUS_TEXT, "status_class": "bad"}
    return _page(prefix, document=view, message=message, message_class=message_class)

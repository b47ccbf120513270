"""The public verify page: anyone checks a document by its code or by uploading the PDF, no login."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.documents.models import DocumentStatus, IssuedDocument
from backend.documents.render import BANGKOK, format_code
from backend.documents.service import (
    DocumentIssuer,
    VerifyOutcome,
    document_by_code,
    normalize_code,
)
from backend.documents.types import spec_for
from backend.schools import School
from backend.thai.dates import format_thai_date
from web.runtime import web_runtime

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

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
NOT_FOUND_MESSAGE = "ไม่พบเอกสารที่มีรหัสตรวจสอบนี้ค่ะ กรุณาตรวจสอบรหัสอีกครั้งค่ะ"
TOO_LARGE_MESSAGE = "ไฟล์ใหญ่เกินไปค่ะ เอกสารของโรงเรียนมีขนาดไม่เกิน 20 MB"

Dependencies = Callable[[Request], tuple[async_sessionmaker[AsyncSession], DocumentIssuer]]


def _from_runtime(request: Request) -> tuple[async_sessionmaker[AsyncSession], DocumentIssuer]:
    runtime = web_runtime(request)
    return runtime.sessions, runtime.documents


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
        "school_name": school.name if school else "",
        "issued_on": format_thai_date(document.issued_at.astimezone(BANGKOK).date()),
        "masked_name": document.masked_name,
        "code": format_code(document.code),
        "status_text": STATUS_TEXT[DocumentStatus(document.status)],
        "revoked_on": format_thai_date(document.revoked_at.astimezone(BANGKOK).date())
        if document.revoked_at
        else None,
        "replacement_code": format_code(replacement.code) if replacement else None,
        "replacement_url": f"{prefix}/{replacement.code}" if replacement else None,
        "sha256": document.sha256,
    }


def _page(prefix: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _pages.get_template("verify.html").render(upload_url=prefix, **context)
    # Status changes (revocation) must show at once: no caching anywhere on the way.
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"},
    )


def create_verify_router(
    dependencies: Dependencies | None = None, *, prefix: str = "/verify"
) -> APIRouter:
    """Routes under `prefix` (include it without another prefix). By default the sessions and the
    DocumentIssuer come from `request.app.state.runtime.sessions` and `.documents`."""
    resolve = dependencies or _from_runtime
    router = APIRouter(prefix=prefix)

    @router.get("", response_class=HTMLResponse)
    async def verify_home(request: Request, code: str | None = None) -> HTMLResponse:
        if code and normalize_code(code):
            return RedirectResponse(f"{prefix}/{normalize_code(code)}", status_code=303)
        return _page(prefix)

    @router.get("/{code}", response_class=HTMLResponse)
    async def verify_code(request: Request, code: str) -> HTMLResponse:
        sessions, _issuer = resolve(request)
        async with sessions() as session:
            document = await document_by_code(session, code)
            if document is None:
                return _page(
                    prefix, status_code=404, message=NOT_FOUND_MESSAGE, message_class="bad"
                )
            message, message_class = STATUS_MESSAGE[DocumentStatus(document.status)]
            view = await _public_view(session, document, prefix)
        return _page(prefix, document=view, message=message, message_class=message_class)

    @router.post("", response_class=HTMLResponse)
    async def verify_upload(request: Request, file: UploadFile) -> HTMLResponse:
        sessions, issuer = resolve(request)
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            return _page(prefix, status_code=413, message=TOO_LARGE_MESSAGE, message_class="bad")
        async with sessions() as session:
            result = await issuer.verify_upload(session, data)
            view = await _public_view(session, result.document, prefix) if result.document else None
        message, message_class = UPLOAD_MESSAGE[result.outcome]
        return _page(prefix, document=view, message=message, message_class=message_class)

    return router

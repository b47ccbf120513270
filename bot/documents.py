"""E-documents in the chat: the card with a page-1 preview and a download link, its media links,
and a fresh link for a parent who asks again from the status answer."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend import notices
from backend.applications.models import Application
from backend.documents.issuing import parent_document
from backend.documents.models import DocumentStatus, IssuedDocument
from backend.documents.preview import preview_png
from backend.documents.render import BANGKOK, format_code
from backend.documents.service import DocumentIssuer
from backend.documents.types import spec_for
from backend.sandbox import CHAT, SandboxFailed, shared_sandbox
from backend.thai.dates import format_thai_date
from bot import messages as m
from bot.cards import GREEN, GREY, RED, header, row
from bot.handlers import EventContext
from bot.media import Media, MediaLinks
from flows import postback
from flows.front_desk import DOCUMENT_LINK
from flows.services import title_of

log = logging.getLogger(__name__)

PREVIEW_KIND = "doc-preview"
PDF_KIND = "doc-pdf"
# LINE fetches the preview when the chat is opened, possibly days later; a download link is
# short-lived, and a fresh one is a tap away in the status answer.
PREVIEW_VALID_FOR = dt.timedelta(days=7)
DOWNLOAD_VALID_FOR = dt.timedelta(hours=24)
# LINE shows Flex images up to 1024 px on a side: an A4 page 724 px wide is 1024 px tall.
PREVIEW_WIDTH = 724
A4_ASPECT = "724:1024"

NOT_FOUND = "ขออภัยค่ะ ไม่พบเอกสารนี้ในคำขอของคุณ พิมพ์ “ติดตามสถานะ” เพื่อดูเอกสารของคุณค่ะ"
NO_LONGER_VALID = ("เอกสารนี้ถูกเพิกถอนหรือมีฉบับใหม่แทนแล้วค่ะ "
                   "พิมพ์ “ติดตามสถานะ” เพื่อดูเอกสารฉบับล่าสุดค่ะ")


def register_document_media(media: MediaLinks, issuer: DocumentIssuer) -> None:
    """The preview and PDF links: a link names only the document's row id; a document no
    longer in force serves nothing, so a revoked letter does not keep circulating."""

    async def valid_pdf(session: AsyncSession, ref: str) -> tuple[IssuedDocument, bytes] | None:
        document = await session.get(IssuedDocument, int(ref)) if ref.isdigit() else None
        if document is None or document.status != DocumentStatus.VALID:
            return None
        return document, await issuer.read_pdf(session, document)

    async def preview(session: AsyncSession, ref: str) -> Media | None:
        found = await valid_pdf(session, ref)
        if found is None:
            return None
        # Rendered where decoding has a memory and CPU budget, as every image from a file is.
        try:
            image = await shared_sandbox(CHAT).run(preview_png, found[1], width=PREVIEW_WIDTH)
        except SandboxFailed:
            log.warning("preview of document %s could not be rendered", ref)
            return None
        return Media(image, "image/png")

    async def pdf(session: AsyncSession, ref: str) -> Media | None:
        found = await valid_pdf(session, ref)
        if found is None:
            return None
        document, data = found
        return Media(data, "application/pdf", filename=spec_for(document.doc_type).download_name)

    media.register(PREVIEW_KIND, preview, valid_for=PREVIEW_VALID_FOR)
    media.register(PDF_KIND, pdf, valid_for=DOWNLOAD_VALID_FOR)


def _row(label: str, value: str) -> dict[str, Any]:
    return row(label, value, value_flex=6, limit=300)


def document_card(document: IssuedDocument, application: Application, *, media: MediaLinks,
                  headline: str, replaces: str | None = None) -> m.Message:
    """A Flex card: page 1 as the picture, what the document is, download and verify buttons."""
    ref = str(document.id)
    pdf_url = media.url(PDF_KIND, ref, suffix=".pdf")
    title = spec_for(document.doc_type).title_th
    rows = [_row("เอกสาร", title),
            _row("คำขอ", f"{title_of(application.service)} ({application.public_number})")]
    if application.child_name:
        rows.append(_row("ชื่อ", application.child_name))
    rows += [_row("ออกเมื่อ", format_thai_date(document.issued_at.astimezone(BANGKOK).date())),
             _row("รหัสตรวจสอบ", format_code(document.code))]
    if replaces:
        rows.append({"type": "text", "text": f"ฉบับนี้ใช้แทนฉบับเดิม (รหัส {format_code(replaces)}) "
                     "ซึ่งไม่มีผลแล้วค่ะ", "size": "sm", "color": RED, "wrap": True, "margin": "md"})
    hours = int(DOWNLOAD_VALID_FOR.total_seconds() // 3600)
    rows.append({"type": "text", "wrap": True, "size": "xs", "color": GREY, "margin": "md",
                 "text": f"เอกสารลงลายมือชื่อดิจิทัลโดยโรงเรียน ใช้แทนฉบับกระดาษได้ค่ะ "
                         f"ลิงก์ดาวน์โหลดใช้ได้ {hours} ชั่วโมง ขอลิงก์ใหม่ได้โดยพิมพ์ “ติดตามสถานะ”"})
    bubble = {
        "type": "bubble",
        "header": header(headline),
        "hero": {"type": "image", "url": media.url(PREVIEW_KIND, ref, suffix=".png"), "size": "full",
                 "aspectRatio": A4_ASPECT, "aspectMode": "fit", "backgroundColor": "#FFFFFF",
                 "action": m.uri_action("เปิดเอกสาร", pdf_url)},
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": rows},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
            {"type": "button", "style": "primary", "color": GREEN,
             "action": m.uri_action("ดาวน์โหลด PDF", pdf_url)},
            {"type": "button", "style": "link",
             "action": m.uri_action("ตรวจสอบความถูกต้อง", document.data["verify_url"])}]},
    }
    # The alt text shows in notifications on a locked screen: the document, not the child's name.
    return m.flex(f"{headline}: {title}", bubble)


async def issued_notice_messages(session: AsyncSession, notice: notices.Notice,
                                 media: MediaLinks) -> list[m.Message] | None:
    """The card for a document_issued notice; [] when the document was revoked before delivery
    (its revocation notice follows), None when the notice names no document."""
    data = notice.data or {}
    document_id = data.get("document_id")
    document = await session.get(IssuedDocument, int(document_id)) if document_id else None
    application = await session.get(Application, notice.application_id) if notice.application_id else None
    if document is None or application is None:
        return None
    if document.status != DocumentStatus.VALID:
        return []
    headline = "เอกสารฉบับใหม่ของคุณ" if data.get("replaces") else "เอกสารของคุณพร้อมแล้ว"
    return [document_card(document, application, media=media, headline=headline,
                          replaces=data.get("replaces"))]


class DocumentLinks:
    """Answers the status answer's "get the file" buttons with a fresh card, only to the parent
    whose application the document belongs to."""

    def __init__(self, media: MediaLinks) -> None:
        self._media = media

    async def answer(self, ctx: EventContext, data: str) -> list[m.Message] | None:
        """Messages for a document-link postback; None for any other postback."""
        pb = postback.decode(data)
        if pb is None or pb.action != DOCUMENT_LINK:
            return None
        ref = pb.arg(0) or ""
        found = (await parent_document(ctx.session, document_id=int(ref), school_id=ctx.channel.school_id,
                                       parent_ref=ctx.user_ref) if ref.isdigit() else None)
        if found is None:
            return m.text(NOT_FOUND)
        document, application = found
        if document.status != DocumentStatus.VALID:
            return m.text(NO_LONGER_VALID)
        return [document_card(document, application, media=self._media, headline="ลิงก์ดาวน์โหลดเอกสาร")]

"""Delivers the domain's notices in LINE: a Flex card per notice through the outbox, and for
notices that matter legally (a rejection, a late decision) a copy through the second channel."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import notices, outbox
from backend.applications.workflow import assigns_school, district_service
from backend.catalog import CATALOG
from backend.clock import Clock
from backend.documents.types import spec_for
from backend.second_channel import SecondChannel, SecondChannelError, send_legal_copy
from backend.welfare import is_civil_servant_service
from bot import admission
from bot import messages as m
from bot.cards import GREEN, GREY, RED, header, row
from bot.channels import Channel, ChannelRegistry
from bot.documents import issued_notice_messages
from bot.media import MediaLinks
from flows import postback
from flows.front_desk import RATE
from flows.services import title_of

log = logging.getLogger(__name__)

HEADLINES = {
    notices.STATUS_CHANGED: "อัปเดตสถานะคำขอ",
    notices.DOCUMENTS_REQUESTED: "โรงเรียนขอเอกสารเพิ่มเติม",
    notices.APPOINTMENT_SET: "นัดหมายจากโรงเรียน",
    notices.LATE_DECISION: "แจ้งความคืบหน้าคำขอ",
    notices.NEW_SUBMISSION: "มีคำขอใหม่",
    notices.DOCUMENTS_RECEIVED: "ผู้ปกครองส่งเอกสารเพิ่มแล้ว",
    notices.SIGN_OFF_NEEDED: "รอการลงนามของคุณ",
    notices.DECISION_OVERDUE: "คำขอเกินกำหนดพิจารณา",
    notices.DOCUMENT_ISSUED: "เอกสารของคุณพร้อมแล้ว",
    notices.DOCUMENT_REVOKED: "เอกสารถูกเพิกถอน",
    notices.SIGNATURE_NEEDED: "เอกสารรอท่านลงนาม",
}


def rating_buttons(application_id: int) -> dict[str, Any]:
    """Five taps from 1 to 5 stars: the parent confirms the outcome and rates the service."""
    stars = [{"type": "button", "style": "secondary", "height": "sm",
              "action": m.postback_action(f"{n}★", postback.encode(postback.NO_CONVERSATION, RATE, str(application_id),
                                                                 str(n)), display_text=f"ให้คะแนน {n} ดาว")}
             for n in range(1, 6)]
    return {"type": "box", "layout": "vertical", "spacing": "xs", "contents": [
        {"type": "text", "text": "ยืนยันผลและให้คะแนนบริการ", "size": "xs", "color": GREY, "align": "center"},
        {"type": "box", "layout": "horizontal", "spacing": "xs", "contents": stars}]}


# A civil servant's claim: the district's finance staff ask, and a claimant (not a parent) answers.
CLAIM_HEADLINES = {
    notices.DOCUMENTS_REQUESTED: "กลุ่มการเงินขอเอกสารเพิ่มเติม",
    notices.DOCUMENTS_RECEIVED: "ผู้ขอส่งเอกสารเพิ่มแล้ว",
    notices.NEW_SUBMISSION: "มีคำขอเบิกใหม่",
}

# Bad news reads as bad news: a refusal or a revoked document never wears the good-news green.
BAD_NEWS_HEADLINES = {"rejected": "แจ้งผลการพิจารณาคำขอ"}


def _headline(notice: notices.Notice, data: dict[str, Any]) -> tuple[str, str]:
    """The card's headline and its band's colour."""
    if notice.kind == notices.STATUS_CHANGED and data.get("status") in BAD_NEWS_HEADLINES:
        return BAD_NEWS_HEADLINES[str(data["status"])], RED
    if notice.kind == notices.DOCUMENT_REVOKED:
        return HEADLINES[notice.kind], RED
    if notice.kind in CLAIM_HEADLINES and is_civil_servant_service(str(data.get("service", ""))):
        return CLAIM_HEADLINES[notice.kind], GREEN  # the district's finance staff and a claimant
    return HEADLINES.get(notice.kind, "แจ้งเตือนจากโรงเรียน"), GREEN


def card(notice: notices.Notice, *, staff_url: str) -> m.Message:
    data = notice.data or {}
    headline, colour = _headline(notice, data)
    title = title_of(str(data.get("service", "")))
    body = _detail_rows(data, title)
    next_th = data.get("next_th") or ""
    if notice.kind == notices.DOCUMENTS_REQUESTED:
        next_th = "ส่งรูปหรือไฟล์เอกสารในแชตนี้ได้เลยค่ะ ระบบจะถามทีละรายการ"
    if next_th:
        body.append({"type": "text", "text": m.shorten(next_th, 500), "size": "sm", "wrap": True, "margin": "md"})
    footer: list[dict[str, Any]] = [
        {"type": "button", "style": "primary", "color": GREEN, "action": _button(notice, staff_url)}]
    if data.get("ask_rating") and notice.application_id:
        footer.insert(0, rating_buttons(notice.application_id))
    bubble = {
        "type": "bubble",
        "header": header(headline, colour),
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": footer},
    }
    alt = f"{headline}: {title} {data.get('status_th', '')}".strip()
    return m.flex(alt, bubble)


def _button(notice: notices.Notice, staff_url: str) -> dict[str, Any]:
    if notice.audience == notices.STAFF:
        service = str((notice.data or {}).get("service", ""))
        if district_service(service):  # the district's own pages
            if assigns_school(service):
                return m.uri_action("เปิดคำขอ", f"{staff_url}/district")
            return m.uri_action("เปิดคำขอ", f"{staff_url}/district/requests/{notice.application_id}")
        if is_civil_servant_service(service):
            return m.uri_action("เปิดคำขอ", f"{staff_url}/welfare")  # the district finance's page
        return m.uri_action("เปิดคำขอ", f"{staff_url}/applications/{notice.application_id}")
    if notice.kind == notices.DOCUMENTS_REQUESTED:
        return m.message_action("ส่งเอกสาร", "ส่งเอกสารเพิ่ม")
    return m.message_action("ดูสถานะคำขอ", "ติดตามสถานะ")


def _detail_rows(data: dict[str, Any], title: str) -> list[dict[str, Any]]:
    """A row for each detail the notice carries: the request, child, status, reasons, dates."""
    rows = [row("คำขอ", f"{title} ({data.get('public_number', '')})")]
    # filed_through: a civil servant's claim names the claimant's school to the finance staff.
    rows += [row(label, str(data[key])) for key, label in (("child_name", "นักเรียน"), ("filed_through", "ผู้ขอสังกัด"))
             if data.get(key)]
    if data.get("doc_type") in CATALOG.document_ids():
        rows.append(row("เอกสาร", spec_for(data["doc_type"]).title_th))
    if data.get("status_th"):
        rejected = data.get("status") == "rejected"
        rows.append(row("สถานะ", str(data["status_th"]), color=RED if rejected else GREEN, bold=True))
    if data.get("reason"):
        rows.append(row("เหตุผล", str(data["reason"])))
    if data.get("late_reason"):
        rows.append(row("เหตุที่ล่าช้า", str(data["late_reason"])))
    documents = data.get("documents") or []
    if documents:
        rows.append(row("เอกสารที่ขอ", "\n".join(f"• {d.get('name', '')}" for d in documents)))
    appointment = data.get("appointment") or {}
    if appointment:
        when = appointment.get("when_th") or appointment.get("at", "")
        place = appointment.get("place", "")
        rows.append(row("นัดหมาย", f"{when} {place}".strip()))
        if appointment.get("note"):
            rows.append(row("หมายเหตุ", str(appointment["note"])))
    if data.get("due_date_th"):
        rows.append(row("กำหนดแล้วเสร็จ", str(data["due_date_th"])))
    return rows


# Notices turned into outbox messages per pass: an admission round's results to thousands of
# parents go in a few passes, each one INSERT (the sender pushes them in bulk: bot/bulk.py).
NOTICE_BATCH = 1000
# A pass renders and encodes in the event loop (about 0.1 ms a notice); every this many it lets the
# loop run, so that pushes the bulk sender has paced in the same process leave on time.
YIELD_EVERY = 50


async def deliver_notices(*, sessions: async_sessionmaker[AsyncSession], channels: ChannelRegistry,
                          clock: Clock, staff_url: str, second_channel: SecondChannel | None,
                          render: Callable[[notices.Notice], list[m.Message] | None] | None = None,
                          media: MediaLinks | None = None, limit: int = NOTICE_BATCH) -> int:
    """Queue a chat message for up to ``limit`` pending notices; returns how many were handled.

    ``render`` gives the messages of notices other modules own (fees); None: the usual card."""
    async with sessions() as session:
        pending = await notices.pending_notices(session, limit=limit)
        now = clock.now()
        rows: list[dict[str, Any]] = []
        school_channels: dict[int, Channel | None] = {}
        for done, notice in enumerate(pending, start=1):
            if done % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # the sender in this process releases its pushes meanwhile
            if notice.school_id not in school_channels:
                school_channels[notice.school_id] = await channels.for_school(notice.school_id)
            channel = school_channels[notice.school_id]
            payload = [admission.card(notice) if notice.kind in admission.KINDS else card(notice, staff_url=staff_url)]
            # -- e-documents: the card with the page-1 preview and the download link.
            if notice.kind == notices.DOCUMENT_ISSUED and media is not None:
                document_messages = await issued_notice_messages(session, notice, media)
                payload = payload if document_messages is None else document_messages
            if channel is not None and payload:
                rows += outbox.notice_rows(school_id=notice.school_id, channel=channel.slug,
                                           recipient=notice.recipient_ref, notice_id=notice.id,
                                           batches=[(render(notice) if render else None) or payload], now=now)
            if notice.legal and second_channel is not None:
                try:
                    await send_legal_copy(session, second_channel, notice, now=now)
                except SecondChannelError:
                    log.warning("second channel failed for notice %s; will retry", notice.id)
                    continue
        for start in range(0, len(rows), YIELD_EVERY):  # each INSERT's encoding is short, then the loop is free
            await outbox.add_many(session, rows[start:start + YIELD_EVERY])
        await notices.mark_delivered(session, [n.id for n in pending], now=now)
        await session.commit()
    return len(pending)

"""What the bot does with each kind of LINE event; returns the messages to reply with.

The conversation itself (services, questions, answers) lives in flows/; this module decodes
LINE events, keeps follow state and received files, and hands text and taps to the conversation.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from backend import contacts, outbox
from backend.clock import Clock
from backend.files.service import FileRejected
from bot import messages as m
from bot.channels import Channel
from bot.line_api import LineClients

log = logging.getLogger(__name__)

MEDIA_TYPES = {"image", "file", "video", "audio"}
ONLY_DOCUMENTS = ("ขออภัยค่ะ ระบบรับเอกสารได้เฉพาะรูปภาพ (JPEG, PNG, HEIC) หรือไฟล์ PDF ค่ะ "
                  "กรุณาถ่ายรูปเอกสารแล้วส่งเข้ามาใหม่นะคะ")
FROM_DEVICE = "ขออภัยค่ะ กรุณาส่งรูปหรือไฟล์จากเครื่องโดยตรงนะคะ ระบบเปิดลิงก์ภายนอกไม่ได้ค่ะ"
EXPIRED = "ขออภัยค่ะ ไฟล์นี้หมดอายุหรือถูกยกเลิกการส่งแล้ว กรุณาส่งใหม่อีกครั้งนะคะ"


@dataclass
class EventContext:
    session: AsyncSession
    channel: Channel
    school_name: str
    user_ref: str
    event: dict[str, Any]
    now: dt.datetime


class Conversation(Protocol):
    """The conversation engine as the edge sees it (implemented over flows/)."""

    async def on_text(self, ctx: EventContext, text: str) -> list[m.Message]: ...
    async def on_postback(self, ctx: EventContext, data: str, params: dict[str, str]) -> list[m.Message]: ...
    async def on_files(self, ctx: EventContext, file_ids: list[str]) -> list[m.Message]: ...
    async def on_other(self, ctx: EventContext, kind: str) -> list[m.Message]: ...
    # Optional, on_refused(ctx, message_th): a file the edge refused; the question is asked again.


class FileStore(Protocol):
    async def store(self, session: AsyncSession, *, school_id: int, owner_ref: str, source_ref: str,
                    data: bytes, group_ref: str | None = None, group_index: int | None = None,
                    group_size: int | None = None): ...
    async def delete_by_source(self, session: AsyncSession, *, school_id: int, source_ref: str) -> int: ...
    async def group_file_ids(self, session: AsyncSession, *, school_id: int, group_ref: str) -> list[str]: ...


def greeting(school_name: str) -> list[m.Message]:
    return m.text(
        f"สวัสดีค่ะ ยินดีต้อนรับสู่บริการออนไลน์ของ{school_name}ค่ะ\n\n"
        "คุณผู้ปกครองยื่นคำขอบริการของโรงเรียน แนบรูปเอกสาร ชำระค่าธรรมเนียม "
        "และรับเอกสารผลการพิจารณาได้ในแชตนี้ค่ะ\n\n"
        "เลือกบริการจากเมนูด้านล่าง หรือพิมพ์สิ่งที่ต้องการได้เลยค่ะ เช่น \"สมัครเรียน ป.1\"",
        quick_replies=[m.message_action("ดูบริการทั้งหมด", "เมนู"), m.message_action("ติดตามสถานะ", "ติดตามสถานะ")],
    )


class EventHandler:
    def __init__(self, *, conversation: Conversation, files: FileStore, clients: LineClients,
                 clock: Clock, max_upload_bytes: int) -> None:
        self._conversation = conversation
        self._files = files
        self._clients = clients
        self._clock = clock
        self._max_upload_bytes = max_upload_bytes

    async def handle(self, ctx: EventContext) -> list[m.Message]:
        event = ctx.event
        if event.get("mode") == "standby":
            return []  # Another channel (e.g. a chat module) owns the conversation.
        kind = event.get("type")
        if kind == "follow":
            await contacts.set_following(ctx.session, school_id=ctx.channel.school_id, channel=ctx.channel.slug,
                                         user_ref=ctx.user_ref, following=True, now=ctx.now)
            return greeting(ctx.school_name)
        if kind == "unfollow":
            await contacts.set_following(ctx.session, school_id=ctx.channel.school_id, channel=ctx.channel.slug,
                                         user_ref=ctx.user_ref, following=False, now=ctx.now)
            await outbox.drop_pending(ctx.session, channel=ctx.channel.slug, recipient=ctx.user_ref,
                                      reason="recipient unfollowed the account")
            return []
        if kind == "unsend":
            message_id = (event.get("unsend") or {}).get("messageId")
            if message_id:
                await self._files.delete_by_source(ctx.session, school_id=ctx.channel.school_id,
                                                   source_ref=message_id)
            return []
        if kind == "postback":
            postback = event.get("postback") or {}
            return await self._conversation.on_postback(ctx, str(postback.get("data", "")),
                                                        dict(postback.get("params") or {}))
        if kind == "message":
            return await self._on_message(ctx, event.get("message") or {})
        return []  # Other event types (join, beacon, ...) are recorded and ignored.

    async def _on_message(self, ctx: EventContext, message: dict[str, Any]) -> list[m.Message]:
        kind = message.get("type")
        if kind == "text":
            return await self._conversation.on_text(ctx, str(message.get("text", "")))
        if kind in MEDIA_TYPES:
            return await self._on_media(ctx, message)
        return await self._conversation.on_other(ctx, str(kind))

    async def _on_media(self, ctx: EventContext, message: dict[str, Any]) -> list[m.Message]:

        if message.get("type") in {"video", "audio"}:
            return await self._refused(ctx, ONLY_DOCUMENTS)
        provider = message.get("contentProvider") or {}
        if provider.get("type", "line") != "line":
            return await self._refused(ctx, FROM_DEVICE)
        if int(message.get("fileSize") or 0) > self._max_upload_bytes:
            return await self._refused(ctx, too_big_text(self._max_upload_bytes))
        image_set = message.get("imageSet") or {}
        from linebot.v3.messaging.exceptions import ApiException  # lazy: see bot/line_api.py

        try:
            data = await self._download(ctx.channel, str(message["id"]))
        except ApiException as error:
            if error.status in (404, 410):
                return await self._refused(ctx, EXPIRED)
            raise
        if len(data) > self._max_upload_bytes:
            return await self._refused(ctx, too_big_text(self._max_upload_bytes))
        try:
            stored = await self._files.store(
                ctx.session, school_id=ctx.channel.school_id, owner_ref=ctx.user_ref,
                source_ref=str(message["id"]), data=data, group_ref=image_set.get("id"),
                group_index=image_set.get("index"), group_size=image_set.get("total"))
        except FileRejected as error:
            return await self._refused(ctx, error.message_th)
        if image_set.get("id") and image_set.get("total"):
            # Photos sent together arrive as separate events; answer once, for the whole set.
            group = await self._files.group_file_ids(ctx.session, school_id=ctx.channel.school_id,
                                                     group_ref=image_set["id"])
            if len(group) < int(image_set["total"]):
                return []
            return await self._conversation.on_files(ctx, group)
        return await self._conversation.on_files(ctx, [stored.id])

    async def _refused(self, ctx: EventContext, message_th: str) -> list[m.Message]:
        """A refused file: the conversation asks its open question again with the refusal, so its
        buttons stay ("ไม่มีเอกสารนี้", "ย้อนกลับ"); a conversation without that hook just says it."""
        on_refused = getattr(self._conversation, "on_refused", None)
        if on_refused is None:
            return m.text(message_th)
        return await on_refused(ctx, message_th)

    async def _download(self, channel: Channel, message_id: str) -> bytes:
        response = await self._clients.blob(channel).get_message_content_with_http_info(message_id)
        return bytes(response.data)


def too_big_text(limit: int) -> str:
    return (f"ขออภัยค่ะ ไฟล์ใหญ่เกิน {limit // (1024 * 1024)} MB ค่ะ "
            "กรุณาส่งรูปที่เล็กลง หรือแยกไฟล์ PDF เป็นหลายไฟล์นะคะ")

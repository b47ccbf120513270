"""Plays LINE users towards the bot: builds, signs and posts webhook events for user actions."""

from __future__ import annotations

import base64
import copy
import dataclasses
import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from typing import Any

import httpx

from bot.simulator import ids
from bot.simulator.standin import LineStandIn, LineUser

logger = logging.getLogger(__name__)

# (bytes, content type) or (bytes, content type, file name)
FileSpec = tuple[bytes, str] | tuple[bytes, str, str]


class WebhookDeliveryError(Exception):
    """The bot's webhook URL could not be reached at all (no HTTP status)."""


class NotFollowingError(Exception):
    """The action needs the user to be a friend of the account (or the opposite)."""


def sign_body(channel_secret: str, body: bytes) -> str:
    """x-line-signature: base64 of HMAC-SHA256 over the raw body with the channel secret."""
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclasses.dataclass
class WebhookDelivery:
    body: bytes
    signature: str
    status: int | None


class Simulator:
    """User actions as LINE would report them to the bot's webhook.

    Each action returns the HTTP status the webhook answered. Pass `http_client` to reach an
    in-process bot (httpx.ASGITransport); otherwise a client is created for real HTTP.
    """

    def __init__(
        self,
        standin: LineStandIn,
        webhook_url: str,
        *,
        http_client: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.standin = standin
        self.webhook_url = webhook_url
        self._client = http_client or httpx.AsyncClient(timeout=timeout)
        self._owns_client = http_client is None
        self.deliveries: list[WebhookDelivery] = []
        self._last_events: dict[str, list[dict[str, Any]]] = {}
        self._last_entries: dict[str, list[dict[str, Any]]] = {}

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    # ----- users ---------------------------------------------------------------------------

    def add_user(self, display_name: str | None = None) -> SimulatedUser:
        return SimulatedUser(self, self.standin.add_user(display_name).user_id)

    def _require_user(self, user_id: str, *, following: bool | None = True) -> LineUser:
        user = self.standin.user(user_id)
        if user is None:
            raise KeyError(f"unknown simulated user {user_id}")
        if following is not None and user.following != following:
            raise NotFollowingError(
                "user must be a friend of the account" if following
                else "user is already a friend of the account"
            )
        return user

    # ----- events --------------------------------------------------------------------------

    def _event(self, event_type: str, user_id: str, *, reply_token: bool = True) -> dict[str, Any]:
        now = self.standin.clock.now()
        event: dict[str, Any] = {
            "type": event_type,
            "mode": "active",
            "timestamp": int(now.timestamp() * 1000),
            "source": {"type": "user", "userId": user_id},
            "webhookEventId": ids.new_ulid(now),
            "deliveryContext": {"isRedelivery": False},
        }
        if reply_token:
            event["replyToken"] = self.standin.issue_reply_token(user_id, now)
        return event

    async def post_events(self, events: list[dict[str, Any]]) -> int:
        """Signs and posts {destination, events}; the status the webhook answered."""
        body = json.dumps(
            {"destination": self.standin.bot_user_id, "events": events},
            ensure_ascii=False, separators=(",", ":"),
        ).encode()
        signature = sign_body(self.standin.channel_secret, body)
        delivery = WebhookDelivery(body, signature, None)
        self.deliveries.append(delivery)
        try:
            response = await self._client.post(
                self.webhook_url,
                content=body,
                headers={
                    "content-type": "application/json; charset=utf-8",
                    "x-line-signature": signature,
                    "user-agent": "LineBotWebhook/2.0",
                },
            )
        except httpx.TransportError as exc:
            logger.warning("webhook not reachable: %s", type(exc).__name__)
            raise WebhookDeliveryError(f"webhook {self.webhook_url} not reachable") from exc
        delivery.status = response.status_code
        return response.status_code

    async def _send(
        self, user_id: str, events: list[dict[str, Any]], entries: list[dict[str, Any]]
    ) -> int:
        """Shows the user's side on the timeline first (as LINE does), then posts."""
        for entry in entries:
            await self.standin.record_user_entry(user_id, entry)
        self._last_events[user_id] = events
        self._last_entries[user_id] = entries
        try:
            status = await self.post_events(events)
        except WebhookDeliveryError:
            for entry in entries:
                entry["webhookStatus"] = None
            raise
        for entry in entries:
            entry["webhookStatus"] = status
        return status

    async def follow(self, user_id: str) -> int:
        user = self._require_user(user_id, following=False)
        event = self._event("follow", user_id)
        event["follow"] = {"isUnblocked": user.has_followed_before}
        user.following = True
        user.has_followed_before = True
        text = "เลิกบล็อกแล้ว" if event["follow"]["isUnblocked"] else "เพิ่มเพื่อนแล้ว"
        return await self._send(user_id, [event], [{"from": "system", "kind": "follow",
                                                    "text": text}])

    async def unfollow(self, user_id: str) -> int:
        user = self._require_user(user_id, following=True)
        user.following = False
        event = self._event("unfollow", user_id, reply_token=False)
        return await self._send(user_id, [event], [{"from": "system", "kind": "unfollow",
                                                    "text": "บล็อกบัญชีนี้แล้ว"}])

    async def send_text(
        self, user_id: str, text: str, *, quoted_message_id: str | None = None
    ) -> int:
        self._require_user(user_id)
        event = self._event("message", user_id)
        message: dict[str, Any] = {
            "type": "text", "id": self.standin.new_message_id(),
            "quoteToken": ids.new_quote_token(), "text": text,
        }
        if quoted_message_id:
            message["quotedMessageId"] = quoted_message_id
        event["message"] = message
        entry = {"from": "user", "message": {"type": "text", "id": message["id"], "text": text}}
        return await self._send(user_id, [event], [entry])

    async def tap_postback(
        self,
        user_id: str,
        data: str,
        *,
        display_text: str | None = None,
        params: dict[str, str] | None = None,
    ) -> int:
        """A postback action; displayText shows in the chat as the user's words (no message event)."""
        self._require_user(user_id)
        event = self._event("postback", user_id)
        event["postback"] = {"data": data, **({"params": params} if params else {})}
        entry = {"from": "user", "message": {"type": "postback", "data": data,
                                             "displayText": display_text, "params": params}}
        return await self._send(user_id, [event], [entry])

    async def send_sticker(
        self, user_id: str, package_id: str = "446", sticker_id: str = "1988"
    ) -> int:
        self._require_user(user_id)
        event = self._event("message", user_id)
        message_id = self.standin.new_message_id()
        event["message"] = {
            "type": "sticker", "id": message_id, "quoteToken": ids.new_quote_token(),
            "packageId": package_id, "stickerId": sticker_id,
            "stickerResourceType": "STATIC", "keywords": ["ok", "thanks"],
        }
        entry = {"from": "user", "message": {"type": "sticker", "id": message_id,
                                             "packageId": package_id, "stickerId": sticker_id}}
        return await self._send(user_id, [event], [entry])

    async def send_files(
        self, user_id: str, files: Sequence[FileSpec], *, together: bool = False
    ) -> list[int]:
        """Photos become image messages (an imageSet when several), anything else a file message.

        LINE usually posts each image of a set in its own request; together=True puts all
        events in one request instead. Returns the webhook status of each request.
        """
        self._require_user(user_id)
        images = [f for f in files if f[1].startswith("image/")]
        image_set_id = ids.new_image_set_id() if len(images) > 1 else None
        batch: list[tuple[dict[str, Any], dict[str, Any]]] = []
        image_index = 0
        for spec in files:
            data, content_type = spec[0], spec[1]
            message_id = self.standin.new_message_id()
            self.standin.store_content(message_id, data, content_type)
            event = self._event("message", user_id)
            media_path = f"api/media/{message_id}"
            if content_type.startswith("image/"):
                image_index += 1
                message: dict[str, Any] = {
                    "type": "image", "id": message_id, "quoteToken": ids.new_quote_token(),
                    "contentProvider": {"type": "line"},
                }
                if image_set_id:
                    message["imageSet"] = {"id": image_set_id, "index": image_index,
                                           "total": len(images)}
                entry_message = {"type": "image", "id": message_id, "mediaPath": media_path}
            else:
                file_name = spec[2] if len(spec) > 2 else f"file-{message_id}.pdf"
                message = {"type": "file", "id": message_id, "fileName": file_name,
                           "fileSize": len(data)}
                entry_message = {"type": "file", "id": message_id, "fileName": file_name,
                                 "fileSize": len(data), "mediaPath": media_path}
            event["message"] = message
            batch.append((event, {"from": "user", "message": entry_message}))
        if together:
            return [await self._send(user_id, [e for e, _ in batch], [m for _, m in batch])]
        return [await self._send(user_id, [event], [entry]) for event, entry in batch]

    async def unsend(self, user_id: str, message_id: str) -> int:
        self._require_user(user_id, following=None)
        await self.standin.mark_unsent(user_id, message_id)
        event = self._event("unsend", user_id, reply_token=False)
        event["unsend"] = {"messageId": message_id}
        return await self._send(user_id, [event], [{"from": "system", "kind": "unsend",
                                                    "text": "ยกเลิกการส่งข้อความแล้ว"}])

    async def switch_rich_menu(self, user_id: str, alias_id: str, data: str) -> int:
        """A richmenuswitch tap: the user's menu changes on their side, then a postback."""
        self._require_user(user_id)
        menu = self.standin.switch_rich_menu(user_id, alias_id)
        params = {"newRichMenuAliasId": alias_id, "status": "SUCCESS" if menu else "FAILED"}
        event = self._event("postback", user_id)
        event["postback"] = {"data": data, "params": params}
        self._last_events[user_id] = [event]
        return await self.post_events([event])

    async def redeliver_last(self, user_id: str) -> int:
        """The last request for this user again: same event IDs and reply tokens, isRedelivery."""
        events = self._last_events.get(user_id)
        if not events:
            raise LookupError("no event to redeliver for this user")
        redelivered = copy.deepcopy(events)
        for event in redelivered:
            event["deliveryContext"] = {"isRedelivery": True}
            if "replyToken" in event:
                self.standin.rearm_reply_token_for_redelivery(event["replyToken"])
        status = await self.post_events(redelivered)
        await self.standin.record_user_entry(user_id, {
            "from": "system", "kind": "redelivery", "text": "ส่ง webhook ซ้ำ (redelivery)",
            "webhookStatus": status,
        })
        return status

    async def connection_check(self) -> int:
        """LINE's "Verify" button: an empty events array."""
        return await self.post_events([])


@dataclasses.dataclass
class SimulatedUser:
    """One simulated LINE user; the same actions as Simulator without repeating the ID."""

    simulator: Simulator
    user_id: str

    async def follow(self) -> int:
        return await self.simulator.follow(self.user_id)

    async def unfollow(self) -> int:
        return await self.simulator.unfollow(self.user_id)

    async def send_text(self, text: str, **kwargs: Any) -> int:
        return await self.simulator.send_text(self.user_id, text, **kwargs)

    async def tap_postback(self, data: str, **kwargs: Any) -> int:
        return await self.simulator.tap_postback(self.user_id, data, **kwargs)

    async def send_files(self, files: Sequence[FileSpec], **kwargs: Any) -> list[int]:
        return await self.simulator.send_files(self.user_id, files, **kwargs)

    async def send_sticker(self, *args: str) -> int:
        return await self.simulator.send_sticker(self.user_id, *args)

    async def unsend(self, message_id: str) -> int:
        return await self.simulator.unsend(self.user_id, message_id)

    async def redeliver_last(self) -> int:
        return await self.simulator.redeliver_last(self.user_id)

    def bot_messages(self) -> list[dict[str, Any]]:
        return self.simulator.standin.bot_messages(self.user_id)

    async def wait_for_bot_messages(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        return await self.simulator.standin.wait_for_bot_messages(self.user_id, count, timeout)

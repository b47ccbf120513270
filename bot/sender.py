"""Delivery of outbox messages to LINE: reply while the token is fresh, else push with a retry key.

Outcomes: 2xx, or 409 on a push (LINE already accepted that retry key) -> sent. Network errors,
429 and 5xx -> retried with backoff, same retry key. Other 4xx -> failed, with LINE's message kept
for staff. An expired or used reply token falls back to a push.

Each outcome is one UPDATE that stands on its own (the send cannot be undone), so delivery runs
outside any transaction: the caller's session must have none open.
"""

from __future__ import annotations

import dataclasses
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from backend import contacts, metrics, outbox
from backend.clock import Clock
from backend.db import autocommit
from backend.outbox import Queued
from bot.channels import Channel
from bot.line_api import LineClients

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"


class _Retry(Exception):
    pass


class _TokenUnusable(Exception):
    pass


class Sender:
    def __init__(self, *, clients: LineClients, clock: Clock) -> None:
        self._clients = clients
        self._clock = clock

    async def deliver_pending(self, session: AsyncSession, channel: Channel, recipient: str) -> None:
        """Deliver the recipient's due messages in order; stop at the first that must wait.

        The caller holds the recipient's lock, so order holds across processes.
        """
        await autocommit(session)
        await self._deliver_in_order(session, channel, await outbox.pending_for(
            session, channel=channel.slug, recipient=recipient))

    async def deliver(self, session: AsyncSession, channel: Channel, messages: list[Queued]) -> None:
        """Deliver these messages, just written, in order (the caller knows nothing older waits)."""
        await autocommit(session)
        await self._deliver_in_order(session, channel, messages)

    async def _deliver_in_order(self, session: AsyncSession, channel: Channel, messages: list[Queued]) -> None:
        """Stop at the first message that must wait: it keeps its place, the next pass starts from it."""
        for message in messages:
            if message.next_attempt_at > self._clock.now():
                return
            if not await self._deliver(session, channel, message):
                return

    async def _deliver(self, session: AsyncSession, channel: Channel, message: Queued) -> bool:
        """Try once; True when the message reached a final state."""
        from linebot.v3.messaging.exceptions import ApiException  # lazy: see bot/line_api.py

        attempts = message.attempts + 1
        try:
            if self._reply_usable(message):
                try:
                    await self._send(channel, REPLY_PATH, {"replyToken": message.reply_token,
                                                          "messages": message.payload})
                    await outbox.record_sent(session, message.id, attempts=attempts, via="reply",
                                             now=self._clock.now())
                    metrics.OUTBOX_FINAL.labels(outbox.SENT).inc()
                    return True
                except _TokenUnusable:
                    message = dataclasses.replace(message, reply_token=None)  # expired or used: push
            if not await contacts.is_reachable(session, channel=channel.slug, user_ref=message.recipient):
                await outbox.record_final(session, message.id, status=outbox.DROPPED, attempts=attempts,
                                          error="recipient unfollowed the account")
                return True
            await self._push(channel, message)
            await outbox.record_sent(session, message.id, attempts=attempts, via="push", now=self._clock.now())
            metrics.OUTBOX_FINAL.labels(outbox.SENT).inc()
            return True
        except _Retry as retry:
            return await self._later(session, message, attempts, str(retry))
        except ApiException as error:
            reason = f"{error.status} {(error.body or '')[:400]}"
            if error.status == 429 or error.status >= 500:
                return await self._later(session, message, attempts, reason)
            log.warning("LINE refused outbox message %s: HTTP %s", message.id, error.status)
            await outbox.record_final(session, message.id, status=outbox.FAILED, attempts=attempts, error=reason)
            metrics.OUTBOX_FINAL.labels(outbox.FAILED).inc()
            return True

    def _reply_usable(self, message: Queued) -> bool:
        return bool(
            message.reply_token and message.reply_deadline and self._clock.now() < message.reply_deadline
        )

    async def _send(self, channel: Channel, path: str, body: dict, *, retry_key: str | None = None) -> None:
        import aiohttp  # lazy, like the SDK that uses it: see bot/line_api.py
        from linebot.v3.messaging.exceptions import ApiException

        try:
            await self._clients.post_messages(channel, path, body, retry_key=retry_key)
        except ApiException as error:
            if path == REPLY_PATH and error.status == 400 and "reply token" in (error.body or "").lower():
                raise _TokenUnusable from error
            raise
        except (aiohttp.ClientError, TimeoutError) as error:
            raise _Retry(type(error).__name__) from error

    async def _push(self, channel: Channel, message: Queued) -> None:
        from linebot.v3.messaging.exceptions import ApiException  # lazy: see bot/line_api.py

        try:
            await self._send(channel, PUSH_PATH, {"to": message.recipient, "messages": message.payload},
                             retry_key=message.retry_key)
        except ApiException as error:
            if error.status == 409:
                return  # LINE accepted this retry key before: it was delivered.
            raise

    async def _later(self, session: AsyncSession, message: Queued, attempts: int, reason: str) -> bool:
        if attempts >= MAX_ATTEMPTS:
            await outbox.record_final(session, message.id, status=outbox.FAILED, attempts=attempts, error=reason)
            metrics.OUTBOX_FINAL.labels(outbox.FAILED).inc()
            return True
        metrics.OUTBOX_RETRIES.inc()
        await outbox.record_retry(session, message.id, attempts=attempts, error=reason,
                                  next_attempt_at=self._clock.now() + outbox.backoff(attempts),
                                  reply_token=message.reply_token)
        return False

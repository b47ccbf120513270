"""Delivery of outbox messages to LINE: reply while the token is fresh, else push with a retry key.

Outcomes: 2xx, or 409 on a push (LINE already accepted that retry key) -> sent. Network errors,
429 and 5xx -> retried with backoff, same retry key. Other 4xx -> failed, with LINE's message kept
for staff. An expired or used reply token falls back to a push.
"""

from __future__ import annotations

import logging

import aiohttp
from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest
from linebot.v3.messaging.exceptions import ApiException
from sqlalchemy.ext.asyncio import AsyncSession

from backend import contacts, outbox
from backend.clock import Clock
from backend.outbox import OutboundMessage
from bot.channels import Channel
from bot.line_api import LineClients

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


class _Retry(Exception):
    pass


class Sender:
    def __init__(self, *, clients: LineClients, clock: Clock) -> None:
        self._clients = clients
        self._clock = clock

    async def deliver_pending(self, session: AsyncSession, channel: Channel, recipient: str) -> None:
        """Deliver the recipient's due messages in order; stop at the first that must wait.

        The caller holds the recipient's lock, so order holds across processes.
        """
        for message in await outbox.pending_for(session, channel=channel.slug, recipient=recipient):
            if message.next_attempt_at > self._clock.now():
                return
            if not await self._deliver(session, channel, message):
                return

    async def _deliver(self, session: AsyncSession, channel: Channel, message: OutboundMessage) -> bool:
        """Try once; True when the message reached a final state."""
        message.attempts += 1
        try:
            if self._reply_usable(message):
                if await self._try_reply(channel, message):
                    return await self._done(session, message, via="reply")
            if not await contacts.is_reachable(session, channel=channel.slug, user_ref=message.recipient):
                message.status = outbox.DROPPED
                message.last_error = "recipient unfollowed the account"
                await session.commit()
                return True
            await self._push(channel, message)
            return await self._done(session, message, via="push")
        except _Retry as retry:
            return await self._later(session, message, str(retry))
        except ApiException as error:
            reason = f"{error.status} {(error.body or '')[:400]}"
            if error.status == 429 or error.status >= 500:
                return await self._later(session, message, reason)
            log.warning("LINE refused outbox message %s: HTTP %s", message.id, error.status)
            message.status = outbox.FAILED
            message.last_error = reason
            await session.commit()
            return True

    def _reply_usable(self, message: OutboundMessage) -> bool:
        return bool(
            message.reply_token and message.reply_deadline and self._clock.now() < message.reply_deadline
        )

    async def _try_reply(self, channel: Channel, message: OutboundMessage) -> bool:
        """Reply; False when the token turned out to be unusable, so a push should follow."""
        request = ReplyMessageRequest.from_dict({"replyToken": message.reply_token, "messages": message.payload})
        try:
            await self._clients.messaging(channel).reply_message(request)
        except ApiException as error:
            if error.status == 400 and "reply token" in (error.body or "").lower():
                message.reply_token = None
                return False
            raise
        except (aiohttp.ClientError, TimeoutError) as error:
            raise _Retry(type(error).__name__) from error
        return True

    async def _push(self, channel: Channel, message: OutboundMessage) -> None:
        request = PushMessageRequest.from_dict({"to": message.recipient, "messages": message.payload})
        try:
            await self._clients.messaging(channel).push_message_with_http_info(
                request, x_line_retry_key=message.retry_key
            )
        except ApiException as error:
            if error.status == 409:
                return  # LINE accepted this retry key before: it was delivered.
            raise
        except (aiohttp.ClientError, TimeoutError) as error:
            raise _Retry(type(error).__name__) from error

    async def _done(self, session: AsyncSession, message: OutboundMessage, *, via: str) -> bool:
        message.status = outbox.SENT
        message.sent_at = self._clock.now()
        message.sent_via = via
        message.last_error = None
        await session.commit()
        return True

    async def _later(self, session: AsyncSession, message: OutboundMessage, reason: str) -> bool:
        message.last_error = reason[:500]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = outbox.FAILED
            await session.commit()
            return True
        message.next_attempt_at = self._clock.now() + outbox.backoff(message.attempts)
        await session.commit()
        return False

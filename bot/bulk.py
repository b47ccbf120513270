"""Notices to many people at once (an admission round's results to thousands of parents): pushed
concurrently, paced to LINE's per-channel rate limit, with the outbox's guarantees.

A pass, per channel with due notice messages, in one database transaction:
1. take the channel (outbox.claim_channel: one process paces a channel at a time; a crashed
   process's claim ends with its connection);
2. read up to `batch` due messages, oldest first, and who of their recipients unfollowed (one read);
3. push them concurrently, ten at a time when the channel's token bucket allows (bot/pacing.py),
   each with its retry key, so a push repeated after a crash is answered 409 by LINE and not delivered twice;
4. record every outcome (sent, retry after backoff, failed, dropped) in one statement per kind, and
   commit. A crash before the commit leaves the messages pending: the next pass pushes them again
   with the same retry keys.

A 429 pauses the channel's bucket and the message is tried again after backoff; a 429 for the
month's quota fails the message at once (retrying cannot help until the quota renews). Messages
carrying a notice are never in a person's lane (bot/sender.py), so the two never send the same row.
"""

from __future__ import annotations

import asyncio
import json
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import contacts, metrics, outbox
from backend.clock import Clock
from bot.channels import Channel, ChannelRegistry
from bot.line_api import LineClients
from bot.pacing import Pacer
from bot.sender import MAX_ATTEMPTS, PUSH_PATH

log = logging.getLogger(__name__)

BATCH = 500  # messages per pass and channel: a quarter of a second at LINE's push limit
IN_FLIGHT = 64  # requests waiting for LINE's answer at once, per process
# Requests released together by the pacer (within its burst): one timer for ten requests, not ten.
SLICE = 10
# LINE's answer when the month's message quota is used up (a 429 like the rate limit's).
QUOTA_USED_UP = "monthly limit"


class BulkSender:
    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], channels: ChannelRegistry,
                 clients: LineClients, clock: Clock, pacer: Pacer | None = None, batch: int = BATCH,
                 in_flight: int = IN_FLIGHT) -> None:
        self._sessions = sessions
        self._channels = channels
        self._clients = clients
        self._clock = clock
        self.pacer = pacer or Pacer()
        self._batch = batch
        self._in_flight = asyncio.Semaphore(in_flight)

    async def run_pass(self) -> bool:
        """One batch for every channel with due notice messages; True if any was sent or tried."""
        async with self._sessions() as session:
            slugs = await outbox.channels_with_bulk_due(session, now=self._clock.now())
        done = await asyncio.gather(*(self._channel_pass(slug) for slug in slugs))
        return any(done)

    async def _channel_pass(self, slug: str) -> bool:
        channel = await self._channels.get(slug)
        async with self._sessions() as session:
            if not await outbox.claim_channel(session, slug):
                return False  # another process is sending this channel's notices
            messages = await outbox.bulk_due(session, channel=slug, now=self._clock.now(), limit=self._batch)
            if not messages:
                return False
            blocked = await contacts.unreachable(session, channel=slug, user_refs=[m.recipient for m in messages])
            pushes = []
            for start in range(0, len(messages), SLICE):  # a slice leaves when the bucket has room for it
                part = messages[start:start + SLICE]
                await self.pacer.wait(slug, sum(m.recipient not in blocked for m in part))
                pushes += [asyncio.create_task(self._push(channel, message, blocked)) for message in part]
            outcomes = await asyncio.gather(*pushes)
            await outbox.record_outcomes(session, list(outcomes), now=self._clock.now())
            await session.commit()
        for outcome in outcomes:
            if outcome.status == outbox.PENDING:
                metrics.OUTBOX_RETRIES.inc()
            else:
                metrics.OUTBOX_FINAL.labels(outcome.status).inc()
        return True

    async def _push(self, channel: Channel, message: outbox.BulkMessage, blocked: set[str]) -> outbox.Outcome:
        import aiohttp  # lazy, like the SDK (bot/line_api.py)
        from linebot.v3.messaging.exceptions import ApiException

        attempts = message.attempts + 1
        if message.recipient in blocked:
            return outbox.Outcome(message.id, outbox.DROPPED, attempts, "recipient unfollowed the account")
        try:
            async with self._in_flight:
                body = f'{{"to":{json.dumps(message.recipient)},"messages":{message.payload_json}}}'.encode()
                await self._clients.post_encoded(channel, PUSH_PATH, body, retry_key=message.retry_key)
        except ApiException as error:
            if error.status == 409:  # LINE accepted this retry key before: delivered
                return outbox.Outcome(message.id, outbox.SENT, attempts)
            reason = f"{error.status} {(error.body or '')[:400]}"
            if error.status == 429 and QUOTA_USED_UP in str(error.body or "").lower():
                return outbox.Outcome(message.id, outbox.FAILED, attempts, reason)
            if error.status == 429:
                self.pacer.rate_limited(channel.slug)
            if error.status == 429 or error.status >= 500:
                return self._later(message, attempts, reason)
            log.warning("LINE refused outbox message %s: HTTP %s", message.id, error.status)
            return outbox.Outcome(message.id, outbox.FAILED, attempts, reason)
        except (aiohttp.ClientError, TimeoutError) as error:
            return self._later(message, attempts, type(error).__name__)
        return outbox.Outcome(message.id, outbox.SENT, attempts)

    def _later(self, message: outbox.BulkMessage, attempts: int, reason: str) -> outbox.Outcome:
        if attempts >= MAX_ATTEMPTS:
            return outbox.Outcome(message.id, outbox.FAILED, attempts, reason)
        return outbox.Outcome(message.id, outbox.PENDING, attempts, reason,
                              next_attempt_at=self._clock.now() + outbox.backoff(attempts))

"""Notices to many people at once (an admission round's results to thousands of parents): pushed
concurrently, paced to LINE's per-channel rate limit, with the outbox's guarantees.

A channel's notice messages go out in a stream, by one process at a time:
1. the process takes the channel (outbox.claim_channel: a PostgreSQL advisory lock that one
   connection holds for the whole stream, and that ends with the connection if the process dies).
   A process that finds the channel taken stands by, waiting for the claim: when the sending
   process crashes, it takes over as soon as the dead connection closes, not after a restart;
2. it reads the due messages oldest first, CHUNK at a time, the next chunk while the current one is
   pushed, with who of their recipients unfollowed;
3. it pushes them concurrently, SLICE at a time when the channel's token bucket allows
   (bot/pacing.py), each with its retry key;
4. it records the outcomes (sent, retry after backoff, failed, dropped) while the stream goes on,
   every FLUSH_EVERY outcomes or FLUSH_SECONDS, each time in a short transaction of its own. A crash
   leaves pending only what was pushed since the last write (at LINE's rate, a few dozen); the
   next sender pushes those again with the same retry keys, LINE answers 409 and delivers nothing
   twice.
When nothing is due past the last message read, the stream waits for its pushes to be recorded and
looks once more from the start (retries whose backoff ended), then ends and lets go of the channel.

A 429 pauses the channel's bucket and the message is tried again after backoff; a 429 for the
month's quota fails the message at once (retrying cannot help until the quota renews). Messages
carrying a notice are never in a person's lane (bot/sender.py), so the two never send the same row.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import contacts, metrics, outbox
from backend.clock import Clock
from backend.db import in_transaction
from bot.channels import Channel, ChannelRegistry
from bot.line_api import CONNECTIONS_PER_CHANNEL, LineClients
from bot.pacing import Pacer
from bot.sender import MAX_ATTEMPTS, PUSH_PATH

log = logging.getLogger(__name__)

CHUNK = 200  # messages read at a time: a tenth of a second at LINE's push limit
IN_FLIGHT = CONNECTIONS_PER_CHANNEL  # requests waiting for LINE's answer at once, per channel
# Requests released together by the pacer (within its burst): one timer for ten requests, not ten.
SLICE = 10
# Outcomes are written when this many wait, or when the first has waited this long: what a crash
# makes the next sender push again (with its retry key, a few dozen at LINE's rate), against some
# forty short writes a second.
FLUSH_EVERY = 50
FLUSH_SECONDS = 0.02
# Channels a process sends or stands by for at once. Each holds a pooled connection (backend/db.py:
# 20) for its claim; two channels at LINE's rate already keep one process's core busy.
CHANNELS_AT_ONCE = 4
# How long one wait for another process's claim lasts; then the process looks again whether the
# channel still has messages due, and waits again if so.
STAND_BY_SECONDS = 5.0
# LINE's answer when the month's message quota is used up (a 429 like the rate limit's).
QUOTA_USED_UP = "monthly limit"


class _Stream:
    """A channel's sending, or standing by for it, in this process."""

    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None
        self.stopping = False  # stop(): end after the pushes in flight are recorded
        self.standing_by = False
        self.more = False  # a run_pass found messages due while it ran: look again before ending


class BulkSender:
    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], channels: ChannelRegistry,
                 clients: LineClients, clock: Clock, pacer: Pacer | None = None, chunk: int = CHUNK,
                 in_flight: int = IN_FLIGHT, flush_every: int = FLUSH_EVERY, flush_seconds: float = FLUSH_SECONDS,
                 channels_at_once: int = CHANNELS_AT_ONCE, stand_by_seconds: float = STAND_BY_SECONDS) -> None:
        self._sessions = sessions
        self._channels = channels
        self._clients = clients
        self._clock = clock
        self.pacer = pacer or Pacer()
        self._chunk = chunk
        self._in_flight = in_flight
        self._flush_every = flush_every
        self._flush_seconds = flush_seconds
        self._channels_at_once = channels_at_once
        self._stand_by_seconds = stand_by_seconds
        self._streams: dict[str, _Stream] = {}

    async def run_pass(self) -> bool:
        """Start sending every channel with due notice messages that no process sends yet, and stand
        by for those another process sends (as far as CHANNELS_AT_ONCE allows). True if a stream
        started here; the streams run on in the background (drain waits for them)."""
        async with self._sessions() as session:
            due = await outbox.channels_with_bulk_due(session, now=self._clock.now())
        started = False
        taken_elsewhere = []
        for slug in due:
            running = self._streams.get(slug)
            if running is not None:
                running.more = True  # it looks again before it ends
                continue
            if len(self._streams) >= self._channels_at_once:
                return started
            claim = await self._claim(slug)
            if claim is None:
                taken_elsewhere.append(slug)
                continue
            self._start(slug, claim)
            started = True
        for slug in taken_elsewhere:
            if len(self._streams) >= self._channels_at_once:
                break
            self._start(slug, None)
        return started

    def stop(self) -> None:
        """Shutting down: the streams end once their pushes in flight are recorded; standing by ends now."""
        for stream in self._streams.values():
            stream.stopping = True
            if stream.standing_by and stream.task is not None:
                stream.task.cancel()

    async def drain(self) -> None:
        """Wait until no stream runs in this process."""
        while self._streams:
            await asyncio.gather(*(s.task for s in list(self._streams.values()) if s.task),
                                 return_exceptions=True)

    def _start(self, slug: str, claim: AsyncSession | None) -> None:
        stream = self._streams[slug] = _Stream()
        stream.task = asyncio.create_task(self._stream(slug, stream, claim))

    async def _stream(self, slug: str, stream: _Stream, claim: AsyncSession | None) -> None:
        """Send the channel's notices while this process holds its claim (without one: stand by
        first). A run_pass that found the stream running made it look again; one that came while it
        was letting go makes it take the channel again."""
        try:
            while not stream.stopping:
                if claim is None:
                    claim = await self._stand_by(slug, stream)
                    if claim is None:
                        return
                await self._send(slug, claim, stream)
                claim = None
                if not stream.more or stream.stopping:
                    return
                stream.more = False
                claim = await self._claim(slug)
                if claim is None:
                    return  # another process took the channel meanwhile: it sends them
        except Exception:  # the database or the channel's settings: the next scan starts again
            log.exception("sending channel %s's notices failed; the next scan starts it again", slug)
        finally:
            # No await between the last look at `more` and this: a run_pass after it starts a new stream.
            if self._streams.get(slug) is stream:
                del self._streams[slug]

    async def _claim(self, slug: str, wait_seconds: float = 0.0) -> AsyncSession | None:
        """A session holding the channel's claim, or None if another process holds it."""
        claim = self._sessions()
        try:
            if await outbox.claim_channel(claim, slug, wait_seconds=wait_seconds):
                return claim
        except BaseException:
            await claim.close()
            raise
        await claim.close()
        return None

    async def _stand_by(self, slug: str, stream: _Stream) -> AsyncSession | None:
        """Wait for the claim another process holds on the channel, while it has messages due."""
        self._clients.prepare(await self._channels.get(slug))  # ready to push the moment it gets the claim
        while not stream.stopping:
            stream.standing_by = True
            try:
                claim = await self._claim(slug, wait_seconds=self._stand_by_seconds)
            finally:
                stream.standing_by = False
            if claim is not None:
                return claim
            async with self._sessions() as session:
                if slug not in await outbox.channels_with_bulk_due(session, now=self._clock.now()):
                    return None
        return None

    async def _send(self, slug: str, claim: AsyncSession, stream: _Stream) -> None:
        """Send the channel's due messages while `claim` holds the channel; let go at the end."""
        try:
            channel = await self._channels.get(slug)
            recorder = _Recorder(self._sessions, self._clock, every=self._flush_every, seconds=self._flush_seconds)
            # Any failure (the database, a bug) ends the whole stream, as a crash would: what was not
            # recorded is pushed again by the next stream, with the same retry keys.
            async with asyncio.TaskGroup() as group:
                group.create_task(recorder.run())
                await self._push_due(channel, stream, recorder, group)
                recorder.close()
            await claim.commit()
        except Exception:
            log.exception("sending channel %s's notices stopped; what was not recorded goes again", slug)
        finally:
            await claim.close()

    async def _push_due(self, channel: Channel, stream: _Stream, recorder: _Recorder,
                        group: asyncio.TaskGroup) -> None:
        pushes: set[asyncio.Task[None]] = set()
        # Requests waiting for LINE's answer. A slice takes its places before the pacer lets it go, so
        # that the pacer is the last wait before the wire: when LINE (or this process) is slow, the
        # pushes wait here, not after pacing, and do not leave later all at once above the rate.
        in_flight = asyncio.Semaphore(self._in_flight)
        after, from_start = 0, True
        reading = group.create_task(self._read(channel.slug, after))
        while True:
            messages, blocked = await reading
            if stream.stopping:
                break
            if not messages:
                if from_start and not stream.more:
                    break
                stream.more = False
                # Past the last one (or a run_pass saw messages due): once everything so far is
                # recorded, so that it is not due any more, look again from the start, for messages
                # added meanwhile and retries whose backoff ended.
                await _settled(pushes)
                await recorder.written()
                after, from_start = 0, True
                reading = group.create_task(self._read(channel.slug, after))
                continue
            after, from_start = messages[-1].id, False
            reading = group.create_task(self._read(channel.slug, after))  # read while these are pushed
            for start in range(0, len(messages), SLICE):  # a slice leaves when the bucket has room for it
                if stream.stopping:
                    break
                part = messages[start:start + SLICE]
                going = sum(m.recipient not in blocked for m in part)
                for _ in range(going):
                    await in_flight.acquire()
                await self.pacer.wait(channel.slug, going)
                for message in part:
                    push = group.create_task(self._push_and_record(channel, message, blocked, recorder, in_flight))
                    pushes.add(push)
                    push.add_done_callback(pushes.discard)
        reading.cancel()
        await _settled(pushes)

    async def _read(self, slug: str, after: int) -> tuple[list[outbox.BulkMessage], set[str]]:
        async with self._sessions() as session:
            messages = await outbox.bulk_due(session, channel=slug, now=self._clock.now(), limit=self._chunk,
                                             after=after)
            blocked = await contacts.unreachable(session, channel=slug, user_refs=[m.recipient for m in messages])
        return messages, blocked

    async def _push_and_record(self, channel: Channel, message: outbox.BulkMessage, blocked: set[str],
                               recorder: _Recorder, in_flight: asyncio.Semaphore) -> None:
        try:
            outcome = await self._push(channel, message, blocked)
        finally:
            if message.recipient not in blocked:
                in_flight.release()
        recorder.add(outcome)

    async def _push(self, channel: Channel, message: outbox.BulkMessage, blocked: set[str]) -> outbox.Outcome:
        import aiohttp  # lazy, like the SDK (bot/line_api.py)
        from linebot.v3.messaging.exceptions import ApiException

        attempts = message.attempts + 1
        if message.recipient in blocked:
            return outbox.Outcome(message.id, outbox.DROPPED, attempts, "recipient unfollowed the account")
        try:
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


async def _settled(tasks: set[asyncio.Task[None]]) -> None:
    if tasks:
        await asyncio.wait(set(tasks))


class _Recorder:
    """A stream's outcomes, written while it goes on: `every` at a time, or when the first waiting
    has waited `seconds`, each write a short transaction of its own."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock, *, every: int,
                 seconds: float) -> None:
        self._sessions = sessions
        self._clock = clock
        self._every = every
        self._seconds = seconds
        self._waiting: list[outbox.Outcome] = []
        self._wake = asyncio.Event()
        self._all_written = asyncio.Event()
        self._all_written.set()
        self._now_please = False  # written() or close(): no waiting for more
        self._closed = False

    def add(self, outcome: outbox.Outcome) -> None:
        self._waiting.append(outcome)
        self._all_written.clear()
        if len(self._waiting) == 1 or len(self._waiting) >= self._every:
            self._wake.set()

    async def written(self) -> None:
        """Until every outcome added so far is written."""
        self._now_please = True
        self._wake.set()
        await self._all_written.wait()

    def close(self) -> None:
        """Write what is left, then end run()."""
        self._closed = self._now_please = True
        self._wake.set()

    async def run(self) -> None:
        while True:
            if not self._waiting:
                if self._closed:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            if len(self._waiting) < self._every and not self._now_please:
                self._wake.clear()  # others may join the first one for a while
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._seconds)
            batch, self._waiting = self._waiting, []
            await self._write(batch)
            if not self._waiting:
                self._now_please = self._closed
                self._all_written.set()

    async def _write(self, outcomes: list[outbox.Outcome]) -> None:
        async def work(session: AsyncSession) -> None:
            await outbox.record_outcomes(session, outcomes, now=self._clock.now())

        await in_transaction(self._sessions, work)
        for outcome in outcomes:
            if outcome.status == outbox.PENDING:
                metrics.OUTBOX_RETRIES.inc()
            else:
                metrics.OUTBOX_FINAL.labels(outcome.status).inc()

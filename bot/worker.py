"""Processing of recorded webhook events: one user at a time, in order; many users in parallel.

A user's events and outgoing messages are handled under that user's lock (in Redis when several
processes share the work), so order holds across processes. Each event is handled in one
database transaction that also writes its replies to the outbox: an event is either done with
its replies stored, or still pending. Replies are then delivered at once; failures are retried
by the same loop later.

Wake-ups name the users whose events just arrived (every worker hears each one): a worker starts
those users' lanes directly, and a lane that is running when its user is named again runs once
more after it lets go of the lock. A scan of the inbox and the outbox every poll_seconds is the
safety net for lost signals, retries after backoff, and work that no wake-up named.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import inbox, metrics, observability, outbox
from backend.clock import Clock
from backend.db import WriteTransaction, autocommit
from backend.lazy import freeze_start_up_objects
from backend.state import SharedState
from bot import messages as m
from bot.channels import Channel, ChannelRegistry
from bot.handlers import EventContext, EventHandler
from bot.line_api import LineClients, load_line_sdk
from bot.sender import Sender

log = logging.getLogger(__name__)

WAKE_TOPIC = "inbox"
LOCK_TTL = 120.0
MAX_EVENT_ATTEMPTS = 5
# LINE accepts a reply token for about a minute after the event reached us; keep a margin.
REPLY_WINDOW = dt.timedelta(seconds=50)
REPLY_HARD_LIMIT = dt.timedelta(minutes=19)
LOADING_AFTER = 0.8  # seconds of work before the chat shows the loading indicator
BATCH = 20  # events read per lane pass


def lane_message(channel: str, user_refs: Iterable[str]) -> bytes:
    """A wake-up naming users with new events: one "channel<TAB>user" per line."""
    return "\n".join(f"{channel}\t{user}" for user in dict.fromkeys(user_refs)).encode()


def _lanes(message: bytes) -> list[tuple[str, str]] | None:
    """The lanes a wake-up names; None when it names none (then: scan)."""
    lanes = []
    for line in message.decode(errors="replace").splitlines():
        channel, _, user = line.partition("\t")
        if not channel or not user:
            return None
        lanes.append((channel, user))
    return lanes or None


class BackgroundWork(Protocol):
    """Work a stage started that runs on after the stage returns (bot/bulk.py's streams)."""

    def stop(self) -> None: ...

    async def drain(self) -> None: ...


class Worker:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        state: SharedState,
        channels: ChannelRegistry,
        handler: EventHandler,
        sender: Sender,
        clients: LineClients,
        clock: Clock,
        concurrency: int = 32,
        poll_seconds: float = 1.0,
        loading_after: float = LOADING_AFTER,
        periodic: Sequence[tuple[dt.timedelta, Callable[[], Awaitable[object]]]] = (),
        bulk: Sequence[Callable[[], Awaitable[bool]]] = (),
        background: Sequence[BackgroundWork] = (),
    ) -> None:
        self._sessions = sessions
        self._state = state
        self._channels = channels
        self._handler = handler
        self._sender = sender
        self._clients = clients
        self._clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._poll_seconds = poll_seconds
        self._loading_after = loading_after
        self._active: set[tuple[str, str]] = set()
        # Lanes named by a wake-up while running: they run once more after releasing the lock.
        self._again: set[tuple[str, str]] = set()
        self._tasks: set[asyncio.Task] = set()
        # Housekeeping that runs every so often, first on the first pass (the retention schedule,
        # processed events included, is one of them: bot/runtime.py).
        self._periodic = list(periodic)
        self._next_run = [clock.now()] * len(self._periodic)
        # Work done in bulk outside the lanes, as a pipeline (notices to the outbox, then the outbox's
        # notices to LINE, paced): each stage runs in a task of its own while it finds work, and a
        # stage that did some starts the next. Every scan starts them all (retries after backoff).
        self._stages = list(bulk)
        self._stage_tasks: dict[int, asyncio.Task] = {}
        self._stages_again: set[int] = set()
        self._background = list(background)

    async def run(self, stop: asyncio.Event) -> None:
        """Work until stop is set: start the lanes wake-ups name, and scan every poll_seconds."""
        # The LINE SDK loads in a thread first: the web process beside this worker is ready without it.
        await load_line_sdk()
        freeze_start_up_objects()  # the SDK's models too
        async with self._state.subscribe(WAKE_TOPIC) as waiter:
            next_scan = 0.0
            while not stop.is_set():
                if time.monotonic() >= next_scan:
                    try:
                        await self.run_once()
                    except Exception:  # keep the loop alive; the database may come back
                        log.exception("worker pass failed")
                    next_scan = time.monotonic() + self._poll_seconds
                for message in await waiter.messages(max(next_scan - time.monotonic(), 0.0)):
                    lanes = _lanes(message)
                    if lanes is None:
                        next_scan = 0.0  # a bare wake-up: look for work now
                        continue
                    for lane in lanes:
                        self._start_lane(lane)
        for work in self._background:
            work.stop()
        await self.drain()

    async def run_once(self) -> None:
        """Run housekeeping that is due, then start handling every user with ready work."""
        now = self._clock.now()
        for index, (every, job) in enumerate(self._periodic):
            if now >= self._next_run[index]:
                self._next_run[index] = now + every
                await job()
        for index in range(len(self._stages)):
            self._start_stage(index)
        async with self._sessions() as session:
            lanes = await inbox.users_with_pending(session, now=now)
            lanes += await outbox.recipients_due(session, now=now)
        for lane in dict.fromkeys(lanes):
            self._start_lane(lane)

    def _start_lane(self, lane: tuple[str, str]) -> None:
        if lane in self._active:
            self._again.add(lane)
            return
        self._active.add(lane)
        task = asyncio.create_task(self._work_lane(*lane))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _start_stage(self, index: int) -> None:
        if index >= len(self._stages):
            return
        running = self._stage_tasks.get(index)
        if running is not None and not running.done():
            self._stages_again.add(index)  # it looks once more before it stops
            return
        task = self._stage_tasks[index] = asyncio.create_task(self._run_stage(index))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_stage(self, index: int) -> None:
        while True:
            self._stages_again.discard(index)
            try:
                worked = await self._stages[index]()
            except Exception:  # the next scan starts it again
                log.exception("bulk stage %s failed", index)
                return
            if worked:
                self._start_stage(index + 1)
            elif index not in self._stages_again:
                return

    async def drain(self) -> None:
        """Wait for the lanes in progress and the work the stages started (tests and shutdown)."""
        while True:
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
            for work in self._background:
                await work.drain()
            if not self._tasks:
                return

    async def _work_lane(self, channel_slug: str, user_ref: str) -> None:
        lane = (channel_slug, user_ref)
        lock_name = f"user:{channel_slug}:{user_ref}"
        try:
            async with self._slots:
                while True:
                    token = await self._state.try_lock(lock_name, ttl=LOCK_TTL)
                    if token is None:
                        # Another process has this user. It heard the same wake-up, so it runs
                        # the lane again after its pass; the periodic scan is the backstop.
                        return
                    try:
                        # Named from here on: the pass below reads what arrived before this point.
                        self._again.discard(lane)
                        channel = await self._channels.get(channel_slug)
                        if await self._process_user(channel, user_ref):
                            self._again.add(lane)  # a full batch: there may be more
                    finally:
                        await self._state.unlock(lock_name, token)
                    if lane not in self._again:
                        return
        except Exception:
            log.exception("lane failed (channel %s)", channel_slug)
        finally:
            self._active.discard(lane)
            self._again.discard(lane)

    async def _process_user(self, channel: Channel, user_ref: str) -> bool:
        """One pass over the user's ready events and due messages, on one connection: an event
        per unit of work (with its replies), then delivery. True if the batch was full."""
        async with self._sessions() as session:
            await autocommit(session)  # a read on its own; each event is then a unit of work
            # In the same round trip: whether older messages wait (a retry after backoff, a staff
            # notice); if not, this pass delivers just what it writes, without reading it back.
            events, older_waiting = await inbox.next_for_user(
                session, channel=channel.slug, user_ref=user_ref, now=self._clock.now(), limit=BATCH)
            written: list[outbox.Queued] = []
            for event in events:
                written += await self._process_event(session, channel, event)
            if events and not older_waiting:
                await self._sender.deliver(session, channel, written)
            else:
                await self._sender.deliver_pending(session, channel, user_ref)
        return len(events) == BATCH

    async def _process_event(self, session: AsyncSession, channel: Channel,
                             event: inbox.ReadyEvent) -> list[outbox.Queued]:
        """Handle an event just read under the user's lock (not re-read: completing it is guarded
        against the race). Returns the replies it stored, in order."""
        now = self._clock.now()
        event_id = event.id
        observability.event_id.set(event_id)  # every log line of this event carries its id
        loading = self._loading_indicator(channel, event)
        # Everything the event changes, its done mark and its replies: all or nothing. Reads run on
        # their own; a transaction begins at the first write (most messages write nothing else).
        unit = WriteTransaction(session)
        try:
            await unit.start()
            # From the cache, placed in this session so the conversation's session.get finds it.
            school = await session.merge(await self._channels.school(event.school_id), load=False)
            ctx = EventContext(session=session, channel=channel, school_name=school.name,
                               user_ref=event.user_ref, event=event.payload or {}, now=now)
            replies = await self._handler.handle(ctx)
            await session.flush()  # the conversation's writes, before the completion that needs them
            written = await inbox.complete(session, event_id, now=now, alone=not unit.opened,
                                           replies=self._reply_rows(channel, event, replies, now))
            if written is None:  # another process completed it first
                await unit.rollback()
                return []
            await unit.commit()
            metrics.EVENTS_PROCESSED.labels("done").inc()
            metrics.EVENT_LAG.observe(max(0.0, self._clock.now().timestamp() - event.occurred_at / 1000))
            return written
        except Exception as error:  # retried with backoff, then given up
            await unit.rollback()
            log.warning("event %s failed: %s", event_id, type(error).__name__, exc_info=True)
            status = await inbox.mark_attempt_failed(session, event_id, error=type(error).__name__,
                                                     now=now, max_attempts=MAX_EVENT_ATTEMPTS)
            await session.commit()
            if status == inbox.FAILED:
                log.error("event %s given up after %s attempts", event_id, MAX_EVENT_ATTEMPTS)
            metrics.EVENTS_PROCESSED.labels("given_up" if status == inbox.FAILED else "failed").inc()
            return []
        finally:
            if loading:
                loading.cancel()
            # The next event and the delivery read afresh what this unit wrote or saw.
            session.expunge_all()
            observability.event_id.set(None)

    def _reply_rows(self, channel: Channel, event: inbox.ReadyEvent, replies: list[m.Message],
                    now: dt.datetime) -> list[dict]:
        token = (event.payload or {}).get("replyToken")
        occurred = dt.datetime.fromtimestamp(event.occurred_at / 1000, dt.UTC)
        deadline = min(event.received_at + REPLY_WINDOW, occurred + REPLY_HARD_LIMIT)
        # A reply token serves one call: the first five messages; the rest are pushed.
        return outbox.new_rows(school_id=channel.school_id, channel=channel.slug, recipient=event.user_ref,
                               batches=list(m.batches(replies)), now=now, reply_token=token,
                               reply_deadline=deadline if token else None)

    def _loading_indicator(self, channel: Channel, event: inbox.ReadyEvent) -> asyncio.Task | None:
        if event.event_type not in {"message", "postback"} or not event.user_ref.startswith("U"):
            return None

        async def show_later() -> None:
            from linebot.v3.messaging import ShowLoadingAnimationRequest  # lazy: see bot/line_api.py

            await asyncio.sleep(self._loading_after)
            with contextlib.suppress(Exception):
                await self._clients.messaging(channel).show_loading_animation(
                    ShowLoadingAnimationRequest(chatId=event.user_ref, loadingSeconds=20))

        return asyncio.create_task(show_later())

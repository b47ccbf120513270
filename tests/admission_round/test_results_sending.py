"""Results to many parents at once: paced to LINE's rate limit (a token bucket on an injected
clock), 429 answered with back-off, a crash half-way resumed with no parent messaged twice, the
staff's progress counts, and the month's quota checked before sending."""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt

import pytest
import sqlalchemy as sa

from backend import outbox
from backend.admission_round import results, service
from backend.applications.models import Application, ApplicationStatus
from backend.applications.service import new_public_number
from backend.outbox import OutboundMessage
from backend.schools import School
from backend.thai.grades import Grade
from bot.bulk import SLICE, BulkSender
from bot.channels import DEFAULT
from bot.pacing import BURST, Pacer, TokenBucket
from tests.conftest import POSTGRES_URL
from tests.harness import running_bot
from tests.staging import in_status
from web.message_quota import QuotaCheck, QuotaReading


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


# -- the pacer, on a clock the test moves -------------------------------------------------------


def _most_in_one_second(departures: list[float]) -> int:
    """The most requests leaving within any one second (a window starting at a departure)."""
    ordered = sorted(departures)
    return max(bisect.bisect_left(ordered, start + 1.0) - i for i, start in enumerate(ordered))


def test_a_bucket_lets_a_burst_go_then_spaces_requests_at_the_rate():
    bucket = TokenBucket(rate=100, burst=5)
    waits = [bucket.reserve(now=10.0) for _ in range(8)]
    assert waits[:5] == [0, 0, 0, 0, 0]
    assert waits[5:] == pytest.approx([0.01, 0.02, 0.03])
    # Idle for a long time: only `burst` requests are saved up, not a second's worth.
    later = [bucket.reserve(now=20.0) for _ in range(7)]
    assert later[:5] == [0] * 5 and later[5] == pytest.approx(0.01)


def test_concurrent_requests_never_exceed_the_limit_in_any_second():
    pacer = Pacer()
    bucket = pacer.bucket("school-a")
    departures = sorted(bucket.reserve(now=0.0) for _ in range(5000))  # all asked at once
    # LINE's 2,000 pushes per second per channel, with room for arrivals bunched up on the way.
    assert _most_in_one_second(departures) <= 2000 - 40
    assert departures[-1] == pytest.approx((5000 - BURST) / pacer.rate)  # and no slower than the pace
    assert pacer.rate >= 1900


def test_slices_of_ten_leave_together_and_still_keep_under_the_limit():
    bucket = TokenBucket(rate=1900, burst=10)
    departures = []
    for _ in range(500):  # 5,000 pushes released ten at a time
        departures += [bucket.reserve(now=0.0, count=10)] * 10
    assert departures[:10] == [0] * 10 and departures[10] == pytest.approx(10 / 1900)
    assert _most_in_one_second(departures) <= 2000


async def test_the_pacer_sleeps_what_the_bucket_asks_and_a_429_pauses_the_channel():
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    pacer = Pacer(rate=10, burst=1, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(3):
        await pacer.wait("school-a")
    await pacer.wait("school-b")  # another channel has its own bucket
    assert slept == pytest.approx([0.1, 0.2])
    now[0] = 5.0
    pacer.rate_limited("school-a", seconds=1.0)
    pacer.rate_limited("school-a", seconds=1.0)  # answered at once: one pause, not two
    await pacer.wait("school-a")
    assert slept[-1] == pytest.approx(1.1)


# -- the bulk sender against the LINE stand-in ---------------------------------------------------


async def _announced(bot, parents: int):
    """A round drawn and announced: one result notice per parent, each parent a friend of the account."""
    clock = bot.runtime.clock
    now = clock.now()
    earlier = now - dt.timedelta(days=10)
    today = now.date()
    users = [bot.standin.add_user(user_id=f"U{n:032x}") for n in range(parents)]
    for user in users:
        user.following = True
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School).where(School.slug == "demo"))
        round_ = await service.create_round(session, school_id=school.id, academic_year=2570, grade=Grade.K2,
                                            seats=2, actor="staff:1", now=earlier)
        await service.update_round(session, round_, {"applications_open": today - dt.timedelta(days=10),
                                                     "applications_close": today - dt.timedelta(days=2)},
                                   actor="staff:1", now=earlier)
        await service.commit(session, round_, public_value_source="สลากกินแบ่งรัฐบาล", actor="staff:1", now=earlier)
        applications = []
        for user in users:
            application = in_status(Application(
                public_number=new_public_number("AD"), school_id=school.id, parent_ref=user.user_id,
                service="admission", current_step="_done", missing_documents=[], flow_version=1,
                answers={"student_name": "เด็กหญิงสมใจ ใจดี", "grade_applied": "k2", "in_service_area": "in_area"},
                session_nonce="n" * 8, created_at=earlier, updated_at=earlier, last_activity_at=earlier,
                submitted_at=earlier), ApplicationStatus.SUBMITTED)
            session.add(application)
            applications.append(application)
        await session.flush()
        await service.mark_eligibility(session, round_, applications, eligible=True, reason="", actor="staff:1",
                                       now=earlier)
        await service.draw(session, round_, public_value="42", actor="staff:1", now=now)
        await results.announce(session, round_, actor="staff:1", now=now)
        await session.commit()
        round_id = round_.id
    return round_id, users


async def _progress(bot, round_id: int) -> results.Progress:
    async with bot.runtime.sessions() as session:
        round_ = await session.get(results.AdmissionRound, round_id)
        return await results.progress(session, round_)


def _received(bot, users) -> list[int]:
    return [len(bot.standin.bot_messages(user.user_id)) for user in users]


async def test_a_429_is_tried_again_after_backoff_and_reaches_the_parent_once(bot):
    round_id, users = await _announced(bot, parents=6)
    bot.standin.fail_next("push", 429, times=2, body={"message": "Too many requests"})
    await bot.process()
    assert sorted(_received(bot, users)) == [0, 0, 1, 1, 1, 1]
    found = await _progress(bot, round_id)
    assert (found.recorded, found.queued, found.sent, found.failed, found.finished) == (6, 6, 4, 0, False)
    async with bot.runtime.sessions() as session:
        waiting = list(await session.scalars(sa.select(OutboundMessage).where(
            OutboundMessage.status == outbox.PENDING)))
    assert [(m.attempts, m.last_error[:3]) for m in waiting] == [(1, "429"), (1, "429")]
    assert all(m.next_attempt_at > bot.runtime.clock.now() for m in waiting)

    await bot.process()  # before the back-off is over: nothing is tried
    assert sorted(_received(bot, users)) == [0, 0, 1, 1, 1, 1]
    bot.runtime.clock.advance(seconds=2)
    await bot.process()
    assert _received(bot, users) == [1] * 6
    found = await _progress(bot, round_id)
    assert (found.sent, found.failed, found.finished) == (6, 0, True)


async def test_pushes_above_the_channels_rate_limit_are_refused_429_then_all_arrive_once(bot):
    """The stand-in refuses pushes above its limit as LINE does; a sender set far above the limit
    sees 429s, pauses, and every parent still gets exactly one message."""
    round_id, users = await _announced(bot, parents=8)
    bot.standin.push_rate_limit = 3  # per second (LINE: 2,000)
    bot.runtime.bulk_sender.pacer = Pacer(rate=10_000, burst=100)  # no real pacing
    await bot.process()
    refused = [r for r in bot.standin.requests_to("push") if r.status == 429]
    assert len(refused) == 5 and sorted(_received(bot, users)) == [0] * 5 + [1] * 3
    bot.standin.push_rate_limit = None
    bot.runtime.clock.advance(seconds=2)  # the back-off
    await bot.process()
    assert _received(bot, users) == [1] * 8
    found = await _progress(bot, round_id)
    assert (found.sent, found.failed, found.finished) == (8, 0, True)


async def test_the_months_quota_used_up_fails_at_once_and_staff_see_it(bot):
    round_id, _ = await _announced(bot, parents=3)
    bot.standin.fail_next("push", 429, body={"message": "You have reached your monthly limit."})
    await bot.process()
    found = await _progress(bot, round_id)
    assert (found.sent, found.failed, found.finished) == (2, 1, True)
    bot.refusals_expected = True


class _Crash(Exception):
    """The sending process dies: nothing after this point is recorded."""


class _CrashingClients:
    """LINE's clients for the first `pushes` pushes; every later push waits until `crash_when()`
    holds, then dies before reaching LINE (and the sending with it)."""

    def __init__(self, real, pushes: int, crash_when) -> None:
        self._real = real
        self._left = pushes
        self._crash_when = crash_when

    async def post_encoded(self, *args, **kwargs):
        if self._left > 0:
            self._left -= 1
            await self._real.post_encoded(*args, **kwargs)
            return
        async with asyncio.timeout(60):  # the other pushes and writes run in this process: generous
            while not await self._crash_when():
                await asyncio.sleep(0.01)
        raise _Crash


def _sender(bot, **options) -> BulkSender:
    runtime = bot.runtime
    return BulkSender(sessions=runtime.sessions, channels=runtime.channels, clients=runtime.clients,
                      clock=runtime.clock, **options)


async def test_a_crash_before_anything_is_recorded_is_resumed_and_no_parent_is_messaged_twice(bot):
    round_id, users = await _announced(bot, parents=10)

    async def received_five() -> bool:
        return sum(_received(bot, users)) == 5

    # Outcomes are written only when a hundred wait or after a minute: the crash comes first.
    crashing = bot.runtime.bulk_sender = _sender(bot, flush_every=100, flush_seconds=60)
    crashing._clients = _CrashingClients(bot.runtime.clients, pushes=5, crash_when=received_five)
    await bot.process()  # half the parents get their result, then the process "dies"
    assert sorted(_received(bot, users)) == [0] * 5 + [1] * 5
    found = await _progress(bot, round_id)
    assert (found.queued, found.sent) == (10, 0)  # the crash came before anything was recorded

    bot.runtime.bulk_sender = _sender(bot)  # started again
    await bot.process()
    assert _received(bot, users) == [1] * 10
    pushes = bot.standin.requests_to("push")
    assert sorted(r.status for r in pushes[5:]) == [200] * 5 + [409] * 5  # LINE knew the 5 retry keys
    found = await _progress(bot, round_id)
    assert (found.sent, found.failed, found.finished) == (10, 0, True)


async def test_outcomes_are_recorded_while_sending_goes_on_so_a_crash_repeats_only_the_rest(bot):
    """Staff see the sent count grow during the sending, and what was recorded is not pushed again."""
    round_id, users = await _announced(bot, parents=10)

    async def four_recorded() -> bool:
        return (await _progress(bot, round_id)).sent == 4

    crashing = bot.runtime.bulk_sender = _sender(bot, flush_every=4, flush_seconds=60)
    crashing._clients = _CrashingClients(bot.runtime.clients, pushes=4, crash_when=four_recorded)
    await bot.process()
    found = await _progress(bot, round_id)
    assert (found.queued, found.sent, found.finished) == (10, 4, False)
    assert sorted(_received(bot, users)) == [0] * 6 + [1] * 4

    bot.runtime.bulk_sender = _sender(bot)
    await bot.process()
    assert _received(bot, users) == [1] * 10
    # Only the six unrecorded ones went again, and none of them had reached LINE: no 409.
    assert [r.status for r in bot.standin.requests_to("push")[4:]] == [200] * 6
    assert (await _progress(bot, round_id)).finished


class _SlowThenFastLine:
    """LINE's clients that record when each push leaves, and answer slowly for a while, then at once."""

    def __init__(self, real, slow_for: float, delay: float) -> None:
        self._real = real
        self._slow_for = slow_for
        self._until: float | None = None
        self._delay = delay
        self.departures: list[float] = []

    async def post_encoded(self, *args, **kwargs):
        now = asyncio.get_running_loop().time()
        if self._until is None:
            self._until = now + self._slow_for  # slow from the first push on
        self.departures.append(now)
        if now < self._until:
            await asyncio.sleep(self._delay)  # LINE's latency: the other side, not a wait of the test
        await self._real.post_encoded(*args, **kwargs)


async def test_pushes_held_up_by_a_slow_line_do_not_leave_together_above_the_rate_afterwards(bot):
    """The pacer is the last wait before the wire: pushes waiting for a connection while LINE is slow
    are paced when they get one, not released all at once (that burst is what LINE answers 429)."""
    _, users = await _announced(bot, parents=150)
    rate = 100
    sender = bot.runtime.bulk_sender = _sender(bot, in_flight=10, pacer=Pacer(rate=rate, burst=BURST))
    line = sender._clients = _SlowThenFastLine(bot.runtime.clients, slow_for=0.5, delay=0.4)
    await bot.process()
    assert _received(bot, users) == [1] * 150
    assert _most_in_one_second(line.departures) <= rate + BURST + SLICE


async def _until(condition) -> None:
    async with asyncio.timeout(60):  # another task does the work: a generous limit, not a pause
        while not await condition():
            await asyncio.sleep(0.01)


@pytest.mark.skipif(not POSTGRES_URL, reason="one process per channel is a PostgreSQL lock; SQLite serves one")
async def test_a_process_standing_by_takes_over_the_moment_the_sending_process_dies(bot):
    round_id, users = await _announced(bot, parents=12)

    async def standing_by() -> bool:
        async with bot.runtime.sessions() as session:
            return bool(await session.scalar(sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")))

    async with bot.runtime.sessions() as sending_process:
        # Another process sends the channel (the school's, from the environment): it holds the claim.
        assert await outbox.claim_channel(sending_process, DEFAULT)
        processing = asyncio.create_task(bot.process())
        await _until(standing_by)  # this worker waits for the claim
        assert sum(_received(bot, users)) == 0
    # The sending process died: its connection closed and its claim with it. No new pass, no scan:
    # the worker standing by sends everything.
    async with asyncio.timeout(60):
        await processing
    assert _received(bot, users) == [1] * 12
    assert (await _progress(bot, round_id)).finished


# -- the month's quota before sending ------------------------------------------------------------


def test_the_quota_check_refuses_a_send_that_does_not_fit_and_warns_when_little_is_left():
    assert QuotaCheck(5, QuotaReading(limit=1000, used=995)).exceeds is False
    refused = QuotaCheck(6, QuotaReading(limit=1000, used=995))
    assert refused.exceeds and "เหลือ 5 ข้อความ แต่การส่งผลครั้งนี้ต้องใช้ 6 ข้อความ" in refused.refusal_th()
    assert QuotaCheck(850, QuotaReading(limit=1000, used=100)).tight
    assert not QuotaCheck(800, QuotaReading(limit=1000, used=100)).tight
    assert not QuotaCheck(10**6, QuotaReading(limit=None, used=5)).exceeds  # no target limit set
    assert not QuotaCheck(10**6, None).exceeds  # LINE could not be asked: the page says so


async def test_the_quota_is_read_from_line(bot):
    bot.standin.message_quota = 300
    async with bot.runtime.sessions() as session:
        school_id = await session.scalar(sa.select(School.id).where(School.slug == "demo"))
    assert await bot.runtime.message_quota.reading(school_id) == QuotaReading(limit=300, used=0)
    await _announced(bot, parents=2)
    await bot.process()
    assert await bot.runtime.message_quota.reading(school_id) == QuotaReading(limit=300, used=2)
    bot.standin.message_quota = None
    assert (await bot.runtime.message_quota.reading(school_id)).limit is None

"""An event is all or nothing: what its handling wrote, its done mark and its replies. On PostgreSQL
the transaction begins at the first write, so events that only read need none; that must never
leave half an event behind, nor a transaction open on a pooled connection."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
import sqlalchemy as sa

from backend import consent
from backend.consent import ConsentRecord
from backend.db import WriteTransaction, make_engine, make_sessionmaker
from backend.inbox import InboundEvent
from bot import messages as m
from tests.conftest import POSTGRES_URL
from tests.harness import TextConversation, running_bot

requires_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="the deferred transaction is PostgreSQL's")
NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


class _WritesThenFails(TextConversation):
    """Records a consent for "บันทึก" and then, the first time, fails; answers every text."""

    def __init__(self) -> None:
        self.failures_left = 1

    async def on_text(self, ctx, text):
        consent.record(ctx.session, school_id=ctx.channel.school_id, user_ref=ctx.user_ref,
                       purpose=consent.NOTICE, granted=True, now=ctx.now)
        await ctx.session.flush()
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("the conversation broke after writing")
        return m.text(f"ได้รับ {text} แล้วค่ะ")


async def _count(bot, model) -> int:
    async with bot.runtime.sessions() as session:
        return await session.scalar(sa.select(sa.func.count()).select_from(model))


async def test_an_event_that_fails_after_writing_leaves_nothing_and_is_answered_once_on_retry(env, clock,
                                                                                               redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace, conversation=_WritesThenFails()) as bot:
        user = bot.standin.add_user("คุณแม่")
        user.following = True
        await bot.simulator.send_text(user.user_id, "บันทึก")
        await bot.process()
        assert await _count(bot, ConsentRecord) == 0  # the write before the failure was undone
        async with bot.runtime.sessions() as session:
            event = await session.scalar(sa.select(InboundEvent))
        assert (event.status, event.attempts) == ("pending", 1)
        assert bot.standin.bot_messages(user.user_id) == []
        clock.advance(seconds=3)  # past the backoff
        await bot.process()
        assert await _count(bot, ConsentRecord) == 1
        assert [e["message"]["text"] for e in bot.standin.bot_messages(user.user_id)] == ["ได้รับ บันทึก แล้วค่ะ"]


@pytest.fixture
async def sessions(database_url):
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def _consents(sessions) -> int:
    async with sessions() as session:
        return await session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord))


async def _idle_in_transaction(sessions) -> int:
    async with sessions() as session:
        return await session.scalar(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state LIKE 'idle in transaction%'"))


@pytest.fixture
async def school_id(database_url, sessions):
    from backend.demo import create_demo_school

    await create_demo_school(database_url)
    async with sessions() as session:
        return await session.scalar(sa.text("SELECT id FROM schools LIMIT 1"))


async def test_a_unit_of_work_commits_its_writes_or_rolls_them_back(sessions, school_id):
    for finish, stored in ((WriteTransaction.rollback, 0), (WriteTransaction.commit, 1)):
        async with sessions() as session:
            unit = WriteTransaction(session)
            await unit.start()
            consent.record(session, school_id=school_id, user_ref="U1", purpose=consent.NOTICE, granted=True,
                           now=NOW)
            await finish(unit)
        assert await _consents(sessions) == stored


@requires_postgres
async def test_reads_need_no_transaction_and_the_first_write_opens_one(sessions, school_id):
    async with sessions() as session:
        unit = WriteTransaction(session)
        await unit.start()
        await session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord))
        assert not unit.opened
        consent.record(session, school_id=school_id, user_ref="U1", purpose=consent.NOTICE, granted=True, now=NOW)
        await session.flush()
        assert unit.opened
        assert await _consents(sessions) == 0  # not visible to others before the commit
        await unit.commit()
    assert await _consents(sessions) == 1
    assert await _idle_in_transaction(sessions) == 0


@requires_postgres
async def test_a_unit_abandoned_after_a_write_leaves_no_transaction_open_on_the_pooled_connection(
        database_url, school_id):
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session:
            unit = WriteTransaction(session)
            await unit.start()
            consent.record(session, school_id=school_id, user_ref="U1", purpose=consent.NOTICE, granted=True,
                           now=NOW)
            await session.flush()
            assert unit.opened
            # Neither commit nor rollback: the session closes and its connection returns to the pool.
        assert await _idle_in_transaction(sessions) == 0
        assert await _consents(sessions) == 0
    finally:
        await engine.dispose()


async def _pending_event(sessions, school_id: int) -> int:
    from backend import inbox

    async with sessions() as session:
        await inbox.record(session, school_id=school_id, channel="default", now=NOW, events=[inbox.NewEvent(
            event_id="01TESTEVENT", user_ref="U1", event_type="message", occurred_at=0, payload={})])
        await session.commit()
        return await session.scalar(sa.select(InboundEvent.id))


async def test_completing_an_event_stores_all_its_replies_in_order_once(sessions, school_id):
    from backend import inbox, outbox

    event_id = await _pending_event(sessions, school_id)
    batches = [[{"type": "text", "text": f"ข้อความที่ {n}"}] for n in range(3)]  # more than one call's worth
    rows = outbox.new_rows(school_id=school_id, channel="default", recipient="U1", batches=batches, now=NOW,
                           reply_token="token-1", reply_deadline=NOW)
    async with sessions() as session:
        unit = WriteTransaction(session)
        await unit.start()
        written = await inbox.complete(session, event_id, now=NOW, replies=rows)
        await unit.commit()
    async with sessions() as session:
        stored = list(await session.execute(sa.select(outbox.OutboundMessage.id, outbox.OutboundMessage.payload,
                                                      outbox.OutboundMessage.reply_token)
                                            .order_by(outbox.OutboundMessage.id)))
        status = await session.scalar(sa.select(InboundEvent.status))
    assert status == "done"
    assert [(m.id, m.payload) for m in written] == [(row.id, row.payload) for row in stored]
    assert [row.payload for row in stored] == batches
    assert [row.reply_token for row in stored] == ["token-1", None, None]  # a token serves one call
    async with sessions() as session:  # a second completion (another process, a redelivery) changes nothing
        unit = WriteTransaction(session)
        await unit.start()
        assert await inbox.complete(session, event_id, now=NOW, replies=rows) is None
        await unit.rollback()
    async with sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(outbox.OutboundMessage)) == 3


async def test_sqlite_units_write_one_at_a_time_in_the_order_they_asked(database_url, sessions, school_id):
    """On SQLite a unit takes the process's write turn at its first write (reads take none) and gives
    it back when it ends: a second unit's write waits for the first's commit instead of polling
    SQLite's lock, and a unit abandoned after a write gives its turn back with its connection."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the write turn is SQLite's")
    first_wrote, first_may_commit = asyncio.Event(), asyncio.Event()
    wrote: list[str] = []

    async def unit_of(user_ref: str, *, hold: bool, abandon: bool = False) -> None:
        async with sessions() as session:
            unit = WriteTransaction(session)
            await unit.start()
            await session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord))
            assert not unit.opened
            consent.record(session, school_id=school_id, user_ref=user_ref, purpose=consent.NOTICE, granted=True,
                           now=NOW)
            await session.flush()
            assert unit.opened
            wrote.append(user_ref)
            if hold:
                first_wrote.set()
                await first_may_commit.wait()
            if not abandon:
                await unit.commit()

    first = asyncio.create_task(unit_of("U1", hold=True))
    await first_wrote.wait()
    second = asyncio.create_task(unit_of("U2", hold=False))
    for _ in range(50):
        await asyncio.sleep(0)
    assert wrote == ["U1"]  # the second unit read, and waits for its turn to write
    first_may_commit.set()
    await asyncio.wait_for(asyncio.gather(first, second), timeout=60)
    assert wrote == ["U1", "U2"] and await _consents(sessions) == 2
    await asyncio.wait_for(unit_of("U3", hold=False, abandon=True), timeout=60)
    await asyncio.wait_for(unit_of("U4", hold=False), timeout=60)  # the abandoned unit's turn came back
    assert await _consents(sessions) == 3

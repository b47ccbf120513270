"""The webhook: only LINE's signed requests get in, bad bodies get a 4xx, and every event is
recorded once before the answer."""

from __future__ import annotations

import httpx
import orjson
import pytest
import sqlalchemy as sa

from backend.db import make_engine
from backend.inbox import InboundEvent
from bot.signature import sign
from tests.conftest import POSTGRES_URL
from tests.harness import running_bot


def _event(event_id: str = "01HZZZZZZZZZZZZZZZZZZZZZZZ", user: str = "U" + "a" * 32, text: str = "สวัสดี") -> dict:
    return {
        "type": "message", "mode": "active", "timestamp": 1764000000000, "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": False}, "replyToken": "r" * 32,
        "source": {"type": "user", "userId": user},
        "message": {"id": "1", "type": "text", "text": text, "quoteToken": "q"},
    }


async def _count_events(bot) -> int:
    async with bot.runtime.sessions() as session:
        return await session.scalar(sa.select(sa.func.count()).select_from(InboundEvent))


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def _post(bot, body: bytes, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=bot.base_url) as client:
        return await client.post("/line/webhook", content=body, headers=headers)


async def test_missing_signature_is_refused_and_nothing_is_stored(bot):
    response = await _post(bot, orjson.dumps({"events": [_event()]}), {})
    assert response.status_code == 400
    assert await _count_events(bot) == 0


async def test_wrong_signature_is_refused_and_nothing_is_stored(bot):
    body = orjson.dumps({"events": [_event()]})
    response = await _post(bot, body, {"x-line-signature": sign("not-the-secret", body)})
    assert response.status_code == 400
    assert await _count_events(bot) == 0


async def test_a_body_changed_after_signing_is_refused(bot):
    body = orjson.dumps({"events": [_event(text="ก")]})
    signature = sign(bot.standin.channel_secret, body)
    response = await _post(bot, body.replace("ก".encode(), "ข".encode()), {"x-line-signature": signature})
    assert response.status_code == 400


async def test_signature_header_name_in_any_case_is_accepted(bot):
    body = orjson.dumps({"destination": "U0", "events": [_event()]})
    response = await _post(bot, body, {"X-LINE-SIGNATURE": sign(bot.standin.channel_secret, body)})
    assert response.status_code == 200
    assert await _count_events(bot) == 1


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'"events"', b'{"events": {}}'])
async def test_malformed_bodies_get_400_not_500(bot, body):
    response = await _post(bot, body, {"x-line-signature": sign(bot.standin.channel_secret, body)})
    assert response.status_code == 400


async def test_a_body_over_two_megabytes_is_refused(bot):
    body = orjson.dumps({"events": [_event(text="ก" * (1024 * 1024))]})
    response = await _post(bot, body, {"x-line-signature": sign(bot.standin.channel_secret, body)})
    assert response.status_code == 413
    assert await _count_events(bot) == 0


async def test_lines_connection_check_with_no_events_gets_200(bot):
    assert await bot.simulator.connection_check() == 200


async def test_an_unknown_channel_looks_the_same_as_a_wrong_signature(bot):
    # Before the signature is checked nothing tells a prober which channel slugs exist.
    body = orjson.dumps({"events": []})
    async with httpx.AsyncClient(base_url=bot.base_url) as client:
        unknown = await client.post("/line/webhook/no-such-school", content=body,
                                    headers={"x-line-signature": sign(bot.standin.channel_secret, body)})
        wrong = await client.post("/line/webhook", content=body,
                                  headers={"x-line-signature": sign("not-the-secret", body)})
    assert (unknown.status_code, unknown.content) == (wrong.status_code, wrong.content)
    assert unknown.status_code == 400


@pytest.mark.parametrize("bad", [
    {"source": "x"},
    {"message": "x"},
    {"message": {"id": "2", "type": "file", "fileName": "a.pdf", "fileSize": "abc"}},
    {"message": {"id": "2", "type": "image", "imageSet": {"id": "s", "index": "one", "total": 2}}},
    {"type": "postback", "postback": {"data": "a=1", "params": "not an object"}},
    {"type": "postback", "postback": None},
    {"timestamp": "yesterday"},
    {"source": {"type": "user", "userId": "U" * 500}},
])
async def test_a_malformed_event_is_dropped_and_the_rest_of_its_batch_recorded(bot, bad):
    events = [_event("01HAAAAAAAAAAAAAAAAAAAAAAA"), {**_event("01HBBBBBBBBBBBBBBBBBBBBBBB"), **bad},
              _event("01HCCCCCCCCCCCCCCCCCCCCCCC"), "not an event"]
    body = orjson.dumps({"events": events})
    response = await _post(bot, body, {"x-line-signature": sign(bot.standin.channel_secret, body)})
    assert response.status_code == 200
    async with bot.runtime.sessions() as session:
        recorded = set(await session.scalars(sa.select(InboundEvent.event_id)))
    assert recorded == {"01HAAAAAAAAAAAAAAAAAAAAAAA", "01HCCCCCCCCCCCCCCCCCCCCCCC"}


async def test_events_the_bot_does_not_know_are_still_recorded(bot):
    # LINE adds event types; the shape check reads only what the bot uses.
    body = orjson.dumps({"events": [{**_event(), "type": "membered", "joined": {"members": []}}]})
    response = await _post(bot, body, {"x-line-signature": sign(bot.standin.channel_secret, body)})
    assert response.status_code == 200 and await _count_events(bot) == 1


async def test_the_same_event_delivered_twice_is_recorded_once(bot):
    body = orjson.dumps({"events": [_event(), _event()]})
    headers = {"x-line-signature": sign(bot.standin.channel_secret, body)}
    assert (await _post(bot, body, headers)).status_code == 200
    assert (await _post(bot, body, headers)).status_code == 200
    assert await _count_events(bot) == 1


async def test_events_are_recorded_before_the_answer_without_being_processed(bot):
    user = bot.standin.add_user("คุณแม่")
    assert await bot.simulator.follow(user.user_id) == 200
    assert await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ") == 200
    assert await _count_events(bot) == 2
    assert bot.standin.bot_messages(user.user_id) == []


async def test_health_and_readiness(bot):
    async with httpx.AsyncClient(base_url=bot.base_url) as client:
        assert (await client.get("/healthz")).status_code == 200
        ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"database": True, "shared_state": True}


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL: SQLite has no connections to lose")
async def test_a_database_restart_between_webhooks_costs_no_event(bot, database_url):
    """Pooled connections are not pinged before use: the first statement on a dead one fails,
    and the webhook retries once on a fresh connection instead of answering 500."""
    user = bot.standin.add_user("คุณแม่")
    assert await bot.simulator.follow(user.user_id) == 200
    admin = make_engine(database_url)
    async with admin.connect() as connection:
        killed = await connection.scalar(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    await admin.dispose()
    assert killed >= 1
    assert await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ") == 200
    assert await _count_events(bot) == 2
    await bot.process()
    assert bot.standin.bot_messages(user.user_id)


async def test_a_channel_kept_sealed_in_the_database_still_checks_its_webhooks(bot):
    from backend import school_admin
    from backend.schools import MessagingChannel

    secret, token = "c" * 32, "access-token-" + "t" * 40
    async with bot.runtime.sessions() as session:
        await school_admin.add_channel(session, keyring=bot.runtime.files.keyring, school_slug="demo",
                                       slug="second", secret=secret, token=token, now=bot.runtime.clock.now())
        await session.commit()
        row = await session.scalar(sa.select(MessagingChannel).where(MessagingChannel.slug == "second"))
    # A copy of the database alone cannot sign webhooks or send messages as the school.
    assert secret not in row.channel_secret and token not in row.access_token
    assert row.channel_secret.startswith("sealed:v1:")
    channel = await bot.runtime.channels.get("second")
    assert (channel.secret, channel.access_token) == (secret, token)
    body = orjson.dumps({"events": [_event()]})
    async with httpx.AsyncClient(base_url=bot.base_url) as client:
        ok = await client.post("/line/webhook/second", content=body, headers={"x-line-signature": sign(secret, body)})
    assert ok.status_code == 200 and await _count_events(bot) == 1

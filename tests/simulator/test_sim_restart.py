"""Simulated users and their chats survive a restart of the bot (kept under DATA_DIR), as the
requests they made survive in the database: the demo goes on where it stopped. The photos they
sent are not kept by the simulator (the bot keeps them encrypted)."""

from __future__ import annotations

import httpx

from tests.chat import Parent
from tests.harness import running_bot


async def test_users_and_their_chats_are_back_after_a_restart(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as bot:
        parent = Parent(bot, "คุณแม่น้ำฝน")
        await parent.follow()
        await parent.say("อยากย้ายลูกไปโรงเรียนใหม่ค่ะ")
        await parent.send_photos(1)
        before = bot.standin.timeline(parent.user_id)
        bot_messages = len(bot.standin.bot_messages(parent.user_id))
        photo_id = next(e["message"]["id"] for e in before if e.get("message", {}).get("type") == "image"
                        and e["from"] == "user")

    async with running_bot(env, clock, namespace=redis_namespace) as bot:
        async with httpx.AsyncClient(base_url=bot.base_url) as client:
            users = (await client.get("/sim/api/users")).json()
            timeline = (await client.get(f"/sim/api/users/{parent.user_id}/timeline")).json()
            photo = await client.get(f"/sim/api/media/{photo_id}")
        assert [(u["userId"], u["displayName"], u["following"]) for u in users] == [
            (parent.user_id, "คุณแม่น้ำฝน", True)]
        assert [e["seq"] for e in timeline["items"]] == [e["seq"] for e in before]
        assert timeline["items"][-1] == before[-1]
        assert len(bot.standin.bot_messages(parent.user_id)) == bot_messages
        # A child's document is kept only by the bot, encrypted: not by the simulator on disk.
        assert photo.status_code == 404
        # The chat goes on: the bot answers the same user, after what was there.
        again = Parent.__new__(Parent)
        again.bot, again.user_id, again._seen = bot, parent.user_id, bot_messages
        await again.say("ติดตามสถานะ")
        assert "คำขอของคุณ" in again.last_text() or "ยังไม่มีคำขอ" in again.last_text()
        assert min(e["seq"] for e in bot.standin.timeline(parent.user_id, after=before[-1]["seq"])) > before[-1]["seq"]

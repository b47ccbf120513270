"""Wake-ups name the users whose events arrived: the worker starts them without waiting for its
periodic scan, and a user named again while being served is served once more."""

from __future__ import annotations

import asyncio

from bot import messages as m
from tests.harness import TextConversation, running_bot

NO_SCAN = 3600.0  # poll_seconds: after its first scan, the worker only acts on wake-ups


class _Gated(TextConversation):
    """Answers each text; "wait" holds the user's lane until the test opens the gate."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def on_text(self, ctx, text):
        if text == "wait":
            self.waiting.set()
            await self.gate.wait()
        return m.text(f"ได้รับ {text}")


def _texts(bot, user_id: str) -> list[str]:
    return [entry["message"].get("text", "") for entry in bot.standin.bot_messages(user_id)]


async def _until(condition, what: str) -> None:
    async with asyncio.timeout(10):
        while not condition():
            await asyncio.sleep(0.01)


async def test_a_user_named_while_being_served_is_served_again_without_a_scan(env, clock, redis_namespace):
    conversation = _Gated()
    async with running_bot(env, clock, namespace=redis_namespace, conversation=conversation) as bot:
        user = bot.standin.add_user("คุณแม่")
        user.following = True
        other = bot.standin.add_user("คุณพ่อ")
        other.following = True
        worker = bot.runtime.worker(poll_seconds=NO_SCAN)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        try:
            # Redis delivers wake-ups only to subscribers: wait until the worker listens.
            async with asyncio.timeout(10):
                while not await _subscribed(bot):
                    await asyncio.sleep(0.01)
            assert await bot.simulator.send_text(user.user_id, "wait") == 200
            async with asyncio.timeout(10):
                await conversation.waiting.wait()
            # While the first text is being handled, a second one arrives for the same user...
            assert await bot.simulator.send_text(user.user_id, "สอง") == 200
            # ...and another user is served meanwhile.
            assert await bot.simulator.send_text(other.user_id, "หนึ่ง") == 200
            await _until(lambda: _texts(bot, other.user_id) == ["ได้รับ หนึ่ง"], "the other user's answer")
            conversation.gate.set()
            await _until(lambda: len(_texts(bot, user.user_id)) == 2, "both answers")
            assert _texts(bot, user.user_id) == ["ได้รับ wait", "ได้รับ สอง"]
        finally:
            stop.set()
            conversation.gate.set()
            await bot.runtime.state.notify("inbox")  # the worker checks stop between wake-ups
            async with asyncio.timeout(10):
                await running


async def _subscribed(bot) -> bool:
    state = bot.runtime.state
    if hasattr(state, "_queues"):
        return bool(state._queues.get("inbox"))
    channel = state._k("wake:inbox")
    counts = dict(await state._redis.pubsub_numsub(channel))
    return counts.get(channel.encode(), 0) >= 1

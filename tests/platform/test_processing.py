"""From recorded event to the message in the parent's chat: replies, pushes, retries, order."""

from __future__ import annotations

import asyncio
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from backend import outbox
from backend.files.models import StoredFile
from backend.files.service import StoredFileNotFound
from backend.inbox import InboundEvent
from backend.outbox import OutboundMessage
from bot import messages as m
from tests.harness import TextConversation, running_bot


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


def _texts(bot, user_id: str) -> list[str]:
    return [entry["message"].get("text", "") for entry in bot.standin.bot_messages(user_id)]


async def _friend(bot, name: str = "คุณแม่"):
    user = bot.standin.add_user(name)
    assert await bot.simulator.follow(user.user_id) == 200
    await bot.process()
    return user


async def _outbox(bot) -> list[OutboundMessage]:
    async with bot.runtime.sessions() as session:
        return list(await session.scalars(sa.select(OutboundMessage).order_by(OutboundMessage.id)))


async def test_a_new_friend_is_greeted_in_thai_by_reply(bot):
    user = await _friend(bot)
    sent = bot.standin.bot_messages(user.user_id)
    assert len(sent) == 1
    assert sent[0]["via"] == "reply"
    assert "ยินดีต้อนรับสู่บริการออนไลน์ของโรงเรียนสาธิตบ้านสวน" in sent[0]["message"]["text"]


async def test_a_text_gets_an_answer(bot):
    user = await _friend(bot)
    await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
    await bot.process()
    answer = bot.standin.bot_messages(user.user_id)[-1]
    assert answer["via"] == "reply"
    assert answer["message"]["quickReply"]["items"]


async def test_a_redelivered_event_is_answered_once(bot):
    user = await _friend(bot)
    await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
    assert await bot.simulator.redeliver_last(user.user_id) == 200
    await bot.process()
    assert await bot.simulator.redeliver_last(user.user_id) == 200
    await bot.process()
    assert len(bot.standin.bot_messages(user.user_id)) == 2  # greeting + one answer


async def test_standby_events_send_nothing(bot):
    user = bot.standin.add_user()
    event = bot.simulator._event("message", user.user_id)
    event["mode"] = "standby"
    event["message"] = {"type": "text", "id": "77", "text": "สวัสดี", "quoteToken": "q"}
    assert await bot.simulator.post_events([event]) == 200
    await bot.process()
    assert bot.standin.bot_messages(user.user_id) == []


async def test_unknown_event_types_are_recorded_and_ignored(bot):
    user = await _friend(bot)
    event = bot.simulator._event("membership", user.user_id)
    assert await bot.simulator.post_events([event]) == 200
    await bot.process()
    async with bot.runtime.sessions() as session:
        statuses = list(await session.scalars(sa.select(InboundEvent.status)))
    assert statuses == ["done", "done"]
    assert len(bot.standin.bot_messages(user.user_id)) == 1


async def test_a_reply_token_past_its_minute_falls_back_to_push(bot, clock):
    user = await _friend(bot)
    await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
    clock.advance(seconds=70)
    await bot.process()
    assert bot.standin.bot_messages(user.user_id)[-1]["via"] == "push"


async def test_a_used_reply_token_falls_back_to_push(bot):
    user = await _friend(bot)
    await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
    bot.standin.fail_next("reply", 400, body={"message": "Invalid reply token"})
    await bot.process()
    assert bot.standin.bot_messages(user.user_id)[-1]["via"] == "push"


async def test_a_push_that_fails_with_500_is_retried_with_the_same_retry_key(bot, clock):
    user = await _friend(bot)
    await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
    clock.advance(seconds=70)  # too late for a reply: it must be a push
    bot.standin.fail_next("push", 500)
    await bot.process()
    assert len(bot.standin.bot_messages(user.user_id)) == 1
    [pending] = [row for row in await _outbox(bot) if row.status == outbox.PENDING]
    assert pending.attempts == 1 and "500" in pending.last_error
    await bot.process()  # not due yet: backoff holds it
    assert len(bot.standin.bot_messages(user.user_id)) == 1
    clock.advance(seconds=2)
    await bot.process()
    assert len(bot.standin.bot_messages(user.user_id)) == 2
    pushes = bot.standin.requests_to("push")
    keys = {request.headers.get("x-line-retry-key") for request in pushes}
    assert len(pushes) == 2 and len(keys) == 1 and None not in keys


async def test_an_answer_waits_behind_an_older_message_still_being_retried(bot, clock):
    user = await _friend(bot)
    await bot.simulator.send_text(user.user_id, "ติดตามสถานะ")
    clock.advance(seconds=70)  # too late for a reply: a push, which LINE fails
    bot.standin.fail_next("push", 500)
    await bot.process()
    await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
    await bot.process()  # the older message is in backoff: the new answer must not overtake it
    assert len(bot.standin.bot_messages(user.user_id)) == 1
    clock.advance(seconds=2)
    await bot.process()
    first, second = bot.standin.bot_messages(user.user_id)[1:]
    rows = await _outbox(bot)
    assert [row.status for row in rows] == [outbox.SENT] * 3
    # In the order they were written: the retried push first, then the answer (its token still fresh).
    assert (first["via"], second["via"]) == ("push", "reply")
    assert [first["message"], second["message"]] == [rows[1].payload[0], rows[2].payload[0]]


async def test_a_push_answered_409_counts_as_delivered(bot, clock):
    user = await _friend(bot)
    await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
    clock.advance(seconds=70)
    bot.standin.fail_next("push", 409, body={"message": "The retry key is already accepted"})
    await bot.process()
    assert (await _outbox(bot))[-1].status == outbox.SENT


async def test_a_refused_push_is_recorded_with_lines_reason(bot, clock):
    bot.refusals_expected = True
    user = await _friend(bot)
    await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
    clock.advance(seconds=70)
    bot.standin.fail_next("push", 400, body={"message": "The property, 'to', in the request body is invalid"})
    await bot.process()
    last = (await _outbox(bot))[-1]
    assert last.status == outbox.FAILED
    assert "'to'" in last.last_error


async def test_after_unfollow_nothing_more_is_pushed(bot, clock):
    user = await _friend(bot)
    await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
    clock.advance(seconds=70)
    bot.standin.fail_next("push", 500)
    await bot.process()
    await bot.simulator.unfollow(user.user_id)
    clock.advance(seconds=5)
    await bot.process()
    assert len(bot.standin.bot_messages(user.user_id)) == 1
    assert (await _outbox(bot))[-1].status == outbox.DROPPED


class _Recording(TextConversation):
    """A conversation that answers each text with the text itself, to make order visible."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def on_text(self, ctx, text):
        self.seen.append(text)
        await asyncio.sleep(0)  # let other users' work interleave
        return m.text(f"ได้รับ {text}")

    async def on_files(self, ctx, file_ids):
        return m.text(f"ไฟล์ {len(file_ids)}")


async def test_each_users_events_are_handled_in_timestamp_order_under_concurrent_webhooks(env, clock, redis_namespace):
    recording = _Recording()
    async with running_bot(env, clock, namespace=redis_namespace, conversation=recording) as bot:
        users = [bot.standin.add_user(f"ผู้ปกครอง {i}") for i in range(4)]
        events = {}
        for user in users:
            user.following = True
            batch = []
            for n in range(5):
                clock.advance(milliseconds=10)
                event = bot.simulator._event("message", user.user_id)
                event["message"] = {"type": "text", "id": f"{user.user_id}-{n}", "text": f"{n}", "quoteToken": "q"}
                batch.append(event)
            events[user.user_id] = batch
        # Deliver every event in its own request, all at once and in reverse order.
        posts = [bot.simulator.post_events([e]) for batch in events.values() for e in reversed(batch)]
        assert set(await asyncio.gather(*posts)) == {200}
        await asyncio.gather(bot.process(), bot.process())
        for user in users:
            assert _texts(bot, user.user_id) == [f"ได้รับ {n}" for n in range(5)]
        assert len(recording.seen) == 20


def _jpeg(marker: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue() + marker


async def _stored(bot) -> list[StoredFile]:
    async with bot.runtime.sessions() as session:
        return list(await session.scalars(sa.select(StoredFile).order_by(StoredFile.created_at)))


async def test_a_photo_is_downloaded_at_once_and_stored_encrypted(bot, env):
    user = await _friend(bot)
    photo = _jpeg(b"SECRET-HOUSE-REGISTRATION")
    await bot.simulator.send_files(user.user_id, [(photo, "image/jpeg")])
    await bot.process()
    [stored] = await _stored(bot)
    assert stored.content_type == "image/jpeg" and stored.size_bytes == len(photo)
    async with bot.runtime.sessions() as session:
        data, _kind = await bot.runtime.files.read(session, stored.id, school_id=stored.school_id)
    assert data == photo
    from pathlib import Path

    on_disk = b"".join(p.read_bytes() for p in Path(env["DATA_DIR"]).rglob("*") if p.is_file())
    assert b"SECRET-HOUSE-REGISTRATION" not in on_disk
    assert _texts(bot, user.user_id)[-1].startswith("ได้รับไฟล์แล้วค่ะ")


async def test_photos_sent_together_are_answered_once_for_the_set(bot):
    user = await _friend(bot)
    await bot.simulator.send_files(user.user_id, [(_jpeg(), "image/jpeg")] * 3)
    await bot.process()
    assert len(await _stored(bot)) == 3
    assert len(bot.standin.bot_messages(user.user_id)) == 2  # greeting + one acknowledgement


async def test_a_file_that_is_not_a_photo_or_pdf_gets_a_clear_thai_answer(bot):
    user = await _friend(bot)
    await bot.simulator.send_files(user.user_id, [(b"MZ\x90\x00 not a document", "application/pdf", "เอกสาร.pdf")])
    await bot.process()
    assert await _stored(bot) == []
    assert "PDF" in _texts(bot, user.user_id)[-1] and "ขออภัย" in _texts(bot, user.user_id)[-1]


async def test_a_file_over_the_limit_is_refused_before_download(bot):
    user = await _friend(bot)
    big = b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024)
    await bot.simulator.send_files(user.user_id, [(big, "application/pdf", "big.pdf")])
    await bot.process()
    assert await _stored(bot) == []
    assert "ใหญ่เกิน" in _texts(bot, user.user_id)[-1]
    assert bot.standin.requests_to("content") == []


async def test_content_gone_at_line_gets_a_polite_answer(bot):
    user = await _friend(bot)
    bot.standin.fail_next("content", 404, body={"message": "Not found"})
    await bot.simulator.send_files(user.user_id, [(_jpeg(), "image/jpeg")])
    await bot.process()
    assert await _stored(bot) == []
    assert "ส่งใหม่" in _texts(bot, user.user_id)[-1]


async def test_unsend_deletes_the_stored_copy(bot):
    user = await _friend(bot)
    await bot.simulator.send_files(user.user_id, [(_jpeg(), "image/jpeg")])
    await bot.process()
    [stored] = await _stored(bot)
    await bot.simulator.unsend(user.user_id, stored.source_ref)
    await bot.process()
    [after] = await _stored(bot)
    assert after.deleted_at is not None
    async with bot.runtime.sessions() as session:
        with pytest.raises(StoredFileNotFound):
            await bot.runtime.files.read(session, stored.id, school_id=stored.school_id)


class _Slow(_Recording):
    """Work that takes longer than a moment: it ends only once the chat shows the indicator."""

    def __init__(self, standin) -> None:
        super().__init__()
        self.standin = standin

    async def on_text(self, ctx, text):
        async with asyncio.timeout(5):
            while not self.standin.loading_calls:
                await asyncio.sleep(0.01)
        return m.text("เสร็จแล้วค่ะ")


async def test_work_that_takes_more_than_a_moment_shows_the_loading_indicator(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as bot:
        slow = _Slow(bot.standin)
        bot.runtime.handler._conversation = slow
        user = await _friend(bot)
        assert bot.standin.loading_calls == []  # the greeting was quick
        await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
        await bot.process(loading_after=0.05)
        [call] = bot.standin.loading_calls
        assert call.chat_id == user.user_id
        assert _texts(bot, user.user_id)[-1] == "เสร็จแล้วค่ะ"

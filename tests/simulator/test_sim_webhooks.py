"""Webhooks the simulator posts look, sign and redeliver like LINE's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import (
    FileMessageContent,
    FollowEvent,
    ImageMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UnsendEvent,
)

CHANNEL_SECRET = "sim-test-channel-secret"

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


async def test_posted_webhooks_are_signed_with_the_channel_secret(simulator, receiver):
    user = simulator.add_user()
    await user.follow()
    await user.send_text("สวัสดีค่ะ ขอสมัครเรียน ม.1")

    for webhook in receiver.received:
        expected = base64.b64encode(
            hmac.new(CHANNEL_SECRET.encode(), webhook.raw, hashlib.sha256).digest()
        ).decode()
        assert webhook.signature == expected
    # Signed over the raw UTF-8 bytes, Thai not escaped: a bot that re-serialises fails.
    assert "สวัสดีค่ะ".encode() in receiver.received[-1].raw


async def test_every_event_type_parses_with_the_line_sdk(simulator, receiver, clock):
    user = simulator.add_user()
    await user.follow()
    await user.send_text("สวัสดีค่ะ")
    await user.send_files([(b"\xff\xd8a", "image/jpeg"), (b"%PDF", "application/pdf", "a.pdf")])
    await user.send_sticker()
    await user.tap_postback("action=pick_date", display_text="เลือกวันที่",
                            params={"date": "2026-12-01"})
    await user.unsend(receiver.events[1]["message"]["id"])
    await user.unfollow()

    parser = WebhookParser(CHANNEL_SECRET)
    events = [event for webhook in receiver.received
              for event in parser.parse(webhook.raw.decode(), webhook.signature)]

    kinds = [type(e).__name__ if not isinstance(e, MessageEvent)
             else type(e.message).__name__ for e in events]
    assert kinds == [
        FollowEvent.__name__, TextMessageContent.__name__, ImageMessageContent.__name__,
        FileMessageContent.__name__, StickerMessageContent.__name__, PostbackEvent.__name__,
        UnsendEvent.__name__, UnfollowEvent.__name__,
    ]
    for raw_event in receiver.events:
        assert raw_event["mode"] == "active"
        assert ULID.match(raw_event["webhookEventId"])
        assert raw_event["timestamp"] == int(clock.now().timestamp() * 1000)
        assert raw_event["source"] == {"type": "user", "userId": user.user_id}
        assert raw_event["deliveryContext"] == {"isRedelivery": False}
    assert events[0].follow.is_unblocked is False
    assert events[5].postback.params == {"date": "2026-12-01"}
    assert receiver.received[0].body["destination"].startswith("U")


async def test_follow_after_block_is_unblocked(simulator, receiver):
    user = simulator.add_user()
    await user.follow()
    await user.unfollow()
    await user.follow()
    assert receiver.events[-1]["follow"] == {"isUnblocked": True}
    assert "replyToken" not in receiver.events[1]


async def test_several_photos_share_one_image_set(simulator, receiver):
    user = simulator.add_user()
    await user.follow()
    statuses = await user.send_files([
        (b"\xff\xd81", "image/jpeg"), (b"\x89PNG2", "image/png"),
        (b"%PDF-1.7", "application/pdf", "ทะเบียนบ้าน.pdf"), (b"\xff\xd83", "image/jpeg"),
    ])

    assert statuses == [200, 200, 200, 200]
    messages = [e["message"] for e in receiver.events[1:]]
    images = [m for m in messages if m["type"] == "image"]
    assert len({m["imageSet"]["id"] for m in images}) == 1
    assert [(m["imageSet"]["index"], m["imageSet"]["total"]) for m in images] == [
        (1, 3), (2, 3), (3, 3)]
    assert all(m["contentProvider"] == {"type": "line"} for m in images)
    pdf = messages[2]
    assert (pdf["type"], pdf["fileName"], pdf["fileSize"]) == ("file", "ทะเบียนบ้าน.pdf", 8)
    # Each image in its own request, as LINE usually does.
    assert len(receiver.received) == 5


async def test_single_photo_has_no_image_set(simulator, receiver):
    user = simulator.add_user()
    await user.follow()
    await user.send_files([(b"\xff\xd8", "image/jpeg")], together=True)
    assert "imageSet" not in receiver.events[-1]["message"]


async def test_redelivery_keeps_event_id_and_reply_token(simulator, receiver, line_api, clock):
    user = simulator.add_user()
    await user.follow()
    receiver.answer_status = 500
    assert await user.send_text("ขอใบรับรองการเป็นนักเรียนค่ะ") == 500
    original = receiver.events[-1]

    clock.advance(minutes=3)
    receiver.answer_status = 200
    assert await user.redeliver_last() == 200
    again = receiver.events[-1]

    assert again["webhookEventId"] == original["webhookEventId"]
    assert again["replyToken"] == original["replyToken"]
    assert again["timestamp"] == original["timestamp"]
    assert again["deliveryContext"] == {"isRedelivery": True}
    # The redelivered token gets a fresh minute, so the bot can still answer.
    reply = await line_api.post("/line/v2/bot/message/reply", json={
        "replyToken": again["replyToken"], "messages": [{"type": "text", "text": "ได้ค่ะ"}]})
    assert reply.status_code == 200


async def test_actions_need_the_user_to_be_a_friend(simulator):
    user = simulator.add_user()
    try:
        await user.send_text("สวัสดีค่ะ")
    except Exception as exc:  # noqa: BLE001 - the type is what we check
        assert type(exc).__name__ == "NotFollowingError"
    else:
        raise AssertionError("a stranger's message went through")


async def test_connection_check_posts_empty_events(simulator, receiver):
    assert await simulator.connection_check() == 200
    assert receiver.received[-1].events == []

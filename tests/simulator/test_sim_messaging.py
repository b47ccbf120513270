"""The stand-in's message endpoints behave like LINE: reply tokens, retry keys, limits, faults."""

from __future__ import annotations

import asyncio
import uuid

from bot.simulator import LineStandIn, Simulator


async def follow_and_get_token(simulator: Simulator, receiver) -> tuple[str, str]:
    user = simulator.add_user("ผู้ปกครองทดสอบ")
    await user.follow()
    return user.user_id, receiver.events[-1]["replyToken"]


def text(value: str) -> dict:
    return {"type": "text", "text": value}


async def test_reply_token_works_once(simulator, receiver, line_api, standin):
    user_id, token = await follow_and_get_token(simulator, receiver)

    first = await line_api.post("/line/v2/bot/message/reply",
                                json={"replyToken": token, "messages": [text("ยินดีต้อนรับค่ะ")]})
    second = await line_api.post("/line/v2/bot/message/reply",
                                 json={"replyToken": token, "messages": [text("อีกครั้งค่ะ")]})

    assert first.status_code == 200
    assert [m["id"] for m in first.json()["sentMessages"]] == [standin.bot_messages(user_id)[0]["id"]]
    assert "quoteToken" in first.json()["sentMessages"][0]
    assert second.status_code == 400
    assert second.json() == {"message": "Invalid reply token"}
    assert [m["message"]["text"] for m in standin.bot_messages(user_id)] == ["ยินดีต้อนรับค่ะ"]
    assert standin.bot_messages(user_id)[0]["via"] == "reply"


async def test_reply_token_expires_after_a_minute(simulator, receiver, line_api, clock):
    _, early = await follow_and_get_token(simulator, receiver)
    _, late = await follow_and_get_token(simulator, receiver)

    clock.advance(seconds=59)
    in_time = await line_api.post("/line/v2/bot/message/reply",
                                  json={"replyToken": early, "messages": [text("ทันค่ะ")]})
    clock.advance(seconds=2)
    too_late = await line_api.post("/line/v2/bot/message/reply",
                                   json={"replyToken": late, "messages": [text("ช้าไปค่ะ")]})

    assert in_time.status_code == 200
    assert too_late.status_code == 400
    assert too_late.json()["message"] == "Invalid reply token"


async def test_repeated_retry_key_is_409_and_delivers_once(simulator, line_api, standin, clock):
    user = simulator.add_user()
    await user.follow()
    key = str(uuid.uuid4())
    body = {"to": user.user_id, "messages": [text("ชำระเงินเรียบร้อยแล้วค่ะ")]}

    first = await line_api.post("/line/v2/bot/message/push", json=body,
                                headers={"X-Line-Retry-Key": key})
    repeat = await line_api.post("/line/v2/bot/message/push", json=body,
                                 headers={"X-Line-Retry-Key": key})

    assert first.status_code == 200
    assert repeat.status_code == 409
    assert repeat.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    assert repeat.json()["sentMessages"] == first.json()["sentMessages"]
    assert len(standin.bot_messages(user.user_id)) == 1

    clock.advance(hours=24, seconds=1)
    after_a_day = await line_api.post("/line/v2/bot/message/push", json=body,
                                      headers={"X-Line-Retry-Key": key})
    assert after_a_day.status_code == 200
    assert len(standin.bot_messages(user.user_id)) == 2


async def test_retry_key_must_be_a_uuid(simulator, line_api):
    user = simulator.add_user()
    await user.follow()
    response = await line_api.post("/line/v2/bot/message/push",
                                   json={"to": user.user_id, "messages": [text("x")]},
                                   headers={"X-Line-Retry-Key": "not-a-uuid"})
    assert response.status_code == 400


async def test_push_to_a_user_who_blocked_the_account_is_200_but_not_shown(
    simulator, line_api, standin
):
    user = simulator.add_user()
    await user.follow()
    await user.unfollow()
    response = await line_api.post("/line/v2/bot/message/push",
                                   json={"to": user.user_id, "messages": [text("x")]})
    assert response.status_code == 200
    assert standin.bot_messages(user.user_id) == []


async def test_push_to_unknown_user_is_400(line_api):
    response = await line_api.post("/line/v2/bot/message/push",
                                   json={"to": "U" + "0" * 32, "messages": [text("x")]})
    assert response.status_code == 400
    assert "'to'" in response.json()["message"]


async def test_message_limits_answer_400_with_details(simulator, line_api, standin):
    user = simulator.add_user()
    await user.follow()
    chips = [{"type": "action", "action": {"type": "message", "label": f"ตัวเลือก {i}",
                                            "text": str(i)}} for i in range(14)]
    cases = {
        "messages": [text(str(i)) for i in range(6)],
        "messages[0].text": [text("ก" * 5001)],
        "messages[0].quickReply.items": [{**text("เลือกค่ะ"), "quickReply": {"items": chips}}],
        "messages[0].quickReply.items[0].action.label": [{**text("เลือกค่ะ"), "quickReply": {
            "items": [{"type": "action", "action": {"type": "message", "label": "ก" * 21,
                                                      "text": "x"}}]}}],
        "messages[0].originalContentUrl": [{"type": "image",
                                            "originalContentUrl": "http://example.com/a.png",
                                            "previewImageUrl": "https://example.com/a.png"}],
        "messages[0].altText": [{"type": "flex", "altText": "ก" * 1501,
                                 "contents": {"type": "bubble"}}],
    }
    for prop, messages in cases.items():
        response = await line_api.post("/line/v2/bot/message/push",
                                       json={"to": user.user_id, "messages": messages})
        assert response.status_code == 400, prop
        assert prop in [d["property"] for d in response.json()["details"]], response.json()
    assert standin.bot_messages(user.user_id) == []


async def test_text_length_counts_utf16_units(simulator, line_api, standin):
    user = simulator.add_user()
    await user.follow()
    emoji = "\N{GRINNING FACE}"  # two UTF-16 units
    at_limit = await line_api.post("/line/v2/bot/message/push",
                                   json={"to": user.user_id, "messages": [text(emoji * 2500)]})
    over = await line_api.post("/line/v2/bot/message/push",
                               json={"to": user.user_id, "messages": [text(emoji * 2501)]})
    local_image = await line_api.post("/line/v2/bot/message/push", json={
        "to": user.user_id, "messages": [{"type": "image",
                                          "originalContentUrl": "http://127.0.0.1:8000/qr.png",
                                          "previewImageUrl": "http://localhost:8000/qr.png"}]})
    assert (at_limit.status_code, over.status_code, local_image.status_code) == (200, 400, 200)


async def test_wrong_access_token_is_401(sim_app_client):
    response = await sim_app_client.post("/line/v2/bot/message/push",
                                         json={"to": "U1", "messages": [text("x")]},
                                         headers={"authorization": "Bearer wrong"})
    assert response.status_code == 401


async def test_injected_fault_fails_then_recovers(simulator, line_api, standin):
    user = simulator.add_user()
    await user.follow()
    standin.fail_next("push", 429, times=2)
    body = {"to": user.user_id, "messages": [text("แจ้งเตือนค่ะ")]}

    statuses = [(await line_api.post("/line/v2/bot/message/push", json=body)).status_code
                for _ in range(3)]

    assert statuses == [429, 429, 200]
    assert len(standin.bot_messages(user.user_id)) == 1
    assert [r.status for r in standin.requests_to("push")] == [429, 429, 200]


async def test_lost_response_then_retry_with_same_key_is_not_delivered_twice(
    simulator, line_api, standin
):
    user = simulator.add_user()
    await user.follow()
    standin.fail_next("push", 500, body={"message": "boom"}, after_processing=True)
    key = str(uuid.uuid4())
    body = {"to": user.user_id, "messages": [text("ใบเสร็จค่ะ")]}

    lost = await line_api.post("/line/v2/bot/message/push", json=body,
                               headers={"X-Line-Retry-Key": key})
    retried = await line_api.post("/line/v2/bot/message/push", json=body,
                                  headers={"X-Line-Retry-Key": key})

    assert (lost.status_code, lost.json()) == (500, {"message": "boom"})
    assert retried.status_code == 409
    assert len(standin.bot_messages(user.user_id)) == 1
    assert {r.headers["x-line-retry-key"] for r in standin.requests_to("push")} == {key}


async def test_content_fault_and_unknown_content(simulator, line_api, standin, receiver):
    user = simulator.add_user()
    await user.follow()
    await user.send_files([(b"%PDF-1.4 test", "application/pdf", "สูติบัตร.pdf")])
    message_id = receiver.events[-1]["message"]["id"]
    standin.fail_next("content", 503)

    failed = await line_api.get(f"/line/v2/bot/message/{message_id}/content")
    fetched = await line_api.get(f"/line/v2/bot/message/{message_id}/content")
    unknown = await line_api.get("/line/v2/bot/message/123/content")

    assert failed.status_code == 503
    assert (fetched.status_code, fetched.content) == (200, b"%PDF-1.4 test")
    assert fetched.headers["content-type"] == "application/pdf"
    assert unknown.status_code == 404


async def test_unsent_content_is_gone(simulator, line_api, receiver):
    user = simulator.add_user()
    await user.follow()
    await user.send_files([(b"\xff\xd8jpeg", "image/jpeg")])
    message_id = receiver.events[-1]["message"]["id"]
    await user.unsend(message_id)

    response = await line_api.get(f"/line/v2/bot/message/{message_id}/content")

    assert response.status_code == 410
    assert receiver.events[-1]["unsend"] == {"messageId": message_id}


async def test_profile_and_loading_indicator(simulator, line_api, standin):
    user = simulator.add_user("คุณแม่น้องฟ้า")
    await user.follow()
    profile = await line_api.get(f"/line/v2/bot/profile/{user.user_id}")
    loading = await line_api.post("/line/v2/bot/chat/loading/start",
                                  json={"chatId": user.user_id, "loadingSeconds": 10})
    bad_loading = await line_api.post("/line/v2/bot/chat/loading/start",
                                      json={"chatId": user.user_id, "loadingSeconds": 7})

    assert profile.json()["displayName"] == "คุณแม่น้องฟ้า"
    assert profile.json()["userId"] == user.user_id
    assert (loading.status_code, bad_loading.status_code) == (202, 400)
    assert standin.is_loading(user.user_id)
    await line_api.post("/line/v2/bot/message/push",
                        json={"to": user.user_id, "messages": [text("เสร็จแล้วค่ะ")]})
    assert not standin.is_loading(user.user_id)


async def test_wait_for_bot_messages_wakes_on_delivery(simulator, line_api, standin):
    user = simulator.add_user()
    await user.follow()
    waiter = asyncio.create_task(standin.wait_for_bot_messages(user.user_id, 2))
    for word in ("หนึ่ง", "สอง"):
        await line_api.post("/line/v2/bot/message/push",
                            json={"to": user.user_id, "messages": [text(word)]})
    messages = await waiter
    assert [m["message"]["text"] for m in messages] == ["หนึ่ง", "สอง"]


async def test_wait_for_bot_messages_times_out(standin: LineStandIn):
    user = standin.add_user()
    try:
        await standin.wait_for_bot_messages(user.user_id, 1, timeout=0.01)
    except TimeoutError as exc:
        assert "0 message" in str(exc)
    else:
        raise AssertionError("expected a timeout")

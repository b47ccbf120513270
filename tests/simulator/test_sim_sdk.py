"""A bot written against line-bot-sdk v3 works unchanged with Configuration(host=<base>/sim/line)."""

from __future__ import annotations

import asyncio
import io
import socket
import uuid

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from PIL import Image

from bot.simulator import create_simulator_app

ACCESS_TOKEN = "sim-test-access-token"


@pytest.fixture
async def sdk_base_url(standin, receiver):
    """The simulator served over real HTTP (the SDK uses aiohttp, which needs a socket)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    bot_client = httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app()),
                                   base_url="http://bot")
    root = FastAPI()
    root.mount("/sim", create_simulator_app(standin, webhook_url="http://bot/webhook",
                                            http_client=bot_client))
    # Connections queue on the listening socket until serve() accepts them: no wait needed.
    server = uvicorn.Server(uvicorn.Config(root, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    yield f"http://127.0.0.1:{port}/sim/line"
    server.should_exit = True
    await task
    sock.close()
    await bot_client.aclose()


async def test_sdk_reply_push_profile_content_loading(sdk_base_url, simulator, receiver, standin):
    user = simulator.add_user("คุณพ่อน้องเมฆ")
    await user.follow()
    await user.send_files([(b"\xff\xd8\xff photo", "image/jpeg")])
    token = receiver.events[0]["replyToken"]
    image_id = receiver.events[1]["message"]["id"]

    async with AsyncApiClient(Configuration(host=sdk_base_url, access_token=ACCESS_TOKEN)) as client:
        api, blob = AsyncMessagingApi(client), AsyncMessagingApiBlob(client)
        chips = QuickReply(items=[QuickReplyItem(action=PostbackAction(
            label="สมัครเรียน", data="flow=admission", displayText="สมัครเรียน"))])
        replied = await api.reply_message(ReplyMessageRequest(
            replyToken=token, messages=[TextMessage(text="ยินดีต้อนรับค่ะ", quickReply=chips)]))
        key = str(uuid.uuid4())
        push = PushMessageRequest(to=user.user_id, messages=[TextMessage(text="แจ้งผลค่ะ")])
        pushed = await api.push_message_with_http_info(push, x_line_retry_key=key)
        with pytest.raises(ApiException) as repeat:
            await api.push_message(push, x_line_retry_key=key)
        with pytest.raises(ApiException) as used_token:
            await api.reply_message(ReplyMessageRequest(
                replyToken=token, messages=[TextMessage(text="ซ้ำ")]))
        profile = await api.get_profile(user.user_id)
        content = await blob.get_message_content(image_id)
        await api.show_loading_animation(ShowLoadingAnimationRequest(
            chatId=user.user_id, loadingSeconds=5))

    assert replied.sent_messages[0].id == standin.bot_messages(user.user_id)[0]["id"]
    assert pushed.status_code == 200
    assert repeat.value.status == 409
    assert repeat.value.headers["x-line-accepted-request-id"] == pushed.headers["x-line-request-id"]
    assert used_token.value.status == 400
    assert profile.display_name == "คุณพ่อน้องเมฆ"
    assert bytes(content) == b"\xff\xd8\xff photo"
    assert [m["message"]["text"] for m in standin.bot_messages(user.user_id)] == [
        "ยินดีต้อนรับค่ะ", "แจ้งผลค่ะ"]
    assert standin.bot_messages(user.user_id)[0]["message"]["quickReply"]["items"][0][
        "action"]["data"] == "flow=admission"
    assert standin.loading_calls[-1].chat_id == user.user_id


async def test_sdk_rich_menu_setup(sdk_base_url, simulator, standin):
    user = simulator.add_user()
    buffer = io.BytesIO()
    Image.new("RGB", (2500, 843), "white").save(buffer, format="JPEG")

    async with AsyncApiClient(Configuration(host=sdk_base_url, access_token=ACCESS_TOKEN)) as client:
        api, blob = AsyncMessagingApi(client), AsyncMessagingApiBlob(client)
        created = await api.create_rich_menu(RichMenuRequest(
            size=RichMenuSize(width=2500, height=843), selected=True, name="guest",
            chatBarText="เมนูบริการ",
            areas=[RichMenuArea(bounds=RichMenuBounds(x=0, y=0, width=2500, height=843),
                                action=PostbackAction(data="menu=start"))],
        ))
        await blob.set_rich_menu_image(created.rich_menu_id, buffer.getvalue(),
                                       _headers={"Content-Type": "image/jpeg"})
        await api.set_default_rich_menu(created.rich_menu_id)
        listed = await api.get_rich_menu_list()

    assert [m.rich_menu_id for m in listed.richmenus] == [created.rich_menu_id]
    assert standin.displayed_rich_menu(user.user_id).rich_menu_id == created.rich_menu_id

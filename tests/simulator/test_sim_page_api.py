"""The chat page's JSON API: users, actions, uploads and the polled timeline."""

from __future__ import annotations

ACCESS_TOKEN = "sim-test-access-token"


async def test_page_is_served(sim_app_client):
    response = await sim_app_client.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]


async def test_new_user_follows_chats_and_sees_replies_after_cursor(sim_app_client, receiver):
    user = (await sim_app_client.post("/api/users", json={"displayName": "คุณแม่น้องดาว"})).json()
    uid = user["userId"]
    assert uid.startswith("U") and len(uid) == 33

    refused = await sim_app_client.post(f"/api/users/{uid}/text", json={"text": "สวัสดีค่ะ"})
    assert refused.status_code == 409
    assert (await sim_app_client.post(f"/api/users/{uid}/follow")).json() == {"webhookStatus": 200}
    sent = await sim_app_client.post(f"/api/users/{uid}/text", json={"text": "สวัสดีค่ะ"})
    assert sent.json() == {"webhookStatus": 200}

    first = (await sim_app_client.get(f"/api/users/{uid}/timeline")).json()
    assert [i["from"] for i in first["items"]] == ["system", "user"]
    assert first["following"] is True

    await sim_app_client.post(
        "/line/v2/bot/message/push",
        json={"to": uid, "messages": [{"type": "text", "text": "สวัสดีค่ะ ยินดีให้บริการ"}]},
        headers={"authorization": f"Bearer {ACCESS_TOKEN}"},
    )
    later = (await sim_app_client.get(f"/api/users/{uid}/timeline",
                                      params={"after": first["cursor"]})).json()
    assert [(i["from"], i["via"], i["message"]["text"]) for i in later["items"]] == [
        ("bot", "push", "สวัสดีค่ะ ยินดีให้บริการ")]


async def test_upload_several_photos_and_a_pdf(sim_app_client, receiver, standin):
    uid = (await sim_app_client.post("/api/users")).json()["userId"]
    await sim_app_client.post(f"/api/users/{uid}/follow")
    files = [
        ("files", ("a.jpg", b"\xff\xd8one", "image/jpeg")),
        ("files", ("b.jpg", b"\xff\xd8two", "image/jpeg")),
        ("files", ("ใบแจ้งเกรด.pdf", b"%PDF-1.4", "application/pdf")),
    ]
    response = await sim_app_client.post(f"/api/users/{uid}/files", files=files)

    assert response.json() == {"webhookStatus": 200}
    messages = [e["message"] for e in receiver.events if e["type"] == "message"]
    assert [m["type"] for m in messages] == ["image", "image", "file"]
    assert messages[0]["imageSet"]["total"] == 2
    assert messages[2]["fileName"] == "ใบแจ้งเกรด.pdf"
    timeline = (await sim_app_client.get(f"/api/users/{uid}/timeline")).json()["items"]
    media = await sim_app_client.get("/" + timeline[1]["message"]["mediaPath"])
    assert media.content == b"\xff\xd8one"


async def test_postback_with_display_text_and_date_params(sim_app_client, receiver):
    uid = (await sim_app_client.post("/api/users")).json()["userId"]
    await sim_app_client.post(f"/api/users/{uid}/follow")
    await sim_app_client.post(f"/api/users/{uid}/postback", json={
        "data": "step=birthdate", "displayText": "1 ธ.ค. 2569",
        "params": {"date": "2026-12-01"}})

    event = receiver.events[-1]
    assert event["postback"] == {"data": "step=birthdate", "params": {"date": "2026-12-01"}}
    timeline = (await sim_app_client.get(f"/api/users/{uid}/timeline")).json()["items"]
    assert timeline[-1]["message"]["displayText"] == "1 ธ.ค. 2569"


async def test_redeliver_last_event(sim_app_client, receiver):
    uid = (await sim_app_client.post("/api/users")).json()["userId"]
    assert (await sim_app_client.post(f"/api/users/{uid}/redeliver")).status_code == 409
    await sim_app_client.post(f"/api/users/{uid}/follow")
    assert (await sim_app_client.post(f"/api/users/{uid}/redeliver")).json() == {
        "webhookStatus": 200}
    assert receiver.events[-1]["deliveryContext"] == {"isRedelivery": True}
    assert receiver.events[-1]["webhookEventId"] == receiver.events[0]["webhookEventId"]


async def test_unreachable_bot_is_reported_not_raised(standin):
    import httpx

    from bot.simulator import create_simulator_app

    # Port 1 on loopback is closed: the connection is refused at once.
    app = create_simulator_app(standin, webhook_url="http://127.0.0.1:1/webhook")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://sim") as client:
        uid = (await client.post("/api/users")).json()["userId"]
        response = await client.post(f"/api/users/{uid}/follow")
        timeline = (await client.get(f"/api/users/{uid}/timeline")).json()["items"]
    await app.state.simulator.aclose()
    assert response.status_code == 502
    assert "บอท" in response.json()["error"]
    assert timeline[-1]["webhookStatus"] is None

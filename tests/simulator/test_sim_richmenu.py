"""Rich menus: create, upload, default, per-user link, aliases and what the page shows."""

from __future__ import annotations

import io

from PIL import Image


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (6, 199, 85)).save(buffer, format="PNG")
    return buffer.getvalue()


def menu_definition(name: str, *, areas: int = 2, chat_bar_text: str = "เมนู") -> dict:
    width = 2500 // max(areas, 1)
    return {
        "size": {"width": 2500, "height": 843},
        "selected": True,
        "name": name,
        "chatBarText": chat_bar_text,
        "areas": [
            {"bounds": {"x": i * width, "y": 0, "width": width, "height": 843},
             "action": {"type": "postback", "data": f"menu={i}"}}
            for i in range(areas)
        ],
    }


async def create_menu(line_api, name: str, **kwargs) -> str:
    created = await line_api.post("/line/v2/bot/richmenu", json=menu_definition(name, **kwargs))
    assert created.status_code == 200, created.json()
    menu_id = created.json()["richMenuId"]
    uploaded = await line_api.post(f"/line/v2/bot/richmenu/{menu_id}/content",
                                   content=png(2500, 843), headers={"content-type": "image/png"})
    assert uploaded.status_code == 200, uploaded.json()
    return menu_id


async def test_invalid_rich_menus_are_refused(line_api):
    too_many_areas = menu_definition("x", areas=21)
    long_bar = menu_definition("x", chat_bar_text="เมนูบริการของโรงเรียน")
    too_square = {**menu_definition("x"), "size": {"width": 1000, "height": 1000}}
    for definition, prop in ((too_many_areas, "areas"), (long_bar, "chatBarText"),
                             (too_square, "size")):
        for path in ("/line/v2/bot/richmenu", "/line/v2/bot/richmenu/validate"):
            response = await line_api.post(path, json=definition)
            assert response.status_code == 400
            assert prop in [d["property"] for d in response.json()["details"]]
    assert (await line_api.get("/line/v2/bot/richmenu/list")).json() == {"richmenus": []}


async def test_image_rules(line_api):
    menu_id = (await line_api.post("/line/v2/bot/richmenu",
                                   json=menu_definition("m"))).json()["richMenuId"]
    wrong_size = await line_api.post(f"/line/v2/bot/richmenu/{menu_id}/content",
                                     content=png(2500, 1686), headers={"content-type": "image/png"})
    not_ready = await line_api.post(f"/line/v2/bot/user/all/richmenu/{menu_id}")
    good = await line_api.post(f"/line/v2/bot/richmenu/{menu_id}/content",
                               content=png(2500, 843), headers={"content-type": "image/png"})
    again = await line_api.post(f"/line/v2/bot/richmenu/{menu_id}/content",
                                content=png(2500, 843), headers={"content-type": "image/png"})
    download = await line_api.get(f"/line/v2/bot/richmenu/{menu_id}/content")

    assert wrong_size.status_code == 400
    assert not_ready.status_code == 400
    assert good.status_code == 200
    assert again.status_code == 400
    assert download.content == png(2500, 843)


async def test_default_then_per_user_link_and_page_view(simulator, line_api, sim_app_client):
    parent = simulator.add_user()
    other = simulator.add_user()
    guest_menu = await create_menu(line_api, "guest")
    verified_menu = await create_menu(line_api, "verified", areas=3)

    assert (await line_api.post(f"/line/v2/bot/user/all/richmenu/{guest_menu}")).status_code == 200
    linked = await line_api.post(f"/line/v2/bot/user/{parent.user_id}/richmenu/{verified_menu}")
    assert linked.status_code == 200

    assert (await line_api.get("/line/v2/bot/user/all/richmenu")).json() == {
        "richMenuId": guest_menu}
    assert (await line_api.get(f"/line/v2/bot/user/{parent.user_id}/richmenu")).json() == {
        "richMenuId": verified_menu}
    assert (await line_api.get(f"/line/v2/bot/user/{other.user_id}/richmenu")).status_code == 404

    parent_view = (await sim_app_client.get(f"/api/users/{parent.user_id}/richmenu")).json()
    other_view = (await sim_app_client.get(f"/api/users/{other.user_id}/richmenu")).json()
    assert parent_view["richMenu"]["richMenuId"] == verified_menu
    assert len(parent_view["richMenu"]["areas"]) == 3
    assert other_view["richMenu"]["richMenuId"] == guest_menu
    image = await sim_app_client.get("/" + parent_view["richMenu"]["imageUrl"])
    assert image.headers["content-type"] == "image/png"

    await line_api.delete(f"/line/v2/bot/user/{parent.user_id}/richmenu")
    after_unlink = (await sim_app_client.get(f"/api/users/{parent.user_id}/richmenu")).json()
    assert after_unlink["richMenu"]["richMenuId"] == guest_menu

    await line_api.delete("/line/v2/bot/user/all/richmenu")
    assert (await sim_app_client.get(f"/api/users/{other.user_id}/richmenu")).json() == {
        "richMenu": None}


async def test_alias_round_trip_and_switch_tab(simulator, line_api, sim_app_client, receiver):
    user = simulator.add_user()
    await user.follow()
    tab_a = await create_menu(line_api, "tab-a")
    tab_b = await create_menu(line_api, "tab-b")
    await line_api.post(f"/line/v2/bot/user/all/richmenu/{tab_a}")

    for alias, menu in (("tab-a", tab_a), ("tab-b", tab_b)):
        created = await line_api.post("/line/v2/bot/richmenu/alias",
                                      json={"richMenuAliasId": alias, "richMenuId": menu})
        assert created.status_code == 200
    duplicate = await line_api.post("/line/v2/bot/richmenu/alias",
                                    json={"richMenuAliasId": "tab-a", "richMenuId": tab_b})
    bad_name = await line_api.post("/line/v2/bot/richmenu/alias",
                                   json={"richMenuAliasId": "Tab A", "richMenuId": tab_b})
    assert (duplicate.status_code, bad_name.status_code) == (400, 400)
    assert (await line_api.get("/line/v2/bot/richmenu/alias/tab-b")).json() == {
        "richMenuAliasId": "tab-b", "richMenuId": tab_b}
    listed = (await line_api.get("/line/v2/bot/richmenu/alias/list")).json()["aliases"]
    assert {a["richMenuAliasId"] for a in listed} == {"tab-a", "tab-b"}

    switched = await sim_app_client.post(f"/api/users/{user.user_id}/richmenu/switch",
                                         json={"aliasId": "tab-b", "data": "tab=b"})
    assert switched.json() == {"webhookStatus": 200}
    assert receiver.events[-1]["postback"] == {
        "data": "tab=b", "params": {"newRichMenuAliasId": "tab-b", "status": "SUCCESS"}}
    view = (await sim_app_client.get(f"/api/users/{user.user_id}/richmenu")).json()
    assert view["richMenu"]["richMenuId"] == tab_b

    await line_api.post("/line/v2/bot/richmenu/alias/tab-b", json={"richMenuId": tab_a})
    assert (await line_api.get("/line/v2/bot/richmenu/alias/tab-b")).json()["richMenuId"] == tab_a
    assert (await line_api.delete("/line/v2/bot/richmenu/alias/tab-b")).status_code == 200
    assert (await line_api.get("/line/v2/bot/richmenu/alias/tab-b")).status_code == 404


async def test_get_list_and_delete_rich_menu(line_api):
    menu_id = await create_menu(line_api, "to-delete")
    fetched = (await line_api.get(f"/line/v2/bot/richmenu/{menu_id}")).json()
    assert fetched["richMenuId"] == menu_id
    assert fetched["chatBarText"] == "เมนู"
    assert [m["richMenuId"] for m in
            (await line_api.get("/line/v2/bot/richmenu/list")).json()["richmenus"]] == [menu_id]
    await line_api.post(f"/line/v2/bot/user/all/richmenu/{menu_id}")

    assert (await line_api.delete(f"/line/v2/bot/richmenu/{menu_id}")).status_code == 200
    assert (await line_api.get(f"/line/v2/bot/richmenu/{menu_id}")).status_code == 404
    assert (await line_api.get("/line/v2/bot/user/all/richmenu")).status_code == 404

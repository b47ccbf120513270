"""The /sim sub-application: LINE API stand-in under /line, the chat page and its JSON API."""

from __future__ import annotations

import pathlib
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from bot.simulator.driver import (
    NotFollowingError,
    SimulatedUser,
    Simulator,
    WebhookDeliveryError,
    sign_body,
)
from bot.simulator.line_api import create_line_api_router
from bot.simulator.standin import LineStandIn

__all__ = ["SimulatedUser", "Simulator", "create_simulator_app", "sign_body"]

STATIC_DIR = pathlib.Path(__file__).parent / "static"
SIMULATOR_MAX_BODY_BYTES = 50 * 1024 * 1024


def create_simulator_app(
    standin: LineStandIn,
    *,
    webhook_url: str,
    http_client: httpx.AsyncClient | None = None,
) -> FastAPI:
    """Mount the result at /sim; the bot's SDK host is then <base>/sim/line.

    The Simulator driving the page is `app.state.simulator` (close it on shutdown when the
    stand-in created its own HTTP client).
    """
    # Development only (mounted when no LINE account is configured): photos and PDFs a simulated
    # parent sends, and the bot's rich-menu images, pass through here.
    app = FastAPI(title="LINE simulator", docs_url=None, redoc_url=None, openapi_url=None,
                  max_body_size=SIMULATOR_MAX_BODY_BYTES)
    app.state.simulator = Simulator(standin, webhook_url, http_client=http_client)
    app.state.standin = standin
    app.include_router(create_line_api_router(standin), prefix="/line")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(_page)
    return app


def _standin(request: Request) -> LineStandIn:
    standin: LineStandIn = request.app.state.standin
    return standin


def _simulator(request: Request) -> Simulator:
    simulator: Simulator = request.app.state.simulator
    return simulator


StandIn = Annotated[LineStandIn, Depends(_standin)]
Sim = Annotated[Simulator, Depends(_simulator)]

_page = APIRouter()


def _known_user(standin: LineStandIn, user_id: str) -> None:
    if standin.user(user_id) is None:
        raise HTTPException(404, "ไม่พบผู้ใช้จำลองนี้ค่ะ")


async def _act(standin: LineStandIn, user_id: str, action: Callable[[], Awaitable[int]]) -> JSONResponse:
    """Runs one user action; the page shows the webhook status next to the message."""
    _known_user(standin, user_id)
    try:
        status = await action()
    except NotFollowingError:
        return JSONResponse(
            {"error": "กรุณาเพิ่มเพื่อน (หรือเลิกบล็อก) บัญชีนี้ก่อนค่ะ"}, status_code=409
        )
    except WebhookDeliveryError:
        return JSONResponse(
            {"error": "ส่ง webhook ไปยังบอทไม่สำเร็จ กรุณาตรวจสอบว่าบอททำงานอยู่ค่ะ"},
            status_code=502,
        )
    except LookupError:
        return JSONResponse({"error": "ยังไม่มีเหตุการณ์ให้ส่งซ้ำค่ะ"}, status_code=409)
    return JSONResponse({"webhookStatus": status})


async def _body_of(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise HTTPException(400, "รูปแบบข้อมูลไม่ถูกต้องค่ะ") from None
    if not isinstance(body, dict):
        raise HTTPException(400, "รูปแบบข้อมูลไม่ถูกต้องค่ะ")
    return body


@_page.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", headers={"cache-control": "no-store"})


@_page.get("/api/state")
async def state(standin: StandIn) -> dict[str, Any]:
    return {
        "oaName": standin.bot_display_name,
        "botUserId": standin.bot_user_id,
        "users": [u.as_json() for u in standin.users.values()],
    }


@_page.get("/api/users")
async def list_users(standin: StandIn) -> list[dict[str, Any]]:
    return [u.as_json() for u in standin.users.values()]


@_page.post("/api/users")
async def add_user(request: Request, standin: StandIn) -> dict[str, Any]:
    body = await _body_of(request) if await request.body() else {}
    name = body.get("displayName")
    return standin.add_user(name.strip() if isinstance(name, str) and name.strip() else None
                            ).as_json()


@_page.post("/api/users/{user_id}/follow")
async def follow(user_id: str, standin: StandIn, simulator: Sim) -> JSONResponse:
    return await _act(standin, user_id, lambda: simulator.follow(user_id))


@_page.post("/api/users/{user_id}/unfollow")
async def unfollow(user_id: str, standin: StandIn, simulator: Sim) -> JSONResponse:
    return await _act(standin, user_id, lambda: simulator.unfollow(user_id))


@_page.post("/api/users/{user_id}/text")
async def text(user_id: str, request: Request, standin: StandIn, simulator: Sim) -> JSONResponse:
    body = await _body_of(request)
    message = body.get("text")
    if not isinstance(message, str) or not message.strip():
        raise HTTPException(400, "กรุณาพิมพ์ข้อความก่อนส่งค่ะ")
    return await _act(standin, user_id, lambda: simulator.send_text(user_id, message))


@_page.post("/api/users/{user_id}/postback")
async def postback(user_id: str, request: Request, standin: StandIn, simulator: Sim) -> JSONResponse:
    body = await _body_of(request)
    data = body.get("data")
    if not isinstance(data, str):
        raise HTTPException(400, "ไม่มีข้อมูล postback ค่ะ")
    return await _act(standin, user_id, lambda: simulator.tap_postback(
        user_id, data, display_text=body.get("displayText") or None,
        params=body.get("params") or None,
    ))


@_page.post("/api/users/{user_id}/files")
async def files(
    user_id: str, files: Annotated[list[UploadFile], File()], standin: StandIn, simulator: Sim
) -> JSONResponse:
    _known_user(standin, user_id)
    specs = [
        (await f.read(), f.content_type or "application/octet-stream", f.filename or "file")
        for f in files
    ]

    async def send_all() -> int:
        statuses = await simulator.send_files(user_id, specs)
        return max(statuses) if statuses else 200

    return await _act(standin, user_id, send_all)


@_page.post("/api/users/{user_id}/sticker")
async def sticker(user_id: str, request: Request, standin: StandIn, simulator: Sim) -> JSONResponse:
    body = await _body_of(request)
    return await _act(standin, user_id, lambda: simulator.send_sticker(
        user_id, str(body.get("packageId", "446")), str(body.get("stickerId", "1988"))
    ))


@_page.post("/api/users/{user_id}/unsend")
async def unsend(user_id: str, request: Request, standin: StandIn, simulator: Sim) -> JSONResponse:
    body = await _body_of(request)
    return await _act(standin, user_id, lambda: simulator.unsend(user_id, str(body.get("messageId", ""))))


@_page.post("/api/users/{user_id}/redeliver")
async def redeliver(user_id: str, standin: StandIn, simulator: Sim) -> JSONResponse:
    return await _act(standin, user_id, lambda: simulator.redeliver_last(user_id))


@_page.post("/api/users/{user_id}/richmenu/switch")
async def switch_menu(user_id: str, request: Request, standin: StandIn, simulator: Sim) -> JSONResponse:
    body = await _body_of(request)
    return await _act(standin, user_id, lambda: simulator.switch_rich_menu(
        user_id, str(body.get("aliasId", "")), str(body.get("data", ""))
    ))


@_page.get("/api/users/{user_id}/timeline")
async def timeline(user_id: str, standin: StandIn, after: int = 0) -> dict[str, Any]:
    _known_user(standin, user_id)
    items = standin.timeline(user_id, after)
    user = standin.users[user_id]
    return {
        "items": items,
        "cursor": max([after, *(i["seq"] for i in items)]),
        "loading": standin.is_loading(user_id),
        "following": user.following,
        "hasFollowedBefore": user.has_followed_before,
    }


@_page.get("/api/users/{user_id}/richmenu")
async def rich_menu(user_id: str, standin: StandIn) -> dict[str, Any]:
    _known_user(standin, user_id)
    menu = standin.displayed_rich_menu(user_id)
    if menu is None:
        return {"richMenu": None}
    return {"richMenu": {
        **menu.as_json(),
        "imageUrl": f"api/richmenu/{menu.rich_menu_id}/image",
    }}


@_page.get("/api/richmenu/{rich_menu_id}/image")
async def rich_menu_image(rich_menu_id: str, standin: StandIn) -> Response:
    menu = standin.rich_menus.get(rich_menu_id)
    if menu is None or menu.image is None:
        raise HTTPException(404, "ไม่พบรูปริชเมนูค่ะ")
    return Response(menu.image, media_type=menu.image_type,
                    headers={"cache-control": "max-age=3600"})


@_page.get("/api/media/{message_id}")
async def media(message_id: str, standin: StandIn) -> Response:
    stored = standin.contents.get(message_id)
    if stored is None or stored.unsent:
        raise HTTPException(404, "ไม่พบไฟล์นี้ค่ะ")
    return Response(stored.data, media_type=stored.content_type)

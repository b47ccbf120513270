"""The subset of the LINE Messaging API our bot calls, served by the stand-in with LINE's shapes."""

from __future__ import annotations

import hmac
import io
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from PIL import Image, UnidentifiedImageError

from bot.simulator import ids
from bot.simulator.standin import LineStandIn
from bot.simulator.validation import (
    ALIAS_ID_PATTERN,
    check_messages,
    check_rich_menu,
    error_body,
)

Handler = Callable[[Any], Awaitable[Response]]

RICH_MENU_IMAGE_MAX_BYTES = 1024 * 1024
BULK_LINK_MAX_USERS = 500


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"message": message, **extra}, status_code=status)


def _invalid_property(name: str) -> JSONResponse:
    return _error(400, f"The property, '{name}', in the request body is invalid (line: -, column: -)")


def create_line_api_router(standin: LineStandIn) -> APIRouter:
    """Routes with LINE's paths (mount under any prefix; the SDK host is that prefix)."""
    router = APIRouter()

    async def run(request: Request, endpoint: str, work: Handler, *, binary: bool = False) -> Response:
        """Auth, injected faults, JSON parsing and the request log, shared by every endpoint."""
        raw = await request.body()
        parsed: Any = None
        bad_json = False
        if raw and not binary:
            try:
                parsed = json.loads(raw)
            except ValueError:
                bad_json = True
        logged_body = {"bytes": len(raw)} if binary else parsed
        request.state.request_id = ids.new_request_id()

        response: Response
        fault = None
        if not _authorized(request):
            response = _error(
                401,
                "Authentication failed. Confirm that the access token in the authorization "
                "header is valid.",
            )
        else:
            fault = standin.take_fault(endpoint)
            if fault is not None and not fault.after_processing:
                response = JSONResponse(fault.body, status_code=fault.status)
            elif bad_json:
                response = _error(400, "The request body has 1 error(s)",
                                  details=[{"message": "invalid JSON", "property": ""}])
            else:
                response = await work(raw if binary else parsed)
                if fault is not None:
                    response = JSONResponse(fault.body, status_code=fault.status)
        response.headers.setdefault("x-line-request-id", request.state.request_id)
        standin.record_request(
            endpoint, request.method, request.url.path, dict(request.headers), logged_body,
            response.status_code,
        )
        return response

    def _authorized(request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.encode(), standin.access_token.encode()
        )

    def _body_dict(body: Any) -> dict[str, Any]:
        return body if isinstance(body, dict) else {}

    # ----- messages ------------------------------------------------------------------------

    @router.post("/v2/bot/message/reply")
    async def reply(request: Request) -> Response:
        async def work(body: Any) -> Response:
            body = _body_dict(body)
            details = check_messages(body.get("messages"))
            if not isinstance(body.get("replyToken"), str):
                details.append({"message": "may not be null", "property": "replyToken"})
            if details:
                return JSONResponse(error_body(details), status_code=400)
            state = standin.consume_reply_token(body["replyToken"])
            if state is None:
                return _error(400, "Invalid reply token")
            sent = await standin.deliver_bot_messages(state.user_id, body["messages"], "reply")
            return JSONResponse({"sentMessages": sent})

        return await run(request, "reply", work)

    @router.post("/v2/bot/message/push")
    async def push(request: Request) -> Response:
        async def work(body: Any) -> Response:
            body = _body_dict(body)
            retry_key = request.headers.get("x-line-retry-key")
            if retry_key is not None:
                try:
                    uuid.UUID(retry_key)
                except ValueError:
                    return _error(400, "The value for the 'X-Line-Retry-Key' header is invalid")
                accepted = standin.accepted_retry(retry_key)
                if accepted is not None:
                    return JSONResponse(
                        {"message": "The retry key is already accepted",
                         "sentMessages": accepted.sent_messages},
                        status_code=409,
                        headers={"x-line-accepted-request-id": accepted.request_id},
                    )
            details = check_messages(body.get("messages"))
            if details:
                return JSONResponse(error_body(details), status_code=400)
            user = standin.user(body.get("to")) if isinstance(body.get("to"), str) else None
            if user is None:
                return _invalid_property("to")
            if user.following:
                sent = await standin.deliver_bot_messages(user.user_id, body["messages"], "push")
            else:
                # LINE answers 200 for users who blocked the account; nothing reaches them.
                sent = [{"id": standin.new_message_id()} for _ in body["messages"]]
            if retry_key is not None:
                standin.accept_retry_key(retry_key, request.state.request_id, sent)
            return JSONResponse({"sentMessages": sent})

        return await run(request, "push", work)

    async def _content(request: Request, message_id: str, endpoint: str) -> Response:
        async def work(_: Any) -> Response:
            stored = standin.contents.get(message_id)
            if stored is None:
                return _error(404, "Not found")
            if stored.unsent:
                return _error(410, "The message was unsent")
            return Response(stored.data, media_type=stored.content_type)

        return await run(request, endpoint, work)

    @router.get("/v2/bot/message/{message_id}/content")
    async def content(request: Request, message_id: str) -> Response:
        return await _content(request, message_id, "content")

    @router.get("/v2/bot/message/{message_id}/content/preview")
    async def content_preview(request: Request, message_id: str) -> Response:
        return await _content(request, message_id, "content_preview")

    @router.get("/v2/bot/profile/{user_id}")
    async def profile(request: Request, user_id: str) -> Response:
        async def work(_: Any) -> Response:
            user = standin.user(user_id)
            if user is None or not user.following:
                return _error(404, "Not found")
            result = {"displayName": user.display_name, "userId": user.user_id,
                      "language": user.language}
            if user.picture_url:
                result["pictureUrl"] = user.picture_url
            return JSONResponse(result)

        return await run(request, "profile", work)

    @router.get("/v2/bot/info")
    async def bot_info(request: Request) -> Response:
        async def work(_: Any) -> Response:
            return JSONResponse({
                "userId": standin.bot_user_id, "basicId": standin.bot_basic_id,
                "displayName": standin.bot_display_name, "chatMode": "bot",
                "markAsReadMode": "auto",
            })

        return await run(request, "bot_info", work)

    @router.post("/v2/bot/chat/loading/start")
    async def loading_start(request: Request) -> Response:
        async def work(body: Any) -> Response:
            body = _body_dict(body)
            seconds = body.get("loadingSeconds", 20)
            if not isinstance(seconds, int) or not 5 <= seconds <= 60 or seconds % 5:
                return JSONResponse(error_body([{
                    "message": "must be a multiple of 5 between 5 and 60",
                    "property": "loadingSeconds"}]), status_code=400)
            chat_id = body.get("chatId")
            if not isinstance(chat_id, str) or standin.user(chat_id) is None:
                return _invalid_property("chatId")
            standin.record_loading(chat_id, seconds)
            return JSONResponse({}, status_code=202)

        return await run(request, "loading", work)

    # ----- LINE Login: ID tokens from LIFF ------------------------------------------------

    @router.post("/oauth2/v2.1/verify")
    async def verify_id_token(request: Request) -> Response:
        # No bearer token here: LINE Login's verify endpoint takes only the form.
        form = await request.form()
        id_token, client_id = form.get("id_token"), form.get("client_id")
        if not isinstance(id_token, str) or not isinstance(client_id, str) or not client_id:
            response: Response = JSONResponse(
                {"error": "invalid_request", "error_description": "Required parameter missing."},
                status_code=400)
        else:
            result = standin.verify_id_token(id_token, client_id)
            if isinstance(result, str):
                response = JSONResponse(
                    {"error": "invalid_request", "error_description": result}, status_code=400)
            else:
                response = JSONResponse(result)
        # The token is a credential: the request log keeps only that one was sent.
        standin.record_request("verify_id_token", request.method, request.url.path,
                               dict(request.headers), {"client_id": client_id},
                               response.status_code)
        return response

    # ----- rich menus ----------------------------------------------------------------------

    def _menu_or_404(rich_menu_id: str) -> Any:
        menu = standin.rich_menus.get(rich_menu_id)
        return menu if menu is not None else _error(404, "richmenu not found")

    def _menu_ready(rich_menu_id: Any) -> Response | None:
        """None if the menu can be applied, else LINE's error."""
        menu = standin.rich_menus.get(rich_menu_id) if isinstance(rich_menu_id, str) else None
        if menu is None:
            return _error(404, "richmenu not found")
        if menu.image is None:
            return _error(400, "must upload richmenu image before applying it to user")
        return None

    @router.post("/v2/bot/richmenu")
    async def create_rich_menu(request: Request) -> Response:
        async def work(body: Any) -> Response:
            details = check_rich_menu(body)
            if details:
                return JSONResponse(error_body(details), status_code=400)
            definition = {k: body[k] for k in ("size", "selected", "name", "chatBarText", "areas")}
            menu = standin.create_rich_menu(definition)
            return JSONResponse({"richMenuId": menu.rich_menu_id})

        return await run(request, "richmenu_create", work)

    @router.post("/v2/bot/richmenu/validate")
    async def validate_rich_menu(request: Request) -> Response:
        async def work(body: Any) -> Response:
            details = check_rich_menu(body)
            if details:
                return JSONResponse(error_body(details), status_code=400)
            return JSONResponse({})

        return await run(request, "richmenu_validate", work)

    @router.get("/v2/bot/richmenu/list")
    async def list_rich_menus(request: Request) -> Response:
        async def work(_: Any) -> Response:
            return JSONResponse({"richmenus": [m.as_json() for m in standin.rich_menus.values()]})

        return await run(request, "richmenu_list", work)

    @router.post("/v2/bot/richmenu/bulk/link")
    async def bulk_link(request: Request) -> Response:
        async def work(body: Any) -> Response:
            body = _body_dict(body)
            user_ids = body.get("userIds")
            if not isinstance(user_ids, list) or not 1 <= len(user_ids) <= BULK_LINK_MAX_USERS:
                return JSONResponse(error_body([{
                    "message": f"size must be between 1 and {BULK_LINK_MAX_USERS}",
                    "property": "userIds"}]), status_code=400)
            problem = _menu_ready(body.get("richMenuId"))
            if problem is not None:
                return problem
            for user_id in user_ids:
                if standin.user(user_id) is not None:
                    standin.link_rich_menu(user_id, body["richMenuId"])
            return JSONResponse({}, status_code=202)

        return await run(request, "richmenu_bulk_link", work)

    @router.post("/v2/bot/richmenu/bulk/unlink")
    async def bulk_unlink(request: Request) -> Response:
        async def work(body: Any) -> Response:
            user_ids = _body_dict(body).get("userIds")
            if not isinstance(user_ids, list) or not 1 <= len(user_ids) <= BULK_LINK_MAX_USERS:
                return JSONResponse(error_body([{
                    "message": f"size must be between 1 and {BULK_LINK_MAX_USERS}",
                    "property": "userIds"}]), status_code=400)
            for user_id in user_ids:
                standin.link_rich_menu(user_id, None)
            return JSONResponse({}, status_code=202)

        return await run(request, "richmenu_bulk_unlink", work)

    # Aliases come before /v2/bot/richmenu/{id} so "alias" is not taken for a menu ID.
    @router.get("/v2/bot/richmenu/alias/list")
    async def list_aliases(request: Request) -> Response:
        async def work(_: Any) -> Response:
            return JSONResponse({"aliases": [
                {"richMenuAliasId": alias, "richMenuId": menu_id}
                for alias, menu_id in standin.rich_menu_aliases.items()
            ]})

        return await run(request, "alias_list", work)

    @router.post("/v2/bot/richmenu/alias")
    async def create_alias(request: Request) -> Response:
        async def work(body: Any) -> Response:
            body = _body_dict(body)
            alias = body.get("richMenuAliasId")
            if not isinstance(alias, str) or not ALIAS_ID_PATTERN.match(alias):
                return JSONResponse(error_body([{
                    "message": "must match [a-z0-9_-]{1,32}", "property": "richMenuAliasId"}]),
                    status_code=400)
            if alias in standin.rich_menu_aliases:
                return _error(400, "conflict richmenu alias id")
            problem = _menu_ready(body.get("richMenuId"))
            if problem is not None:
                return problem
            standin.rich_menu_aliases[alias] = body["richMenuId"]
            return JSONResponse({})

        return await run(request, "alias_create", work)

    @router.get("/v2/bot/richmenu/alias/{alias_id}")
    async def get_alias(request: Request, alias_id: str) -> Response:
        async def work(_: Any) -> Response:
            if alias_id not in standin.rich_menu_aliases:
                return _error(404, "richmenu alias not found")
            return JSONResponse({"richMenuAliasId": alias_id,
                                 "richMenuId": standin.rich_menu_aliases[alias_id]})

        return await run(request, "alias_get", work)

    @router.post("/v2/bot/richmenu/alias/{alias_id}")
    async def update_alias(request: Request, alias_id: str) -> Response:
        async def work(body: Any) -> Response:
            if alias_id not in standin.rich_menu_aliases:
                return _error(404, "richmenu alias not found")
            menu_id = _body_dict(body).get("richMenuId")
            problem = _menu_ready(menu_id)
            if problem is not None:
                return problem
            standin.rich_menu_aliases[alias_id] = menu_id
            return JSONResponse({})

        return await run(request, "alias_update", work)

    @router.delete("/v2/bot/richmenu/alias/{alias_id}")
    async def delete_alias(request: Request, alias_id: str) -> Response:
        async def work(_: Any) -> Response:
            if standin.rich_menu_aliases.pop(alias_id, None) is None:
                return _error(404, "richmenu alias not found")
            return JSONResponse({})

        return await run(request, "alias_delete", work)

    @router.get("/v2/bot/richmenu/{rich_menu_id}")
    async def get_rich_menu(request: Request, rich_menu_id: str) -> Response:
        async def work(_: Any) -> Response:
            menu = _menu_or_404(rich_menu_id)
            return menu if isinstance(menu, Response) else JSONResponse(menu.as_json())

        return await run(request, "richmenu_get", work)

    @router.delete("/v2/bot/richmenu/{rich_menu_id}")
    async def delete_rich_menu(request: Request, rich_menu_id: str) -> Response:
        async def work(_: Any) -> Response:
            menu = _menu_or_404(rich_menu_id)
            if isinstance(menu, Response):
                return menu
            standin.delete_rich_menu(rich_menu_id)
            return JSONResponse({})

        return await run(request, "richmenu_delete", work)

    @router.post("/v2/bot/richmenu/{rich_menu_id}/content")
    async def upload_rich_menu_image(request: Request, rich_menu_id: str) -> Response:
        async def work(data: bytes) -> Response:
            menu = _menu_or_404(rich_menu_id)
            if isinstance(menu, Response):
                return menu
            if menu.image is not None:
                return _error(400, "An image has already been uploaded to the richmenu")
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type not in {"image/jpeg", "image/png"}:
                return _error(415, "Content-Type must be image/jpeg or image/png")
            if len(data) > RICH_MENU_IMAGE_MAX_BYTES:
                return _error(400, "The image exceeds the 1 MB limit")
            try:
                with Image.open(io.BytesIO(data)) as image:
                    image_format, image_size = image.format, image.size
            except UnidentifiedImageError:
                return _error(400, "The image could not be read as JPEG or PNG")
            if image_format not in {"JPEG", "PNG"}:
                return _error(400, "The image must be JPEG or PNG")
            size = menu.definition["size"]
            if image_size != (size["width"], size["height"]):
                return _error(400, "The image size does not match the size of the rich menu")
            menu.image, menu.image_type = data, content_type
            return JSONResponse({})

        return await run(request, "richmenu_upload", work, binary=True)

    @router.get("/v2/bot/richmenu/{rich_menu_id}/content")
    async def download_rich_menu_image(request: Request, rich_menu_id: str) -> Response:
        async def work(_: Any) -> Response:
            menu = standin.rich_menus.get(rich_menu_id)
            if menu is None or menu.image is None:
                return _error(404, "Not found")
            return Response(menu.image, media_type=menu.image_type)

        return await run(request, "richmenu_download", work)

    # ----- default and per-user links ------------------------------------------------------

    @router.post("/v2/bot/user/all/richmenu/{rich_menu_id}")
    async def set_default(request: Request, rich_menu_id: str) -> Response:
        async def work(_: Any) -> Response:
            problem = _menu_ready(rich_menu_id)
            if problem is not None:
                return problem
            standin.set_default_rich_menu(rich_menu_id)
            return JSONResponse({})

        return await run(request, "default_richmenu_set", work)

    @router.get("/v2/bot/user/all/richmenu")
    async def get_default(request: Request) -> Response:
        async def work(_: Any) -> Response:
            if standin.default_rich_menu_id is None:
                return _error(404, "no default richmenu")
            return JSONResponse({"richMenuId": standin.default_rich_menu_id})

        return await run(request, "default_richmenu_get", work)

    @router.delete("/v2/bot/user/all/richmenu")
    async def delete_default(request: Request) -> Response:
        async def work(_: Any) -> Response:
            standin.set_default_rich_menu(None)
            return JSONResponse({})

        return await run(request, "default_richmenu_delete", work)

    @router.post("/v2/bot/user/{user_id}/richmenu/{rich_menu_id}")
    async def link_user(request: Request, user_id: str, rich_menu_id: str) -> Response:
        async def work(_: Any) -> Response:
            if standin.user(user_id) is None:
                return _error(400, "The user ID is invalid")
            problem = _menu_ready(rich_menu_id)
            if problem is not None:
                return problem
            standin.link_rich_menu(user_id, rich_menu_id)
            return JSONResponse({})

        return await run(request, "user_richmenu_link", work)

    @router.get("/v2/bot/user/{user_id}/richmenu")
    async def get_user_menu(request: Request, user_id: str) -> Response:
        async def work(_: Any) -> Response:
            menu_id = standin.user_rich_menus.get(user_id)
            if menu_id is None:
                return _error(404, "the user has no richmenu")
            return JSONResponse({"richMenuId": menu_id})

        return await run(request, "user_richmenu_get", work)

    @router.delete("/v2/bot/user/{user_id}/richmenu")
    async def unlink_user(request: Request, user_id: str) -> Response:
        async def work(_: Any) -> Response:
            standin.link_rich_menu(user_id, None)
            return JSONResponse({})

        return await run(request, "user_richmenu_unlink", work)

    return router

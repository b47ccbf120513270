"""The subset of the LINE Messaging API our bot calls, served by the stand-in with LINE's shapes."""

from __future__ import annotations

import hmac
import io
import json
import time
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

Work = Callable[[Request, Any], Awaitable[Response]]
Handler = Callable[[Request], Awaitable[Response]]

RICH_MENU_IMAGE_MAX_BYTES = 1024 * 1024
BULK_LINK_MAX_USERS = 500


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"message": message, **extra}, status_code=status)


def _invalid_property(name: str) -> JSONResponse:
    return _error(400, f"The property, '{name}', in the request body is invalid (line: -, column: -)")


class _LineApi:
    """Each endpoint's work, given the request and its parsed body; `run` does what all share."""

    def __init__(self, standin: LineStandIn) -> None:
        self.standin = standin

    def handler(self, endpoint: str, work: Work, *, binary: bool = False) -> Handler:
        async def handle(request: Request) -> Response:
            return await self.run(request, endpoint, work, binary=binary)

        return handle

    async def run(self, request: Request, endpoint: str, work: Work, *, binary: bool = False) -> Response:
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
        if not self._authorized(request):
            response = _error(
                401,
                "Authentication failed. Confirm that the access token in the authorization "
                "header is valid.",
            )
        else:
            fault = self.standin.take_fault(endpoint)
            if fault is not None and not fault.after_processing:
                response = JSONResponse(fault.body, status_code=fault.status)
            elif bad_json:
                response = _error(400, "The request body has 1 error(s)",
                                  details=[{"message": "invalid JSON", "property": ""}])
            else:
                response = await work(request, raw if binary else parsed)
                if fault is not None:
                    response = JSONResponse(fault.body, status_code=fault.status)
        response.headers.setdefault("x-line-request-id", request.state.request_id)
        self.standin.record_request(
            endpoint, request.method, request.url.path, dict(request.headers), logged_body,
            response.status_code,
        )
        return response

    def _authorized(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.encode(), self.standin.access_token.encode()
        )

    # ----- messages ------------------------------------------------------------------------

    async def reply(self, request: Request, body: Any) -> Response:
        body = _body_dict(body)
        details = check_messages(body.get("messages"))
        if not isinstance(body.get("replyToken"), str):
            details.append({"message": "may not be null", "property": "replyToken"})
        if details:
            return JSONResponse(error_body(details), status_code=400)
        state = self.standin.consume_reply_token(body["replyToken"])
        if state is None:
            return _error(400, "Invalid reply token")
        sent = await self.standin.deliver_bot_messages(state.user_id, body["messages"], "reply")
        return JSONResponse({"sentMessages": sent})

    async def push(self, request: Request, body: Any) -> Response:
        body = _body_dict(body)
        if self._over_rate_limit():
            return _error(429, "Too many requests")
        retry_key = request.headers.get("x-line-retry-key")
        if retry_key is not None:
            refused = self._retry_refused(retry_key)
            if refused is not None:
                return refused
        details = check_messages(body.get("messages"))
        if details:
            return JSONResponse(error_body(details), status_code=400)
        user = self.standin.user(body.get("to")) if isinstance(body.get("to"), str) else None
        if user is None:
            return _invalid_property("to")
        if user.following:
            sent = await self.standin.deliver_bot_messages(user.user_id, body["messages"], "push")
        else:
            # LINE answers 200 for users who blocked the account; nothing reaches them.
            sent = [{"id": self.standin.new_message_id()} for _ in body["messages"]]
        if retry_key is not None:
            self.standin.accept_retry_key(retry_key, request.state.request_id, sent)
        if user.following:  # LINE counts a push per recipient (blocked users are not counted)
            self.standin.pushes_this_month += 1
        return JSONResponse({"sentMessages": sent})

    async def quota(self, request: Request, body: Any) -> Response:
        limit = self.standin.message_quota
        return JSONResponse({"type": "none"} if limit is None else {"type": "limited", "value": limit})

    async def quota_consumption(self, request: Request, body: Any) -> Response:
        return JSONResponse({"totalUsage": self.standin.pushes_this_month})

    def _over_rate_limit(self) -> bool:
        """Whether this push is one too many in the last second (LINE: 2,000 pushes/s per channel)."""
        limit = self.standin.push_rate_limit
        if limit is None:
            return False
        now = time.monotonic()
        recent = self.standin.recent_pushes
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= limit:
            return True
        recent.append(now)
        return False

    def _retry_refused(self, retry_key: str) -> Response | None:
        """LINE's answer to a malformed or already accepted X-Line-Retry-Key, else None."""
        try:
            uuid.UUID(retry_key)
        except ValueError:
            return _error(400, "The value for the 'X-Line-Retry-Key' header is invalid")
        accepted = self.standin.accepted_retry(retry_key)
        if accepted is None:
            return None
        return JSONResponse(
            {"message": "The retry key is already accepted",
             "sentMessages": accepted.sent_messages},
            status_code=409,
            headers={"x-line-accepted-request-id": accepted.request_id},
        )

    async def content(self, request: Request, _: Any) -> Response:
        stored = self.standin.contents.get(request.path_params["message_id"])
        if stored is None:
            return _error(404, "Not found")
        if stored.unsent:
            return _error(410, "The message was unsent")
        return Response(stored.data, media_type=stored.content_type)

    async def profile(self, request: Request, _: Any) -> Response:
        user = self.standin.user(request.path_params["user_id"])
        if user is None or not user.following:
            return _error(404, "Not found")
        result = {"displayName": user.display_name, "userId": user.user_id,
                  "language": user.language}
        if user.picture_url:
            result["pictureUrl"] = user.picture_url
        return JSONResponse(result)

    async def bot_info(self, request: Request, _: Any) -> Response:
        return JSONResponse({
            "userId": self.standin.bot_user_id, "basicId": self.standin.bot_basic_id,
            "displayName": self.standin.bot_display_name, "chatMode": "bot",
            "markAsReadMode": "auto",
        })

    async def loading_start(self, request: Request, body: Any) -> Response:
        body = _body_dict(body)
        seconds = body.get("loadingSeconds", 20)
        if not isinstance(seconds, int) or not 5 <= seconds <= 60 or seconds % 5:
            return JSONResponse(error_body([{
                "message": "must be a multiple of 5 between 5 and 60",
                "property": "loadingSeconds"}]), status_code=400)
        chat_id = body.get("chatId")
        if not isinstance(chat_id, str) or self.standin.user(chat_id) is None:
            return _invalid_property("chatId")
        self.standin.record_loading(chat_id, seconds)
        return JSONResponse({}, status_code=202)

    # ----- LINE Login: ID tokens from LIFF ------------------------------------------------

    async def verify_id_token(self, request: Request) -> Response:
        # No bearer token here: LINE Login's verify endpoint takes only the form.
        form = await request.form()
        id_token, client_id = form.get("id_token"), form.get("client_id")
        if not isinstance(id_token, str) or not isinstance(client_id, str) or not client_id:
            response: Response = JSONResponse(
                {"error": "invalid_request", "error_description": "Required parameter missing."},
                status_code=400)
        else:
            result = self.standin.verify_id_token(id_token, client_id)
            if isinstance(result, str):
                response = JSONResponse(
                    {"error": "invalid_request", "error_description": result}, status_code=400)
            else:
                response = JSONResponse(result)
        # The token is a credential: the request log keeps only that one was sent.
        self.standin.record_request("verify_id_token", request.method, request.url.path,
                                    dict(request.headers), {"client_id": client_id},
                                    response.status_code)
        return response

    # ----- rich menus ----------------------------------------------------------------------

    def _menu_or_404(self, rich_menu_id: str) -> Any:
        menu = self.standin.rich_menus.get(rich_menu_id)
        return menu if menu is not None else _error(404, "richmenu not found")

    def _menu_ready(self, rich_menu_id: Any) -> Response | None:
        """None if the menu can be applied, else LINE's error."""
        menu = self.standin.rich_menus.get(rich_menu_id) if isinstance(rich_menu_id, str) else None
        if menu is None:
            return _error(404, "richmenu not found")
        if menu.image is None:
            return _error(400, "must upload richmenu image before applying it to user")
        return None

    async def create_rich_menu(self, request: Request, body: Any) -> Response:
        details = check_rich_menu(body)
        if details:
            return JSONResponse(error_body(details), status_code=400)
        definition = {k: body[k] for k in ("size", "selected", "name", "chatBarText", "areas")}
        menu = self.standin.create_rich_menu(definition)
        return JSONResponse({"richMenuId": menu.rich_menu_id})

    async def validate_rich_menu(self, request: Request, body: Any) -> Response:
        details = check_rich_menu(body)
        if details:
            return JSONResponse(error_body(details), status_code=400)
        return JSONResponse({})

    async def list_rich_menus(self, request: Request, _: Any) -> Response:
        return JSONResponse({"richmenus": [m.as_json() for m in self.standin.rich_menus.values()]})

    async def bulk_link(self, request: Request, body: Any) -> Response:
        body = _body_dict(body)
        user_ids = body.get("userIds")
        if not _bulk_size_ok(user_ids):
            return _bulk_size_error()
        problem = self._menu_ready(body.get("richMenuId"))
        if problem is not None:
            return problem
        for user_id in user_ids:
            if self.standin.user(user_id) is not None:
                self.standin.link_rich_menu(user_id, body["richMenuId"])
        return JSONResponse({}, status_code=202)

    async def bulk_unlink(self, request: Request, body: Any) -> Response:
        user_ids = _body_dict(body).get("userIds")
        if not _bulk_size_ok(user_ids):
            return _bulk_size_error()
        for user_id in user_ids:
            self.standin.link_rich_menu(user_id, None)
        return JSONResponse({}, status_code=202)

    async def list_aliases(self, request: Request, _: Any) -> Response:
        return JSONResponse({"aliases": [
            {"richMenuAliasId": alias, "richMenuId": menu_id}
            for alias, menu_id in self.standin.rich_menu_aliases.items()
        ]})

    async def create_alias(self, request: Request, body: Any) -> Response:
        body = _body_dict(body)
        alias = body.get("richMenuAliasId")
        if not isinstance(alias, str) or not ALIAS_ID_PATTERN.match(alias):
            return JSONResponse(error_body([{
                "message": "must match [a-z0-9_-]{1,32}", "property": "richMenuAliasId"}]),
                status_code=400)
        if alias in self.standin.rich_menu_aliases:
            return _error(400, "conflict richmenu alias id")
        problem = self._menu_ready(body.get("richMenuId"))
        if problem is not None:
            return problem
        self.standin.rich_menu_aliases[alias] = body["richMenuId"]
        return JSONResponse({})

    async def get_alias(self, request: Request, _: Any) -> Response:
        alias_id = request.path_params["alias_id"]
        if alias_id not in self.standin.rich_menu_aliases:
            return _error(404, "richmenu alias not found")
        return JSONResponse({"richMenuAliasId": alias_id,
                             "richMenuId": self.standin.rich_menu_aliases[alias_id]})

    async def update_alias(self, request: Request, body: Any) -> Response:
        alias_id = request.path_params["alias_id"]
        if alias_id not in self.standin.rich_menu_aliases:
            return _error(404, "richmenu alias not found")
        menu_id = _body_dict(body).get("richMenuId")
        problem = self._menu_ready(menu_id)
        if problem is not None:
            return problem
        self.standin.rich_menu_aliases[alias_id] = menu_id
        return JSONResponse({})

    async def delete_alias(self, request: Request, _: Any) -> Response:
        if self.standin.rich_menu_aliases.pop(request.path_params["alias_id"], None) is None:
            return _error(404, "richmenu alias not found")
        return JSONResponse({})

    async def get_rich_menu(self, request: Request, _: Any) -> Response:
        menu = self._menu_or_404(request.path_params["rich_menu_id"])
        return menu if isinstance(menu, Response) else JSONResponse(menu.as_json())

    async def delete_rich_menu(self, request: Request, _: Any) -> Response:
        rich_menu_id = request.path_params["rich_menu_id"]
        menu = self._menu_or_404(rich_menu_id)
        if isinstance(menu, Response):
            return menu
        self.standin.delete_rich_menu(rich_menu_id)
        return JSONResponse({})

    async def upload_rich_menu_image(self, request: Request, data: bytes) -> Response:
        menu = self._menu_or_404(request.path_params["rich_menu_id"])
        if isinstance(menu, Response):
            return menu
        if menu.image is not None:
            return _error(400, "An image has already been uploaded to the richmenu")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in {"image/jpeg", "image/png"}:
            return _error(415, "Content-Type must be image/jpeg or image/png")
        problem = _image_problem(data, menu.definition["size"])
        if problem is not None:
            return problem
        menu.image, menu.image_type = data, content_type
        return JSONResponse({})

    async def download_rich_menu_image(self, request: Request, _: Any) -> Response:
        menu = self.standin.rich_menus.get(request.path_params["rich_menu_id"])
        if menu is None or menu.image is None:
            return _error(404, "Not found")
        return Response(menu.image, media_type=menu.image_type)

    # ----- default and per-user links ------------------------------------------------------

    async def set_default(self, request: Request, _: Any) -> Response:
        rich_menu_id = request.path_params["rich_menu_id"]
        problem = self._menu_ready(rich_menu_id)
        if problem is not None:
            return problem
        self.standin.set_default_rich_menu(rich_menu_id)
        return JSONResponse({})

    async def get_default(self, request: Request, _: Any) -> Response:
        if self.standin.default_rich_menu_id is None:
            return _error(404, "no default richmenu")
        return JSONResponse({"richMenuId": self.standin.default_rich_menu_id})

    async def delete_default(self, request: Request, _: Any) -> Response:
        self.standin.set_default_rich_menu(None)
        return JSONResponse({})

    async def link_user(self, request: Request, _: Any) -> Response:
        user_id, rich_menu_id = request.path_params["user_id"], request.path_params["rich_menu_id"]
        if self.standin.user(user_id) is None:
            return _error(400, "The user ID is invalid")
        problem = self._menu_ready(rich_menu_id)
        if problem is not None:
            return problem
        self.standin.link_rich_menu(user_id, rich_menu_id)
        return JSONResponse({})

    async def get_user_menu(self, request: Request, _: Any) -> Response:
        menu_id = self.standin.user_rich_menus.get(request.path_params["user_id"])
        if menu_id is None:
            return _error(404, "the user has no richmenu")
        return JSONResponse({"richMenuId": menu_id})

    async def unlink_user(self, request: Request, _: Any) -> Response:
        self.standin.link_rich_menu(request.path_params["user_id"], None)
        return JSONResponse({})


def _body_dict(body: Any) -> dict[str, Any]:
    return body if isinstance(body, dict) else {}


def _bulk_size_ok(user_ids: Any) -> bool:
    return isinstance(user_ids, list) and 1 <= len(user_ids) <= BULK_LINK_MAX_USERS


def _bulk_size_error() -> Response:
    return JSONResponse(error_body([{
        "message": f"size must be between 1 and {BULK_LINK_MAX_USERS}",
        "property": "userIds"}]), status_code=400)


def _image_problem(data: bytes, size: dict[str, int]) -> Response | None:
    """LINE's error for a rich menu image it would refuse, else None."""
    if len(data) > RICH_MENU_IMAGE_MAX_BYTES:
        return _error(400, "The image exceeds the 1 MB limit")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format, image_size = image.format, image.size
    except UnidentifiedImageError:
        return _error(400, "The image could not be read as JPEG or PNG")
    if image_format not in {"JPEG", "PNG"}:
        return _error(400, "The image must be JPEG or PNG")
    if image_size != (size["width"], size["height"]):
        return _error(400, "The image size does not match the size of the rich menu")
    return None


# (HTTP method, LINE's path, the endpoint's name in the request log and for injected faults,
# the work). Aliases come before /v2/bot/richmenu/{id} so "alias" is not taken for a menu ID.
_ROUTES: tuple[tuple[str, str, str, Callable[[_LineApi], Work]], ...] = (
    ("POST", "/v2/bot/message/reply", "reply", lambda api: api.reply),
    ("POST", "/v2/bot/message/push", "push", lambda api: api.push),
    ("GET", "/v2/bot/message/quota", "quota", lambda api: api.quota),
    ("GET", "/v2/bot/message/quota/consumption", "quota_consumption", lambda api: api.quota_consumption),
    ("GET", "/v2/bot/message/{message_id}/content", "content", lambda api: api.content),
    ("GET", "/v2/bot/message/{message_id}/content/preview", "content_preview", lambda api: api.content),
    ("GET", "/v2/bot/profile/{user_id}", "profile", lambda api: api.profile),
    ("GET", "/v2/bot/info", "bot_info", lambda api: api.bot_info),
    ("POST", "/v2/bot/chat/loading/start", "loading", lambda api: api.loading_start),
    ("POST", "/v2/bot/richmenu", "richmenu_create", lambda api: api.create_rich_menu),
    ("POST", "/v2/bot/richmenu/validate", "richmenu_validate", lambda api: api.validate_rich_menu),
    ("GET", "/v2/bot/richmenu/list", "richmenu_list", lambda api: api.list_rich_menus),
    ("POST", "/v2/bot/richmenu/bulk/link", "richmenu_bulk_link", lambda api: api.bulk_link),
    ("POST", "/v2/bot/richmenu/bulk/unlink", "richmenu_bulk_unlink", lambda api: api.bulk_unlink),
    ("GET", "/v2/bot/richmenu/alias/list", "alias_list", lambda api: api.list_aliases),
    ("POST", "/v2/bot/richmenu/alias", "alias_create", lambda api: api.create_alias),
    ("GET", "/v2/bot/richmenu/alias/{alias_id}", "alias_get", lambda api: api.get_alias),
    ("POST", "/v2/bot/richmenu/alias/{alias_id}", "alias_update", lambda api: api.update_alias),
    ("DELETE", "/v2/bot/richmenu/alias/{alias_id}", "alias_delete", lambda api: api.delete_alias),
    ("GET", "/v2/bot/richmenu/{rich_menu_id}", "richmenu_get", lambda api: api.get_rich_menu),
    ("DELETE", "/v2/bot/richmenu/{rich_menu_id}", "richmenu_delete", lambda api: api.delete_rich_menu),
    ("GET", "/v2/bot/richmenu/{rich_menu_id}/content", "richmenu_download",
     lambda api: api.download_rich_menu_image),
    ("POST", "/v2/bot/user/all/richmenu/{rich_menu_id}", "default_richmenu_set", lambda api: api.set_default),
    ("GET", "/v2/bot/user/all/richmenu", "default_richmenu_get", lambda api: api.get_default),
    ("DELETE", "/v2/bot/user/all/richmenu", "default_richmenu_delete", lambda api: api.delete_default),
    ("POST", "/v2/bot/user/{user_id}/richmenu/{rich_menu_id}", "user_richmenu_link", lambda api: api.link_user),
    ("GET", "/v2/bot/user/{user_id}/richmenu", "user_richmenu_get", lambda api: api.get_user_menu),
    ("DELETE", "/v2/bot/user/{user_id}/richmenu", "user_richmenu_unlink", lambda api: api.unlink_user),
)


def create_line_api_router(standin: LineStandIn) -> APIRouter:
    """Routes with LINE's paths (mount under any prefix; the SDK host is that prefix)."""
    api = _LineApi(standin)
    router = APIRouter()
    for method, path, endpoint, work in _ROUTES:
        router.add_api_route(path, api.handler(endpoint, work(api)), methods=[method])
    # The image upload reads its body as bytes, not JSON.
    router.add_api_route("/v2/bot/richmenu/{rich_menu_id}/content",
                         api.handler("richmenu_upload", api.upload_rich_menu_image, binary=True),
                         methods=["POST"])
    router.add_api_route("/oauth2/v2.1/verify", api.verify_id_token, methods=["POST"])
    return router

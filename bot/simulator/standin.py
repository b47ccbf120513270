"""In-memory state of the local LINE Platform stand-in (users, tokens, messages, rich menus, faults)."""

from __future__ import annotations

import asyncio
import base64
import collections
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from backend.clock import Clock
from bot.simulator import ids
from bot.simulator.persistence import SimulatorStore

REPLY_TOKEN_LIFETIME = dt.timedelta(seconds=60)
# A redelivered event's token lives 1 minute from redelivery, but never past this.
REPLY_TOKEN_MAX_AGE = dt.timedelta(minutes=20)
RETRY_KEY_LIFETIME = dt.timedelta(hours=24)
# LINE's ID tokens (LIFF, LINE Login) are valid for one hour.
ID_TOKEN_LIFETIME = dt.timedelta(hours=1)
ID_TOKEN_ISSUER = "https://access.line.me"

# Messages LINE can quote (it returns a quoteToken for these when the bot sends them).
QUOTABLE_TYPES = {"text", "textV2", "sticker", "image", "video"}


@dataclasses.dataclass
class LineUser:
    user_id: str
    display_name: str
    following: bool = False
    # isUnblocked in a follow event: the user had added the account before and blocked it.
    has_followed_before: bool = False
    picture_url: str | None = None
    language: str = "th"

    def as_json(self) -> dict[str, Any]:
        return {
            "userId": self.user_id,
            "displayName": self.display_name,
            "following": self.following,
        }


@dataclasses.dataclass
class ReplyTokenState:
    user_id: str
    event_time: dt.datetime
    expires_at: dt.datetime
    used: bool = False


@dataclasses.dataclass
class StoredContent:
    data: bytes
    content_type: str
    unsent: bool = False


@dataclasses.dataclass
class AcceptedRetry:
    accepted_at: dt.datetime
    request_id: str
    sent_messages: list[dict[str, Any]]


@dataclasses.dataclass
class RichMenu:
    rich_menu_id: str
    definition: dict[str, Any]
    image: bytes | None = None
    image_type: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"richMenuId": self.rich_menu_id, **self.definition}


@dataclasses.dataclass
class Fault:
    status: int
    body: dict[str, Any]
    # True: the request is carried out and only the answer fails, as when a response is lost.
    after_processing: bool = False


@dataclasses.dataclass
class RecordedRequest:
    endpoint: str
    method: str
    path: str
    headers: dict[str, str]
    json: Any
    status: int
    at: dt.datetime


@dataclasses.dataclass
class LoadingCall:
    chat_id: str
    loading_seconds: int
    at: dt.datetime


_DEFAULT_FAULT_MESSAGES = {
    400: "The request body has 1 error(s)",
    401: "Authentication failed. Confirm that the access token in the authorization header is valid.",
    403: "The access token is not authorized to use this API.",
    404: "Not found",
    409: "The retry key is already accepted",
    410: "Gone",
    429: "The API rate limit has been exceeded. Try again later.",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}

_FIRST_NAMES = ["คุณแม่น้องข้าวหอม", "คุณพ่อน้องภูผา", "คุณยายของน้องมะลิ", "คุณแม่น้องต้นกล้า"]


class LineStandIn:
    """Everything the stand-in remembers, shared by the LINE API router and the chat page.

    All mutations are plain synchronous code without awaits in between, so they are atomic
    under asyncio; only waiters on new bot messages need the condition.
    """

    def __init__(
        self,
        *,
        channel_secret: str,
        access_token: str,
        clock: Clock,
        bot_display_name: str = "ผู้ช่วยงานทะเบียนโรงเรียน",
        bot_basic_id: str = "@schoolbot",
        store: SimulatorStore | None = None,
    ) -> None:
        self.channel_secret = channel_secret
        self.access_token = access_token
        self.clock = clock
        self.bot_display_name = bot_display_name
        self.bot_basic_id = bot_basic_id
        # The bot's own user ID ("destination" in webhooks), stable for a given channel.
        self.bot_user_id = "U" + hashlib.sha256(channel_secret.encode()).hexdigest()[:32]

        self.users: dict[str, LineUser] = {}
        self.reply_tokens: dict[str, ReplyTokenState] = {}
        self.contents: dict[str, StoredContent] = {}
        self.retry_keys: dict[str, AcceptedRetry] = {}
        self.rich_menus: dict[str, RichMenu] = {}
        self.rich_menu_aliases: dict[str, str] = {}
        self.default_rich_menu_id: str | None = None
        self.user_rich_menus: dict[str, str] = {}
        # A richmenuswitch tap changes what one user's client shows without linking anything.
        self.switched_rich_menus: dict[str, str] = {}
        self.loading_calls: list[LoadingCall] = []
        self.requests: list[RecordedRequest] = []
        self.last_webhook_bodies: dict[str, bytes] = {}
        # The month's message quota, as GET /v2/bot/message/quota answers it: a target limit of
        # the simulator's own (None: "none", no limit), and the pushes accepted since it started.
        self.message_quota: int | None = 1000
        self.pushes_this_month = 0
        # LINE's push rate limit for the channel (requests per second, real time; None: none):
        # above it a push is answered 429 and delivers nothing, as LINE does.
        self.push_rate_limit: int | None = 2000
        self.recent_pushes: collections.deque[float] = collections.deque()

        self._timelines: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
        self._bot_messages: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
        self._faults: dict[str, collections.deque[Fault]] = collections.defaultdict(
            collections.deque
        )
        self._sequence = 0
        self.new_message_id = ids.MessageIdCounter()
        self._changed = asyncio.Condition()
        # Users and chats kept across restarts (DATA_DIR), when the app gives a store.
        self._store = store
        if store is not None:
            store.load(self)

    def _persist(self) -> None:
        if self._store is not None:
            self._store.save(self)

    def store_content(self, message_id: str, data: bytes, content_type: str) -> None:
        """What a user sent (a photo, a file), for the bot to download and the page to show."""
        self.contents[message_id] = StoredContent(data=data, content_type=content_type)

    # ----- users -------------------------------------------------------------------------

    def add_user(self, display_name: str | None = None, *, user_id: str | None = None) -> LineUser:
        name = display_name or _FIRST_NAMES[len(self.users) % len(_FIRST_NAMES)]
        user = LineUser(user_id=user_id or ids.new_user_id(), display_name=name)
        self.users[user.user_id] = user
        self._persist()
        return user

    def user(self, user_id: str) -> LineUser | None:
        return self.users.get(user_id)

    # ----- ID tokens (LIFF / LINE Login) ---------------------------------------------------

    def issue_id_token(self, user_id: str, client_id: str) -> str:
        """A development ID token for a simulated user, as LIFF's getIDToken() would give.

        Shaped like LINE's (a JWT); signed HS256 with a key of this stand-in only, written by
        hand because only this stand-in ever checks it (through the verify endpoint).
        """
        user = self.users[user_id]
        issued = int(self.clock.now().timestamp())
        claims: dict[str, Any] = {
            "iss": ID_TOKEN_ISSUER, "sub": user.user_id, "aud": client_id,
            "exp": issued + int(ID_TOKEN_LIFETIME.total_seconds()), "iat": issued,
            "amr": ["linesso"], "name": user.display_name,
        }
        if user.picture_url:
            claims["picture"] = user.picture_url
        signing_input = f"{_b64(json.dumps({'typ': 'JWT', 'alg': 'HS256'}).encode())}." \
                        f"{_b64(json.dumps(claims, ensure_ascii=False).encode())}"
        return f"{signing_input}.{_b64(self._id_token_mac(signing_input))}"

    def verify_id_token(self, id_token: str, client_id: str) -> dict[str, Any] | str:
        """The token's claims, or LINE's error_description when it does not verify."""
        try:
            signing_input, signature = id_token.rsplit(".", 1)
            given = _unb64(signature)
            claims = json.loads(_unb64(signing_input.split(".", 1)[1]))
        except (ValueError, IndexError):
            return "Invalid IdToken."
        if not hmac.compare_digest(given, self._id_token_mac(signing_input)):
            return "Invalid IdToken."
        if claims.get("aud") != client_id:
            return "Invalid IdToken Audience."
        if self.clock.now().timestamp() >= claims["exp"]:
            return "IdToken expired."
        return claims

    def _id_token_mac(self, signing_input: str) -> bytes:
        key = hashlib.sha256(b"id-token\x00" + self.channel_secret.encode()).digest()
        return hmac.new(key, signing_input.encode(), hashlib.sha256).digest()

    # ----- reply tokens --------------------------------------------------------------------

    def issue_reply_token(self, user_id: str, event_time: dt.datetime) -> str:
        token = ids.new_reply_token()
        self.reply_tokens[token] = ReplyTokenState(
            user_id=user_id, event_time=event_time, expires_at=event_time + REPLY_TOKEN_LIFETIME
        )
        return token

    def rearm_reply_token_for_redelivery(self, token: str) -> None:
        state = self.reply_tokens.get(token)
        if state is None:
            return
        state.expires_at = min(
            self.clock.now() + REPLY_TOKEN_LIFETIME, state.event_time + REPLY_TOKEN_MAX_AGE
        )

    def consume_reply_token(self, token: str) -> ReplyTokenState | None:
        """The token's state if it may be used now (and marks it used), else None."""
        state = self.reply_tokens.get(token)
        if state is None or state.used or self.clock.now() >= state.expires_at:
            return None
        state.used = True
        return state

    # ----- retry keys ----------------------------------------------------------------------

    def accepted_retry(self, key: str) -> AcceptedRetry | None:
        accepted = self.retry_keys.get(key)
        if accepted and self.clock.now() - accepted.accepted_at < RETRY_KEY_LIFETIME:
            return accepted
        return None

    def accept_retry_key(self, key: str, request_id: str, sent: list[dict[str, Any]]) -> None:
        self.retry_keys[key] = AcceptedRetry(self.clock.now(), request_id, sent)

    # ----- faults and request log ----------------------------------------------------------

    def fail_next(
        self,
        endpoint: str,
        status: int,
        times: int = 1,
        body: dict[str, Any] | None = None,
        *,
        after_processing: bool = False,
    ) -> None:
        """Make the next `times` calls to `endpoint` ("push", "reply", "content", ...) fail.

        With after_processing=True the call still takes effect (messages delivered, retry key
        accepted) and only the answer is an error, like a response lost on the way back.
        """
        fault_body = body or {"message": _DEFAULT_FAULT_MESSAGES.get(status, "Error")}
        for _ in range(times):
            self._faults[endpoint].append(Fault(status, fault_body, after_processing))

    def take_fault(self, endpoint: str) -> Fault | None:
        queue = self._faults.get(endpoint)
        return queue.popleft() if queue else None

    def record_request(
        self, endpoint: str, method: str, path: str, headers: dict[str, str], body: Any, status: int
    ) -> None:
        safe_headers = {k.lower(): v for k, v in headers.items() if k.lower() != "authorization"}
        self.requests.append(
            RecordedRequest(endpoint, method, path, safe_headers, body, status, self.clock.now())
        )

    def requests_to(self, endpoint: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.endpoint == endpoint]

    # ----- timeline ------------------------------------------------------------------------

    def _next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    def _stamp(self, entry: dict[str, Any]) -> dict[str, Any]:
        now = self.clock.now()
        entry["seq"] = self._next_sequence()
        entry["time"] = now.isoformat()
        entry["timestampMs"] = int(now.timestamp() * 1000)
        return entry

    async def record_user_entry(self, user_id: str, entry: dict[str, Any]) -> dict[str, Any]:
        """Adds something the user did (a message, a postback, follow...) to their timeline."""
        self._timelines[user_id].append(self._stamp(entry))
        self._persist()
        await self._notify()
        return entry

    async def deliver_bot_messages(
        self, user_id: str, messages: list[dict[str, Any]], via: str
    ) -> list[dict[str, Any]]:
        """Stores messages the bot sent to a user; returns LINE's sentMessages."""
        sent: list[dict[str, Any]] = []
        for message in messages:
            message_id = self.new_message_id()
            quote_token = ids.new_quote_token() if message.get("type") in QUOTABLE_TYPES else None
            record = self._stamp(
                {"from": "bot", "id": message_id, "via": via, "message": message}
            )
            record["sentAt"] = self.clock.now()
            self._bot_messages[user_id].append(record)
            self._timelines[user_id].append(record)
            sent.append({"id": message_id, **({"quoteToken": quote_token} if quote_token else {})})
        self._persist()
        await self._notify()
        return sent

    async def mark_unsent(self, user_id: str, message_id: str) -> bool:
        found = False
        for entry in self._timelines.get(user_id, []):
            if entry.get("from") == "user" and entry.get("message", {}).get("id") == message_id:
                entry["unsent"] = True
                found = True
        if message_id in self.contents:
            self.contents[message_id].unsent = True
        self._persist()
        await self._notify()
        return found

    def timeline(self, user_id: str, after: int = 0) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in entry.items() if k != "sentAt"}
            for entry in self._timelines.get(user_id, [])
            if entry["seq"] > after
        ]

    def bot_messages(self, user_id: str) -> list[dict[str, Any]]:
        """Records {"id", "via" ("reply"|"push"), "sentAt", "message"} in delivery order."""
        return list(self._bot_messages.get(user_id, []))

    async def wait_for_bot_messages(
        self, user_id: str, count: int, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Waits until the bot has sent at least `count` messages to the user; returns them all."""
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(self._bot_messages[user_id]) >= count),
                    timeout,
                )
            except TimeoutError:
                got = len(self._bot_messages[user_id])
                raise TimeoutError(
                    f"bot sent {got} message(s) to the user within {timeout}s, expected {count}"
                ) from None
        return self.bot_messages(user_id)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ----- loading indicator ---------------------------------------------------------------

    def record_loading(self, chat_id: str, loading_seconds: int) -> None:
        self.loading_calls.append(LoadingCall(chat_id, loading_seconds, self.clock.now()))

    def is_loading(self, user_id: str) -> bool:
        """LINE hides the indicator when a message arrives or the time runs out."""
        calls = [c for c in self.loading_calls if c.chat_id == user_id]
        if not calls:
            return False
        last = calls[-1]
        if self.clock.now() >= last.at + dt.timedelta(seconds=last.loading_seconds):
            return False
        return not any(m["sentAt"] >= last.at for m in self._bot_messages.get(user_id, []))

    # ----- rich menus ----------------------------------------------------------------------

    def create_rich_menu(self, definition: dict[str, Any]) -> RichMenu:
        menu = RichMenu(ids.new_rich_menu_id(), definition)
        self.rich_menus[menu.rich_menu_id] = menu
        return menu

    def delete_rich_menu(self, rich_menu_id: str) -> None:
        self.rich_menus.pop(rich_menu_id, None)
        if self.default_rich_menu_id == rich_menu_id:
            self.default_rich_menu_id = None
        for mapping in (self.user_rich_menus, self.switched_rich_menus):
            for user_id in [u for u, m in mapping.items() if m == rich_menu_id]:
                del mapping[user_id]

    def link_rich_menu(self, user_id: str, rich_menu_id: str | None) -> None:
        if rich_menu_id is None:
            self.user_rich_menus.pop(user_id, None)
        else:
            self.user_rich_menus[user_id] = rich_menu_id
        # A new link replaces whatever tab the user had switched to.
        self.switched_rich_menus.pop(user_id, None)

    def set_default_rich_menu(self, rich_menu_id: str | None) -> None:
        self.default_rich_menu_id = rich_menu_id
        for user_id in list(self.switched_rich_menus):
            if user_id not in self.user_rich_menus:
                del self.switched_rich_menus[user_id]

    def switch_rich_menu(self, user_id: str, alias_id: str) -> RichMenu | None:
        menu_id = self.rich_menu_aliases.get(alias_id)
        menu = self.rich_menus.get(menu_id) if menu_id else None
        if menu is None or menu.image is None:
            return None
        self.switched_rich_menus[user_id] = menu.rich_menu_id
        return menu

    def displayed_rich_menu(self, user_id: str) -> RichMenu | None:
        """The menu this user sees: a switched tab, else the per-user link, else the default."""
        for menu_id in (
            self.switched_rich_menus.get(user_id),
            self.user_rich_menus.get(user_id),
            self.default_rich_menu_id,
        ):
            menu = self.rich_menus.get(menu_id) if menu_id else None
            if menu is not None and menu.image is not None:
                return menu
        return None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

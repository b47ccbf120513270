"""A minimal, fast stand-in for LINE's Messaging API that records when each reply arrives."""

from __future__ import annotations

import asyncio
import collections
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field

import orjson
from aiohttp import web


@dataclass
class Deliveries:
    """What the bot sent, keyed by reply token / recipient, with arrival times (perf_counter)."""

    replies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    pushes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    loading_calls: int = 0
    retry_keys: set[str] = field(default_factory=set)
    repeated_retry_keys: int = 0
    push_times: list[float] = field(default_factory=list)
    rejected: int = 0
    # Pushes answered 429 because they came faster than the channel's rate limit allows.
    rate_limited: int = 0
    # Time spent inside the handlers, to show the stand-in's own share of the latency.
    handler_seconds: list[float] = field(default_factory=list)


class LineStandIn:
    """Serves /v2/bot/message/reply, /push, /quota, /quota/consumption and /v2/bot/chat/loading/start
    on 127.0.0.1; with push_limit, a push above LINE's rate limit is answered 429 (and counted).

    Written on aiohttp rather than reusing bot.simulator: that one validates every message and
    keeps chat timelines, which is right for development but would add its own cost to the
    numbers measured here.
    """

    def __init__(self, *, access_token: str, push_limit: int | None = None, message_quota: int | None = None) -> None:
        self._authorization = f"Bearer {access_token}"
        # LINE's push rate limit per channel (requests per second; None: not enforced). A push
        # with `push_limit` others in the second before it is answered 429, as LINE does above its limit.
        self.push_limit = push_limit
        self._recent_pushes: collections.deque[float] = collections.deque()
        self.message_quota = message_quota  # GET /v2/bot/message/quota: None answers "none"
        self._message_ids = itertools.count(500_000_000_000_000_000)
        self._waiters: dict[str, asyncio.Future[float]] = {}
        self.deliveries = Deliveries()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def reset(self) -> None:
        self.deliveries = Deliveries()
        self._waiters.clear()

    def expect_reply(self, reply_token: str) -> asyncio.Future[float]:
        """A future resolved with the arrival time of the first reply using this token."""
        future = asyncio.get_running_loop().create_future()
        self._waiters[reply_token] = future
        return future

    async def start(self) -> str:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_post("/v2/bot/message/reply", self._reply)
        app.router.add_post("/v2/bot/message/push", self._push)
        app.router.add_post("/v2/bot/chat/loading/start", self._loading)
        app.router.add_get("/v2/bot/message/quota", self._quota)
        app.router.add_get("/v2/bot/message/quota/consumption", self._consumption)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # port 0: the OS picked one
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def _sent(self, count: int) -> bytes:
        return orjson.dumps({"sentMessages": [{"id": str(next(self._message_ids)), "quoteToken": "q"}
                                              for _ in range(max(count, 1))]})

    def _authorized(self, request: web.Request) -> bool:
        if request.headers.get("Authorization") == self._authorization:
            return True
        self.deliveries.rejected += 1
        return False

    async def _reply(self, request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        if not self._authorized(request):
            return web.Response(status=401, body=b'{"message":"Authentication failed"}')
        body = orjson.loads(await request.read())
        token = body.get("replyToken", "")
        seen = self.deliveries.replies[token]
        seen.append(arrived)
        if len(seen) > 1:
            # LINE refuses a used token; the bot should then push, which we would count.
            response = web.Response(status=400, body=b'{"message":"Invalid reply token"}',
                                    content_type="application/json")
        else:
            waiter = self._waiters.pop(token, None)
            if waiter and not waiter.done():
                waiter.set_result(arrived)
            response = web.Response(body=self._sent(len(body.get("messages", []))),
                                    content_type="application/json")
        self.deliveries.handler_seconds.append(time.perf_counter() - arrived)
        return response

    async def _push(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.Response(status=401, body=b'{"message":"Authentication failed"}')
        body = orjson.loads(await request.read())
        if self.push_limit is not None:
            now = time.perf_counter()
            recent = self._recent_pushes
            while recent and recent[0] <= now - 1.0:
                recent.popleft()
            if len(recent) >= self.push_limit:
                self.deliveries.rate_limited += 1
                return web.Response(status=429, body=b'{"message":"Too many requests"}',
                                    content_type="application/json")
            recent.append(now)
        retry_key = request.headers.get("X-Line-Retry-Key")
        if retry_key:
            # As LINE does: a retry key seen before is answered 409 and delivers nothing again.
            if retry_key in self.deliveries.retry_keys:
                self.deliveries.repeated_retry_keys += 1
                return web.Response(status=409, body=b'{"message":"The retry key is already accepted"}',
                                    headers={"x-line-accepted-request-id": "bench"},
                                    content_type="application/json")
            self.deliveries.retry_keys.add(retry_key)
        self.deliveries.push_times.append(time.perf_counter())
        self.deliveries.pushes[body.get("to", "")] += 1
        return web.Response(body=self._sent(len(body.get("messages", []))), content_type="application/json")

    async def _quota(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.Response(status=401, body=b'{"message":"Authentication failed"}')
        body = {"type": "none"} if self.message_quota is None else {"type": "limited", "value": self.message_quota}
        return web.Response(body=orjson.dumps(body), content_type="application/json")

    async def _consumption(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.Response(status=401, body=b'{"message":"Authentication failed"}')
        return web.Response(body=orjson.dumps({"totalUsage": len(self.deliveries.push_times)}),
                            content_type="application/json")

    async def _loading(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.Response(status=401, body=b'{"message":"Authentication failed"}')
        await request.read()
        self.deliveries.loading_calls += 1
        return web.Response(status=202, body=b"{}", content_type="application/json")

"""One line-bot-sdk v3 async client pair per channel, created inside the running loop and closed on shutdown."""

from __future__ import annotations

import asyncio
import importlib
import os
import urllib.request
from typing import TYPE_CHECKING, Any

from backend import metrics
from bot.channels import Channel

if TYPE_CHECKING:
    from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, AsyncMessagingApiBlob

# line-bot-sdk's messaging package builds hundreds of pydantic models and validated methods when imported
# (about 1.5 s of CPU, most of a cold start): it is imported on first use, or ahead of it by load_line_sdk,
# never at module import time, so that the web process answers /readyz without it.
LINE_SDK = "linebot.v3.messaging"


async def load_line_sdk() -> None:
    """Import the SDK in a thread, so that the event loop keeps answering meanwhile (the worker awaits this
    before its first pass; the webhook never needs the SDK)."""
    await asyncio.to_thread(importlib.import_module, LINE_SDK)


# Requests to LINE at once per channel: 1,940 pushes a second (bot/pacing.py) need this many while
# LINE takes up to 65 ms to answer.
CONNECTIONS_PER_CHANNEL = 128


class LineClients:
    def __init__(self, *, api_base_url: str, data_base_url: str) -> None:
        self._api_base_url = api_base_url
        self._data_base_url = data_base_url
        self._clients: dict[str, tuple[AsyncApiClient, AsyncApiClient]] = {}

    def _pair(self, channel: Channel) -> tuple[AsyncApiClient, AsyncApiClient]:
        pair = self._clients.get(channel.slug)
        if pair is None:
            # The SDK's Configuration has one host; LINE serves content from a second host,
            # so the blob API gets a client of its own.
            from linebot.v3.messaging import AsyncApiClient, Configuration

            settings = Configuration(host=self._api_base_url, access_token=channel.access_token)
            # The SDK allows five connections per CPU (ten on two cores): results pushed at LINE's
            # rate would queue there, after pacing, and then leave together above the rate.
            settings.connection_pool_maxsize = CONNECTIONS_PER_CHANNEL
            api = AsyncApiClient(settings)
            data = AsyncApiClient(Configuration(host=self._data_base_url, access_token=channel.access_token))
            if not _environment_configures_http():
                _stop_per_call_environment_lookups(api)
                _stop_per_call_environment_lookups(data)
            _count_errors(api)
            _count_errors(data)
            pair = self._clients[channel.slug] = (api, data)
        return pair

    def prepare(self, channel: Channel) -> None:
        """Make the channel's clients now, so that the first request does not wait for them (their
        TLS contexts cost tens of milliseconds): a process standing by to send calls this first."""
        self._pair(channel)

    def messaging(self, channel: Channel) -> AsyncMessagingApi:
        from linebot.v3.messaging import AsyncMessagingApi

        return AsyncMessagingApi(self._pair(channel)[0])

    async def post_messages(self, channel: Channel, path: str, body: dict[str, Any], *,
                            retry_key: str | None = None) -> None:
        """POST already-rendered messages (reply or push) through the SDK's own transport.

        The typed call would rebuild our JSON as pydantic models only to serialise it back (a few
        per cent of the worker's CPU per reply); our messages are valid LINE JSON by construction
        (bot/messages.py). Same session, headers, proxy settings and errors as the SDK: a non-2xx
        answer raises ApiException with the body as text, as the typed calls do."""
        from linebot.v3.messaging.exceptions import ApiException

        client = self._pair(channel)[0]
        headers = {**client.default_headers, "Authorization": f"Bearer {channel.access_token}",
                   "Content-Type": "application/json"}
        if retry_key:
            headers["X-Line-Retry-Key"] = retry_key
        try:
            await client.rest_client.post_request(self._api_base_url.rstrip("/") + path, headers=headers, body=body)
        except ApiException as error:
            if isinstance(error.body, bytes):
                error.body = error.body.decode("utf-8", errors="replace")
            raise

    async def post_encoded(self, channel: Channel, path: str, body: bytes, *, retry_key: str | None = None) -> None:
        """POST a body already encoded as JSON (messages kept as JSON text in the outbox, sent in bulk),
        on the SDK's own aiohttp session; errors as the SDK raises them (ApiException with the body as
        text), counted like every call to LINE (schoolbot_line_api_errors_total)."""
        import aiohttp
        from linebot.v3.messaging.exceptions import ApiException

        client = self._pair(channel)[0]
        rest = client.rest_client
        headers = {**client.default_headers, "Authorization": f"Bearer {channel.access_token}",
                   "Content-Type": "application/json"}
        if retry_key:
            headers["X-Line-Retry-Key"] = retry_key
        extra: dict[str, Any] = {"proxy": rest.proxy, "proxy_headers": rest.proxy_headers} if rest.proxy else {}
        try:
            async with rest.pool_manager.post(self._api_base_url.rstrip("/") + path, data=body, headers=headers,
                                              timeout=aiohttp.ClientTimeout(total=60), **extra) as response:
                answer = await response.read()
                if not 200 <= response.status <= 299:
                    error = ApiException(status=response.status, reason=response.reason)
                    error.body = answer.decode("utf-8", errors="replace")
                    metrics.LINE_API_ERRORS.labels(str(response.status)).inc()
                    raise error
        except (aiohttp.ClientError, TimeoutError):
            metrics.LINE_API_ERRORS.labels("network").inc()
            raise

    def blob(self, channel: Channel) -> AsyncMessagingApiBlob:
        from linebot.v3.messaging import AsyncMessagingApiBlob

        return AsyncMessagingApiBlob(self._pair(channel)[1])

    async def close(self) -> None:
        for api, data in self._clients.values():
            await api.close()
            await data.close()
        self._clients.clear()


def _count_errors(client: AsyncApiClient) -> None:
    """Every failed call to LINE (typed or not, either host) counted by its HTTP status, or as
    `network` when no answer came (schoolbot_line_api_errors_total, docs/observability.md)."""
    import aiohttp  # lazy, like the SDK itself (see LINE_SDK above)
    from linebot.v3.messaging.exceptions import ApiException

    rest = client.rest_client
    request = rest.request

    async def counted(*args: Any, **kwargs: Any) -> Any:
        try:
            return await request(*args, **kwargs)
        except ApiException as error:
            metrics.LINE_API_ERRORS.labels(str(error.status)).inc()
            raise
        except (aiohttp.ClientError, TimeoutError):
            metrics.LINE_API_ERRORS.labels("network").inc()
            raise

    rest.request = counted


def _environment_configures_http() -> bool:
    """Whether proxy variables or a .netrc could change how LINE is reached from this machine."""
    netrc = os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
    return bool(urllib.request.getproxies()) or os.path.exists(netrc)


def _stop_per_call_environment_lookups(client: AsyncApiClient) -> None:
    """The SDK builds its aiohttp session with trust_env=True (line-bot-sdk 3.x, async_rest.py), so
    every call looks up proxy variables and reads ~/.netrc in the thread pool: two thread hops per
    reply, about 5 % of the worker's CPU under load. Where neither exists the answer is known once,
    at start-up; the session has no public setter, hence the private attribute (checked, so a
    future SDK or aiohttp that renames it leaves the default behaviour in place)."""
    session = getattr(getattr(client, "rest_client", None), "pool_manager", None)
    if getattr(session, "_trust_env", None) is True:
        session._trust_env = False

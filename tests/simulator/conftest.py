"""Fixtures: an in-process stand-in, a webhook receiver playing the bot, and clients for both."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from backend.clock import FakeClock
from bot.simulator import LineStandIn, Simulator, create_simulator_app

CHANNEL_SECRET = "sim-test-channel-secret"
ACCESS_TOKEN = "sim-test-access-token"


@dataclasses.dataclass
class ReceivedWebhook:
    raw: bytes
    signature: str | None

    @property
    def body(self) -> dict[str, Any]:
        return json.loads(self.raw)

    @property
    def events(self) -> list[dict[str, Any]]:
        return self.body["events"]


@dataclasses.dataclass
class Receiver:
    """Stands in for the bot's webhook endpoint; records what LINE (the simulator) posted."""

    received: list[ReceivedWebhook] = dataclasses.field(default_factory=list)
    answer_status: int = 200

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/webhook")
        async def webhook(request: Request) -> Response:
            self.received.append(
                ReceivedWebhook(await request.body(), request.headers.get("x-line-signature"))
            )
            return Response(status_code=self.answer_status)

        return app

    @property
    def events(self) -> list[dict[str, Any]]:
        return [event for webhook in self.received for event in webhook.events]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def standin(clock: FakeClock) -> LineStandIn:
    return LineStandIn(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN, clock=clock)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
async def simulator(standin: LineStandIn, receiver: Receiver):
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app()),
                               base_url="http://bot")
    sim = Simulator(standin, "http://bot/webhook", http_client=client)
    yield sim
    await client.aclose()


@pytest.fixture
async def sim_app_client(standin: LineStandIn, receiver: Receiver):
    """Client for the /sim sub-app (page API and LINE API under /line), webhooks to receiver."""
    bot_client = httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app()),
                                   base_url="http://bot")
    app = create_simulator_app(standin, webhook_url="http://bot/webhook", http_client=bot_client)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://sim") as client:
        yield client
    await bot_client.aclose()


@pytest.fixture
def line_api(sim_app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The bot's view: LINE API calls with the channel access token."""
    sim_app_client.headers["authorization"] = f"Bearer {ACCESS_TOKEN}"
    return sim_app_client

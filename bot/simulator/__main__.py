"""Runs the LINE stand-in alone (for a bot in another process): python -m bot.simulator."""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from backend.clock import SystemClock
from bot.simulator.chat import create_simulator_app
from bot.simulator.standin import LineStandIn


def build_app(
    *, webhook_url: str, channel_secret: str, access_token: str, bot_name: str | None = None
) -> FastAPI:
    """A root app with the simulator at /sim, the same layout as inside the bot's app."""
    extra = {"bot_display_name": bot_name} if bot_name else {}
    standin = LineStandIn(
        channel_secret=channel_secret, access_token=access_token, clock=SystemClock(), **extra
    )
    sim_app = create_simulator_app(standin, webhook_url=webhook_url)

    async def close_client(_: FastAPI):
        yield
        await sim_app.state.simulator.aclose()

    root = FastAPI(lifespan=close_client, docs_url=None, redoc_url=None, openapi_url=None)
    root.state.standin = standin

    @root.get("/", include_in_schema=False)
    async def to_page() -> RedirectResponse:
        return RedirectResponse("/sim/")

    root.mount("/sim", sim_app)
    return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local LINE Messaging API stand-in and chat page")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--webhook-url", required=True, help="the bot's webhook URL")
    parser.add_argument("--channel-secret", required=True)
    parser.add_argument("--access-token", required=True)
    parser.add_argument("--bot-name", default=None, help="name shown in the chat header")
    args = parser.parse_args(argv)
    app = build_app(
        webhook_url=args.webhook_url, channel_secret=args.channel_secret,
        access_token=args.access_token, bot_name=args.bot_name,
    )
    print(f"LINE simulator: http://{args.host}:{args.port}/sim/  "
          f"(SDK host: http://{args.host}:{args.port}/sim/line)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()

"""The reference for the benchmark: the smallest LINE bot (verify, reply with the same text) on FastAPI."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import AsyncIterator

import uvicorn
from fastapi import FastAPI, Request, Response
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhooks import FollowEvent, MessageEvent, TextMessageContent


def create_echo_app(*, channel_secret: str, access_token: str, api_base_url: str) -> FastAPI:
    parser = WebhookParser(channel_secret)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The SDK's aiohttp session must be created inside the running loop.
        client = AsyncApiClient(Configuration(host=api_base_url, access_token=access_token))
        app.state.messaging = AsyncMessagingApi(client)
        try:
            yield
        finally:
            await client.close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.post("/line/webhook")
    async def webhook(request: Request) -> Response:
        body = (await request.body()).decode()
        try:
            events = parser.parse(body, request.headers.get("x-line-signature", ""))
        except InvalidSignatureError:
            return Response(status_code=400)
        messaging: AsyncMessagingApi = request.app.state.messaging
        for event in events:
            if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
                text = event.message.text
            elif isinstance(event, FollowEvent):
                text = "hello"
            else:
                continue
            await messaging.reply_message(ReplyMessageRequest(reply_token=event.reply_token,
                                                              messages=[TextMessage(text=text)]))
        return Response(status_code=200)

    return app


def serve_reference(app: FastAPI, description: str) -> None:
    """Serve a reference bot on --port with the same uvicorn options as `schoolbot serve`, so that only
    the application differs."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info", access_log=False)


def main() -> None:
    serve_reference(create_echo_app(channel_secret=os.environ["LINE_CHANNEL_SECRET"],
                                    access_token=os.environ["LINE_CHANNEL_ACCESS_TOKEN"],
                                    api_base_url=os.environ["LINE_API_BASE_URL"]),
                    "the echo reference bot for bench.load")


if __name__ == "__main__":
    main()

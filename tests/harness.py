"""The bot served on a local port, with the simulator as LINE, driven step by step by a test."""

from __future__ import annotations

import asyncio
import base64
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from backend.clock import FakeClock
from backend.demo import create_demo_school
from backend.state import MemoryState, RedisState
from bot.app import create_app
from bot.config import load_settings
from bot.runtime import Runtime, build_runtime
from bot.simulator.driver import Simulator
from bot.simulator.standin import LineStandIn
from tests.links import links_in, unserved


def production_keys(folder: Path) -> dict[str, str]:
    """The key variables a process with real LINE credentials refuses to start without, made
    fresh for one test (the signing folder, outside DATA_DIR, starts empty)."""
    (folder / "signing").mkdir(parents=True, exist_ok=True)
    return {
        "FILE_ENCRYPTION_KEYS": "test:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "STAFF_SESSION_SECRET": secrets.token_hex(32),
        "SIGNING_DIR": str(folder / "signing"),
    }


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class Bot:
    base_url: str
    # The application bot.app.create_app built: its routes are the pages that exist.
    app: FastAPI
    runtime: Runtime
    standin: LineStandIn
    simulator: Simulator
    # The start-up rich menu deployment, when the bot was started with rich_menus=True.
    rich_menu_deploy: asyncio.Task | None = None
    # A test that makes LINE refuse a message on purpose says so; otherwise any refusal fails it.
    refusals_expected: bool = False

    async def process(self, **worker_options) -> None:
        """Let one worker pass handle everything that is ready, and wait for it."""
        worker = self.runtime.worker(**worker_options)
        await worker.run_once()
        await worker.drain()


class TextConversation:
    """A stand-in for the conversation (running_bot(conversation=...)) that only answers texts:
    subclasses define on_text; taps, files and anything else get no answer."""

    async def on_text(self, ctx, text):
        return []

    async def on_postback(self, ctx, data, params):
        return []

    async def on_files(self, ctx, file_ids):
        return []

    async def on_other(self, ctx, kind):
        return []


@asynccontextmanager
async def running_bot(env: dict[str, str], clock: FakeClock, *, namespace: str = "test",
                      conversation=None, rich_menus: bool = False) -> AsyncIterator[Bot]:
    sock = free_socket()
    port = sock.getsockname()[1]
    settings = load_settings({**env, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}, port=port)
    await create_demo_school(settings.backend.database_url, slug=settings.backend.default_school)

    def runtime_factory(s):
        redis_url = s.backend.redis_url
        state = RedisState(redis_url, namespace) if redis_url else MemoryState()
        runtime = build_runtime(s, clock=clock, state=state)
        if conversation is not None:
            runtime.handler._conversation = conversation
        return runtime

    app = create_app(settings, run_worker=False, clock=clock, runtime_factory=runtime_factory,
                     deploy_rich_menus=rich_menus)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    simulator = Simulator(app.state.standin, f"http://127.0.0.1:{port}/line/webhook")
    try:
        bot = Bot(base_url=f"http://127.0.0.1:{port}", app=app, runtime=app.state.runtime,
                  standin=app.state.standin, simulator=simulator, rich_menu_deploy=app.state.rich_menu_deploy)
        yield bot
        if not bot.refusals_expected:
            await _assert_line_accepted_everything(app.state.runtime)
        _assert_every_link_is_served(bot)
    finally:
        await simulator.aclose()
        server.should_exit = True
        await task


def _assert_every_link_is_served(bot: Bot) -> None:
    """Whatever a test did, every link the bot sent (to any simulated user, and in the rich menus
    it deployed) names a page of this app: a button to a missing page is a dead end."""
    sent = [record["message"] for user_id in bot.standin.users
            for record in bot.standin.bot_messages(user_id)]
    menus = [menu.definition for menu in bot.standin.rich_menus.values()]
    missing = unserved(bot.app, bot.base_url, links_in([*sent, *menus]))
    assert not missing, f"links to pages that do not exist: {missing}"


async def _assert_line_accepted_everything(runtime: Runtime) -> None:
    """Whatever a test did, LINE (the stand-in, which checks LINE's limits) refused no message
    for being malformed: a 400 there means the bot built a message LINE would not accept."""
    import sqlalchemy as sa

    from backend.outbox import FAILED, OutboundMessage

    async with runtime.sessions() as session:
        refused = list(await session.scalars(
            sa.select(OutboundMessage.last_error).where(OutboundMessage.status == FAILED)))
    assert not refused, f"LINE refused messages: {refused}"

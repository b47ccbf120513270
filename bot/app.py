"""The web application: webhook, health checks, and the simulator when no LINE account is configured."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend import observability
from backend.clock import Clock, SystemClock
from backend.lazy import freeze_start_up_objects
from bot import webhook
from bot.config import Settings
from bot.runtime import Runtime, build_runtime

log = logging.getLogger(__name__)

# Every request body is counted while it streams in and refused with 413 past its route's limit,
# before it is parsed and before any signature or session is checked against it (FastAPI's
# max_body_size, i.e. Starlette's RequestBodyLimitMiddleware). This is the limit of routes that
# set none: a form of a few fields. Routes that take more say so (the webhook, uploads).
DEFAULT_MAX_BODY_BYTES = 64 * 1024


_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")


class RequestIds:
    """Every request gets an id (the proxy's X-Request-ID when well formed, else a new one), set for
    its log lines and sent back in X-Request-ID so that a report can be matched with the logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((value for name, value in scope["headers"] if name == b"x-request-id"), b"")
        request_id = given.decode() if _REQUEST_ID.fullmatch(given) else secrets.token_hex(8)
        token = observability.request_id.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            observability.request_id.reset(token)


async def deploy_menus_to_simulator(runtime: Runtime, *, attempts: int = 40, pause: float = 0.25) -> None:
    """Put the rich menus into the built-in simulator, which forgets them whenever the process restarts.

    Runs beside the server: the SDK reaches the stand-in over HTTP, so it retries until the
    server listens.
    """
    import aiohttp

    from bot.channels import DEFAULT, UnknownChannel
    from bot.line_api import load_line_sdk

    await load_line_sdk()  # in a thread, before richmenus.deploy imports it on the event loop
    from richmenus.deploy import deploy
    from richmenus.menus import PARENTS, all_menus
    from richmenus.render import render_all

    try:
        channel = await runtime.channels.get(DEFAULT)
    except UnknownChannel:
        log.warning("no rich menu in the simulator: the default school does not exist (run `schoolbot demo`)")
        return
    # Drawing takes a moment of CPU: keep it off the event loop the server is starting on.
    from backend.school_config import SchoolConfigError, parse_school_config

    try:
        offered = parse_school_config((await runtime.channels.school(channel.school_id)).settings).enabled_services()
    except SchoolConfigError:
        offered = None
    menus = await asyncio.to_thread(render_all, all_menus(runtime.settings.backend.public_base_url, offered))
    for attempt in range(attempts):
        try:
            await deploy(runtime.clients.messaging(channel), runtime.clients.blob(channel), menus,
                         make_default=PARENTS)
            return
        except aiohttp.ClientConnectionError:
            if attempt == attempts - 1:
                log.warning("no rich menu in the simulator: the server did not start listening")
                return
            await asyncio.sleep(pause)
        except Exception:  # a missing menu must not stop the simulator
            log.exception("no rich menu in the simulator: deploying failed")
            return


async def check_school_configurations(runtime: Runtime) -> None:
    """Build every school's services once at start, so a broken configuration shows in the log
    now, naming the school and the field, rather than when a parent first writes."""
    from backend.school_config import SchoolConfigError, parse_school_config
    from backend.schools import School
    from flows.flow import FlowDefinitionError
    from flows.registry import flows_for

    async with runtime.sessions() as session:
        schools = list(await session.scalars(sa.select(School)))
    for school in schools:
        try:
            flows_for(parse_school_config(school.settings))
        except (SchoolConfigError, FlowDefinitionError) as error:
            log.error("school %s: configuration unusable: %s", school.slug, error)


# A worker in the web process runs at most this many users' lanes at once. Each lane holds a pooled
# connection for its whole pass (backend/db.py: 20 in the pool): with the standalone worker's 32, a
# burst (application day) took every connection and the webhook's insert waited for one, up to the
# client's timeout. With 8, the webhook always finds a connection, and the event loop shares its
# turns between at most 8 lanes and the requests, so LINE gets its 200 at once while replies queue.
EMBEDDED_WORKER_LANES = 8


def create_app(
    settings: Settings,
    *,
    run_worker: bool = True,
    deploy_rich_menus: bool = False,
    clock: Clock | None = None,
    runtime_factory: Callable[[Settings], Runtime] | None = None,
) -> FastAPI:
    """Build the app. With run_worker the same process also processes events (the simple setup).

    deploy_rich_menus (simulated mode only) fills the simulator with the rich menus at start.
    """
    clock = clock or SystemClock()
    factory = runtime_factory or (lambda s: build_runtime(s, clock=clock))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = factory(settings)
        app.state.runtime = runtime
        await check_school_configurations(runtime)
        freeze_start_up_objects()
        stop = asyncio.Event()
        worker_task = (asyncio.create_task(runtime.worker(concurrency=EMBEDDED_WORKER_LANES).run(stop))
                       if run_worker else None)
        menus_task = (asyncio.create_task(deploy_menus_to_simulator(runtime))
                      if deploy_rich_menus and settings.simulated else None)
        app.state.rich_menu_deploy = menus_task
        try:
            yield
        finally:
            if menus_task and not menus_task.done():
                menus_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await menus_task
            stop.set()
            if worker_task:
                await worker_task
            await runtime.close()
            simulator = getattr(app.state, "simulator_app", None)
            if simulator is not None:
                # A mounted sub-application's own lifespan does not run: close its client here.
                await simulator.state.simulator.aclose()

    # The API description is for development: in production it would only map the surface for
    # an attacker (nothing calls it; LINE and the bank are given their URLs).
    app = FastAPI(title="schoolbot", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json" if settings.simulated else None,
                  max_body_size=DEFAULT_MAX_BODY_BYTES)
    app.include_router(webhook.router)
    app.add_middleware(RequestIds)
    app.state.metrics_token = settings.metrics_token
    from bot.metrics import router as metrics_router

    app.include_router(metrics_router)
    from bot.media import create_media_router

    app.include_router(create_media_router())

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        runtime: Runtime = request.app.state.runtime
        database = True
        try:
            async with runtime.engine.connect() as connection:
                await connection.execute(sa.text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means not ready
            database = False
        shared_state = await runtime.state.ping()
        ready = database and shared_state
        return JSONResponse({"database": database, "shared_state": shared_state},
                            status_code=200 if ready else 503)

    if settings.simulated:
        from bot.simulator.chat import create_simulator_app
        from bot.simulator.persistence import SimulatorStore
        from bot.simulator.standin import LineStandIn

        # Simulated users and their chats are kept under DATA_DIR: a restart keeps the demo.
        standin = LineStandIn(channel_secret=settings.channel_secret,
                              access_token=settings.channel_access_token, clock=clock,
                              store=SimulatorStore(settings.backend.data_dir / "simulator"))
        app.state.standin = standin
        app.state.simulator_app = create_simulator_app(
            standin, webhook_url=f"{settings.backend.public_base_url}/line/webhook")
        app.mount("/sim", app.state.simulator_app)

        @app.get("/", include_in_schema=False)
        async def home() -> RedirectResponse:
            return RedirectResponse("/sim/")

    # --- the web pages (web/): the public verify page, the bank's payment callback, and the staff
    # and finance pages (LIFF) under /staff. They read sessions, clock and files from
    # app.state.runtime; in simulated mode the development login gets ID tokens from the stand-in.
    from web.mount import mount_web
    from web.staff import StaffPagesConfig, simulator_id_tokens

    mount_web(app, StaffPagesConfig.from_settings(settings),
              dev_id_tokens=simulator_id_tokens(app.state.standin) if settings.simulated else None)

    return app

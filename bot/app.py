"""The web application: webhook, health checks, and the simulator when no LINE account is configured."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse

from backend.clock import Clock, SystemClock
from bot import webhook
from bot.config import Settings
from bot.runtime import Runtime, build_runtime

log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    *,
    run_worker: bool = True,
    clock: Clock | None = None,
    runtime_factory: Callable[[Settings], Runtime] | None = None,
) -> FastAPI:
    """Build the app. With run_worker the same process also processes events (the simple setup)."""
    clock = clock or SystemClock()
    factory = runtime_factory or (lambda s: build_runtime(s, clock=clock))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = factory(settings)
        app.state.runtime = runtime
        stop = asyncio.Event()
        worker_task = asyncio.create_task(runtime.worker().run(stop)) if run_worker else None
        try:
            yield
        finally:
            stop.set()
            if worker_task:
                await worker_task
            await runtime.close()
            simulator = getattr(app.state, "simulator_app", None)
            if simulator is not None:
                # A mounted sub-application's own lifespan does not run: close its client here.
                await simulator.state.simulator.aclose()

    app = FastAPI(title="schoolbot", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.include_router(webhook.router)

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
        from bot.simulator.standin import LineStandIn

        standin = LineStandIn(channel_secret=settings.channel_secret,
                              access_token=settings.channel_access_token, clock=clock)
        app.state.standin = standin
        app.state.simulator_app = create_simulator_app(
            standin, webhook_url=f"{settings.backend.public_base_url}/line/webhook")
        app.mount("/sim", app.state.simulator_app)

        @app.get("/", include_in_schema=False)
        async def home() -> RedirectResponse:
            return RedirectResponse("/sim/")

    return app

"""GET /metrics for Prometheus, and the worker's own metrics listener.

The page is served only when METRICS_TOKEN is set, and only to a scraper that sends it as
`Authorization: Bearer <token>`: the counts say how busy each school's office is, which is nobody
else's business. A `schoolbot worker` process has no web server: with METRICS_PORT set it serves
its counters on METRICS_HOST:METRICS_PORT (no token: bind it to a private network only).
"""

from __future__ import annotations

import hmac
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest, start_http_server

from backend import inbox, metrics, outbox

router = APIRouter()


async def refresh_backlogs(sessions, now) -> None:
    """The deployment-wide gauges, from the database (two indexed queries)."""
    events, messages = inbox.InboundEvent.__table__, outbox.OutboundMessage.__table__
    async with sessions() as session:
        waiting, oldest = (await session.execute(sa.select(
            sa.func.count(), sa.func.min(events.c.received_at)).where(events.c.status == inbox.PENDING))).one()
        given_up = await session.scalar(sa.select(sa.func.count()).where(events.c.status == inbox.FAILED))
        backlog, retrying, first = (await session.execute(sa.select(
            sa.func.count(), sa.func.count().filter(messages.c.attempts > 0), sa.func.min(messages.c.created_at))
            .where(messages.c.status == outbox.PENDING))).one()
    metrics.EVENTS_WAITING.set(waiting)
    metrics.EVENTS_OLDEST_WAITING.set(_age(now, oldest))
    metrics.EVENTS_GIVEN_UP.set(given_up or 0)
    metrics.OUTBOX_BACKLOG.set(backlog)
    metrics.OUTBOX_RETRYING.set(retrying)
    metrics.OUTBOX_OLDEST.set(_age(now, first))


def _age(now, then) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:  # SQLite hands naive UTC back on aggregates
        then = then.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - then).total_seconds())


@router.get("/metrics", include_in_schema=False)
async def metrics_page(request: Request) -> Response:
    token: bytes | None = request.app.state.metrics_token
    given = request.headers.get("authorization", "").removeprefix("Bearer ").encode()
    if token is None or not hmac.compare_digest(given, token):
        return Response(status_code=404)  # the same answer as a page that does not exist
    runtime = request.app.state.runtime
    await refresh_backlogs(runtime.sessions, runtime.clock.now())
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def serve_worker_metrics(host: str, port: int) -> Any:
    """The worker's counters on host:port, served by a thread of prometheus-client; the server
    (its shutdown() stops it)."""
    server, _thread = start_http_server(port, addr=host)
    return server

"""The worker inside the web process (`serve --worker`) never takes every pooled connection: the
webhook's INSERT must find one during a burst (docs/performance.md, application day: with 32
lanes the webhook waited up to the client's timeout)."""

from __future__ import annotations

from backend.db import make_engine
from bot.app import EMBEDDED_WORKER_LANES


async def test_the_embedded_workers_lanes_leave_most_of_the_pool_to_the_web():
    engine = make_engine("postgresql://bench@127.0.0.1:1/none")  # not connected: the pool's sizes only
    try:
        pool = engine.sync_engine.pool
        connections = pool.size() + pool._max_overflow  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
    assert 1 <= EMBEDDED_WORKER_LANES <= connections // 2

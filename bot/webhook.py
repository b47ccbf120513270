"""The LINE webhook: verify, record durably, answer at once. Processing happens in the worker."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response

from backend import inbox
from backend.db import in_transaction
from bot import signature
from bot.channels import DEFAULT, UnknownChannel
from bot.runtime import Runtime
from bot.worker import WAKE_TOPIC, lane_message

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 2 * 1024 * 1024
router = APIRouter()


def _problem(status: int, detail: str) -> Response:
    return Response(orjson.dumps({"detail": detail}), status_code=status, media_type="application/json")


async def _read_capped(request: Request) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


def _to_inbox(event: dict[str, Any]) -> inbox.NewEvent:
    source = event.get("source") or {}
    user_ref = source.get("userId") or source.get("groupId") or source.get("roomId") or ""
    event_id = event.get("webhookEventId")
    if not isinstance(event_id, str) or not event_id or len(event_id) > 64:
        # Every LINE event has one; anything else gets a stable id so duplicates still collapse.
        event_id = "h:" + hashlib.sha256(orjson.dumps(event, option=orjson.OPT_SORT_KEYS)).hexdigest()[:60]
    timestamp = event.get("timestamp")
    return inbox.NewEvent(
        event_id=event_id,
        user_ref=str(user_ref)[:64],
        event_type=str(event.get("type") or "unknown")[:32],
        occurred_at=timestamp if isinstance(timestamp, int) else 0,
        payload=event,
    )


@router.post("/line/webhook")
async def default_webhook(request: Request) -> Response:
    return await _handle(request, DEFAULT)


@router.post("/line/webhook/{channel_slug}")
async def channel_webhook(request: Request, channel_slug: str) -> Response:
    return await _handle(request, channel_slug)


async def _handle(request: Request, channel_slug: str) -> Response:
    runtime: Runtime = request.app.state.runtime
    header = request.headers.get("x-line-signature")
    if not header:
        return _problem(400, "missing x-line-signature")
    try:
        channel = await runtime.channels.get(channel_slug)
    except UnknownChannel:
        return _problem(404, "unknown channel")
    body = await _read_capped(request)
    if body is None:
        return _problem(413, "body larger than 2 MB")
    if not signature.is_valid(channel.secret, body, header):
        log.info("webhook signature rejected (channel %s)", channel_slug)
        return _problem(400, "invalid signature")
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _problem(400, "body is not JSON")
    if not isinstance(payload, dict) or not isinstance(payload.get("events", []), list):
        return _problem(400, "body must be an object with an events array")
    events = [_to_inbox(event) for event in payload.get("events", []) if isinstance(event, dict)]
    if events:
        now = runtime.clock.now()
        # One INSERT ... ON CONFLICT DO NOTHING, atomic and durable when it returns, and safe to
        # repeat: a second attempt inserts only what the first did not.
        fresh = await in_transaction(runtime.sessions, lambda session: inbox.record(
            session, school_id=channel.school_id, channel=channel.slug, events=events, now=now),
            single_statement=True)
        if fresh:
            # Say whose events they are, so a worker starts those users at once without scanning.
            await runtime.state.notify(WAKE_TOPIC, lane_message(channel.slug, fresh))
    return Response(status_code=200)

"""The LINE webhook: verify, record durably, answer at once. Processing happens in the worker."""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response

from backend import inbox, metrics
from bot import signature
from bot.channels import DEFAULT, UnknownChannel
from bot.runtime import Runtime
from bot.webhook_events import MAX_REF, BadEvent, WebhookEvent, check_event
from bot.worker import WAKE_TOPIC, lane_message

log = logging.getLogger(__name__)

# LINE's own limit on what it sends; larger bodies are refused while they stream in (the route's
# max_body_size), before anything is parsed or the signature is computed.
MAX_BODY_BYTES = 2 * 1024 * 1024
router = APIRouter()
# What an unknown channel's webhook is checked against: nothing can be signed with it, so such a
# request gets the same answer, after the same work, as a wrong signature for a real channel.
_NO_CHANNEL_SECRET = secrets.token_hex(32)


def _problem(status: int, detail: str) -> Response:
    return Response(orjson.dumps({"detail": detail}), status_code=status, media_type="application/json")


def _to_inbox(event: dict[str, Any], checked: WebhookEvent) -> inbox.NewEvent:
    source = checked.source
    user_ref = (source.userId or source.groupId or source.roomId or "") if source else ""
    event_id = checked.webhookEventId
    if not event_id or len(event_id) > MAX_REF:
        # Every LINE event has one; anything else gets a stable id so duplicates still collapse.
        event_id = "h:" + hashlib.sha256(orjson.dumps(event, option=orjson.OPT_SORT_KEYS)).hexdigest()[:60]
    return inbox.NewEvent(event_id=event_id, user_ref=user_ref, event_type=checked.type,
                          occurred_at=checked.timestamp, payload=event)


def _count(events: list[inbox.NewEvent]) -> None:
    for event in events:
        metrics.EVENTS_RECEIVED.labels(event.event_type).inc()


@router.post("/line/webhook", max_body_size=MAX_BODY_BYTES)
async def default_webhook(request: Request) -> Response:
    return await _handle(request, DEFAULT)


@router.post("/line/webhook/{channel_slug}", max_body_size=MAX_BODY_BYTES)
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
        channel = None
    body = await request.body()  # at most MAX_BODY_BYTES: the route's limit refuses more with 413
    valid = signature.is_valid(channel.secret if channel else _NO_CHANNEL_SECRET, body, header)
    if channel is None or not valid:
        log.info("webhook signature rejected")
        return _problem(400, "invalid signature")
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _problem(400, "body is not JSON")
    if not isinstance(payload, dict) or not isinstance(payload.get("events", []), list):
        return _problem(400, "body must be an object with an events array")
    events = []
    for position, event in enumerate(payload.get("events", [])):
        try:
            events.append(_to_inbox(event, check_event(event)))
        except BadEvent as error:
            # Dropped alone: LINE would resend the whole batch on an error answer, and the good
            # events in it must not wait for (or fail with) a bad one.
            log.warning("webhook event %d dropped (channel %s): %s", position, channel.slug, error)
    if events:
        now = runtime.clock.now()
        # One INSERT ... ON CONFLICT DO NOTHING, atomic and durable when it returns.
        fresh = await inbox.record_durably(runtime.sessions, school_id=channel.school_id, channel=channel.slug,
                                           events=events, now=now)
        _count(events)
        if fresh:
            # Say whose events they are, so a worker starts those users at once without scanning.
            await runtime.state.notify(WAKE_TOPIC, lane_message(channel.slug, fresh))
    return Response(status_code=200)

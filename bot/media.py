"""Public, signed, expiring links for what LINE and parents' phones fetch from us: payment QR
images, document previews and PDF downloads. A link names only a kind and an opaque reference
(ids, never names or ID numbers); what it serves comes from a resolver registered per kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from itsdangerous import BadSignature, SignatureExpired
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import Clock
from backend.signed_tokens import timed_serializer


@dataclass(frozen=True)
class Media:
    data: bytes
    content_type: str
    filename: str | None = None  # set: served as a download with this name


Resolver = Callable[[AsyncSession, str], Awaitable[Media | None]]


class MediaLinks:
    """Makes and reads the links; resolvers say what each kind of link serves."""

    def __init__(self, *, secret: bytes, clock: Clock, public_base_url: str,
                 previous_secrets: tuple[bytes, ...] = ()) -> None:
        self._serializer = timed_serializer(secret, salt="public-media", clock=clock, previous=previous_secrets)
        self._base = public_base_url
        self._resolvers: dict[str, tuple[Resolver, dt.timedelta]] = {}

    def register(self, kind: str, resolver: Resolver, *, valid_for: dt.timedelta) -> None:
        self._resolvers[kind] = (resolver, valid_for)

    def url(self, kind: str, ref: str, *, suffix: str = "") -> str:
        """A link for LINE or a phone; suffix (".png", ".pdf") helps clients that look at it."""
        if kind not in self._resolvers:
            raise KeyError(f"no media resolver for {kind!r}")
        return f"{self._base}/media/{self._serializer.dumps([kind, ref])}{suffix}"

    def read(self, token: str) -> tuple[str, str] | None:
        token = token.rsplit(".", 1)[0] if token.endswith((".png", ".jpg", ".pdf", ".json")) else token
        try:
            kind, ref = self._serializer.loads(token)
        except (BadSignature, SignatureExpired, ValueError, TypeError):
            return None
        entry = self._resolvers.get(kind)
        if entry is None:
            return None
        try:
            self._serializer.loads(token, max_age=int(entry[1].total_seconds()))
        except (BadSignature, SignatureExpired):
            return None
        return kind, ref

    async def resolve(self, session: AsyncSession, kind: str, ref: str) -> Media | None:
        return await self._resolvers[kind][0](session, ref)


def create_media_router() -> APIRouter:
    router = APIRouter()

    @router.get("/media/{token}")
    async def media(request: Request, token: str) -> Response:
        runtime = request.app.state.runtime
        found = runtime.media.read(token)
        if found is None:
            return Response("ลิงก์นี้หมดอายุหรือไม่ถูกต้องค่ะ", status_code=404, media_type="text/plain; charset=utf-8")
        async with runtime.sessions() as session:
            item = await runtime.media.resolve(session, *found)
        if item is None:
            return Response("ไม่พบไฟล์ค่ะ", status_code=404, media_type="text/plain; charset=utf-8")
        headers = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}
        if item.filename:
            headers["Content-Disposition"] = f"attachment; filename=\"{item.filename}\""
        return Response(item.data, media_type=item.content_type, headers=headers)

    return router

"""Which LINE channel a webhook or a message belongs to, and its credentials."""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import schools
from backend.files.crypto import KeyRing
from backend.school_admin import channel_credentials
from backend.schools import MessagingChannel, School

DEFAULT = "default"
_CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class Channel:
    slug: str
    school_id: int
    secret: str
    access_token: str


class UnknownChannel(LookupError):
    pass


class ChannelRegistry:
    """The default channel comes from the environment; the others from the database, cached briefly."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        default_school: str,
        default_secret: str,
        default_token: str,
        keyring: KeyRing,
    ) -> None:
        self._sessions = sessions
        self._keyring = keyring
        self._default_school = default_school
        self._default_secret = default_secret
        self._default_token = default_token
        self._cache: dict[str, tuple[float, Channel]] = {}
        self._schools: dict[int, tuple[float, School]] = {}

    async def get(self, slug: str) -> Channel:
        cached = self._cache.get(slug)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        async with self._sessions() as session:
            channel = await self._load(session, slug)
        self._cache[slug] = (time.monotonic() + _CACHE_SECONDS, channel)
        return channel

    async def school(self, school_id: int) -> School:
        """The school's row (name, settings), detached and cached as briefly as channels: every
        event needs it, and a change of settings reaches the chat within that time. Read-only."""
        cached = self._schools.get(school_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        async with self._sessions() as session:
            school = await session.get(School, school_id)
        if school is None:
            raise UnknownChannel(f"school {school_id} does not exist")
        self._schools[school_id] = (time.monotonic() + _CACHE_SECONDS, school)
        return school

    async def for_school(self, school_id: int) -> Channel | None:
        """The channel a school talks to parents through (its first, when it has several)."""
        default = await self.get(DEFAULT)
        if default.school_id == school_id:
            return default
        async with self._sessions() as session:
            row = await session.scalar(sa.select(MessagingChannel).where(MessagingChannel.school_id == school_id)
                                       .order_by(MessagingChannel.id).limit(1))
        return await self.get(row.slug) if row else None

    async def _load(self, session: AsyncSession, slug: str) -> Channel:
        if slug == DEFAULT:
            school = await schools.school_by_slug(session, self._default_school)
            if school is None:
                raise UnknownChannel(f"default school {self._default_school!r} does not exist")
            return Channel(DEFAULT, school.id, self._default_secret, self._default_token)
        row = await schools.channel_by_slug(session, slug)
        if row is None:
            raise UnknownChannel(slug)
        secret, token = channel_credentials(self._keyring, row)
        return Channel(row.slug, row.school_id, secret, token)

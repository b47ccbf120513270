"""What a school's IT person does without code: add schools and channels, read and set configuration."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.school_config import parse_school_config
from backend.schools import MessagingChannel, School, channel_by_slug, school_by_slug


class SchoolAdminError(ValueError):
    pass


async def add_school(session: AsyncSession, *, slug: str, name: str, now: dt.datetime) -> School:
    if await school_by_slug(session, slug) is not None:
        raise SchoolAdminError(f"school {slug!r} already exists")
    school = School(slug=slug, name=name, settings={}, created_at=now)
    session.add(school)
    await session.flush()
    return school


async def get_school(session: AsyncSession, slug: str) -> School:
    school = await school_by_slug(session, slug)
    if school is None:
        raise SchoolAdminError(f"no school {slug!r}")
    return school


async def set_config(session: AsyncSession, *, slug: str, config: dict[str, Any]) -> School:
    """Replace a school's configuration after checking all of it (SchoolConfigError names the field)."""
    parse_school_config(config)
    school = await get_school(session, slug)
    school.settings = config
    return school


async def add_channel(session: AsyncSession, *, school_slug: str, slug: str, secret: str, token: str,
                      now: dt.datetime) -> MessagingChannel:
    """A further LINE channel: its webhook is /line/webhook/<slug>."""
    school = await get_school(session, school_slug)
    if slug == "default" or await channel_by_slug(session, slug) is not None:
        raise SchoolAdminError(f"channel {slug!r} already exists")
    channel = MessagingChannel(school_id=school.id, slug=slug, channel_secret=secret, access_token=token,
                               created_at=now)
    session.add(channel)
    await session.flush()
    return channel


async def list_schools(session: AsyncSession) -> list[tuple[School, list[str]]]:
    schools = list(await session.scalars(sa.select(School).order_by(School.slug)))
    channels = list(await session.scalars(sa.select(MessagingChannel)))
    return [(s, [c.slug for c in channels if c.school_id == s.id]) for s in schools]

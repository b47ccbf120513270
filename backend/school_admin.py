"""What a school's IT person does without code: add schools and channels, read and set configuration."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import sealed_text
from backend.files.crypto import KeyRing
from backend.school_config import parse_school_config
from backend.schools import MessagingChannel, School, channel_by_slug, school_by_slug

BANK_CALLBACK_SECRET = "bank-callback-secret"  # the sealed value's purpose (bound into it)


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


def _purposes(slug: str) -> tuple[str, str]:
    return f"channel:{slug}:secret", f"channel:{slug}:access-token"


async def add_channel(session: AsyncSession, *, keyring: KeyRing, school_slug: str, slug: str, secret: str,
                      token: str, now: dt.datetime) -> MessagingChannel:
    """A further LINE channel: its webhook is /line/webhook/<slug>. Its secret and access token
    are kept sealed with the key ring."""
    school = await get_school(session, school_slug)
    if slug == "default" or await channel_by_slug(session, slug) is not None:
        raise SchoolAdminError(f"channel {slug!r} already exists")
    secret_purpose, token_purpose = _purposes(slug)
    channel = MessagingChannel(
        school_id=school.id, slug=slug, created_at=now,
        channel_secret=sealed_text.seal(keyring, school_id=school.id, purpose=secret_purpose, text=secret),
        access_token=sealed_text.seal(keyring, school_id=school.id, purpose=token_purpose, text=token))
    session.add(channel)
    await session.flush()
    return channel


def channel_credentials(keyring: KeyRing, channel: MessagingChannel) -> tuple[str, str]:
    """The channel's secret and access token in the clear (values stored before sealing, too)."""
    secret_purpose, token_purpose = _purposes(channel.slug)
    return (sealed_text.open_text(keyring, channel.channel_secret, school_id=channel.school_id,
                                  purpose=secret_purpose),
            sealed_text.open_text(keyring, channel.access_token, school_id=channel.school_id,
                                  purpose=token_purpose))


async def seal_stored_secrets(session: AsyncSession, keyring: KeyRing) -> int:
    """Seal the channel credentials stored in the clear before they were sealed; how many rows."""
    sealed = 0
    for channel in await session.scalars(sa.select(MessagingChannel)):
        if sealed_text.is_sealed(channel.channel_secret) and sealed_text.is_sealed(channel.access_token):
            continue
        secret, token = channel_credentials(keyring, channel)
        secret_purpose, token_purpose = _purposes(channel.slug)
        channel.channel_secret = sealed_text.seal(keyring, school_id=channel.school_id,
                                                  purpose=secret_purpose, text=secret)
        channel.access_token = sealed_text.seal(keyring, school_id=channel.school_id,
                                                purpose=token_purpose, text=token)
        sealed += 1
    await session.flush()
    return sealed


async def reseal_stored_secrets(session: AsyncSession, keyring: KeyRing) -> int:
    """Seal every stored credential again under the key ring's current key (after a new
    FILE_ENCRYPTION_KEYS key was put first); how many values changed."""
    changed = 0
    for channel in await session.scalars(sa.select(MessagingChannel)):
        secret_purpose, token_purpose = _purposes(channel.slug)
        for attribute, purpose in (("channel_secret", secret_purpose), ("access_token", token_purpose)):
            value = sealed_text.reseal(keyring, getattr(channel, attribute), school_id=channel.school_id,
                                       purpose=purpose)
            if value is not None:
                setattr(channel, attribute, value)
                changed += 1
    for school in await session.scalars(sa.select(School).where(School.bank_callback_secret.is_not(None))):
        value = sealed_text.reseal(keyring, school.bank_callback_secret or "", school_id=school.id,
                                   purpose=BANK_CALLBACK_SECRET)
        if value is not None:
            school.bank_callback_secret = value
            changed += 1
    await session.flush()
    return changed


async def set_bank_callback_secret(session: AsyncSession, *, keyring: KeyRing, school_slug: str,
                                   secret: str) -> School:
    """The secret the school's bank signs callbacks to /payments/bank-callback/<school> with."""
    if len(secret) < 32:
        raise SchoolAdminError("the bank callback secret must be at least 32 characters")
    school = await get_school(session, school_slug)
    school.bank_callback_secret = sealed_text.seal(keyring, school_id=school.id,
                                                   purpose=BANK_CALLBACK_SECRET, text=secret)
    await session.flush()
    return school


async def list_schools(session: AsyncSession) -> list[tuple[School, list[str]]]:
    schools = list(await session.scalars(sa.select(School).order_by(School.slug)))
    channels = list(await session.scalars(sa.select(MessagingChannel)))
    return [(s, [c.slug for c in channels if c.school_id == s.id]) for s in schools]

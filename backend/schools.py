"""Schools and the messaging channels through which each school talks to parents."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    # The school's own configuration (services, documents, fees, venues, office hours...): data
    # that staff edit without code. Its shape is owned by the modules that read it.
    settings: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The secret this school's bank signs its payment callbacks with, sealed (backend/sealed_text.py);
    # None: callbacks for this school are refused (the default school may use BANK_CALLBACK_SECRET).
    bank_callback_secret: Mapped[str | None] = mapped_column(sa.Text, default=None)
    # The district office the school belongs to (backend/organisations.py); None: a school set up
    # on its own. District staff see and act for the schools of their district.
    district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("district_offices.id", ondelete="SET NULL"), index=True, default=None)


class MessagingChannel(Base):
    """A chat channel (one LINE Official Account) beyond the default one configured by environment."""

    __tablename__ = "messaging_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    # Appears in the webhook URL (/line/webhook/{slug}); not secret.
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Both sealed with the file key ring (backend/sealed_text.py): a copy of the database alone
    # cannot sign webhooks or send messages as the school.
    channel_secret: Mapped[str] = mapped_column(sa.Text)
    access_token: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


async def school_by_slug(session: AsyncSession, slug: str) -> School | None:
    return await session.scalar(sa.select(School).where(School.slug == slug))


async def channel_by_slug(session: AsyncSession, slug: str) -> MessagingChannel | None:
    return await session.scalar(sa.select(MessagingChannel).where(MessagingChannel.slug == slug))

"""Who can be reached in chat: follow and unfollow (block) of each person, per channel."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (sa.UniqueConstraint("channel", "user_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(64))
    user_ref: Mapped[str] = mapped_column(sa.String(64))
    following: Mapped[bool] = mapped_column(default=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


async def get(session: AsyncSession, *, channel: str, user_ref: str) -> Contact | None:
    return await session.scalar(
        sa.select(Contact).where(Contact.channel == channel, Contact.user_ref == user_ref)
    )


async def unreachable(session: AsyncSession, *, channel: str, user_refs: list[str]) -> set[str]:
    """Those of these people who unfollowed (blocked) the channel: one read for many."""
    if not user_refs:
        return set()
    return set(await session.scalars(sa.select(Contact.user_ref).where(
        Contact.channel == channel, Contact.user_ref.in_(set(user_refs)), Contact.following.is_(False))))


async def set_following(
    session: AsyncSession, *, school_id: int, channel: str, user_ref: str, following: bool, now: dt.datetime
) -> Contact:
    contact = await get(session, channel=channel, user_ref=user_ref)
    if contact is None:
        contact = Contact(
            school_id=school_id, channel=channel, user_ref=user_ref, first_seen_at=now, changed_at=now
        )
        session.add(contact)
    if contact.following != following or contact.id is None:
        contact.following = following
        contact.changed_at = now
    return contact


async def is_reachable(session: AsyncSession, *, channel: str, user_ref: str) -> bool:
    """Unknown people count as reachable: they wrote to us, so LINE lets us answer."""
    contact = await get(session, channel=channel, user_ref=user_ref)
    return contact is None or contact.following


async def has_blocked(session: AsyncSession, *, school_id: int, user_ref: str) -> bool:
    """Whether the person blocked one of the school's channels (LINE gives no delivery receipts)."""
    found = await session.scalar(
        sa.select(Contact.id).where(Contact.school_id == school_id, Contact.user_ref == user_ref,
                                    Contact.following.is_(False)).limit(1))
    return found is not None

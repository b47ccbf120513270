"""PDPA consent: the notice a parent was shown and each choice they made, kept as a history.

Public task is the lawful basis for a school's own services (PDPA s.24); explicit consent is
still asked for sensitive data such as a medical certificate (s.26), and it can be withdrawn
as easily as it was given (s.19). Every choice is a new row, so the history is the record.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime

NOTICE = "privacy_notice"  # the parent read the short notice before giving personal data
SENSITIVE = "sensitive_data"  # explicit consent for health data (e.g. a medical certificate)
NOTICE_VERSION = 1


class ConsentRecord(Base):
    __tablename__ = "consent_records"
    __table_args__ = (sa.Index("ix_consent_records_person", "school_id", "user_ref", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    user_ref: Mapped[str] = mapped_column(sa.String(64))
    purpose: Mapped[str] = mapped_column(sa.String(32))
    granted: Mapped[bool]
    notice_version: Mapped[int]
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


def record(session: AsyncSession, *, school_id: int, user_ref: str, purpose: str, granted: bool,
           now: dt.datetime, notice_version: int = NOTICE_VERSION) -> ConsentRecord:
    entry = ConsentRecord(school_id=school_id, user_ref=user_ref, purpose=purpose, granted=granted,
                          notice_version=notice_version, recorded_at=now)
    session.add(entry)
    return entry


# Built once (the chat asks it whenever a parent asks for a service): SQLAlchemy reuses its
# cache key and compiled form. school_id's type is given: a foreign key column has none yet here.
_CURRENT = (
    sa.select(ConsentRecord.granted)
    .where(ConsentRecord.school_id == sa.bindparam("school_id", type_=sa.Integer()),
           ConsentRecord.user_ref == sa.bindparam("user_ref"),
           ConsentRecord.purpose == sa.bindparam("purpose"),
           ConsentRecord.notice_version == sa.bindparam("notice_version"))
    .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
    .limit(1)
)


async def current(session: AsyncSession, *, school_id: int, user_ref: str, purpose: str,
                  notice_version: int = NOTICE_VERSION) -> bool | None:
    """The latest choice for this notice version; None when never asked."""
    return await session.scalar(_CURRENT, {"school_id": school_id, "user_ref": user_ref,
                                           "purpose": purpose, "notice_version": notice_version})

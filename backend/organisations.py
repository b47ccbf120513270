"""Organisations as data: OBEC (สพฐ.) above district offices (สพป./สพม.) above schools.

OBEC is one and is not stored. A district office (สำนักงานเขตพื้นที่การศึกษา) is a row; a school
belongs to at most one district office (``schools.district_id``; a school set up alone, before
its district joined, has none). A school's type (``SchoolType``, in its configuration:
``school_type``) decides which services its parents see: each service's spec lists the types that
offer it (``ServiceRules.school_types``), after the source's lists of e-services for ordinary
schools and for the special-education schools of สำนักบริหารงานการศึกษาพิเศษ (docs/rules.md,
"Services by type of school").
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime

OBEC_NAME_TH = "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน"
OBEC_SHORT_TH = "สพฐ."
# OBEC as the issuer of its own documents: the slug names its signing material (SIGNING_DIR/obec,
# apart from every school's) and the record's issuer; its address as th.wikipedia.org's article
# "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน" gives it (docs/rules.md, "OBEC's own services").
OBEC_SLUG = "obec"
OBEC_ADDRESS_TH = "319 วังจันทรเกษม ถนนราชดำเนินนอก แขวงดุสิต เขตดุสิต กรุงเทพมหานคร 10300"


class SchoolType(StrEnum):
    """Which list of the source's e-services a school follows."""

    ORDINARY = "ordinary"  # a school of OBEC under a district office
    WELFARE = "welfare"  # โรงเรียนศึกษาสงเคราะห์
    DISABILITY = "disability"  # โรงเรียนเฉพาะความพิการ
    SPECIAL_CENTRE = "special_centre"  # ศูนย์การศึกษาพิเศษ

    @property
    def label_th(self) -> str:
        return _SCHOOL_TYPE_TH[self]


_SCHOOL_TYPE_TH = {
    SchoolType.ORDINARY: "โรงเรียน",
    SchoolType.WELFARE: "โรงเรียนศึกษาสงเคราะห์",
    SchoolType.DISABILITY: "โรงเรียนเฉพาะความพิการ",
    SchoolType.SPECIAL_CENTRE: "ศูนย์การศึกษาพิเศษ",
}
SPECIAL_EDUCATION = (SchoolType.WELFARE, SchoolType.DISABILITY, SchoolType.SPECIAL_CENTRE)
ALL_SCHOOL_TYPES = tuple(SchoolType)


class DistrictLevel(StrEnum):
    PRIMARY = "primary"  # สำนักงานเขตพื้นที่การศึกษาประถมศึกษา (สพป.)
    SECONDARY = "secondary"  # สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา (สพม.)

    @property
    def prefix_th(self) -> str:
        return "สพป." if self is DistrictLevel.PRIMARY else "สพม."


class DistrictOffice(Base):
    """A district office of OBEC, which runs the platform for its schools."""

    __tablename__ = "district_offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The full name, as letters print it: "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1".
    name: Mapped[str] = mapped_column(sa.String(255))
    level: Mapped[str] = mapped_column(sa.String(16), default=DistrictLevel.PRIMARY.value)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    @property
    def short_name(self) -> str:
        """"สพป.ขอนแก่น เขต 1" from the full name (the full name when it does not start as expected)."""
        level = DistrictLevel(self.level)
        full = ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา" if level is DistrictLevel.PRIMARY
                else "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา")
        return level.prefix_th + self.name.removeprefix(full) if self.name.startswith(full) else self.name


async def district_by_slug(session: AsyncSession, slug: str) -> DistrictOffice | None:
    return await session.scalar(sa.select(DistrictOffice).where(DistrictOffice.slug == slug))

"""A school with one staff member per role, and applications put straight into any status."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications.models import Application, ApplicationStatus
from backend.applications.service import new_public_number
from backend.audit import AuditEntry
from backend.clock import FakeClock
from backend.db import make_engine, make_sessionmaker
from backend.notices import Notice
from backend.school_config import SchoolConfig, parse_school_config
from backend.schools import School
from backend.staff import Role, StaffMember
from tests.staging import in_status

CHAIN = ["teacher", "registrar", "director"]
_user_numbers = itertools.count(1)


def user_ref() -> str:
    return f"U{next(_user_numbers):032x}"


@dataclass
class World:
    session: AsyncSession
    clock: FakeClock
    school: School
    config: SchoolConfig
    staff: dict[str, StaffMember] = field(default_factory=dict)

    @staticmethod
    def user_ref() -> str:
        return user_ref()

    async def add_staff(self, role: str, *, school: School | None = None, notify: bool = True,
                        active: bool = True) -> StaffMember:
        member = StaffMember(school_id=(school or self.school).id, line_user_id=user_ref(),
                             display_name=f"ครู {role}", role=role, active=active,
                             notify_new_submissions=notify, created_at=self.clock.now())
        self.session.add(member)
        await self.session.flush()
        return member

    async def application(self, status: str = ApplicationStatus.SUBMITTED, *, service: str = "transfer_out",
                          **columns) -> Application:
        now = self.clock.now()
        application = in_status(Application(
            public_number=new_public_number("TO"), school_id=self.school.id, parent_ref=user_ref(),
            service=service, answers={"student_name": "เด็กหญิงสมใจ ใจดี"},
            current_step="_done", missing_documents=[], flow_version=1, session_nonce="n" * 8,
            created_at=now, updated_at=now, last_activity_at=now,
            submitted_at=None if status == ApplicationStatus.DRAFT else now, **columns), status)
        self.session.add(application)
        await self.session.flush()
        return application

    async def notices(self, **where) -> list[Notice]:
        statement = sa.select(Notice).filter_by(**where).order_by(Notice.id)
        return list(await self.session.scalars(statement))

    async def audit(self, **where) -> list[AuditEntry]:
        statement = sa.select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
        return list(await self.session.scalars(statement))


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    engine = make_engine(database_url)
    clock = FakeClock(dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC))  # Monday 10:00 in Bangkok
    settings = {"services": {"transfer_out": {"approvers": CHAIN, "time_limit_days": 7}}}
    async with make_sessionmaker(engine)() as session:
        school = School(slug="wf", name="โรงเรียนทดสอบ", settings=settings, created_at=clock.now())
        session.add(school)
        await session.flush()
        world = World(session=session, clock=clock, school=school, config=parse_school_config(settings))
        for role in Role:
            world.staff[role.value] = await world.add_staff(role.value)
        yield world
        await session.rollback()
    await engine.dispose()

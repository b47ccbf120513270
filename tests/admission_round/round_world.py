"""A school with staff, and admission applications filed for one round's grade."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.admission_round import service
from backend.admission_round.models import AdmissionRound
from backend.applications.models import Application, ApplicationStatus
from backend.applications.service import new_public_number
from backend.audit import AuditEntry
from backend.clock import FakeClock
from backend.db import make_engine, make_sessionmaker
from backend.schools import School
from backend.thai.grades import Grade
from tests.staging import in_status
from tests.workflow.conftest import user_ref

STAFF = "staff:1"
YEAR = 2570
# Applications open 2–6 March 2570 (2027), as a school's announcement might set them.
OPEN_DAY = dt.date(2027, 3, 2)
CLOSE_DAY = dt.date(2027, 3, 6)


def bangkok(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour - 7, 0, tzinfo=dt.UTC)


@dataclass
class Round:
    session: AsyncSession
    clock: FakeClock
    school: School
    applications: list[Application] = field(default_factory=list)

    async def new_round(self, *, seats: int = 2, grade: Grade = Grade.K2, **changes) -> AdmissionRound:
        round_ = await service.create_round(self.session, school_id=self.school.id, academic_year=YEAR,
                                            grade=grade, seats=seats, actor=STAFF, now=self.clock.now())
        await service.update_round(self.session, round_, {"applications_open": OPEN_DAY,
                                                          "applications_close": CLOSE_DAY, **changes},
                                   actor=STAFF, now=self.clock.now())
        return round_

    async def apply(self, grade: Grade = Grade.K2, *, in_area: bool = True) -> Application:
        now = self.clock.now()
        application = in_status(Application(
            public_number=new_public_number("AD"), school_id=self.school.id, parent_ref=user_ref(),
            service="admission", current_step="_done", missing_documents=[], flow_version=1,
            answers={"student_name": "เด็กหญิงสมใจ ใจดี", "grade_applied": grade.value,
                     "in_service_area": "in_area" if in_area else "out_of_area"},
            session_nonce="n" * 8, created_at=now, updated_at=now, last_activity_at=now, submitted_at=now),
            ApplicationStatus.SUBMITTED)
        self.session.add(application)
        await self.session.flush()
        self.applications.append(application)
        return application

    def at(self, when: dt.datetime) -> None:
        """Move the fake clock to ``when`` (forward or back)."""
        self.clock.advance(seconds=(when - self.clock.now()).total_seconds())

    async def audit(self, **where) -> list[AuditEntry]:
        return list(await self.session.scalars(sa.select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)))


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[Round]:
    engine = make_engine(database_url)
    clock = FakeClock(bangkok(dt.date(2027, 2, 1)))
    async with make_sessionmaker(engine)() as session:
        school = School(slug="adm", name="โรงเรียนทดสอบ", settings={}, created_at=clock.now())
        session.add(school)
        await session.flush()
        yield Round(session=session, clock=clock, school=school)
        await session.rollback()
    await engine.dispose()

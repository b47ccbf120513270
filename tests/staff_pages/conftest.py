"""Fixtures for the staff pages: the bot on a local port, staff of two schools, and a signed-in client."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import httpx
import pytest
import sqlalchemy as sa

from backend.applications.models import Application
from backend.applications.service import new_public_number, submit_application
from backend.schools import School, school_by_slug
from backend.staff import StaffMember
from backend.thai.ids import synthetic_national_id
from tests.chat import photo
from tests.harness import Bot, running_bot
from web.staff.auth import SIMULATOR_CLIENT_ID


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


@dataclass
class People:
    school_id: int
    other_school_id: int
    registrar: StaffMember
    teacher: StaffMember
    director: StaffMember
    other_registrar: StaffMember
    parent_ref: str


async def add_staff(bot: Bot, school_id: int, role: str, name: str) -> StaffMember:
    user = bot.standin.add_user(name)
    async with bot.runtime.sessions() as session:
        member = StaffMember(school_id=school_id, line_user_id=user.user_id, display_name=name,
                             role=role, active=True, notify_new_submissions=True,
                             created_at=bot.runtime.clock.now())
        session.add(member)
        await session.commit()
        return member


@pytest.fixture
async def people(bot) -> People:
    now = bot.runtime.clock.now()
    async with bot.runtime.sessions() as session:
        demo = await school_by_slug(session, "demo")
        other = School(slug="other", name="โรงเรียนอื่น", settings={}, created_at=now)
        session.add(other)
        await session.commit()
        demo_id, other_id = demo.id, other.id
    return People(
        school_id=demo_id, other_school_id=other_id,
        registrar=await add_staff(bot, demo_id, "registrar", "ครูทะเบียน ใจดี"),
        teacher=await add_staff(bot, demo_id, "teacher", "ครูประจำชั้น มีสุข"),
        director=await add_staff(bot, demo_id, "director", "ผอ. สมชาย"),
        other_registrar=await add_staff(bot, other_id, "registrar", "ครูโรงเรียนอื่น"),
        parent_ref=bot.standin.add_user("คุณแม่น้องฟ้า").user_id,
    )


async def submitted_application(bot: Bot, school_id: int, parent_ref: str, *,
                                child: str = "เด็กหญิงฟ้าใส ใจงาม") -> tuple[int, str]:
    """A transfer-out request as the chat leaves it, with one photo of the parent's ID card."""
    now = bot.runtime.clock.now()
    async with bot.runtime.sessions() as session:
        stored = await bot.runtime.files.store(session, school_id=school_id, owner_ref=parent_ref,
                                               source_ref=f"msg-{now.timestamp()}-{child}", data=photo())
        application = Application(
            public_number=new_public_number("TO"), school_id=school_id, parent_ref=parent_ref,
            service="transfer_out", status="draft", current_step="_summary", flow_version=1,
            session_nonce="n1", created_at=now, updated_at=now, last_activity_at=now,
            answers={"student_name": child, "student_national_id": synthetic_national_id(3),
                     "current_grade": "p4", "applicant_relationship": "mother",
                     "destination_school": "โรงเรียนบ้านหนองบัว", "reason": "moving_home",
                     "move_date": (now.date() + dt.timedelta(days=20)).isoformat(),
                     "parent_id_card": [stored.id], "student_house_registration": []},
            missing_documents=[{"document": "student_house_registration", "name": "ทะเบียนบ้าน"}],
        )
        session.add(application)
        await session.flush()
        await submit_application(session, application, now=now)
        await session.commit()
        return application.id, stored.id


def client_for(bot: Bot) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=bot.base_url, follow_redirects=False, timeout=10)


async def sign_in(bot: Bot, client: httpx.AsyncClient, member_or_user: StaffMember | str) -> httpx.Response:
    """As the LIFF page does: an ID token from (simulated) LINE, posted to the session endpoint."""
    user_ref = member_or_user if isinstance(member_or_user, str) else member_or_user.line_user_id
    token = bot.standin.issue_id_token(user_ref, SIMULATOR_CLIENT_ID)
    return await client.post("/staff/api/session", json={"id_token": token})


async def application_row(bot: Bot, application_id: int) -> Application:
    async with bot.runtime.sessions() as session:
        return await session.scalar(sa.select(Application).where(Application.id == application_id))

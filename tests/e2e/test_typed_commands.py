"""Commands typed the way parents type them (polite endings, tone-mark slips, a stretched
ending) do what the same word without them does, in the simulated LINE chat."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.applications import workflow
from backend.applications.models import Application, ApplicationStatus
from backend.school_config import parse_school_config
from backend.schools import School
from backend.staff import StaffMember, create_invite
from tests.chat import Parent, file_transfer_out
from tests.harness import running_bot

SERVICE_MENU = "ต้องการใช้บริการใด"  # the greeting menu's question


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def _documents_requested(bot, parent: Parent) -> None:
    """A registrar, enrolled by invite code in the chat, asks the parent's request for one
    more document."""
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        code = await create_invite(session, school_id=school.id, role="registrar", now=bot.runtime.clock.now())
        await session.commit()
    registrar = Parent(bot, "ครูทะเบียน")
    await registrar.follow()
    await registrar.say(code)
    assert "ลงทะเบียนเป็นเจ้าหน้าที่" in registrar.last_text()
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
        staff = await session.scalar(sa.select(StaffMember).where(StaffMember.line_user_id == registrar.user_id))
        await workflow.perform(session, application, "request_documents", staff=staff,
                               now=bot.runtime.clock.now(), config=parse_school_config(school.settings),
                               documents=[{"document": "student_house_registration", "name": "ทะเบียนบ้าน"}])
        await session.commit()
    await bot.process()
    parent.new_messages()


async def test_status_asked_with_a_polite_ending_lists_the_requests(bot):
    parent = Parent(bot)
    await file_transfer_out(parent)
    for typed in ("ติดตามสถานะค่ะ", "ติดตามสถานะนะคะ", "สถานะค่ะ", "ติดตาม สถานะ ครับ"):
        await parent.say(typed)
        assert "คำขอของคุณ" in parent.last_text() and "TO-" in parent.last_text(), typed
        assert "ยื่นคำขอแล้ว" in parent.last_text(), typed


async def test_send_documents_asked_with_a_polite_ending_reopens_the_request(bot):
    parent = Parent(bot)
    await file_transfer_out(parent)
    await _documents_requested(bot, parent)
    await parent.say("ส่งเอกสารคะ")
    assert "ทะเบียนบ้าน" in parent.last_text() and "รายการที่ 1 จาก 1" in parent.last_text()
    await parent.send_photos(1)
    assert "ส่งเอกสารครบ" in parent.last_text()
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
    assert application.status == ApplicationStatus.SUBMITTED


async def test_cancel_typed_politely_or_with_a_slip_asks_to_confirm_every_time(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("ขอย้ายออกค่ะ")
    await parent.tap("รับทราบ เริ่มกรอก")
    # "ยกเลิกนะคะ" always worked; a tone-mark slip or a stretched ending did not.
    for typed in ("ยกเลิกนะคะ", "ยกเลิกค้ะ", "ยกเลิกค่าาา", "ยกเลิก 🙏"):
        await parent.say(typed)
        assert "ต้องการยกเลิกคำขอย้ายออกใช่ไหมคะ" in parent.last_text(), typed
    await parent.tap("ยืนยันยกเลิก")
    assert "ยกเลิกคำขอย้ายออกเรียบร้อยแล้ว" in parent.last_text()
    await parent.say("ติดตามสถานะค่ะ")
    assert "ยังไม่มีคำขอ" in parent.last_text() and SERVICE_MENU not in parent.last_text()

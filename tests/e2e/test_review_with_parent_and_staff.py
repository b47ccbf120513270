"""A request from submission to decision: the parent in the simulated chat, staff enrolled by
invite code, every change pushed to the parent as a card, requested documents sent in the chat."""

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


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace, rich_menus=True) as running:
        await running.rich_menu_deploy
        yield running


async def _enrolled_staff(bot, role: str, name: str, *, typed=lambda code: code) -> Parent:
    """A staff member enrolled as staff are: the admin's invite code typed into the chat."""
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        code = await create_invite(session, school_id=school.id, role=role, now=bot.runtime.clock.now())
        await session.commit()
    member = Parent(bot, name)
    await member.follow()
    await member.say(typed(code))
    return member


async def _act(bot, action: str, staff_user: str, **params) -> None:
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
        school = await session.get(School, application.school_id)
        staff = await session.scalar(sa.select(StaffMember).where(StaffMember.line_user_id == staff_user))
        await workflow.perform(session, application, action, staff=staff, now=bot.runtime.clock.now(),
                               config=parse_school_config(school.settings), **params)
        await session.commit()
    await bot.process()


def _cards(parent: Parent) -> list[str]:
    return [m["altText"] for m in parent.new_messages() if m["type"] == "flex"]


async def test_from_submission_to_approval_with_a_document_requested_once(bot):
    registrar = await _enrolled_staff(bot, "registrar", "ครูทะเบียน", typed=str.lower)
    assert "ลงทะเบียนเป็นเจ้าหน้าที่ (งานทะเบียน)" in registrar.last_text()
    menu = bot.standin.displayed_rich_menu(registrar.user_id)
    assert menu is not None and menu.definition["chatBarText"] == "งานเจ้าหน้าที่"

    parent = Parent(bot)
    await file_transfer_out(parent)
    await bot.process()
    parent.new_messages()
    assert any("มีคำขอใหม่" in alt for alt in _cards(registrar))

    await _act(bot, "request_documents", registrar.user_id,
               documents=[{"document": "student_house_registration", "name": "ทะเบียนบ้าน"}])
    cards = _cards(parent)
    assert any("โรงเรียนขอเอกสารเพิ่มเติม" in alt for alt in cards), cards
    parent._last_batch = parent.all_messages()[-1:]
    await parent.tap("ส่งเอกสาร")
    assert "ทะเบียนบ้าน" in parent.last_text() and "รายการที่ 1 จาก 1" in parent.last_text()
    await parent.send_photos(2)
    assert "ส่งเอกสารครบ" in parent.last_text()
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
    assert application.status == ApplicationStatus.SUBMITTED
    assert len(application.answers["student_house_registration"]) == 2  # two photos sent together, one answer
    with pytest.raises(workflow.ActionNotAllowed):
        await _act(bot, "request_documents", registrar.user_id,
                   documents=[{"document": "parent_id_card", "name": "บัตรประชาชน"}])

    await _act(bot, "accept_complete", registrar.user_id)
    await _act(bot, "sign_off", registrar.user_id)
    statuses = _cards(parent)
    assert any("อนุมัติแล้ว" in alt for alt in statuses), statuses
    await parent.say("ติดตามสถานะ")
    assert "อนุมัติแล้ว" in parent.last_text()


async def test_a_closed_request_asks_the_parent_to_confirm_and_rate(bot):
    admin = await _enrolled_staff(bot, "admin", "ผู้ดูแล")
    parent = Parent(bot)
    await file_transfer_out(parent)
    for action in ("accept_complete", "sign_off", "close"):
        await _act(bot, action, admin.user_id)
    parent.new_messages()
    parent._last_batch = parent.all_messages()[-1:]
    await parent.tap("4★")
    assert "ขอบคุณที่ยืนยันผลและให้คะแนน" in parent.last_text()
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
    assert application.parent_rating == 4 and application.parent_confirmed_at is not None


async def test_a_rejection_also_goes_by_sms_because_line_gives_no_delivery_receipt(bot):
    from backend.second_channel import FakeSecondChannel

    sms = FakeSecondChannel()
    bot.runtime.second_channel = sms
    registrar = await _enrolled_staff(bot, "registrar", "ครูทะเบียน")
    parent = Parent(bot)
    await file_transfer_out(parent)
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
        application.answers = {**application.answers, "parent_phone": "0812345678"}
        await session.commit()
    await _act(bot, "reject", registrar.user_id, reason="เอกสารไม่ตรงกับทะเบียนนักเรียน")
    assert any("ไม่อนุมัติ" in alt for alt in _cards(parent))
    [message] = sms.sent
    assert message.to.phone == "0812345678" and "เอกสารไม่ตรงกับทะเบียนนักเรียน" in message.body_th

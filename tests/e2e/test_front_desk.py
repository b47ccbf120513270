"""Outside a service: privacy notice once, status, contact, which transfer, reminders."""

from __future__ import annotations

import pytest

from backend.thai.ids import synthetic_national_id
from tests.chat import Parent
from tests.harness import running_bot


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def _started_transfer_out(parent: Parent) -> None:
    await parent.follow()
    await parent.say("ย้ายออก")
    await parent.tap("รับทราบ เริ่มกรอก")


async def test_the_privacy_notice_comes_once_before_the_first_question(bot):
    parent = Parent(bot)
    await _started_transfer_out(parent)
    assert "ขั้นตอนที่ 1" in parent.last_text()
    await parent.say("ยกเลิก")
    await parent.tap("ยืนยันยกเลิก")
    assert "ยกเลิกคำขอย้ายออกเรียบร้อยแล้ว" in parent.last_text()
    await parent.say("ลาออก")
    assert "ข้อมูลส่วนบุคคล" not in parent.last_text()


async def test_not_now_leaves_no_draft_and_shows_the_menu(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("ขอลาออกค่ะ")
    await parent.tap("ไว้ก่อน")
    await parent.say("ติดตามสถานะ")
    assert "ยังไม่มีคำขอ" in parent.last_text()


async def test_contact_and_about_answer_from_the_schools_configuration(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("ติดต่อโรงเรียน")
    assert "043-000-000" in parent.last_text() and "เวลาทำการ" in parent.last_text()
    await parent.say("เกี่ยวกับบริการ")
    assert "พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์" in parent.last_text()


async def test_asking_to_move_offers_in_or_out(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("ขอย้าย")
    assert "ย้ายเข้า" in parent.last_text() or "ย้ายนักเรียนเข้า" in parent.last_text()
    await parent.tap("ย้ายออกไปที่อื่น")
    assert "ข้อมูลส่วนบุคคล" in parent.last_text()
    await parent.tap("รับทราบ เริ่มกรอก")
    assert "ย้ายออก" in parent.last_text()


async def test_a_half_done_request_is_reminded_once_after_the_idle_time_and_resumes(bot, clock):
    parent = Parent(bot)
    await _started_transfer_out(parent)
    await parent.say("เด็กชายสมชาย ใจดี")
    clock.advance(hours=25)
    await bot.process()
    [reminder] = parent.new_messages()
    assert "ยังทำไม่เสร็จ" in reminder["text"]
    clock.advance(hours=25)
    await bot.process()
    assert parent.new_messages() == []  # once, not every sweep
    parent._last_batch = [reminder]
    await parent.tap("ทำต่อ")
    assert "ขั้นตอนที่ 2" in parent.last_text()
    await parent.say(synthetic_national_id(3))
    assert "ขั้นตอนที่ 3" in parent.last_text()


async def test_a_broken_school_configuration_gets_a_polite_answer_not_silence(bot):
    import sqlalchemy as sa

    from backend.schools import School

    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        school.settings = {**school.settings, "services": {"teleportation": {}}}
        await session.commit()
    parent = Parent(bot)
    await parent.follow()
    await parent.say("ย้ายออก")
    assert "ขัดข้องชั่วคราว" in parent.last_text()

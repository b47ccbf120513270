"""A parent completes transfer out in the simulated LINE chat, from the greeting to the number."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.applications.models import Application, ApplicationStatus
from backend.consent import ConsentRecord
from backend.thai.ids import synthetic_national_id
from tests.chat import Parent
from tests.harness import running_bot


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def test_transfer_out_from_first_message_to_submitted_request(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("อยากย้ายลูกไปโรงเรียนใหม่ค่ะ")
    assert "ข้อมูลส่วนบุคคล" in parent.last_text()
    await parent.tap("รับทราบ เริ่มกรอก")
    assert "ขั้นตอนที่ 1" in parent.last_text()
    await parent.say("เด็กหญิงสมใจ ใจดี")
    await parent.say("1234")  # not an ID: asked again, nothing lost
    assert "13 หลัก" in parent.last_text() and "ขั้นตอนที่ 2" in parent.last_text()
    await parent.say(synthetic_national_id(7))
    await parent.say("ป.4")
    await parent.tap("มารดา")
    await parent.say("โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น")
    await parent.tap("ย้ายที่อยู่")
    await parent.tap("เลือกวันที่", date="2026-12-15")
    assert "ขั้นตอนที่ 8" in parent.last_text()
    await parent.send_sticker()  # a sticker where a photo is expected: a helpful re-ask
    assert "ขั้นตอนที่ 8" in parent.last_text()
    await parent.send_photos(1)
    await parent.tap("ไม่มีเอกสารนี้")
    [card] = [m for m in parent._last_batch if m["type"] == "flex"]
    assert "15 ธันวาคม 2569" in card["altText"]
    await parent.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: TO-" in parent.last_text()
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
        notices = list(await session.scalars(sa.select(ConsentRecord)))
    assert application.status == ApplicationStatus.SUBMITTED
    assert [m["document"] for m in application.missing_documents] == ["student_house_registration"]
    assert len(notices) == 1 and notices[0].granted
    await parent.say("ติดตามสถานะ")
    assert application.public_number in parent.last_text() and "ยื่นคำขอแล้ว" in parent.last_text()

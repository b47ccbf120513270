"""A special-education school's parents see its services only, and are told politely when they
ask for one it does not have (docs/rules.md, "Services by type of school")."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.schools import School
from tests.chat import Parent
from tests.harness import running_bot


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        async with running.runtime.sessions() as session:
            school = await session.scalar(sa.select(School))
            school.settings = {**school.settings, "school_type": "special_centre"}
            await session.commit()
        yield running


def menu_labels(parent: Parent) -> set[str]:
    """The buttons under the bot's last message that has any."""
    for message in reversed(parent._last_batch):
        items = (message.get("quickReply") or {}).get("items")
        if items:
            return {item["action"]["label"] for item in items}
    raise AssertionError(f"no buttons in: {parent.last_text()}")


async def test_a_special_education_centre_shows_exactly_its_services(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("เมนู")
    assert menu_labels(parent) == {"สมัครเรียน", "ย้ายเข้า", "ย้ายออก", "ขอผ่อนผัน ป.1", "ลาออก",
                                   "ขอใช้อาคารสถานที่"}


async def test_a_service_the_centre_does_not_have_gets_a_polite_answer_and_no_request(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("ขอเทียบโอนผลการเรียนค่ะ")
    text = parent.last_text()
    assert "ศูนย์การศึกษาพิเศษไม่มีบริการ “เทียบโอนผลการเรียน” ค่ะ" in text
    assert "ข้อมูลส่วนบุคคล" not in text  # no privacy notice for a service that cannot start
    await parent.say("ขอใบแทน ปพ.1")
    assert "ไม่มีบริการ “ใบแทนเอกสารการศึกษา”" in parent.last_text()
    await parent.say("ติดตามสถานะ")
    assert "ยังไม่มีคำขอ" in parent.last_text()

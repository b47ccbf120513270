"""Each of the eight services, completed in the simulated chat, starting from the rich menu.

The parent answers whatever the bot asks next with a valid answer for that kind of question
(the test reads which question is open from the draft, as a parent reads the screen), sends a
photo for every document, and confirms at the summary. The request must end up submitted.
"""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from backend.applications.models import Application, ApplicationStatus
from backend.school_config import parse_school_config
from backend.schools import School
from backend.thai.ids import synthetic_national_id
from tests.chat import Parent
from tests.harness import running_bot

# How each service is reached from the parents' rich menu: (tile text, then buttons to tap).
ROUTES = {
    "admission": ("สมัครเรียน", []),
    "transfer_in": ("ขอย้าย", ["ย้ายเข้าโรงเรียนนี้"]),
    "transfer_out": ("ขอย้าย", ["ย้ายออกไปที่อื่น"]),
    "grade1_entry": ("เมนู", ["ขอผ่อนผัน ป.1"]),
    "withdrawal": ("เมนู", ["ลาออก"]),
    "credit_transfer": ("เมนู", ["เทียบโอนผลการเรียน"]),
    "replacement_documents": ("เมนู", ["ขอใบแทน ปพ.1/ปพ.2"]),
    "venue_booking": ("เมนู", ["ขอใช้อาคารสถานที่"]),
    "no_school_place": ("เมนู", ["ยังไม่มีที่เรียน"]),
    "home_school": ("เมนู", ["ขอจัดบ้านเรียน"]),
    "learning_centre": ("เมนู", ["ขอตั้งศูนย์การเรียน"]),
}

# Answers that depend on the service's rules (dates within limits, a grade that fits an age).
DATES = {"student_birth_date": "2020-03-15", "move_date": "2026-12-15", "first_day": "2026-12-10",
         "last_day": "2026-12-11", "effective_date": "2026-12-15", "withdrawal_date": "2026-12-15"}
# Grade 1 early entry: a child born the year after the Grade 1 cohort of academic year 2570.
PER_SERVICE_DATES = {"grade1_entry": {"student_birth_date": "2021-03-15"}}
TEXTS = {"grade_applied": "ป.1", "grade_entering": "ป.2", "current_grade": "ป.4", "attendees": "50",
         "graduation_year": "2565"}
BY_KIND = {"name": "เด็กหญิงสมใจ ใจดี", "phone": "0812345678", "grade": "ป.4", "number": "50",
           "be_year": "2565", "text": "ทดสอบระบบ", "address": "12 หมู่ 3 ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000"}
ids = (synthetic_national_id(n) for n in itertools.count(11))


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace, rich_menus=True) as running:
        await running.rich_menu_deploy
        yield running


async def _draft(bot, user_id: str) -> Application | None:
    async with bot.runtime.sessions() as session:
        return await session.scalar(sa.select(Application).where(Application.parent_ref == user_id)
                                    .order_by(Application.id.desc()).limit(1))


async def _flows(bot):
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
    return bot.runtime.conversation.engine_for(parse_school_config(school.settings))._flows


async def _answer(parent: Parent, service: str, step) -> None:
    kind = step.kind
    dates = {**DATES, **PER_SERVICE_DATES.get(service, {})}
    if kind.files:
        await parent.send_photos(1)
    elif step.id in dates:
        await parent.tap("เลือกวันที่", date=dates[step.id])
    elif step.id in TEXTS:
        await parent.say(TEXTS[step.id])
    elif kind.name == "national_id":
        await parent.say(next(ids))
    elif kind.options:
        await parent.tap(next(iter(kind.options.values())))
    elif kind.date_picker:
        await parent.tap("เลือกวันที่", date="2026-12-15")
    else:
        await parent.say(BY_KIND.get(kind.name, "ทดสอบระบบ"))


@pytest.mark.parametrize("service", list(ROUTES))
async def test_a_parent_completes_the_service_from_the_rich_menu(bot, service):
    parent = Parent(bot)
    await parent.follow()
    tile, taps = ROUTES[service]
    await parent.tap_rich_menu(tile)
    for label in taps:
        await parent.tap(label)
    await parent.tap("รับทราบ เริ่มกรอก")
    flow = (await _flows(bot))[service]
    for _ in range(40):
        draft = await _draft(bot, parent.user_id)
        assert draft is not None and draft.service == service
        if draft.status == ApplicationStatus.SUBMITTED:
            break
        if draft.current_step == "_summary":
            await parent.tap("ยืนยันส่งคำขอ")
            continue
        before = (draft.current_step, draft.revision)
        await _answer(parent, service, flow.step(draft.current_step))
        after = await _draft(bot, parent.user_id)
        assert (after.current_step, after.revision) != before, f"{draft.current_step}: {parent.last_text()}"
    assert draft.status == ApplicationStatus.SUBMITTED, parent.last_text()
    assert "เลขที่คำขอ" in parent.last_text()

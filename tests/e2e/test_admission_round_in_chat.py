"""The admission round in the simulated chat: a school with 2 seats and 5 eligible applicants.
The announcement is read from the rich menu before and while applications are open (the bot says
when they open), parents apply in the chat while the round is open, staff check eligibility, the
committed lottery is drawn (and re-run from its public inputs), every parent gets their own
result, one declines, the first reserve is offered the seat and confirms it in one tap, มอบตัว
slots and the form, student numbers and the export; a parent too late is sent to the district
office."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from backend.admission_round import handover, lottery, results, service
from backend.admission_round.models import AdmissionEntry, EntryStatus
from backend.applications.models import Application
from backend.schools import School
from backend.thai.grades import Grade
from backend.thai.ids import synthetic_national_id
from tests.chat import Parent
from tests.harness import running_bot

STAFF = "staff:1"
# The clock starts on 25 November 2569 (2026), the day before applications open; the round is
# for academic year 2570.
OPEN, CLOSE, REPORT = dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 12, 3)


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace, rich_menus=True) as running:
        await running.rich_menu_deploy
        yield running


def _card_words(messages) -> str:
    """The texts of the Flex card the bot sent, as a parent reads them."""
    [card] = [m for m in messages if m["type"] == "flex"]
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card["contents"])
    return "\n".join(found)


def _pushed(parent: Parent) -> str:
    """What the bot sent the parent since they last did something (pushes: results, offers)."""
    return "\n".join(m.get("altText") or m.get("text", "") for m in parent.new_messages())


async def _apply(parent: Parent, number: int) -> None:
    await parent.follow()
    await parent.say("สมัครเรียน")
    await parent.tap("รับทราบ เริ่มกรอก")
    await parent.say(f"เด็กหญิงทดสอบ{'กขคงจ'[number]} ใจดี")
    await parent.say(synthetic_national_id(300 + number))
    await parent.say("1 มกราคม 2566")
    await parent.tap("อ.2")
    await parent.say("นางสมศรี ใจดี")
    await parent.tap("มารดา")
    await parent.say("081 234 5678")
    await parent.say("12 หมู่ 3 ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000")
    await parent.tap("อยู่ในเขต")
    for _ in range(4):
        await parent.send_photos(1)
    await parent.tap("ยืนยันส่งคำขอ")
    assert "ส่งคำขอสมัครเรียนเรียบร้อยแล้วค่ะ" in parent.last_text(), parent.last_text()


async def test_two_seats_five_applicants_whole_round_in_chat(bot, clock):
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        round_ = await service.create_round(session, school_id=school.id, academic_year=2570, grade=Grade.K2,
                                            seats=2, actor=STAFF, now=clock.now())
        await service.update_round(session, round_, {"applications_open": OPEN, "applications_close": CLOSE,
                                                     "report_day": REPORT}, actor=STAFF, now=clock.now())
        await service.commit(session, round_, public_value_source="รางวัลที่ 1 สลากกินแบ่งรัฐบาล งวด 1 ธ.ค. 2569",
                             actor=STAFF, now=clock.now())
        await session.commit()
        round_id = round_.id

    parents = [Parent(bot, f"ผู้ปกครอง {n}") for n in range(5)]
    # The day before: the announcement from the rich menu says when applications open (the bot's
    # refusals before the opening and after the close: tests/flows/test_flows_admission_round.py).
    early = Parent(bot, "ผู้ปกครองมาก่อนเปิด")
    await early.follow()
    before = _card_words(await early.tap_rich_menu("ประกาศรับสมัคร"))
    assert "ประกาศรับสมัครนักเรียนชั้น อ.2 ปีการศึกษา 2570" in before and "ยังไม่เปิดรับสมัคร" in before
    assert "26 พฤศจิกายน 2569 – 27 พฤศจิกายน 2569" in before and "2 คน (เด็กในเขตพื้นที่บริการ 2 คน)" in before
    assert "เมื่อถึงวันเปิดรับสมัคร ทักมาสมัครในแชตนี้ได้เลยนะคะ" in before

    clock.advance(days=1)  # 26 November: open
    assert "เปิดรับสมัครอยู่ขณะนี้" in _card_words(await early.tap_rich_menu("ประกาศรับสมัคร"))
    for number, parent in enumerate(parents):
        await _apply(parent, number)

    clock.advance(days=2)  # 28 November: closed
    late = Parent(bot, "ผู้ปกครองมาช้า")
    await late.follow()
    closed = _card_words(await late.say("รับสมัครเมื่อไหร่คะ"))
    assert "ปิดรับสมัครแล้ว" in closed and "สำนักงานเขตพื้นที่การศึกษา" in closed
    async with bot.runtime.sessions() as session:
        round_ = await session.get(type(round_), round_id)
        applications = list(await session.scalars(sa.select(Application).order_by(Application.id)))
        await service.mark_eligibility(session, round_, applications, eligible=True, reason="", actor=STAFF,
                                       now=clock.now())
        draw = await service.draw(session, round_, public_value="246810", actor=STAFF, now=clock.now())
        assert lottery.run(draw.inputs) == draw.result  # re-run from the public inputs: the same order
        assert await results.announce(session, round_, actor=STAFF, now=clock.now()) == 5
        await service.update_round(session, round_, {"documents": {"handover": ["สูติบัตรตัวจริง"]}}, actor=STAFF,
                                   now=clock.now())
        for hour in (8, 10):  # 5 December, one family per time
            await handover.add_slot(session, round_, starts_at=dt.datetime(2026, 12, 5, hour - 7, tzinfo=dt.UTC),
                                    capacity=1, actor=STAFF, now=clock.now())
        await session.commit()
        by_ref = {a.public_number: a.parent_ref for a in applications}
        order = [by_ref[row["ref"]] for row in draw.result["order"]]
    await bot.process()
    await bot.process()
    async with bot.runtime.sessions() as session:
        progress = await results.progress(session, await session.get(type(round_), round_id))
    assert (progress.recorded, progress.queued, progress.sent) == (5, 5, 5)  # what staff see

    parent_of = {p.user_id: p for p in parents}
    first, second, reserve1, reserve2, reserve3 = (parent_of[ref] for ref in order)
    told = {p.user_id: _pushed(p) for p in parents}
    assert all(text.count("ประกาศผลการคัดเลือกนักเรียน") == 1 for text in told.values())  # each once
    assert "ได้รับคัดเลือก" in told[first.user_id] and "ได้รับคัดเลือก" in told[second.user_id]
    assert "สำรองลำดับที่ 1" in told[reserve1.user_id] and "สำรองลำดับที่ 3" in told[reserve3.user_id]

    await first.tap("ยืนยันสิทธิ์")
    assert "เรียบร้อยแล้วค่ะ" in first.last_text(), first.last_text()
    await first.tap("5 ธ.ค. 69 08:00")
    booked = first.last_text()
    assert "นัดมอบตัว 5 ธันวาคม 2569 เวลา 08:00 น. เรียบร้อยแล้วค่ะ" in booked, booked
    assert "ชื่อ-นามสกุลนักเรียน: เด็กหญิงทดสอบ" in booked and "ศาสนา" in booked and "สูติบัตรตัวจริง" in booked
    await second.tap("สละสิทธิ์")
    assert "ต้องการสละสิทธิ์" in second.last_text()
    await second.tap("ยืนยันสละสิทธิ์")
    assert "รับทราบการสละสิทธิ์" in second.last_text(), second.last_text()
    await bot.process()
    assert "มีที่นั่งว่าง" in _pushed(reserve1)
    await reserve1.tap("ยืนยันสิทธิ์")
    assert "ยืนยันสิทธิ์เข้าเรียนชั้น อ.2 ปีการศึกษา 2570 เรียบร้อยแล้วค่ะ" in reserve1.last_text()
    assert "5 ธ.ค. 69 08:00" not in str(reserve1.all_messages()[-1])  # the full time is not offered
    await reserve1.tap("5 ธ.ค. 69 10:00")
    assert "นัดมอบตัว 5 ธันวาคม 2569 เวลา 10:00 น." in reserve1.last_text()
    await second.tap("ยืนยันสิทธิ์")  # the old card, after declining
    assert "สละสิทธิ์เข้าเรียน" in second.last_text()

    async with bot.runtime.sessions() as session:
        statuses = {e.application_id: e.status for e in await session.scalars(sa.select(AdmissionEntry))}
    assert sorted(statuses.values()) == sorted([EntryStatus.CONFIRMED, EntryStatus.CONFIRMED, EntryStatus.DECLINED,
                                                EntryStatus.RESERVE, EntryStatus.RESERVE])
    assert reserve2 is not None

    # มอบตัว day: staff mark both children handed over; numbers run on from the school's series.
    async with bot.runtime.sessions() as session:
        round_ = await session.get(type(round_), round_id)
        await handover.set_series(session, round_.school_id, next_number=3101, actor=STAFF, now=clock.now())
        confirmed = await service.entries_of(session, round_id, EntryStatus.CONFIRMED)
        numbers = [await handover.hand_over(session, e, actor=STAFF, now=clock.now()) for e in confirmed]
        rows = await handover.export_rows(session, round_, actor=STAFF, now=clock.now())
        await session.commit()
    assert sorted(numbers) == ["3101", "3102"] and [r[0] for r in rows] == ["3101", "3102"]
    assert handover.as_csv(rows).decode("utf-8-sig").splitlines()[0].startswith("เลขประจำตัวนักเรียน,")

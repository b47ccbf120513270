"""Applications follow the school's admission round: before it opens the bot says when, after it
closes it refuses politely and points to the district office, and a filed application enters the round."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flows_chat import SCHOOL_ID, Chat, Tap
from test_flows_admission import TO_SUMMARY

from backend.admission_round import service
from backend.admission_round.models import AdmissionEntry, EntryStatus
from backend.applications.models import ApplicationStatus
from backend.thai.grades import Grade
from flows.services import SAMPLE_CONFIG
from flows.services.admission import entry_grades

# The clock says 25 November 2569 (2026): the rounds are for academic year 2570.
OPEN, CLOSE = dt.date(2026, 12, 1), dt.date(2026, 12, 5)


async def _rounds(maker, clock, **per_grade) -> None:
    async with maker() as session:
        for grade in entry_grades(SAMPLE_CONFIG):
            round_ = await service.create_round(session, school_id=SCHOOL_ID, academic_year=2570, grade=grade,
                                                seats=2, actor="staff:1", now=clock.now())
            opens, closes = per_grade.get(grade.value, (OPEN, CLOSE))
            await service.update_round(session, round_, {"applications_open": opens, "applications_close": closes},
                                       actor="staff:1", now=clock.now())
        await session.commit()


async def test_before_opening_the_bot_says_when_each_grade_opens(chat: Chat, maker, clock):
    await _rounds(maker, clock)
    await chat.play([("สมัครเรียนค่ะ", ["รับสมัครชั้น ป.1 ปีการศึกษา 2570 เปิดรับวันที่ 1 ธันวาคม 2569 "
                                        "ถึงวันที่ 5 ธันวาคม 2569ค่ะ", "ชั้น อ.2"])])
    async with maker() as session:
        assert not await session.scalar(sa.text("select count(*) from applications"))


async def test_after_closing_the_bot_refuses_and_points_to_the_district(chat: Chat, maker, clock):
    await _rounds(maker, clock)
    clock.advance(days=11)  # 6 December, after the close
    await chat.play([("สมัครเรียนค่ะ", ["ปิดรับแล้ว", "สำนักงานเขตพื้นที่การศึกษา"])])


async def test_a_grade_whose_round_is_closed_is_refused_at_the_grade_step(chat: Chat, maker, clock):
    await _rounds(maker, clock, p1=(dt.date(2026, 11, 1), dt.date(2026, 11, 20)))
    clock.advance(days=7)  # 2 December: อ.2 open, ป.1 closed
    await chat.play([*TO_SUMMARY[:4], (Tap("ป.1"), ["การรับสมัครชั้น ป.1 ปีการศึกษา 2570 ปิดรับแล้ว"])])


async def test_filed_while_open_enters_the_round_and_not_after_the_close(chat: Chat, maker, clock):
    await _rounds(maker, clock)
    clock.advance(days=7)  # 2 December: open
    await chat.play([*TO_SUMMARY, (Tap("ยืนยันส่งคำขอ"), ["ส่งคำขอสมัครเรียนเรียบร้อยแล้วค่ะ"])])
    application = await chat.application()
    async with maker() as session:
        entry = await session.scalar(sa.select(AdmissionEntry).where(AdmissionEntry.application_id == application.id))
        assert entry is not None and entry.status == EntryStatus.PENDING and entry.in_area
        assert entry.ref == application.public_number

    late = Chat(chat.engine, maker, clock, user_ref="U-parent-2")
    await late.play(TO_SUMMARY)
    clock.advance(days=4)  # 6 December: closed while the parent was at the summary
    await late.play([(Tap("ยืนยันส่งคำขอ"), ["ปิดรับแล้ว"])])
    assert (await late.application()).status == ApplicationStatus.DRAFT
    assert Grade.P1.value == application.answers["grade_applied"]

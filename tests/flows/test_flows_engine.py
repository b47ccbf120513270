"""Engine behaviour shared by every flow: reminders, stored versions, odd inputs, postback format."""

from __future__ import annotations

import datetime as dt

import pytest
from flows_chat import SCHOOL_ID, STUDENT_ID, Chat, Sticker, Tap

from flows import postback
from flows.engine import Engine
from flows.flow import Flow
from flows.inputs import PostbackInput
from flows.services import ALL_FLOWS
from flows.sessions import SessionStore


async def reminders(chat: Chat, idle_for: dt.timedelta):
    async with chat.maker() as session:
        due = await chat.engine.due_reminders(session, idle_for=idle_for)
        await session.commit()
    return due


async def test_an_idle_draft_is_reminded_once_until_the_parent_comes_back(chat: Chat, clock):
    await chat.play([("ย้ายออก", ["ขั้นตอนที่ 1"]), ("เด็กหญิงสมใจ ใจดี", ["ขั้นตอนที่ 2"])])
    day = dt.timedelta(days=1)
    assert await reminders(chat, day) == []

    clock.advance(days=1, minutes=1)
    [reminder] = await reminders(chat, day)
    assert (reminder.school_id, reminder.user_ref) == (SCHOOL_ID, chat.user_ref)
    assert "คำขอย้ายออกยังทำไม่เสร็จ" in reminder.messages[0].text
    assert await reminders(chat, day) == []  # marked: not pushed again

    chat.last = reminder.messages
    clock.advance(minutes=30)
    await chat.play([(Tap("ทำต่อ"), ["ขั้นตอนที่ 2 จาก 9"])])
    clock.advance(days=2)
    assert len(await reminders(chat, day)) == 1  # idle again after new activity


async def test_finished_conversations_are_never_reminded(chat: Chat, clock):
    await chat.play(
        [("ลาออก", ["ขั้นตอนที่ 1"]), ("ยกเลิก", ["ยกเลิก"]), (Tap("ยืนยันยกเลิก"), ["ยกเลิกคำขอ"])]
    )
    clock.advance(days=5)
    assert await reminders(chat, dt.timedelta(hours=1)) == []


async def test_a_sticker_after_a_long_break_welcomes_back_and_asks_again(chat: Chat, clock):
    await chat.play([("ลาออก", ["ขั้นตอนที่ 1"])])
    clock.advance(hours=5)
    await chat.play([(Sticker(), ["ยินดีต้อนรับกลับค่ะ", "ขออภัยค่ะ", "ขั้นตอนที่ 1 จาก 9"])])


async def test_a_short_pause_is_not_a_welcome_back(chat: Chat, clock):
    await chat.play([("ลาออก", ["ขั้นตอนที่ 1"])])
    clock.advance(minutes=20)
    says = await chat.send("เด็กหญิงสมใจ ใจดี")
    assert "ยินดีต้อนรับกลับ" not in says[0].text
    assert "ขั้นตอนที่ 2" in says[0].text


async def test_a_draft_from_an_older_flow_version_keeps_its_answers(chat: Chat, maker, clock):
    await chat.play([("ย้ายออก", ["ขั้นตอนที่ 1"]), ("เด็กหญิงสมใจ ใจดี", ["ขั้นตอนที่ 2"])])
    old = ALL_FLOWS["transfer_out"]
    # Version 2 asks the national ID first; step ids are stable, so the name is kept.
    steps = [
        old.step("student_national_id"),
        *[s for s in old.steps if s.id != "student_national_id"],
    ]
    newer = Flow(
        id=old.id,
        title=old.title,
        menu_label=old.menu_label,
        number_prefix=old.number_prefix,
        version=2,
        steps=steps,
        next_steps=old.next_steps,
    )
    chat.engine = Engine(flows={**ALL_FLOWS, old.id: newer}, sessions=SessionStore(), clock=clock)
    await chat.play([(STUDENT_ID, ["ขั้นตอนที่ 3 จาก 9", "ชั้นอะไร"])])
    application = await chat.application()
    assert application.flow_version == 2
    assert application.answers == {
        "student_name": "เด็กหญิงสมใจ ใจดี",
        "student_national_id": STUDENT_ID,
    }


async def test_buttons_the_engine_did_not_write_are_not_acted_on(chat: Chat):
    await chat.play(
        [
            (PostbackInput("something-else"), ["ต้องการใช้บริการใดคะ"]),
            ("ย้ายออก", ["ขั้นตอนที่ 1"]),
            (PostbackInput("v9|abc|ans|x|y"), ["ปุ่มนี้ใช้ไม่ได้แล้ว", "ขั้นตอนที่ 1 จาก 9"]),
            (
                PostbackInput(postback.encode(postback.NO_CONVERSATION, "menu")),
                ["[ทำต่อ]", "[ลาออก]"],
            ),
            (
                PostbackInput(
                    postback.encode(postback.NO_CONVERSATION, "start", "no_such_service")
                ),
                ["ยังไม่เปิดให้ทำผ่าน LINE", "[ทำต่อ]"],
            ),
        ]
    )
    assert (await chat.application()).answers == {}


def test_postback_data_round_trips_and_rejects_other_versions():
    data = postback.encode("AbC123_-", "ans", "reason", "other")
    assert data == "v1|AbC123_-|ans|reason|other"
    decoded = postback.decode(data)
    assert decoded is not None
    assert (decoded.nonce, decoded.action, decoded.args) == ("AbC123_-", "ans", ("reason", "other"))
    assert postback.decode("v2|n|ans") is None
    assert postback.decode("hello") is None
    with pytest.raises(ValueError):
        postback.encode("n", "ans", "a|b")

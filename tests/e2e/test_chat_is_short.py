"""What a parent reads is short (issue 16, "Shorter"): the privacy notice in three lines with
"อ่านเพิ่ม" for the rest, the summary's edits on the card only, and what the bot received said
in the same bubble as the next question."""

from __future__ import annotations

import pytest

from backend.thai.ids import synthetic_national_id
from tests.chat import Parent, _actions
from tests.harness import running_bot


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


def _quick_replies(message) -> list[str]:
    return [item["action"]["label"] for item in (message.get("quickReply") or {}).get("items", [])]


async def test_the_privacy_notice_is_three_lines_and_the_rest_is_one_tap_away(bot):
    parent = Parent(bot)
    await parent.follow()
    [notice] = await parent.say("อยากย้ายลูกไปโรงเรียนใหม่ค่ะ")
    assert len(notice["text"].splitlines()) <= 3 and len(notice["text"]) <= 250, notice["text"]
    assert "ข้อมูลส่วนบุคคล" in notice["text"] and "ลบข้อมูลของฉัน" in notice["text"]
    assert _quick_replies(notice) == ["รับทราบ เริ่มกรอก", "อ่านเพิ่ม", "ไว้ก่อน"]
    [full] = await parent.tap("อ่านเพิ่ม")
    assert "มาตรา 24" in full["text"] and "ระยะเวลาเก็บรักษา" in full["text"]
    await parent.tap("รับทราบ เริ่มกรอก")
    assert "ขั้นตอนที่ 1 จาก" in parent.last_text()


async def test_the_summary_has_its_edits_on_the_card_and_two_quick_replies(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("อยากย้ายลูกไปโรงเรียนใหม่ค่ะ")
    await parent.tap("รับทราบ เริ่มกรอก")
    for answer in ("เด็กหญิงสมใจ ใจดี", synthetic_national_id(41), "ป.4"):
        await parent.say(answer)
    await parent.tap("มารดา")
    await parent.say("โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น")
    await parent.tap("ย้ายที่อยู่")
    await parent.tap("เลือกวันที่", date="2026-12-15")
    received = await parent.send_photos(1)
    # What was received opens the next question's bubble: one bubble, not two.
    assert len(received) == 1 and received[0]["text"].startswith("ได้รับ"), parent.last_text()
    *_, card = await parent.send_photos(1)
    assert card["type"] == "flex"
    assert _quick_replies(card) == ["ยืนยันส่งคำขอ", "ยกเลิก"]
    edits = [a["label"] for a in _actions({"contents": card["contents"]}) if a["label"].startswith("แก้")]
    assert len(edits) >= 8, edits

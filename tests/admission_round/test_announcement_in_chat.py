"""The admission announcement in the chat: the rich menu's "ประกาศรับ" tile (or a question typed
about when admission opens) shows the school's announcement as a Flex card: where each grade's
round stands, its dates in the Buddhist era, seats and the in-area share, the priority groups,
the documents for each day, a button to apply while open and a link to the public page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa

from backend.admission_round import service
from backend.schools import School
from backend.thai.grades import Grade
from tests.chat import Parent
from tests.harness import running_bot
from tests.links import links_in, unserved

STAFF = "staff:1"
# The harness clock: Wednesday 25 November 2569 (2026); the year applied for is 2570.
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace, rich_menus=True) as running:
        await running.rich_menu_deploy
        yield running


async def _rounds(bot, clock) -> None:
    """ป.1 opens next week; อ.2 is open now, with two priority groups and documents for two days."""
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        p1 = await service.create_round(session, school_id=school.id, academic_year=2570, grade=Grade.P1,
                                        seats=40, in_area_seats=30, actor=STAFF, now=clock.now())
        await service.update_round(session, p1, {
            "applications_open": TODAY + dt.timedelta(days=7), "applications_close": TODAY + dt.timedelta(days=11),
        }, actor=STAFF, now=clock.now())
        k2 = await service.create_round(session, school_id=school.id, academic_year=2570, grade=Grade.K2,
                                        seats=2, in_area_seats=2, actor=STAFF, now=clock.now())
        await service.update_round(session, k2, {
            "applications_open": TODAY, "applications_close": TODAY + dt.timedelta(days=2),
            "selection_day": TODAY + dt.timedelta(days=5), "results_day": TODAY + dt.timedelta(days=6),
            "priority_groups": [{"code": "sibling", "label": "มีพี่หรือน้องเรียนอยู่ในโรงเรียน"},
                                {"code": "staff", "label": "บุตรของครูและบุคลากร"}],
            "documents": {"application": ["สำเนาสูติบัตร", "สำเนาทะเบียนบ้าน"], "handover": ["สูติบัตรตัวจริง"]},
        }, actor=STAFF, now=clock.now())
        await session.commit()


def _flex(messages: list[dict[str, Any]]) -> dict[str, Any]:
    cards = [m for m in messages if m["type"] == "flex"]
    assert len(cards) == 1, messages
    return cards[0]


def _bubbles(card: dict[str, Any]) -> list[dict[str, Any]]:
    contents = card["contents"]
    return contents["contents"] if contents["type"] == "carousel" else [contents]


def _words(node: Any) -> str:
    """Every text of a card, in order, as a parent reads it."""
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" else []
        return "\n".join(own + [_words(value) for key, value in node.items() if key != "text" and _words(value)])
    if isinstance(node, list):
        return "\n".join(w for w in (_words(item) for item in node) if w)
    return ""


def _buttons(bubble: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["action"]["label"]: b["action"] for b in bubble.get("footer", {}).get("contents", [])}


async def test_the_rich_menu_shows_each_grades_announcement_and_opens_the_public_page(bot, clock):
    await _rounds(bot, clock)
    parent = Parent(bot)
    await parent.follow()
    card = _flex(await parent.tap_rich_menu("ประกาศรับสมัคร"))
    assert "ประกาศรับสมัครนักเรียนปีการศึกษา 2570" in card["altText"]
    k2, p1 = sorted(_bubbles(card), key=lambda b: "ป.1" in _words(b["header"]))

    k2_words = _words(k2)
    assert "ประกาศรับสมัครนักเรียนชั้น อ.2 ปีการศึกษา 2570" in k2_words
    assert "เปิดรับสมัครอยู่ขณะนี้" in k2_words
    assert "25 พฤศจิกายน 2569 – 27 พฤศจิกายน 2569" in k2_words  # Buddhist era
    assert "30 พฤศจิกายน 2569" in k2_words  # the lottery day
    assert "2 คน (เด็กในเขตพื้นที่บริการ 2 คน)" in k2_words
    assert k2_words.index("1. มีพี่หรือน้องเรียนอยู่ในโรงเรียน") < k2_words.index("2. บุตรของครูและบุคลากร")
    assert "• สำเนาสูติบัตร" in k2_words and "เอกสารวันมอบตัว" in k2_words and "• สูติบัตรตัวจริง" in k2_words

    p1_words = _words(p1)
    assert "ยังไม่เปิดรับสมัคร" in p1_words and "2 ธันวาคม 2569 – 6 ธันวาคม 2569" in p1_words
    assert "40 คน (เด็กในเขตพื้นที่บริการ 30 คน, เด็กนอกเขต 10 คน)" in p1_words
    assert "สมัครเรียน" not in _buttons(p1)  # not open yet: nothing to apply for

    page = _buttons(k2)["ดูประกาศฉบับเต็ม"]["uri"]
    assert page == f"{bot.base_url}/admission/demo/2570/k2"
    assert unserved(bot.app, bot.base_url, list(links_in(card))) == []
    async with aiohttp.ClientSession() as http, http.get(page) as response:
        assert response.status == 200
        assert "ประกาศรับสมัครนักเรียนชั้น อ.2 ปีการศึกษา 2570" in await response.text()

    # "สมัครเรียน" on the open grade's card starts the application with the grade already given.
    await parent.tap("สมัครเรียน")
    assert "ข้อมูลส่วนบุคคล" in parent.last_text()
    await parent.tap("รับทราบ เริ่มกรอก")
    assert "อ.2" in parent.last_text(), parent.last_text()


@pytest.mark.parametrize("typed", ["รับสมัครเมื่อไหร่คะ", "ประกาศรับนักเรียน", "เปิดรับสมัคร ป.1 หรือยังคะ"])
async def test_a_parent_who_asks_when_admission_opens_gets_the_card(bot, clock, typed):
    await _rounds(bot, clock)
    parent = Parent(bot)
    await parent.follow()
    card = _flex(await parent.say(typed))
    assert "ป.1" in card["altText"] and "อ.2" in card["altText"]


async def test_the_card_says_when_closed_and_points_to_the_district_office(bot, clock):
    await _rounds(bot, clock)
    clock.advance(days=20)  # 15 December: both rounds closed
    parent = Parent(bot)
    await parent.follow()
    bubbles = _bubbles(_flex(await parent.say("ประกาศรับสมัคร")))
    assert len(bubbles) == 2
    assert all("ปิดรับสมัครแล้ว" in _words(b) and "สำนักงานเขตพื้นที่การศึกษา" in _words(b) for b in bubbles)
    assert all("สมัครเรียน" not in _buttons(b) for b in bubbles)


async def test_the_announcement_does_not_lose_a_request_in_progress(bot, clock):
    await _rounds(bot, clock)
    parent = Parent(bot)
    await parent.follow()
    await parent.say("สมัครเรียน")
    await parent.tap("รับทราบ เริ่มกรอก")
    question = parent.last_text()
    _flex(await parent.say("รับสมัครเมื่อไหร่คะ"))
    await parent.say("ติดตามสถานะ")
    assert "ยังทำไม่เสร็จ" in parent.last_text() and question


async def test_without_an_announcement_the_parent_is_told_so(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.tap_rich_menu("ประกาศรับสมัคร")
    said = parent.last_text()
    assert "ยังไม่ได้ประกาศรับสมัครนักเรียนปีการศึกษา 2570" in said and "ติดต่อโรงเรียน" in said

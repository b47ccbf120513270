"""The simulator's date picker, in Chromium on a phone-sized screen: it shows the days the bot
allows and the chosen day in the Buddhist era, then answers the question with that day."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.applications.models import Application
from tests.chat import Parent
from tests.harness import running_bot

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium (apt-get install -y chromium fonts-thai-tlwg)")
PHONE = {"width": 420, "height": 860}


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def test_the_date_picker_shows_the_bookable_days_in_the_buddhist_era(bot):
    from playwright.async_api import async_playwright

    parent = Parent(bot, "ผู้จองสนาม")
    await parent.follow()
    await parent.say("จองหอประชุมค่ะ")
    await parent.tap("รับทราบ เริ่มกรอก")
    await parent.tap("หอประชุม")
    await parent.say("นายสมชาย ใจดี")
    await parent.tap("ข้าม")
    await parent.say("ประชุมประจำปีของหมู่บ้าน")
    await parent.tap("ใช่")
    assert "ตั้งแต่วันที่เท่าไร" in parent.last_text()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="th-TH")
        page = await context.new_page()
        try:
            await page.goto(f"{bot.base_url}/sim/")
            await page.locator("#user-select").select_option(parent.user_id)
            await page.locator("#quick-replies button", has_text="เลือกวันที่").click()
            dialog = page.locator("#date-dialog")
            await dialog.wait_for()
            # The FakeClock's today is 25 Nov 2026: five days ahead is the first day a booking may take.
            assert "เลือกได้ตั้งแต่ 30 พฤศจิกายน 2569 ถึง 30 พฤศจิกายน 2570" in await dialog.inner_text()
            await page.locator("#date-dialog-input").fill("2026-12-10")
            assert "วันที่เลือก: 10 ธันวาคม 2569" in await page.locator("#date-dialog-be").inner_text()
            await page.locator("#date-dialog-ok").click()
            for _ in range(100):
                await bot.process()
                async with bot.runtime.sessions() as session:
                    draft = await session.scalar(sa.select(Application))
                if draft.answers.get("first_day"):
                    break
                await page.wait_for_timeout(100)
            assert draft.answers["first_day"] == "2026-12-10"
        finally:
            await browser.close()

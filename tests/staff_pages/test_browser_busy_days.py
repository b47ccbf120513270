"""Busy days in Chromium on the office desktop: a bulk appointment for 20 requests, and a teacher
the registrar assigned a request to acting on it from their own inbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.staff_pages.conftest import application_row, submitted_application

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium (apt-get install -y chromium fonts-thai-tlwg)")
DESKTOP = {"width": 1280, "height": 900}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


async def signed_in_page(browser, bot, name: str):
    context = await browser.new_context(viewport=DESKTOP, locale="th-TH")
    page = await context.new_page()
    await page.goto(f"{bot.base_url}/staff/")
    await page.get_by_role("button", name=name).click()
    await page.wait_for_url(f"{bot.base_url}/staff/")
    return page


async def test_a_bulk_appointment_for_twenty_requests(bot, people):
    from playwright.async_api import async_playwright

    ids = []
    for n in range(20):
        application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref,
                                                        child=f"เด็กหญิงนักเรียน ลำดับ{'กขคงจฉชซฌญฎฏฐฑฒณดตถท'[n]}")
        ids.append(application_id)
    appointment_day = (bot.runtime.clock.now().date() + dt.timedelta(days=7)).isoformat()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await signed_in_page(browser, bot, "ครูทะเบียน ใจดี")
            await page.locator(".select-all").check()
            assert await page.locator(".bulk-count").inner_text() == "20"
            await page.get_by_role("button", name="รับเรื่อง เอกสารครบ").click()
            await page.get_by_text("บันทึก “รับเรื่อง เอกสารครบ” แล้ว 20 เรื่อง").wait_for()

            await page.locator(".select-all").check()
            await page.get_by_text("นัดหมายเดียวกัน").click()
            await page.get_by_label("วันที่").fill(appointment_day)
            await page.get_by_label("เวลา").fill("10:30")
            await page.get_by_label("สถานที่").fill("หอประชุม อาคาร 2")
            await page.get_by_role("button", name="ยืนยันนัดหมายเรื่องที่เลือก").click()
            await page.get_by_text("บันทึก “นัดหมาย” แล้ว 20 เรื่อง").wait_for()

            # Keyboard: j moves to the first row, x picks it, Enter opens it.
            await page.keyboard.press("j")
            await page.keyboard.press("x")
            assert await page.locator(".bulk-count").inner_text() == "1"
            await page.keyboard.press("Enter")
            await page.wait_for_url(f"{bot.base_url}/staff/applications/*")
            assert "หอประชุม อาคาร 2" in await page.locator(".head-card").inner_text()
        finally:
            await browser.close()

    for application_id in ids:
        row = await application_row(bot, application_id)
        assert row.status == "under_review"
        assert row.appointment["place"] == "หอประชุม อาคาร 2"


async def test_a_teacher_assigned_a_request_acts_on_it_in_the_browser(bot, people):
    from playwright.async_api import async_playwright

    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            registrar = await signed_in_page(browser, bot, "ครูทะเบียน ใจดี")
            await registrar.locator(".app-item", has_text="เด็กหญิงฟ้าใส ใจงาม").click()
            await registrar.get_by_label("มอบหมายให้").select_option(label="ครูประจำชั้น มีสุข (ครูประจำชั้น)")
            await registrar.get_by_role("button", name="มอบหมาย", exact=True).click()
            await registrar.get_by_text("บันทึก “มอบหมายผู้รับผิดชอบ” แล้ว").wait_for()

            teacher = await signed_in_page(browser, bot, "ครูประจำชั้น มีสุข")
            await teacher.get_by_role("link", name="ของฉัน 1").click()
            item = teacher.locator(".app-item", has_text="เด็กหญิงฟ้าใส ใจงาม")
            assert "ของฉัน" in await item.inner_text()
            await item.click()
            assert "ครูประจำชั้น มีสุข" in await teacher.locator("#next-step").inner_text()
            await teacher.get_by_role("button", name="รับเรื่อง เอกสารครบ").click()
            await teacher.get_by_text("บันทึก “รับเรื่อง เอกสารครบ” แล้ว").wait_for()
            await teacher.get_by_label("เพิ่มบันทึก").fill("ตรวจเอกสารแล้ว ครบถ้วน")
            await teacher.get_by_role("button", name="บันทึก", exact=True).click()
            await teacher.locator(".note-text", has_text="ตรวจเอกสารแล้ว ครบถ้วน").wait_for()
        finally:
            await browser.close()
    assert (await application_row(bot, application_id)).status == "under_review"

"""A registrar works a request sent through the bot, in Chromium on a phone-sized screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.applications.models import Application
from backend.schools import School
from tests.chat import Parent, file_transfer_out
from tests.staff_pages.conftest import add_staff

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium (apt-get install -y chromium fonts-thai-tlwg)")
SCREENSHOTS = Path(os.environ.get("STAFF_SCREENSHOTS", "/tmp/staff-pages"))
PHONE = {"width": 390, "height": 844}


async def parent_files_transfer_out(bot) -> Parent:
    parent = Parent(bot)
    await file_transfer_out(parent, id_seed=11)
    return parent

async def parent_sends_requested_document(bot, parent: Parent) -> None:
    """The parent gets the school's card, taps "ส่งเอกสาร" and sends the photo in the chat."""
    await bot.process()
    parent._last_batch = parent.all_messages()[-1:]
    assert "โรงเรียนขอเอกสารเพิ่มเติม" in parent.last_text()
    await parent.tap("ส่งเอกสาร")
    assert "ทะเบียนบ้าน" in parent.last_text()
    await parent.send_photos(1)
    assert "ส่งเอกสารครบ" in parent.last_text()


async def test_registrar_asks_for_a_document_sees_the_upload_and_approves(bot):
    from playwright.async_api import async_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with bot.runtime.sessions() as session:
        school_id = await session.scalar(sa.select(School.id).where(School.slug == "demo"))
    await add_staff(bot, school_id, "registrar", "ครูทะเบียน ใจดี")
    parent = await parent_files_transfer_out(bot)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                            has_touch=True, locale="th-TH")
        page = await context.new_page()
        try:
            await page.goto(f"{bot.base_url}/staff/")
            assert "/staff/login" in page.url
            await page.screenshot(path=SCREENSHOTS / "1-login.png")
            await page.get_by_role("button", name="ครูทะเบียน ใจดี").click()

            await page.wait_for_url(f"{bot.base_url}/staff/")
            item = page.locator(".app-item", has_text="เด็กหญิงสมใจ ใจดี")
            await item.wait_for()
            assert "ยื่นแล้ว รอตรวจ" in await item.inner_text()
            await page.screenshot(path=SCREENSHOTS / "2-inbox.png", full_page=True)
            await item.click()

            await page.get_by_role("heading", name="เด็กหญิงสมใจ ใจดี").wait_for()
            assert "ทะเบียนบ้าน" in await page.locator(".warn-card").inner_text()
            await page.get_by_text("ขอเอกสารเพิ่ม", exact=True).click()
            await page.get_by_label("ทะเบียนบ้าน").check()
            await page.screenshot(path=SCREENSHOTS / "3-request-documents.png", full_page=True)
            await page.get_by_role("button", name="ยืนยันขอเอกสารเพิ่ม").click()
            await page.get_by_text("บันทึก “ขอเอกสารเพิ่ม” แล้ว").wait_for()
            assert "ขอเอกสารเพิ่ม" in await page.locator(".head-card .status").inner_text()
            # Asked once: the button is gone (s.8 of the Licensing Facilitation Act).
            assert await page.locator('[data-action="request_documents"]').count() == 0

            bot.runtime.clock.advance(hours=3)
            await parent_sends_requested_document(bot, parent)
            detail_url = page.url.split("?")[0]
            await page.goto(detail_url)  # three hours on, the session has run out: sign in again
            assert "/staff/login" in page.url
            await page.get_by_role("button", name="ครูทะเบียน ใจดี").click()
            await page.wait_for_url(detail_url)  # back where the registrar was
            new_upload = page.locator(".answer", has_text="ทะเบียนบ้าน").locator(".doc.thumb")
            await new_upload.wait_for()
            assert "ใหม่" in await new_upload.inner_text()
            # The thumbnail loads lazily: wait until the browser has it (or gave up on it), then
            # check it is the photo, not a broken image.
            thumbnail = new_upload.locator("img")
            await thumbnail.evaluate(
                "img => img.complete ? null : new Promise(done => { img.onload = img.onerror = done; })")
            assert await thumbnail.evaluate("img => img.naturalWidth") == 60
            await page.screenshot(path=SCREENSHOTS / "4-new-upload.png", full_page=True)
            await new_upload.click()
            await page.locator("#zoom img").wait_for()
            await page.screenshot(path=SCREENSHOTS / "5-zoom.png")
            await page.get_by_role("button", name="ปิด").click()

            await page.get_by_role("button", name="รับเรื่อง เอกสารครบ").click()
            await page.get_by_text("บันทึก “รับเรื่อง เอกสารครบ” แล้ว").wait_for()
            await page.get_by_role("button", name="ลงนามอนุมัติ").click()
            await page.get_by_text("บันทึก “ลงนามอนุมัติ” แล้ว").wait_for()
            assert "อนุมัติแล้ว" in await page.locator(".head-card .status").inner_text()
            await page.screenshot(path=SCREENSHOTS / "6-approved.png", full_page=True)

            await page.get_by_role("link", name="สรุปผล").click()
            await page.get_by_text("สรุปการให้บริการ e-Service").wait_for()
            await page.screenshot(path=SCREENSHOTS / "7-dashboard.png", full_page=True)
        finally:
            await browser.close()

    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
    assert application.status == "approved"
    # The parent's chat received a card at each step: submitted, documents asked, accepted, approved.
    await bot.process()
    cards = [m["altText"] for m in parent.all_messages() if m["type"] == "flex"]
    assert any("โรงเรียนขอเอกสารเพิ่มเติม" in c for c in cards)
    assert any("อยู่ระหว่างพิจารณา" in c for c in cards)
    assert any("อนุมัติแล้ว" in c for c in cards)

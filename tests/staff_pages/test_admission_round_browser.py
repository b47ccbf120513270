"""The registrar runs an admission round in the staff pages, in Chromium: the announcement, bulk
eligibility, the commitment, the draw, results to the parents, มอบตัว times, hand-over with student
numbers and the export."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.admission_round import results
from backend.admission_round.models import AdmissionEntry, EntryStatus
from backend.applications.models import Application, ApplicationStatus
from backend.applications.service import new_public_number
from backend.notices import Notice
from backend.schools import School
from tests.staff_pages.conftest import add_staff
from tests.staff_pages.test_browser import CHROMIUM, PHONE, SCREENSHOTS
from tests.staging import in_status

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
NAMES = ["เด็กหญิงกานดา ใจดี", "เด็กชายขจร ใจดี", "เด็กหญิงคนึง ใจดี", "เด็กชายงาม ใจดี", "เด็กหญิงจันทร์ ใจดี"]


async def _applications(bot, school_id: int) -> None:
    now = bot.runtime.clock.now()
    for number in range(len(NAMES)):  # the parents are friends of the school's account
        bot.standin.add_user(user_id=f"U{number:032x}").following = True
    async with bot.runtime.sessions() as session:
        for number, name in enumerate(NAMES):
            session.add(in_status(Application(
                public_number=new_public_number("AD"), school_id=school_id, parent_ref=f"U{number:032x}",
                service="admission", current_step="_done", missing_documents=[], flow_version=1,
                answers={"student_name": name, "grade_applied": "k2", "in_service_area": "in_area"},
                session_nonce="n" * 8, created_at=now, updated_at=now, last_activity_at=now, submitted_at=now),
                ApplicationStatus.SUBMITTED))
        await session.commit()


async def _parents_confirm(bot) -> None:
    async with bot.runtime.sessions() as session:
        for entry in await session.scalars(sa.select(AdmissionEntry).where(AdmissionEntry.status == "accepted")):
            application = await session.get(Application, entry.application_id)
            said = await results.confirm(session, entry_id=entry.id, draw=entry.draw_number,
                                         parent_ref=application.parent_ref, school_id=application.school_id,
                                         now=bot.runtime.clock.now())
            assert said.ok
        await session.commit()


async def test_registrar_runs_the_round_in_the_staff_pages(bot):
    from playwright.async_api import async_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with bot.runtime.sessions() as session:
        school_id = await session.scalar(sa.select(School.id).where(School.slug == "demo"))
    await add_staff(bot, school_id, "registrar", "ครูทะเบียน ใจดี")

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        context = await browser.new_context(viewport=PHONE, locale="th-TH")
        page = await context.new_page()
        try:
            await page.goto(f"{bot.base_url}/staff/admission")
            await page.get_by_role("button", name="ครูทะเบียน ใจดี").click()
            await page.wait_for_url("**/staff/**")
            await page.goto(f"{bot.base_url}/staff/admission")
            await page.get_by_role("heading", name="รับนักเรียน ปีการศึกษา 2570").wait_for()
            form = page.locator("#new-round")
            await form.get_by_label("ชั้น").select_option("k2")
            await form.get_by_label("จำนวนที่นั่ง").fill("2")
            await form.get_by_role("button", name="สร้าง").click()
            await page.get_by_role("heading", name="ชั้น อ.2 ปีการศึกษา 2570").wait_for()

            settings = page.locator("#settings")
            await settings.get_by_label("เปิดรับสมัคร", exact=True).fill("2026-11-20")
            await settings.get_by_label("ปิดรับสมัคร", exact=True).fill("2026-11-27")
            await settings.get_by_label("วันรายงานตัว").fill("2026-12-03")
            await settings.get_by_role("button", name="บันทึกประกาศ").click()
            await page.get_by_text("บันทึกแล้วค่ะ").wait_for()
            await page.locator("#commit").get_by_label("ค่าสาธารณะที่จะใช้").fill(
                "รางวัลที่ 1 สลากกินแบ่งรัฐบาล งวด 1 ธ.ค. 2569")
            await page.get_by_role("button", name="ประกาศค่าผูกมัด").click()
            await page.get_by_text("ค่าผูกมัด:").wait_for()

            await _applications(bot, school_id)
            await page.reload()
            rows = page.locator("#applicants tbody tr")
            assert await rows.count() == 5
            for index in range(5):
                await rows.nth(index).locator("input[type=checkbox]").check()
            await page.get_by_role("button", name="บันทึกผลการตรวจสิทธิ์ที่เลือก").click()
            await page.get_by_text("บันทึกแล้วค่ะ").wait_for()
            assert (await page.locator("#applicants .status").all_inner_texts()) == ["มีสิทธิ์"] * 5

            # Before the close the draw is refused, with the reason.
            await page.locator("#run-draw").get_by_label("ค่าสาธารณะที่ประกาศผลแล้ว").fill("246810")
            await page.get_by_role("button", name="จับสลากและประกาศผล").click()
            await page.get_by_text("จับสลากได้หลังปิดรับสมัครเท่านั้นค่ะ").wait_for()

            bot.runtime.clock.advance(days=3)  # 28 November: closed; the staff session has ended
            round_url = page.url.split("?")[0]
            await page.goto(round_url)
            await page.get_by_role("button", name="ครูทะเบียน ใจดี").click()
            await page.wait_for_url("**/staff/**")
            await page.goto(round_url)
            await page.locator("#run-draw").get_by_label("ค่าสาธารณะที่ประกาศผลแล้ว").fill("246810")
            await page.get_by_role("button", name="จับสลากและประกาศผล").click()
            await page.locator(".alert").wait_for()
            assert await page.locator(".alert").inner_text() == "บันทึกแล้วค่ะ"
            statuses = await page.locator("#applicants .status").all_inner_texts()
            assert sum(s == "ได้รับคัดเลือก" for s in statuses) == 2
            assert sorted(s for s in statuses if s.startswith("สำรอง")) == ["สำรอง 1", "สำรอง 2", "สำรอง 3"]
            assert "ส่งผลให้ผู้ปกครองทาง LINE: 5 ข้อความ" in await page.locator("#announce").inner_text()
            # Before sending: the month's quota as LINE (the stand-in) gives it. It shrinks while the
            # page is open: the press is refused, politely, and nothing is sent.
            assert await page.locator("#quota").inner_text() == (
                "โควตาเดือนนี้ 1,000 ข้อความ · ใช้ไปแล้ว 0 · คงเหลือ 1,000 · หลังส่งจะเหลือ 995")
            bot.standin.message_quota = 3
            await page.get_by_role("button", name="ส่งผลให้ผู้ปกครอง").click()
            await page.get_by_role("alert").wait_for()
            assert "โควตาข้อความ LINE ของเดือนนี้เหลือ 3 ข้อความ แต่การส่งผลครั้งนี้ต้องใช้ 5 ข้อความ" in (
                await page.get_by_role("alert").inner_text())
            assert await page.locator("#quota-refusal").is_visible()
            assert await page.get_by_role("button", name="ส่งผลให้ผู้ปกครอง").count() == 0
            async with bot.runtime.sessions() as session:
                assert await session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
                    Notice.kind == "admission_result")) == 0
            bot.standin.message_quota = 1000
            await page.reload()
            await page.get_by_role("button", name="ส่งผลให้ผู้ปกครอง").click()
            await page.get_by_text("ส่งผลครั้งที่ 1 แล้ว").wait_for()
            assert "ส่งผลถึงผู้ปกครองแล้ว 0 จาก 5 ข้อความ" in await page.locator("#sending").inner_text()
            await bot.process()  # the worker: notices to the outbox, pushed to LINE
            # The page polls: progress appears without a reload.
            await page.get_by_text("ส่งผลถึงผู้ปกครองแล้ว 5 จาก 5 ข้อความ · ไม่สำเร็จ 0 · รอส่ง 0 · ส่งครบแล้ว").wait_for(
                timeout=30_000)
            assert all(len(bot.standin.bot_messages(f"U{n:032x}")) == 1 for n in range(len(NAMES)))
            await page.locator("#applicants tr", has_text="สำรอง 3").locator("[data-withdraw]").click()
            await page.get_by_text("บันทึกแล้วค่ะ").wait_for()
            assert "ถอน" in await page.locator("#applicants .status").all_inner_texts()
            await page.screenshot(path=SCREENSHOTS / "admission-round.png", full_page=True)

            await _parents_confirm(bot)
            await page.locator("#add-slot").get_by_label("วันเวลา").fill("2026-12-05T08:00")
            await page.locator("#add-slot").get_by_label("จำนวนครอบครัว").fill("10")
            await page.get_by_role("button", name="เพิ่มช่วงเวลา").click()
            await page.get_by_text("จองแล้ว 0/10").wait_for()
            await page.locator("#series").get_by_label("เลขประจำตัวนักเรียนถัดไปของโรงเรียน").fill("4501")
            await page.locator("#series").get_by_role("button", name="บันทึก").click()
            await page.get_by_text("บันทึกแล้วค่ะ").wait_for()
            for _ in range(2):
                await page.locator("[data-handover]").first.click()
                await page.get_by_text("บันทึกแล้วค่ะ").wait_for()
            assert (await page.locator("#applicants .status").all_inner_texts()).count("มอบตัวแล้ว") == 2
            exported = await page.request.get(f"{bot.base_url}/staff/admission/1/export.csv")
            lines = (await exported.text()).lstrip("\ufeff").splitlines()
            assert lines[0].startswith("เลขประจำตัวนักเรียน,") and [line[:4] for line in lines[1:]] == ["4501", "4502"]
        finally:
            await browser.close()

    async with bot.runtime.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
            Notice.kind == "admission_result")) == 5
        handed = await session.scalars(sa.select(AdmissionEntry).where(
            AdmissionEntry.status == EntryStatus.HANDED_OVER))
        assert sorted(e.student_number for e in handed) == ["4501", "4502"]
    assert Path(SCREENSHOTS / "admission-round.png").exists()

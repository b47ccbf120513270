"""Screenshots of the staff pages for docs/screenshots/: the inbox, a request and the dashboard,
on a phone and on the office desktop, for a school to see before installing.

    .venv/bin/python -m bench.staff_screenshots [--out docs/screenshots]

Starts the bot on a temporary SQLite database with the LINE simulator (as the tests do), files a
few synthetic requests (synthetic national IDs, made-up names), works some of them as staff would,
and photographs the pages in Debian's Chromium (/usr/bin/chromium) through Playwright.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--hide-scrollbars"]
VIEWPORTS = {"phone": ({"width": 390, "height": 844}, 2), "desktop": ({"width": 1280, "height": 860}, 1)}
CHILDREN = ("เด็กหญิงฟ้าใส ใจงาม", "เด็กชายภูผา ดีงาม", "เด็กหญิงมะลิ หอมดี", "เด็กชายก้อง ไพเราะ",
            "เด็กหญิงน้ำฝน ใสสะอาด", "เด็กชายต้นกล้า รักดี", "เด็กหญิงแก้วตา งามยิ่ง")


async def _csrf(client) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', (await client.get("/staff/settings")).text).group(1)


async def _seed(bot, people) -> int:
    """Requests in several states: decided, assigned, noted, one running late. Returns one to show."""
    from tests.staff_pages.conftest import client_for, sign_in, submitted_application

    clock = bot.runtime.clock
    ids = []
    for index, child in enumerate(CHILDREN):
        application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref, child=child)
        ids.append(application_id)
        clock.advance(days=2 if index % 2 else 5, hours=3)
    async with bot.runtime.sessions() as session:
        from backend.applications.models import Application

        for application_id in ids:  # every request says whom to call
            row = await session.get(Application, application_id)
            row.contact_name, row.contact_phone = "นางสมศรี ใจงาม", "081-234-5678"
        await session.commit()
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        csrf = await _csrf(registrar)
        for application_id in ids[:4]:
            await registrar.post(f"/staff/applications/{application_id}/actions/accept_complete", data={"csrf": csrf})
        for application_id in ids[:2]:
            await registrar.post(f"/staff/applications/{application_id}/actions/sign_off", data={"csrf": csrf})
        await registrar.post(f"/staff/applications/{ids[-1]}/assign",
                             data={"csrf": csrf, "staff_id": str(people.teacher.id)})
        await registrar.post(f"/staff/applications/{ids[-2]}/assign",
                             data={"csrf": csrf, "staff_id": str(people.registrar.id)})
        await registrar.post(f"/staff/applications/{ids[-2]}/notes",
                             data={"csrf": csrf, "text": "โทรคุยกับคุณแม่แล้ว จะนำสำเนาทะเบียนบ้านมาส่งวันจันทร์"})
    return ids[-2]


async def _shoot(bot, out: Path, detail_id: int) -> list[Path]:
    from playwright.async_api import async_playwright

    written = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for name, (viewport, scale) in VIEWPORTS.items():
                context = await browser.new_context(viewport=viewport, device_scale_factor=scale, locale="th-TH",
                                                    is_mobile=name == "phone", has_touch=name == "phone")
                page = await context.new_page()
                await page.goto(f"{bot.base_url}/staff/")
                await page.get_by_role("button", name="ครูทะเบียน ใจดี").click()
                await page.wait_for_url(f"{bot.base_url}/staff/")
                for label, url in (("inbox", "/staff/"), ("detail", f"/staff/applications/{detail_id}"),
                                   ("dashboard", "/staff/dashboard")):
                    await page.goto(f"{bot.base_url}{url}")
                    if label == "dashboard":
                        await page.locator('[data-chart="fees"][data-rendered]').wait_for()
                    path = out / f"staff-{label}-{name}.png"
                    await page.screenshot(path=path, full_page=True)
                    written.append(path)
                await context.close()
        finally:
            await browser.close()
    return written


async def run(out: Path, folder: str) -> list[Path]:
    from backend.clock import FakeClock
    from tests.harness import running_bot
    from tests.staff_pages.conftest import People, add_staff

    out.mkdir(parents=True, exist_ok=True)
    database = Path(folder) / "screens.sqlite3"
    env = {"DATA_DIR": str(Path(folder) / "data"), "DATABASE_URL": f"sqlite:///{database}"}
    clock = FakeClock(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC))
    async with running_bot(env, clock, namespace="screens") as bot:
        from backend.schools import school_by_slug

        async with bot.runtime.sessions() as session:
            school_id = (await school_by_slug(session, "demo")).id
        people = People(school_id=school_id, other_school_id=school_id,
                        registrar=await add_staff(bot, school_id, "registrar", "ครูทะเบียน ใจดี"),
                        teacher=await add_staff(bot, school_id, "teacher", "ครูประจำชั้น มีสุข"),
                        director=await add_staff(bot, school_id, "director", "ผอ. สมชาย"),
                        other_registrar=None,  # type: ignore[arg-type]
                        parent_ref=bot.standin.add_user("คุณแม่น้องฟ้า").user_id)
        detail_id = await _seed(bot, people)
        return await _shoot(bot, out, detail_id)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.staff_screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    from backend.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder:
        upgrade(f"sqlite:///{Path(folder) / 'screens.sqlite3'}")  # runs its own event loop: before ours
        for path in asyncio.run(run(args.out, folder)):
            print(path)


if __name__ == "__main__":
    main()

"""The dashboard's charts render with data (checked by structure, not pixels), and the staff pages
pass axe-core (vendored, injected into the page) with no serious or critical violations, on a
phone and on the office desktop."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.staff_pages.conftest import client_for, sign_in, submitted_application

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium (apt-get install -y chromium fonts-thai-tlwg)")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


async def serious_violations(page) -> list[dict]:
    # Evaluated by the browser's debugging protocol, which the page's script policy does not govern
    # (an injected <script> would be refused, as it should be).
    await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    result = await page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


async def some_requests(bot, people) -> int:
    first, _ = await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กชายภูผา ดีงาม")
    second, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', (await registrar.get("/staff/settings")).text).group(1)
        await registrar.post(f"/staff/applications/{first}/actions/accept_complete", data={"csrf": csrf})
        await registrar.post(f"/staff/applications/{first}/actions/sign_off", data={"csrf": csrf})
    bot.runtime.clock.advance(days=20)  # the second one runs past nothing (no clock yet); the first is decided
    return second


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
async def test_dashboard_charts_render_and_pages_pass_axe(bot, people, viewport):
    from playwright.async_api import async_playwright

    detail_id = await some_requests(bot, people)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = await browser.new_context(viewport=VIEWPORTS[viewport], locale="th-TH",
                                                is_mobile=viewport == "phone", has_touch=viewport == "phone")
            page = await context.new_page()
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text)
                    if message.type == "error" and "Failed to load resource" not in message.text else None)
            page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
                    if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
            await page.goto(f"{bot.base_url}/staff/")
            await page.get_by_role("button", name="ครูทะเบียน ใจดี").click()
            await page.wait_for_url(f"{bot.base_url}/staff/")
            found = {"inbox": await serious_violations(page)}

            await page.goto(f"{bot.base_url}/staff/applications/{detail_id}")
            found["detail"] = await serious_violations(page)

            await page.goto(f"{bot.base_url}/staff/dashboard")
            cards = page.locator(".chart-card")
            assert await cards.count() == 3
            for name in ("weekly", "decisions", "fees"):
                card = page.locator(f'[data-chart="{name}"]')
                await card.locator("canvas").wait_for()
                assert await card.get_attribute("data-rendered") is not None  # Chart.js drew it
                box = await card.locator("canvas").bounding_box()
                assert box["width"] > 200 and box["height"] > 150
            # The data behind the charts: two requests this week, one decision within its limit.
            data = json.loads(await page.locator("#chart-data").inner_text())
            weekly = next(c for c in data["charts"] if c["name"] == "weekly")
            assert sum(sum(s["data"]) for s in weekly["series"]) == 2
            decisions = next(c for c in data["charts"] if c["name"] == "decisions")
            assert sum(decisions["series"][0]["data"]) == 1 and decisions["late"][-1] is True
            drawn = await page.evaluate(
                "() => Array.from(document.querySelectorAll('canvas')).map(c => Chart.getChart(c)?.data.labels.length)")
            assert drawn == [12, 6, 12]
            found["dashboard"] = await serious_violations(page)
            assert not errors, errors  # no script refused by the page's policy, nothing broken
        finally:
            await browser.close()
    assert found == {"inbox": [], "detail": [], "dashboard": []}, json.dumps(found, ensure_ascii=False)

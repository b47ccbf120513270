"""The numbers behind each dashboard chart download as CSV: counts and sums, no names."""

from __future__ import annotations

from tests.staff_pages.conftest import client_for, sign_in, submitted_application


async def test_each_charts_numbers_are_exportable(bot, people):
    await submitted_application(bot, people.school_id, people.parent_ref)
    await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กชายภูผา ดีงาม")
    async with client_for(bot) as client:
        await sign_in(bot, client, people.registrar)
        page = (await client.get("/staff/dashboard")).text
        weekly = (await client.get("/staff/dashboard/charts/weekly.csv")).content.decode("utf-8-sig").splitlines()
        fees = await client.get("/staff/dashboard/charts/fees.csv")
        unknown = await client.get("/staff/dashboard/charts/nothing.csv")
    assert page.count('class="card chart-card"') == 3 and 'src="/staff/static/chart.umd.min.js"' in page
    assert weekly[0] == "ช่วง,ย้ายออก" and weekly[-1].endswith(",2") and len(weekly) == 13
    assert fees.status_code == 200 and "ฟ้าใส" not in fees.text and "ฟ้าใส" not in "".join(weekly)
    assert unknown.status_code == 404

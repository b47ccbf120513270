"""Bulk actions follow the same rules as one request's page; the print view shows each request."""

from __future__ import annotations

import re

from tests.staff_pages.conftest import application_row, client_for, sign_in, submitted_application


async def csrf_of(client) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', (await client.get("/staff/settings")).text).group(1)


async def test_bulk_skips_what_the_rules_do_not_allow_and_takes_no_decisions(bot, people):
    first, _ = await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กชายภูผา ดีงาม")
    second, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    other_school, _ = await submitted_application(bot, people.other_school_id, people.parent_ref,
                                                  child="เด็กชายต่าง โรงเรียน")
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        csrf = await csrf_of(registrar)
        await registrar.post(f"/staff/applications/{first}/actions/accept_complete", data={"csrf": csrf})
        done = await registrar.post("/staff/bulk", data={"csrf": csrf, "action": "accept_complete",
                                                         "ids": [str(first), str(second), str(other_school)]},
                                    follow_redirects=True)
        assert "แล้ว 1 เรื่อง" in done.text and "ข้าม 2 เรื่อง" in done.text
        refused = await registrar.post("/staff/bulk", data={"csrf": csrf, "action": "sign_off", "ids": [str(first)]},
                                       follow_redirects=True)
        assert "ทำรายการนี้พร้อมกันหลายเรื่องไม่ได้" in refused.text
        no_place = await registrar.post("/staff/bulk", data={"csrf": csrf, "action": "set_appointment",
                                                             "ids": [str(first)], "date": "2027-01-05"},
                                        follow_redirects=True)
        assert "กรุณาระบุสถานที่นัดหมาย" in no_place.text
        forged = await registrar.post("/staff/bulk", data={"action": "accept_complete", "ids": [str(second)]})
        assert forged.status_code == 403

        chosen = {"ids": [str(first), str(second), str(other_school)]}
        printed = (await registrar.get("/staff/print", params=chosen)).text
    assert printed.count('class="card print-sheet"') == 2
    assert "เด็กชายภูผา ดีงาม" in printed and "เด็กชายต่าง" not in printed
    assert (await application_row(bot, first)).status == "under_review"
    assert (await application_row(bot, second)).status == "under_review"
    assert (await application_row(bot, other_school)).status == "submitted"

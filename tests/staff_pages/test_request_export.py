"""The requests export staff can use: names, status, real dates shown in BE, fees and receipts,
within a date range, formula-escaped; opened here with openpyxl as a spreadsheet would."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import sqlalchemy as sa

from backend.fees.models import FeeRequest
from backend.schools import School
from tests.fees.fee_samples import replacement_answers, submitted
from tests.staff_pages.conftest import add_staff, client_for, sign_in, submitted_application


async def csrf_of(client, url: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', (await client.get(url)).text).group(1)


async def test_the_export_opens_with_real_dates_names_fees_and_receipts(bot, people):
    clock = bot.runtime.clock
    # One request before the range, then a paid replacement (fee and receipt) and a hostile name.
    await submitted_application(bot, people.school_id, people.parent_ref, child="เด็กชายเก่า ก่อนช่วง")
    clock.advance(days=5)
    start = (clock.now() + dt.timedelta(hours=7)).date()
    async with bot.runtime.sessions() as session:
        school = await session.get(School, people.school_id)
        school.settings = {**school.settings, "services": {
            **school.settings["services"], "replacement_documents": {"fee": "50.00", "fee_due": "at_submission"}}}
        paid = await submitted(session, school, clock.now(), parent_ref=people.parent_ref,
                               answers={**replacement_answers(), "requester_name": "นางสาวสมใจ ใจดี",
                                        "phone": "0812345678"})
        hostile = await submitted(session, school, clock.now(), parent_ref="Uother",
                                  answers={**replacement_answers(2), "contact_name": "=HYPERLINK(\"x\")",
                                           "contact_phone": "+66812345678"})
        await session.commit()
        paid_number, hostile_number = paid.public_number, hostile.public_number
    async with bot.runtime.sessions() as session:
        fee_id = await session.scalar(sa.select(FeeRequest.id).where(FeeRequest.application_id == paid.id))
    finance = await add_staff(bot, people.school_id, "finance", "นางการเงิน ดีมาก")
    async with client_for(bot) as client:
        await sign_in(bot, client, finance)
        done = await client.post(f"/staff/fees/requests/{fee_id}/confirm",
                                 data={"csrf": await csrf_of(client, "/staff/fees"), "amount": "50"},
                                 follow_redirects=True)
        assert "ยืนยันการชำระแล้ว" in done.text
        # Finance works on fees, not requests: no list of children for them.
        assert (await client.get("/staff/requests/export.xlsx")).status_code == 403

    async with client_for(bot) as client:
        await sign_in(bot, client, people.registrar)
        dashboard = (await client.get("/staff/dashboard")).text
        assert 'action="/staff/requests/export.xlsx"' in dashboard
        response = await client.get("/staff/requests/export.xlsx", params={"since": start.isoformat()})
        everything = await client.get("/staff/requests/export.csv")
    assert response.status_code == 200 and "requests-" in response.headers["content-disposition"]

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {paid_number, hostile_number}  # the older request is outside the range
    row = rows[paid_number]
    assert row["ชื่อนักเรียน/ผู้ขอ"] == "นางสาวสมใจ ใจดี"
    assert row["ผู้ติดต่อ"] == "นางสาวสมใจ ใจดี" and row["เบอร์โทรศัพท์"] == "0812345678"
    assert row["สถานะ"] == "ยื่นแล้ว รอตรวจ"
    assert isinstance(row["วันที่ยื่น"], dt.datetime) and row["วันที่ยื่น"].date() == start
    assert row["ค่าธรรมเนียม (บาท)"] == 50 and row["สถานะค่าธรรมเนียม"] == "ชำระแล้ว"
    assert re.fullmatch(r"\d+/\d{4}/\d+", row["ใบเสร็จ เล่มที่/เลขที่"])
    date_cell = next(c for c in sheet[2 if sheet.cell(2, 1).value == paid_number else 3] if c.column == 8)
    assert date_cell.is_date and "bbbb" in date_cell.number_format  # a real date, shown in BE
    # What a spreadsheet would run as a formula stays text.
    assert rows[hostile_number]["ผู้ติดต่อ"] == "'=HYPERLINK(\"x\")"
    assert rows[hostile_number]["เบอร์โทรศัพท์"] == "'+66812345678"

    lines = everything.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 4 and "เด็กชายเก่า ก่อนช่วง" in everything.content.decode("utf-8-sig")
    assert f"/{start.year + 543}" in lines[-1]  # CSV dates in BE

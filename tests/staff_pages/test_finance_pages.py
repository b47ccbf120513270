"""Finance pages: only finance staff see them; a bank file is matched and its problems listed;
a fee confirmed by hand gets a receipt in the register and its CSV."""

from __future__ import annotations

import re

import sqlalchemy as sa

from backend.fees.models import FeeRequest
from backend.schools import School
from tests.fees.fee_samples import submitted
from tests.staff_pages.conftest import add_staff, client_for, sign_in


async def fees_owed(bot, school_id: int, parent_ref: str, count: int) -> list[FeeRequest]:
    async with bot.runtime.sessions() as session:
        school = await session.get(School, school_id)
        school.settings = {**school.settings, "services": {
            **school.settings["services"], "replacement_documents": {"fee": "50.00", "fee_due": "at_submission"}}}
        ids = [(await submitted(session, school, bot.runtime.clock.now(), parent_ref=f"{parent_ref}{n}")).id
               for n in range(count)]
        await session.commit()
        return list(await session.scalars(sa.select(FeeRequest).where(FeeRequest.application_id.in_(ids))
                                          .order_by(FeeRequest.id)))


async def csrf_of(client) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', (await client.get("/staff/fees")).text).group(1)


async def test_only_finance_staff_open_the_finance_pages(bot, people):
    async with client_for(bot) as client:
        await sign_in(bot, client, people.registrar)
        assert (await client.get("/staff/fees")).status_code == 403
        assert "การเงิน</a>" not in (await client.get("/staff/")).text
        finance = await add_staff(bot, people.school_id, "finance", "นางการเงิน ดีมาก")
        await sign_in(bot, client, finance)
        assert (await client.get("/staff/fees")).status_code == 200
        # Finance staff have no requests to see (least privilege): their start page is the fees.
        start = await client.get("/staff/", follow_redirects=True)
        assert str(start.url).endswith("/staff/fees") and "การเงิน</a>" in start.text
    async with client_for(bot) as stranger:
        assert (await stranger.get("/staff/fees")).status_code == 303  # to the login page


async def test_a_bank_file_is_matched_and_unmatched_lines_and_wrong_amounts_are_listed(bot, people):
    paid, short = await fees_owed(bot, people.school_id, people.parent_ref, 2)
    finance = await add_staff(bot, people.school_id, "finance", "นางการเงิน ดีมาก")
    statement = (f"Date,Time,Ref1,Ref2,Amount\n25/11/2026,10:00,{paid.ref1},RD,50.00\n"
                 f"25/11/2026,10:05,{short.ref1},RD,45.00\n25/11/2026,10:09,ZZZ999,RD,120.00\n").encode()
    async with client_for(bot) as client:
        await sign_in(bot, client, finance)
        csrf = await csrf_of(client)
        report = await client.post("/staff/fees/statement", data={"csrf": csrf},
                                   files={"statement": ("ktb.csv", statement, "text/csv")})
        assert report.status_code == 200
        assert re.search(r'data-count="confirmed">1<', report.text)
        assert re.search(r'data-count="wrong_amount">1<', report.text)
        assert re.search(r'data-count="unmatched">1<', report.text)
        assert "ZZZ999" in report.text and "ไม่พบรายการที่มี Ref1 นี้" in report.text
        assert "ยอดเงินไม่ตรง (ต้องชำระ 50.00 บาท)" in report.text
        overview = (await client.get("/staff/fees")).text
        assert "ยอดเงินไม่ตรง" in overview and "รายการเดินบัญชีที่จับคู่ไม่ได้" in overview

        done = await client.post(f"/staff/fees/requests/{short.id}/confirm",
                                 data={"csrf": csrf, "amount": "50", "note": "ชำระเงินสดส่วนที่เหลือ"},
                                 follow_redirects=True)
        assert "ยืนยันการชำระแล้ว" in done.text
        register = (await client.get("/staff/fees/receipts")).text
        assert "2 ฉบับ รวม <b>100.00</b> บาท" in register
        exported = (await client.get("/staff/fees/receipts.csv")).content.decode("utf-8-sig").splitlines()
    assert exported[0].startswith("ปีงบประมาณ,เล่มที่,เลขที่")
    assert [row.split(",")[1:3] for row in exported[1:]] == [["1/2570", "1"], ["1/2570", "2"]]


async def test_a_forged_form_is_refused(bot, people):
    [fee] = await fees_owed(bot, people.school_id, people.parent_ref, 1)
    finance = await add_staff(bot, people.school_id, "finance", "นางการเงิน ดีมาก")
    async with client_for(bot) as client:
        await sign_in(bot, client, finance)
        refused = await client.post(f"/staff/fees/requests/{fee.id}/confirm", data={"csrf": "0" * 32, "amount": "50"})
    assert refused.status_code == 403

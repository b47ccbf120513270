"""Statement import: lines matched on Ref1/Ref2 and amount; the rest listed and flagged for staff."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from backend.fees.models import FeeFlag, FeePayment, FeeReceipt, FeeRequest, FeeStatus
from backend.fees.statement import StatementFormatError, import_statement, parse_statement_csv
from tests.fees.fee_samples import add_school, submitted


async def three_fees(session, now) -> list[FeeRequest]:
    school = await add_school(session, now, fee_due="at_submission")
    fees = []
    for n in range(3):
        application = await submitted(session, school, now, parent_ref=f"Uparent{n}")
        fees.append(await session.scalar(sa.select(FeeRequest).where(FeeRequest.application_id == application.id)))
    return fees


def csv_of(*lines: str, header: str = "Date,Time,Ref1,Ref2,Amount,Transaction ID") -> bytes:
    return ("\ufeff" + "\n".join([header, *lines]) + "\n").encode()


async def run(session, school_id, data, now):
    return await import_statement(session, school_id=school_id, data=data, actor="staff:1",
                                  received_by="นางการเงิน ดีมาก", now=now)


async def test_matching_lines_pay_their_requests_and_the_rest_are_listed(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        paid, short, untouched = await three_fees(session, now)
        data = csv_of(f"26/11/2026,10:01,{paid.ref1},RD,50.00,T001",
                      f"26/11/2026,10:02,{short.ref1},RD,40.00,T002",
                      "26/11/2026,10:03,NOSUCHREF1,RD,50.00,T003",
                      f"26/11/2026,10:04,{untouched.ref1},VB,50.00,T004",
                      f"26/11/2026,10:05,{untouched.ref1},RD,abc,T005")
        report = await run(session, paid.school_id, data, now)
        await session.commit()
        receipts = list(await session.scalars(sa.select(FeeReceipt)))
        flags = sorted(f.kind for f in await session.scalars(sa.select(FeeFlag)))
        statuses = {f.id: (await session.get(FeeRequest, f.id)).status for f in (paid, short, untouched)}
    assert report.counts == {"confirmed": 1, "wrong_amount": 1, "unmatched": 3}
    assert [r.reason_th for r in report.of("unmatched")] == [
        "ไม่พบรายการที่มี Ref1 นี้", "Ref2 ไม่ตรงกับรายการ", "อ่านจำนวนเงินไม่ได้"]
    assert report.of("wrong_amount")[0].line.line_no == 3
    assert statuses == {paid.id: FeeStatus.PAID, short.id: FeeStatus.UNPAID, untouched.id: FeeStatus.UNPAID}
    assert [(r.fee_request_id, r.amount, r.received_by) for r in receipts] == [
        (paid.id, Decimal("50.00"), "นางการเงิน ดีมาก")]
    assert flags == ["unmatched_line"] * 3 + ["wrong_amount"]


async def test_importing_the_same_file_twice_pays_nothing_twice(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        fee, *_ = await three_fees(session, now)
        # No transaction column: identical lines are still told apart, and recognised again.
        data = csv_of(f"26/11/2026,{fee.ref1},50.00", header="Date,Ref1,Amount")
        first = await run(session, fee.school_id, data, now)
        again = await run(session, fee.school_id, data, now)
        payments = list(await session.scalars(sa.select(FeePayment)))
    assert first.counts == {"confirmed": 1} and again.counts == {"already_recorded": 1}
    assert len(payments) == 1


async def test_a_second_payment_for_a_paid_request_is_flagged_for_refund(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        fee, *_ = await three_fees(session, now)
        report = await run(session, fee.school_id, csv_of(f"26/11/2026,10:01,{fee.ref1},RD,50.00,T1",
                                                          f"26/11/2026,12:30,{fee.ref1},RD,50.00,T2"), now)
        flags = [f.kind for f in await session.scalars(sa.select(FeeFlag))]
        status = (await session.get(FeeRequest, fee.id)).status
        receipts = list(await session.scalars(sa.select(FeeReceipt)))
    assert report.counts == {"confirmed": 1, "refund_flagged": 1}
    assert status == FeeStatus.REFUND_FLAGGED and flags == ["second_payment"] and len(receipts) == 1


def test_thai_headers_and_grouped_amounts_are_read():
    data = "วันที่,เลขอ้างอิง 1,เลขอ้างอิง 2,จำนวนเงิน\n26/11/2569,abc123,rd,\"1,500.00\"\n".encode("cp874")
    [line] = parse_statement_csv(data)
    assert (line.ref1, line.ref2, line.amount) == ("ABC123", "RD", Decimal("1500.00"))


def test_a_file_without_ref1_or_amount_is_refused_with_a_thai_reason():
    with pytest.raises(StatementFormatError) as error:
        parse_statement_csv(b"Date,Description\n1/1/2026,x\n")
    assert "Ref1" in error.value.message_th

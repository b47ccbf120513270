"""Receipt numbers: one book/number sequence per school and fiscal year, no gaps, no duplicates,
even when many payments are confirmed at the same moment (PostgreSQL)."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backend.applications.models import Application
from backend.fees import service as fees
from backend.fees.models import FeeReceipt, FeeRequest, FeeStatus
from backend.fees.receipts import book_and_number, receipt_document_data
from tests.conftest import POSTGRES_URL
from tests.fees.fee_samples import add_school, add_staff, submitted


async def owed_fees(sessions, now, count: int, *, slug: str = "fees"):
    async with sessions() as session:
        school = await add_school(session, now, slug=slug, fee_due="at_submission")
        finance = await add_staff(session, school, "finance", now)
        ids = []
        for n in range(count):
            application = await submitted(session, school, now, parent_ref=f"Uparent{n}")
            fee_request = sa.select(FeeRequest.id).where(FeeRequest.application_id == application.id)
            ids.append(await session.scalar(fee_request))
        await session.commit()
    return school, finance, ids


async def confirm(sessions, fee_id: int, finance, now):
    async with sessions() as session:
        settled = await fees.confirm_by_hand(session, fee_id, amount=Decimal("50.00"), staff=finance, now=now)
        await session.commit()
        return settled


def test_books_hold_a_hundred_receipts_and_numbers_run_on():
    assert book_and_number(1, 2570) == ("1/2570", "1")
    assert book_and_number(100, 2570) == ("1/2570", "100")
    assert book_and_number(101, 2570) == ("2/2570", "101")


async def test_numbers_start_again_with_the_fiscal_year_and_per_school(sessions, clock):
    clock._now = dt.datetime(2026, 9, 30, 10, 0, tzinfo=dt.UTC)  # 30 Sep 2569 BE, fiscal 2569
    _, finance, ids = await owed_fees(sessions, clock.now(), 3)
    _, other_finance, other_ids = await owed_fees(sessions, clock.now(), 1, slug="other")
    first = await confirm(sessions, ids[0], finance, clock.now())
    second = await confirm(sessions, ids[1], finance, clock.now())
    other = await confirm(sessions, other_ids[0], other_finance, clock.now())
    # 17:00 UTC on 30 Sep is already 1 Oct in Thailand: fiscal 2570.
    new_year = await confirm(sessions, ids[2], finance, dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC))
    assert [(r.receipt.fiscal_year, r.receipt.receipt_number) for r in (first, second, other, new_year)] == [
        (2569, "1"), (2569, "2"), (2569, "1"), (2570, "1")]


async def test_the_receipt_carries_what_the_regulation_asks(sessions, clock):
    _, finance, [fee_id] = await owed_fees(sessions, clock.now(), 1)
    settled = await confirm(sessions, fee_id, finance, clock.now())
    async with sessions() as session:
        receipt = await session.get(FeeReceipt, settled.receipt.id)
        application = await session.scalar(sa.select(Application).join(
            FeeRequest, FeeRequest.application_id == Application.id).where(FeeRequest.id == fee_id))
    data = receipt_document_data(receipt, application)
    assert data["book_number"] == "1/2570" and data["receipt_number"] == "1"
    assert data["items"] == [{"description": f"ค่าธรรมเนียมออกใบแทน ปพ.1 (ระเบียนแสดงผลการเรียน) "
                                             f"(คำขอเลขที่ {application.public_number})", "amount": "50.00"}]
    assert data["subject_name"] == "นางสาวสมใจ ใจดี" and data["received_by"] == "ครูการเงิน ใจดี"


@pytest.mark.skipif(not POSTGRES_URL, reason="needs DATABASE_URL (PostgreSQL) for real concurrency")
async def test_concurrent_confirmations_take_every_number_once(sessions, clock):
    count = 40
    school, finance, ids = await owed_fees(sessions, clock.now(), count)
    # Every request confirmed at once, and a few of them twice (a second payment, no receipt).
    results = await asyncio.gather(*(confirm(sessions, fee_id, finance, clock.now()) for fee_id in ids + ids[:5]))
    async with sessions() as session:
        numbers = list(await session.scalars(sa.select(FeeReceipt.sequence).where(FeeReceipt.school_id == school.id)))
        statuses = list(await session.scalars(sa.select(FeeRequest.status)))
    assert sorted(numbers) == list(range(1, count + 1))
    assert sorted(r.outcome for r in results).count("confirmed") == count
    assert statuses.count(FeeStatus.REFUND_FLAGGED) == 5

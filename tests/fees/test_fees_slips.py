"""Slips: the mini-QR read from a photo and CRC-checked, a used reference refused, staff confirm."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backend.fees import service as fees
from backend.fees.models import (
    FeeFlag,
    FeePayment,
    FeeReceipt,
    FeeRequest,
    FeeStatus,
    PaymentMethod,
)
from backend.notices import Notice
from backend.payments.slip import SlipReference, read_slip_image
from tests.fees.fee_samples import add_school, add_staff, slip_payload, slip_photo, submitted

SLIP = SlipReference(sending_bank="014", transaction_ref="20261126A0001234567")


def test_the_slip_photo_yields_bank_and_reference():
    assert read_slip_image(slip_photo("014", "20261126A0001234567")) == SLIP


def test_a_slip_qr_with_a_wrong_crc_is_not_taken_for_a_slip():
    payload = slip_payload("014", "20261126A0001234567")
    damaged = payload[:-4] + f"{(int(payload[-4:], 16) + 1) % 0x10000:04X}"
    assert read_slip_image(slip_photo(payload=damaged)) is None


async def owed(session, now, parent_ref="Uparent"):
    school = await add_school(session, now, fee_due="at_submission")
    application = await submitted(session, school, now, parent_ref=parent_ref)
    fee = await session.scalar(sa.select(FeeRequest).where(FeeRequest.application_id == application.id))
    return school, fee


async def test_a_slip_waits_for_finance_who_confirm_it_and_a_receipt_is_numbered(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        school, fee = await owed(session, now)
        finance = await add_staff(session, school, "finance", now, name="นางการเงิน ดีมาก")
        result = await fees.receive_slip(session, school_id=school.id, parent_ref="Uparent", slip=SLIP,
                                         file_id=None, now=now)
        staff_notices = [n.kind for n in await session.scalars(
            sa.select(Notice).where(Notice.recipient_ref == finance.line_user_id))]
        settled = await fees.confirm_slip(session, result.payment.id, amount=Decimal(50), staff=finance, now=now)
        await session.commit()
        fee = await session.get(FeeRequest, fee.id)
    assert result.outcome == "received" and result.message_th == fees.MSG_SLIP_RECEIVED
    assert staff_notices == [fees.SLIP_TO_CHECK]
    assert settled.outcome == "confirmed" and fee.status == FeeStatus.PAID
    assert (settled.receipt.book_number, settled.receipt.receipt_number) == ("1/2570", "1")
    assert settled.receipt.received_by == "นางการเงิน ดีมาก"
    assert settled.receipt.payer == "นางสาวสมใจ ใจดี"  # the former student filed it herself


async def test_a_used_transaction_reference_is_refused(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        school, _ = await owed(session, now)
        first = await fees.receive_slip(session, school_id=school.id, parent_ref="Uparent", slip=SLIP,
                                        file_id=None, now=now)
        again = await fees.receive_slip(session, school_id=school.id, parent_ref="Uparent", slip=SLIP,
                                        file_id=None, now=now)
        other_application = await submitted(session, school, now, parent_ref="Uother")
        assert other_application is not None
        reused = await fees.receive_slip(session, school_id=school.id, parent_ref="Uother", slip=SLIP,
                                         file_id=None, now=now)
        flags = [f.kind for f in await session.scalars(sa.select(FeeFlag))]
        payments = list(await session.scalars(sa.select(FeePayment)))
    assert (first.outcome, again.outcome, reused.outcome) == ("received", "again", "used")
    assert reused.message_th == fees.MSG_SLIP_USED and "ใช้ซ้ำไม่ได้" in reused.message_th
    assert flags == ["duplicate_slip"] and len(payments) == 1


async def test_the_database_itself_refuses_a_second_payment_with_the_same_reference(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        _, fee = await owed(session, now)
        for _ in range(2):
            session.add(FeePayment(school_id=fee.school_id, fee_request_id=fee.id, method=PaymentMethod.SLIP,
                                   status="pending", transaction_ref=fees.slip_reference(SLIP), received_at=now))
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_a_slip_after_the_due_date_is_flagged_and_the_parent_told(sessions, clock):
    async with sessions() as session:
        school, _ = await owed(session, clock.now())
        late = clock.advance(days=8)
        result = await fees.receive_slip(session, school_id=school.id, parent_ref="Uparent", slip=SLIP,
                                         file_id=None, now=late)
        flags = [f.kind for f in await session.scalars(sa.select(FeeFlag))]
    assert result.outcome == "overdue" and "เลยกำหนดชำระ" in result.message_th
    assert flags == ["overdue_payment"]


async def test_a_wrong_amount_on_the_slip_is_flagged_and_explained_to_the_parent(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        school, fee = await owed(session, now)
        finance = await add_staff(session, school, "finance", now)
        result = await fees.receive_slip(session, school_id=school.id, parent_ref="Uparent", slip=SLIP,
                                         file_id=None, now=now)
        settled = await fees.confirm_slip(session, result.payment.id, amount=Decimal("5.00"), staff=finance, now=now)
        problem = await session.scalar(sa.select(Notice).where(Notice.kind == fees.PAYMENT_PROBLEM))
        receipts = list(await session.scalars(sa.select(FeeReceipt)))
        fee = await session.get(FeeRequest, fee.id)
    assert settled.outcome == "wrong_amount" and fee.status == FeeStatus.UNPAID and receipts == []
    assert problem.data["problem"] == "wrong_amount" and problem.data["paid"] == "5.00"


async def test_only_finance_staff_confirm(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        school, fee = await owed(session, now)
        teacher = await add_staff(session, school, "teacher", now)
        with pytest.raises(fees.FeeError):
            await fees.confirm_by_hand(session, fee.id, amount=Decimal(50), staff=teacher, now=now)

"""Fee requests: opened when the school's schedule says, with the right amount and PromptPay QR."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backend.applications import workflow
from backend.fees.models import FeeRequest, FeeStatus
from backend.fees.service import FEE_DUE
from backend.notices import Notice
from backend.payments.promptpay import PayloadKind, TargetType, parse_payload
from backend.school_config import SchoolConfigError, parse_school_config
from tests.fees.fee_samples import BILLER_ID, add_school, add_staff, approve, submitted


async def fee_of(session, application) -> FeeRequest | None:
    return await session.scalar(sa.select(FeeRequest).where(FeeRequest.application_id == application.id))


async def test_a_fee_due_after_approval_is_requested_with_the_approval_as_a_bill_payment(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        school = await add_school(session, now)
        registrar = await add_staff(session, school, "registrar", now)
        application = await submitted(session, school, now)
        assert await fee_of(session, application) is None  # nothing to pay before approval
        await approve(session, application, registrar, now)
        fee = await fee_of(session, application)
        await session.commit()
        kinds = [n.kind for n in await session.scalars(
            sa.select(Notice).where(Notice.application_id == application.id).order_by(Notice.id))]
    assert fee.amount == Decimal("50.00") and fee.status == FeeStatus.UNPAID
    assert fee.description == "ค่าธรรมเนียมออกใบแทน ปพ.1 (ระเบียนแสดงผลการเรียน)"
    payload = parse_payload(fee.payload)
    assert payload.kind == PayloadKind.BILL_PAYMENT and payload.biller_id == BILLER_ID
    assert (payload.ref1, payload.ref2, payload.amount) == (fee.ref1, "RD", Decimal("50.00"))
    assert fee.ref1.isalnum() and fee.ref1 == fee.ref1.upper() and len(fee.ref1) <= 20
    # The parent reads "approved" first, then "please pay".
    assert kinds[-2:] == ["status_changed", FEE_DUE]
    # 7 days by default, to the end of the day in Thailand.
    assert fee.due_at == dt.datetime(2026, 12, 2, 16, 59, 59, tzinfo=dt.UTC)


async def test_each_request_gets_its_own_ref1(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        school = await add_school(session, now, fee_due="at_submission")
        fees = [await fee_of(session, await submitted(session, school, now, parent_ref=f"U{n}")) for n in range(20)]
    assert len({fee.ref1 for fee in fees}) == 20


async def test_a_fee_due_at_submission_is_requested_with_the_submission(sessions, clock):
    async with sessions() as session:
        school = await add_school(session, clock.now(), fee_due="at_submission")
        application = await submitted(session, school, clock.now())
        fee = await fee_of(session, application)
    assert fee is not None and fee.amount == Decimal("50.00")


async def test_free_services_ask_nothing(sessions, clock):
    now = clock.now()
    async with sessions() as session:
        school = await add_school(session, now, fee="0")
        registrar = await add_staff(session, school, "registrar", now)
        application = await submitted(session, school, now)
        await approve(session, application, registrar, now)
        assert await fee_of(session, application) is None


async def test_venue_fee_is_the_fee_per_day_times_the_days(sessions, clock):
    now = clock.now()
    answers = {"venue": "v_hall", "requester_name": "นายสมชาย ใจดี", "first_day": "2026-12-10",
               "last_day": "2026-12-12", "purpose": "ประชุม"}
    async with sessions() as session:
        school = await add_school(session, now)
        director = await add_staff(session, school, "director", now)
        registrar = await add_staff(session, school, "registrar", now, user="Uregistrar")
        application = await submitted(session, school, now, service="venue_booking", answers=answers)
        config = parse_school_config(school.settings)
        await workflow.perform(session, application, "accept_complete", staff=registrar, now=now, config=config)
        await workflow.perform(session, application, "sign_off", staff=director, now=now, config=config)
        fee = await fee_of(session, application)
        free_room = await submitted(session, school, now, service="venue_booking", parent_ref="U2",
                                    answers={**answers, "venue": "v_room_101"})
        await workflow.perform(session, free_room, "accept_complete", staff=registrar, now=now, config=config)
        await workflow.perform(session, free_room, "sign_off", staff=director, now=now, config=config)
        assert free_room.status == "approved" and await fee_of(session, free_room) is None
    assert fee.amount == Decimal("4500.00") and fee.ref2 == "VB"
    assert fee.description == "ค่าใช้หอประชุม 3 วัน (วันละ 1,500 บาท)"


async def test_without_a_biller_id_the_qr_is_a_credit_transfer_to_the_schools_promptpay(sessions, clock):
    async with sessions() as session:
        school = await add_school(session, clock.now(), fee_due="at_submission",
                                  promptpay={"proxy_id": "0994000165501"})
        fee = await fee_of(session, await submitted(session, school, clock.now()))
    payload = parse_payload(fee.payload)
    assert payload.kind == PayloadKind.CREDIT_TRANSFER
    assert (payload.target_type, payload.target_value) == (TargetType.NATIONAL_OR_TAX_ID, "0994000165501")
    assert payload.amount == Decimal("50.00")


@pytest.mark.parametrize("promptpay", [{}, {"biller_id": "12345"}, {"proxy_id": "0812"}, {"biller_id": "x" * 15}])
def test_promptpay_settings_are_validated(promptpay):
    with pytest.raises(SchoolConfigError, match="promptpay"):
        parse_school_config({"promptpay": promptpay})

"""The bank's signed callback and inquiry (a fake bank, no network), reminders and expiry."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backend.fees import service as fees
from backend.fees.bank import (
    BankTransaction,
    CallbackMalformed,
    CallbackRejected,
    apply_bank_transaction,
    inquire_unpaid,
    read_callback,
    sign_callback,
)
from backend.fees.models import FeeFlag, FeeRequest, FeeStatus, PaymentMethod
from backend.notices import Notice
from backend.payments.slip import SlipReference
from backend.schools import School
from tests.fees.fee_samples import add_school, submitted

SECRET = b"shared-with-the-bank"


class FakeBank:
    """Answers like a bank adapter would, from what the test says the bank received."""

    def __init__(self) -> None:
        self.received: list[BankTransaction] = []
        self.questions: list[str] = []

    async def inquire(self, *, ref1: str, ref2: str | None) -> list[BankTransaction]:
        self.questions.append(ref1)
        return [t for t in self.received if t.ref1 == ref1]

    async def verify_slip(self, *, sending_bank: str, transaction_ref: str) -> BankTransaction | None:
        return next((t for t in self.received if t.sending_bank == sending_bank
                     and t.transaction_ref == transaction_ref), None)


async def owed(session, now, parent_ref="Uparent") -> FeeRequest:
    school = await session.scalar(sa.select(School).where(School.slug == "fees"))
    if school is None:
        school = await add_school(session, now, fee_due="at_submission")
    application = await submitted(session, school, now, parent_ref=parent_ref)
    return await session.scalar(sa.select(FeeRequest).where(FeeRequest.application_id == application.id))


def test_a_callback_is_read_only_with_the_right_signature():
    body = json.dumps({"transaction_ref": "KTB0001", "ref1": "abc", "ref2": "RD", "amount": "50.00"}).encode()
    transaction = read_callback(SECRET, body, sign_callback(SECRET, body))
    assert (transaction.ref1, transaction.amount) == ("ABC", Decimal("50.00"))
    for secret, signature in ((SECRET, sign_callback(b"guess", body)), (SECRET, None), (None, "x")):
        with pytest.raises(CallbackRejected):
            read_callback(secret, body, signature)
    with pytest.raises(CallbackRejected):  # a changed body no longer matches its signature
        read_callback(SECRET, body.replace(b"50.00", b"5.00"), sign_callback(SECRET, body))


async def test_a_bank_callback_pays_the_request_once(sessions, clock):
    async with sessions() as session:
        fee = await owed(session, clock.now())
        transaction = BankTransaction(transaction_ref="KTB0001", amount=Decimal("50.00"), ref1=fee.ref1, ref2="RD")
        pay = lambda t: apply_bank_transaction(session, t, school_id=fee.school_id,  # noqa: E731
                                               method=PaymentMethod.BANK_CALLBACK, now=clock.now())
        first, again = await pay(transaction), await pay(transaction)
        unknown = await pay(BankTransaction("KTB0002", Decimal(50), ref1="NOPE"))
    assert (first.outcome, again.outcome, unknown) == ("confirmed", "duplicate", None)


async def test_money_the_bank_reports_for_no_request_is_flagged_for_finance_once(sessions, clock):
    async with sessions() as session:
        fee = await owed(session, clock.now())
        pay = lambda t: apply_bank_transaction(session, t, school_id=fee.school_id,  # noqa: E731
                                               method=PaymentMethod.BANK_CALLBACK, now=clock.now())
        unknown = BankTransaction("KTB0009", Decimal("50.00"), ref1="NOPE")
        wrong_ref2 = BankTransaction("KTB0010", Decimal("50.00"), ref1=fee.ref1, ref2="ZZ")
        for transaction in (unknown, unknown, wrong_ref2):  # the bank repeats a callback
            assert await pay(transaction) is None
        flags = list(await session.scalars(sa.select(FeeFlag).order_by(FeeFlag.id)))
        fee = await session.get(FeeRequest, fee.id)
    assert [(f.kind, f.detail["transaction_ref"], f.detail["reason"]) for f in flags] == [
        ("unmatched_payment", "KTB0009", "no_such_ref1"), ("unmatched_payment", "KTB0010", "ref2_mismatch")]
    assert fee.status == FeeStatus.UNPAID


async def test_a_school_is_paid_only_by_its_own_callbacks(sessions, clock):
    async with sessions() as session:
        fee = await owed(session, clock.now())
        other = School(slug="other", name="โรงเรียนอื่น", settings={}, created_at=clock.now())
        session.add(other)
        await session.flush()
        transaction = BankTransaction("KTB0011", Decimal("50.00"), ref1=fee.ref1, ref2="RD")
        assert await apply_bank_transaction(session, transaction, school_id=other.id,
                                            method=PaymentMethod.BANK_CALLBACK, now=clock.now()) is None
        assert (await session.get(FeeRequest, fee.id)).status == FeeStatus.UNPAID


@pytest.mark.parametrize(("field", "value"), [
    ("amount", "50.001"), ("amount", "1e30"), ("amount", 1e30), ("amount", "-50"), ("amount", "0"),
    ("amount", "NaN"), ("amount", True), ("amount", None), ("amount", [50]),
    ("transaction_ref", "K" * 91), ("transaction_ref", ""), ("transaction_ref", {"a": 1}),
    ("ref1", "R" * 21), ("paid_at", "yesterday"),
])
def test_a_signed_callback_that_is_not_a_payment_we_can_take_is_malformed(field, value):
    data = {"transaction_ref": "KTB0001", "ref1": "ABC", "ref2": "RD", "amount": "50.00", field: value}
    body = json.dumps(data).encode()
    with pytest.raises(CallbackMalformed) as refused:
        read_callback(SECRET, body, sign_callback(SECRET, body))
    assert field in str(refused.value)  # the field is named; its value is not repeated


def test_a_long_transaction_reference_is_read_whole_and_distinct_ones_stay_distinct():
    refs = ["K" * 85 + "1", "K" * 85 + "2"]
    read = []
    for ref in refs:
        body = json.dumps({"transaction_ref": ref, "ref1": "ABC", "amount": 50.1}).encode()
        read.append(read_callback(SECRET, body, sign_callback(SECRET, body)))
    assert [t.transaction_ref for t in read] == refs
    assert read[0].amount == Decimal("50.10")  # a JSON number read as decimal, not as a float


async def test_an_inquiry_finds_a_payment_whose_callback_was_lost(sessions, clock):
    bank = FakeBank()
    async with sessions() as session:
        paid, unpaid = await owed(session, clock.now()), await owed(session, clock.now(), "Uother")
        bank.received.append(BankTransaction("KTB0003", Decimal("50.00"), ref1=paid.ref1, ref2="RD"))
        settled = await inquire_unpaid(session, bank, now=clock.now())
        statuses = [(await session.get(FeeRequest, f.id)).status for f in (paid, unpaid)]
    assert [s.outcome for s in settled] == ["confirmed"] and statuses == [FeeStatus.PAID, FeeStatus.UNPAID]
    assert sorted(bank.questions) == sorted([paid.ref1, unpaid.ref1])


async def test_with_a_bank_gateway_a_slip_is_verified_at_once(sessions, clock):
    bank = FakeBank()
    async with sessions() as session:
        fee = await owed(session, clock.now())
        bank.received.append(BankTransaction("0141126000123", Decimal("50.00"), sending_bank="014"))
        result = await fees.receive_slip(session, school_id=fee.school_id, parent_ref="Uparent",
                                         slip=SlipReference("014", "0141126000123"), file_id=None,
                                         now=clock.now(), gateway=bank)
        fee = await session.get(FeeRequest, fee.id)
    assert result.outcome == "confirmed" and fee.status == FeeStatus.PAID


async def test_parents_are_reminded_once_before_the_due_date_and_unpaid_requests_expire(sessions, clock):
    async with sessions() as session:
        fee = await owed(session, clock.now())
        await session.commit()

    async def sweep(at: dt.datetime) -> tuple[int, int]:
        async with sessions() as session:
            done = await fees.remind_and_expire(session, now=at)
            await session.commit()
            return done

    assert await sweep(clock.advance(days=4)) == (0, 0)  # due in 3 days: not yet
    assert await sweep(clock.advance(days=2)) == (1, 0)  # within 2 days: reminded
    assert await sweep(clock.advance(hours=1)) == (0, 0)  # once only
    assert await sweep(clock.advance(days=2)) == (0, 1)  # past the due date: expired
    async with sessions() as session:
        fee = await session.get(FeeRequest, fee.id)
        kinds = [n.kind for n in await session.scalars(sa.select(Notice).where(
            Notice.application_id == fee.application_id).order_by(Notice.id))]
    assert fee.status == FeeStatus.EXPIRED and not fees.is_payable(fee, clock.now())
    assert kinds[-3:] == [fees.FEE_DUE, fees.FEE_REMINDER, fees.FEE_EXPIRED]

"""Talking to the school's bank about payments: the signed payment callback (web/bank_callback.py),
and the interface a bank adapter would implement to answer inquiries and verify slips. No adapter
ships, so nothing in the running bot calls `inquire_unpaid` or passes a gateway to
`receive_slip` yet; tests drive both with a fake bank, never the network."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.fees.models import FeeFlag, FeeRequest, FeeStatus, FlagKind, PaymentKind, PaymentMethod
from backend.fees.service import Settlement, settle

SIGNATURE_HEADER = "X-Bank-Signature"
# What a fee can be: satang, and no school fee near a hundred million baht.
MAX_AMOUNT = Decimal("99999999.99")
# FeePayment.transaction_ref holds "bank:" and this; a longer reference is refused, never cut
# (two references cut to the same prefix would be taken for one payment).
MAX_TRANSACTION_REF = 90
MAX_BILL_REF = 20  # Ref1 and Ref2, as fee_requests keeps them


@dataclass(frozen=True)
class BankTransaction:
    """A payment as the bank reports it."""

    transaction_ref: str
    amount: Decimal
    ref1: str | None = None
    ref2: str | None = None
    paid_at: dt.datetime | None = None
    sending_bank: str | None = None


class BankGateway(Protocol):
    """What a bank adapter offers (KTB Corporate Online, a bank's slip-verification API...)."""

    async def inquire(self, *, ref1: str, ref2: str | None) -> list[BankTransaction]:
        """Payments the bank received for a bill-payment reference."""
        ...

    async def verify_slip(self, *, sending_bank: str, transaction_ref: str) -> BankTransaction | None:
        """The transfer behind a slip's mini-QR, or None if the bank does not know it."""
        ...


class CallbackRejected(ValueError):
    """The callback is not signed with the shared secret (the bank is told 401)."""


class CallbackMalformed(CallbackRejected):
    """Signed, but not a payment we can take: a bad amount or reference (the bank is told 400,
    which it does not retry). The message names the field, never its value."""


def sign_callback(secret: bytes, body: bytes) -> str:
    """Hex HMAC-SHA256 of the raw body: what the bank sends in X-Bank-Signature."""
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def _amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise CallbackMalformed("amount must be a number or a numeric string")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise CallbackMalformed("amount is not a number") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise CallbackMalformed("amount out of range")
    if amount != amount.quantize(Decimal("0.01")):
        raise CallbackMalformed("amount has more than 2 decimals")
    return amount.quantize(Decimal("0.01"))


def _text(data: dict, name: str, limit: int, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise CallbackMalformed(f"{name} missing")
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise CallbackMalformed(f"{name} must be text")
    text = str(value).strip()
    if not text or len(text) > limit or not text.isprintable():
        raise CallbackMalformed(f"{name} must be 1-{limit} printable characters")
    return text


def read_callback(secret: bytes | None, body: bytes, signature: str | None) -> BankTransaction:
    """The payment in a callback, after checking its signature over the exact bytes received."""
    if not secret:
        raise CallbackRejected("bank callbacks are not configured")
    if not signature or not hmac.compare_digest(sign_callback(secret, body), signature.strip().lower()):
        raise CallbackRejected("bad signature")
    try:
        # Numbers stay decimal (a float would turn 50.1 into 50.099999...); NaN and Infinity are refused.
        data = json.loads(body, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise CallbackMalformed("body is not JSON") from None
    if not isinstance(data, dict):
        raise CallbackMalformed("body must be a JSON object")
    paid_at = None
    if data.get("paid_at"):
        try:
            paid_at = dt.datetime.fromisoformat(str(data["paid_at"]))
        except ValueError:
            raise CallbackMalformed("paid_at is not an ISO date and time") from None
    ref1, ref2 = _text(data, "ref1", MAX_BILL_REF), _text(data, "ref2", MAX_BILL_REF)
    reference = _text(data, "transaction_ref", MAX_TRANSACTION_REF, required=True)
    assert reference is not None  # required: _text raised otherwise
    return BankTransaction(transaction_ref=reference,
                           amount=_amount(data.get("amount")), ref1=ref1.upper() if ref1 else None,
                           ref2=ref2.upper() if ref2 else None, paid_at=paid_at)


async def apply_bank_transaction(session: AsyncSession, transaction: BankTransaction, *, school_id: int,
                                 method: str, now: dt.datetime) -> Settlement | None:
    """Pay the school's request the bank names by Ref1 (and Ref2). None when there is none: the
    money is real all the same, so finance staff get a flag to place it by hand (once per
    transaction, however often the bank repeats it)."""
    request = None
    if transaction.ref1:
        request = await session.scalar(sa.select(FeeRequest).where(
            FeeRequest.school_id == school_id, FeeRequest.ref1 == transaction.ref1))
    if request is None:
        await _flag_unmatched(session, school_id, transaction, "no_such_ref1", now)
        return None
    if transaction.ref2 and transaction.ref2 != request.ref2:
        await _flag_unmatched(session, school_id, transaction, "ref2_mismatch", now)
        return None
    return await settle(session, request.id, amount=transaction.amount, method=method, now=now,
                        actor=audit.SYSTEM, transaction_ref=f"bank:{transaction.transaction_ref}")


async def _flag_unmatched(session: AsyncSession, school_id: int, transaction: BankTransaction, reason: str,
                          now: dt.datetime) -> None:
    open_flags = await session.scalars(sa.select(FeeFlag).where(
        FeeFlag.school_id == school_id, FeeFlag.kind == FlagKind.UNMATCHED_PAYMENT,
        FeeFlag.resolved_at.is_(None)))
    if any(flag.detail.get("transaction_ref") == transaction.transaction_ref for flag in open_flags):
        return
    session.add(FeeFlag(school_id=school_id, kind=FlagKind.UNMATCHED_PAYMENT, created_at=now, detail={
        "transaction_ref": transaction.transaction_ref, "ref1": transaction.ref1 or "",
        "ref2": transaction.ref2 or "", "amount": str(transaction.amount), "reason": reason}))
    await session.flush()


async def inquire_unpaid(session: AsyncSession, gateway: BankGateway, *, now: dt.datetime,
                         limit: int = 50) -> list[Settlement]:
    """Ask the bank about unpaid bill-payment requests (for when a callback was lost)."""
    requests = list(await session.scalars(
        sa.select(FeeRequest).where(FeeRequest.status == FeeStatus.UNPAID,
                                    FeeRequest.payment_kind == PaymentKind.BILL_PAYMENT)
        .order_by(FeeRequest.due_at).limit(limit)))
    settled = []
    for request in requests:
        for transaction in await gateway.inquire(ref1=request.ref1, ref2=request.ref2):
            result = await apply_bank_transaction(session, transaction, school_id=request.school_id,
                                                  method=PaymentMethod.BANK_INQUIRY, now=now)
            if result is not None and result.outcome != "duplicate":
                settled.append(result)
    return settled

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
from backend.fees.models import FeeRequest, FeeStatus, PaymentKind, PaymentMethod
from backend.fees.service import Settlement, settle

SIGNATURE_HEADER = "X-Bank-Signature"


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
    """The callback is not signed with the shared secret, or its body is not a payment."""


def sign_callback(secret: bytes, body: bytes) -> str:
    """Hex HMAC-SHA256 of the raw body: what the bank sends in X-Bank-Signature."""
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def read_callback(secret: bytes | None, body: bytes, signature: str | None) -> BankTransaction:
    """The payment in a callback, after checking its signature over the exact bytes received."""
    if not secret:
        raise CallbackRejected("bank callbacks are not configured")
    if not signature or not hmac.compare_digest(sign_callback(secret, body), signature.strip().lower()):
        raise CallbackRejected("bad signature")
    try:
        data = json.loads(body)
        amount = Decimal(str(data["amount"]))
        paid_at = dt.datetime.fromisoformat(data["paid_at"]) if data.get("paid_at") else None
        transaction = BankTransaction(transaction_ref=str(data["transaction_ref"])[:80], amount=amount,
                                      ref1=str(data.get("ref1") or "").upper() or None,
                                      ref2=str(data.get("ref2") or "").upper() or None, paid_at=paid_at)
    except (ValueError, KeyError, TypeError, InvalidOperation) as error:
        raise CallbackRejected(f"malformed body: {type(error).__name__}") from None
    if not transaction.amount.is_finite() or transaction.amount <= 0 or not transaction.transaction_ref:
        raise CallbackRejected("amount or transaction reference missing")
    return transaction


async def apply_bank_transaction(session: AsyncSession, transaction: BankTransaction, *, method: str,
                                 now: dt.datetime) -> Settlement | None:
    """Pay the request the bank names by Ref1 (and Ref2); None when no request has that Ref1."""
    if not transaction.ref1:
        return None
    request = await session.scalar(sa.select(FeeRequest).where(FeeRequest.ref1 == transaction.ref1))
    if request is None or (transaction.ref2 and transaction.ref2 != request.ref2):
        return None
    return await settle(session, request.id, amount=transaction.amount, method=method, now=now,
                        actor=audit.SYSTEM, transaction_ref=f"bank:{transaction.transaction_ref}")


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
            result = await apply_bank_transaction(session, transaction, method=PaymentMethod.BANK_INQUIRY, now=now)
            if result is not None and result.outcome != "duplicate":
                settled.append(result)
    return settled

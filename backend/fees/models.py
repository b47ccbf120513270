"""The fee tables: requests, payments, flags for finance staff, receipts and their counters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

import backend.applications.models
import backend.documents.models
import backend.schools  # noqa: F401 - registers the schools table that the foreign keys point at
from backend.db import Base, UTCDateTime
from backend.statuses import initial_status, read_only_status

_SATANG = Decimal("0.01")


def to_satang(amount: Decimal) -> int:
    """Money is kept as whole satang: exact on every database, no Decimal-on-SQLite warnings."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"amount must be a Decimal, got {type(amount).__name__}")
    amount = Decimal(amount)
    if amount != amount.quantize(_SATANG):
        raise ValueError("amount must have at most 2 decimals")
    return int(amount * 100)


def from_satang(satang: int) -> Decimal:
    return (Decimal(satang) / 100).quantize(_SATANG)


class FeeStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    EXPIRED = "expired"
    REFUND_FLAGGED = "refund_flagged"  # paid, then paid again: staff owe the parent a refund


class PaymentKind(StrEnum):
    BILL_PAYMENT = "bill_payment"  # PromptPay tag 30 with Ref1/Ref2
    CREDIT_TRANSFER = "credit_transfer"  # PromptPay tag 29 to the school's proxy ID
    AT_SCHOOL = "at_school"  # no PromptPay configured: paid at the school's finance office


class PaymentMethod(StrEnum):
    STATEMENT = "statement"  # a line of the bank's statement / bill-payment file
    BANK_CALLBACK = "bank_callback"
    BANK_INQUIRY = "bank_inquiry"
    SLIP = "slip"  # the parent's transfer slip, checked by finance staff
    MANUAL = "manual"  # finance staff confirm by hand (cash at the counter, a call to the bank)


class PaymentStatus(StrEnum):
    PENDING = "pending"  # a slip waiting for finance staff
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    WRONG_AMOUNT = "wrong_amount"
    REFUND = "refund"  # a second payment for a request already paid


class FlagKind(StrEnum):
    WRONG_AMOUNT = "wrong_amount"
    DUPLICATE_SLIP = "duplicate_slip"
    OVERDUE_PAYMENT = "overdue_payment"
    SECOND_PAYMENT = "second_payment"
    UNMATCHED_LINE = "unmatched_line"
    # Money the bank reported (callback or inquiry) for no request of the school, or with the
    # wrong Ref2: finance staff place it by hand.
    UNMATCHED_PAYMENT = "unmatched_payment"


class FeeRequest(Base):
    """What one application owes: amount, what for, until when, and the references to pay it by.

    A new request is unpaid; ``status`` is read-only and changes only through
    ``backend/fees/transitions.py``.
    """

    __tablename__ = "fee_requests"
    __table_args__ = (sa.Index("ix_fee_requests_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    # One fee per application: the unique constraint makes a second request impossible even
    # when the approval is performed twice at the same moment.
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    parent_ref: Mapped[str] = mapped_column(sa.String(128), index=True)
    service: Mapped[str] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.String(200))
    amount_satang: Mapped[int] = mapped_column(sa.BigInteger)
    ref1: Mapped[str] = mapped_column(sa.String(20), unique=True)
    ref2: Mapped[str] = mapped_column(sa.String(20))  # the fee code
    payment_kind: Mapped[str] = mapped_column(sa.String(20))
    payload: Mapped[str | None] = mapped_column(sa.Text, default=None)  # the PromptPay QR text
    # Written only by fees.transitions.change_fee_status, along a declared transition.
    _status: Mapped[str] = mapped_column("status", sa.String(16), default=FeeStatus.UNPAID)
    status = read_only_status("backend.fees.transitions")
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    expired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)

    def __init__(self, *, status: str | None = None, **columns: Any) -> None:
        status = initial_status("fee request", status, FeeStatus.UNPAID)
        super().__init__(_status=status, **columns)

    @property
    def amount(self) -> Decimal:
        return from_satang(self.amount_satang)


class FeePayment(Base):
    """Money said to have come in for a request, and how we know.

    A new payment is pending until it is decided; ``status`` is read-only and changes only
    through ``backend/fees/transitions.py``.
    """

    __tablename__ = "fee_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    fee_request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fee_requests.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(sa.String(16))
    # Written only by fees.transitions.change_payment_status, along a declared transition.
    _status: Mapped[str] = mapped_column("status", sa.String(16))
    status = read_only_status("backend.fees.transitions")
    amount_satang: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)  # a slip has none
    # The bank's transaction reference ("slip:002:0002123..."): unique, so one transfer never
    # pays twice, whoever sends its slip and however often.
    transaction_ref: Mapped[str | None] = mapped_column(sa.String(96), unique=True, default=None)
    slip_file_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("stored_files.id", ondelete="SET NULL"), default=None)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    decided_by: Mapped[str | None] = mapped_column(sa.String(64), default=None)  # audit actor
    note: Mapped[str | None] = mapped_column(sa.Text, default=None)

    def __init__(self, *, status: str | None = None, **columns: Any) -> None:
        status = initial_status("fee payment", status, PaymentStatus.PENDING)
        super().__init__(_status=status, **columns)

    @property
    def amount(self) -> Decimal | None:
        return None if self.amount_satang is None else from_satang(self.amount_satang)


class FeeFlag(Base):
    """Something finance staff must look at: a wrong amount, a reused slip, a refund owed..."""

    __tablename__ = "fee_flags"
    __table_args__ = (sa.Index("ix_fee_flags_open", "school_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    fee_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fee_requests.id", ondelete="CASCADE"), default=None, index=True)
    payment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fee_payments.id", ondelete="SET NULL"), default=None)
    kind: Mapped[str] = mapped_column(sa.String(32))
    # Amounts, references and line numbers only; no names.
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_by: Mapped[str | None] = mapped_column(sa.String(64), default=None)


class ReceiptCounter(Base):
    """The last receipt number used by a school in a fiscal year. Numbers are taken by an
    atomic UPDATE ... RETURNING in the confirming transaction: the row lock serialises
    concurrent confirmations and a rolled-back one gives its number back, so no gaps."""

    __tablename__ = "receipt_counters"

    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)  # BE
    last_number: Mapped[int] = mapped_column(sa.Integer, default=0)


class FeeReceipt(Base):
    """One receipt (Ministry of Finance regulation 2562): numbered at confirmation, its signed
    PDF issued right after by the worker (document_id set then)."""

    __tablename__ = "fee_receipts"
    __table_args__ = (sa.UniqueConstraint("school_id", "fiscal_year", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(sa.Integer)
    sequence: Mapped[int] = mapped_column(sa.Integer)  # 1, 2, 3... within the fiscal year
    book_number: Mapped[str] = mapped_column(sa.String(16))
    receipt_number: Mapped[str] = mapped_column(sa.String(16))
    fee_request_id: Mapped[int] = mapped_column(sa.ForeignKey("fee_requests.id", ondelete="CASCADE"), index=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("fee_payments.id", ondelete="CASCADE"), unique=True)
    amount_satang: Mapped[int] = mapped_column(sa.BigInteger)
    payer: Mapped[str] = mapped_column(sa.String(255))
    item: Mapped[str] = mapped_column(sa.String(255))
    received_by: Mapped[str] = mapped_column(sa.String(120))
    payment_method: Mapped[str] = mapped_column(sa.String(16))
    payment_reference: Mapped[str | None] = mapped_column(sa.String(96), default=None)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("issued_documents.id", ondelete="SET NULL"), default=None)
    # When the worker should (next) try to issue the PDF; None once issued. Failures back off.
    next_issue_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
    issue_attempts: Mapped[int] = mapped_column(sa.Integer, default=0)

    @property
    def amount(self) -> Decimal:
        return from_satang(self.amount_satang)

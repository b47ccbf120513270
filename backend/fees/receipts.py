"""Receipts: gap-free book/number per school and fiscal year, their data, and issuing the PDFs."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import notices
from backend.applications.models import Application
from backend.catalog import CATALOG, DocumentType
from backend.fees.models import FeePayment, FeeReceipt, FeeRequest, ReceiptCounter
from backend.payments.amount_words import baht_text
from backend.schools import School
from backend.thai.dates import fiscal_year_for, format_thai_date
from backend.working_days import local_date

log = logging.getLogger(__name__)

BOOK_SIZE = 100  # receipts per book, as in the paper books schools keep
RECEIPT_ISSUED = "fee_receipt_issued"
FIRST_RETRY = dt.timedelta(minutes=5)
MAX_RETRY = dt.timedelta(hours=6)

METHOD_TH = {
    "statement": "PromptPay (ตรวจจากรายการเดินบัญชี)",
    "bank_callback": "PromptPay (ธนาคารแจ้งยืนยัน)",
    "bank_inquiry": "PromptPay (ตรวจสอบกับธนาคาร)",
    "slip": "โอนเงิน (ตรวจสลิปแล้ว)",
    "manual": "ชำระที่โรงเรียน / เจ้าหน้าที่ยืนยัน",
}
_RELATIONSHIP_TH = {"father": "บิดา", "mother": "มารดา", "guardian": "ผู้ปกครอง"}


def _with_total(data: dict[str, Any]) -> None:
    """A receipt's amounts to the satang, their total, and the total in Thai words."""
    total = Decimal(0)
    for item in data["items"]:
        amount = Decimal(str(item["amount"])).quantize(Decimal("0.01"))
        if amount < 0:
            raise ValueError("receipt amounts must not be negative")
        item["amount"] = str(amount)
        total += amount
    data["total"] = str(total)
    data["total_words"] = baht_text(total)


# The one e-document no service issues: every paid fee gets one (backend/documents/templates/receipt.html).
RECEIPT = DocumentType(
    id="receipt", title_th="ใบเสร็จรับเงิน",
    required=("subject_name", "book_number", "receipt_number", "items", "received_by"),
    download_name="receipt.pdf", short_title="ใบเสร็จ", derive=_with_total, signer="finance",
)
CATALOG.add_document_type(RECEIPT, declared_in=__name__)


async def next_receipt_number(session: AsyncSession, *, school_id: int, fiscal_year: int) -> int:
    """The next number of the school's fiscal year, taken in the caller's transaction.

    The counter row is created if missing (INSERT ... ON CONFLICT DO NOTHING), then bumped with
    one UPDATE ... RETURNING: on PostgreSQL the updated row stays locked until the transaction
    ends, so concurrent confirmations queue on it and each sees the previous one's number; if the
    transaction rolls back, so does the bump, leaving no gap. SQLite serialises writers anyway.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(ReceiptCounter)
        .values(school_id=school_id, fiscal_year=fiscal_year, last_number=0)
        .on_conflict_do_nothing(index_elements=["school_id", "fiscal_year"])
    )
    number = await session.scalar(
        sa.update(ReceiptCounter)
        .where(ReceiptCounter.school_id == school_id, ReceiptCounter.fiscal_year == fiscal_year)
        .values(last_number=ReceiptCounter.last_number + 1)
        .returning(ReceiptCounter.last_number)
    )
    assert number is not None
    return int(number)


def book_and_number(sequence: int, fiscal_year: int) -> tuple[str, str]:
    """Book "1/2570" holds receipts 1–100 of fiscal 2570; numbers run on across books."""
    return f"{(sequence - 1) // BOOK_SIZE + 1}/{fiscal_year}", str(sequence)


def payer_name(application: Application) -> str:
    """Who paid, as far as the request says: the applicant's name, or whose parent they are."""
    answers = application.answers or {}
    for key in ("parent_name", "requester_name"):
        if isinstance(answers.get(key), str) and answers[key].strip():
            return answers[key].strip()
    if getattr(application, "contact_name", None):
        return str(application.contact_name)
    student = application.child_name
    relationship = answers.get("applicant_relationship")
    if student:
        if relationship == "self":
            return student
        return f"{_RELATIONSHIP_TH.get(str(relationship), 'ผู้ปกครอง')}ของ{student}"
    return f"ผู้ยื่นคำขอเลขที่ {application.public_number}"


async def create_receipt(
    session: AsyncSession, request: FeeRequest, payment: FeePayment, *, application: Application,
    received_by: str, now: dt.datetime,
) -> FeeReceipt:
    """Number the receipt for a confirmed payment; the worker issues its PDF right after."""
    fiscal_year = fiscal_year_for(local_date(now))
    sequence = await next_receipt_number(session, school_id=request.school_id, fiscal_year=fiscal_year)
    book, number = book_and_number(sequence, fiscal_year)
    receipt = FeeReceipt(
        school_id=request.school_id, fiscal_year=fiscal_year, sequence=sequence, book_number=book,
        receipt_number=number, fee_request_id=request.id, payment_id=payment.id,
        amount_satang=payment.amount_satang or request.amount_satang, payer=payer_name(application),
        item=f"{request.description} (คำขอเลขที่ {application.public_number})",
        received_by=received_by, payment_method=payment.method,
        payment_reference=request.ref1 if request.payment_kind == "bill_payment" else None,
        received_at=now, next_issue_at=now, issue_attempts=0,
    )
    session.add(receipt)
    await session.flush()
    return receipt


def receipt_document_data(receipt: FeeReceipt, application: Application) -> dict[str, Any]:
    """The data keys of the e-receipt template (RECEIPT)."""
    return {
        "subject_name": receipt.payer,
        "book_number": receipt.book_number,
        "receipt_number": receipt.receipt_number,
        "items": [{"description": receipt.item, "amount": str(receipt.amount)}],
        "received_by": receipt.received_by,
        "received_by_position": "เจ้าหน้าที่การเงิน",
        "application_number": application.public_number,
        "payment_method": METHOD_TH.get(receipt.payment_method, receipt.payment_method),
        "payment_reference": receipt.payment_reference or "",
        "fiscal_year": receipt.fiscal_year,
    }


def receipt_notice_data(receipt: FeeReceipt, request: FeeRequest, application: Application) -> dict[str, Any]:
    return {
        "receipt_id": receipt.id, "fee_request_id": request.id, "service": application.service,
        "public_number": application.public_number, "description": request.description,
        "amount": str(receipt.amount), "book_number": receipt.book_number,
        "receipt_number": receipt.receipt_number,
        "date_th": format_thai_date(local_date(receipt.received_at)),
    }


async def issue_due_receipts(sessions: async_sessionmaker[AsyncSession], issuer: Any, *, now: dt.datetime,
                             limit: int = 20) -> int:
    """Issue the signed PDF of every numbered receipt still without one, each in its own
    transaction, and tell the parent; a failure (signing not set up, say) is retried later."""
    async with sessions() as session:
        due = list(await session.scalars(
            sa.select(FeeReceipt.id).where(FeeReceipt.document_id.is_(None), FeeReceipt.next_issue_at <= now)
            .order_by(FeeReceipt.id).limit(limit)))
    issued = 0
    for receipt_id in due:
        async with sessions() as session:
            receipt = await session.get_one(FeeReceipt, receipt_id)
            request = await session.get_one(FeeRequest, receipt.fee_request_id)
            application = await session.get_one(Application, request.application_id)
            school = await session.get(School, receipt.school_id)
            try:
                document = await issuer.issue(
                    session, school=school, doc_type=RECEIPT.id,
                    data=receipt_document_data(receipt, application), application_id=application.id,
                    issued_by="system:fees", now=receipt.received_at)
            except Exception:
                await session.rollback()
                log.exception("receipt %s could not be issued", receipt_id)
                await _back_off(sessions, receipt_id, now)
                continue
            receipt.document_id = document.id
            receipt.next_issue_at = None
            notices.record_notice(session, school_id=receipt.school_id, recipient_ref=request.parent_ref,
                                  audience=notices.PARENT, kind=RECEIPT_ISSUED, application_id=application.id,
                                  now=now, data=receipt_notice_data(receipt, request, application))
            await session.commit()
            issued += 1
    return issued


async def _back_off(sessions: async_sessionmaker[AsyncSession], receipt_id: int, now: dt.datetime) -> None:
    async with sessions() as session:
        receipt = await session.get_one(FeeReceipt, receipt_id)
        receipt.issue_attempts += 1
        receipt.next_issue_at = now + min(FIRST_RETRY * 2 ** (receipt.issue_attempts - 1), MAX_RETRY)
        await session.commit()

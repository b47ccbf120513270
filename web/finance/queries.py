"""What the finance pages read: slips to check, open flags, fees to follow up, the receipt register."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications.models import Application
from backend.documents.models import IssuedDocument
from backend.fees.models import (
    FeeFlag,
    FeePayment,
    FeeReceipt,
    FeeRequest,
    FeeStatus,
    PaymentMethod,
    PaymentStatus,
)

# A page shows at most this many flags or fees; the oldest work is at the top.
PAGE_ROWS = 200


async def slips_to_check(session: AsyncSession, *, school_id: int) -> list[Any]:
    """(payment, fee request, application) of every slip waiting for staff, oldest first."""
    return list((await session.execute(
        sa.select(FeePayment, FeeRequest, Application)
        .join(FeeRequest, FeePayment.fee_request_id == FeeRequest.id)
        .join(Application, FeeRequest.application_id == Application.id)
        .where(FeePayment.school_id == school_id, FeePayment.method == PaymentMethod.SLIP,
               FeePayment.status == PaymentStatus.PENDING)
        .order_by(FeePayment.received_at))).all())


async def open_flags(session: AsyncSession, *, school_id: int) -> list[Any]:
    """(flag, fee request or None) of the flags not yet resolved, newest first."""
    return list((await session.execute(
        sa.select(FeeFlag, FeeRequest).outerjoin(FeeRequest, FeeFlag.fee_request_id == FeeRequest.id)
        .where(FeeFlag.school_id == school_id, FeeFlag.resolved_at.is_(None))
        .order_by(FeeFlag.id.desc()).limit(PAGE_ROWS))).all())


async def fee_requests(session: AsyncSession, *, school_id: int, search: str | None) -> list[Any]:
    """(fee request, application): the one a search names (ref1 or request number), else those
    still to follow up (unpaid, expired, to refund), by due date."""
    statement = (sa.select(FeeRequest, Application)
                 .join(Application, FeeRequest.application_id == Application.id)
                 .where(FeeRequest.school_id == school_id))
    if search and search.strip():
        term = search.strip().upper()
        statement = statement.where(sa.or_(FeeRequest.ref1 == term, Application.public_number == term))
    else:
        statement = statement.where(FeeRequest.status.in_([FeeStatus.UNPAID, FeeStatus.EXPIRED,
                                                           FeeStatus.REFUND_FLAGGED]))
    return list((await session.execute(statement.order_by(FeeRequest.due_at).limit(PAGE_ROWS))).all())


async def receipt_register(session: AsyncSession, *, school_id: int, fiscal_year: int) -> list[FeeReceipt]:
    """The fiscal year's receipts in their book order."""
    return list(await session.scalars(
        sa.select(FeeReceipt).where(FeeReceipt.school_id == school_id, FeeReceipt.fiscal_year == fiscal_year)
        .order_by(FeeReceipt.sequence)))


async def receipt_codes(session: AsyncSession, receipts: list[FeeReceipt]) -> dict[int, str]:
    """The verify code of each receipt's e-document, by receipt id."""
    ids = [r.document_id for r in receipts if r.document_id]
    if not ids:
        return {}
    documents = {d.id: d.code for d in await session.scalars(
        sa.select(IssuedDocument).where(IssuedDocument.id.in_(ids)))}
    return {r.id: documents.get(r.document_id, "") for r in receipts if r.document_id}

"""Finance staff pages under /staff/fees: slips to check, flags, unpaid fees, the bank statement
import, confirming by hand, and the receipt register with its CSV export."""

from __future__ import annotations

from collections.abc import Awaitable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.fees import service as fees
from backend.fees.models import FeePayment, FeeRequest
from backend.fees.receipts import METHOD_TH
from backend.fees.statement import StatementFormatError, import_statement
from backend.files.service import StoredFileNotFound
from backend.payments.money import AmountFormatError, baht_with_satang, parse_amount
from backend.schools import School
from backend.staff import Role, StaffMember
from backend.thai.dates import fiscal_year_for
from backend.working_days import local_date
from web.finance import queries
from web.runtime import DbSession, Now, Runtime
from web.staff import export, flash, presentation
from web.staff.dependencies import (
    STAFF_PREFIX,
    CheckedForm,
    CurrentStaff,
    SignedInStaff,
    StaffForFile,
)
from web.staff.pages import render, staff_templates

FEES = f"{STAFF_PREFIX}/fees"
MAX_STATEMENT_BYTES = 5 * 1024 * 1024
# The statement file plus the form's other fields and the multipart framing around them.
MAX_STATEMENT_UPLOAD_BYTES = MAX_STATEMENT_BYTES + 64 * 1024
FINANCE = {Role.FINANCE.value, Role.ADMIN.value}

FLAG_TH = {
    "wrong_amount": "ยอดเงินไม่ตรง",
    "duplicate_slip": "สลิปซ้ำ (เลขอ้างอิงเคยใช้แล้ว)",
    "overdue_payment": "ชำระหลังครบกำหนด",
    "second_payment": "ชำระซ้ำ ต้องคืนเงิน",
    "unmatched_line": "รายการเดินบัญชีที่จับคู่ไม่ได้",
    "unmatched_payment": "เงินเข้าจากธนาคารที่จับคู่กับรายการไม่ได้",
}
UNMATCHED_REASON_TH = {"no_such_ref1": "ไม่พบรายการที่มี Ref.1 นี้", "ref2_mismatch": "Ref.2 ไม่ตรงกับรายการ"}
FEE_STATUS_TH = {"unpaid": "รอชำระ", "paid": "ชำระแล้ว", "expired": "เลยกำหนด", "refund_flagged": "ต้องคืนเงิน"}
OUTCOME_TH = {"confirmed": "ยืนยันแล้ว ออกใบเสร็จ", "already_recorded": "นำเข้าแล้วก่อนหน้านี้",
              "wrong_amount": "ยอดเงินไม่ตรง", "refund_flagged": "ชำระซ้ำ ต้องคืนเงิน", "unmatched": "จับคู่ไม่ได้"}
# What staff read after an action, by its code (the URL carries the code, never the text): a
# payment's settlement outcome, or the action done.
DONE_TH = {"confirmed": "ยืนยันการชำระแล้ว ระบบจะส่งใบเสร็จให้ผู้ปกครองทาง LINE ค่ะ",
           "wrong_amount": "บันทึกแล้ว: ยอดเงินไม่ตรง ระบบแจ้งผู้ปกครองแล้วค่ะ",
           "refund_flagged": "บันทึกแล้ว: ชำระซ้ำ ต้องคืนเงินค่ะ",
           "duplicate": "รายการนี้บันทึกไปแล้วค่ะ",
           "slip_rejected": "บันทึกแล้ว ระบบแจ้งผู้ปกครองแล้วค่ะ",
           "flag_resolved": "ปิดรายการแล้วค่ะ"}
RECEIPT_COLUMNS = ("ปีงบประมาณ", "เล่มที่", "เลขที่", "วันที่", "ผู้ชำระ", "รายการ", "จำนวนเงิน (บาท)",
                   "วิธีชำระ", "ผู้รับเงิน", "รหัสตรวจสอบเอกสาร")


def _cell(value: object) -> object:
    # A cell starting with = + - @ would run as a formula when the file is opened in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


# Our pages extend the staff pages' base.html: same header, tabs and styles.
templates = staff_templates(Path(__file__).parent / "templates")
templates.env.filters.update(money=baht_with_satang)
templates.env.globals.update(FLAG_TH=FLAG_TH, FEE_STATUS_TH=FEE_STATUS_TH, OUTCOME_TH=OUTCOME_TH,
                             METHOD_TH=METHOD_TH, UNMATCHED_REASON_TH=UNMATCHED_REASON_TH)


def _finance_only(staff: SignedInStaff) -> SignedInStaff:
    if staff.member.role not in FINANCE:
        raise HTTPException(403, "หน้านี้สำหรับเจ้าหน้าที่การเงินค่ะ")
    return staff


def finance_staff(staff: CurrentStaff) -> SignedInStaff:
    return _finance_only(staff)


def finance_staff_for_file(staff: StaffForFile) -> SignedInStaff:
    return _finance_only(staff)


# Signed-in staff in the finance (or admin) role; other staff get 403.
FinanceStaff = Annotated[SignedInStaff, Depends(finance_staff)]
FinanceStaffForFile = Annotated[SignedInStaff, Depends(finance_staff_for_file)]

router = APIRouter(prefix=FEES, include_in_schema=False)


def page(request: Request, name: str, staff: SignedInStaff, **context: Any) -> Response:
    return render(templates, request, name, staff, nav="fees", **context)


async def _done(db: AsyncSession, runtime: Runtime, staff: SignedInStaff, action: Awaitable[str]) -> RedirectResponse:
    """Run one finance action: committed and its message shown (by its code in DONE_TH), or its
    Thai refusal shown (kept on the server under a code, web/staff/flash.py)."""
    try:
        done = await action
    except fees.FeeError as error:
        return await flash.refused(runtime.state, staff_id=staff.member.id, url=FEES, text=error.message_th)
    except AmountFormatError as error:
        return await flash.refused(runtime.state, staff_id=staff.member.id, url=FEES, text=error.user_message)
    await db.commit()
    return RedirectResponse(f"{FEES}?{urlencode({'done': done})}", status_code=303)


def _amount(form: Any) -> Decimal:
    return parse_amount(str(form.get("amount") or ""))


@router.get("", name="staff_fees")
async def overview(request: Request, staff: FinanceStaff, db: DbSession, runtime: Runtime, done: str | None = None,
                   error: str | None = None, q: str | None = None) -> Response:
    member = staff.member
    school_id = member.school_id
    slips = await queries.slips_to_check(db, school_id=school_id)
    requests = await queries.fee_requests(db, school_id=school_id, search=q)
    # The page names payers and children: every view is in the audit log.
    audit.record(db, school_id=school_id, actor=member.actor, action="fees_viewed", subject=f"school:{school_id}",
                 at=runtime.clock.now(), detail={"slips": len(slips), "requests": len(requests)})
    await db.commit()
    return page(request, "fees.html", staff, school=await db.get(School, school_id), slips=slips,
                flags=await queries.open_flags(db, school_id=school_id), requests=requests,
                done=DONE_TH.get(done or ""), q=q or "",
                error=await flash.recall(runtime.state, staff_id=staff.member.id, code=error))


@router.post("/statement", max_body_size=MAX_STATEMENT_UPLOAD_BYTES)
async def upload_statement(request: Request, staff: FinanceStaff, form: CheckedForm, db: DbSession,
                           runtime: Runtime, now: Now) -> Response:
    member = staff.member
    upload = form.get("statement")
    refuse = lambda text: flash.refused(runtime.state, staff_id=member.id, url=FEES, text=text)  # noqa: E731
    if upload is None or not hasattr(upload, "read"):
        return await refuse("กรุณาเลือกไฟล์รายการเดินบัญชี (CSV) ค่ะ")
    data = await upload.read(MAX_STATEMENT_BYTES + 1)
    if len(data) > MAX_STATEMENT_BYTES:
        return await refuse("ไฟล์ใหญ่เกิน 5 MB ค่ะ")
    try:
        report = await import_statement(db, school_id=member.school_id, data=data, actor=member.actor,
                                        received_by=member.display_name, now=now)
    except StatementFormatError as problem:
        return await refuse(problem.message_th)
    audit.record(db, school_id=member.school_id, actor=member.actor, action="fee_statement_imported",
                 subject=f"school:{member.school_id}", at=now, detail=report.counts)
    await db.commit()
    return page(request, "fees_statement.html", staff, school=await db.get(School, member.school_id),
                report=report)


async def _own_payment(db: AsyncSession, payment_id: int, member: StaffMember) -> int:
    payment = await db.get(FeePayment, payment_id)
    if payment is None or payment.school_id != member.school_id:
        raise fees.FeeError("not found", "ไม่พบสลิปนี้ค่ะ")
    return payment.id


@router.post("/payments/{payment_id}/confirm")
async def confirm_slip(payment_id: int, staff: FinanceStaff, form: CheckedForm, db: DbSession,
                       runtime: Runtime, now: Now) -> Response:
    async def confirm() -> str:
        settled = await fees.confirm_slip(db, await _own_payment(db, payment_id, staff.member),
                                          amount=_amount(form), staff=staff.member, now=now)
        return settled.outcome
    return await _done(db, runtime, staff, confirm())


@router.post("/payments/{payment_id}/reject")
async def reject_slip(payment_id: int, staff: FinanceStaff, form: CheckedForm, db: DbSession,
                      runtime: Runtime, now: Now) -> Response:
    async def reject() -> str:
        await fees.reject_slip(db, await _own_payment(db, payment_id, staff.member),
                               reason=str(form.get("reason") or ""), staff=staff.member, now=now)
        return "slip_rejected"
    return await _done(db, runtime, staff, reject())


@router.post("/requests/{request_id}/confirm")
async def confirm_by_hand(request_id: int, staff: FinanceStaff, form: CheckedForm, db: DbSession,
                          runtime: Runtime, now: Now) -> Response:
    async def confirm() -> str:
        fee = await db.get(FeeRequest, request_id)
        if fee is None or fee.school_id != staff.member.school_id:
            raise fees.FeeError("not found", "ไม่พบรายการค่าธรรมเนียมนี้ค่ะ")
        settled = await fees.confirm_by_hand(db, request_id, amount=_amount(form), staff=staff.member,
                                             now=now, note=str(form.get("note") or ""))
        return settled.outcome
    return await _done(db, runtime, staff, confirm())


@router.post("/flags/{flag_id}/resolve")
async def resolve_flag(flag_id: int, staff: FinanceStaff, form: CheckedForm, db: DbSession,
                       runtime: Runtime, now: Now) -> Response:
    async def resolve() -> str:
        await fees.resolve_flag(db, flag_id, staff=staff.member, now=now)
        return "flag_resolved"
    return await _done(db, runtime, staff, resolve())


@router.get("/slips/{payment_id}")
async def slip_image(payment_id: int, staff: FinanceStaffForFile, db: DbSession, runtime: Runtime,
                     now: Now) -> Response:
    member = staff.member
    payment = await db.get(FeePayment, payment_id)
    if payment is None or payment.school_id != member.school_id or payment.slip_file_id is None:
        raise HTTPException(404)
    try:
        data, content_type = await runtime.files.read(db, payment.slip_file_id, school_id=member.school_id)
    except StoredFileNotFound:
        raise HTTPException(404) from None
    audit.record(db, school_id=member.school_id, actor=member.actor, action="fee_slip_viewed",
                 subject=audit.file_subject(payment.slip_file_id), at=now, detail={"payment_id": payment.id})
    await db.commit()
    return Response(data, media_type=content_type, headers={"cache-control": "private, no-store",
                                                            "x-content-type-options": "nosniff"})


def fiscal_year(now: Now, year: int | None = None) -> int:
    return year or fiscal_year_for(local_date(now))


# The fiscal year asked for (?year=), else the current one.
FiscalYear = Annotated[int, Depends(fiscal_year)]


@router.get("/receipts", name="staff_fee_receipts")
async def register(request: Request, staff: FinanceStaff, year: FiscalYear, db: DbSession, now: Now) -> Response:
    member = staff.member
    receipts = await queries.receipt_register(db, school_id=member.school_id, fiscal_year=year)
    # The register names every payer: who looked is in the audit log, as for the export.
    audit.record(db, school_id=member.school_id, actor=member.actor, action="fee_receipts_viewed",
                 subject=f"school:{member.school_id}", at=now, detail={"fiscal_year": year, "rows": len(receipts)})
    await db.commit()
    return page(request, "fees_receipts.html", staff, school=await db.get(School, staff.member.school_id),
                receipts=receipts, year=year, total=sum((r.amount for r in receipts), Decimal(0)),
                codes=await queries.receipt_codes(db, receipts))


@router.get("/receipts.csv")
async def register_csv(staff: FinanceStaff, year: FiscalYear, db: DbSession, now: Now) -> Response:
    member = staff.member
    receipts = await queries.receipt_register(db, school_id=member.school_id, fiscal_year=year)
    codes = await queries.receipt_codes(db, receipts)
    audit.record(db, school_id=member.school_id, actor=member.actor, action="fee_receipts_exported",
                 subject=f"school:{member.school_id}", at=now,
                 detail={"fiscal_year": year, "rows": len(receipts)})
    await db.commit()
    rows = [[r.fiscal_year, r.book_number, r.receipt_number, presentation.thai_date(r.received_at),
             _cell(r.payer), _cell(r.item), f"{r.amount:.2f}",
             METHOD_TH.get(r.payment_method, r.payment_method), _cell(r.received_by), codes.get(r.id, "")]
            for r in receipts]
    return Response(export.to_csv(rows, RECEIPT_COLUMNS), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="receipts-{year}.csv"', "cache-control": "no-store"})

"""Finance staff pages under /staff/fees: slips to check, flags, unpaid fees, the bank statement
import, confirming by hand, and the receipt register with its CSV export."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.applications.models import Application
from backend.fees import service as fees
from backend.fees.models import (
    FeeFlag,
    FeePayment,
    FeeReceipt,
    FeeRequest,
    FeeStatus,
    PaymentMethod,
    PaymentStatus,
)
from backend.fees.receipts import METHOD_TH
from backend.fees.statement import StatementFormatError, import_statement
from backend.files.service import StoredFileNotFound
from backend.payments.money import AmountFormatError, parse_amount
from backend.schools import School
from backend.staff import Role, StaffMember
from web.staff import export, presentation
from web.staff.auth import SignInRequired, StaffGate, StaffPagesConfig, StaffSession
from backend.thai.dates import fiscal_year_for
from backend.working_days import local_date

HERE = Path(__file__).parent
STAFF_TEMPLATES = HERE.parent / "staff" / "templates"
MAX_STATEMENT_BYTES = 5 * 1024 * 1024
FINANCE = {Role.FINANCE.value, Role.ADMIN.value}

FLAG_TH = {
    "wrong_amount": "ยอดเงินไม่ตรง",
    "duplicate_slip": "สลิปซ้ำ (เลขอ้างอิงเคยใช้แล้ว)",
    "overdue_payment": "ชำระหลังครบกำหนด",
    "second_payment": "ชำระซ้ำ ต้องคืนเงิน",
    "unmatched_line": "รายการเดินบัญชีที่จับคู่ไม่ได้",
}
FEE_STATUS_TH = {"unpaid": "รอชำระ", "paid": "ชำระแล้ว", "expired": "เลยกำหนด", "refund_flagged": "ต้องคืนเงิน"}
OUTCOME_TH = {"confirmed": "ยืนยันแล้ว ออกใบเสร็จ", "already_recorded": "นำเข้าแล้วก่อนหน้านี้",
              "wrong_amount": "ยอดเงินไม่ตรง", "refund_flagged": "ชำระซ้ำ ต้องคืนเงิน", "unmatched": "จับคู่ไม่ได้"}
RECEIPT_COLUMNS = ("ปีงบประมาณ", "เล่มที่", "เลขที่", "วันที่", "ผู้ชำระ", "รายการ", "จำนวนเงิน (บาท)",
                   "วิธีชำระ", "ผู้รับเงิน", "รหัสตรวจสอบเอกสาร")


def _money(value: Any) -> str:
    return f"{Decimal(str(value)):,.2f}"


def _cell(value: object) -> object:
    # A cell starting with = + - @ would run as a formula when the file is opened in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def create_finance_router(config: StaffPagesConfig, *, prefix: str = "/staff") -> APIRouter:
    router = APIRouter(prefix=f"{prefix}/fees", include_in_schema=False)
    templates = Jinja2Templates(directory=HERE / "templates")
    # Our pages extend the staff pages' base.html: same header, tabs and styles.
    templates.env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(HERE / "templates"),
                                                jinja2.FileSystemLoader(STAFF_TEMPLATES)])
    templates.env.filters.update(thai_date=presentation.thai_date, thai_datetime=presentation.thai_datetime,
                                 money=_money)
    templates.env.globals.update(base=prefix, ROLE_TH=presentation.ROLE_TH, FLAG_TH=FLAG_TH,
                                 FEE_STATUS_TH=FEE_STATUS_TH, OUTCOME_TH=OUTCOME_TH, METHOD_TH=METHOD_TH)
    gate = StaffGate(config.session_secret, prefix=prefix)

    def runtime(request: Request) -> Any:
        return request.app.state.runtime

    async def finance_member(request: Request, session: AsyncSession) -> tuple[StaffMember, StaffSession]:
        member, staff_session = await gate.signed_in(request, session)
        if member.role not in FINANCE:
            raise HTTPException(403, "หน้านี้สำหรับเจ้าหน้าที่การเงินค่ะ")
        return member, staff_session

    check_csrf = gate.check_csrf

    def page(request: Request, name: str, member: StaffMember, staff_session: StaffSession, **context: Any) -> Response:
        response = templates.TemplateResponse(request, name, {
            "me": member, "csrf": staff_session.csrf_token(config.session_secret), "nav": "fees", **context})
        response.headers["cache-control"] = "no-store"
        return response

    def back(message: str | None = None, error: str | None = None) -> RedirectResponse:
        query = {k: v for k, v in (("done", message), ("error", error)) if v}
        return RedirectResponse(f"{prefix}/fees" + (f"?{urlencode(query)}" if query else ""), status_code=303)

    @router.get("", name="staff_fees")
    async def overview(request: Request, done: str | None = None, error: str | None = None,
                       q: str | None = None) -> Response:
        async with runtime(request).sessions() as session:
            member, staff_session = await finance_member(request, session)
            school = await session.get(School, member.school_id)
            slips = list((await session.execute(
                sa.select(FeePayment, FeeRequest, Application)
                .join(FeeRequest, FeePayment.fee_request_id == FeeRequest.id)
                .join(Application, FeeRequest.application_id == Application.id)
                .where(FeePayment.school_id == member.school_id, FeePayment.method == PaymentMethod.SLIP,
                       FeePayment.status == PaymentStatus.PENDING)
                .order_by(FeePayment.received_at))).all())
            flags = list((await session.execute(
                sa.select(FeeFlag, FeeRequest).outerjoin(FeeRequest, FeeFlag.fee_request_id == FeeRequest.id)
                .where(FeeFlag.school_id == member.school_id, FeeFlag.resolved_at.is_(None))
                .order_by(FeeFlag.id.desc()).limit(200))).all())
            statement = (sa.select(FeeRequest, Application).join(Application, FeeRequest.application_id == Application.id)
                         .where(FeeRequest.school_id == member.school_id))
            if q and q.strip():
                term = q.strip().upper()
                statement = statement.where(sa.or_(FeeRequest.ref1 == term, Application.public_number == term))
            else:
                statement = statement.where(FeeRequest.status.in_([FeeStatus.UNPAID, FeeStatus.EXPIRED,
                                                                   FeeStatus.REFUND_FLAGGED]))
            requests = list((await session.execute(statement.order_by(FeeRequest.due_at).limit(200))).all())
        return page(request, "fees.html", member, staff_session, school=school, slips=slips, flags=flags,
                    requests=requests, done=done, error=error, q=q or "")

    @router.post("/statement")
    async def upload_statement(request: Request) -> Response:
        # The context closes the uploaded file's temporary storage when the request is done.
        async with request.form() as form:
            return await _import(request, form)

    async def _import(request: Request, form: Any) -> Response:
        async with runtime(request).sessions() as session:
            member, staff_session = await finance_member(request, session)
            check_csrf(staff_session, form)
            upload = form.get("statement")
            if upload is None or not hasattr(upload, "read"):
                return back(error="กรุณาเลือกไฟล์รายการเดินบัญชี (CSV) ค่ะ")
            data = await upload.read(MAX_STATEMENT_BYTES + 1)
            if len(data) > MAX_STATEMENT_BYTES:
                return back(error="ไฟล์ใหญ่เกิน 5 MB ค่ะ")
            now = runtime(request).clock.now()
            try:
                report = await import_statement(session, school_id=member.school_id, data=data, actor=member.actor,
                                                received_by=member.display_name, now=now)
            except StatementFormatError as problem:
                return back(error=problem.message_th)
            audit.record(session, school_id=member.school_id, actor=member.actor, action="fee_statement_imported",
                         subject=f"school:{member.school_id}", at=now, detail=report.counts)
            await session.commit()
            school = await session.get(School, member.school_id)
        return page(request, "fees_statement.html", member, staff_session, school=school, report=report)

    async def _act(request: Request, work) -> Response:
        form = await request.form()
        async with runtime(request).sessions() as session:
            member, staff_session = await finance_member(request, session)
            check_csrf(staff_session, form)
            try:
                message = await work(session, member, form, runtime(request).clock.now())
            except fees.FeeError as error:
                return back(error=error.message_th)
            except AmountFormatError as error:
                return back(error=error.user_message)
            await session.commit()
        return back(message)

    def _outcome_text(settled: fees.Settlement) -> str:
        return {"confirmed": "ยืนยันการชำระแล้ว ระบบจะส่งใบเสร็จให้ผู้ปกครองทาง LINE ค่ะ",
                "wrong_amount": "บันทึกแล้ว: ยอดเงินไม่ตรง ระบบแจ้งผู้ปกครองแล้วค่ะ",
                "refund_flagged": "บันทึกแล้ว: ชำระซ้ำ ต้องคืนเงินค่ะ",
                "duplicate": "รายการนี้บันทึกไปแล้วค่ะ"}[settled.outcome]

    @router.post("/payments/{payment_id}/confirm")
    async def confirm_slip(request: Request, payment_id: int) -> Response:
        async def work(session, member, form, now):
            settled = await fees.confirm_slip(session, await _own_payment(session, payment_id, member),
                                              amount=parse_amount(str(form.get("amount") or "")), staff=member, now=now)
            return _outcome_text(settled)
        return await _act(request, work)

    @router.post("/payments/{payment_id}/reject")
    async def reject_slip(request: Request, payment_id: int) -> Response:
        async def work(session, member, form, now):
            await fees.reject_slip(session, await _own_payment(session, payment_id, member),
                                   reason=str(form.get("reason") or ""), staff=member, now=now)
            return "บันทึกแล้ว ระบบแจ้งผู้ปกครองแล้วค่ะ"
        return await _act(request, work)

    @router.post("/requests/{request_id}/confirm")
    async def confirm_by_hand(request: Request, request_id: int) -> Response:
        async def work(session, member, form, now):
            fee = await session.get(FeeRequest, request_id)
            if fee is None or fee.school_id != member.school_id:
                raise fees.FeeError("not found", "ไม่พบรายการค่าธรรมเนียมนี้ค่ะ")
            settled = await fees.confirm_by_hand(session, request_id, amount=parse_amount(str(form.get("amount") or "")),
                                                 staff=member, now=now, note=str(form.get("note") or ""))
            return _outcome_text(settled)
        return await _act(request, work)

    @router.post("/flags/{flag_id}/resolve")
    async def resolve_flag(request: Request, flag_id: int) -> Response:
        async def work(session, member, form, now):
            await fees.resolve_flag(session, flag_id, staff=member, now=now)
            return "ปิดรายการแล้วค่ะ"
        return await _act(request, work)

    @router.get("/slips/{payment_id}")
    async def slip_image(request: Request, payment_id: int) -> Response:
        async with runtime(request).sessions() as session:
            try:
                member, _ = await finance_member(request, session)
            except SignInRequired:
                raise HTTPException(401) from None
            payment = await session.get(FeePayment, payment_id)
            if payment is None or payment.school_id != member.school_id or payment.slip_file_id is None:
                raise HTTPException(404)
            try:
                data, content_type = await runtime(request).files.read(session, payment.slip_file_id,
                                                                       school_id=member.school_id)
            except StoredFileNotFound:
                raise HTTPException(404) from None
            audit.record(session, school_id=member.school_id, actor=member.actor, action="fee_slip_viewed",
                         subject=audit.file_subject(payment.slip_file_id), at=runtime(request).clock.now(),
                         detail={"payment_id": payment.id})
            await session.commit()
        return Response(data, media_type=content_type, headers={"cache-control": "private, no-store",
                                                                "x-content-type-options": "nosniff"})

    async def _register(session: AsyncSession, school_id: int, year: int) -> list[FeeReceipt]:
        return list(await session.scalars(sa.select(FeeReceipt).where(
            FeeReceipt.school_id == school_id, FeeReceipt.fiscal_year == year).order_by(FeeReceipt.sequence)))

    def _year(request: Request, year: int | None) -> int:
        return year or fiscal_year_for(local_date(runtime(request).clock.now()))

    @router.get("/receipts", name="staff_fee_receipts")
    async def register(request: Request, year: int | None = None) -> Response:
        async with runtime(request).sessions() as session:
            member, staff_session = await finance_member(request, session)
            school = await session.get(School, member.school_id)
            receipts = await _register(session, member.school_id, _year(request, year))
            codes = await _codes(session, receipts)
        total = sum((r.amount for r in receipts), Decimal(0))
        return page(request, "fees_receipts.html", member, staff_session, school=school, receipts=receipts,
                    year=_year(request, year), total=total, codes=codes)

    @router.get("/receipts.csv")
    async def register_csv(request: Request, year: int | None = None) -> Response:
        async with runtime(request).sessions() as session:
            member, _ = await finance_member(request, session)
            fiscal_year = _year(request, year)
            receipts = await _register(session, member.school_id, fiscal_year)
            codes = await _codes(session, receipts)
            audit.record(session, school_id=member.school_id, actor=member.actor, action="fee_receipts_exported",
                         subject=f"school:{member.school_id}", at=runtime(request).clock.now(),
                         detail={"fiscal_year": fiscal_year, "rows": len(receipts)})
            await session.commit()
        rows = [[r.fiscal_year, r.book_number, r.receipt_number, presentation.thai_date(r.received_at),
                 _cell(r.payer), _cell(r.item), f"{r.amount:.2f}", METHOD_TH.get(r.payment_method, r.payment_method),
                 _cell(r.received_by), codes.get(r.id, "")] for r in receipts]
        return Response(export.to_csv(rows, RECEIPT_COLUMNS), media_type="text/csv; charset=utf-8", headers={
            "content-disposition": f'attachment; filename="receipts-{fiscal_year}.csv"', "cache-control": "no-store"})

    return router


async def _own_payment(session: AsyncSession, payment_id: int, member: StaffMember) -> int:
    payment = await session.get(FeePayment, payment_id)
    if payment is None or payment.school_id != member.school_id:
        raise fees.FeeError("not found", "ไม่พบสลิปนี้ค่ะ")
    return payment.id


async def _codes(session: AsyncSession, receipts: list[FeeReceipt]) -> dict[int, str]:
    from backend.documents.models import IssuedDocument

    ids = [r.document_id for r in receipts if r.document_id]
    if not ids:
        return {}
    documents = {d.id: d.code for d in await session.scalars(sa.select(IssuedDocument).where(IssuedDocument.id.in_(ids)))}
    return {r.id: documents.get(r.document_id, "") for r in receipts if r.document_id}

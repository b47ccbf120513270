"""Fee requests and their payments: opening a request when its fee falls due, settling payments
however they are proved, flags for finance staff, reminders and expiry."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit, notices
from backend.applications.models import Application
from backend.fees.models import (
    FeeFlag,
    FeePayment,
    FeeReceipt,
    FeeRequest,
    FeeStatus,
    FlagKind,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    to_satang,
)
from backend.fees.receipts import create_receipt
from backend.fees.schedule import AFTER_APPROVAL, AT_SUBMISSION, quote  # noqa: F401 - the hooks' moments
from backend.fees.transitions import FeeEvent, change_fee_status, change_payment_status
from backend.payments.promptpay import bill_payment_payload, credit_transfer_payload
from backend.payments.slip import SlipReference
from backend.school_config import SchoolConfig, parse_school_config
from backend.schools import School
from backend.staff import Role, StaffMember, staff_for_role
from backend.thai.dates import format_thai_date
from backend.working_days import BANGKOK, local_date

# Notice kinds (rendered by the edge: bot/fees.py).
FEE_DUE = "fee_due"
FEE_REMINDER = "fee_reminder"
FEE_EXPIRED = "fee_expired"
PAYMENT_PROBLEM = "fee_payment_problem"
SLIP_TO_CHECK = "fee_slip_to_check"  # to finance staff
FEE_FLAGGED = "fee_flagged"  # to finance staff

# Crockford's base32 (no I, L, O, U): only A–Z and 0–9, as banks require of Ref1, and nothing
# that is misread when a parent types the reference into a banking app by hand.
REF1_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REF1_LENGTH = 10
FINANCE_ROLES = (Role.FINANCE.value,)
DEFAULT_RECEIVER = "เจ้าหน้าที่การเงิน"

# What the parent reads, kept here so the chat and the tests use the same words.
MSG_SLIP_RECEIVED = ("ได้รับสลิปการโอนเงินแล้วค่ะ เจ้าหน้าที่การเงินจะตรวจสอบยอดเงิน "
                     "แล้วส่งใบเสร็จรับเงินให้ในแชตนี้ค่ะ")
MSG_SLIP_AGAIN = "ได้รับสลิปนี้ไว้แล้วค่ะ ไม่ต้องส่งซ้ำนะคะ เจ้าหน้าที่การเงินกำลังตรวจสอบค่ะ"
MSG_SLIP_USED = ("สลิปนี้เคยถูกใช้แจ้งชำระเงินแล้วค่ะ จึงใช้ซ้ำไม่ได้ "
                 "หากเป็นการโอนครั้งใหม่ กรุณาส่งสลิปของการโอนครั้งนั้นค่ะ "
                 "ถ้ามีข้อสงสัย เจ้าหน้าที่การเงินจะติดต่อกลับค่ะ")
MSG_SLIP_OVERDUE = ("ได้รับสลิปแล้วค่ะ แต่รายการชำระนี้เลยกำหนดชำระแล้ว "
                    "เจ้าหน้าที่การเงินจะตรวจสอบและติดต่อกลับค่ะ")
MSG_SLIP_ALREADY_PAID = ("ค่าธรรมเนียมของคำขอนี้ชำระเรียบร้อยแล้วค่ะ "
                         "หากคุณโอนเงินซ้ำ เจ้าหน้าที่การเงินจะตรวจสอบและติดต่อเพื่อคืนเงินค่ะ")
MSG_SLIP_CONFIRMED = "ตรวจสอบกับธนาคารแล้ว ชำระเงินเรียบร้อยค่ะ ใบเสร็จรับเงินจะส่งให้ในแชตนี้ค่ะ"


class FeeError(Exception):
    """A fee action that was refused; ``message_th`` is shown to the staff member."""

    def __init__(self, message: str, message_th: str) -> None:
        super().__init__(message)
        self.message_th = message_th


def new_ref1() -> str:
    return "".join(secrets.choice(REF1_ALPHABET) for _ in range(REF1_LENGTH))


def payment_kind_for(config: SchoolConfig) -> PaymentKind:
    promptpay = config.promptpay
    if promptpay is None:
        return PaymentKind.AT_SCHOOL
    return PaymentKind.BILL_PAYMENT if promptpay.biller_id else PaymentKind.CREDIT_TRANSFER


def build_payload(config: SchoolConfig, *, ref1: str, ref2: str, amount: Decimal) -> str | None:
    """The PromptPay QR text for one request: bill payment with the request's own Ref1 where the
    school has a biller ID, else a credit transfer to its PromptPay ID (no reference to match)."""
    promptpay = config.promptpay
    if promptpay is None:
        return None
    if promptpay.biller_id:
        return bill_payment_payload(biller_id=promptpay.biller_id, ref1=ref1, ref2=ref2, amount=amount)
    proxy = promptpay.proxy_id or ""
    if len(proxy) == 10:
        return credit_transfer_payload(mobile=proxy, amount=amount)
    if len(proxy) == 15:
        return credit_transfer_payload(ewallet_id=proxy, amount=amount)
    return credit_transfer_payload(tax_id=proxy, amount=amount)


def fee_due_at(now: dt.datetime, days: int) -> dt.datetime:
    """The end (Thai time) of the day ``days`` days from today: a parent pays within whole days."""
    day = local_date(now) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=BANGKOK).astimezone(dt.UTC)


def is_payable(request: FeeRequest, now: dt.datetime) -> bool:
    """Whether the QR may still be shown as something to pay."""
    return request.status == FeeStatus.UNPAID and now <= request.due_at and request.payload is not None


def fee_notice_data(request: FeeRequest, application: Application) -> dict[str, Any]:
    return {
        "fee_request_id": request.id, "service": application.service,
        "public_number": application.public_number, "description": request.description,
        "amount": str(request.amount), "ref1": request.ref1, "ref2": request.ref2,
        "payment_kind": request.payment_kind, "has_qr": request.payload is not None,
        "due_date_th": format_thai_date(local_date(request.due_at)),
    }


async def _config_of(session: AsyncSession, school_id: int) -> SchoolConfig:
    school = await session.get(School, school_id)
    assert school is not None
    return parse_school_config(school.settings)


# -- opening a request ---------------------------------------------------------------------------


async def open_fee_if_due(session: AsyncSession, application: Application, *, moment: str,
                          now: dt.datetime, config: SchoolConfig | None = None) -> FeeRequest | None:
    """Open the application's fee request if its fee falls due at ``moment`` (at_submission or
    after_approval), and tell the parent. Free services ask nothing. Idempotent: one request
    per application. Runs in the caller's transaction (submission or approval), so the request
    exists exactly when the event that made it due does."""
    config = config or await _config_of(session, application.school_id)
    fee = quote(application, config)
    if fee is None or fee.due != moment or fee.amount <= 0:
        return None
    existing = await session.scalar(sa.select(FeeRequest).where(FeeRequest.application_id == application.id))
    if existing is not None:
        return existing
    ref1 = new_ref1()
    request = FeeRequest(
        school_id=application.school_id, application_id=application.id, parent_ref=application.parent_ref,
        service=application.service, description=fee.description, amount_satang=to_satang(fee.amount),
        ref1=ref1, ref2=fee.fee_code, payment_kind=payment_kind_for(config),
        payload=build_payload(config, ref1=ref1, ref2=fee.fee_code, amount=fee.amount),
        status=FeeStatus.UNPAID, due_at=fee_due_at(now, config.fee_payment_days), created_at=now)
    session.add(request)
    await session.flush()
    audit.record(session, school_id=application.school_id, actor=audit.SYSTEM, action="fee_requested",
                 subject=audit.application_subject(application.id), at=now,
                 detail={"fee_request_id": request.id, "amount": str(fee.amount), "due": moment})
    _tell_parent(session, request, application, FEE_DUE, now)
    return request


def _tell_parent(session: AsyncSession, request: FeeRequest, application: Application, kind: str,
                 now: dt.datetime, **extra: Any) -> None:
    notices.record_notice(session, school_id=request.school_id, recipient_ref=request.parent_ref,
                          audience=notices.PARENT, kind=kind, application_id=application.id, now=now,
                          data={**fee_notice_data(request, application), **extra})


async def _tell_finance(session: AsyncSession, request: FeeRequest, application: Application, kind: str,
                        now: dt.datetime, **extra: Any) -> None:
    for member in await staff_for_role(session, request.school_id, [*FINANCE_ROLES, Role.ADMIN.value]):
        notices.record_notice(session, school_id=request.school_id, recipient_ref=member.line_user_id,
                              audience=notices.STAFF, kind=kind, application_id=application.id, now=now,
                              data={**fee_notice_data(request, application), "staff_id": member.id, **extra})


def record_flag(session: AsyncSession, request: FeeRequest | None, kind: FlagKind, now: dt.datetime, *,
                school_id: int | None = None, payment: FeePayment | None = None, **detail: Any) -> FeeFlag:
    """Something for finance staff to look at (a second payment, a wrong amount, a statement line
    that matches no request): shown on the finance page until resolved."""
    if school_id is None:
        if request is None:
            raise ValueError("a flag belongs to a school: give school_id or the fee request")
        school_id = request.school_id
    flag = FeeFlag(school_id=school_id,
                   fee_request_id=request.id if request else None, payment_id=payment.id if payment else None,
                   kind=kind, detail={k: str(v) for k, v in detail.items()}, created_at=now)
    session.add(flag)
    return flag


# -- settling payments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    outcome: str  # confirmed | wrong_amount | refund_flagged | duplicate
    payment: FeePayment | None
    receipt: FeeReceipt | None = None


async def locked_request(session: AsyncSession, request_id: int) -> FeeRequest | None:
    """The request, re-read and row-locked (PostgreSQL) so two confirmations cannot both pay it."""
    return await session.scalar(
        sa.select(FeeRequest).where(FeeRequest.id == request_id).with_for_update()
        .execution_options(populate_existing=True))


async def payment_by_reference(session: AsyncSession, transaction_ref: str) -> FeePayment | None:
    return await session.scalar(sa.select(FeePayment).where(FeePayment.transaction_ref == transaction_ref))


async def settle(session: AsyncSession, request_id: int, *, amount: Decimal, method: str, now: dt.datetime,
                 actor: str, received_by: str | None = None, transaction_ref: str | None = None,
                 payment: FeePayment | None = None, note: str | None = None,
                 tell_staff: bool = True) -> Settlement:
    """Money of ``amount`` came in for the request, proved by ``method``.

    The right amount pays the request and numbers its receipt; a wrong amount or a second payment
    is recorded, flagged for finance staff and explained to the parent. A transaction reference
    seen before is a duplicate and changes nothing. Runs in the caller's transaction.
    """
    request = await locked_request(session, request_id)
    if request is None:
        raise FeeError("no such fee request", "ไม่พบรายการค่าธรรมเนียมนี้ค่ะ")
    if (transaction_ref is not None and payment is None
            and await payment_by_reference(session, transaction_ref) is not None):
        return Settlement("duplicate", None)
    application = await session.get_one(Application, request.application_id)
    if payment is None:
        payment = FeePayment(school_id=request.school_id, fee_request_id=request.id, method=method,
                             status=PaymentStatus.PENDING, transaction_ref=transaction_ref, received_at=now,
                             note=note)
        # A reference recorded at this very moment by another transaction fails the unique
        # constraint at flush: the caller's transaction is rolled back and the retry sees it.
        session.add(payment)
        await session.flush()
    payment.amount_satang = to_satang(amount)
    payment.decided_at = now
    payment.decided_by = actor
    expected = request.amount

    if request.status in (FeeStatus.PAID, FeeStatus.REFUND_FLAGGED):
        change_payment_status(payment, FeeEvent.PAY_AGAIN)
        change_fee_status(request, FeeEvent.PAY_AGAIN)
        await session.flush()
        record_flag(session, request, FlagKind.SECOND_PAYMENT, now, payment=payment, amount=amount, ref1=request.ref1)
        _tell_parent(session, request, application, PAYMENT_PROBLEM, now, problem="second_payment",
                     paid=str(amount))
        if tell_staff:
            await _tell_finance(session, request, application, FEE_FLAGGED, now, problem="second_payment")
        _audit(session, request, actor, "fee_second_payment", now, payment)
        await session.flush()
        return Settlement("refund_flagged", payment)

    if amount != expected:
        change_payment_status(payment, FeeEvent.WRONG_AMOUNT)
        await session.flush()
        record_flag(session, request, FlagKind.WRONG_AMOUNT, now, payment=payment, expected=expected, paid=amount,
                    ref1=request.ref1)
        _tell_parent(session, request, application, PAYMENT_PROBLEM, now, problem="wrong_amount",
                     paid=str(amount))
        if tell_staff:
            await _tell_finance(session, request, application, FEE_FLAGGED, now, problem="wrong_amount")
        _audit(session, request, actor, "fee_wrong_amount", now, payment)
        await session.flush()
        return Settlement("wrong_amount", payment)

    overdue = request.status == FeeStatus.EXPIRED or now > request.due_at
    change_payment_status(payment, FeeEvent.PAY)
    change_fee_status(request, FeeEvent.PAY)
    request.paid_at = now
    await session.flush()
    if overdue:
        # The money came in: it is receipted like any other, and staff decide what the delay means.
        record_flag(session, request, FlagKind.OVERDUE_PAYMENT, now, payment=payment, due=request.due_at.isoformat())
    config = await _config_of(session, request.school_id)
    receipt = await create_receipt(session, request, payment, application=application,
                                   received_by=received_by or config.receipt_officer or DEFAULT_RECEIVER,
                                   now=now)
    _audit(session, request, actor, "fee_paid", now, payment, receipt_id=receipt.id)
    await session.flush()
    return Settlement("confirmed", payment, receipt)


def _audit(session: AsyncSession, request: FeeRequest, actor: str, action: str, now: dt.datetime,
           payment: FeePayment, **detail: Any) -> None:
    audit.record(session, school_id=request.school_id, actor=actor, action=action,
                 subject=audit.application_subject(request.application_id), at=now,
                 detail={"fee_request_id": request.id, "payment_id": payment.id, "method": payment.method,
                         "amount": str(payment.amount) if payment.amount is not None else None, **detail})


def _receiver_name(staff: StaffMember, config: SchoolConfig) -> str:
    return staff.display_name or config.receipt_officer or DEFAULT_RECEIVER


def _finance_only(staff: StaffMember, school_id: int) -> None:
    if not staff.active or staff.school_id != school_id or staff.role not in (Role.FINANCE, Role.ADMIN):
        raise FeeError("not finance staff", "รายการนี้ทำได้เฉพาะเจ้าหน้าที่การเงินของโรงเรียนค่ะ")


async def confirm_by_hand(session: AsyncSession, request_id: int, *, amount: Decimal, staff: StaffMember,
                          now: dt.datetime, note: str = "") -> Settlement:
    """Finance staff saw the money (cash at the counter, the bank's app) and confirm it."""
    request = await session.get(FeeRequest, request_id)
    if request is None:
        raise FeeError("no such fee request", "ไม่พบรายการค่าธรรมเนียมนี้ค่ะ")
    _finance_only(staff, request.school_id)
    config = await _config_of(session, request.school_id)
    return await settle(session, request_id, amount=amount, method=PaymentMethod.MANUAL, now=now,
                        actor=staff.actor, received_by=_receiver_name(staff, config), note=note[:500] or None,
                        tell_staff=False)


async def _pending_slip(session: AsyncSession, payment_id: int, staff: StaffMember) -> FeePayment:
    """A slip still waiting for finance staff of its school, or FeeError."""
    payment = await session.get(FeePayment, payment_id)
    if payment is None or payment.method != PaymentMethod.SLIP or payment.status != PaymentStatus.PENDING:
        raise FeeError("no pending slip", "สลิปนี้ตรวจไปแล้ว หรือไม่มีอยู่ค่ะ")
    _finance_only(staff, payment.school_id)
    return payment


async def confirm_slip(session: AsyncSession, payment_id: int, *, amount: Decimal, staff: StaffMember,
                       now: dt.datetime) -> Settlement:
    """Finance staff checked a parent's slip against the account and enter the amount received."""
    payment = await _pending_slip(session, payment_id, staff)
    config = await _config_of(session, payment.school_id)
    return await settle(session, payment.fee_request_id, amount=amount, method=PaymentMethod.SLIP, now=now,
                        actor=staff.actor, received_by=_receiver_name(staff, config), payment=payment,
                        tell_staff=False)


async def reject_slip(session: AsyncSession, payment_id: int, *, reason: str, staff: StaffMember,
                      now: dt.datetime) -> None:
    """The money is not in the account: the parent is told why, in the staff member's words."""
    payment = await _pending_slip(session, payment_id, staff)
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise FeeError("reason required", "กรุณาระบุเหตุผลที่ไม่รับสลิปนี้ค่ะ")
    change_payment_status(payment, FeeEvent.REJECT_SLIP)
    payment.decided_at = now
    payment.decided_by = staff.actor
    payment.note = reason
    request = await session.get_one(FeeRequest, payment.fee_request_id)
    application = await session.get_one(Application, request.application_id)
    _tell_parent(session, request, application, PAYMENT_PROBLEM, now, problem="slip_rejected", reason=reason)
    _audit(session, request, staff.actor, "fee_slip_rejected", now, payment)
    await session.flush()


async def resolve_flag(session: AsyncSession, flag_id: int, *, staff: StaffMember, now: dt.datetime) -> None:
    flag = await session.get(FeeFlag, flag_id)
    if flag is None or flag.resolved_at is not None:
        raise FeeError("no open flag", "รายการนี้จัดการไปแล้วค่ะ")
    _finance_only(staff, flag.school_id)
    flag.resolved_at = now
    flag.resolved_by = staff.actor
    await session.flush()


# -- slips from the chat -------------------------------------------------------------------------


@dataclass(frozen=True)
class SlipResult:
    outcome: str  # received | again | used | overdue | already_paid | confirmed | wrong_amount ...
    message_th: str
    payment: FeePayment | None = None


async def fee_for_slip(session: AsyncSession, *, school_id: int, parent_ref: str) -> FeeRequest | None:
    """The request a parent's slip is most likely for: the unpaid one due soonest, else the latest."""
    rows = list(await session.scalars(
        sa.select(FeeRequest).where(FeeRequest.school_id == school_id, FeeRequest.parent_ref == parent_ref)
        .order_by(FeeRequest.created_at.desc(), FeeRequest.id.desc()).limit(20)))
    unpaid = sorted((r for r in rows if r.status == FeeStatus.UNPAID), key=lambda r: r.due_at)
    return unpaid[0] if unpaid else (rows[0] if rows else None)


def slip_reference(slip: SlipReference) -> str:
    return f"slip:{slip.sending_bank}:{slip.transaction_ref}"


async def receive_slip(session: AsyncSession, *, school_id: int, parent_ref: str, slip: SlipReference,
                       file_id: str | None, now: dt.datetime, gateway: Any = None) -> SlipResult | None:
    """A parent sent a slip whose mini-QR read correctly. None: the parent owes no fee here.

    The slip's transaction reference may pay once: a reference already recorded is refused
    (the unique constraint decides, even for two messages at the same instant). With a bank
    gateway the slip is verified at once; otherwise finance staff confirm it.
    """
    request = await fee_for_slip(session, school_id=school_id, parent_ref=parent_ref)
    if request is None:
        return None
    application = await session.get_one(Application, request.application_id)
    reference = slip_reference(slip)
    earlier = await payment_by_reference(session, reference)
    if earlier is not None:
        if earlier.fee_request_id == request.id and earlier.status == PaymentStatus.PENDING:
            return SlipResult("again", MSG_SLIP_AGAIN, earlier)
        record_flag(session, request, FlagKind.DUPLICATE_SLIP, now, earlier_payment=earlier.id, bank=slip.sending_bank)
        await _tell_finance(session, request, application, FEE_FLAGGED, now, problem="duplicate_slip")
        await session.flush()
        return SlipResult("used", MSG_SLIP_USED)
    payment = FeePayment(school_id=school_id, fee_request_id=request.id, method=PaymentMethod.SLIP,
                         status=PaymentStatus.PENDING, transaction_ref=reference, slip_file_id=file_id,
                         received_at=now)
    # Two messages with the same slip at the same instant: the unique constraint fails one at
    # flush, the worker retries that event, and the retry finds the reference above.
    session.add(payment)
    await session.flush()
    audit.record(session, school_id=school_id, actor=audit.PARENT, action="fee_slip_sent",
                 subject=audit.application_subject(request.application_id), at=now,
                 detail={"fee_request_id": request.id, "payment_id": payment.id})

    if gateway is not None:
        verified = await gateway.verify_slip(sending_bank=slip.sending_bank, transaction_ref=slip.transaction_ref)
        if verified is not None:
            settled = await settle(session, request.id, amount=verified.amount, method=PaymentMethod.SLIP,
                                   now=now, actor=audit.SYSTEM, payment=payment)
            if settled.outcome == "confirmed":
                return SlipResult("confirmed", MSG_SLIP_CONFIRMED, payment)
            # The parent hears of a wrong amount or a second payment by the notice just recorded.
            return SlipResult(settled.outcome, "ได้รับสลิปแล้วค่ะ", payment)

    if request.status in (FeeStatus.PAID, FeeStatus.REFUND_FLAGGED):
        outcome, message = "already_paid", MSG_SLIP_ALREADY_PAID
    elif request.status == FeeStatus.EXPIRED or now > request.due_at:
        record_flag(session, request, FlagKind.OVERDUE_PAYMENT, now, payment=payment, due=request.due_at.isoformat())
        outcome, message = "overdue", MSG_SLIP_OVERDUE
    else:
        outcome, message = "received", MSG_SLIP_RECEIVED
    await _tell_finance(session, request, application, SLIP_TO_CHECK, now, payment_id=payment.id)
    await session.flush()
    return SlipResult(outcome, message, payment)


# -- reminders and expiry ------------------------------------------------------------------------


async def remind_and_expire(session: AsyncSession, *, now: dt.datetime) -> tuple[int, int]:
    """Remind parents whose fee falls due soon (once), and expire unpaid requests past their
    due date, telling the parent; returns (reminded, expired). The caller commits."""
    expired = list(await session.scalars(
        sa.select(FeeRequest).where(FeeRequest.status == FeeStatus.UNPAID, FeeRequest.due_at < now)
        .with_for_update(skip_locked=True)))
    for request in expired:
        change_fee_status(request, FeeEvent.EXPIRE)
        request.expired_at = now
        application = await session.get_one(Application, request.application_id)
        _tell_parent(session, request, application, FEE_EXPIRED, now)
        audit.record(session, school_id=request.school_id, actor=audit.SYSTEM, action="fee_expired",
                     subject=audit.application_subject(request.application_id), at=now,
                     detail={"fee_request_id": request.id})
    soon = list(await session.scalars(
        sa.select(FeeRequest).where(FeeRequest.status == FeeStatus.UNPAID, FeeRequest.reminded_at.is_(None),
                                    FeeRequest.due_at >= now, FeeRequest.due_at <= now + dt.timedelta(days=31))
        .with_for_update(skip_locked=True)))
    configs: dict[int, SchoolConfig] = {}
    reminded = 0
    for request in soon:
        if request.school_id not in configs:
            configs[request.school_id] = await _config_of(session, request.school_id)
        days = configs[request.school_id].fee_reminder_days
        if not days or request.due_at - now > dt.timedelta(days=days):
            continue
        request.reminded_at = now
        application = await session.get_one(Application, request.application_id)
        _tell_parent(session, request, application, FEE_REMINDER, now)
        reminded += 1
    await session.flush()
    return reminded, len(expired)

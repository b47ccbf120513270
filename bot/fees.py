"""Fees in the chat: the fee card and its PromptPay QR, slips sent as photos, payment problems,
the e-receipt card, the media links they use, and the worker's fee jobs."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import notices
from backend.applications.models import Application, ApplicationStatus
from backend.clock import Clock
from backend.documents.models import DocumentStatus, IssuedDocument
from backend.documents.service import DocumentIssuer
from backend.fees import service as fees
from backend.fees.models import FeeReceipt, FeeRequest, FeeStatus, PaymentKind
from backend.fees.receipts import RECEIPT_ISSUED, issue_due_receipts
from backend.files.service import FileVault
from backend.payments.money import baht
from backend.payments.qr import render_qr_png
from backend.payments.slip import read_slip_image
from backend.sandbox import Sandbox, SandboxFailed, shared_sandbox
from bot import messages as m
from bot.cards import GREEN, GREY, RED, header, row
from bot.handlers import Conversation, EventContext
from bot.media import Media, MediaLinks
from flows.router import Destination, route
from flows.services import title_of

log = logging.getLogger(__name__)

QR_MEDIA = "fee-qr"
RECEIPT_MEDIA = "fee-receipt"
# Links live as long as a parent may reasonably come back to the chat for them; what they serve
# is decided when they are opened (an expired or paid request's QR is refused).
QR_LINK_LIFETIME = dt.timedelta(days=45)
RECEIPT_LINK_LIFETIME = dt.timedelta(days=180)
SWEEP_EVERY = dt.timedelta(minutes=15)

MSG_SLIP_UNREADABLE = ("ขออภัยค่ะ อ่านคิวอาร์โค้ดบนสลิปไม่ได้ค่ะ กรุณาส่งรูปสลิปจากแอปธนาคาร"
                       "ที่เห็นคิวอาร์โค้ดมุมสลิปชัดเจน (ไม่ครอป ไม่เบลอ) อีกครั้งนะคะ")
MSG_NOTHING_TO_PAY = "ตอนนี้ไม่มีค่าธรรมเนียมที่ต้องชำระค่ะ"
PROBLEM_TH = {
    "wrong_amount": "ยอดเงินที่ได้รับ {paid} บาท ไม่ตรงกับค่าธรรมเนียม {amount} บาทค่ะ "
                    "เจ้าหน้าที่การเงินจะติดต่อกลับเพื่อแก้ไขให้ค่ะ",
    "second_payment": "ระบบพบว่ามีการชำระค่าธรรมเนียมรายการนี้ซ้ำ ({paid} บาท) ค่ะ "
                      "โรงเรียนจะคืนเงินส่วนที่ชำระซ้ำ เจ้าหน้าที่การเงินจะติดต่อกลับค่ะ",
    "slip_rejected": "เจ้าหน้าที่การเงินตรวจสอบสลิปแล้ว ยังไม่พบยอดเงินเข้าบัญชีของโรงเรียนค่ะ\n"
                     "เหตุผล: {reason}\nกรุณาตรวจสอบแล้วส่งสลิปใหม่ หรือติดต่อโรงเรียนค่ะ",
}


def _baht(value: Any) -> str:
    return baht(Decimal(str(value)))


def _bubble(headline: str, colour: str, body: list[dict[str, Any]],
            footer: dict[str, Any] | None = None) -> dict[str, Any]:
    bubble: dict[str, Any] = {
        "type": "bubble",
        "header": header(headline, colour),
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
    }
    if footer:
        bubble["footer"] = {"type": "box", "layout": "vertical", "contents": [footer]}
    return bubble


def _note(text: str) -> dict[str, Any]:
    return {"type": "text", "text": m.shorten(text, 500), "size": "sm", "wrap": True, "margin": "md"}


def fee_card(data: dict[str, Any], *, headline: str = "ชำระค่าธรรมเนียม", colour: str = GREEN,
             note: str | None = None) -> m.Message:
    """The amount, what it is for, the references and the due date (BE)."""
    rows = [row("คำขอ", f"{title_of(str(data.get('service', '')))} ({data.get('public_number', '')})"),
            row("รายการ", str(data.get("description", ""))),
            row("จำนวนเงิน", f"{_baht(data['amount'])} บาท", bold=True, color=colour)]
    if data.get("payment_kind") == PaymentKind.BILL_PAYMENT:
        rows += [row("Ref.1", str(data.get("ref1", ""))), row("Ref.2", str(data.get("ref2", "")))]
    else:
        rows.append(row("เลขอ้างอิง", str(data.get("ref1", ""))))
    rows.append(row("ชำระภายใน", str(data.get("due_date_th", ""))))
    if note is None:
        note = ("สแกนคิวอาร์โค้ดในรูปถัดไปด้วยแอปธนาคาร (PromptPay) แล้วส่งรูปสลิปในแชตนี้ได้เลยค่ะ"
                if data.get("has_qr") else
                "กรุณาชำระที่ห้องการเงินของโรงเรียนในวันและเวลาราชการ โดยแจ้งเลขอ้างอิงนี้ค่ะ")
    rows.append(_note(note))
    alt = f"{headline}: {data.get('description', '')} {_baht(data['amount'])} บาท"
    return m.flex(alt, _bubble(headline, colour, rows))


def receipt_card(data: dict[str, Any], url: str) -> m.Message:
    rows = [row("คำขอ", f"{title_of(str(data.get('service', '')))} ({data.get('public_number', '')})"),
            row("เล่มที่/เลขที่", f"{data.get('book_number')} / {data.get('receipt_number')}"),
            row("รายการ", str(data.get("description", ""))),
            row("จำนวนเงิน", f"{_baht(data['amount'])} บาท", bold=True, color=GREEN),
            row("วันที่", str(data.get("date_th", ""))),
            _note("ได้รับชำระค่าธรรมเนียมเรียบร้อยแล้ว ขอบคุณค่ะ ใบเสร็จรับเงินอิเล็กทรอนิกส์ลงลายมือชื่อ"
                  "อิเล็กทรอนิกส์ของโรงเรียน ดาวน์โหลดเก็บไว้ได้ค่ะ")]
    button = {"type": "button", "style": "primary", "color": GREEN, "action": m.uri_action("ดาวน์โหลดใบเสร็จ", url)}
    return m.flex(f"ใบเสร็จรับเงิน เลขที่ {data.get('receipt_number')}: {_baht(data['amount'])} บาท",
                  _bubble("ใบเสร็จรับเงิน", GREEN, rows, button))


def _slip_quick_replies() -> list[dict[str, Any]]:
    return [m.camera_roll_action("ส่งรูปสลิป"), m.camera_action("ถ่ายรูปสลิป")]


@dataclass
class FeeDesk:
    """The fee parts of the edge, built once per process (bot/runtime.py)."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    media: MediaLinks
    files: FileVault
    documents: DocumentIssuer
    public_base_url: str
    # Shared with the bank for POST /payments/bank-callback (BANK_CALLBACK_SECRET), which pays
    # only default_school's fees; None: callbacks refused there. Other schools have their own
    # secret and URL (/payments/bank-callback/<school>).
    callback_secret: bytes | None = None
    default_school: str = ""
    # Where photos are decoded to look for a slip's QR code (a memory and CPU budget of its own).
    sandbox: Sandbox = field(default_factory=shared_sandbox, repr=False)
    _registered: bool = field(default=False, repr=False)

    def register_media(self) -> None:
        if self._registered:
            return
        self.media.register(QR_MEDIA, self._qr_image, valid_for=QR_LINK_LIFETIME)
        self.media.register(RECEIPT_MEDIA, self._receipt_pdf, valid_for=RECEIPT_LINK_LIFETIME)
        self._registered = True

    async def _qr_image(self, session: AsyncSession, ref: str) -> Media | None:
        request = await session.get(FeeRequest, int(ref)) if ref.isdigit() else None
        # Only while payable: an expired or paid request's QR is never shown again as payable.
        if request is None or not fees.is_payable(request, self.clock.now()):
            return None
        png = await asyncio.to_thread(render_qr_png, request.payload)
        return Media(png, "image/png")

    async def _receipt_pdf(self, session: AsyncSession, ref: str) -> Media | None:
        receipt = await session.get(FeeReceipt, int(ref)) if ref.isdigit() else None
        if receipt is None or receipt.document_id is None:
            return None
        document = await session.get(IssuedDocument, receipt.document_id)
        # A receipt reissued serves its replacement; a revoked one serves nothing, however long
        # the link has left to live (it is as void as the verify page says it is).
        for _ in range(10):
            if document is None or document.status != DocumentStatus.SUPERSEDED or not document.superseded_by:
                break
            document = await session.get(IssuedDocument, document.superseded_by)
        if document is None or document.status != DocumentStatus.VALID:
            return None
        pdf = await self.documents.read_pdf(session, document)
        return Media(pdf, "application/pdf", filename=f"receipt-{receipt.fiscal_year}-{receipt.sequence}.pdf")

    # -- notices as chat messages ----------------------------------------------------------------

    def render_notice(self, notice: notices.Notice) -> list[m.Message] | None:
        """The messages for a fee notice; None for notices that are not about fees."""
        data = notice.data or {}
        kind = notice.kind
        if kind in (fees.FEE_DUE, fees.FEE_REMINDER):
            headline = "ชำระค่าธรรมเนียม" if kind == fees.FEE_DUE else "เตือน: ใกล้ครบกำหนดชำระค่าธรรมเนียม"
            return self.payable_messages(data, headline=headline)
        if kind == fees.FEE_EXPIRED:
            return [fee_card(data, headline="เลยกำหนดชำระค่าธรรมเนียม", colour=GREY,
                             note="รายการชำระนี้เลยกำหนดแล้วค่ะ คิวอาร์โค้ดเดิมใช้ชำระไม่ได้แล้ว "
                                  "กรุณาติดต่อห้องการเงินของโรงเรียนเพื่อขอชำระใหม่ค่ะ")]
        if kind == fees.PAYMENT_PROBLEM:
            template = PROBLEM_TH.get(str(data.get("problem")), "กรุณาติดต่อห้องการเงินของโรงเรียนค่ะ")
            text = template.format(paid=_baht(data.get("paid") or 0), amount=_baht(data["amount"]),
                                   reason=data.get("reason", ""))
            return [fee_card(data, headline="แจ้งเรื่องการชำระเงิน", colour=RED, note=text)]
        if kind == RECEIPT_ISSUED:
            url = self.media.url(RECEIPT_MEDIA, str(data["receipt_id"]), suffix=".pdf")
            return [receipt_card(data, url)]
        if kind in (fees.SLIP_TO_CHECK, fees.FEE_FLAGGED):
            headline = "มีสลิปรอตรวจสอบ" if kind == fees.SLIP_TO_CHECK else "รายการชำระเงินที่ต้องตรวจสอบ"
            rows = [row("คำขอ", f"{title_of(str(data.get('service', '')))} ({data.get('public_number', '')})"),
                    row("จำนวนเงิน", f"{_baht(data['amount'])} บาท"), row("Ref.1", str(data.get("ref1", "")))]
            button = {"type": "button", "style": "primary", "color": GREEN,
                      "action": m.uri_action("เปิดงานการเงิน", f"{self.public_base_url}/staff/fees")}
            return [m.flex(f"{headline}: {data.get('public_number', '')}", _bubble(headline, GREEN, rows, button))]
        return None

    def payable_messages(self, data: dict[str, Any], *, headline: str) -> list[m.Message]:
        card = fee_card(data, headline=headline)
        if not data.get("has_qr"):
            return [card]
        url = self.media.url(QR_MEDIA, str(data["fee_request_id"]), suffix=".png")
        image = m.image(url)
        image["quickReply"] = m.quick_reply(_slip_quick_replies())
        return [card, image]

    # -- the parent in the chat --------------------------------------------------------------------

    async def unpaid_messages(self, ctx: EventContext) -> list[m.Message]:
        rows = list(await ctx.session.scalars(
            sa.select(FeeRequest).where(FeeRequest.school_id == ctx.channel.school_id,
                                        FeeRequest.parent_ref == ctx.user_ref,
                                        FeeRequest.status == FeeStatus.UNPAID).order_by(FeeRequest.due_at).limit(3)))
        messages: list[m.Message] = []
        for request in rows:
            if request.due_at < ctx.now:
                continue  # the sweep expires it and tells the parent
            application = await ctx.session.get(Application, request.application_id)
            messages += self.payable_messages(fees.fee_notice_data(request, application), headline="ชำระค่าธรรมเนียม")
        return messages or m.text(MSG_NOTHING_TO_PAY)

    async def slip_replies(self, ctx: EventContext, file_ids: list[str]) -> list[m.Message] | None:
        """Replies when the photos are a payment slip for one of the parent's fees; None otherwise,
        so documents sent for a request go on to the conversation as before."""
        school_id = ctx.channel.school_id
        has_fee = await ctx.session.scalar(sa.select(FeeRequest.id).where(
            FeeRequest.school_id == school_id, FeeRequest.parent_ref == ctx.user_ref).limit(1))
        if has_fee is None:
            return None
        for file_id in file_ids:
            data, content_type = await self.files.read(ctx.session, file_id, school_id=school_id)
            if not content_type.startswith("image/"):
                continue
            try:
                slip = await self.sandbox.run(read_slip_image, data)
            except SandboxFailed:
                slip = None  # over the budget a photo can need: no slip code could be read
            if slip is None:
                continue
            result = await fees.receive_slip(ctx.session, school_id=school_id, parent_ref=ctx.user_ref, slip=slip,
                                             file_id=file_id, now=ctx.now)
            return None if result is None else m.text(result.message_th)
        if await self._expects_documents(ctx) or not await self._owes(ctx):
            return None
        return m.text(MSG_SLIP_UNREADABLE, quick_replies=_slip_quick_replies())

    async def _owes(self, ctx: EventContext) -> bool:
        return await ctx.session.scalar(sa.select(FeeRequest.id).where(
            FeeRequest.school_id == ctx.channel.school_id, FeeRequest.parent_ref == ctx.user_ref,
            FeeRequest.status == FeeStatus.UNPAID).limit(1)) is not None

    async def _expects_documents(self, ctx: EventContext) -> bool:
        """A request being filled in or waiting for documents takes photos as documents."""
        waiting = [ApplicationStatus.DRAFT, ApplicationStatus.DOCUMENTS_REQUESTED]
        return await ctx.session.scalar(sa.select(Application.id).where(
            Application.school_id == ctx.channel.school_id, Application.parent_ref == ctx.user_ref,
            Application.status.in_(waiting)).limit(1)) is not None

    # -- the worker's jobs -----------------------------------------------------------------------

    def periodic_jobs(self) -> list[tuple[dt.timedelta, Any]]:
        """(every, job) pairs, to run before notices are delivered in the same pass."""

        async def receipts() -> None:
            await issue_due_receipts(self.sessions, self.documents, now=self.clock.now())

        async def sweep() -> None:
            async with self.sessions() as session:
                await fees.remind_and_expire(session, now=self.clock.now())
                await session.commit()

        return [(SWEEP_EVERY, sweep), (dt.timedelta(0), receipts)]


class FeeConversation:
    """The conversation with fees in front: slips and "ชำระเงิน" here, everything else as before."""

    def __init__(self, inner: Conversation, desk: FeeDesk) -> None:
        self._inner = inner
        self._desk = desk

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def on_text(self, ctx: EventContext, text: str) -> list[m.Message]:
        if route(text).to is Destination.PAY:
            return await self._desk.unpaid_messages(ctx)
        return await self._inner.on_text(ctx, text)

    async def on_postback(self, ctx: EventContext, data: str, params: dict[str, str]) -> list[m.Message]:
        return await self._inner.on_postback(ctx, data, params)

    async def on_files(self, ctx: EventContext, file_ids: list[str]) -> list[m.Message]:
        replies = await self._desk.slip_replies(ctx, file_ids)
        return replies if replies is not None else await self._inner.on_files(ctx, file_ids)

    async def on_other(self, ctx: EventContext, kind: str) -> list[m.Message]:
        return await self._inner.on_other(ctx, kind)

"""Builders for fee tests: schools with PromptPay settings, requests taken to approval, slips."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import qrcode
from PIL import Image, ImageDraw
from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications import workflow
from backend.applications.models import Application
from backend.applications.service import new_public_number, submit_application
from backend.payments.tlv import crc16_ccitt_false, encode_field
from backend.school_config import parse_school_config
from backend.schools import School
from backend.staff import StaffMember
from backend.thai.ids import synthetic_national_id

BILLER_ID = "099400016550101"  # a tax ID (synthetic) + suffix 01
FEE = "50.00"


def school_settings(*, promptpay: dict[str, str] | None = None, fee_due: str = "after_approval",
                    fee: str = FEE, **extra: Any) -> dict[str, Any]:
    return {
        "address": "99 หมู่ 1 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "promptpay": promptpay if promptpay is not None else {"biller_id": BILLER_ID},
        "services": {"replacement_documents": {"fee": fee, "fee_due": fee_due, "approvers": ["registrar"]},
                     "venue_booking": {"fee_due": "after_approval", "approvers": ["director"]}},
        "venues": [{"id": "hall", "name": "หอประชุม", "fee_per_day": "1500.00"},
                   {"id": "room-101", "name": "ห้อง 101", "fee_per_day": "0"}],
        **extra,
    }


async def add_school(session: AsyncSession, now: dt.datetime, *, slug: str = "fees", **settings: Any) -> School:
    school = School(slug=slug, name="โรงเรียนบ้านหนองน้ำใส", settings=school_settings(**settings), created_at=now)
    session.add(school)
    await session.flush()
    return school


async def add_staff(session: AsyncSession, school: School, role: str, now: dt.datetime,
                    name: str = "ครูการเงิน ใจดี", user: str | None = None) -> StaffMember:
    member = StaffMember(school_id=school.id, line_user_id=user or f"U{role}{school.id:030d}"[:33],
                         display_name=name, role=role, active=True, notify_new_submissions=True, created_at=now)
    session.add(member)
    await session.flush()
    return member


def replacement_answers(seed: int = 1) -> dict[str, Any]:
    return {"document_type": "transcript", "reason": "lost", "student_name": "นางสาวสมใจ ใจดี",
            "student_national_id": synthetic_national_id(seed), "graduation_year": 2565,
            "applicant_relationship": "self"}


async def submitted(session: AsyncSession, school: School, now: dt.datetime, *, parent_ref: str = "Uparent",
                    service: str = "replacement_documents", answers: dict[str, Any] | None = None) -> Application:
    application = Application(
        public_number=new_public_number("RD"), school_id=school.id, parent_ref=parent_ref, service=service,
        status="draft", current_step="_summary", flow_version=1, session_nonce="n1", created_at=now,
        updated_at=now, last_activity_at=now, answers=answers or replacement_answers(), missing_documents=[])
    session.add(application)
    await session.flush()
    await submit_application(session, application, now=now)
    return application


async def approve(session: AsyncSession, application: Application, registrar: StaffMember,
                  now: dt.datetime) -> None:
    school = await session.get(School, application.school_id)
    config = parse_school_config(school.settings)
    await workflow.perform(session, application, "accept_complete", staff=registrar, now=now, config=config)
    await workflow.perform(session, application, "sign_off", staff=registrar, now=now, config=config)


def slip_payload(bank: str, reference: str) -> str:
    """The mini-QR text printed on a Thai transfer slip (tag 91 CRC)."""
    transaction = encode_field("00", "000001") + encode_field("01", bank) + encode_field("02", reference)
    body = encode_field("00", transaction) + encode_field("51", "TH") + "9104"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def slip_photo(bank: str = "014", reference: str = "20261126A0001234567", *, payload: str | None = None) -> bytes:
    """A phone screenshot of a slip: text-ish bars and the mini-QR in a corner, as a PNG."""
    code = qrcode.QRCode(box_size=6, border=4)
    code.add_data(payload or slip_payload(bank, reference))
    code.make(fit=True)
    qr_image = code.make_image().convert("RGB")
    slip = Image.new("RGB", (720, 1100), (245, 250, 247))
    draw = ImageDraw.Draw(slip)
    for row in range(8):
        draw.rectangle((60, 120 + row * 70, 60 + 400 - row * 25, 140 + row * 70), fill=(60, 60, 60))
    slip.paste(qr_image, (720 - qr_image.width - 40, 1100 - qr_image.height - 40))
    buffer = io.BytesIO()
    slip.save(buffer, "PNG")
    return buffer.getvalue()

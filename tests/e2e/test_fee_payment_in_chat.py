"""A replacement-document fee in the simulated chat: approval, the QR, a slip photo, finance's
confirmation in the staff pages, and the e-receipt card with its PDF."""

from __future__ import annotations

import io
import re
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from backend.applications import workflow
from backend.applications.models import Application
from backend.documents.models import IssuedDocument
from backend.documents.signing import make_dev_ca
from backend.fees.models import FeePayment, FeeReceipt, FeeRequest, FeeStatus
from backend.fees.service import MSG_SLIP_RECEIVED, MSG_SLIP_USED
from backend.school_config import parse_school_config
from backend.schools import School
from backend.staff import StaffMember
from backend.thai.ids import synthetic_national_id
from tests.chat import Parent
from tests.fees.fee_samples import slip_photo
from tests.harness import running_bot
from tests.staging import in_status
from web.staff.auth import SIMULATOR_CLIENT_ID


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace, rich_menus=True) as running:
        await running.rich_menu_deploy
        yield running


async def _staff(bot, role: str, name: str) -> StaffMember:
    user = Parent(bot, name)
    await user.follow()  # LINE delivers nothing to someone who does not follow the account
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        member = StaffMember(school_id=school.id, line_user_id=user.user_id, display_name=name, role=role,
                             active=True, notify_new_submissions=True, created_at=bot.runtime.clock.now())
        session.add(member)
        await session.commit()
        return member


async def _request_a_replacement_transcript(parent: Parent) -> None:
    await parent.follow()
    await parent.tap_rich_menu("เมนู")
    await parent.tap("ขอใบแทน ปพ.1/ปพ.2")
    await parent.tap("รับทราบ เริ่มกรอก")
    await parent.tap("ปพ.1 (ใบระเบียน)")
    await parent.tap("สูญหาย")
    await parent.say("นางสาวสมใจ ใจดี")
    await parent.say(synthetic_national_id(77))
    await parent.say("2565")
    await parent.tap("เจ้าของเอกสารเอง")
    for _ in range(3):  # police report, photo, ID card
        await parent.send_photos(1)
    await parent.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ" in parent.last_text(), parent.last_text()


async def _approve(bot, registrar: StaffMember, director: StaffMember) -> None:
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
        school = await session.get(School, application.school_id)
        config = parse_school_config(school.settings)
        now = bot.runtime.clock.now()
        await workflow.perform(session, application, "accept_complete", staff=registrar, now=now, config=config)
        await workflow.perform(session, application, "sign_off", staff=registrar, now=now, config=config)
        await workflow.perform(session, application, "sign_off", staff=director, now=now, config=config)
        await session.commit()
    await bot.process()


def _decode(png: bytes) -> str:
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return barcode.text


async def test_from_approval_to_a_receipt_in_the_chat(bot, env):
    make_dev_ca(Path(env["DATA_DIR"]) / "signing", "demo", "โรงเรียนสาธิตบ้านสวน")
    registrar = await _staff(bot, "registrar", "ครูทะเบียน ใจดี")
    director = await _staff(bot, "director", "ผอ. สมชาย")
    finance = await _staff(bot, "finance", "นางการเงิน ดีมาก")
    parent = Parent(bot)
    await _request_a_replacement_transcript(parent)
    await bot.process()
    parent.new_messages()

    await _approve(bot, registrar, director)
    messages = parent.new_messages()
    cards = [m for m in messages if m["type"] == "flex"]
    assert "อนุมัติแล้ว" in cards[-2]["altText"]
    fee_card = cards[-1]
    assert fee_card["altText"] == "ชำระค่าธรรมเนียม: ค่าธรรมเนียมออกใบแทน ปพ.1 (ระเบียนแสดงผลการเรียน) 50 บาท"
    async with bot.runtime.sessions() as session:
        fee = await session.scalar(sa.select(FeeRequest))
    card_text = str(fee_card["contents"])
    for shown in ("50 บาท", fee.ref1, "RD", "2 ธันวาคม 2569"):  # due 7 days on, in the Buddhist Era
        assert shown in card_text, shown
    [image] = [m for m in messages if m["type"] == "image"]
    assert messages[-1] is image  # the QR follows its card

    async with httpx.AsyncClient() as web:
        qr = await web.get(image["originalContentUrl"])
        assert qr.headers["content-type"] == "image/png"
        assert _decode(qr.content) == fee.payload

        await parent._after(await bot.simulator.send_files(parent.user_id, [(slip_photo(), "image/png")]))
        assert parent.last_text() == MSG_SLIP_RECEIVED
        await bot.process()
        finance_cards = [m["message"].get("altText", "") for m in bot.standin.bot_messages(finance.line_user_id)]
        assert any("มีสลิปรอตรวจสอบ" in alt for alt in finance_cards), finance_cards

        # The same slip from someone else is refused.
        other = Parent(bot, "คุณพ่อคนอื่น")
        await other.follow()
        async with bot.runtime.sessions() as session:
            session.add(FeeRequest(**{**_columns(fee), "id": None, "application_id": await _another_application(
                session, other.user_id), "parent_ref": other.user_id, "ref1": "OTHER00001"}))
            await session.commit()
        await other._after(await bot.simulator.send_files(other.user_id, [(slip_photo(), "image/png")]))
        assert other.last_text() == MSG_SLIP_USED

        async with httpx.AsyncClient(base_url=bot.base_url, follow_redirects=False) as staff:
            token = bot.standin.issue_id_token(finance.line_user_id, SIMULATOR_CLIENT_ID)
            assert (await staff.post("/staff/api/session", json={"id_token": token})).status_code == 200
            page = await staff.get("/staff/fees")
            assert "สลิปรอตรวจ (1)" in page.text and fee.ref1 in page.text
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
            async with bot.runtime.sessions() as session:
                payment = await session.scalar(sa.select(FeePayment).where(FeePayment.fee_request_id == fee.id))
            slip = await staff.get(f"/staff/fees/slips/{payment.id}")
            assert slip.status_code == 200 and slip.headers["content-type"] == "image/png"
            done = await staff.post(f"/staff/fees/payments/{payment.id}/confirm",
                                    data={"csrf": csrf, "amount": "50.00"}, follow_redirects=True)
            assert "ยืนยันการชำระแล้ว" in done.text

            await bot.process()
            [receipt_card] = [m for m in parent.new_messages() if m["type"] == "flex"]
            assert receipt_card["altText"] == "ใบเสร็จรับเงิน เลขที่ 1: 50 บาท"
            assert "1/2570" in str(receipt_card["contents"])
            [link] = re.findall(r"'uri': '([^']+)'", str(receipt_card["contents"]))
            pdf = await web.get(link)
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            # A receipt revoked (issued in error) is no longer handed out by its 180-day link.
            async with bot.runtime.sessions() as session:
                issued = await session.get(IssuedDocument, (await session.scalar(sa.select(FeeReceipt))).document_id)
                await bot.runtime.documents.revoke(session, document=issued, reason="ออกผิดรายการ",
                                                   revoked_by=finance.actor, now=bot.runtime.clock.now())
                await session.commit()
            assert (await web.get(link)).status_code == 404

            register = await staff.get("/staff/fees/receipts")
            assert "1/2570 / 1" in register.text and "นางการเงิน ดีมาก" in register.text
            exported = await staff.get("/staff/fees/receipts.csv")
            assert "นางสาวสมใจ ใจดี" in exported.content.decode("utf-8-sig")

        # Paid: the old QR link no longer serves a payable code.
        assert (await web.get(image["originalContentUrl"])).status_code == 404
    async with bot.runtime.sessions() as session:
        fee = await session.get(FeeRequest, fee.id)
        receipt = await session.scalar(sa.select(FeeReceipt))
    assert fee.status == FeeStatus.PAID and receipt.document_id is not None


def _columns(fee: FeeRequest) -> dict:
    return {c.key: getattr(fee, c.key) for c in FeeRequest.__table__.columns}


async def _another_application(session, parent_ref: str) -> int:
    first = await session.scalar(sa.select(Application))
    columns = {c.key: getattr(first, c.key) for c in Application.__table__.columns
               if c.key not in ("id", "status")}  # a new row's status is staged below
    other = Application(**{**columns, "parent_ref": parent_ref, "public_number": "RD-OTHER001"})
    in_status(other, first.status)
    session.add(other)
    await session.flush()
    return other.id

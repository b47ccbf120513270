"""Fee links and the bank in the running bot: an expired request's QR is never served again, the
parent can ask for the QR again, a slip without a readable code is explained, and the bank's
signed callback pays a request (a fake bank posting, no network beyond localhost)."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
import sqlalchemy as sa

from backend import school_admin
from backend.fees.bank import SIGNATURE_HEADER, sign_callback
from backend.fees.models import FeeReceipt, FeeRequest, FeeStatus
from backend.files.models import StoredFile
from backend.schools import School
from bench.bombs import png_bomb
from bot.fees import MSG_SLIP_UNREADABLE
from tests.chat import Parent, photo
from tests.fees.fee_samples import submitted
from tests.harness import running_bot

SECRET = b"shared-with-the-bank"


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        running.runtime.fees.callback_secret = SECRET
        yield running


async def owed_by(bot, parent: Parent) -> FeeRequest:
    """A replacement-document request of the demo school, its fee due at submission."""
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        settings = dict(school.settings)
        settings["services"] = {**settings["services"],
                                "replacement_documents": {"fee": "50.00", "fee_due": "at_submission"}}
        school.settings = settings
        application = await submitted(session, school, bot.runtime.clock.now(), parent_ref=parent.user_id)
        await session.commit()
        return await session.scalar(sa.select(FeeRequest).where(FeeRequest.application_id == application.id))


async def test_an_expired_requests_qr_is_refused_and_asking_again_shows_nothing_to_pay(bot, clock):
    parent = Parent(bot)
    await parent.follow()
    fee = await owed_by(bot, parent)
    await bot.process()
    [image] = [m for m in parent.new_messages() if m["type"] == "image"]
    await parent.say("ชำระเงิน")
    again = parent._last_batch
    assert again[0]["type"] == "flex" and again[1]["type"] == "image"
    async with httpx.AsyncClient() as web:
        assert (await web.get(image["originalContentUrl"])).status_code == 200
        clock.advance(days=8)
        await bot.process()  # the sweep expires it and tells the parent
        expired = [m["altText"] for m in parent.new_messages() if m["type"] == "flex"]
        assert any("เลยกำหนดชำระ" in alt for alt in expired), expired
        # The same link, still within its signature's lifetime, serves no payable code.
        assert (await web.get(image["originalContentUrl"])).status_code == 404
        assert (await web.get(again[1]["originalContentUrl"])).status_code == 404
    await parent.say("ชำระเงิน")
    assert parent.last_text() == "ตอนนี้ไม่มีค่าธรรมเนียมที่ต้องชำระค่ะ"
    async with bot.runtime.sessions() as session:
        assert (await session.get(FeeRequest, fee.id)).status == FeeStatus.EXPIRED


async def test_a_photo_without_a_slip_code_while_a_fee_is_unpaid_is_explained(bot):
    parent = Parent(bot)
    await parent.follow()
    await owed_by(bot, parent)
    await bot.process()
    parent.new_messages()
    await parent._after(await bot.simulator.send_files(parent.user_id, [(photo(), "image/jpeg")]))
    assert parent.last_text() == MSG_SLIP_UNREADABLE


async def test_the_banks_signed_callback_pays_the_request_and_a_receipt_follows(bot):
    parent = Parent(bot)
    await parent.follow()
    fee = await owed_by(bot, parent)
    body = json.dumps({"transaction_ref": "KTB-20261125-0001", "ref1": fee.ref1, "ref2": fee.ref2,
                       "amount": "50.00", "paid_at": "2026-11-25T10:05:00+07:00"}).encode()
    async with httpx.AsyncClient(base_url=bot.base_url) as bank:
        forged = await bank.post("/payments/bank-callback", content=body,
                                 headers={SIGNATURE_HEADER: sign_callback(b"guess", body)})
        paid = await bank.post("/payments/bank-callback", content=body,
                               headers={SIGNATURE_HEADER: sign_callback(SECRET, body)})
        again = await bank.post("/payments/bank-callback", content=body,
                                headers={SIGNATURE_HEADER: sign_callback(SECRET, body)})
    assert forged.status_code == 401
    assert paid.json() == {"status": "confirmed"} and again.json() == {"status": "duplicate"}
    async with bot.runtime.sessions() as session:
        assert (await session.get(FeeRequest, fee.id)).status == FeeStatus.PAID
        receipt = await session.scalar(sa.select(FeeReceipt))
    assert receipt.amount == Decimal("50.00") and receipt.received_by == "นางสาวการเงิน ตัวอย่าง"


@pytest.mark.parametrize("amount", ["50.001", "1e30", 1e30, "fifty"])
async def test_a_signed_callback_with_an_amount_no_fee_can_have_is_400_and_pays_nothing(bot, amount):
    parent = Parent(bot)
    await parent.follow()
    fee = await owed_by(bot, parent)
    body = json.dumps({"transaction_ref": "KTB-1", "ref1": fee.ref1, "ref2": fee.ref2, "amount": amount}).encode()
    async with httpx.AsyncClient(base_url=bot.base_url) as bank:
        response = await bank.post("/payments/bank-callback", content=body,
                                   headers={SIGNATURE_HEADER: sign_callback(SECRET, body)})
    # 400, not 500: the bank does not retry a request it was told is malformed.
    assert response.status_code == 400 and response.json()["status"] == "malformed"
    async with bot.runtime.sessions() as session:
        assert (await session.get(FeeRequest, fee.id)).status == FeeStatus.UNPAID


async def test_each_school_has_its_own_callback_address_and_secret(bot):
    parent = Parent(bot)
    await parent.follow()
    fee = await owed_by(bot, parent)
    own_secret = "s" * 40
    async with bot.runtime.sessions() as session:
        await school_admin.set_bank_callback_secret(session, keyring=bot.runtime.files.keyring,
                                                    school_slug="demo", secret=own_secret)
        await session.commit()
        stored = (await session.scalar(sa.select(School))).bank_callback_secret
    assert own_secret not in stored  # sealed with the key ring, not kept in the clear
    body = json.dumps({"transaction_ref": "KTB-2", "ref1": fee.ref1, "ref2": fee.ref2, "amount": "50.00"}).encode()
    async with httpx.AsyncClient(base_url=bot.base_url) as bank:
        with_global = await bank.post("/payments/bank-callback/demo", content=body,
                                      headers={SIGNATURE_HEADER: sign_callback(SECRET, body)})
        unknown = await bank.post("/payments/bank-callback/no-such-school", content=body,
                                  headers={SIGNATURE_HEADER: sign_callback(own_secret.encode(), body)})
        paid = await bank.post("/payments/bank-callback/demo", content=body,
                               headers={SIGNATURE_HEADER: sign_callback(own_secret.encode(), body)})
    assert with_global.status_code == 401
    assert (unknown.status_code, unknown.content) == (with_global.status_code, with_global.content)
    assert paid.json() == {"status": "confirmed"}


async def test_a_photo_of_more_pixels_than_a_phone_takes_is_refused_politely_not_decoded(bot):
    # A 657 KB one-colour PNG of 13000 x 13000 pixels once took the server to 2.7 GB.
    parent = Parent(bot)
    await parent.follow()
    await owed_by(bot, parent)
    await bot.process()
    parent.new_messages()
    await parent._after(await bot.simulator.send_files(parent.user_id, [(png_bomb(), "image/png")]))
    assert "ความละเอียดสูงเกินไป" in parent.last_text()
    async with bot.runtime.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0

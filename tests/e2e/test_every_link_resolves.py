"""Every link the bot hands out opens a page that exists: the rich-menu tiles, and the buttons and
quick replies of every card the bot renders (notices, fees, e-documents, staff enrolment).

Paths are matched against the routes of the app bot.app.create_app built (query strings aside,
the mounted simulator and /media included). The harness also checks the links of every message
any test made the bot send (tests/harness.py).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend import notices
from backend.applications.models import Application
from backend.documents.models import IssuedDocument
from backend.fees import service as fees
from backend.fees.receipts import RECEIPT_ISSUED
from backend.schools import School
from backend.staff import create_invite
from bot import documents as document_cards
from bot import notices as notice_cards
from richmenus.menus import all_menus
from tests.chat import Parent
from tests.harness import running_bot
from tests.links import links_in, unserved

NOTICE_KINDS = (notices.STATUS_CHANGED, notices.DOCUMENTS_REQUESTED, notices.APPOINTMENT_SET,
                notices.LATE_DECISION, notices.NEW_SUBMISSION, notices.DOCUMENTS_RECEIVED,
                notices.SIGN_OFF_NEEDED, notices.DECISION_OVERDUE, notices.DOCUMENT_REVOKED)
FEE_KINDS = (fees.FEE_DUE, fees.FEE_REMINDER, fees.FEE_EXPIRED, fees.PAYMENT_PROBLEM, RECEIPT_ISSUED,
             fees.SLIP_TO_CHECK, fees.FEE_FLAGGED)
FEE_DATA = {"service": "replacement_documents", "public_number": "RD-TEST0001", "description": "ใบแทน ปพ.1",
            "amount": "50.00", "ref1": "RD0001", "ref2": "0001", "due_date_th": "1 ธ.ค. 2569", "has_qr": True,
            "fee_request_id": 1, "receipt_id": 1, "book_number": 1, "receipt_number": 1,
            "date_th": "25 พ.ย. 2569", "problem": "wrong_amount", "paid": "40.00"}


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


def test_the_check_finds_a_page_that_does_not_exist(bot):
    # The two tiles the staff menu once had: without this, a check that passes anything would pass.
    dead = [f"{bot.base_url}/staff/requests", f"{bot.base_url}/staff/documents"]
    assert unserved(bot.app, bot.base_url, dead) == dead
    assert unserved(bot.app, bot.base_url, ["https://www.example.go.th/privacy"]) == []


def test_every_rich_menu_tile_opens_a_page(bot):
    links = list(links_in([menu.line_request(menu.name) for menu in all_menus(bot.base_url)]))
    assert f"{bot.base_url}/staff/" in links
    assert f"{bot.base_url}/staff/?status=approved" in links  # approved: the document to issue
    assert unserved(bot.app, bot.base_url, links) == []


def test_every_notice_card_opens_a_page(bot):
    staff_url = f"{bot.base_url}/staff"
    cards = [notice_cards.card(notices.Notice(kind=kind, audience=audience, application_id=7,
                                              data={"service": "transfer_out", "public_number": "TO-1"}),
                               staff_url=staff_url)
             for kind in NOTICE_KINDS for audience in (notices.PARENT, notices.STAFF)]
    links = list(links_in(cards))
    assert f"{staff_url}/applications/7" in links
    assert unserved(bot.app, bot.base_url, links) == []


def test_every_fee_message_opens_a_page(bot):
    desk = bot.runtime.fees
    messages = [desk.render_notice(notices.Notice(kind=kind, audience=notices.PARENT, data=FEE_DATA))
                for kind in FEE_KINDS]
    links = list(links_in(messages))
    assert f"{bot.base_url}/staff/fees" in links
    assert any(link.startswith(f"{bot.base_url}/media/") for link in links)  # the QR, the receipt
    assert unserved(bot.app, bot.base_url, links) == []


def test_the_e_document_card_opens_pages(bot):
    now = bot.runtime.clock.now()
    code = "ABCD2345EFGH"
    document = IssuedDocument(id=1, doc_type="transfer_out_letter", code=code, issued_at=now,
                              data={"verify_url": bot.runtime.documents.verify_url(code)})
    application = Application(service="transfer_out", public_number="TO-1", answers={})
    card = document_cards.document_card(document, application, media=bot.runtime.media,
                                        headline="เอกสารของคุณพร้อมแล้ว")
    links = list(links_in(card))
    assert f"{bot.base_url}/verify/{code}" in links
    assert len([link for link in links if link.startswith(f"{bot.base_url}/media/")]) >= 2  # preview, PDF
    assert unserved(bot.app, bot.base_url, links) == []


async def test_a_teacher_enrolled_in_the_chat_is_offered_the_staff_pages(bot):
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        code = await create_invite(session, school_id=school.id, role="teacher", now=bot.runtime.clock.now())
        await session.commit()
    teacher = Parent(bot, "ครูประจำชั้น")
    await teacher.follow()
    answer = await teacher.say(code)
    links = list(links_in(answer))
    assert links == [f"{bot.base_url}/staff/"]
    assert unserved(bot.app, bot.base_url, links) == []

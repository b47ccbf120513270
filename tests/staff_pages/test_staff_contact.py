"""Every request has someone to call: the contact's name and phone with a call link, taken from the
parent's earlier request when the service does not ask."""

from __future__ import annotations

from backend.applications.models import Application
from backend.applications.service import new_public_number, submit_application
from backend.fees.receipts import payer_name
from backend.thai.ids import synthetic_national_id
from tests.staff_pages.conftest import application_row, client_for, sign_in


async def file(bot, school_id: int, parent_ref: str, service: str, answers: dict) -> int:
    now = bot.runtime.clock.now()
    async with bot.runtime.sessions() as session:
        application = Application(
            public_number=new_public_number("XX"), school_id=school_id, parent_ref=parent_ref, service=service,
            status="draft", current_step="_summary", flow_version=1, session_nonce="n1", created_at=now,
            updated_at=now, last_activity_at=now, answers=answers)
        session.add(application)
        await session.flush()
        await submit_application(session, application, now=now)
        await session.commit()
        return application.id


TRANSFER_OUT = {"student_name": "เด็กหญิงฟ้าใส ใจงาม", "student_national_id": synthetic_national_id(5),
                "current_grade": "p4", "applicant_relationship": "mother",
                "destination_school": "โรงเรียนบ้านหนองบัว", "reason": "moving_home", "move_date": "2026-12-20"}


async def test_a_service_that_does_not_ask_takes_the_contact_from_the_parents_earlier_request(bot, people):
    await file(bot, people.school_id, people.parent_ref, "venue_booking",
               {"requester_name": "นางสมศรี ใจงาม", "phone": "081-234-5678", "venue": "hall"})
    bot.runtime.clock.advance(days=3)
    later = await file(bot, people.school_id, people.parent_ref, "transfer_out", dict(TRANSFER_OUT))
    stranger = await file(bot, people.school_id, bot.standin.add_user("คุณพ่อคนใหม่").user_id, "transfer_out",
                          dict(TRANSFER_OUT))

    row = await application_row(bot, later)
    assert (row.contact_name, row.contact_phone) == ("นางสมศรี ใจงาม", "081-234-5678")
    # The receipt names the payer, not "มารดาของ…".
    assert payer_name(row) == "นางสมศรี ใจงาม"
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        page = (await registrar.get(f"/staff/applications/{later}")).text
        unknown = (await registrar.get(f"/staff/applications/{stranger}")).text
    assert 'href="tel:0812345678"' in page and "นางสมศรี ใจงาม" in page
    assert "ผู้ปกครองยังไม่ได้ให้เบอร์โทรศัพท์" in unknown and "tel:" not in unknown


async def test_a_flow_may_fill_the_contact_fields_itself(bot, people):
    application_id = await file(bot, people.school_id, people.parent_ref, "transfer_out",
                                {**TRANSFER_OUT, "contact_name": "นายสมชาย ใจงาม", "contact_phone": "0899999999"})
    row = await application_row(bot, application_id)
    assert (row.contact_name, row.contact_phone) == ("นายสมชาย ใจงาม", "0899999999")

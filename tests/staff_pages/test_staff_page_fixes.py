"""What a registrar met on the staff pages (issue 11, item 6), each seen from the page itself."""

from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from backend import audit
from backend.applications.models import Application
from backend.documents.models import IssuedDocument
from backend.fees import service as fees
from backend.fees.models import FeeRequest
from backend.fees.receipts import issue_due_receipts
from backend.records.models import StudentRecord
from backend.schools import School
from tests.chat import photo
from tests.fees.fee_samples import approve, replacement_answers, submitted
from tests.staff_pages.conftest import add_staff, client_for, sign_in, submitted_application
from tests.staff_pages.test_staff_documents import issue_signed


async def csrf_of(client, page: str = "/staff/settings") -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', (await client.get(page)).text).group(1)


def buttons(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


async def set_services(bot, school_id: int, **services) -> None:
    async with bot.runtime.sessions() as session:
        school = await session.get(School, school_id)
        school.settings = {**school.settings, "services": {**school.settings.get("services", {}), **services}}
        await session.commit()


async def paid_replacement_request(bot, people) -> int:
    """A replacement request approved, its fee confirmed by finance and its e-receipt issued."""
    await set_services(bot, people.school_id,
                       replacement_documents={"fee": "50.00", "fee_due": "after_approval", "approvers": ["registrar"]})
    now = bot.runtime.clock.now()
    finance = await add_staff(bot, people.school_id, "finance", "นางการเงิน ดีมาก")
    async with bot.runtime.sessions() as session:
        school = await session.get(School, people.school_id)
        registrar = await session.get(type(people.registrar), people.registrar.id)
        application = await submitted(session, school, now, parent_ref=people.parent_ref,
                                      answers=replacement_answers())
        await approve(session, application, registrar, now)
        fee = await session.scalar(sa.select(FeeRequest).where(FeeRequest.application_id == application.id))
        await fees.confirm_by_hand(session, fee.id, amount=Decimal("50.00"),
                                   staff=await session.get(type(finance), finance.id), now=now)
        await session.commit()
        application_id = application.id
    assert await issue_due_receipts(bot.runtime.sessions, bot.runtime.documents, now=now) == 1
    return application_id


async def add_record(bot, people, national_id: str) -> None:
    """The student's record, as the registrar loads it (backend/records)."""
    now = bot.runtime.clock.now()
    async with bot.runtime.sessions() as session:
        session.add(StudentRecord(
            school_id=people.school_id, student_number="6201", national_id=national_id, name="นางสาวสมใจ ใจดี",
            data={"student_number": "6201", "name": "นางสาวสมใจ ใจดี", "level": "lower_secondary",
                  "terms": [{"year": 2562, "term": 1, "courses": [
                      {"code": "ท21101", "name": "ภาษาไทย 1", "credits": "1.5", "grade": "3.5", "kind": ""}]}],
                  "gpa": "3.50", "credits_earned": "1.5", "graduated": True, "graduation_date": "2022-03-31"},
            source="template", imported_at=now, updated_at=now))
        await session.commit()


async def test_a_paid_replacement_request_can_still_be_issued(bot, people, signing):
    await add_record(bot, people, replacement_answers()["student_national_id"])
    application_id = await paid_replacement_request(bot, people)
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        page = (await registrar.get(f"/staff/applications/{application_id}")).text
        # The e-receipt is listed, but it is not the request's document: "ออกเอกสาร" stays.
        assert "ใบเสร็จรับเงิน" in page
        assert "issue_document" in buttons(page)
        # Nor can it be reissued from here as if it were the ใบแทน (its form always refused).
        assert page.count('data-action="reissue_document"') == 0

    await issue_signed(bot, people, application_id, original_number="0012345")
    async with bot.runtime.sessions() as session:
        kinds = sorted(d.doc_type for d in await session.scalars(
            sa.select(IssuedDocument).where(IssuedDocument.application_id == application_id)))
    assert kinds == ["receipt", "replacement_letter"]


async def test_a_document_asked_for_under_other_shows_on_the_page(bot, people):
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    now = bot.runtime.clock.now()
    async with bot.runtime.sessions() as session:
        stored = await bot.runtime.files.store(session, school_id=people.school_id, owner_ref=people.parent_ref,
                                               source_ref="msg-other-1", data=photo())
        application = await session.get(Application, application_id)
        application.requested_documents = [{"document": "other", "name": "สูติบัตรนักเรียน",
                                            "files": [stored.id]}]
        application.documents_requested_at = now
        await session.commit()
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        page = (await registrar.get(f"/staff/applications/{application_id}")).text
        section = page.split("ข้อมูลที่ผู้ปกครองกรอก", 1)[1]
        assert "สูติบัตรนักเรียน" in section
        link = re.search(r'data-zoom="(/staff/documents/[^"]+)"[^>]*aria-label="ดูสูติบัตรนักเรียน', section)
        assert link is not None
        assert (await registrar.get(link.group(1))).status_code == 200


async def test_history_reads_in_thai_not_in_codes(bot, people):
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    now = bot.runtime.clock.now()
    async with bot.runtime.sessions() as session:
        for action in ("fee_requested", "fee_slip_sent", "fee_paid", "fee_expired", "second_channel_sent"):
            audit.record(session, school_id=people.school_id, actor=audit.SYSTEM, action=action,
                         subject=audit.application_subject(application_id), at=now, detail={})
        await session.commit()
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        page = (await registrar.get(f"/staff/applications/{application_id}")).text
    history = page.split("<h2>ประวัติ</h2>", 1)[1]
    assert not re.search(r'class="what">[a-z_]+<', history), history
    assert "แจ้งค่าธรรมเนียม" in history and "ชำระค่าธรรมเนียมแล้ว" in history


async def test_the_first_of_two_sign_offs_promises_no_notice_to_the_parent(bot, people):
    await set_services(bot, people.school_id, transfer_out={"approvers": ["registrar", "director"]})
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as registrar, client_for(bot) as director:
        await sign_in(bot, registrar, people.registrar)
        page = f"/staff/applications/{application_id}"
        await registrar.post(f"{page}/actions/accept_complete", data={"csrf": await csrf_of(registrar)})
        first = await registrar.post(f"{page}/actions/sign_off", data={"csrf": await csrf_of(registrar)},
                                     follow_redirects=True)
        assert "บันทึก “ลงนามอนุมัติ” แล้ว" in first.text
        assert "ผู้ปกครองจะได้รับแจ้ง" not in first.text
        assert "รอผู้อำนวยการลงนาม" in first.text

        await sign_in(bot, director, people.director)
        last = await director.post(f"{page}/actions/sign_off", data={"csrf": await csrf_of(director)},
                                   follow_redirects=True)
        assert "ผู้ปกครองจะได้รับแจ้งทาง LINE" in last.text


async def test_the_received_amount_is_typed_from_the_bank_not_prefilled(bot, people):
    await set_services(bot, people.school_id,
                       replacement_documents={"fee": "50.00", "fee_due": "at_submission"})
    finance = await add_staff(bot, people.school_id, "finance", "นางการเงิน ดีมาก")
    async with bot.runtime.sessions() as session:
        school = await session.get(School, people.school_id)
        await submitted(session, school, bot.runtime.clock.now(), parent_ref=people.parent_ref)
        await session.commit()
    async with client_for(bot) as client:
        await sign_in(bot, client, finance)
        page = (await client.get("/staff/fees")).text
    amounts = re.findall(r'<input[^>]*name="amount"[^>]*>', page)
    assert amounts, page
    assert all("value=" not in field for field in amounts), amounts

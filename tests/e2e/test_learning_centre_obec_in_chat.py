"""Learning centres of more than 100 learners are OBEC's (issue 19; docs/rules.md, "Learning centres"):
someone who asks the district's service for one is told where to go, types it and reaches OBEC's own
service; a count of 100 or fewer is refused there politely, pointing back to the district, with
nothing given lost; 150 learners go through; an OBEC officer decides and issues the permit, signed as
OBEC with OBEC's own key, and it verifies on /verify."""

from __future__ import annotations

import asyncio

import httpx
import sqlalchemy as sa

from backend.applications.models import Application, ApplicationStatus
from backend.documents.models import IssuedDocument
from backend.documents.untrusted_pdf import check_signature, embedded_record
from backend.organisations import OBEC_NAME_TH, OBEC_SHORT_TH
from backend.schools import School
from backend.staff import StaffMember, create_invite
from tests.chat import Parent
from tests.e2e.test_every_service_from_the_rich_menu import _draft
from tests.e2e.test_learning_centre_in_chat import fill_in
from tests.e2e.test_qualification_equivalence_in_chat import _does, _labels, _signed_in
from tests.e2e.test_qualification_equivalence_in_chat import bot as bot  # the fixture: OBEC's key too


async def _from_the_district_to_obec(applicant: Parent) -> None:
    await applicant.follow()
    await applicant.say("ขอตั้งศูนย์การเรียน")
    await applicant.tap("รับทราบ เริ่มกรอก")
    await applicant.tap("บุคคล 51–100 คน")
    await applicant.say("150 คน")
    # The district's service does not take it, and says how to reach OBEC's in this chat.
    told = applicant.last_text()
    assert "สพฐ." in told and "ศูนย์การเรียนเกิน 100 คน" in told
    await applicant.say("ยกเลิก")
    await applicant.tap("ยืนยันยกเลิก")
    await applicant.say("ศูนย์การเรียนเกิน 100 คน")
    # OBEC's service starts at once (the privacy notice was acknowledged), saying who sees the data.
    assert "ส่งถึงสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน" in applicant.last_text()


async def test_an_individuals_centre_of_150_learners_is_permitted_by_obec_and_verifies(bot):
    applicant = Parent(bot, "ผู้ขอตั้งศูนย์")
    await _from_the_district_to_obec(applicant)
    await applicant.tap("บุคคล เกิน 100 คน")
    # 80 learners are the district's: refused politely, pointing there, the variant kept.
    await applicant.say("80 คน")
    refused = applicant.last_text()
    assert "สำนักงานเขตพื้นที่การศึกษา" in refused and "ขอตั้งศูนย์การเรียน" in refused
    draft = await _draft(bot, applicant.user_id)
    assert (draft.service, draft.current_step, draft.answers["variant"]) == (
        "learning_centre_obec", "learners", "individual")
    await applicant.say("150 คน")
    draft, asked = await fill_in(bot, applicant, "learning_centre_obec")
    assert "เลขที่คำขอ: LO-" in applicant.last_text()
    # The district family's documents of an individual, not an organisation's.
    assert {"applicant_id_card", "education_plan", "learner_list", "educator_qualifications"} <= set(asked)
    assert not {"organisation_name", "foreign_registration", "representative_authority"} & set(asked)
    assert draft.answers["learners"] == 150

    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        code = await create_invite(session, school_id=school.id, role="obec", now=bot.runtime.clock.now())
        await session.commit()
    officer_chat = Parent(bot, "เจ้าหน้าที่ สพฐ.")
    await officer_chat.follow()
    await officer_chat.say(code)
    async with bot.runtime.sessions() as session:
        officer = await session.scalar(sa.select(StaffMember).where(
            StaffMember.line_user_id == officer_chat.user_id))
        assert officer is not None and officer.role == "obec"
        officer.full_name, officer.position = "นางสาวศูนย์เรียน อนุญาต", "นักวิชาการศึกษาชำนาญการ"
        await session.commit()

    async with _signed_in(bot, officer) as obec:
        assert draft.public_number in (await obec.get("/staff/")).text
        await _does(obec, draft.id, "accept_complete")
        await _does(obec, draft.id, "sign_off")
        issued = await _does(obec, draft.id, "issue_document", reference_number="ศธ 04010/789",
                             decision_reference="มติคณะกรรมการ ครั้งที่ 3/2569",
                             permitted_period="ปีการศึกษา 2569 ถึง 2571")
    assert "หนังสืออนุญาตให้จัดการศึกษาขั้นพื้นฐานในศูนย์การเรียน" in issued

    await bot.process()
    [card] = [m for m in applicant.new_messages() if m["type"] == "flex"
              and m["altText"] == "เอกสารของคุณพร้อมแล้ว: หนังสืออนุญาตให้จัดการศึกษาขั้นพื้นฐานในศูนย์การเรียน"]
    download, verify = (button["action"] for button in card["contents"]["footer"]["contents"])
    async with bot.runtime.sessions() as session:
        assert (await session.get(Application, draft.id)).status == ApplicationStatus.APPROVED
        document = await session.scalar(sa.select(IssuedDocument).where(IssuedDocument.application_id == draft.id))
    assert document.doc_type == "learning_centre_obec_permit"
    async with httpx.AsyncClient(timeout=30) as phone:
        pdf = (await phone.get(download["uri"])).content
        verify_page = (await phone.get(verify["uri"])).text

    # Signed with OBEC's own certificate (the school has none here), and issued as OBEC's.
    signature = await asyncio.to_thread(check_signature, pdf, bot.runtime.documents.signer_for("obec").trust_roots)
    assert signature.ok, signature
    assert OBEC_SHORT_TH in (signature.signer_name or "")
    record = embedded_record(pdf)
    assert record["issuer"]["name"] == OBEC_NAME_TH
    assert "เกินกว่า 100 คน" in record["data"]["variant_title"]
    assert record["data"]["learners"] == 150
    assert record["data"]["reference_number"] == "ศธ 04010/789"
    assert record["data"]["signature"]["name"] == "นางสาวศูนย์เรียน อนุญาต"
    assert "ใช้ได้ (ยังมีผล)" in verify_page and OBEC_NAME_TH in verify_page


async def test_obecs_learning_centres_are_in_obecs_menu_not_the_parents(bot):
    applicant = Parent(bot, "ผู้ขอตั้งศูนย์")
    await applicant.follow()
    await applicant.say("เมนู")
    assert "ศูนย์การเรียนเกิน100" not in _labels(applicant._last_batch)
    await applicant.say("บริการ สพฐ.")
    assert "ศูนย์การเรียนเกิน100" in _labels(applicant._last_batch)
    await applicant.tap("ศูนย์การเรียนเกิน100")
    await applicant.tap("รับทราบ เริ่มกรอก")
    assert "เกิน 100 คน" in applicant.last_text()

"""Learning centres: an individual asks in the chat for a learning centre of up to 50 learners; the
chat asks that variant's documents (and not an organisation's), the district's staff decide, and
the permit is the district's (docs/rules.md, "Learning centres")."""

from __future__ import annotations

import json

import sqlalchemy as sa

from backend.applications.models import Application, ApplicationStatus
from backend.documents.models import IssuedDocument
from tests.chat import Parent
from tests.e2e.test_every_service_from_the_rich_menu import _answer, _draft, _flows
from tests.e2e.test_home_school_in_chat import DISTRICT_NAME, _district, _printed, act
from tests.e2e.test_home_school_in_chat import bot as bot  # the fixture: the district's key too
from tests.e2e.test_review_with_parent_and_staff import _enrolled_staff
from tests.staff_pages.conftest import client_for, sign_in

ANSWERS = {"applicant_name": "นายสมชาย ใจดี", "centre_name": "ศูนย์การเรียนบ้านรักเรียน"}


async def fill_in(bot, applicant: Parent, service: str) -> tuple[Application, list[str]]:
    """Answer every question asked until the request is submitted: the draft, and the steps asked."""
    flow = (await _flows(bot))[service]
    asked = []
    for _ in range(40):
        draft = await _draft(bot, applicant.user_id)
        if draft.status == ApplicationStatus.SUBMITTED:
            return draft, asked
        if draft.current_step == "_summary":
            await applicant.tap("ยืนยันส่งคำขอ")
            continue
        asked.append(draft.current_step)
        if draft.current_step in ANSWERS:
            await applicant.say(ANSWERS[draft.current_step])
        else:
            await _answer(applicant, service, flow.step(draft.current_step))
    raise AssertionError(applicant.last_text())


async def test_an_individuals_learning_centre_goes_through_its_variants_documents_and_decision(bot):
    director = (await _enrolled_staff(bot, "district", "ผอ.เขต")).user_id
    await _printed(bot, director, "นายเขตพื้นที่ ใจงาม", f"ผู้อำนวยการ{DISTRICT_NAME}")
    await _district(bot)

    applicant = Parent(bot, "ผู้ขอตั้งศูนย์")
    await applicant.follow()
    await applicant.say("ขออนุญาตตั้งศูนย์การเรียนค่ะ")
    told = await applicant.tap("รับทราบ เริ่มกรอก")
    # Worded for who applies (an individual, an organisation, a company), not for a parent.
    assert "บุคคล องค์กร หรือสถานประกอบการ" in json.dumps(told, ensure_ascii=False)
    await applicant.tap("บุคคล ≤50 คน")
    await applicant.say("60 คน")  # more than the variant's 50: asked again
    assert "1–50 คน" in applicant.last_text()
    await applicant.say("30 คน")
    draft, asked = await fill_in(bot, applicant, "learning_centre")
    # An individual's documents, not an organisation's.
    assert {"applicant_id_card", "education_plan", "learner_list", "educator_qualifications"} <= set(asked)
    assert not {"organisation_name", "registration_certificate", "foreign_registration",
                "representative_authority"} & set(asked)
    assert draft.answers["learners"] == 30

    async with client_for(bot) as client:
        await sign_in(bot, client, director)
        assert draft.public_number in (await client.get("/staff/district")).text
        assert "error=" not in await act(client, draft, "accept_complete")
        assert "error=" not in await act(client, draft, "sign_off")
        assert "error=" not in await act(client, draft, "issue_document",
                                         decision_reference="มติคณะกรรมการ ครั้งที่ 3/2569",
                                         permitted_period="ปีการศึกษา 2569 ถึง 2571")

    async with bot.runtime.sessions() as session:
        assert (await session.get(Application, draft.id)).status == ApplicationStatus.APPROVED
        document = await session.scalar(sa.select(IssuedDocument).where(IssuedDocument.application_id == draft.id))
        assert document.doc_type == "learning_centre_permit"
        assert document.data["issuer"]["name"] == DISTRICT_NAME
        assert "ไม่เกิน 50 คน" in document.data["data"]["variant_title"]
        code = document.code
    async with client_for(bot) as phone:
        page = (await phone.get(f"/verify/{code}")).text
    assert "ใช้ได้ (ยังมีผล)" in page and DISTRICT_NAME in page

"""Who signs: the director, or whoever the director's written order empowers; the signer's own
name and position print, with "ปฏิบัติราชการแทน ผู้อำนวยการ..." when signing in the director's place."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import sqlalchemy as sa

from backend import notices
from backend.documents.models import IssuedDocument, SignatureRequest
from tests.staff_pages.conftest import client_for, sign_in
from tests.staff_pages.test_staff_documents import (
    approved_application,
    buttons,
    csrf_of,
    documents_of,
    issue,
)


def text_of(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in document))
    finally:
        document.close()


async def test_a_registrar_without_a_delegation_cannot_sign_the_transfer_letter(bot, people, signing):
    application_id = await approved_application(bot, people)
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        prepared = await issue(registrar, application_id, student_number="4521")
        assert "เสนอเอกสารให้ผู้มีอำนาจลงนาม" in prepared.text
        assert "เอกสารรอลงนาม" in prepared.text and "sign_document" not in buttons(prepared.text)
        [request_id] = re.findall(r'data-request="(\d+)"', prepared.text)
        # The draft can be read, unsigned and marked as such.
        draft = await registrar.get(f"/staff/applications/{application_id}/signature-requests/{request_id}.pdf")
        assert draft.content.startswith(b"%PDF") and b"/ByteRange" not in draft.content
        assert "ร่างยังไม่ได้ลงนาม" in text_of(draft.content)

        refused = await registrar.post(f"/staff/applications/{application_id}/signature-requests/{request_id}/sign",
                                       data={"csrf": await csrf_of(registrar)}, follow_redirects=True)
    assert "ท่านไม่มีอำนาจลงนามเอกสารนี้" in refused.text
    assert await documents_of(bot, application_id) == []
    async with bot.runtime.sessions() as session:
        told = list(await session.scalars(sa.select(notices.Notice).where(
            notices.Notice.kind == notices.SIGNATURE_NEEDED)))
        waiting = await session.get(SignatureRequest, int(request_id))
    assert [n.recipient_ref for n in told] == [people.director.line_user_id]
    assert waiting.status == "pending"


async def test_with_the_directors_delegation_the_registrar_signs_in_the_directors_place(bot, people, signing):
    application_id = await approved_application(bot, people)
    today = bot.runtime.clock.now().date().isoformat()
    async with client_for(bot) as director, client_for(bot) as registrar:
        await sign_in(bot, director, people.director)
        await director.post("/staff/settings/authorities", data={
            "csrf": await csrf_of(director), "staff_id": str(people.registrar.id), "kind": "delegated",
            "order_reference": "คำสั่งโรงเรียนสาธิตบ้านสวน ที่ 12/2569", "valid_from": today})
        assert "ปฏิบัติราชการแทน" in (await director.get("/staff/settings")).text

        await sign_in(bot, registrar, people.registrar)
        done = await issue(registrar, application_id, student_number="4521")
        assert "บันทึก “ออกเอกสาร” แล้ว" in done.text
        [document] = await documents_of(bot, application_id)
        pdf = (await registrar.get(f"/staff/applications/{application_id}/issued/{document.id}.pdf")).content
        verified = await registrar.get(f"/verify/{document.code}")
    printed = text_of(pdf)
    assert "(นางสาวทะเบียนใจดี)ครูปฏิบัติราชการแทนผู้อำนวยการโรงเรียนสาธิตบ้านสวน" in printed
    assert "ที่ศธ๐๔๙๙๙.๙๙๙/๑" in printed  # the first number of the school's series this year
    assert document.data["data"]["signature"]["order_reference"] == "คำสั่งโรงเรียนสาธิตบ้านสวน ที่ 12/2569"
    assert "ใช้ได้ (ยังมีผล)" in verified.text


async def test_a_revoked_delegation_signs_nothing_more(bot, people, signing):
    first, second = await approved_application(bot, people), await approved_application(bot, people)
    today = bot.runtime.clock.now().date().isoformat()
    async with client_for(bot) as director, client_for(bot) as registrar:
        await sign_in(bot, director, people.director)
        await director.post("/staff/settings/authorities", data={
            "csrf": await csrf_of(director), "staff_id": str(people.registrar.id), "kind": "acting",
            "order_reference": "คำสั่งที่ 13/2569", "valid_from": today})
        await sign_in(bot, registrar, people.registrar)
        await issue(registrar, first)
        [authority_id] = re.findall(r'data-authority="(\d+)"', (await director.get("/staff/settings")).text)
        await director.post(f"/staff/settings/authorities/{authority_id}/revoke",
                            data={"csrf": await csrf_of(director)})
        await issue(registrar, second)
    async with bot.runtime.sessions() as session:
        issued = {d.application_id: d for d in await session.scalars(sa.select(IssuedDocument))}
    assert set(issued) == {first}
    assert issued[first].data["data"]["signature"]["capacity"] == "รักษาราชการแทน"

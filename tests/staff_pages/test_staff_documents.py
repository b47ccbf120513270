"""Staff issue, revoke and reissue an approved request's signed e-document from its page."""

from __future__ import annotations

import base64
import json
import re

import sqlalchemy as sa

from backend import notices
from backend.audit import AuditEntry
from backend.documents.models import DocumentEvent, IssuedDocument
from bot.documents import PDF_KIND
from tests.staff_pages.conftest import client_for, sign_in, submitted_application


async def csrf_of(client) -> str:
    page = await client.get("/staff/settings")
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def buttons(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


async def approved_application(bot, people) -> int:
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        for action in ("accept_complete", "sign_off"):
            await registrar.post(f"/staff/applications/{application_id}/actions/{action}",
                                 data={"csrf": await csrf_of(registrar)})
    return application_id


async def documents_of(bot, application_id: int) -> list[IssuedDocument]:
    async with bot.runtime.sessions() as session:
        return list(await session.scalars(sa.select(IssuedDocument).where(
            IssuedDocument.application_id == application_id).order_by(IssuedDocument.id)))


async def parent_notices(bot, kind: str) -> list[notices.Notice]:
    async with bot.runtime.sessions() as session:
        return list(await session.scalars(sa.select(notices.Notice).where(
            notices.Notice.kind == kind, notices.Notice.audience == notices.PARENT)))


async def issue(client, application_id: int, **fields):
    return await client.post(f"/staff/applications/{application_id}/actions/issue_document",
                             data={"csrf": await csrf_of(client), **fields}, follow_redirects=True)


async def issue_signed(bot, people, application_id: int, **fields) -> None:
    """The registrar prepares the document, the director reads and signs it."""
    async with client_for(bot) as registrar, client_for(bot) as director:
        await sign_in(bot, registrar, people.registrar)
        await issue(registrar, application_id, **fields)
        await sign_in(bot, director, people.director)
        page = (await director.get(f"/staff/applications/{application_id}")).text
        [request_id] = re.findall(r'data-request="(\d+)"', page)
        signed = await director.post(f"/staff/applications/{application_id}/signature-requests/{request_id}/sign",
                                     data={"csrf": await csrf_of(director)}, follow_redirects=True)
        assert "บันทึก “ลงนามและออกเอกสาร” แล้ว" in signed.text, signed.url


async def test_registrar_and_director_issue_the_document_a_teacher_cannot(bot, people, signing):
    application_id = await approved_application(bot, people)
    async with client_for(bot) as teacher, client_for(bot) as director:
        await sign_in(bot, teacher, people.teacher)
        # transfer_out's chain names no teacher: the request is not theirs to see (least privilege).
        assert (await teacher.get(f"/staff/applications/{application_id}")).status_code == 404
        refused = await issue(teacher, application_id)
        assert refused.status_code == 404
        assert await documents_of(bot, application_id) == []

        await sign_in(bot, director, people.director)
        page = await director.get(f"/staff/applications/{application_id}")
        assert "issue_document" in buttons(page.text)
        assert 'name="student_number"' in page.text and 'name="reference_number"' in page.text
        done = await issue(director, application_id, student_number="4521", reference_number="ศธ 04002/77")
        assert "บันทึก “ออกเอกสาร” แล้ว" in done.text
        assert "หนังสือส่งตัวนักเรียน" in done.text and "มีผลใช้ได้" in done.text
        # One document in force at a time: the button is gone and a second post is refused.
        assert "issue_document" not in buttons(done.text)
        again = await issue(director, application_id)
        assert "ออกเอกสารของคำขอนี้แล้ว" in again.text

    [document] = await documents_of(bot, application_id)
    assert document.doc_type == "transfer_out_letter" and document.issued_by == f"staff:{people.director.id}"
    assert document.data["data"]["destination_school"] == "โรงเรียนบ้านหนองบัว"
    assert document.data["data"]["student_number"] == "4521"
    [notice] = await parent_notices(bot, notices.DOCUMENT_ISSUED)
    assert notice.recipient_ref == people.parent_ref and notice.data["document_id"] == document.id
    async with bot.runtime.sessions() as session:
        [entry] = list(await session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "issue_document")))
    assert entry.detail == {"from": "approved", "to": "approved", "document_id": document.id,
                            "doc_type": "transfer_out_letter", "signed_by": people.director.id}


async def test_a_request_not_yet_approved_has_no_document_to_issue(bot, people, signing):
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        refused = await issue(registrar, application_id)
    assert "ทำรายการนี้ไม่ได้" in refused.text
    assert await documents_of(bot, application_id) == []


async def test_without_a_signing_certificate_staff_are_told_and_nothing_is_issued(bot, people):
    application_id = await approved_application(bot, people)
    async with client_for(bot) as director:
        await sign_in(bot, director, people.director)
        refused = await issue(director, application_id)
    assert "ยังไม่ได้ตั้งค่าใบรับรอง" in refused.text
    assert await documents_of(bot, application_id) == []
    assert await parent_notices(bot, notices.DOCUMENT_ISSUED) == []


async def test_revocation_with_a_reason_shows_on_the_public_verify_page(bot, people, signing):
    application_id = await approved_application(bot, people)
    async with client_for(bot) as registrar, client_for(bot) as teacher, client_for(bot) as public:
        await sign_in(bot, registrar, people.registrar)
        await issue_signed(bot, people, application_id)
        [document] = await documents_of(bot, application_id)
        assert "ใช้ได้ (ยังมีผล)" in (await public.get(f"/verify/{document.code}")).text
        download_url = bot.runtime.media.url(PDF_KIND, str(document.id), suffix=".pdf")
        assert (await public.get(download_url)).status_code == 200

        await sign_in(bot, teacher, people.teacher)
        not_theirs = await teacher.post(f"/staff/applications/{application_id}/issued/{document.id}/revoke",
                                        data={"csrf": await csrf_of(teacher), "reason": "ลองดู"},
                                        follow_redirects=True)
        assert not_theirs.status_code == 404  # not a request of the teacher's (least privilege)
        no_reason = await registrar.post(f"/staff/applications/{application_id}/issued/{document.id}/revoke",
                                         data={"csrf": await csrf_of(registrar), "reason": "  "},
                                         follow_redirects=True)
        assert "กรุณาระบุเหตุผล" in no_reason.text
        revoked = await registrar.post(f"/staff/applications/{application_id}/issued/{document.id}/revoke",
                                       data={"csrf": await csrf_of(registrar),
                                             "reason": "ผู้ปกครองขอยกเลิกการย้าย"}, follow_redirects=True)
        assert "เพิกถอนแล้ว" in revoked.text and "เพิกถอนเอกสาร" in revoked.text  # status and history
        verify = await public.get(f"/verify/{document.code}")
        # A link already sent no longer hands out the revoked letter.
        assert (await public.get(download_url)).status_code == 404
    assert "ถูกเพิกถอนแล้ว" in verify.text
    assert "ยกเลิกการย้าย" not in verify.text  # the reason stays in the audit log
    async with bot.runtime.sessions() as session:
        events = list(await session.scalars(sa.select(DocumentEvent).where(
            DocumentEvent.document_id == document.id).order_by(DocumentEvent.id)))
        [entry] = list(await session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "revoke_document")))
    assert [(e.action, e.reason, e.actor) for e in events] == [
        ("issued", None, f"staff:{people.director.id}"),
        ("revoked", "ผู้ปกครองขอยกเลิกการย้าย", f"staff:{people.registrar.id}")]
    assert "ยกเลิก" not in json.dumps(entry.detail, ensure_ascii=False)  # no staff-typed text in the audit log
    [notice] = await parent_notices(bot, notices.DOCUMENT_REVOKED)
    assert notice.data["reason"] == "ผู้ปกครองขอยกเลิกการย้าย"


async def test_reissue_supersedes_the_old_copy_and_sends_the_new_one(bot, people, signing):
    application_id = await approved_application(bot, people)
    async with client_for(bot) as registrar, client_for(bot) as public:
        await sign_in(bot, registrar, people.director)  # the director signs a reissue at once
        await issue(registrar, application_id, student_number="4521")
        [old] = await documents_of(bot, application_id)
        page = await registrar.get(f"/staff/applications/{application_id}")
        assert 'value="4521"' in page.text  # the reissue form starts from what was typed
        done = await registrar.post(f"/staff/applications/{application_id}/issued/{old.id}/reissue",
                                    data={"csrf": await csrf_of(registrar), "reason": "แก้เลขประจำตัวนักเรียน",
                                          "student_number": "4512"}, follow_redirects=True)
        assert "บันทึก “ออกเอกสารฉบับใหม่” แล้ว" in done.text
        old_page = await public.get(f"/verify/{old.code}")
    old, new = await documents_of(bot, application_id)
    assert (old.status, new.status) == ("superseded", "valid") and old.superseded_by == new.id
    assert new.data["data"]["student_number"] == "4512" and new.data["supersedes"] == old.code
    assert "ถูกแทนที่ด้วยฉบับใหม่แล้ว" in old_page.text
    issued = await parent_notices(bot, notices.DOCUMENT_ISSUED)
    assert [n.data["document_id"] for n in issued] == [old.id, new.id]
    assert issued[-1].data["replaces"] == old.code


async def test_preview_and_download_links_expire_and_name_no_person(bot, people, signing, clock):
    application_id = await approved_application(bot, people)
    await issue_signed(bot, people, application_id)
    bot.standin.user(people.parent_ref).following = True  # a friend of the account gets pushes
    await bot.process()  # delivers the parent's card
    [card] = [m for m in bot.standin.bot_messages(people.parent_ref)
              if m["message"]["type"] == "flex" and "เอกสารของคุณพร้อมแล้ว" in m["message"]["altText"]]
    bubble = card["message"]["contents"]
    preview_url = bubble["hero"]["url"]
    download_url = bubble["footer"]["contents"][0]["action"]["uri"]
    [document] = await documents_of(bot, application_id)
    for url in (preview_url, download_url):
        token = url.rsplit("/", 1)[1].rsplit(".", 1)[0]
        payload = base64.urlsafe_b64decode(token.split(".")[0] + "==")
        assert json.loads(payload)[1] == str(document.id)  # only the kind and the row id
        for personal in ("ฟ้าใส", "ใจงาม", document.code, people.parent_ref):
            assert personal not in url and personal.encode() not in payload

    async with client_for(bot) as phone:
        preview = await phone.get(preview_url)
        download = await phone.get(download_url)
        assert preview.headers["content-type"] == "image/png" and preview.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert download.content.startswith(b"%PDF")
        assert download.headers["content-disposition"] == 'attachment; filename="sending-letter.pdf"'
        clock.advance(hours=25)
        assert (await phone.get(download_url)).status_code == 404
        assert (await phone.get(preview_url)).status_code == 200
        clock.advance(days=7)
        assert (await phone.get(preview_url)).status_code == 404

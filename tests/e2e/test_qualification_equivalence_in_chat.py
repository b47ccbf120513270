"""Done when (issue 19): in the simulated chat, someone educated abroad asks OBEC to compare their
qualification; an OBEC officer (enrolled with an invite) decides and issues the certificate of
equivalence, signed as OBEC with OBEC's own key, and it verifies on /verify. A school's own staff
never see the request, and a wrong answer is refused politely without losing what was given."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from backend.applications.models import Application, ApplicationStatus
from backend.documents.models import IssuedDocument
from backend.documents.signing import make_dev_ca
from backend.documents.untrusted_pdf import check_signature, embedded_record
from backend.organisations import OBEC_NAME_TH, OBEC_SHORT_TH
from backend.schools import School
from backend.staff import StaffMember, create_invite
from tests.chat import Parent
from tests.harness import running_bot
from web.staff.auth import SIMULATOR_CLIENT_ID


@pytest.fixture
async def bot(env, clock, redis_namespace):
    # OBEC's own signing material, apart from the school's: the school has none here, so a
    # certificate that signs at all was signed as OBEC.
    make_dev_ca(Path(env["DATA_DIR"]) / "signing", "obec", OBEC_SHORT_TH)  # a name fits 64 bytes
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


def _labels(messages) -> list[str]:
    return [item["action"]["label"] for message in messages
            for item in (message.get("quickReply") or {}).get("items", [])]


@contextlib.asynccontextmanager
async def _signed_in(bot, member: StaffMember) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as client:
        token = bot.standin.issue_id_token(member.line_user_id, SIMULATOR_CLIENT_ID)
        await client.post("/staff/api/session", json={"id_token": token})
        yield client


async def _does(client: httpx.AsyncClient, application_id: int, action: str, **fields: str) -> str:
    page = await client.get("/staff/settings")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    done = await client.post(f"/staff/applications/{application_id}/actions/{action}",
                             data={"csrf": csrf, **fields}, follow_redirects=True)
    assert done.status_code == 200
    return done.text


async def _apply(applicant: Parent) -> None:
    await applicant.follow()
    # Not among the parents' services: OBEC's services have their own menu.
    await applicant.say("เมนู")
    assert "เทียบวุฒิการศึกษา" not in _labels(applicant._last_batch)
    await applicant.say("บริการ สพฐ.")
    assert "OBEC services" in applicant.last_text()
    await applicant.tap("เทียบวุฒิการศึกษา")
    assert "ข้อมูลส่วนบุคคล" in applicant.last_text()
    await applicant.tap("รับทราบ เริ่มกรอก")
    assert "ส่งถึงสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน" in applicant.last_text()
    await applicant.say("นายจอห์น สมิธ")
    await applicant.say("AA1234567")
    await applicant.tap("ต่างประเทศ")
    await applicant.tap("มัธยมศึกษาตอนปลาย")
    # A foreign upper secondary qualification for university is not OBEC's to compare: told so,
    # politely, and asked again; nothing given so far is lost.
    await applicant.tap("เรียนต่อมหาวิทยาลัย")
    assert "สพฐ. ไม่ได้เป็นผู้เทียบวุฒิค่ะ" in applicant.last_text()
    await applicant.say("สมัครงานค่ะ")
    await applicant.say("Lincoln High School, USA")
    await applicant.say("2566")
    await applicant.send_photos(2)  # transcript and diploma
    await applicant.send_photos(1)  # the Thai translation
    await applicant.send_photos(1)  # passport
    await applicant.say("081-234-5678")
    summary = applicant.last_text()
    assert "นายจอห์น สมิธ" in summary and "AA1234567" in summary and "มัธยมศึกษาตอนปลาย" in summary
    await applicant.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: QE-" in applicant.last_text()


async def test_an_equivalence_certificate_is_issued_by_obec_and_verifies(bot):
    applicant = Parent(bot, "John")
    await _apply(applicant)
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
        school = await session.scalar(sa.select(School))
        assert (application.service, application.status) == ("qualification_equivalence",
                                                              ApplicationStatus.SUBMITTED)
        # The school's registrar, and an officer of OBEC enrolled with a one-time invite.
        registrar = StaffMember(school_id=school.id, line_user_id=bot.standin.add_user("ครูทะเบียน").user_id,
                                display_name="ครูทะเบียน", role="registrar", active=True,
                                notify_new_submissions=False, created_at=bot.runtime.clock.now())
        session.add(registrar)
        # The officer belongs to another school (OBEC's staff are enrolled wherever they work):
        # OBEC's requests of every school's chat are theirs.
        elsewhere = School(slug="bannong", name="โรงเรียนบ้านหนองบัว", settings={},
                           created_at=bot.runtime.clock.now())
        session.add(elsewhere)
        await session.flush()
        code = await create_invite(session, school_id=school.id, role="obec", now=bot.runtime.clock.now())
        await session.commit()
    officer_chat = Parent(bot, "เจ้าหน้าที่ สพฐ.")
    await officer_chat.follow()
    await officer_chat.say(code)
    assert "ลงทะเบียนเป็นเจ้าหน้าที่ (เจ้าหน้าที่ สพฐ.)" in officer_chat.last_text()
    async with bot.runtime.sessions() as session:
        officer = await session.scalar(sa.select(StaffMember).where(
            StaffMember.line_user_id == officer_chat.user_id))
        assert officer is not None and officer.role == "obec"
        officer.school_id = elsewhere.id  # as if enrolled through the other school's chat
        # What the officer records on the settings page: the name and position printed when signing.
        officer.full_name, officer.position = "นางสาวเทียบวุฒิ รับรอง", "นักวิชาการศึกษาชำนาญการ"
        await session.commit()

    # The school's registrar does not see OBEC's request.
    async with _signed_in(bot, registrar) as school_staff:
        assert (await school_staff.get(f"/staff/applications/{application.id}")).status_code == 404
        assert "QE-" not in (await school_staff.get("/staff/")).text

    async with _signed_in(bot, officer) as obec:
        assert application.public_number in (await obec.get("/staff/")).text
        detail = (await obec.get(f"/staff/applications/{application.id}")).text
        # The applicant's files open for the officer (short-lived personal links).
        [file_link, *_] = re.findall(r'(/staff/documents/[A-Za-z0-9_.\-]+)', detail)
        assert (await obec.get(file_link)).status_code == 200
        await _does(obec, application.id, "accept_complete")
        await _does(obec, application.id, "sign_off")
        issued = await _does(obec, application.id, "issue_document",
                             equivalent_to="ชั้นมัธยมศึกษาปีที่ 6 ตามหลักสูตรแกนกลางการศึกษาขั้นพื้นฐาน",
                             reference_number="ศธ 04004/123")
    assert "หนังสือรับรองการเทียบวุฒิการศึกษา" in issued

    await bot.process()
    [card] = [m for m in applicant.new_messages() if m["type"] == "flex"
              and m["altText"] == "เอกสารของคุณพร้อมแล้ว: หนังสือรับรองการเทียบวุฒิการศึกษา"]
    download, verify = (button["action"] for button in card["contents"]["footer"]["contents"])
    async with bot.runtime.sessions() as session:
        document = await session.scalar(sa.select(IssuedDocument))
    assert verify["uri"] == f"{bot.base_url}/verify/{document.code}"
    async with httpx.AsyncClient(timeout=30) as phone:
        pdf = (await phone.get(download["uri"])).content
        verify_page = (await phone.get(verify["uri"])).text
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as anyone:
        uploaded = (await anyone.post("/verify", files={"file": ("certificate.pdf", pdf)})).text

    # Signed with OBEC's own certificate, and issued as OBEC's in its record.
    signature = await asyncio.to_thread(check_signature, pdf, bot.runtime.documents.signer_for("obec").trust_roots)
    assert signature.ok, signature
    assert OBEC_SHORT_TH in (signature.signer_name or "")
    record = embedded_record(pdf)
    assert record["issuer"]["name"] == OBEC_NAME_TH
    assert record["data"]["equivalent_to"].startswith("ชั้นมัธยมศึกษาปีที่ 6")
    assert record["data"]["signature"]["name"] == "นางสาวเทียบวุฒิ รับรอง"
    assert record["data"]["reference_number"] == "ศธ 04004/123"
    # The public page: valid, issued by OBEC, the name masked.
    assert "ใช้ได้ (ยังมีผล)" in verify_page and OBEC_NAME_TH in verify_page
    assert "จอห์น" not in verify_page
    assert "ใช้ได้ (ยังมีผล)" in uploaded

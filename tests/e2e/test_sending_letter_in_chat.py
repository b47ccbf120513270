"""Done when: an approved transfer-out request ends with the signed sending letter in the
parent's chat (preview and download), its signature validates and its verify page says valid."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from backend.applications.models import Application
from backend.documents.models import IssuedDocument
from backend.documents.signing import make_dev_ca
from backend.documents.untrusted_pdf import check_signature, embedded_record
from backend.records.models import StudentRecord
from backend.schools import School
from backend.staff import StaffMember
from tests.chat import Parent, file_transfer_out
from tests.director import director_signs
from tests.harness import running_bot
from web.staff.auth import SIMULATOR_CLIENT_ID


@pytest.fixture
async def bot(env, clock, redis_namespace):
    # What `schoolbot demo` does in simulated mode, so the demo school can sign.
    make_dev_ca(Path(env["DATA_DIR"]) / "signing", "demo", "โรงเรียนสาธิตบ้านสวน")
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def submit_transfer_out(parent: Parent) -> None:
    await file_transfer_out(parent)

async def registrar_of(bot) -> StaffMember:
    user = bot.standin.add_user("ครูทะเบียน")
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        member = StaffMember(school_id=school.id, line_user_id=user.user_id, display_name="ครูทะเบียน",
                             role="registrar", active=True, notify_new_submissions=False,
                             created_at=bot.runtime.clock.now(), full_name="นางสาวทะเบียน ใจดี", position="ครู")
        session.add(member)
        await session.commit()
        return member


async def staff_does(bot, client: httpx.AsyncClient, application_id: int, action: str, **fields) -> str:
    page = await client.get("/staff/settings")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    done = await client.post(f"/staff/applications/{application_id}/actions/{action}",
                             data={"csrf": csrf, **fields}, follow_redirects=True)
    assert done.status_code == 200
    return done.text


def flex_cards(messages, headline: str) -> list[dict]:
    return [m for m in messages if m["type"] == "flex" and m["altText"].startswith(headline)]


async def test_approved_transfer_out_ends_with_the_signed_sending_letter_in_the_chat(bot):
    parent = Parent(bot)
    await submit_transfer_out(parent)
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))

    registrar = await registrar_of(bot)
    async with bot.runtime.sessions() as session:
        # The student's record as the registrar loaded it from the grading system.
        session.add(StudentRecord(
            school_id=application.school_id, student_number="4521",
            national_id=application.answers["student_national_id"], name="เด็กหญิงสมใจ ใจดี",
            data={"student_number": "4521", "name": "เด็กหญิงสมใจ ใจดี", "level": "primary",
                  "birth_date": "2018-01-09", "terms": [{"year": 2568, "term": 1, "courses": [
                      {"code": "ท11101", "name": "ภาษาไทย 1", "credits": "", "grade": "4", "kind": ""}]}],
                  "gpa": "4.00", "credits_earned": "0.0", "graduated": False},
            source="template", imported_at=bot.runtime.clock.now(), updated_at=bot.runtime.clock.now()))
        await session.commit()
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as staff:
        token = bot.standin.issue_id_token(registrar.line_user_id, SIMULATOR_CLIENT_ID)
        await staff.post("/staff/api/session", json={"id_token": token})
        await staff_does(bot, staff, application.id, "accept_complete")
        await staff_does(bot, staff, application.id, "sign_off")
        prepared = await staff_does(bot, staff, application.id, "issue_document", student_number="4521")
    assert "เอกสารรอลงนาม" in prepared  # a registrar prepares; the director signs
    issued_page = await director_signs(bot, application.id)
    assert "หนังสือส่งตัวนักเรียน" in issued_page

    await bot.process()
    [card] = flex_cards(parent.new_messages(), "เอกสารของคุณพร้อมแล้ว")
    assert card["altText"] == "เอกสารของคุณพร้อมแล้ว: หนังสือส่งตัวนักเรียน"
    bubble = card["contents"]
    preview_url = bubble["hero"]["url"]
    download, verify = (button["action"] for button in bubble["footer"]["contents"])
    assert (download["label"], verify["label"]) == ("ดาวน์โหลด PDF", "ตรวจสอบความถูกต้อง")

    async with bot.runtime.sessions() as session:
        document = await session.scalar(sa.select(IssuedDocument))
    assert verify["uri"] == f"{bot.base_url}/verify/{document.code}"
    async with httpx.AsyncClient(timeout=30) as phone:
        preview = await phone.get(preview_url)
        pdf = (await phone.get(download["uri"])).content
        verify_page = await phone.get(verify["uri"])
    assert preview.headers["content-type"] == "image/png"
    roots = bot.runtime.documents.signer_for("demo").trust_roots
    signature = await asyncio.to_thread(check_signature, pdf, roots)
    assert signature.ok, signature
    record = embedded_record(pdf)
    assert record["data"]["subject_name"] == "เด็กหญิงสมใจ ใจดี"
    assert record["data"]["destination_school"] == "โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น"
    assert record["application_id"] == application.id
    # The letter as the regulation lays it out, signed by the director, with its enclosures.
    assert record["data"]["signature"]["name"] == "นายสมชาย ใจดี"
    assert record["data"]["reference_number"] == "ศธ 04999.999/1"
    assert record["data"]["record"]["terms"][0]["courses"][0]["code"] == "ท11101"
    assert record["data"]["enclosures"][0].startswith("สำเนาระเบียนแสดงผลการเรียน (ปพ.1)")
    assert "ใช้ได้ (ยังมีผล)" in verify_page.text and "ส*** ใ***" in verify_page.text
    assert "สมใจ" not in verify_page.text

    # Days later the link has expired: the status answer lists the letter and sends a fresh one.
    bot.runtime.clock.advance(days=3)
    await parent.say("ติดตามสถานะ")
    assert "หนังสือส่งตัวนักเรียน" in parent.last_text()
    await parent.tap("1. หนังสือส่งตัว")
    [fresh] = flex_cards(parent._last_batch, "ลิงก์ดาวน์โหลดเอกสาร")
    fresh_url = fresh["contents"]["footer"]["contents"][0]["action"]["uri"]
    async with httpx.AsyncClient(timeout=30) as phone:
        assert (await phone.get(download["uri"])).status_code == 404
        assert (await phone.get(fresh_url)).content == pdf

    # The same button, tapped by someone else (a forwarded postback), gives nothing away.
    stranger = Parent(bot, "คนอื่น")
    await stranger.follow()
    [button] = [item["action"] for item in parent.all_messages()[-2]["quickReply"]["items"]
                if item["action"].get("label") == "1. หนังสือส่งตัว"]
    await stranger._do(button, None)
    assert "ไม่พบเอกสารนี้" in stranger.last_text()
    assert not flex_cards(stranger._last_batch, "ลิงก์ดาวน์โหลดเอกสาร")

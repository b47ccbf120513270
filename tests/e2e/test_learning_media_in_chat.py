"""OBEC's learning-media services in the simulated chat: a publisher asks in its own words, files a
permit to use its book in schools checked after sale, and OBEC's officer issues the permit as OBEC;
the variant decides which copy of the media is asked for."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from backend.applications.models import Application, ApplicationStatus
from backend.documents.models import IssuedDocument
from backend.documents.signing import make_dev_ca
from backend.organisations import OBEC_NAME_TH, OBEC_SHORT_TH
from backend.schools import School
from backend.staff import StaffMember
from tests.chat import Parent
from tests.harness import running_bot
from web.staff.auth import SIMULATOR_CLIENT_ID


@pytest.fixture
async def bot(env, clock, redis_namespace):
    make_dev_ca(Path(env["DATA_DIR"]) / "signing", "obec", OBEC_SHORT_TH)
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def test_a_permit_checked_after_sale_is_filed_and_issued_by_obec(bot):
    publisher = Parent(bot, "สำนักพิมพ์")
    await publisher.follow()
    await publisher.say("ขออนุญาตให้ใช้สื่อการเรียนรู้ในโรงเรียนค่ะ")
    await publisher.tap("รับทราบ เริ่มกรอก")
    assert "สำนักพิมพ์และผู้ผลิตสื่อการเรียนรู้ของเอกชน" in publisher.last_text()
    await publisher.tap("ตรวจหลังจัดจำหน่าย")
    await publisher.say("บริษัท สื่อการเรียน จำกัด")
    await publisher.tap("ข้าม")  # no producer number yet: optional
    await publisher.say("นางสาวสมใจ ใจดี")
    await publisher.say("0812345678")
    await publisher.say("หนังสือเรียนคณิตศาสตร์ ป.4")
    await publisher.tap("หนังสือเรียน")
    await publisher.say("คณิตศาสตร์ ชั้นประถมศึกษาปีที่ 4")
    # After sale: the copy on sale is asked for, not a manuscript.
    assert "ฉบับที่จำหน่ายแล้ว" in publisher.last_text()
    await publisher.send_photos(2)
    assert "ตรวจหลังจัดจำหน่าย" in publisher.last_text()  # the summary
    await publisher.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: MU-" in publisher.last_text()

    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
        school = await session.scalar(sa.select(School))
        assert (application.service, application.status) == ("learning_media_permit", ApplicationStatus.SUBMITTED)
        officer = StaffMember(school_id=school.id, line_user_id=bot.standin.add_user("สพฐ.").user_id,
                              display_name="สพฐ.", role="obec", active=True, notify_new_submissions=False,
                              created_at=bot.runtime.clock.now(), full_name="นายตรวจสื่อ พิจารณา",
                              position="นักวิชาการศึกษาชำนาญการพิเศษ")
        session.add(officer)
        await session.commit()
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as obec:
        token = bot.standin.issue_id_token(officer.line_user_id, SIMULATOR_CLIENT_ID)
        await obec.post("/staff/api/session", json={"id_token": token})
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', (await obec.get("/staff/settings")).text).group(1)
        for action, fields in (("accept_complete", {}), ("sign_off", {}),
                               ("issue_document", {"reference_number": "ศธ 04010/456",
                                                   "conditions": "แก้ไขคำผิดหน้า 12 ในการพิมพ์ครั้งต่อไป"})):
            done = await obec.post(f"/staff/applications/{application.id}/actions/{action}",
                                   data={"csrf": csrf, **fields}, follow_redirects=True)
            assert done.status_code == 200
    async with bot.runtime.sessions() as session:
        document = await session.scalar(sa.select(IssuedDocument))
    assert document.doc_type == "learning_media_permit"
    assert document.data["issuer"]["name"] == OBEC_NAME_TH
    assert document.data["data"]["check_stage"] == "ตรวจหลังจัดจำหน่าย"
    assert document.data["data"]["conditions"] == ["แก้ไขคำผิดหน้า 12 ในการพิมพ์ครั้งต่อไป"]
    await bot.process()
    assert [m for m in publisher.new_messages() if m["type"] == "flex"
            and m["altText"] == "เอกสารของคุณพร้อมแล้ว: หนังสืออนุญาตให้ใช้สื่อการเรียนรู้ในสถานศึกษา"]

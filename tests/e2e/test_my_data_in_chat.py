"""A parent's rights over their data in the chat (PDPA ss.30-33): seeing what the school holds,
a copy a program can read, and erasure of everything the school need not keep."""

from __future__ import annotations

import json

import httpx
import pytest
import sqlalchemy as sa

from backend import audit, retention
from backend.applications.models import Application
from backend.consent import ConsentRecord
from backend.data_rights import DataRequest
from backend.files.models import StoredFile
from backend.inbox import InboundEvent
from backend.retention import DataPurge
from tests.chat import Parent, file_transfer_out
from tests.harness import running_bot


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def _rows(bot, model, *where):
    async with bot.runtime.sessions() as session:
        return list(await session.scalars(sa.select(model).where(*where)))


async def test_a_parent_sees_what_the_school_holds_and_gets_a_copy(bot):
    parent = Parent(bot)
    await file_transfer_out(parent)
    await parent.say("ข้อมูลของฉันค่ะ")
    summary = parent.last_text()
    assert "คำขอ 1 รายการ" in summary and "ย้ายออก" in summary and "TO-" in summary
    assert "เก็บไว้ระหว่างพิจารณา" in summary and "รูปและไฟล์เอกสารที่ส่งมา 1 ไฟล์" in summary
    await parent.tap("ขอสำเนาข้อมูล")
    [link] = [word for word in parent.last_text().split() if word.startswith("http")]
    async with httpx.AsyncClient() as phone:
        copy = await phone.get(link)
    assert copy.status_code == 200 and copy.headers["content-type"].startswith("application/json")
    data = json.loads(copy.content)
    [request] = data["requests"]
    assert request["answers"]["student_name"] == "เด็กหญิงสมใจ ใจดี" and request["status"] == "submitted"
    assert len(data["files"]) == 1 and data["consents"][0]["purpose"] == "privacy_notice"
    # Each request is on record (s.39), without what was shown.
    [access] = await _rows(bot, DataRequest)
    assert (access.kind, access.parent_ref) == ("access", parent.user_id) and access.outcome == {}


async def test_erasure_removes_what_need_not_be_kept_and_says_what_is_kept_until_when(bot, clock):
    parent = Parent(bot)
    await file_transfer_out(parent)
    await parent.send_photos(1)  # a photo outside any request
    await parent.say("อยากย้ายลูกไปโรงเรียนใหม่ค่ะ")  # a second request, left unfinished
    files_before = await _rows(bot, StoredFile, StoredFile.owner_ref == parent.user_id)
    assert len(files_before) == 2

    await parent.say("ลบข้อมูลของฉัน")
    assert "ยืนยันลบข้อมูล" in str(parent.all_messages()[-1]) and "โรงเรียนต้องเก็บไว้ตามกฎหมาย" in parent.last_text()
    assert len(await _rows(bot, Application)) == 2  # nothing goes before the parent confirms
    await parent.tap("ยืนยันลบข้อมูล")
    answer = parent.last_text()
    assert "ลบข้อมูลแล้วค่ะ" in answer and "คำขอที่ยังไม่ได้ยื่นหรือยกเลิกแล้ว 1 รายการ" in answer
    assert "รูปและไฟล์ 1 ไฟล์" in answer and "มาตรา 33" in answer and "TO-" in answer

    [kept] = await _rows(bot, Application)
    assert kept.status == "submitted" and kept.parent_ref == parent.user_id
    [kept_file] = await _rows(bot, StoredFile, StoredFile.owner_ref == parent.user_id)
    assert kept_file.id in retention.referenced_files(kept)
    [erasure] = await _rows(bot, DataRequest, DataRequest.kind == "erasure")
    assert erasure.outcome["kept"] == [kept.id] and erasure.completed_at == clock.now()
    purges = {p.kind: p.count for p in await _rows(bot, DataPurge, DataPurge.reason == "parent_request")}
    assert purges["parent_request"] == 1 and purges["parent_file"] == 1 and purges["parent_chat"] >= 1
    entries = await _rows(bot, audit.AuditEntry, audit.AuditEntry.action == "personal_data_erased")
    assert len(entries) == 1 and parent.user_id not in json.dumps(entries[0].detail)
    # The consent that the kept request was given under stays with it.
    assert await _rows(bot, ConsentRecord, ConsentRecord.user_ref == parent.user_id)


async def test_a_parent_with_nothing_the_school_must_keep_is_erased_entirely(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("อยากย้ายลูกไปโรงเรียนใหม่ค่ะ")
    await parent.tap("รับทราบ เริ่มกรอก")
    await parent.say("เด็กหญิงสมใจ ใจดี")
    await parent.say("ลบข้อมูลของฉัน")
    await parent.tap("ยืนยันลบข้อมูล")
    assert "ยังเก็บไว้" not in parent.last_text()
    assert await _rows(bot, Application) == []
    assert await _rows(bot, ConsentRecord) == []
    await parent.say("ข้อมูลของฉัน")
    assert "ไม่มีข้อมูลคำขอหรือไฟล์ของคุณ" in parent.last_text()


async def test_the_worker_runs_the_retention_schedule_and_records_it(bot, clock):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("สวัสดีค่ะ")
    assert await _rows(bot, InboundEvent)
    clock.advance(days=8)
    await bot.process()  # the daily job runs on the worker's first pass
    assert await _rows(bot, InboundEvent) == []
    [purge] = await _rows(bot, DataPurge, DataPurge.kind == retention.INBOUND_EVENTS.kind)
    assert purge.count == 2 and purge.reason == "retention"

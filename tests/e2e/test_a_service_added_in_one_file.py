"""Adding a service is one spec file plus its template (docs/adding-a-service.md): a throwaway
service, placed beside flows/services for this test only, is found and registered as at start,
then offered in the menu, reached by the parent's own words, filed in the simulated chat,
approved by staff and issued as a signed document the parent receives."""

from __future__ import annotations

import asyncio
import re
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

import flows.services
from backend.applications.models import Application, ApplicationStatus
from backend.catalog import CATALOG
from backend.documents.models import IssuedDocument
from backend.documents.signing import make_dev_ca
from backend.documents.untrusted_pdf import check_signature, embedded_record
from backend.fees.schedule import quote
from backend.school_config import parse_school_config
from backend.schools import School
from backend.staff import StaffMember
from flows.services import load_spec, register, service_module_names
from tests.chat import Parent
from tests.director import director_signs
from tests.harness import running_bot
from web.staff.auth import SIMULATOR_CLIENT_ID

SERVICE_FOLDER = Path(__file__).with_name("throwaway_service")
MODULE = "flows.services.library_card"


@pytest.fixture
def library_card(monkeypatch):
    """The service's one file beside the real ones, found and registered as load_catalog() does
    at start; everything of it is gone after the test."""
    monkeypatch.setattr(flows.services, "__path__", [*flows.services.__path__, str(SERVICE_FOLDER)])
    try:
        with CATALOG.scope():
            assert MODULE in service_module_names()
            register(load_spec(MODULE), declared_in=MODULE)
            yield
    finally:
        sys.modules.pop(MODULE, None)
        vars(flows.services).pop("library_card", None)


@pytest.fixture
async def bot(library_card, env, clock, redis_namespace):
    make_dev_ca(Path(env["DATA_DIR"]) / "signing", "demo", "โรงเรียนสาธิตบ้านสวน")  # so the demo school can sign
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def _staff_member(bot, role: str) -> StaffMember:
    user = bot.standin.add_user("ครูบรรณารักษ์")
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
        member = StaffMember(school_id=school.id, line_user_id=user.user_id, display_name="ครูบรรณารักษ์",
                             role=role, active=True, notify_new_submissions=False,
                             created_at=bot.runtime.clock.now())
        session.add(member)
        await session.commit()
        return member


async def _staff_does(client: httpx.AsyncClient, application_id: int, action: str) -> str:
    page = await client.get("/staff/settings")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    done = await client.post(f"/staff/applications/{application_id}/actions/{action}",
                             data={"csrf": csrf}, follow_redirects=True)
    assert done.status_code == 200
    return done.text


async def test_a_service_declared_in_one_file_is_filed_approved_and_issued_in_the_chat(bot):
    parent = Parent(bot)
    await parent.follow()
    await parent.say("เมนู")
    assert "ขอบัตรห้องสมุด" in [item["action"]["label"] for message in parent._last_batch
                                for item in (message.get("quickReply") or {}).get("items", [])]

    await parent.say("อยากทำบัตรห้องสมุดค่ะ")
    assert "ข้อมูลส่วนบุคคล" in parent.last_text()
    await parent.tap("รับทราบ เริ่มกรอก")
    assert "บุคคลทั่วไปขอบัตรสมาชิกห้องสมุด" in parent.last_text()
    assert "ขั้นตอนที่ 1 จาก 3" in parent.last_text()
    await parent.say("นายสมชาย ใจดี")
    await parent.say("081-234-5678")
    await parent.send_photos(1)
    await parent.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: LC-" in parent.last_text()
    async with bot.runtime.sessions() as session:
        application = await session.scalar(sa.select(Application))
        school = await session.scalar(sa.select(School))
    assert (application.service, application.status) == ("library_card", ApplicationStatus.SUBMITTED)
    # The school's configuration knows it too: its time limit, and a fee under its own code.
    config = parse_school_config({**school.settings, "services": {"library_card": {"fee": "20"}}})
    assert config.service("library_card").time_limit_days == 3
    assert (quote(application, config).amount, quote(application, config).fee_code) == (Decimal("20.00"), "LIB")

    registrar = await _staff_member(bot, "registrar")
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as staff:
        token = bot.standin.issue_id_token(registrar.line_user_id, SIMULATOR_CLIENT_ID)
        await staff.post("/staff/api/session", json={"id_token": token})
        await _staff_does(staff, application.id, "accept_complete")
        await _staff_does(staff, application.id, "sign_off")
        prepared = await _staff_does(staff, application.id, "issue_document")
    assert "เอกสารรอลงนาม" in prepared  # the director (or a delegate) signs it
    issued_page = await director_signs(bot, application.id)
    assert "บัตรสมาชิกห้องสมุดโรงเรียน" in issued_page

    await bot.process()
    [card] = [m for m in parent.new_messages() if m["type"] == "flex"
              and m["altText"] == "เอกสารของคุณพร้อมแล้ว: บัตรสมาชิกห้องสมุดโรงเรียน"]
    download = card["contents"]["footer"]["contents"][0]["action"]
    async with httpx.AsyncClient(timeout=30) as phone:
        pdf = (await phone.get(download["uri"])).content
    roots = bot.runtime.documents.signer_for("demo").trust_roots
    assert (await asyncio.to_thread(check_signature, pdf, roots)).ok
    assert embedded_record(pdf)["data"]["subject_name"] == "นายสมชาย ใจดี"
    async with bot.runtime.sessions() as session:
        document = await session.scalar(sa.select(IssuedDocument))
    assert document.doc_type == "library_card"

    await parent.say("ติดตามสถานะ")
    assert "บัตรสมาชิกห้องสมุดโรงเรียน" in parent.last_text()
    await parent.tap("1. บัตรห้องสมุด")  # the document's short title, on the chat button
    assert [m for m in parent._last_batch
            if m["type"] == "flex" and m["altText"].startswith("ลิงก์ดาวน์โหลดเอกสาร")]


def test_the_throwaway_service_is_gone_after_its_test():
    assert "library_card" not in CATALOG.service_ids()
    assert "library_card" not in CATALOG.document_ids()
    assert MODULE not in service_module_names()

"""The staff pages' protections: each role sees what its actions need, logging out ends the
session on the server, nothing in the address is shown as written, and the browser is told
what a page may do."""

from __future__ import annotations

import re

import httpx
import sqlalchemy as sa

from backend.audit import AuditEntry
from backend.schools import School
from backend.thai.ids import format_national_id, synthetic_national_id
from bot.app import create_app
from bot.config import load_settings
from tests.harness import production_keys
from tests.staff_pages.conftest import add_staff, client_for, sign_in, submitted_application
from tests.staff_pages.test_staff_work import csrf_of

ID = synthetic_national_id(3)  # the child's number in submitted_application


async def _chain(bot, service: str, approvers: list[str]) -> None:
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School).where(School.slug == "demo"))
        settings = dict(school.settings)
        services = dict(settings.get("services", {}))
        services[service] = {**services.get(service, {}), "approvers": approvers}
        school.settings = {**settings, "services": services}
        await session.commit()


async def test_each_role_sees_what_its_actions_need_with_ids_masked_and_every_view_logged(bot, people):
    await _chain(bot, "transfer_out", ["teacher", "registrar"])
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    page = f"/staff/applications/{application_id}"
    finance = await add_staff(bot, people.school_id, "finance", "นางการเงิน ดีมาก")
    async with client_for(bot) as teacher, client_for(bot) as registrar, client_for(bot) as money:
        await sign_in(bot, teacher, people.teacher)
        await sign_in(bot, registrar, people.registrar)
        await sign_in(bot, money, finance)
        # Before the documents are accepted the request is the registrar's alone.
        assert (await teacher.get(page)).status_code == 404
        assert "ฟ้าใส" not in (await teacher.get("/staff/")).text
        full = (await registrar.get(page)).text
        assert format_national_id(ID) in full
        await registrar.post(f"{page}/actions/accept_complete", data={"csrf": await csrf_of(registrar)})
        # Now it waits for the teacher's sign-off: the teacher sees it, without the full ID number.
        shown = await teacher.get(page)
        assert shown.status_code == 200 and "ฟ้าใส" in shown.text
        assert format_national_id(ID) not in shown.text and ID not in shown.text
        assert f"X-XXXX-XXXXX-{ID[10:12]}-{ID[12]}" in shown.text
        # Finance staff work on fees, never on requests.
        assert (await money.get(page)).status_code == 404
        assert (await money.get("/staff/")).headers["location"] == "/staff/fees"
    async with bot.runtime.sessions() as session:
        views = list(await session.execute(sa.select(AuditEntry.actor, AuditEntry.action).where(
            AuditEntry.action.in_(["application_viewed", "inbox_viewed"]))))
    assert (people.teacher.actor, "application_viewed") in views
    assert (people.registrar.actor, "application_viewed") in views
    assert (people.teacher.actor, "inbox_viewed") in views
    # Views are in the log, not in the request's history on its page.
    assert "application_viewed" not in full


async def test_logging_out_ends_the_session_for_every_copy_of_the_cookie(bot, people):
    async with client_for(bot) as phone, client_for(bot) as copy:
        await sign_in(bot, phone, people.registrar)
        copy.cookies.update(phone.cookies)
        assert (await copy.get("/staff/")).status_code == 200
        await phone.post("/staff/logout")
        after = await copy.get("/staff/")
        assert after.status_code == 303 and after.headers["location"].startswith("/staff/login")
        await sign_in(bot, phone, people.registrar)  # signing in again works at once
        assert (await phone.get("/staff/")).status_code == 200


async def test_words_in_the_address_are_never_shown_only_messages_the_server_kept(bot, people):
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    page = f"/staff/applications/{application_id}"
    planted = "โอนค่าธรรมเนียมเข้าบัญชี 123-4-56789 ด่วน"
    async with client_for(bot) as registrar, client_for(bot) as director:
        await sign_in(bot, registrar, people.registrar)
        await sign_in(bot, director, people.director)
        shown = (await registrar.get(page, params={"error": planted, "done": planted})).text
        assert planted not in shown
        refused = await registrar.post(f"{page}/actions/reject", data={"csrf": await csrf_of(registrar),
                                                                         "reason": " "})
        location = refused.headers["location"]
        assert "กรุณา" not in location and re.search(r"error=[A-Za-z0-9_-]{16}$", location)
        assert "กรุณาระบุเหตุผล" in (await registrar.get(location)).text
        # The code means nothing to another member, nor does a made-up one.
        other = await director.get(location.replace(str(application_id), str(application_id)))
        assert "กรุณาระบุเหตุผล" not in other.text
        finance = await add_staff(bot, people.school_id, "finance", "นางการเงิน ดีมาก")
        await sign_in(bot, director, finance)
        fees = (await director.get("/staff/fees", params={"done": planted, "error": planted})).text
        assert planted not in fees
        # The pages for records and for one's own settings say nothing from the address either.
        for path in ("/staff/records", "/staff/settings"):
            shown = (await registrar.get(path, params={"done": planted, "error": planted})).text
            assert planted not in shown, path
        refused = await registrar.post("/staff/settings/signature", data={"csrf": await csrf_of(registrar)})
        assert re.search(r"error=[A-Za-z0-9_-]{16}$", refused.headers["location"])
        assert "กรุณากรอกทั้งชื่อ" in (await registrar.get(refused.headers["location"])).text


async def test_the_development_login_answers_a_staff_id_that_is_not_a_number_with_400(bot, people):
    async with client_for(bot) as client:
        for staff_id in ("abc", "1e9", "-1", "9" * 30):
            response = await client.post("/staff/dev-login", data={"staff_id": staff_id})
            assert response.status_code in (400, 404), staff_id
        assert (await client.post("/staff/dev-login", data={"staff_id": "abc"})).status_code == 400


async def test_pages_tell_the_browser_what_they_may_do(bot):
    async with client_for(bot) as client:
        for path in ("/staff/login", "/verify", "/media/not-a-link"):
            headers = (await client.get(path)).headers
            assert "frame-ancestors 'none'" in headers["content-security-policy"], path
            assert headers["x-content-type-options"] == "nosniff", path
            assert headers["referrer-policy"] == "no-referrer", path
        login = (await client.get("/staff/login")).text
        verify = (await client.get("/verify")).text
    # Nothing inline, so the policy can forbid inline script and style outright.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", login + verify)
    assert "<style" not in verify and "<style" not in login


async def test_production_serves_no_api_description_and_sends_hsts(tmp_path):
    env = {"DATA_DIR": str(tmp_path / "data"), "LINE_CHANNEL_SECRET": "s" * 32,
           "LINE_CHANNEL_ACCESS_TOKEN": "t" * 32, "PUBLIC_BASE_URL": "https://bot.school.example",
           **production_keys(tmp_path / "keys")}
    app = create_app(load_settings(env), run_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://bot.school.example") as client:
        assert (await client.get("/openapi.json")).status_code == 404
        assert (await client.get("/docs")).status_code == 404
        page = await client.get("/staff/static/staff.css")  # needs no database
    assert page.headers["strict-transport-security"].startswith("max-age=")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]

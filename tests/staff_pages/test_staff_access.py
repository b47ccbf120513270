"""Who may see what: only signed-in staff, only their own school, only through short-lived links."""

from __future__ import annotations

import re

import sqlalchemy as sa

from backend.audit import AuditEntry
from backend.staff import StaffMember
from tests.staff_pages.conftest import application_row, client_for, sign_in, submitted_application


def document_links(html: str) -> list[str]:
    return sorted(set(re.findall(r'(/staff/documents/[A-Za-z0-9_.\-]+)', html)))


async def csrf_of(client) -> str:
    page = await client.get("/staff/settings")
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


async def test_staff_sign_in_with_a_line_id_token_and_see_their_schools_requests(bot, people):
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as client:
        response = await sign_in(bot, client, people.registrar)
        assert response.status_code == 200
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/staff" in cookie
        inbox = await client.get("/staff/")
    assert inbox.status_code == 200
    assert "เด็กหญิงฟ้าใส ใจงาม" in inbox.text and "ย้ายออก" in inbox.text
    assert f"/staff/applications/{application_id}" in inbox.text
    # The ID token went to LINE's verify endpoint (the stand-in), not checked locally.
    assert [r.status for r in bot.standin.requests_to("verify_id_token")] == [200]


async def test_forged_expired_and_non_staff_tokens_are_refused(bot, people, clock):
    async with client_for(bot) as client:
        token = bot.standin.issue_id_token(people.registrar.line_user_id, "simulator-login")
        forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        assert (await client.post("/staff/api/session", json={"id_token": forged})).status_code == 401
        other_channel = bot.standin.issue_id_token(people.registrar.line_user_id, "1234567890")
        assert (await client.post("/staff/api/session",
                                  json={"id_token": other_channel})).status_code == 401
        parent = await sign_in(bot, client, people.parent_ref)
        assert parent.status_code == 403 and "ยังไม่ได้ลงทะเบียน" in parent.json()["error"]
        clock.advance(hours=1, seconds=1)
        expired = await client.post("/staff/api/session", json={"id_token": token})
        assert expired.status_code == 401
        assert "set-cookie" not in expired.headers
        # A form post (what another site could make a browser send) is not accepted.
        form = await client.post("/staff/api/session", data={"id_token": token})
        assert form.status_code == 415


async def test_pages_without_a_valid_session_send_to_login(bot, people, clock):
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as client:
        anonymous = await client.get(f"/staff/applications/{application_id}")
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/staff/login")
        await sign_in(bot, client, people.registrar)
        good = client.cookies["staff_session"]
        client.cookies.set("staff_session", good[:-3] + "xyz", path="/staff")
        assert (await client.get("/staff/")).status_code == 303
        client.cookies.set("staff_session", good, path="/staff")
        assert (await client.get("/staff/")).status_code == 200
        clock.advance(hours=2, seconds=1)
        assert (await client.get("/staff/")).status_code == 303


async def test_a_deactivated_member_is_out_at_once(bot, people):
    async with client_for(bot) as client:
        await sign_in(bot, client, people.registrar)
        async with bot.runtime.sessions() as session:
            member = await session.get(StaffMember, people.registrar.id)
            member.active = False
            await session.commit()
        assert (await client.get("/staff/")).status_code == 303


async def test_staff_of_another_school_and_guessed_ids_find_nothing(bot, people):
    application_id, _ = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as ours, client_for(bot) as theirs:
        await sign_in(bot, ours, people.registrar)
        detail = await ours.get(f"/staff/applications/{application_id}")
        [link] = document_links(detail.text)

        await sign_in(bot, theirs, people.other_registrar)
        inbox = await theirs.get("/staff/")
        assert "เด็กหญิงฟ้าใส" not in inbox.text
        assert (await theirs.get(f"/staff/applications/{application_id}")).status_code == 404
        assert (await theirs.get(f"/staff/applications/{application_id + 1000}")).status_code == 404
        # A link copied from a colleague's page opens nothing for someone else.
        assert (await theirs.get(link)).status_code == 404
        refused = await theirs.post(f"/staff/applications/{application_id}/actions/reject",
                                    data={"reason": "ไม่ผ่าน", "csrf": await csrf_of(theirs)})
        assert refused.status_code == 404
    assert (await application_row(bot, application_id)).status == "submitted"


async def test_document_links_are_short_lived_carry_no_personal_data_and_every_view_is_audited(
        bot, people, clock):
    application_id, file_id = await submitted_application(bot, people.school_id, people.parent_ref)
    async with client_for(bot) as client:
        await sign_in(bot, client, people.registrar)
        detail = await client.get(f"/staff/applications/{application_id}")
        [link] = document_links(detail.text)
        assert "ฟ้าใส" not in link and people.parent_ref not in link
        opened = await client.get(link)
        assert opened.status_code == 200 and opened.headers["content-type"] == "image/jpeg"
        assert opened.headers["cache-control"] == "private, no-store"
        assert opened.content[:2] == b"\xff\xd8"
        await client.get(link)
        clock.advance(minutes=5, seconds=1)
        assert (await client.get(link)).status_code == 404
        # A link to a file of the school that the application does not list is never minted;
        # a hand-made one fails its signature.
        assert (await client.get(f"/staff/documents/{file_id}")).status_code == 404
    async with bot.runtime.sessions() as session:
        views = list(await session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "document_viewed")))
    assert [(v.actor, v.subject, v.detail) for v in views] == [
        (f"staff:{people.registrar.id}", f"file:{file_id}", {"application_id": application_id})] * 2


"""The director of the demo school signs what staff prepared, as on the staff pages."""

from __future__ import annotations

import re

import httpx
import sqlalchemy as sa

from backend.schools import School
from backend.staff import StaffMember
from web.staff.auth import SIMULATOR_CLIENT_ID


async def director_signs(bot, application_id: int) -> str:
    """A director (with a printed name) reads the waiting document and signs it; the page after."""
    user = bot.standin.add_user("ผอ.โรงเรียน")
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School).where(School.slug == "demo"))
        member = StaffMember(school_id=school.id, line_user_id=user.user_id, display_name="ผอ.โรงเรียน",
                             role="director", active=True, notify_new_submissions=False,
                             created_at=bot.runtime.clock.now(), full_name="นายสมชาย ใจดี")
        session.add(member)
        await session.commit()
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as director:
        token = bot.standin.issue_id_token(user.user_id, SIMULATOR_CLIENT_ID)
        await director.post("/staff/api/session", json={"id_token": token})
        page = (await director.get(f"/staff/applications/{application_id}")).text
        [request_id] = re.findall(r'data-request="(\d+)"', page)
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        signed = await director.post(f"/staff/applications/{application_id}/signature-requests/{request_id}/sign",
                                     data={"csrf": csrf}, follow_redirects=True)
    assert "บันทึก “ลงนามและออกเอกสาร” แล้ว" in signed.text, signed.url
    return signed.text

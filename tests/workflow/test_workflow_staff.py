"""Enrolment by one-time invite codes, and finding staff by their chat user."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from backend.staff import (
    INVITE_ALPHABET,
    InviteInvalid,
    StaffInvite,
    create_invite,
    looks_like_invite_code,
    redeem_invite,
    staff_by_user,
    staff_for_role,
)


async def test_an_invite_enrols_once_with_its_role_and_only_its_hash_is_kept(world):
    code = await create_invite(world.session, school_id=world.school.id, role="registrar",
                               now=world.clock.now())
    assert len(code) == 8 and set(code) <= set(INVITE_ALPHABET) and looks_like_invite_code(code)
    stored = await world.session.scalar(sa.select(StaffInvite))
    assert code not in stored.code_hash

    person = world.user_ref()
    typed = f" {code[:4].lower()}-{code[4:]} "  # as people type it
    member = await redeem_invite(world.session, code=typed, user_ref=person, display_name="ครูสมศรี",
                                 now=world.clock.advance(hours=1))
    assert (member.school_id, member.role, member.active) == (world.school.id, "registrar", True)
    assert await staff_by_user(world.session, user_ref=person) == member
    assert member in await staff_for_role(world.session, world.school.id, ["registrar"])

    with pytest.raises(InviteInvalid) as again:
        await redeem_invite(world.session, code=code, user_ref=world.user_ref(), display_name="x",
                            now=world.clock.now())
    assert again.value.reason == "used" and "ถูกใช้ไปแล้ว" in again.value.message_th
    assert [e.action for e in await world.audit()] == ["staff_invite_created", "staff_enrolled"]


async def test_expired_and_unknown_codes_are_refused_in_thai(world):
    code = await create_invite(world.session, school_id=world.school.id, role="teacher",
                               now=world.clock.now(), valid_for=dt.timedelta(days=3))
    with pytest.raises(InviteInvalid) as expired:
        await redeem_invite(world.session, code=code, user_ref=world.user_ref(), display_name="x",
                            now=world.clock.advance(days=3))
    assert expired.value.reason == "expired" and "หมดอายุ" in expired.value.message_th
    with pytest.raises(InviteInvalid) as unknown:
        await redeem_invite(world.session, code="ABCDEFGH", user_ref=world.user_ref(), display_name="x",
                            now=world.clock.now())
    assert unknown.value.reason == "unknown"
    with pytest.raises(ValueError):
        await create_invite(world.session, school_id=world.school.id, role="janitor", now=world.clock.now())


async def test_a_second_invite_changes_an_enrolled_members_role_and_reactivates_them(world):
    member = world.staff["teacher"]
    member.active = False
    code = await create_invite(world.session, school_id=world.school.id, role="director", now=world.clock.now())
    assert await staff_by_user(world.session, user_ref=member.line_user_id) is None
    again = await redeem_invite(world.session, code=code, user_ref=member.line_user_id,
                                display_name="ผอ.", now=world.clock.now())
    assert again.id == member.id and again.role == "director" and again.active


async def test_staff_are_found_only_in_their_own_school(world):
    member = world.staff["registrar"]
    assert await staff_by_user(world.session, user_ref=member.line_user_id, school_id=world.school.id) == member
    assert await staff_by_user(world.session, user_ref=member.line_user_id, school_id=world.school.id + 1) is None
    assert await staff_by_user(world.session, user_ref=world.user_ref()) is None

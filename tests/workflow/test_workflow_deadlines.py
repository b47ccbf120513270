"""Late decisions: the parent is told every 7 days with staff's reason, staff are reminded, and the
legal copy goes by the second channel."""

from __future__ import annotations

import pytest

from backend import notices
from backend.applications.models import ApplicationStatus as S
from backend.applications.workflow import perform
from backend.deadlines import late_decisions
from backend.second_channel import (
    ContactInfo,
    FakeSecondChannel,
    SecondChannelError,
    send_legal_copy,
)


async def accepted(world, **answers):
    application = await world.application(S.SUBMITTED)
    if answers:
        application.answers = {**application.answers, **answers}
    await perform(world.session, application, "accept_complete", staff=world.staff["registrar"],
                  now=world.clock.now(), config=world.config)
    return application


async def late_notices(world, application):
    return [n for n in await world.notices(application_id=application.id, kind="late_decision")]


async def test_a_late_decision_is_told_on_the_first_late_day_and_then_every_seven_days(world):
    application = await accepted(world)  # due Wednesday 2 December, end of day in Bangkok
    world.clock.advance(days=9)  # Wednesday 2 December 10:00 in Bangkok: not late yet
    assert await late_decisions(world.session, now=world.clock.now()) == []

    world.clock.advance(days=1)
    [first] = await late_decisions(world.session, now=world.clock.now())
    assert first.kind == "late_decision" and first.legal and first.audience == "parent"
    assert first.data["late_reason"] is None
    for days in (1, 5):
        world.clock.advance(days=days)
        assert await late_decisions(world.session, now=world.clock.now()) == []

    reason = "รอหนังสือตอบรับจากโรงเรียนปลายทาง"
    await perform(world.session, application, "set_late_reason", staff=world.staff["registrar"],
                  now=world.clock.now(), config=world.config, reason=reason)
    world.clock.advance(days=1)  # seven days after the first notice
    [second] = await late_decisions(world.session, now=world.clock.now())
    assert second.data["late_reason"] == reason
    assert len(await late_notices(world, application)) == 2


async def test_staff_whose_turn_it_is_are_reminded_even_with_notifications_off(world):
    application = await accepted(world)
    world.staff["teacher"].notify_new_submissions = False
    world.clock.advance(days=10)
    await late_decisions(world.session, now=world.clock.now())
    reminders = await world.notices(application_id=application.id, kind="decision_overdue")
    assert {n.recipient_ref for n in reminders} == {
        world.staff[r].line_user_id for r in ("teacher", "registrar", "admin")}
    assert all(n.data["late_reason_missing"] for n in reminders)
    [entry] = await world.audit(action="late_notice")
    assert entry.actor == "system" and entry.detail == {"days_late": 1, "reason_given": False}


async def test_decided_or_paused_requests_are_not_late(world):
    decided = await accepted(world)
    await perform(world.session, decided, "reject", staff=world.staff["registrar"],
                  now=world.clock.now(), config=world.config, reason="ไม่เข้าเกณฑ์")
    waiting = await world.application(S.DOCUMENTS_REQUESTED)
    world.clock.advance(days=60)
    assert await late_decisions(world.session, now=world.clock.now()) == []
    assert waiting.late_notice_at is None


async def test_a_legal_notice_also_goes_by_the_second_channel_when_the_parent_left_a_contact(world):
    reachable = await accepted(world, parent_phone="0812345678")
    unreachable = await accepted(world)
    world.clock.advance(days=10)
    told = await late_decisions(world.session, now=world.clock.now())
    channel = FakeSecondChannel()
    sent = [await send_legal_copy(world.session, channel, n, now=world.clock.now()) for n in told]
    assert sent == [True, False]
    [message] = channel.sent
    assert message.to == ContactInfo(phone="0812345678")
    assert reachable.public_number in message.subject_th
    assert "ทุก 7 วัน" in message.body_th and "2 ธันวาคม 2569" in message.body_th
    no_contact = await world.audit(action="second_channel_no_contact")
    assert [e.subject for e in no_contact] == [f"application:{unreachable.id}"]
    assert "0812345678" not in str([e.detail for e in await world.audit()])

    with pytest.raises(SecondChannelError):
        await send_legal_copy(world.session, FakeSecondChannel(fail=True), told[0], now=world.clock.now())


async def test_pending_notices_come_oldest_first_until_marked_delivered(world):
    application = await world.application(S.SUBMITTED)
    await perform(world.session, application, "request_documents", staff=world.staff["registrar"],
                  now=world.clock.now(), config=world.config,
                  documents=[{"document": "photo", "name": "รูปถ่าย"}])
    await perform(world.session, application, "reject", staff=world.staff["registrar"],
                  now=world.clock.now(), config=world.config, reason="ไม่ได้ส่งเอกสาร")
    pending = await notices.pending_notices(world.session, limit=10)
    assert [n.kind for n in pending] == ["documents_requested", "status_changed"]
    await notices.mark_delivered(world.session, [pending[0].id], now=world.clock.now())
    assert [n.id for n in await notices.pending_notices(world.session)] == [pending[1].id]

"""What the conversation keeps between messages (a school's parsed configuration, its engine) and
within one message (the parent's open draft): kept only while it is still right."""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flows_chat import SCHOOL_ID, render

from backend import consent
from backend.applications.models import Application
from backend.demo import DEMO_SETTINGS
from backend.school_config import SchoolConfigError, cached_school_config
from backend.schools import School
from bot.conversation import FlowConversation
from flows import postback
from flows.inputs import Input, PostbackInput, TextInput

PARENT = "U" + "7" * 32
OPEN_DRAFT_QUERY = re.compile(
    r"FROM applications\s+WHERE applications\.school_id = \? AND applications\.parent_ref = \? "
    r"AND applications\.status = \?$")


def test_a_parsed_configuration_is_reused_only_for_the_same_settings():
    settings = copy.deepcopy(DEMO_SETTINGS)
    first = cached_school_config(settings)
    assert cached_school_config(copy.deepcopy(DEMO_SETTINGS)) is first  # same content, same config

    settings["phone"] = "043-999-999"  # changed in place: still seen
    assert cached_school_config(settings).phone == "043-999-999"

    # JSON tells 50 from 50.0 (and the fee prints differently), so the cache does too.
    whole = cached_school_config({"services": {"replacement_documents": {"fee": 50}}})
    decimal = cached_school_config({"services": {"replacement_documents": {"fee": 50.0}}})
    assert str(whole.service("replacement_documents").fee) == "50"
    assert str(decimal.service("replacement_documents").fee) == "50.0"

    # Not a JSON value (set in code): parsed every time, still right.
    in_code = cached_school_config({"services": {"replacement_documents": {"fee": Decimal("75.00")}}})
    assert in_code.service("replacement_documents").fee == Decimal("75.00")


def test_a_broken_configuration_is_refused_every_time_never_remembered():
    broken = {"services": {"teleportation": {}}}
    for _ in range(2):
        with pytest.raises(SchoolConfigError, match="teleportation"):
            cached_school_config(broken)
    # NaN is written as null by the fast key: it must not pass for a valid null fee.
    assert cached_school_config({"services": {"replacement_documents": {"fee": None}}})
    with pytest.raises(SchoolConfigError, match="finite"):
        cached_school_config({"services": {"replacement_documents": {"fee": float("nan")}}})


async def _say(conversation: FlowConversation, maker, input: Input | str) -> str:
    """One message through the front desk, one transaction, as the worker does it."""
    async with maker() as session:
        school = await session.get(School, SCHOOL_ID)
        says = await conversation.front_desk.handle(
            session, school=school, user_ref=PARENT,
            input=TextInput(input) if isinstance(input, str) else input)
        await session.commit()
    return render(says)


async def test_a_change_of_the_schools_settings_is_seen_by_the_next_message(maker, clock):
    conversation = FlowConversation(clock=clock)
    assert "โทร:" not in await _say(conversation, maker, "ติดต่อโรงเรียน")
    assert "[ลาออก]" in await _say(conversation, maker, "เมนู")

    async with maker() as session:
        school = await session.get(School, SCHOOL_ID)
        school.settings = {"phone": "043-111-222", "services": {"withdrawal": {"enabled": False}}}
        await session.commit()

    assert "โทร: 043-111-222" in await _say(conversation, maker, "ติดต่อโรงเรียน")
    menu = await _say(conversation, maker, "เมนู")
    assert "[ลาออก]" not in menu and "[ย้ายออก]" in menu

    async with maker() as session:  # and back again
        school = await session.get(School, SCHOOL_ID)
        school.settings = {}
        await session.commit()
    assert "[ลาออก]" in await _say(conversation, maker, "เมนู")
    assert "โทร:" not in await _say(conversation, maker, "ติดต่อโรงเรียน")


async def test_one_message_reads_the_open_draft_once(maker, clock):
    conversation = FlowConversation(clock=clock)
    async with maker() as session:
        sync_engine = session.bind.sync_engine
        consent.record(session, school_id=SCHOOL_ID, user_ref=PARENT, purpose=consent.NOTICE,
                       granted=True, now=clock.now())
        await session.commit()
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    sa.event.listen(sync_engine, "before_cursor_execute", record)
    try:
        # Asked about by the privacy-notice check, then by the engine, then by the start of the
        # service: one query.
        said = await _say(conversation, maker, "ขอลาออกค่ะ")
        assert "ขั้นตอนที่ 1" in said and "ข้อมูลส่วนบุคคล" not in said
        assert sum(bool(OPEN_DRAFT_QUERY.search(s)) for s in statements) == 1
        assert sum("FROM consent_records" in s for s in statements) == 1

        # With the draft open: "send documents" asks whether a draft is open, then the engine.
        statements.clear()
        said = await _say(conversation, maker, "ส่งเอกสาร")
        assert sum(bool(OPEN_DRAFT_QUERY.search(s)) for s in statements) == 1

        # The rich menu's start button for another service: notice check, engine, start.
        statements.clear()
        tap = PostbackInput(postback.encode(postback.NO_CONVERSATION, "start", "transfer_out"))
        said = await _say(conversation, maker, tap)
        assert "ยังไม่เสร็จ" in said or "ทำไม่เสร็จ" in said
        assert sum(bool(OPEN_DRAFT_QUERY.search(s)) for s in statements) == 1
    finally:
        sa.event.remove(sync_engine, "before_cursor_execute", record)

    async with maker() as session:
        drafts = list(await session.scalars(sa.select(Application.service)))
    assert drafts == ["withdrawal"]

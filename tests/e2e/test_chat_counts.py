"""How long each service is for a parent: steps, taps, typed messages and bot bubbles, counted
by driving each service's happy path in the simulated chat from the rich menu to its number.

The counts are kept in docs/chat-counts.md; this test checks them there (a change that makes a
service longer or shorter must update the table, which the failure prints) and holds admission
to at most 18 taps and every message to LINE's 13 quick replies.

How a tap is counted (what the parent's thumb does):
- a rich-menu tile, a button or a quick reply: 1;
- a typed message: 1 (the send key; the typing is counted apart, as "typed");
- the date picker: 2 (open it, pick the day). Birth dates are typed (scrolling a picker back
  years is what parents avoid); days to come are picked;
- photos: 1 to open the camera roll, 1 per photo chosen, 1 to send. Where a question asks for a
  one-page document and more documents follow, the parent sends them all at once, as the
  question invites; elsewhere one document at a time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.applications.models import Application, ApplicationStatus
from backend.school_config import parse_school_config
from backend.schools import School
from backend.thai.ids import synthetic_national_id
from tests.chat import Parent
from tests.harness import running_bot

DOC = Path(__file__).parents[2] / "docs" / "chat-counts.md"
MAX_ADMISSION_TAPS = 18
MAX_QUICK_REPLIES = 13

ROUTES = {
    "admission": ("สมัครเรียน", []),
    "transfer_in": ("ขอย้าย", ["ย้ายเข้าโรงเรียนนี้"]),
    "transfer_out": ("ขอย้าย", ["ย้ายออกไปที่อื่น"]),
    "grade1_entry": ("เมนู", ["ขอผ่อนผัน ป.1"]),
    "withdrawal": ("เมนู", ["ลาออก"]),
    "credit_transfer": ("เมนู", ["เทียบโอนผลการเรียน"]),
    "replacement_documents": ("เมนู", ["ขอใบแทน ปพ.1/ปพ.2"]),
    "venue_booking": ("เมนู", ["ขอใช้อาคารสถานที่"]),
}
TYPED_DATES = {"student_birth_date": "15/3/2563"}
PER_SERVICE_TYPED_DATES = {"grade1_entry": {"student_birth_date": "15/3/2564"}}
PICKED_DATES = {"move_date": "2026-12-15", "first_day": "2026-12-10", "last_day": "2026-12-11",
                "effective_date": "2026-12-15", "withdrawal_date": "2026-12-15", "leave_date": "2026-12-15"}
TEXTS = {"grade_applied": "ป.1", "grade_entering": "ป.2", "current_grade": "ป.4", "attendees": "50",
         "graduation_year": "2565"}
BY_KIND = {"name": "เด็กหญิงสมใจ ใจดี", "phone": "0812345678", "grade": "ป.4", "number": "50",
           "be_year": "2565", "text": "ทดสอบระบบ", "address": "12 หมู่ 3 ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000"}
ids = (synthetic_national_id(n) for n in itertools.count(61))


@dataclass
class Counts:
    steps: int = 0
    taps: int = 0
    typed: int = 0
    bubbles: int = 0
    most_quick_replies: int = 0
    longest_bubble: int = 0
    seen: list[dict] = field(default_factory=list)

    def saw(self, messages: list[dict]) -> None:
        self.bubbles += len(messages)
        for message in messages:
            replies = len((message.get("quickReply") or {}).get("items", []))
            self.most_quick_replies = max(self.most_quick_replies, replies)
            self.longest_bubble = max(self.longest_bubble, len(message.get("text") or ""))

    def row(self, service: str) -> str:
        return f"| {service} | {self.steps} | {self.taps} | {self.typed} | {self.bubbles} |"


class CountingParent(Parent):
    def __init__(self, bot, counts: Counts) -> None:
        super().__init__(bot)
        self.counts = counts

    async def say(self, text: str):
        self.counts.taps += 1
        self.counts.typed += 1
        return await self._counted(super().say(text))

    async def tap(self, label: str, *, date: str | None = None):
        self.counts.taps += 2 if date else 1
        return await self._counted(super().tap(label, date=date))

    async def tap_rich_menu(self, text: str):
        self.counts.taps += 1
        return await self._counted(super().tap_rich_menu(text))

    async def _do(self, action, date):
        if action["type"] == "message":  # a tapped button that sends words: a tap, not typing
            return await Parent.say(self, action["text"])
        return await super()._do(action, date)

    async def send_photos(self, count: int = 1):
        self.counts.taps += count + 2
        return await self._counted(super().send_photos(count))

    async def _counted(self, action):
        messages = await action
        self.counts.saw(messages)
        return messages


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace, rich_menus=True) as running:
        await running.rich_menu_deploy
        yield running


async def _draft(bot, user_id: str) -> Application | None:
    async with bot.runtime.sessions() as session:
        return await session.scalar(sa.select(Application).where(Application.parent_ref == user_id)
                                    .order_by(Application.id.desc()).limit(1))


async def _flow(bot, service: str):
    async with bot.runtime.sessions() as session:
        school = await session.scalar(sa.select(School))
    return bot.runtime.conversation.engine_for(parse_school_config(school.settings)).flow(service)


def _documents_at_once(flow, draft, step) -> int:
    """How many documents the parent sends together at this question."""
    if not getattr(step.kind, "one_page", False):
        return 1
    applicable = flow.applicable(draft.answers, dt_today(), {})
    after = applicable[applicable.index(step) + 1:]
    following = list(itertools.takewhile(lambda s: s.is_document and s.id not in draft.answers, after))
    return 1 + len(following)


def dt_today() -> dt.date:
    return dt.date(2026, 11, 25)  # the FakeClock's day (backend/clock.py)


async def _answer(parent: CountingParent, service: str, flow, draft) -> None:
    step = flow.step(draft.current_step)
    kind = step.kind
    typed_dates = {**TYPED_DATES, **PER_SERVICE_TYPED_DATES.get(service, {})}
    if kind.files:
        await parent.send_photos(_documents_at_once(flow, draft, step))
    elif step.id in typed_dates:
        await parent.say(typed_dates[step.id])
    elif step.id in PICKED_DATES:
        await parent.tap("เลือกวันที่", date=PICKED_DATES[step.id])
    elif step.id in TEXTS:
        await parent.say(TEXTS[step.id])
    elif kind.name == "national_id":
        await parent.say(next(ids))
    elif kind.options:
        await parent.tap(next(iter(kind.options.values())))
    elif kind.date_picker:
        await parent.tap("เลือกวันที่", date="2026-12-15")
    else:
        await parent.say(BY_KIND.get(kind.name, "ทดสอบระบบ"))


async def count_service(bot, service: str) -> Counts:
    counts = Counts()
    parent = CountingParent(bot, counts)
    await Parent.follow(parent)  # adding the account is not part of a service
    tile, taps = ROUTES[service]
    await parent.tap_rich_menu(tile)
    for label in taps:
        await parent.tap(label)
    await parent.tap("รับทราบ เริ่มกรอก")
    flow = await _flow(bot, service)
    for _ in range(40):
        draft = await _draft(bot, parent.user_id)
        assert draft is not None and draft.service == service
        if draft.status == ApplicationStatus.SUBMITTED:
            break
        if draft.current_step == "_summary":
            counts.steps = len(flow.applicable(draft.answers, dt_today(), {}))
            await parent.tap("ยืนยันส่งคำขอ")
            continue
        before = (draft.current_step, draft.revision)
        await _answer(parent, service, flow, draft)
        after = await _draft(bot, parent.user_id)
        assert (after.current_step, after.revision) != before, f"{draft.current_step}: {parent.last_text()}"
    assert draft.status == ApplicationStatus.SUBMITTED, parent.last_text()
    return counts


def _documented() -> dict[str, str]:
    rows = re.findall(r"^(\| (\w+) \| \d+ \| \d+ \| \d+ \| \d+ \|)", DOC.read_text(encoding="utf-8"), re.M)
    return {service: row for row, service in rows}


@pytest.mark.parametrize("service", list(ROUTES))
async def test_the_counts_of_each_service_are_the_documented_ones(bot, service):
    counts = await count_service(bot, service)
    assert counts.most_quick_replies <= MAX_QUICK_REPLIES
    if service == "admission":
        assert counts.taps <= MAX_ADMISSION_TAPS, counts.row(service)
    assert _documented().get(service) == counts.row(service), (
        f"docs/chat-counts.md, the row of {service} now reads:\n{counts.row(service)}")

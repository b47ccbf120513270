"""Conversation tests that read like a conversation: turns, buttons tapped, what must be said."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from backend.applications.models import Application
from backend.clock import FakeClock
from backend.thai.ids import synthetic_national_id
from flows.engine import Engine
from flows.inputs import FilesInput, Input, OtherInput, PostbackInput, TextInput
from flows.say import (
    MAX_FILE_CHOICES,
    MAX_LABEL,
    MAX_MESSAGES_PER_REPLY,
    MAX_POSTBACK,
    MAX_QUICK_REPLIES,
    MAX_TEXT,
    AskFiles,
    Choice,
    Say,
    Summary,
    Text,
)

SCHOOL_ID = 1
# Synthetic IDs with valid checksums (never real ones).
STUDENT_ID = synthetic_national_id(2569)
OTHER_STUDENT_ID = synthetic_national_id(2570)


def wrong_checksum(national_id: str) -> str:
    return national_id[:12] + str((int(national_id[12]) + 1) % 10)


@dataclass(frozen=True)
class Tap:
    """The parent taps the button with this label in the last reply."""

    label: str


@dataclass(frozen=True)
class PickDate:
    """The parent picks a date with the date picker button."""

    date: str


@dataclass(frozen=True)
class Photo:
    count: int = 1


@dataclass(frozen=True)
class Sticker:
    pass


@dataclass(frozen=True)
class Absent:
    """Expected NOT to be said."""

    text: str


SILENT = "(nothing said)"

Turn = str | Tap | PickDate | Photo | Sticker | Input
Expected = Sequence[str | Absent] | str


def render(says: Sequence[Say]) -> str:
    """What the parent sees, as text: messages, then each button as [label]."""
    lines: list[str] = []
    for say in says:
        if isinstance(say, Summary):
            lines.append(say.title)
            lines += [f"{label}: {value}" for label, value in say.rows]
            choices = [*say.edit_choices, say.confirm, say.cancel]
        elif isinstance(say, AskFiles):
            lines += [say.text, f"(ส่งรูป: {say.document_label})"]
            choices = say.choices
        else:
            lines.append(say.text)
            choices = say.choices
        lines += [f"[{c.label}]" for c in choices]
    return "\n".join(lines)


def assert_within_line_limits(says: Sequence[Say]) -> None:
    assert len(says) <= MAX_MESSAGES_PER_REPLY
    for say in says:
        if isinstance(say, Summary):
            choices = [*say.edit_choices, say.confirm, say.cancel]
        else:
            assert 0 < len(say.text) <= MAX_TEXT
            limit = MAX_FILE_CHOICES if isinstance(say, AskFiles) else MAX_QUICK_REPLIES
            assert len(say.choices) <= limit
            choices = say.choices
        for choice in choices:
            assert 0 < len(choice.label) <= MAX_LABEL
            assert choice.postback is None or len(choice.postback) <= MAX_POSTBACK


class Chat:
    """One parent talking to the engine, one transaction per message, as the edge does it."""

    def __init__(self, engine: Engine, maker, clock: FakeClock, user_ref: str = "U-parent-1"):
        self.engine = engine
        self.maker = maker
        self.clock = clock
        self.user_ref = user_ref
        self.last: list[Say] = []

    def choice(self, label: str) -> Choice:
        for say in self.last:
            choices = (
                [*say.edit_choices, say.confirm, say.cancel]
                if isinstance(say, Summary)
                else say.choices
            )
            for choice in choices:
                if choice.label == label:
                    return choice
        raise AssertionError(f"no button {label!r} in:\n{render(self.last)}")

    def _input(self, turn: Turn) -> Input:
        if isinstance(turn, str):
            return TextInput(turn)
        if isinstance(turn, Tap):
            choice = self.choice(turn.label)
            if choice.text is not None:
                return TextInput(choice.text)
            assert choice.postback is not None
            return PostbackInput(choice.postback)
        if isinstance(turn, PickDate):
            picker = next(
                c
                for say in self.last
                if isinstance(say, Text | AskFiles)
                for c in say.choices
                if c.date_picker
            )
            assert picker.postback is not None
            return PostbackInput(picker.postback, {"date": turn.date})
        if isinstance(turn, Photo):
            return FilesInput(
                [f"file-{self.clock.now().timestamp()}-{n}" for n in range(turn.count)]
            )
        if isinstance(turn, Sticker):
            return OtherInput("sticker")
        return turn

    async def send(self, turn: Turn) -> list[Say]:
        async with self.maker() as session:
            says = await self.engine.handle(
                session, school_id=SCHOOL_ID, user_ref=self.user_ref, input=self._input(turn)
            )
            await session.commit()
        assert_within_line_limits(says)
        self.last = says
        return says

    async def start(self, flow_id: str) -> list[Say]:
        async with self.maker() as session:
            says = await self.engine.start(
                session, school_id=SCHOOL_ID, user_ref=self.user_ref, flow_id=flow_id
            )
            await session.commit()
        assert_within_line_limits(says)
        self.last = says
        return says

    async def play(self, script: Sequence[tuple[Turn, Expected]]) -> None:
        """Run a conversation: each turn, then what must (or must not) be said in reply."""
        for number, (turn, expected) in enumerate(script, 1):
            says = await self.send(turn)
            seen = render(says)
            if expected == SILENT:
                assert says == [], f"turn {number} {turn!r} should be ignored, got:\n{seen}"
                continue
            for item in expected:
                if isinstance(item, Absent):
                    assert item.text not in seen, (
                        f"turn {number} {turn!r}: {item.text!r} in:\n{seen}"
                    )
                else:
                    assert item in seen, f"turn {number} {turn!r}: {item!r} missing in:\n{seen}"

    async def application(self) -> Application:
        """The parent's most recent application row, as stored."""
        async with self.maker() as session:
            row = await session.scalar(
                sa.select(Application)
                .where(Application.parent_ref == self.user_ref)
                .order_by(Application.id.desc())
                .limit(1)
            )
            assert row is not None
            return row

    async def applications(self) -> list[Application]:
        async with self.maker() as session:
            rows = await session.scalars(
                sa.select(Application).where(Application.parent_ref == self.user_ref)
            )
            return list(rows)

"""A parent in the simulator, for end-to-end tests: type, tap what the bot showed, send photos."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from tests.harness import Bot


def photo(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _actions(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every tappable action of a message: quick replies, buttons, Flex actions."""
    found = [item["action"] for item in (message.get("quickReply") or {}).get("items", [])]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("action"), dict):
                found.append(node["action"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("contents"))
    walk(message.get("template"))
    return found


class Parent:
    def __init__(self, bot: Bot, name: str = "คุณแม่") -> None:
        self.bot = bot
        self.user_id = bot.standin.add_user(name).user_id
        self._seen = 0

    def all_messages(self) -> list[dict[str, Any]]:
        return [entry["message"] for entry in self.bot.standin.bot_messages(self.user_id)]

    def new_messages(self) -> list[dict[str, Any]]:
        messages = self.all_messages()
        new, self._seen = messages[self._seen:], len(messages)
        return new

    def last_text(self) -> str:
        return "\n".join(_text_of(message) for message in self._last_batch)

    async def _after(self, status: int | list[int]) -> list[dict[str, Any]]:
        statuses = status if isinstance(status, list) else [status]
        assert set(statuses) == {200}
        await self.bot.process()
        self._last_batch = self.new_messages()
        return self._last_batch

    async def follow(self) -> list[dict[str, Any]]:
        return await self._after(await self.bot.simulator.follow(self.user_id))

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self._after(await self.bot.simulator.send_text(self.user_id, text))

    async def send_photos(self, count: int = 1) -> list[dict[str, Any]]:
        files = [(photo((40 * n % 255, 90, 160)), "image/jpeg") for n in range(count)]
        return await self._after(await self.bot.simulator.send_files(self.user_id, files))

    async def send_sticker(self) -> list[dict[str, Any]]:
        return await self._after(await self.bot.simulator.send_sticker(self.user_id))

    async def tap(self, label: str, *, date: str | None = None) -> list[dict[str, Any]]:
        """Tap the newest button with this label in what the bot last sent."""
        for message in reversed(self.all_messages()):
            for action in _actions(message):
                if action.get("label") == label:
                    return await self._do(action, date)
        raise AssertionError(f"no button {label!r} in: {self.last_text()}")

    async def tap_rich_menu(self, text: str) -> list[dict[str, Any]]:
        """Tap the area of the rich menu shown to this parent whose action sends this text."""
        menu = self.bot.standin.displayed_rich_menu(self.user_id)
        assert menu is not None, "no rich menu is shown to this user"
        for area in menu.definition["areas"]:
            if area["action"].get("text") == text:
                return await self._do(area["action"], None)
        raise AssertionError(f"no rich menu area sends {text!r}")

    async def _do(self, action: dict[str, Any], date: str | None) -> list[dict[str, Any]]:
        kind = action["type"]
        if kind == "message":
            return await self.say(action["text"])
        if kind == "postback":
            return await self._after(await self.bot.simulator.tap_postback(
                self.user_id, action["data"], display_text=action.get("displayText")))
        if kind == "datetimepicker":
            assert date, "a date picker needs a date"
            return await self._after(await self.bot.simulator.tap_postback(
                self.user_id, action["data"], params={"date": date}))
        raise AssertionError(f"cannot tap a {kind} action in a test")


def _text_of(message: dict[str, Any]) -> str:
    if message["type"] == "text":
        return message["text"]
    if message["type"] == "flex":
        return message["altText"]
    return f"[{message['type']}]"


async def file_transfer_out(parent: Parent, *, id_seed: int = 21) -> None:
    """A parent follows and files a transfer-out request from start to number (one ID-card
    photo; the house registration marked as not available)."""
    from backend.thai.ids import synthetic_national_id

    await parent.follow()
    await parent.say("อยากย้ายลูกไปโรงเรียนใหม่ค่ะ")
    await parent.tap("รับทราบ เริ่มกรอก")
    for answer in ("เด็กหญิงสมใจ ใจดี", synthetic_national_id(id_seed), "ป.4"):
        await parent.say(answer)
    await parent.tap("มารดา")
    await parent.say("โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น")
    await parent.tap("ย้ายที่อยู่")
    await parent.tap("เลือกวันที่", date="2026-12-15")
    await parent.send_photos(1)
    await parent.tap("ไม่มีเอกสารนี้")
    await parent.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ: TO-" in parent.last_text()

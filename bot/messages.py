"""LINE message objects built so that LINE's limits hold by construction.

Text longer than LINE allows is split into several messages; labels are shortened; more than
five messages are sent in several calls. Values that must not be cut (postback data, URIs) raise
instead, since a shortened one would do the wrong thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

# LINE's limits that the conversations share are defined once, in flows/say.py; these concern
# only the messages built here. (bot/simulator/validation.py states LINE's limits on its own:
# it plays LINE, and checks our messages independently of us.)
from flows.say import MAX_LABEL, MAX_MESSAGES_PER_REPLY, MAX_POSTBACK, MAX_QUICK_REPLIES, MAX_TEXT

MAX_DISPLAY_TEXT = 300
MAX_ALT_TEXT = 1500
MAX_URI = 1000

Message = dict[str, Any]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut_utf16(text: str, units: int) -> str:
    """The longest prefix of text that fits in the given UTF-16 units."""
    encoded = text.encode("utf-16-le")[: units * 2]
    return encoded.decode("utf-16-le", errors="ignore")


def shorten(text: str, limit: int) -> str:
    if utf16_len(text) <= limit:
        return text
    return _cut_utf16(text, limit - 1) + "…"


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split at paragraph or line breaks where possible, never inside a UTF-16 surrogate pair."""
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        head = _cut_utf16(rest, limit)
        cut = max(head.rfind("\n\n"), head.rfind("\n"))
        if cut <= 0:
            cut = head.rfind(" ")
        if cut <= 0:
            cut = len(head)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not parts:
        parts.append(rest)
    return parts


def postback_action(label: str, data: str, *, display_text: str | None = None) -> dict[str, Any]:
    if len(data) > MAX_POSTBACK:
        raise ValueError(f"postback data is {len(data)} characters; LINE allows {MAX_POSTBACK}")
    action: dict[str, Any] = {"type": "postback", "label": shorten(label, MAX_LABEL), "data": data}
    if display_text:
        action["displayText"] = shorten(display_text, MAX_DISPLAY_TEXT)
    return action


def message_action(label: str, text: str) -> dict[str, Any]:
    return {"type": "message", "label": shorten(label, MAX_LABEL), "text": shorten(text, MAX_TEXT)}


def uri_action(label: str, uri: str) -> dict[str, Any]:
    if len(uri) > MAX_URI:
        raise ValueError(f"URI is {len(uri)} characters; LINE allows {MAX_URI}")
    return {"type": "uri", "label": shorten(label, MAX_LABEL), "uri": uri}


def date_picker_action(label: str, data: str, *, initial: str | None = None,
                       minimum: str | None = None, maximum: str | None = None) -> dict[str, Any]:
    action = postback_action(label, data)
    action.update(type="datetimepicker", mode="date")
    for key, value in (("initial", initial), ("min", minimum), ("max", maximum)):
        if value:
            action[key] = value
    return action


def camera_action(label: str = "ถ่ายรูป") -> dict[str, Any]:
    return {"type": "camera", "label": shorten(label, MAX_LABEL)}


def camera_roll_action(label: str = "เลือกรูปในเครื่อง") -> dict[str, Any]:
    return {"type": "cameraRoll", "label": shorten(label, MAX_LABEL)}


def quick_reply(actions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    if len(actions) > MAX_QUICK_REPLIES:
        raise ValueError(f"{len(actions)} quick replies; LINE allows {MAX_QUICK_REPLIES}")
    return {"items": [{"type": "action", "action": action} for action in actions]}


def text(body: str, *, quick_replies: Sequence[dict[str, Any]] = ()) -> list[Message]:
    """One or more text messages; quick replies go on the last, where the user will look."""
    messages: list[Message] = [{"type": "text", "text": part} for part in split_text(body)]
    if quick_replies:
        messages[-1]["quickReply"] = quick_reply(quick_replies)
    return messages


def image(original_url: str, preview_url: str | None = None) -> Message:
    return {"type": "image", "originalContentUrl": original_url, "previewImageUrl": preview_url or original_url}


def flex(alt_text: str, contents: dict[str, Any], *, quick_replies: Sequence[dict[str, Any]] = ()) -> Message:
    message: Message = {"type": "flex", "altText": shorten(alt_text, MAX_ALT_TEXT), "contents": contents}
    if quick_replies:
        message["quickReply"] = quick_reply(quick_replies)
    return message


def batches(messages: Iterable[Message]) -> list[list[Message]]:
    """Groups of at most five, in order: one API call each."""
    items = list(messages)
    return [items[i : i + MAX_MESSAGES_PER_REPLY] for i in range(0, len(items), MAX_MESSAGES_PER_REPLY)]

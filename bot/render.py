"""How what the conversation says looks in LINE: flows' Say values to LINE message objects."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot import messages as m
from bot.cards import GREEN, GREY, header
from flows.say import AskFiles, Choice, Say, Summary, Text


def action(choice: Choice) -> dict[str, Any]:
    if choice.date_picker:
        return m.date_picker_action(choice.label, choice.postback or "", minimum=choice.date_min,
                                    maximum=choice.date_max)
    if choice.postback is not None:
        # displayText puts the tapped label in the chat, as if the parent had typed it.
        return m.postback_action(choice.label, choice.postback, display_text=choice.label)
    return m.message_action(choice.label, choice.text or choice.label)


def render(says: Iterable[Say]) -> list[m.Message]:
    out: list[m.Message] = []
    for say in says:
        if isinstance(say, Summary):
            out.append(summary(say))
        elif isinstance(say, AskFiles):
            actions = [m.camera_action(), m.camera_roll_action(), *map(action, say.choices)]
            out.extend(m.text(say.text + "\nถ่ายรูปเอกสาร หรือส่งไฟล์ PDF ได้เลยค่ะ", quick_replies=actions))
        elif isinstance(say, Text):
            out.extend(m.text(say.text, quick_replies=[action(c) for c in say.choices]))
        else:  # pragma: no cover - a new Say type must be rendered before it is used
            raise TypeError(f"cannot render {type(say).__name__}")
    return out


def _row(label: str, value: str, edit: Choice | None) -> dict[str, Any]:
    contents: list[dict[str, Any]] = [
        {"type": "text", "text": m.shorten(label, 60), "size": "sm", "color": GREY, "flex": 4, "wrap": True},
        {"type": "text", "text": m.shorten(value or "-", 400), "size": "sm", "flex": 6, "wrap": True},
    ]
    if edit is not None:
        contents.append({"type": "text", "text": "แก้", "size": "sm", "color": GREEN, "flex": 1,
                         "align": "end", "action": action(edit)})
    return {"type": "box", "layout": "horizontal", "spacing": "sm", "contents": contents}


def summary(say: Summary) -> m.Message:
    """A card with every answer, an edit link on each row, and confirm / cancel buttons."""
    edits = {c.label.removeprefix("แก้"): c for c in say.edit_choices}
    rows = [_row(label, value, edits.get(label)) for label, value in say.rows]
    bubble = {
        "type": "bubble",
        "size": "giga",
        "header": header(m.shorten(say.title, 120)),
        "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": rows or [
            {"type": "text", "text": "-", "size": "sm"}]},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
            {"type": "button", "style": "primary", "color": GREEN, "action": action(say.confirm)},
            {"type": "button", "style": "link", "action": action(say.cancel)},
        ]},
    }
    alt = say.title + "\n" + "\n".join(f"{label}: {value}" for label, value in say.rows)
    # Edits live on the card's rows only: a quick reply per answer ran past LINE's 13 and was
    # cut. The quick reply keeps what the card's foot has, within the thumb's reach.
    return m.flex(alt, bubble, quick_replies=[action(say.confirm), action(say.cancel)])

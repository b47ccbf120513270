"""What the bot's Flex cards share: their colours, the coloured header and a label/value row."""

from __future__ import annotations

from typing import Any

from bot import messages as m

GREEN = "#06C755"  # LINE's green: headers, primary buttons, amounts
RED = "#E0393E"  # a refusal or a problem
GREY = "#8C8C8C"  # labels and small print


def header(text: str, colour: str = GREEN) -> dict[str, Any]:
    """The card's headline in white on a coloured band."""
    return {"type": "box", "layout": "vertical", "backgroundColor": colour, "contents": [
        {"type": "text", "text": text, "weight": "bold", "color": "#FFFFFF", "wrap": True}]}


def row(label: str, value: str, *, color: str | None = None, bold: bool = False, value_flex: int = 5,
        limit: int = 500) -> dict[str, Any]:
    """A grey label beside its value ("-" when empty), the value cut at ``limit`` characters."""
    text: dict[str, Any] = {"type": "text", "text": m.shorten(value or "-", limit), "size": "sm",
                            "flex": value_flex, "wrap": True}
    if color:
        text["color"] = color
    if bold:
        text["weight"] = "bold"
    return {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
        {"type": "text", "text": label, "size": "sm", "color": GREY, "flex": 3, "wrap": True}, text]}

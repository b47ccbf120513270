"""Checks message and rich menu objects against the limits the LINE Messaging API enforces."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from typing import Any, ClassVar

# Hand-written rather than using the SDK's pydantic models: the stand-in must also catch what a
# bot sends without the SDK (raw dicts), and answer with LINE's own error shape and property paths.

MESSAGE_TYPES = {
    "text", "textV2", "sticker", "image", "video", "audio", "location", "imagemap",
    "template", "flex",
}
ACTION_TYPES = {
    "postback", "message", "uri", "datetimepicker", "camera", "cameraRoll", "location",
    "richmenuswitch", "clipboard",
}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
ALIAS_ID_PATTERN = re.compile(r"^[a-z0-9_-]{1,32}$")

Details = list[dict[str, str]]


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def error_body(details: Details) -> dict[str, Any]:
    return {"message": f"The request body has {len(details)} error(s)", "details": details}


class _Checker:
    def __init__(self) -> None:
        self.details: Details = []

    def fail(self, prop: str, message: str) -> None:
        self.details.append({"message": message, "property": prop})

    def text(self, value: Any, prop: str, max_len: int, *, required: bool = True) -> None:
        if value is None:
            if required:
                self.fail(prop, "may not be null")
            return
        if not isinstance(value, str):
            self.fail(prop, "must be a string")
        elif required and value == "":
            self.fail(prop, "may not be empty")
        elif utf16_length(value) > max_len:
            self.fail(prop, f"Length must be between 0 and {max_len}")

    def image_url(self, value: Any, prop: str) -> None:
        if not isinstance(value, str) or not value:
            self.fail(prop, "may not be null")
            return
        if len(value) > 2000:
            self.fail(prop, "Length must be between 0 and 2000")
            return
        parsed = urllib.parse.urlsplit(value)
        # Real LINE wants HTTPS; plain HTTP to this machine is allowed so the local demo works.
        if parsed.scheme == "https" or (parsed.scheme == "http" and parsed.hostname in LOCAL_HOSTS):
            return
        self.fail(prop, "must be https URL")

    def uri(self, value: Any, prop: str) -> None:
        if not isinstance(value, str) or not value:
            self.fail(prop, "may not be null")
            return
        if len(value) > 1000:
            self.fail(prop, "Length must be between 0 and 1000")
        elif urllib.parse.urlsplit(value).scheme not in {"http", "https", "line", "tel"}:
            self.fail(prop, "invalid uri scheme")

    def action(self, action: Any, prop: str, *, label_required: bool, label_max: int = 20) -> None:
        if not isinstance(action, dict):
            self.fail(prop, "may not be null")
            return
        kind = action.get("type")
        if kind not in ACTION_TYPES:
            self.fail(f"{prop}.type", "invalid action type")
            return
        label = action.get("label")
        if label is not None or (label_required and kind != "richmenuswitch"):
            self.text(label, f"{prop}.label", label_max, required=label_required)
        check = self._action_checks.get(kind)
        if check is not None:
            check(self, action, prop)

    def _postback_action(self, action: dict[str, Any], prop: str) -> None:
        self.text(action.get("data"), f"{prop}.data", 300)
        self.text(action.get("displayText"), f"{prop}.displayText", 300, required=False)
        self.text(action.get("text"), f"{prop}.text", 300, required=False)
        if action.get("displayText") is not None and action.get("text") is not None:
            self.fail(prop, "displayText and text cannot be used together")

    def _message_action(self, action: dict[str, Any], prop: str) -> None:
        self.text(action.get("text"), f"{prop}.text", 300)

    def _uri_action(self, action: dict[str, Any], prop: str) -> None:
        self.uri(action.get("uri"), f"{prop}.uri")

    def _datetimepicker_action(self, action: dict[str, Any], prop: str) -> None:
        self.text(action.get("data"), f"{prop}.data", 300)
        if action.get("mode") not in {"date", "time", "datetime"}:
            self.fail(f"{prop}.mode", "must be one of date, time, datetime")

    def _richmenuswitch_action(self, action: dict[str, Any], prop: str) -> None:
        self.text(action.get("data"), f"{prop}.data", 300)
        alias = action.get("richMenuAliasId")
        if not isinstance(alias, str) or not ALIAS_ID_PATTERN.match(alias):
            self.fail(f"{prop}.richMenuAliasId", "invalid rich menu alias id")

    def _clipboard_action(self, action: dict[str, Any], prop: str) -> None:
        self.text(action.get("clipboardText"), f"{prop}.clipboardText", 1000)

    # The fields each action type has beyond its label; the other types have none to check.
    _action_checks: ClassVar[dict[str, Callable[[_Checker, dict[str, Any], str], None]]] = {
        "postback": _postback_action,
        "message": _message_action,
        "uri": _uri_action,
        "datetimepicker": _datetimepicker_action,
        "richmenuswitch": _richmenuswitch_action,
        "clipboard": _clipboard_action,
    }

    def quick_reply(self, quick_reply: Any, prop: str) -> None:
        items = quick_reply.get("items") if isinstance(quick_reply, dict) else None
        if not isinstance(items, list):
            self.fail(f"{prop}.items", "may not be null")
            return
        if not 1 <= len(items) <= 13:
            self.fail(f"{prop}.items", "size must be between 1 and 13")
            return
        for i, item in enumerate(items):
            item_prop = f"{prop}.items[{i}]"
            if not isinstance(item, dict) or item.get("type") != "action":
                self.fail(f"{item_prop}.type", "must be action")
                continue
            if item.get("imageUrl") is not None:
                self.image_url(item.get("imageUrl"), f"{item_prop}.imageUrl")
            self.action(item.get("action"), f"{item_prop}.action", label_required=True)

    def message(self, message: Any, prop: str) -> None:
        if not isinstance(message, dict):
            self.fail(prop, "may not be null")
            return
        kind = message.get("type")
        if kind not in MESSAGE_TYPES:
            self.fail(f"{prop}.type", "invalid message type")
            return
        if kind in {"text", "textV2"}:
            self.text(message.get("text"), f"{prop}.text", 5000)
        elif kind == "image":
            self.image_url(message.get("originalContentUrl"), f"{prop}.originalContentUrl")
            self.image_url(message.get("previewImageUrl"), f"{prop}.previewImageUrl")
        elif kind == "sticker":
            self.sticker(message, prop)
        elif kind == "template":
            self.text(message.get("altText"), f"{prop}.altText", 1500)
            self.template(message.get("template"), f"{prop}.template")
        elif kind == "flex":
            self.text(message.get("altText"), f"{prop}.altText", 1500)
            self.flex_container(message.get("contents"), f"{prop}.contents")
        if message.get("quickReply") is not None:
            self.quick_reply(message["quickReply"], f"{prop}.quickReply")

    def sticker(self, message: dict[str, Any], prop: str) -> None:
        for field in ("packageId", "stickerId"):
            if not message.get(field):
                self.fail(f"{prop}.{field}", "may not be null")

    def template(self, template: Any, prop: str) -> None:
        if not isinstance(template, dict):
            self.fail(prop, "may not be null")
            return
        kind = template.get("type")
        if kind == "buttons":
            has_header = bool(template.get("title") or template.get("thumbnailImageUrl"))
            self.text(template.get("title"), f"{prop}.title", 40, required=False)
            self.text(template.get("text"), f"{prop}.text", 60 if has_header else 160)
            if template.get("thumbnailImageUrl") is not None:
                self.image_url(template["thumbnailImageUrl"], f"{prop}.thumbnailImageUrl")
            self.actions(template.get("actions"), f"{prop}.actions", 1, 4)
        elif kind == "confirm":
            self.text(template.get("text"), f"{prop}.text", 240)
            self.actions(template.get("actions"), f"{prop}.actions", 2, 2)
        elif kind == "carousel":
            self.carousel_columns(template.get("columns"), f"{prop}.columns")
        elif kind == "image_carousel":
            self.image_carousel_columns(template.get("columns"), f"{prop}.columns")
        else:
            self.fail(f"{prop}.type", "invalid template type")

    def carousel_columns(self, columns: Any, prop: str) -> None:
        if not isinstance(columns, list) or not 1 <= len(columns) <= 10:
            self.fail(prop, "size must be between 1 and 10")
            return
        action_counts = set()
        for i, column in enumerate(columns):
            col_prop = f"{prop}[{i}]"
            if not isinstance(column, dict):
                self.fail(col_prop, "may not be null")
                continue
            has_header = bool(column.get("title") or column.get("thumbnailImageUrl"))
            self.text(column.get("title"), f"{col_prop}.title", 40, required=False)
            self.text(column.get("text"), f"{col_prop}.text", 60 if has_header else 120)
            self.actions(column.get("actions"), f"{col_prop}.actions", 1, 3)
            action_counts.add(len(column.get("actions") or []))
        if len(action_counts) > 1:
            self.fail(prop, "all columns must have the same number of actions")

    def image_carousel_columns(self, columns: Any, prop: str) -> None:
        if not isinstance(columns, list) or not 1 <= len(columns) <= 10:
            self.fail(prop, "size must be between 1 and 10")
            return
        for i, column in enumerate(columns):
            self.image_url(column.get("imageUrl"), f"{prop}[{i}].imageUrl")
            self.action(column.get("action"), f"{prop}[{i}].action",
                        label_required=False, label_max=12)

    def actions(self, actions: Any, prop: str, minimum: int, maximum: int) -> None:
        if not isinstance(actions, list) or not minimum <= len(actions) <= maximum:
            self.fail(prop, f"size must be between {minimum} and {maximum}")
            return
        for i, action in enumerate(actions):
            self.action(action, f"{prop}[{i}]", label_required=True)

    def flex_container(self, container: Any, prop: str) -> None:
        if not isinstance(container, dict):
            self.fail(prop, "may not be null")
            return
        size = len(json.dumps(container, ensure_ascii=False).encode())
        kind = container.get("type")
        if kind == "bubble":
            if size > 30 * 1024:
                self.fail(prop, "bubble size must be at most 30KB")
            self.flex_bubble(container, prop)
        elif kind == "carousel":
            bubbles = container.get("contents")
            if not isinstance(bubbles, list) or not 1 <= len(bubbles) <= 12:
                self.fail(f"{prop}.contents", "size must be between 1 and 12")
                return
            if size > 50 * 1024:
                self.fail(prop, "carousel size must be at most 50KB")
            for i, bubble in enumerate(bubbles):
                self.flex_bubble(bubble, f"{prop}.contents[{i}]")
        else:
            self.fail(f"{prop}.type", "invalid flex container type")

    def flex_bubble(self, bubble: Any, prop: str) -> None:
        if not isinstance(bubble, dict) or bubble.get("type") != "bubble":
            self.fail(f"{prop}.type", "must be bubble")
            return
        for block in ("header", "hero", "body", "footer"):
            if bubble.get(block) is not None:
                self.flex_component(bubble[block], f"{prop}.{block}")
        if bubble.get("action") is not None:
            self.action(bubble["action"], f"{prop}.action", label_required=False, label_max=40)

    def flex_box(self, box: dict[str, Any], prop: str) -> None:
        if box.get("layout") not in {"vertical", "horizontal", "baseline"}:
            self.fail(f"{prop}.layout", "must be one of vertical, horizontal, baseline")
        contents = box.get("contents")
        if not isinstance(contents, list):
            self.fail(f"{prop}.contents", "may not be null")
        else:
            for i, child in enumerate(contents):
                self.flex_component(child, f"{prop}.contents[{i}]")

    def flex_component(self, component: Any, prop: str) -> None:
        if not isinstance(component, dict):
            self.fail(prop, "may not be null")
            return
        kind = component.get("type")
        if kind == "box":
            self.flex_box(component, prop)
        elif kind == "text":
            if component.get("text") is None and not component.get("contents"):
                self.fail(f"{prop}.text", "may not be null")
        elif kind == "image":
            self.image_url(component.get("url"), f"{prop}.url")
        elif kind == "button":
            self.action(component.get("action"), f"{prop}.action", label_required=True,
                        label_max=40)
            return
        elif kind not in {"separator", "spacer", "filler", "icon", "span", "video"}:
            self.fail(f"{prop}.type", "invalid flex component type")
            return
        if component.get("action") is not None:
            self.action(component["action"], f"{prop}.action", label_required=False, label_max=40)


def check_messages(messages: Any) -> Details:
    checker = _Checker()
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        checker.fail("messages", "size must be between 1 and 5")
        return checker.details
    for i, message in enumerate(messages):
        checker.message(message, f"messages[{i}]")
    return checker.details


def check_rich_menu(menu: Any) -> Details:
    checker = _Checker()
    if not isinstance(menu, dict):
        checker.fail("", "may not be null")
        return checker.details
    size = menu.get("size") or {}
    width, height = size.get("width"), size.get("height")
    if not isinstance(width, int) or not isinstance(height, int):
        checker.fail("size", "may not be null")
        width = height = None
    elif not 800 <= width <= 2500 or height < 250 or width / height < 1.45:
        checker.fail("size", "width must be 800-2500, height at least 250, width/height >= 1.45")
    if not isinstance(menu.get("selected"), bool):
        checker.fail("selected", "may not be null")
    checker.text(menu.get("name"), "name", 300)
    checker.text(menu.get("chatBarText"), "chatBarText", 14)
    areas = menu.get("areas")
    if not isinstance(areas, list):
        checker.fail("areas", "may not be null")
        return checker.details
    if len(areas) > 20:
        checker.fail("areas", "size must be between 0 and 20")
        return checker.details
    for i, area in enumerate(areas):
        bounds = area.get("bounds") if isinstance(area, dict) else None
        if not isinstance(bounds, dict) or not all(
            isinstance(bounds.get(k), int) for k in ("x", "y", "width", "height")
        ):
            checker.fail(f"areas[{i}].bounds", "may not be null")
            continue
        if width is not None and height is not None and (
            bounds["x"] < 0 or bounds["y"] < 0 or bounds["width"] < 1 or bounds["height"] < 1
            or bounds["x"] + bounds["width"] > width or bounds["y"] + bounds["height"] > height
        ):
            checker.fail(f"areas[{i}].bounds", "must be inside the rich menu size")
        checker.action(area.get("action"), f"areas[{i}].action", label_required=False)
    return checker.details

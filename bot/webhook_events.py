"""What a webhook event must look like before it is recorded: the fields the bot reads, typed.

LINE's own models (linebot.v3.webhooks) refuse events LINE really sends in some shapes (a missing
quoteToken, a new event type), so a signed batch with one odd event would be lost whole. This
schema checks only what bot/handlers.py and the worker read, lets everything else through as
LINE sent it, and is applied to each event on its own: a bad event is dropped at the door and the
rest of its batch is recorded.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

MAX_REF = 64  # user, group and room ids (LINE's are 33 characters) and event ids


class _Part(BaseModel):
    # Fields LINE adds later, or that the bot does not read, are kept as they came.
    model_config = ConfigDict(extra="allow")


class Source(_Part):
    type: str
    userId: str | None = Field(None, min_length=1, max_length=MAX_REF)
    groupId: str | None = Field(None, min_length=1, max_length=MAX_REF)
    roomId: str | None = Field(None, min_length=1, max_length=MAX_REF)


class ContentProvider(_Part):
    type: str


class ImageSet(_Part):
    id: str = Field(min_length=1, max_length=128)
    index: int | None = Field(None, strict=True, ge=0, le=1000)
    total: int | None = Field(None, strict=True, ge=1, le=1000)


class MessageContent(_Part):
    type: str
    id: str = Field(min_length=1, max_length=128)
    text: str | None = None
    fileSize: int | None = Field(None, strict=True, ge=0, le=2**53)
    contentProvider: ContentProvider | None = None
    imageSet: ImageSet | None = None


class Postback(_Part):
    data: str
    params: dict[str, str] | None = None


class Unsend(_Part):
    messageId: str = Field(min_length=1, max_length=128)


# The part each event type cannot do without.
_REQUIRED_PART = {"message": "message", "postback": "postback", "unsend": "unsend"}


class WebhookEvent(_Part):
    type: str = Field(min_length=1, max_length=32)
    timestamp: int = Field(strict=True, ge=0, le=2**53)  # milliseconds
    mode: str | None = None
    webhookEventId: str | None = None
    replyToken: str | None = Field(None, max_length=255)
    source: Source | None = None
    message: MessageContent | None = None
    postback: Postback | None = None
    unsend: Unsend | None = None

    @model_validator(mode="after")
    def _has_its_part(self) -> WebhookEvent:
        part = _REQUIRED_PART.get(self.type)
        if part is not None and getattr(self, part) is None:
            raise ValueError(f"a {self.type} event needs its {part!r} object")
        return self


class BadEvent(ValueError):
    """An event that does not have the shape the bot reads; says where, never what was in it."""


def check_event(event: Any) -> WebhookEvent:
    """The event's fields the bot reads, once its shape is right; raises BadEvent otherwise.
    What is stored is still the event as LINE sent it."""
    if not isinstance(event, dict):
        raise BadEvent(f"an event must be an object, not {type(event).__name__}")
    try:
        return WebhookEvent.model_validate(event)
    except ValidationError as error:
        # Field locations and error types only: the values may be what a parent typed.
        where = "; ".join(f"{'.'.join(str(p) for p in issue['loc']) or 'event'}: {issue['type']}"
                          for issue in error.errors()[:3])
        raise BadEvent(where) from None

"""What the engine wants said, as LINE-free values that the edge renders.

LINE's limits hold by construction: every value checks them when it is built, so a flow that
would exceed one fails when it is defined (flows render every prompt at construction), not in
front of a parent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_TEXT = 5000
MAX_LABEL = 20
MAX_POSTBACK = 300
MAX_QUICK_REPLIES = 13
# AskFiles leaves room for the camera and camera-roll buttons the edge adds.
MAX_FILE_CHOICES = MAX_QUICK_REPLIES - 2
MAX_MESSAGES_PER_REPLY = 5


class LineLimitError(ValueError):
    """A message that LINE would refuse."""


@dataclass(frozen=True)
class Choice:
    """A button: sends ``postback`` data (quietly), or ``text`` as if the parent typed it."""

    label: str
    postback: str | None = None
    text: str | None = None
    date_picker: bool = False
    # A date picker's first and last days (ISO dates), when the question limits them.
    date_min: str | None = None
    date_max: str | None = None

    def __post_init__(self) -> None:
        if not self.label.strip() or len(self.label) > MAX_LABEL:
            raise LineLimitError(f"choice label must be 1..{MAX_LABEL} characters: {self.label!r}")
        if (self.postback is None) == (self.text is None):
            raise LineLimitError(f"choice {self.label!r} needs exactly one of postback or text")
        if self.postback is not None and len(self.postback) > MAX_POSTBACK:
            raise LineLimitError(f"postback data over {MAX_POSTBACK} characters: {self.label!r}")
        if self.text is not None and len(self.text) > MAX_TEXT:
            raise LineLimitError(f"choice text over {MAX_TEXT} characters: {self.label!r}")
        if self.date_picker and self.postback is None:
            raise LineLimitError("a date picker answers with a postback")


def _check_text(text: str, choices: list[Choice], max_choices: int) -> None:
    if not text.strip() or len(text) > MAX_TEXT:
        raise LineLimitError(f"text must be 1..{MAX_TEXT} characters")
    if len(choices) > max_choices:
        raise LineLimitError(f"{len(choices)} choices; at most {max_choices}")


@dataclass(frozen=True)
class Text:
    """A message, with its choices shown as quick-reply buttons."""

    text: str
    choices: list[Choice] = field(default_factory=list)

    def __post_init__(self) -> None:
        _check_text(self.text, self.choices, MAX_QUICK_REPLIES)


@dataclass(frozen=True)
class AskFiles:
    """A request for photos or files of one document; the edge adds camera buttons."""

    text: str
    document_label: str
    choices: list[Choice] = field(default_factory=list)

    def __post_init__(self) -> None:
        _check_text(self.text, self.choices, MAX_FILE_CHOICES)


@dataclass(frozen=True)
class Summary:
    """All answers before submission: one row per answer, each with its own edit button."""

    title: str
    rows: list[tuple[str, str]]
    edit_choices: list[Choice]
    confirm: Choice
    cancel: Choice

    def __post_init__(self) -> None:
        _check_text(self.title, [], 0)
        if sum(len(label) + len(value) for label, value in self.rows) > MAX_TEXT:
            raise LineLimitError("summary too long to show")


Say = Text | AskFiles | Summary

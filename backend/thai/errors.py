"""The one error type raised when what a user typed is not a valid Thai value."""

from __future__ import annotations


class ThaiInputError(ValueError):
    """Input that cannot be accepted, with a polite Thai explanation to show the user.

    ``message_th`` says what is wrong and gives an example of what to type. It never repeats
    what the user typed: the input may be personal data, and errors end up in logs.
    ``code`` is a stable machine-readable reason (e.g. ``"national_id.checksum"``) so that
    flows can branch without matching Thai text.
    """

    def __init__(self, message_th: str, *, code: str = "invalid") -> None:
        super().__init__(message_th)
        self.message_th = message_th
        self.code = code

    def __repr__(self) -> str:
        return f"ThaiInputError(code={self.code!r})"

"""The one error type raised when what a user typed is not a valid Thai value (minimal stand-in)."""

from __future__ import annotations


class ThaiInputError(ValueError):
    """Input that cannot be accepted, with a polite Thai explanation to show the user.

    The message never repeats what the user typed: it may be personal data and errors reach logs.
    """

    def __init__(self, message_th: str, *, code: str) -> None:
        super().__init__(message_th)
        self.message_th = message_th
        self.code = code

"""Postback data: "v1|<nonce>|<action>|<arg>..." — short, stable and versioned.

The nonce ties a button to one conversation, so a button from an older or finished one is
recognised and refused instead of acted on. Buttons that belong to no conversation (rich menu,
service menu) carry ``NO_CONVERSATION``.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "v1"
SEPARATOR = "|"
NO_CONVERSATION = "-"


@dataclass(frozen=True)
class Postback:
    nonce: str
    action: str
    args: tuple[str, ...] = ()

    def arg(self, index: int) -> str | None:
        return self.args[index] if index < len(self.args) else None


def encode(nonce: str, action: str, *args: str) -> str:
    parts = (VERSION, nonce, action, *args)
    if any(SEPARATOR in part for part in parts):
        raise ValueError("postback parts cannot contain the separator")
    return SEPARATOR.join(parts)


def decode(data: str) -> Postback | None:
    """The postback, or None for data this engine did not write (or an unknown version)."""
    parts = data.split(SEPARATOR)
    if len(parts) < 3 or parts[0] != VERSION or not parts[1] or not parts[2]:
        return None
    return Postback(nonce=parts[1], action=parts[2], args=tuple(parts[3:]))

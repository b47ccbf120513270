"""Identifier formats the LINE Platform uses: user IDs, message IDs, ULIDs, tokens."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid(at: dt.datetime) -> str:
    """A ULID (48-bit ms timestamp + 80 random bits, Crockford base32) for webhookEventId.

    Written by hand: it is ten lines, and the PyPI ULID packages add nothing we need
    (we only generate, with the time taken from the injected clock).
    """
    millis = int(at.timestamp() * 1000) & ((1 << 48) - 1)
    value = (millis << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_user_id() -> str:
    """A LINE user ID: "U" followed by 32 lowercase hex digits."""
    return "U" + secrets.token_hex(16)


def new_reply_token() -> str:
    return secrets.token_hex(16)


def new_quote_token() -> str:
    return secrets.token_urlsafe(48)


def new_image_set_id() -> str:
    return secrets.token_hex(32).upper()


def new_rich_menu_id() -> str:
    return "richmenu-" + secrets.token_hex(16)


def new_request_id() -> str:
    """The value LINE returns in x-line-request-id / x-line-accepted-request-id."""
    return (
        f"{secrets.token_hex(4)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}-"
        f"{secrets.token_hex(2)}-{secrets.token_hex(6)}"
    )


class MessageIdCounter:
    """LINE message IDs are numeric strings of about 18 digits, increasing over time."""

    def __init__(self) -> None:
        self._next = itertools.count(500_000_000_000_000_000 + secrets.randbelow(10**15))

    def __call__(self) -> str:
        return str(next(self._next))

"""LINE's webhook signature: base64(HMAC-SHA256(channel secret, raw body)), compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(channel_secret: str, body: bytes) -> str:
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def is_valid(channel_secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(channel_secret, body).encode(), signature.encode())

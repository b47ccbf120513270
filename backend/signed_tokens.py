"""Signed, expiring tokens (itsdangerous) that read the time from the injected clock.

Staff sessions and document links (web/staff/auth.py) and the public media links (bot/media.py)
are made with it, so that tests move a FakeClock past a lifetime instead of sleeping.
"""

from __future__ import annotations

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from backend.clock import Clock


class _ClockSigner(TimestampSigner):
    """itsdangerous reads time.time(); ours comes from the injected clock."""

    clock: Clock

    def get_timestamp(self) -> int:
        return int(self.clock.now().timestamp())


def timed_serializer(secret: bytes, *, salt: str, clock: Clock) -> URLSafeTimedSerializer:
    """A serializer whose tokens carry the clock's time; loads(..., max_age=) checks it."""
    signer = type("ClockSigner", (_ClockSigner,), {"clock": clock})
    return URLSafeTimedSerializer(secret, salt=salt, signer=signer)

"""Signed, expiring tokens (itsdangerous) that read the time from the injected clock.

Staff sessions and document links (web/staff/auth.py) and the public media links (bot/media.py)
are made with it, so that tests move a FakeClock past a lifetime instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Sequence

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from backend.clock import Clock


class _ClockSigner(TimestampSigner):
    """itsdangerous reads time.time(); ours comes from the injected clock."""

    clock: Clock

    def get_timestamp(self) -> int:
        return int(self.clock.now().timestamp())


def timed_serializer(secret: bytes, *, salt: str, clock: Clock,
                     previous: Sequence[bytes] = ()) -> URLSafeTimedSerializer:
    """A serializer whose tokens carry the clock's time; loads(..., max_age=) checks it.

    It signs with ``secret`` and also accepts tokens signed with any of the ``previous`` secrets,
    so that a new secret can be rolled out to every host while tokens already given out stay good
    until they expire (itsdangerous signs with the last key of its list and tries them all)."""
    signer = type("ClockSigner", (_ClockSigner,), {"clock": clock})
    return URLSafeTimedSerializer([*previous, secret], salt=salt, signer=signer)

"""Short secrets kept in the database (a LINE channel's secret and access token, a school's bank
callback secret), sealed with the file key ring: a copy of the database alone opens none of them.

A sealed value is one line of text, ``sealed:v1:<key id>:<wrapped key>:<ciphertext>`` (base64),
so it fits the text columns that held the plain value. The school and the purpose (which column
of which row) are bound into the encryption: a sealed value copied to another row or school will
not open. Values written before sealing existed are read as they are, and `is_sealed` lets the
upgrade step find and seal them.
"""

from __future__ import annotations

import base64
import binascii

from backend.files.crypto import FileDecryptionError, KeyRing

PREFIX = "sealed:v1:"


class SealedTextError(ValueError):
    """The value does not open: wrong key ring, tampered, or moved to another row."""


def _aad(school_id: int, purpose: str) -> bytes:
    return f"schoolbot/sealed-text/v1\x00school={int(school_id)}\x00purpose={purpose}".encode()


def is_sealed(value: str | None) -> bool:
    return value is not None and value.startswith(PREFIX)


def seal(keyring: KeyRing, *, school_id: int, purpose: str, text: str) -> str:
    sealed = keyring.seal(school_id, text.encode("utf-8"), aad=_aad(school_id, purpose))
    encode = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    return f"{PREFIX}{sealed.key_id}:{encode(sealed.wrapped_key)}:{encode(sealed.ciphertext)}"


def key_id_of(value: str) -> str | None:
    """The master key id a sealed value was sealed under; None for an unsealed value."""
    return value.removeprefix(PREFIX).split(":", 1)[0] if is_sealed(value) else None


def reseal(keyring: KeyRing, value: str, *, school_id: int, purpose: str) -> str | None:
    """The value sealed again under the key ring's current key, or None when it already is."""
    if key_id_of(value) == keyring.current_key_id:
        return None
    return seal(keyring, school_id=school_id, purpose=purpose,
                text=open_text(keyring, value, school_id=school_id, purpose=purpose))


def open_text(keyring: KeyRing, value: str, *, school_id: int, purpose: str) -> str:
    """The plain text of a sealed value; an unsealed (older) value as it is."""
    if not is_sealed(value):
        return value
    try:
        key_id, wrapped, ciphertext = value.removeprefix(PREFIX).split(":")
        plain = keyring.open(school_id, base64.b64decode(ciphertext, validate=True),
                             base64.b64decode(wrapped, validate=True), key_id,
                             aad=_aad(school_id, purpose))
    except (ValueError, binascii.Error, FileDecryptionError) as error:
        raise SealedTextError(f"sealed {purpose} of school {school_id} does not open: "
                              f"{type(error).__name__}") from None
    return plain.decode("utf-8")

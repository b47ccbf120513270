"""Envelope encryption of stored files: a fresh data key per file, wrapped by a per-school key."""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CONFIG_VARIABLE = "FILE_ENCRYPTION_KEYS"
DEV_KEY_FILE_NAME = "dev-file-keys"

MASTER_KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# Versioned so that a future change of derivation can live beside this one.
_KEK_INFO_PREFIX = b"schoolbot/file-kek/v1/school:"
_WRAP_AAD_PREFIX = b"schoolbot/file-data-key/v1\x00"


class KeyConfigError(ValueError):
    """The key configuration is unusable. Messages name the source, never the key material."""


class FileDecryptionError(Exception):
    """A sealed file could not be opened: tampered data, wrong school, wrong key or wrong AAD."""


class UnknownKeyIdError(FileDecryptionError):
    """The file was sealed under a master key id that this key ring does not hold."""


class Sealed(NamedTuple):
    """What opening a file needs; a tuple, so `keyring.open(school, *sealed, aad=...)` works."""

    ciphertext: bytes  # nonce followed by AES-GCM output (ciphertext and tag)
    wrapped_key: bytes  # nonce followed by the data key encrypted under the school key
    key_id: str  # which master key the school key was derived from


class KeyRing:
    """Master keys by id; seals under the current one, opens under any of them (rotation)."""

    def __init__(self, master_keys: Mapping[str, bytes], current_key_id: str) -> None:
        if not master_keys:
            raise KeyConfigError("no file encryption master key given")
        for key_id, key in master_keys.items():
            if not _KEY_ID_PATTERN.fullmatch(key_id):
                raise KeyConfigError(
                    f"file encryption key id {key_id!r}: use 1-64 letters, digits, '_', '.' or '-'"
                )
            if len(key) != MASTER_KEY_BYTES:
                raise KeyConfigError(
                    f"file encryption key {key_id!r} has {len(key)} bytes, not {MASTER_KEY_BYTES}"
                )
        if current_key_id not in master_keys:
            raise KeyConfigError(
                f"current file encryption key id {current_key_id!r} is not among the keys"
            )
        self._master_keys = dict(master_keys)
        self.current_key_id = current_key_id
        self._school_keys: dict[tuple[str, int], AESGCM] = {}

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._master_keys)

    def __repr__(self) -> str:
        return f"KeyRing(key_ids={sorted(self._master_keys)!r}, current={self.current_key_id!r})"

    @classmethod
    def from_config(cls, value: str, *, source: str = CONFIG_VARIABLE) -> KeyRing:
        """Parse "id1:base64,id0:base64" (the first entry is the current key)."""
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        if not entries:
            raise KeyConfigError(
                f"{source} is empty; expected 'key_id:base64(32 bytes)[,older_id:...]'"
            )
        master_keys: dict[str, bytes] = {}
        for position, entry in enumerate(entries, start=1):
            key_id, separator, encoded = entry.partition(":")
            key_id = key_id.strip()
            if not separator or not key_id:
                raise KeyConfigError(
                    f"{source} entry {position} must look like 'key_id:base64(32 bytes)'"
                )
            if key_id in master_keys:
                raise KeyConfigError(f"{source} names key id {key_id!r} twice")
            try:
                key = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError):
                # Deliberately not chained: the binascii message may quote the offending characters.
                raise KeyConfigError(f"{source} key {key_id!r} is not valid base64") from None
            if len(key) != MASTER_KEY_BYTES:
                raise KeyConfigError(
                    f"{source} key {key_id!r} decodes to {len(key)} bytes, not {MASTER_KEY_BYTES}"
                )
            master_keys[key_id] = key
        try:
            return cls(master_keys, current_key_id=next(iter(master_keys)))
        except KeyConfigError as error:
            raise KeyConfigError(f"{source}: {error}") from None

    @classmethod
    def load_or_create_dev(cls, data_dir: Path) -> KeyRing:
        """For local development only: a random key kept in data_dir/dev-file-keys, created once."""
        path = Path(data_dir) / DEV_KEY_FILE_NAME
        if not path.exists():
            _create_dev_key_file(path)
        if path.stat().st_mode & 0o077:
            raise KeyConfigError(f"{path} is readable by other users; run: chmod 600 {path}")
        return cls.from_config(path.read_text(encoding="ascii"), source=str(path))

    def seal(self, school_id: int, plaintext: bytes, *, aad: bytes) -> Sealed:
        data_key = AESGCM.generate_key(bit_length=256)
        content_nonce = os.urandom(NONCE_BYTES)
        ciphertext = content_nonce + AESGCM(data_key).encrypt(content_nonce, plaintext, aad)
        wrap_nonce = os.urandom(NONCE_BYTES)
        school_key = self._school_key(self.current_key_id, school_id)
        wrapped_key = wrap_nonce + school_key.encrypt(
            wrap_nonce, data_key, _wrap_aad(self.current_key_id, school_id, aad)
        )
        return Sealed(ciphertext=ciphertext, wrapped_key=wrapped_key, key_id=self.current_key_id)

    def open(
        self, school_id: int, ciphertext: bytes, wrapped_key: bytes, key_id: str, *, aad: bytes
    ) -> bytes:
        if key_id not in self._master_keys:
            raise UnknownKeyIdError(
                f"file was sealed under key id {key_id!r}, which is not configured"
            )
        school_key = self._school_key(key_id, school_id)
        try:
            data_key = school_key.decrypt(
                wrapped_key[:NONCE_BYTES],
                wrapped_key[NONCE_BYTES:],
                _wrap_aad(key_id, school_id, aad),
            )
        except (InvalidTag, ValueError):
            raise FileDecryptionError(
                "data key could not be unwrapped: wrong school, wrong AAD or tampered key"
            ) from None
        try:
            return AESGCM(data_key).decrypt(ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:], aad)
        except (InvalidTag, ValueError):
            raise FileDecryptionError(
                "file content failed authentication: tampered or swapped"
            ) from None

    def rewrap(self, school_id: int, wrapped_key: bytes, key_id: str, *, aad: bytes) -> tuple[bytes, str]:
        """The data key of a sealed file, wrapped again under the current master key: (wrapped
        key, key id). The file's content (sealed under that data key) is unchanged, so rotating a
        master key rewrites only a few bytes per file, in one database update."""
        if key_id not in self._master_keys:
            raise UnknownKeyIdError(f"file was sealed under key id {key_id!r}, which is not configured")
        try:
            data_key = self._school_key(key_id, school_id).decrypt(
                wrapped_key[:NONCE_BYTES], wrapped_key[NONCE_BYTES:], _wrap_aad(key_id, school_id, aad))
        except (InvalidTag, ValueError):
            raise FileDecryptionError(
                "data key could not be unwrapped: wrong school, wrong AAD or tampered key"
            ) from None
        wrap_nonce = os.urandom(NONCE_BYTES)
        rewrapped = wrap_nonce + self._school_key(self.current_key_id, school_id).encrypt(
            wrap_nonce, data_key, _wrap_aad(self.current_key_id, school_id, aad))
        return rewrapped, self.current_key_id

    def _school_key(self, key_id: str, school_id: int) -> AESGCM:
        cache_key = (key_id, school_id)
        school_key = self._school_keys.get(cache_key)
        if school_key is None:
            derived = HKDF(
                algorithm=hashes.SHA256(),
                length=32,
                salt=None,
                info=_KEK_INFO_PREFIX + str(int(school_id)).encode("ascii"),
            ).derive(self._master_keys[key_id])
            school_key = AESGCM(derived)
            self._school_keys[cache_key] = school_key
        return school_key


def deployment_keyring(configured: str | None, data_dir: Path) -> KeyRing:
    """FILE_ENCRYPTION_KEYS when given; otherwise (development only: bot/config.py refuses to run
    with real LINE credentials without it) the key made once under DATA_DIR."""
    return KeyRing.from_config(configured) if configured else KeyRing.load_or_create_dev(data_dir)


def _wrap_aad(key_id: str, school_id: int, aad: bytes) -> bytes:
    # Binds the wrapped key to its file's AAD too, so a wrapped key cannot be moved to another row.
    return b"\x00".join(
        [_WRAP_AAD_PREFIX, key_id.encode("ascii"), str(int(school_id)).encode("ascii"), aad]
    )


def _create_dev_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    content = f"dev1:{base64.b64encode(os.urandom(MASTER_KEY_BYTES)).decode('ascii')}\n"
    # Written complete under a temporary name, then linked into place: link() refuses to replace,
    # so two processes starting together end up sharing whichever key was linked first.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".dev-file-keys-")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)

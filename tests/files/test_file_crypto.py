"""Envelope encryption: what can and cannot open a sealed file, key rotation, key configuration."""

from __future__ import annotations

import base64
import os
import stat
import traceback

import pytest
from file_samples import pdf, random_key_config

from backend.files.crypto import (
    DEV_KEY_FILE_NAME,
    FileDecryptionError,
    KeyConfigError,
    KeyRing,
    UnknownKeyIdError,
)

AAD = b"file=0123456789abcdef0123456789abcdef"
MARKER = "MARKER-BIRTH-CERTIFICATE-7f3a"


def test_round_trip_and_ciphertext_hides_the_content(keyring):
    plaintext = pdf(MARKER)
    sealed = keyring.seal(1, plaintext, aad=AAD)

    assert MARKER.encode() not in sealed.ciphertext
    assert MARKER.encode() not in sealed.wrapped_key
    assert sealed.key_id == "k1"
    assert keyring.open(1, *sealed, aad=AAD) == plaintext


def test_each_file_gets_its_own_data_key(keyring):
    first = keyring.seal(1, b"same content", aad=AAD)
    second = keyring.seal(1, b"same content", aad=AAD)
    assert first.ciphertext != second.ciphertext
    assert first.wrapped_key != second.wrapped_key


@pytest.mark.parametrize(
    "position", [0, 11, 12, -17, -1], ids=["nonce", "nonce-end", "body", "tag", "tag-end"]
)
def test_tampered_ciphertext_is_refused(keyring, position):
    sealed = keyring.seal(1, pdf(MARKER), aad=AAD)
    tampered = bytearray(sealed.ciphertext)
    tampered[position] ^= 0x01
    with pytest.raises(FileDecryptionError, match="tampered"):
        keyring.open(1, bytes(tampered), sealed.wrapped_key, sealed.key_id, aad=AAD)


@pytest.mark.parametrize("position", [0, 20, -1])
def test_tampered_wrapped_key_is_refused(keyring, position):
    sealed = keyring.seal(1, pdf(MARKER), aad=AAD)
    tampered = bytearray(sealed.wrapped_key)
    tampered[position] ^= 0x80
    with pytest.raises(FileDecryptionError):
        keyring.open(1, sealed.ciphertext, bytes(tampered), sealed.key_id, aad=AAD)


def test_truncated_parts_are_refused_not_crashed(keyring):
    sealed = keyring.seal(1, b"x", aad=AAD)
    with pytest.raises(FileDecryptionError):
        keyring.open(1, sealed.ciphertext[:5], sealed.wrapped_key, sealed.key_id, aad=AAD)
    with pytest.raises(FileDecryptionError):
        keyring.open(1, sealed.ciphertext, b"", sealed.key_id, aad=AAD)


def test_another_school_cannot_open_it(keyring):
    sealed = keyring.seal(1, pdf(MARKER), aad=AAD)
    with pytest.raises(FileDecryptionError, match="wrong school"):
        keyring.open(2, *sealed, aad=AAD)


def test_other_aad_cannot_open_it(keyring):
    sealed = keyring.seal(1, pdf(MARKER), aad=AAD)
    with pytest.raises(FileDecryptionError):
        keyring.open(1, *sealed, aad=b"file=another")


def test_schools_get_different_keys_from_one_master_key(keyring):
    # Were the school keys shared, another school's wrapped key would open this file; it must not.
    sealed_for_a = keyring.seal(1, b"data", aad=AAD)
    sealed_for_b = keyring.seal(2, b"data", aad=AAD)
    with pytest.raises(FileDecryptionError):
        keyring.open(1, sealed_for_a.ciphertext, sealed_for_b.wrapped_key, "k1", aad=AAD)


def test_rotation_keeps_old_files_readable_and_seals_new_ones_with_the_new_key():
    old_config = random_key_config("2025")
    old_ring = KeyRing.from_config(old_config)
    sealed_before = old_ring.seal(7, pdf(MARKER), aad=AAD)

    new_key = random_key_config("2026")
    rotated = KeyRing.from_config(f"{new_key},{old_config}")

    assert rotated.current_key_id == "2026"
    assert rotated.open(7, *sealed_before, aad=AAD) == pdf(MARKER)
    sealed_after = rotated.seal(7, b"new", aad=AAD)
    assert sealed_after.key_id == "2026"
    with pytest.raises(UnknownKeyIdError, match="2026"):
        old_ring.open(7, *sealed_after, aad=AAD)


def test_same_key_id_with_other_material_cannot_open():
    sealed = KeyRing.from_config(random_key_config("k1")).seal(1, b"data", aad=AAD)
    with pytest.raises(FileDecryptionError):
        KeyRing.from_config(random_key_config("k1")).open(1, *sealed, aad=AAD)


def _short_key() -> str:
    return base64.b64encode(os.urandom(16)).decode()


@pytest.mark.parametrize(
    "make_value",
    [
        lambda: "",
        lambda: " , ",
        lambda: "k1",
        lambda: ":" + base64.b64encode(os.urandom(32)).decode(),
        lambda: "k1:" + _short_key(),
        lambda: "k1:" + base64.b64encode(os.urandom(32)).decode()[:-3] + "*!*",
        lambda: random_key_config("k1") + "," + random_key_config("k1"),
        lambda: "bad id:" + base64.b64encode(os.urandom(32)).decode(),
    ],
    ids=[
        "empty",
        "blank-entries",
        "no-key",
        "no-id",
        "short-key",
        "not-base64",
        "duplicate",
        "bad-id",
    ],
)
def test_bad_config_names_the_variable_and_never_shows_key_material(make_value):
    value = make_value()
    with pytest.raises(KeyConfigError) as caught:
        KeyRing.from_config(value)
    assert "FILE_ENCRYPTION_KEYS" in str(caught.value)
    # What would land in a log: the whole printed traceback, chained exceptions included.
    printed = "".join(traceback.format_exception(caught.value))
    for entry in value.split(","):
        material = entry.partition(":")[2].strip()
        if len(material) >= 8:
            assert material[:8] not in printed


def test_keyring_repr_shows_ids_only():
    config = random_key_config("k2", "k1")
    ring = KeyRing.from_config(config)
    assert repr(ring) == "KeyRing(key_ids=['k1', 'k2'], current='k2')"
    for entry in config.split(","):
        assert entry.partition(":")[2] not in repr(ring)


def test_dev_key_file_is_created_once_private_and_reused(tmp_path):
    data_dir = tmp_path / "data"
    first = KeyRing.load_or_create_dev(data_dir)
    key_file = data_dir / DEV_KEY_FILE_NAME

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    content = key_file.read_text()
    sealed = first.seal(3, pdf(MARKER), aad=AAD)

    second = KeyRing.load_or_create_dev(data_dir)
    assert key_file.read_text() == content
    assert second.open(3, *sealed, aad=AAD) == pdf(MARKER)
    assert [path.name for path in data_dir.iterdir()] == [DEV_KEY_FILE_NAME]  # no temporary left


def test_dev_key_file_readable_by_others_is_refused(tmp_path):
    KeyRing.load_or_create_dev(tmp_path)
    (tmp_path / DEV_KEY_FILE_NAME).chmod(0o644)
    with pytest.raises(KeyConfigError, match="chmod 600"):
        KeyRing.load_or_create_dev(tmp_path)

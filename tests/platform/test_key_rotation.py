"""Rotating the keys without stopping the bot (docs/production.md, "Key rotation").

File encryption: a new key is put first in FILE_ENCRYPTION_KEYS (the old one stays after it), so
new files are sealed under it and old ones still open; `schoolbot rotate-file-keys` then moves
every stored file and sealed credential under the new key, after which the old key can go.

Staff sessions: a new STAFF_SESSION_SECRET with the old one in STAFF_SESSION_PREVIOUS_SECRETS
keeps everyone signed in (and old links and open forms working) until the old one is removed."""

from __future__ import annotations

import asyncio
import base64
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.clock import FakeClock
from backend.db import make_engine, make_sessionmaker
from backend.demo import create_demo_school
from backend.files.crypto import KeyRing
from backend.files.models import StoredFile
from backend.files.service import FileIntegrityError, FileVault
from backend.files.storage import LocalBlobStore
from backend.school_admin import add_channel, channel_credentials, set_bank_callback_secret
from backend.schools import MessagingChannel, School
from bot.cli import main
from bot.config import load_settings
from bot.media import MediaLinks
from tests.files.file_samples import pdf
from web.staff.auth import StaffGate, StaffSession


def key(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


async def store_files(env: dict[str, str], keys: str, count: int) -> list[str]:
    engine = make_engine(env["DATABASE_URL"])
    vault = FileVault(keyring=KeyRing.from_config(keys), blob_store=LocalBlobStore(Path(env["DATA_DIR"]) / "files"),
                      clock=FakeClock())
    ids = []
    async with make_sessionmaker(engine)() as session:
        school = await session.scalar(sa.select(School))
        for n in range(count):
            row = await vault.store(session, school_id=school.id, owner_ref="U1", source_ref=f"m{n}-{keys[:2]}",
                                    data=pdf(f"FILE-{n}"))
            ids.append(row.id)
        await session.commit()
    await engine.dispose()
    return ids


async def read_all(env: dict[str, str], keys: str) -> dict[str, bytes]:
    """Every stored file as a process with these keys reads it; and the sealed credentials."""
    engine = make_engine(env["DATABASE_URL"])
    keyring = KeyRing.from_config(keys)
    vault = FileVault(keyring=keyring, blob_store=LocalBlobStore(Path(env["DATA_DIR"]) / "files"), clock=FakeClock())
    read = {}
    try:
        async with make_sessionmaker(engine)() as session:
            for row in await session.scalars(sa.select(StoredFile)):
                read[row.id] = (await vault.read(session, row.id, school_id=row.school_id))[0]
            channel = await session.scalar(sa.select(MessagingChannel))
            read["channel"] = ":".join(channel_credentials(keyring, channel)).encode()
    finally:
        await engine.dispose()
    return read


async def key_ids(env: dict[str, str]) -> set[str]:
    engine = make_engine(env["DATABASE_URL"])
    async with make_sessionmaker(engine)() as session:
        ids = set(await session.scalars(sa.select(StoredFile.key_id)))
        channel = await session.scalar(sa.select(MessagingChannel))
        school = await session.scalar(sa.select(School).where(School.bank_callback_secret.is_not(None)))
        ids |= {value.split(":")[2] for value in (channel.channel_secret, channel.access_token,
                                                   school.bank_callback_secret)}
    await engine.dispose()
    return ids


@pytest.fixture
async def school(env):
    await create_demo_school(env["DATABASE_URL"], slug="demo")
    return env


async def test_a_new_file_key_goes_first_the_command_moves_everything_under_it_and_the_old_key_can_go(
        school, monkeypatch, capsys):
    env = school
    old, new = key("k2025"), key("k2026")
    await store_files(env, old, 3)
    engine = make_engine(env["DATABASE_URL"])
    async with make_sessionmaker(engine)() as session:
        await add_channel(session, keyring=KeyRing.from_config(old), school_slug="demo", slug="second",
                          secret="channel-secret", token="channel-token", now=FakeClock().now())
        await set_bank_callback_secret(session, keyring=KeyRing.from_config(old), school_slug="demo",
                                       secret="b" * 40)
        await session.commit()
    await engine.dispose()

    # Step 1 (to every host): the new key added after the old one, so every host can read what
    # any host writes next. Step 2 (to every host): the new key put first: new files under it.
    adding = f"{old},{new}"
    assert len(await read_all(env, adding)) == 4
    rolling = f"{new},{old}"
    await store_files(env, rolling, 1)
    assert await key_ids(env) == {"k2025", "k2026"}
    before = await read_all(env, rolling)
    assert len(before) == 5

    # Step 3: the command, while the bot runs.
    for name, value in {**env, "FILE_ENCRYPTION_KEYS": rolling}.items():
        monkeypatch.setenv(name, value)
    await asyncio.to_thread(main, ["rotate-file-keys"])
    assert "3 file(s) and 3 stored credential(s) now under key k2026" in capsys.readouterr().out
    assert await key_ids(env) == {"k2026"}

    # Step 4: the old key leaves; everything still opens, and nothing opens without the new key.
    assert await read_all(env, new) == before
    assert before["channel"] == b"channel-secret:channel-token"
    with pytest.raises(FileIntegrityError):
        await read_all(env, old)
    # Running it again finds nothing left to do.
    await asyncio.to_thread(main, ["rotate-file-keys"])
    assert "0 file(s) and 0 stored credential(s)" in capsys.readouterr().out


async def test_a_file_erased_while_keys_rotate_stays_erased(school):
    env = school
    old, new = key("old"), key("new")
    [file_id] = await store_files(env, old, 1)
    engine = make_engine(env["DATABASE_URL"])
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        # Erased (its wrapped key cleared) between the command's read and its write.
        await session.execute(sa.update(StoredFile).values(wrapped_key=None))
        await session.commit()
    from backend.files.service import rewrap_all

    assert await rewrap_all(sessions, KeyRing.from_config(f"{new},{old}")) == 0
    async with sessions() as session:
        row = await session.get(StoredFile, file_id)
        assert row.wrapped_key is None
    await engine.dispose()


def settings_with(tmp_path: Path, **variables: str):
    return load_settings({"DATA_DIR": str(tmp_path), **variables})


def test_staff_stay_signed_in_while_the_session_secret_changes_and_are_signed_out_when_the_old_one_goes(tmp_path):
    clock = FakeClock()
    old, new = secrets.token_hex(32), secrets.token_hex(32)
    before = settings_with(tmp_path, STAFF_SESSION_SECRET=old)
    during = settings_with(tmp_path, STAFF_SESSION_SECRET=new, STAFF_SESSION_PREVIOUS_SECRETS=f" {old} ")
    after = settings_with(tmp_path, STAFF_SESSION_SECRET=new)
    assert during.staff_session_previous_secrets == (old.encode(),)

    def gate(settings) -> StaffGate:
        return StaffGate(settings.staff_session_secret, prefix="/staff",
                         previous_secrets=settings.staff_session_previous_secrets)

    old_gate, rolling_gate, new_gate = gate(before), gate(during), gate(after)
    cookie = old_gate.tokens(clock).new_session(staff_id=7, school_id=1, generation=0)
    form_token = old_gate.csrf_token(StaffSession(7, 1, "n1"))
    # A teacher signed in before the change is still signed in on a host with the new secret,
    # and the form the old host rendered still submits.
    read = rolling_gate.tokens(clock).read_session(cookie)
    assert (read.staff_id, read.school_id) == (7, 1)
    rolling_gate.check_csrf(StaffSession(7, 1, "n1"), {"csrf": form_token})
    # New sessions are signed with the new secret only.
    fresh = rolling_gate.tokens(clock).new_session(staff_id=8, school_id=1, generation=0)
    assert old_gate.tokens(clock).read_session(fresh) is None
    assert new_gate.tokens(clock).read_session(fresh).staff_id == 8
    # Once the old secret is removed, what it signed is refused: sign in again.
    assert new_gate.tokens(clock).read_session(cookie) is None
    from fastapi import HTTPException

    with pytest.raises(HTTPException):
        new_gate.check_csrf(StaffSession(7, 1, "n1"), {"csrf": form_token})


def test_links_already_in_parents_chats_keep_working_while_the_secret_changes(tmp_path):
    import datetime as dt

    clock = FakeClock()
    old, new = secrets.token_hex(32), secrets.token_hex(32)

    def links(secret: str, previous: tuple[str, ...] = ()) -> MediaLinks:
        media = MediaLinks(secret=secret.encode(), clock=clock, public_base_url="https://school.example",
                           previous_secrets=tuple(p.encode() for p in previous))
        media.register("receipt", lambda session, ref: None, valid_for=dt.timedelta(days=180))
        return media

    url = links(old).url("receipt", "42", suffix=".pdf")
    token = url.rsplit("/", 1)[1]
    assert links(new, (old,)).read(token) == ("receipt", "42")
    assert links(new).read(token) is None

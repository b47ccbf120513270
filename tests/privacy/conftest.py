"""Fixtures for personal-data tests: a migrated database, a file vault, a fake clock."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db import make_engine, make_sessionmaker
from backend.files.crypto import KeyRing
from backend.files.service import FileVault
from backend.files.storage import LocalBlobStore


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def vault(tmp_path, clock) -> FileVault:
    keyring = KeyRing.from_config("k1:" + base64.b64encode(os.urandom(32)).decode())
    return FileVault(keyring, LocalBlobStore(tmp_path / "blobs"), clock)

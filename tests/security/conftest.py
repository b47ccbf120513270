"""Fixtures for the hardening tests: a migrated database and a file vault."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.clock import FakeClock
from backend.db import make_engine, make_sessionmaker
from backend.files.crypto import KeyRing
from backend.files.service import FileVault
from backend.files.storage import LocalBlobStore
from backend.schools import School


@pytest.fixture
async def sessions(database_url: str, clock: FakeClock) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    sessionmaker = make_sessionmaker(engine)
    async with sessionmaker() as session:
        session.add(School(id=1, slug="school-a", name="โรงเรียนเอ", settings={}, created_at=clock.now()))
        await session.commit()
    yield sessionmaker
    await engine.dispose()


@pytest.fixture
def vault(tmp_path, clock) -> FileVault:
    keyring = KeyRing.from_config("k1:" + base64.b64encode(os.urandom(32)).decode())
    return FileVault(keyring, LocalBlobStore(tmp_path / "blobs"), clock)

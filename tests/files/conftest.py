"""Fixtures for the file storage tests: a database (SQLite, or PostgreSQL by DATABASE_URL), keys."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from file_samples import random_key_config
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import backend.files.models  # noqa: F401 - registers stored_files on the metadata
from backend.clock import FakeClock
from backend.db import Base, make_engine, make_sessionmaker
from backend.files.crypto import KeyRing
from backend.files.service import FileVault
from backend.files.storage import LocalBlobStore
from backend.schools import School

SCHOOL_A = 1
SCHOOL_B = 2


@pytest.fixture
async def engine(tmp_path) -> AsyncIterator[AsyncEngine]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        # A schema of our own, so parallel runs and other test suites never see these tables.
        schema = f"test_files_{uuid.uuid4().hex[:12]}"
        base_engine = make_engine(url)
        async with base_engine.begin() as connection:
            await connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        engine = base_engine.execution_options(schema_translate_map={None: schema})
        try:
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.create_all)
            yield engine
        finally:
            async with base_engine.begin() as connection:
                await connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            await base_engine.dispose()
    else:
        (tmp_path / "db").mkdir()
        engine = make_engine("sqlite:///" + str(tmp_path / "db" / "test.sqlite3"))
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        yield engine
        await engine.dispose()


@pytest.fixture
async def sessions(engine, clock) -> async_sessionmaker[AsyncSession]:
    sessionmaker = make_sessionmaker(engine)
    async with sessionmaker() as session:
        for school_id, slug in ((SCHOOL_A, "school-a"), (SCHOOL_B, "school-b")):
            session.add(
                School(id=school_id, slug=slug, name=slug, settings={}, created_at=clock.now())
            )
        await session.commit()
    return sessionmaker


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def keyring() -> KeyRing:
    return KeyRing.from_config(random_key_config("k1"))


@pytest.fixture
def blob_root(tmp_path):
    return tmp_path / "blobs"


@pytest.fixture
def vault(keyring, blob_root, clock) -> FileVault:
    return FileVault(keyring, LocalBlobStore(blob_root), clock)

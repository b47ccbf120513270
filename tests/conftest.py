"""Shared fixtures: a database (SQLite, or PostgreSQL when DATABASE_URL is set), shared state
(in-process, or Redis when REDIS_URL is set), a fake clock, and the bot served on a local port
with the LINE simulator playing LINE."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.clock import FakeClock
from backend.db import make_engine
from flows.services import load_catalog

load_catalog()  # as the programs do when they start: every service registered and checked

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

requires_redis = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a real Redis server)")


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str | None]:
    """A database of this run's own on the PostgreSQL server named by DATABASE_URL, brought to
    head through the migrations; dropped at the end. Concurrent runs do not disturb each other."""
    if not POSTGRES_URL:
        yield None
        return
    import asyncio

    from sqlalchemy.engine import make_url

    from backend.migrate import upgrade

    server = make_url(POSTGRES_URL)
    name = f"{server.database}_run_{uuid.uuid4().hex[:10]}"
    url = server.set(database=name).render_as_string(hide_password=False)

    async def admin(statement: str) -> None:
        engine = make_engine(POSTGRES_URL)
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(sa.text(statement))
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file brought to head through the migrations once; each test gets a copy."""
    from backend.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(tmp_path: Path, request) -> str:
    """A migrated, empty database for one test."""
    if POSTGRES_URL:
        import asyncio

        from backend.models import metadata

        url = request.getfixturevalue("migrated_postgres")

        async def truncate() -> None:
            engine = make_engine(url)
            async with engine.begin() as connection:
                tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
                await connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            await engine.dispose()

        asyncio.run(truncate())
        return url
    template = request.getfixturevalue("migrated_sqlite_template")
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def redis_namespace() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def env(tmp_path: Path, database_url: str, redis_namespace: str) -> dict[str, str]:
    """Environment for a bot under test: no LINE account, so the simulator plays LINE."""
    values = {"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": database_url}
    if REDIS_URL:
        values["REDIS_URL"] = REDIS_URL
    return values

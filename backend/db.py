"""Database plumbing: the declarative base, portable column types, engine and session factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so that Alembic migrations name the same thing on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores none, so we restore it)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def async_url(url: str) -> str:
    """Map the plain URLs people write (postgresql://, sqlite:///) onto the async drivers we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    return url


def make_engine(url: str) -> AsyncEngine:
    url = async_url(url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            # WAL lets the web process write while a worker reads; foreign keys are off by default.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # No pool_pre_ping: on asyncpg it costs three round trips (BEGIN, ";", ROLLBACK) per checkout,
    # a quarter of the worker's database traffic per event. A connection broken since its last use
    # (database restart, failover) fails its first statement instead; SQLAlchemy then invalidates
    # the whole pool, and the paths that must not fail retry once (in_transaction below); the rest
    # are retried by their own loops (the worker's backoff and periodic scan). pool_recycle bounds
    # a connection's age below common idle timeouts of proxies and firewalls.
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


T = TypeVar("T")

# For work whose every statement stands alone (one INSERT, or a read then independent updates):
# each statement commits by itself, without the BEGIN and COMMIT round trips around it.
AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}


async def autocommit(session: AsyncSession) -> None:
    """Put the session's next transaction in autocommit mode (call before its first statement)."""
    await session.connection(execution_options=AUTOCOMMIT)


async def in_transaction(sessions: async_sessionmaker[AsyncSession],
                         work: Callable[[AsyncSession], Awaitable[T]], *, single_statement: bool = False) -> T:
    """Run work in a transaction and commit; once more on a fresh connection if the first one
    turned out to be dead (the pool is not pinged before use). work must be safe to repeat.
    single_statement: work is one statement, atomic by itself, so it runs in autocommit mode."""
    for attempt in (1, 2):
        try:
            async with sessions() as session:
                if single_statement:
                    await autocommit(session)
                result = await work(session)
                await session.commit()
                return result
        except sa.exc.DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")

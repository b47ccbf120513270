"""Database plumbing: the declarative base, portable column types, engine and session factory."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import weakref
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.util import await_only

from backend.data_dir import private_sqlite_file

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


def table_of(model: type[Base]) -> sa.Table:
    """The model's table, for Core statements (SQLAlchemy types ``__table__`` as any FROM clause)."""
    table = model.__table__
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def rowcount(result: sa.Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (SQLAlchemy types ``execute`` as returning any result)."""
    if not isinstance(result, sa.CursorResult):
        raise TypeError("not the result of an INSERT, UPDATE or DELETE")
    return result.rowcount


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


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the web process write while a worker reads; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Deleted rows are overwritten, not left in free pages: a purge (retention, a parent's
    # erasure, a secret sealed in place) leaves nothing behind in the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    url = async_url(url)
    if url.startswith("sqlite"):
        private_sqlite_file(url)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        # One write transaction at a time per process, queued in order (see WriteTransaction).
        sa.event.listen(engine.sync_engine, "before_cursor_execute", _take_turn_before_first_write)
        sa.event.listen(engine.sync_engine.pool, "reset", _release_turn_on_return)
        _SQLITE_WRITERS[engine.sync_engine] = _SqliteWriter(engine)
        sa.event.listen(engine.sync_engine, "engine_disposed", _close_sqlite_writer)
        return engine
    # No pool_pre_ping: on asyncpg it costs three round trips (BEGIN, ";", ROLLBACK) per checkout,
    # a quarter of the worker's database traffic per event. A connection broken since its last use
    # (database restart, failover) fails its first statement instead; SQLAlchemy then invalidates
    # the whole pool, and the paths that must not fail retry once (in_transaction below); the rest
    # are retried by their own loops (the worker's backoff and periodic scan). pool_recycle bounds
    # a connection's age below common idle timeouts of proxies and firewalls.
    # application_name: pg_stat_activity (and pg_locks joined to it) tells which process a connection
    # is, e.g. the worker holding a channel's sending claim (bot/bulk.py).
    engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800,
                                 connect_args={"server_settings": {"application_name": application_name()}})
    sa.event.listen(engine.sync_engine, "before_cursor_execute", _begin_before_first_write)
    sa.event.listen(engine.sync_engine.pool, "reset", _end_deferred_transaction)
    return engine


def application_name(pid: int | None = None) -> str:
    """How this process's connections are named on PostgreSQL: "schoolbot <process id>"."""
    return f"schoolbot {os.getpid() if pid is None else pid}"


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


T = TypeVar("T")

# For work whose every statement stands alone (one INSERT, or a read then independent updates):
# each statement commits by itself, without the BEGIN and COMMIT round trips around it.
AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}


async def autocommit(session: AsyncSession) -> None:
    """Put the session's next transaction in autocommit mode (call before its first statement, or
    again while it is in autocommit mode: then nothing changes)."""
    if session.in_transaction():
        connection = (await session.connection()).sync_connection  # None only before it is started
        if connection is None or connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            raise RuntimeError("the session already has a transaction: commit or roll it back first")
        return
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


# --- A statement that stands alone, durable when it returns ----------------------------------------


class _SqliteWriter:
    """Runs a statement that stands alone from start to commit in one call, on a thread and a
    connection of its own. Through the async driver the same INSERT takes about ten hand-overs
    between the event loop and the driver's thread (cursor, execute, fetch, commit, isolation level
    set and reset); on a busy loop each waits its turn, and SQLite's lock waits in between poll with
    growing sleeps. Here the wait for the lock happens in this thread, and the event loop hands over once."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._url = engine.url.set(drivername="sqlite")
        self._engine: sa.Engine | None = None
        self._thread: ThreadPoolExecutor | None = None

    def _run(self, work: Callable[[sa.Connection], T]) -> T:
        if self._engine is None:
            self._engine = sa.create_engine(self._url, poolclass=sa.pool.StaticPool,
                                            connect_args={"timeout": 30, "check_same_thread": False})
            sa.event.listen(self._engine, "connect", _sqlite_pragmas)
        with self._engine.begin() as connection:  # the driver begins at the first write; commit on leaving
            return work(connection)

    async def run(self, work: Callable[[sa.Connection], T]) -> T:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._run, work)

    def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.shutdown(wait=True)
        engine, self._engine = self._engine, None
        if engine is not None:
            engine.dispose()


_SQLITE_WRITERS: weakref.WeakKeyDictionary[sa.Engine, _SqliteWriter] = weakref.WeakKeyDictionary()


def sqlite_writer(bind: AsyncEngine | AsyncConnection | sa.Engine | sa.Connection | None) -> _SqliteWriter | None:
    """The SQLite database's writer thread; None on PostgreSQL."""
    if bind is None:
        return None
    engine = bind.engine if isinstance(bind, sa.Connection | AsyncConnection) else bind
    if isinstance(engine, AsyncEngine):
        engine = engine.sync_engine
    return _SQLITE_WRITERS.get(engine)


def _close_sqlite_writer(engine: sa.Engine) -> None:
    writer = _SQLITE_WRITERS.get(engine)
    if writer is not None:
        writer.close()  # opened again if the engine is used after dispose


async def execute_alone(sessions: async_sessionmaker[AsyncSession], statement: Callable[[str], sa.Executable],
                        params: Sequence[dict[str, Any]] | dict[str, Any]) -> list[sa.Row]:
    """Execute one statement that is atomic by itself (statement(dialect name) gives it) and commit
    it: what it wrote is durable when this returns. Returns its rows (RETURNING). Must be safe to
    repeat, like in_transaction's work. The webhook's INSERT: on SQLite it runs on a writer thread
    of its own (one hand-over from the event loop), elsewhere in autocommit mode on the pool."""
    writer = sqlite_writer(sessions.kw.get("bind"))
    if writer is not None:
        return await writer.run(lambda connection: list(connection.execute(statement("sqlite"), params)))

    async def work(session: AsyncSession) -> list[sa.Row]:
        return list(await session.execute(statement(session.get_bind().dialect.name), params))

    return await in_transaction(sessions, work, single_statement=True)


# --- A transaction that begins at the first write --------------------------------------------------
#
# Most chat messages only read (a menu, a status, a question that needs no answer stored): their
# one write is the event's completion, which is a single atomic statement (backend.inbox.complete).
# A transaction around them would add a BEGIN and a COMMIT round trip: with the completion split in
# two statements, three of the worker's seven round trips for such an event.
# So the worker runs an event on a connection in autocommit mode and opens the transaction just
# before the first statement that writes or locks; reads before it see the latest committed data,
# as every statement does under PostgreSQL's READ COMMITTED. (SQLite's driver defers BEGIN to the
# first write by itself, so there the ordinary transaction already behaves this way.)

_DEFERRED = "schoolbot_deferred_transaction"  # in Connection.info: "waiting" or "open"
# An execution option for a statement that is atomic on its own: it needs no transaction opened for it.
ATOMIC_ALONE = {"schoolbot_atomic_alone": True}


def _reads_only(statement: str) -> bool:
    head = statement.lstrip()[:6].upper()
    return head == "SELECT" and " FOR UPDATE" not in statement and " FOR SHARE" not in statement \
        and " FOR NO KEY UPDATE" not in statement


def _begin_before_first_write(conn, cursor, statement, parameters, context, executemany) -> None:
    if conn.info.get(_DEFERRED) != "waiting" or _reads_only(statement):
        return
    if context is not None and context.execution_options.get("schoolbot_atomic_alone"):
        return
    conn.info[_DEFERRED] = "open"
    cursor.execute("BEGIN")


def _end_deferred_transaction(dbapi_connection, connection_record, reset_state) -> None:
    """A connection going back to the pool never keeps a transaction begun at a first write (the
    driver's own rollback does not know of it): the safety net under WriteTransaction."""
    if connection_record.info.pop(_DEFERRED, None) == "open":
        cursor = dbapi_connection.cursor()
        cursor.execute("ROLLBACK")
        cursor.close()


# --- SQLite: one write transaction at a time in the process, in turn -----------------------------------
#
# SQLite has one writer. A connection that finds the database locked polls with growing sleeps (1, 2,
# 5, ... 100 ms), so with many of the worker's lanes writing at once the order is luck and a writer can
# wait for seconds. A unit of work therefore takes the process's write turn (an asyncio lock, FIFO)
# just before its first write, and gives it back when it commits or rolls back: then at most one of
# our transactions holds SQLite's lock, and the webhook's INSERT waits for one at most.

_TURN = "schoolbot_write_turn"  # in Connection.info: the unit's _Turn while it waits to write
_TURN_LOCKS: weakref.WeakKeyDictionary[sa.Engine, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = \
    weakref.WeakKeyDictionary()


class _Turn:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._lock: asyncio.Lock | None = None

    def take(self) -> None:
        """Called in the driver's greenlet, before the first write (await_only suspends there)."""
        if self._lock is not None:
            return
        loop = asyncio.get_running_loop()
        entry = _TURN_LOCKS.get(self._engine)
        if entry is None or entry[0] is not loop:
            entry = _TURN_LOCKS[self._engine] = (loop, asyncio.Lock())
        await_only(entry[1].acquire())
        self._lock = entry[1]

    @property
    def taken(self) -> bool:
        return self._lock is not None

    def release(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()


def _take_turn_before_first_write(conn, cursor, statement, parameters, context, executemany) -> None:
    turn = conn.info.get(_TURN)
    if turn is not None and not _reads_only(statement):
        turn.take()


def _release_turn_on_return(dbapi_connection, connection_record, reset_state) -> None:
    """The safety net: a connection going back to the pool gives back its unit's turn."""
    turn = connection_record.info.pop(_TURN, None)
    if turn is not None:
        turn.release()


class WriteTransaction:
    """One unit of work on a session whose transaction, if any, begins at its first write.

    Use: `await unit.start()`, do the work (reads run alone), `await unit.commit()` — flushes the
    session, commits if a write opened a transaction — or `await unit.rollback()`. The session must
    not be committed or rolled back directly in between. On PostgreSQL the BEGIN is sent before the
    first write (see above). On SQLite the session's own transaction is used (its driver already
    begins it at the first write), and the unit takes the process's write turn at that write."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._deferred = session.get_bind().dialect.name == "postgresql"
        self._connection: AsyncConnection | None = None
        self._turn: _Turn | None = None

    async def start(self) -> None:
        if not self._deferred:
            if self._session.in_transaction():
                await self._session.commit()  # e.g. an autocommit read before: a transaction of its own
            self._connection = await self._session.connection()
            self._turn = _Turn(self._connection.sync_engine)
            self._connection.info[_TURN] = self._turn
            return
        await autocommit(self._session)  # or already: e.g. the lane's read before
        self._connection = await self._session.connection()
        self._connection.info[_DEFERRED] = "waiting"

    @property
    def opened(self) -> bool:
        """Whether a write has opened a transaction (on SQLite: whether the unit has taken its turn)."""
        if not self._deferred:
            return self._turn is not None and self._turn.taken
        return self._connection is not None and self._connection.info.get(_DEFERRED) == "open"

    async def commit(self) -> None:
        """On failure, the caller rolls back (which gives the turn back)."""
        await self._session.flush()
        if not self._deferred:
            await self._session.commit()
        elif self._connection is not None and self.opened:
            await self._connection.exec_driver_sql("COMMIT")
        self._finish()

    async def rollback(self) -> None:
        try:
            if self._deferred and self._connection is not None and self.opened:
                await self._connection.exec_driver_sql("ROLLBACK")
        finally:
            if self._deferred:
                self._finish()
            try:
                # The ORM's view of the session (and a failed flush's state) is reset; on PostgreSQL
                # the connection goes back to the pool, with no transaction left open on it.
                await self._session.rollback()
            finally:
                self._finish()  # SQLite: the turn goes back once the transaction has ended

    def _finish(self) -> None:
        if self._connection is not None:
            if not self._connection.closed:  # else back in the pool, which cleared both
                self._connection.info.pop(_DEFERRED, None)
                self._connection.info.pop(_TURN, None)
            self._connection = None
        if self._turn is not None:
            self._turn.release()
            self._turn = None

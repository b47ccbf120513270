"""Fixtures for conversation tests: a SQLite database, a fake clock and a chatting parent."""

from __future__ import annotations

import datetime as dt

import pytest
from flows_chat import SCHOOL_ID, Chat

from backend.clock import FakeClock
from backend.db import Base, make_engine, make_sessionmaker
from backend.schools import School
from flows.engine import Engine
from flows.services import ALL_FLOWS
from flows.sessions import SessionStore


@pytest.fixture
def clock() -> FakeClock:
    # 25 Nov 2026 10:00 in Bangkok (BE 2569).
    return FakeClock(dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC))


@pytest.fixture
async def maker(tmp_path, clock):
    db = make_engine(f"sqlite:///{tmp_path / 'flows.db'}")
    async with db.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    sessions = make_sessionmaker(db)
    async with sessions() as session:
        session.add(
            School(
                id=SCHOOL_ID, slug="demo", name="โรงเรียนตัวอย่าง", settings={}, created_at=clock.now()
            )
        )
        await session.commit()
    yield sessions
    await db.dispose()


@pytest.fixture
def engine(clock) -> Engine:
    return Engine(flows=ALL_FLOWS, sessions=SessionStore(), clock=clock)


@pytest.fixture
def chat(engine, maker, clock) -> Chat:
    return Chat(engine, maker, clock)

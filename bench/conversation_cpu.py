"""Benchmark: CPU the conversation layer spends per incoming text event, without HTTP or the worker.

    PYTHONPATH=. python bench/conversation_cpu.py [--events 2000] [--users 20]
        [--postgres postgresql://postgres@127.0.0.1:5432/test] [--profile 40 [--sort tottime]]

Builds what the worker builds (bot/runtime.py build_runtime) on a throw-away migrated database
(SQLite; or, with --postgres, a database of its own created on that server and dropped after)
with the demo school, follows each synthetic user, then sends the load benchmark's texts
(bench/load.py TEXTS) round-robin over the users straight to EventHandler.handle, one
transaction per event as the worker does (the school row merged from the channel cache, commit).
Reports the process CPU (time.process_time: every thread, so aiosqlite's too, but not the
PostgreSQL server's) spent inside handle() per event, and the SQL statements it issued.
Prints numbers; no pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import event as sa_event

# The same as bench/load.py's TEXTS (not imported: that module needs the load tools).
TEXTS = ["สวัสดีค่ะ", "สมัครเรียน ป.1", "ขอย้ายเข้าค่ะ", "ติดตามสถานะ", "เมนู", "ขอบคุณค่ะ"]


def _event(kind: str, user_ref: str, index: int, text: str | None = None) -> dict:
    payload: dict = {"type": kind, "mode": "active", "timestamp": 1_700_000_000_000 + index,
                     "source": {"type": "user", "userId": user_ref},
                     "webhookEventId": f"bench{index:020d}", "replyToken": f"r{index:031d}"}
    if text is not None:
        payload["message"] = {"type": "text", "id": str(100_000 + index), "text": text}
    return payload


async def run(tmp: Path, database_url: str, events: int, users: int, profile_top: int,
              sort: str = "cumulative") -> None:
    from backend.clock import FakeClock
    from backend.demo import create_demo_school
    from backend.state import MemoryState
    from bot.config import load_settings
    from bot.handlers import EventContext
    from bot.runtime import build_runtime

    env = {"DATA_DIR": str(tmp / "data"), "DATABASE_URL": database_url}
    settings = load_settings(env)
    await create_demo_school(settings.backend.database_url, slug=settings.backend.default_school)
    clock = FakeClock()
    runtime = build_runtime(settings, clock=clock, state=MemoryState())
    handler = runtime.handler
    channel = await runtime.channels.get("default")

    statements: Counter[str] = Counter()
    counting = False

    def count(conn, cursor, statement, parameters, context, executemany):
        if counting:
            statements[" ".join(statement.split())[:160]] += 1

    sa_event.listen(runtime.engine.sync_engine, "before_cursor_execute", count)

    user_refs = [f"U{index:032x}" for index in range(users)]

    async def one(session, user_ref: str, payload: dict) -> float:
        school = await session.merge(await runtime.channels.school(channel.school_id), load=False)
        ctx = EventContext(session=session, channel=channel, school_name=school.name, user_ref=user_ref,
                           event=payload, now=clock.now())
        start = time.process_time()
        replies = await handler.handle(ctx)
        spent = time.process_time() - start
        assert replies, "every benchmark text gets an answer"
        await session.commit()
        session.expunge_all()
        return spent

    async with runtime.sessions() as session:
        for index, user_ref in enumerate(user_refs):
            await one(session, user_ref, _event("follow", user_ref, index))
        # Warm-up: first-time costs (flow building, statement compilation) are not per event.
        for index in range(len(TEXTS) * 2):
            user_ref = user_refs[index % users]
            await one(session, user_ref, _event("message", user_ref, 10_000 + index, TEXTS[index % len(TEXTS)]))

        samples: dict[str, list[float]] = {text: [] for text in TEXTS}
        profiler = cProfile.Profile() if profile_top else None
        counting = True
        wall = time.perf_counter()
        if profiler:
            profiler.enable()
        for index in range(events):
            text = TEXTS[index % len(TEXTS)]
            user_ref = user_refs[(index // len(TEXTS)) % users]
            samples[text].append(await one(session, user_ref, _event("message", user_ref, 20_000 + index, text)))
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - wall
        counting = False

    await runtime.close()
    _report(samples, statements, wall, events=events, users=users, database_url=database_url,
            profiled=profiler is not None)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(profile_top)
        print(out.getvalue())


def _report(samples: dict[str, list[float]], statements: Counter[str], wall: float, *, events: int, users: int,
            database_url: str, profiled: bool) -> None:
    every = [value for values in samples.values() for value in values]
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cpus; "
          f"{events} text events over {users} users ({database_url.split(':')[0]})"
          + (" [under cProfile: inflated]" if profiled else ""))
    print(f"conversation CPU per event: mean {1000 * statistics.fmean(every):.3f} ms, "
          f"median {1000 * statistics.median(every):.3f} ms  (whole loop wall {1000 * wall / events:.3f} ms/event)")
    for text, values in samples.items():
        print(f"  {text!r:<22} mean {1000 * statistics.fmean(values):.3f} ms  "
              f"median {1000 * statistics.median(values):.3f} ms")
    total = sum(statements.values())
    print(f"SQL statements per event (BEGIN/COMMIT not shown): {total / events:.2f}")
    for statement, n in statements.most_common(12):
        print(f"  {n / events:5.2f}  {statement}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to create a throw-away database on")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="run under cProfile and print the top N functions (inflates the numbers)")
    parser.add_argument("--sort", default="cumulative", help="pstats order for --profile (e.g. tottime)")
    args = parser.parse_args()
    from backend.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="conv-cpu-") as tmp:
        if not args.postgres:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            upgrade(url)  # before the loop: alembic runs one of its own
            asyncio.run(run(Path(tmp), url, args.events, args.users, args.profile, args.sort))
            return
        from sqlalchemy.engine import make_url

        server = make_url(args.postgres)
        name = f"{server.database}_conv_cpu_{os.getpid()}"
        url = server.set(database=name).render_as_string(hide_password=False)
        asyncio.run(_admin(args.postgres, f'CREATE DATABASE "{name}"'))
        try:
            upgrade(url)
            asyncio.run(run(Path(tmp), url, args.events, args.users, args.profile, args.sort))
        finally:
            asyncio.run(_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(server_url: str, statement: str) -> None:
    import sqlalchemy as sa

    from backend.db import make_engine

    engine = make_engine(server_url)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(sa.text(statement))
    await engine.dispose()


if __name__ == "__main__":
    sys.exit(main())

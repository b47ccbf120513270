"""`python -m bench.results_announcement`: an admission round's results to N parents (default 5,000)
through the real worker processes against the LINE stand-in, with the one sending killed half-way
and started again. By default two workers run, as docs/production.md sets a district's server up:
the second stands by for the channel and takes over from the dead one (--workers 1: the restarted
worker resumes; --sqlite: the web process with its embedded worker). Reports the time until every
parent's message was accepted, next to the minimum LINE's push rate limit allows (2,000 requests/s
per channel), and whether anyone was messaged twice.

The round, its applicants, the draw and the announcement (one notice per parent) are written
straight into a fresh database with the domain's own functions; the worker then does what it does
in production: notices to the outbox, the outbox to LINE (push with a retry key).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import itertools
import json
import signal
import time
from pathlib import Path

import asyncpg
import psutil

from bench.stack import REPO, Server, fresh_storage, server_env
from bench.standin import LineStandIn

SECRET = "bench-channel-secret-0123456789ab"
TOKEN = "bench-channel-access-token"
PUSH_RATE_LIMIT = 2000  # requests per second per channel (LINE's published limit for push)


async def seed(database_url: str, parents: int) -> None:
    import sqlalchemy as sa

    from backend.admission_round import results, service
    from backend.applications.models import Application, ApplicationStatus
    from backend.db import make_engine, make_sessionmaker
    from backend.schools import School
    from backend.thai.grades import Grade

    engine = make_engine(database_url)
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    async with make_sessionmaker(engine)() as session:
        school = await session.scalar(sa.select(School))
        earlier = now - dt.timedelta(days=10)
        round_ = await service.create_round(session, school_id=school.id, academic_year=2570, grade=Grade.K2,
                                            seats=parents // 3, actor="bench", now=earlier)
        await service.update_round(session, round_, {"applications_open": today - dt.timedelta(days=10),
                                                     "applications_close": today - dt.timedelta(days=2)},
                                   actor="bench", now=earlier)
        await service.commit(session, round_, public_value_source="bench", actor="bench", now=earlier)
        # Submitted applications as the chat leaves them, inserted in one statement (a benchmark's
        # fixture: the product reaches "submitted" only through the parent's transition table).
        await session.execute(sa.insert(Application.__table__), [
            {"public_number": f"AD-B{n:07d}", "school_id": school.id, "parent_ref": f"U{n:032x}",
             "service": "admission", "status": ApplicationStatus.SUBMITTED, "current_step": "_done",
             "missing_documents": [], "flow_version": 1, "session_nonce": "benchnon",
             "answers": {"student_name": "เด็กหญิงทดสอบ ใจดี", "grade_applied": "k2", "in_service_area": "in_area"},
             "created_at": earlier, "updated_at": earlier, "last_activity_at": earlier, "submitted_at": earlier,
             "revision": 1}
            for n in range(parents)])
        rows = list(await session.scalars(sa.select(Application).where(Application.service == "admission")))
        await service.mark_eligibility(session, round_, rows, eligible=True, reason="", actor="bench", now=earlier)
        await service.draw(session, round_, public_value="123456", actor="bench", now=now)
        await results.announce(session, round_, actor="bench", now=now)
        await session.commit()
    await engine.dispose()


def start_worker(env: dict[str, str], log_dir: Path, name: str, sqlite: bool) -> Server:
    import sys

    if sqlite:  # no Redis: the web process with its embedded worker
        return Server(name, [sys.executable, "-m", "bot.cli", "serve", "--port", "0"], env, log_dir)
    return Server(name, [sys.executable, "-m", "bot.cli", "worker"], env, log_dir)


async def run(args: argparse.Namespace) -> dict:
    # The stand-in answers 429 above LINE's push limit, so that pacing is tested, not assumed.
    standin = LineStandIn(access_token=TOKEN, push_limit=PUSH_RATE_LIMIT)
    line_api = await standin.start()
    log_dir = REPO / "bench" / "results" / f"announcement-{int(time.time())}"
    bench_cpu = psutil.Process()
    try:
        async with fresh_storage(sqlite=args.sqlite, postgres_url=args.database_url,
                                 redis_url=args.redis_url) as storage:
            env = server_env(storage, secret=SECRET, token=TOKEN, line_api=line_api)
            # What one start costs, with nothing to send: the process, its imports, the LINE SDK, idle
            # passes. Taken off the worker's CPU below, twice (two starts), to leave the sending's.
            idle_start_cpu = await idle_start(env, log_dir, args.sqlite)
            t = time.perf_counter()
            await seed(storage.database_url, args.parents)
            seeded = time.perf_counter() - t
            deliveries = standin.deliveries
            # The stand-in plays LINE's servers in this process: a full garbage collection walking the
            # modules imported so far would stall it, then it would take a burst of requests at once.
            gc.collect()
            gc.freeze()
            database = None if args.workers == 1 else await asyncpg.connect(storage.database_url)
            started = time.perf_counter()
            bench_cpu_start = sum(bench_cpu.cpu_times()[:2])
            # --workers N: N worker processes from the start (notices shared with SKIP LOCKED; one process at
            # a time sends a channel's, the others stand by for it). The one sending is killed half-way
            # and started again; the others run on to the end.
            workers = [start_worker(env, log_dir, f"worker-{n}", args.sqlite) for n in range(1, args.workers + 1)]
            cpu = 0.0
            killed_at = None
            killed_time = restarted_time = None
            restart_later: Server | None = None
            deadline = started + args.timeout
            while len(deliveries.pushes) < args.parents and time.perf_counter() < deadline:
                if killed_at is None and len(deliveries.pushes) >= args.parents // 2:
                    # The stand-in runs in this event loop: the crash's work is kept short or in a thread, so
                    # that the stand-in does not stall and then take a burst of requests as if all at once.
                    victim = workers[0] if database is None else await claim_holder(database, workers)
                    cpu += await asyncio.to_thread(crash, victim)
                    killed_time = time.perf_counter()
                    killed_at = len(deliveries.push_times)
                    workers.remove(victim)
                    if args.restart == "at-once" or len(workers) == 0:
                        workers.append(await asyncio.to_thread(
                            start_worker, env, log_dir, f"{victim.name}-restarted", args.sqlite))
                        restarted_time = time.perf_counter()
                    else:
                        restart_later = victim
                await asyncio.sleep(0.005)
            elapsed = time.perf_counter() - started
            if restart_later is not None:  # it starts with nothing left to send: it must send nothing again
                workers.append(start_worker(env, log_dir, f"{restart_later.name}-restarted", args.sqlite))
            bench_cpu_used = sum(bench_cpu.cpu_times()[:2]) - bench_cpu_start
            await asyncio.sleep(4)  # anything still in flight, or sent again, would show up as a second message
            cpu += sum(worker.cpu_seconds() for worker in workers)
            for worker in workers:
                await worker.stop()
            if database is not None:
                await database.close()
    finally:
        await standin.stop()
    twice = sum(1 for count in deliveries.pushes.values() if count > 1)
    times = deliveries.push_times
    first_push = min(times, default=started)
    last_push = max(times, default=first_push)
    # The crash's pause is the longest pause between two pushes (requests the killed worker had already
    # written to its socket still arrive just after the kill): until a worker standing by took over,
    # or with one worker until the restarted one sent.
    ordered = sorted(times)
    gaps = [(b - a, b) for a, b in itertools.pairwise(ordered)]
    crash_gap, first_after_crash = max(gaps, default=(0.0, None))
    sending = (last_push - first_push) - (crash_gap if killed_at is not None else 0.0)
    minimum = args.parents / PUSH_RATE_LIMIT
    return {
        "parents": args.parents, "database": "sqlite" if args.sqlite else "postgresql",
        "seed_seconds": round(seeded, 1),
        "parents_reached": len(deliveries.pushes), "messaged_twice": twice,
        "repeated_retry_keys_refused": deliveries.repeated_retry_keys,
        "pushes_refused_429": deliveries.rate_limited,
        "killed_after_pushes": killed_at,
        "seconds_until_all_accepted": round(elapsed, 2),
        "seconds_first_to_last_push": round(last_push - first_push, 2),
        "seconds_sending_without_crash_pause": round(sending, 2),
        "seconds_crash_pause_between_pushes": round(crash_gap, 2),
        "seconds_kill_to_next_push": (round(first_after_crash - killed_time, 2)
                                      if first_after_crash and killed_time else None),
        "seconds_restart_spawn": round(restarted_time - killed_time, 2) if restarted_time and killed_time else None,
        "pushes_per_second_while_sending": round(len(times) / sending, 0) if sending else None,
        "rate_limit_minimum_seconds": minimum, "target_seconds": round(minimum * 1.1, 2),
        "worker_cpu_seconds": round(cpu, 2),
        "worker_idle_start_cpu_seconds": round(idle_start_cpu, 2),
        "worker_cpu_ms_per_parent_without_starts": round(
            1000 * (cpu - (args.workers + (1 if killed_at is not None else 0)) * idle_start_cpu)
            / max(args.parents, 1), 3),
        "workers": args.workers, "killed_worker_restarted": "at once" if restarted_time else "after the last push",
        "bench_and_standin_cpu_seconds": round(bench_cpu_used, 2),
        "other_jobs_load_1min": round(psutil.getloadavg()[0], 2),
        "cpus": psutil.cpu_count(),
    }


async def claim_holder(database, workers: list[Server]) -> Server:
    """The worker whose connection holds the channel's claim (an advisory lock): PostgreSQL names
    each connection after its process (backend.db.application_name)."""
    from backend.db import application_name

    holders = set(await database.fetchval(
        "SELECT array_agg(a.application_name) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted") or [])
    for worker in workers:
        if application_name(worker.popen.pid) in holders:
            return worker
    raise RuntimeError("no worker holds the channel's claim")


def crash(worker: Server) -> float:
    """Kill the worker as a crash would (nothing flushed); the CPU it had used. Run in a thread: the
    kernel takes a while to end a process, and the stand-in in the event loop must not stall meanwhile."""
    used = psutil.Process(worker.popen.pid).cpu_times()
    worker.popen.send_signal(signal.SIGKILL)
    worker.popen.wait()
    return used.user + used.system


async def idle_start(env: dict[str, str], log_dir: Path, sqlite: bool) -> float:
    """CPU seconds of a worker started with nothing to do, once its CPU use has levelled off."""
    worker = start_worker(env, log_dir, "worker-idle", sqlite)
    try:
        before = -1.0
        for _ in range(120):
            await asyncio.sleep(1.0)
            now = worker.cpu_seconds()
            if now - before < 0.03:
                return now
            before = now
        return before
    finally:
        await worker.stop()


def verdicts(result: dict) -> list[str]:
    """The target lines, each PASS or FAIL."""
    target = result["target_seconds"]

    def line(ok: bool, text: str) -> str:
        return f"{'PASS' if ok else 'FAIL'}  {text}"

    return [
        line(result["parents_reached"] == result["parents"] and result["messaged_twice"] == 0,
             f"every parent messaged once after a crash half-way: {result['parents_reached']} reached, "
             f"{result['messaged_twice']} twice"),
        line(result["pushes_refused_429"] == 0,
             f"no push above LINE's {PUSH_RATE_LIMIT}/s (stand-in's 429s: {result['pushes_refused_429']})"),
        line(result["seconds_sending_without_crash_pause"] <= target,
             f"sending time {result['seconds_sending_without_crash_pause']} s (the crash's pause excluded) <= "
             f"{target} s (minimum {result['rate_limit_minimum_seconds']} s + 10 %)"),
        line(result["seconds_first_to_last_push"] <= target,
             f"first to last push {result['seconds_first_to_last_push']} s (crash and take-over included) "
             f"<= {target} s"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parents", type=int, default=5000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--workers", type=int, default=2,
                        help="worker processes (PostgreSQL + Redis): one sends, the others stand by")
    parser.add_argument("--restart", choices=("after", "at-once"), default="after",
                        help="when the killed worker is started again while another stands by: after the last "
                             "push (default; its start-up's CPU, about 2 s, is not taken from the sending on a "
                             "small machine), or at once. With one worker: always at once (it resumes the sending)")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    if args.sqlite:
        args.workers = 1  # SQLite serves one process: the web process with its worker
    result = asyncio.run(run(args))
    print(json.dumps(result, indent=2))
    print("\n".join(verdicts(result)))


if __name__ == "__main__":
    main()

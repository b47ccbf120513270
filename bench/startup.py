"""`python -m bench.startup`: time from `schoolbot serve` to `/readyz` answering 200.

Starts the web process (with its embedded worker, as `schoolbot serve` does) against a freshly migrated
database with the demo school, polls /readyz every 10 ms, and reports the wall time to the first 200 and
the CPU time the process had used by then. Repeated `--runs` times; the median is held against the
target (under 2 s). Also reports how long `import bot.app` takes alone, in a fresh interpreter.
SQLite and the in-process store by default; `--postgres` uses PostgreSQL + Redis (scratch database).
Bytecode caching is on (PYTHONDONTWRITEBYTECODE is removed from the server's environment) and a first,
unmeasured start fills the caches, as on an installed server (its time is shown apart).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import psutil

from bench.stack import REPO, Server, free_port, fresh_storage, server_env

TARGET_SECONDS = 2.0
SECRET = "bench-channel-secret-0123456789ab"
TOKEN = "bench-channel-access-token"


def busy_cpu_seconds() -> float:
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


async def time_to_ready(args: argparse.Namespace, log_dir: Path) -> dict[str, float]:
    async with fresh_storage(sqlite=not args.postgres, postgres_url=args.database_url,
                             redis_url=args.redis_url) as storage:
        port = free_port()
        env = server_env(storage, secret=SECRET, token=TOKEN, line_api="http://127.0.0.1:9")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        command = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)]
        if args.postgres:
            command.append("--worker")
        machine_before = busy_cpu_seconds()
        started = time.perf_counter()
        server = Server("web", command, env, log_dir)
        url = f"http://127.0.0.1:{port}/readyz"
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
                while True:
                    if not server.alive():
                        raise RuntimeError(f"the server exited; see {server.log_path}")
                    if time.perf_counter() - started > args.timeout:
                        raise RuntimeError(f"not ready in {args.timeout:.0f} s; see {server.log_path}")
                    try:
                        async with session.get(url) as response:
                            if response.status == 200:
                                break
                    except (aiohttp.ClientError, TimeoutError):
                        pass
                    await asyncio.sleep(0.01)
            wall = time.perf_counter() - started
            cpu = server.cpu_seconds()
            machine = busy_cpu_seconds() - machine_before
        finally:
            await server.stop()
    # Everything else the machine did meanwhile (other jobs slow the start-up down).
    other = max(0.0, machine - cpu) / wall
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "other_cpu_percent": round(100 * other)}


def import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip()), 3)


async def main_async(args: argparse.Namespace) -> int:
    log_dir = REPO / "bench" / "results" / "startup-logs"
    first = await time_to_ready(args, log_dir)  # compiles and caches the bytecode: not counted
    runs = [await time_to_ready(args, log_dir) for _ in range(args.runs)]
    imports = [import_seconds("bot.app") for _ in range(args.runs)]
    mode = "PostgreSQL+Redis" if args.postgres else "SQLite"
    print(f"\nschoolbot start-up: `serve` to /readyz 200, {mode}, {args.runs} runs, {os.cpu_count()} CPUs\n")
    print(f"{'run':<5}{'wall s':>8}{'CPU s':>8}{'other jobs CPU %':>18}")
    print(f"{'first':<5}{first['wall_s']:>8.2f}{first['cpu_s']:>8.2f}{first['other_cpu_percent']:>18.0f}"
          "   (not counted: writes the bytecode caches)")
    for number, run in enumerate(runs, 1):
        print(f"{number:<5}{run['wall_s']:>8.2f}{run['cpu_s']:>8.2f}{run['other_cpu_percent']:>18.0f}")
    wall = statistics.median(r["wall_s"] for r in runs)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    print(f"\nmedian: {wall:.2f} s wall, {cpu:.2f} s CPU; `import bot.app` alone: median "
          f"{statistics.median(imports):.2f} s (min {min(imports):.2f} s)")
    print(f"{'PASS' if wall < TARGET_SECONDS else 'FAIL'}  start-up under {TARGET_SECONDS:g} s: {wall:.2f} s")
    if statistics.median(r["other_cpu_percent"] for r in runs) > 10:
        print("WARNING: other processes were using the CPUs meanwhile; the wall times are not representative.")
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a start counts as failed")
    parser.add_argument("--postgres", action="store_true",
                        help="PostgreSQL + Redis (a scratch database next to --database-url) instead of SQLite")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    sys.exit(asyncio.run(main_async(parse_args(argv))))


if __name__ == "__main__":
    main()

"""The servers under test: a fresh database and Redis namespace, and the processes with their resource use."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import psutil

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Storage:
    database_url: str
    redis_url: str | None
    redis_namespace: str
    data_dir: Path


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.asynccontextmanager
async def fresh_storage(*, sqlite: bool, postgres_url: str, redis_url: str,
                        migrate: bool = True) -> AsyncIterator[Storage]:
    """A migrated database with the demo school (empty if not migrate), used by one run only and removed afterwards."""
    from backend.demo import create_demo_school
    from backend.migrate import upgrade

    data_dir = Path(tempfile.mkdtemp(prefix="schoolbot-bench-"))
    namespace = f"bench-{secrets.token_hex(4)}"
    database = None
    try:
        if sqlite:
            url = f"sqlite:///{data_dir / 'bench.sqlite3'}"
        else:
            import asyncpg

            database = f"bench_{secrets.token_hex(4)}"
            admin = await asyncpg.connect(postgres_url)
            try:
                await admin.execute(f'CREATE DATABASE "{database}"')
            finally:
                await admin.close()
            url = _with_database(postgres_url, database)
        if migrate:
            # Alembic's env runs its own event loop, so it needs a thread without one.
            await asyncio.to_thread(upgrade, url)
            await create_demo_school(url)
        yield Storage(database_url=url, redis_url=None if sqlite else redis_url,
                      redis_namespace=namespace, data_dir=data_dir)
    finally:
        if database:
            import asyncpg

            admin = await asyncpg.connect(postgres_url)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            finally:
                await admin.close()
        if not sqlite:
            import redis.asyncio as redis

            client = redis.Redis.from_url(redis_url)
            try:
                keys = [key async for key in client.scan_iter(match=f"{namespace}:*")]
                if keys:
                    await client.delete(*keys)
            finally:
                await client.aclose()
        shutil.rmtree(data_dir, ignore_errors=True)


class Server:
    """One process under test, with its CPU time and peak memory."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{name}.log"
        with self.log_path.open("ab") as out:
            self.popen = subprocess.Popen(args, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        self.process = psutil.Process(self.popen.pid)
        self._peak_rss_sampled = 0

    def _tree(self) -> list[psutil.Process]:
        try:
            return [self.process, *self.process.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in self._tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    def sample_rss(self) -> None:
        with contextlib.suppress(psutil.NoSuchProcess):
            self._peak_rss_sampled = max(self._peak_rss_sampled, self.process.memory_info().rss)

    def peak_rss_bytes(self) -> int:
        """The kernel's high-water mark (VmHWM) where there is one; otherwise the sampled peak."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return max(int(line.split()[1]) * 1024, self._peak_rss_sampled)
        return self._peak_rss_sampled

    def alive(self) -> bool:
        return self.popen.poll() is None

    async def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            for _ in range(150):
                if self.popen.poll() is not None:
                    return
                await asyncio.sleep(0.1)
            self.popen.kill()
            self.popen.wait()


def server_env(storage: Storage | None, *, secret: str, token: str, line_api: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "DATABASE_", "REDIS_"))}
    env.update({
        "PYTHONPATH": str(REPO),
        "LINE_CHANNEL_SECRET": secret,
        "LINE_CHANNEL_ACCESS_TOKEN": token,
        "LINE_API_BASE_URL": line_api,
        "PUBLIC_BASE_URL": "https://bot.bench.test",
        # Real LINE credentials require real keys: made per run, never reused.
        "FILE_ENCRYPTION_KEYS": "bench:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "STAFF_SESSION_SECRET": secrets.token_hex(32),
        "SIGNING_DIR": tempfile.mkdtemp(prefix="bench-signing-"),  # empty: the bench signs nothing
    })
    if storage:
        env.update({"DATABASE_URL": storage.database_url, "REDIS_NAMESPACE": storage.redis_namespace,
                    "DATA_DIR": str(storage.data_dir)})
        if storage.redis_url:
            env["REDIS_URL"] = storage.redis_url
    return env


def start_ours(storage: Storage, *, port: int, workers: int, env: dict[str, str], log_dir: Path,
               env_for=None) -> list[Server]:
    """The web process and its workers; on SQLite, or with workers=0, one process with the embedded worker.

    env_for(name) may return a process's own environment (e.g. its own database proxy)."""
    env_of = env_for or (lambda _name: env)
    serve = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)]
    if storage.redis_url is None:
        return [Server("web", serve, env_of("web"), log_dir)]
    if workers == 0:
        return [Server("web", [*serve, "--worker"], env_of("web"), log_dir)]
    servers = [Server("web", [*serve, "--no-worker"], env_of("web"), log_dir)]
    servers += [Server(f"worker-{n + 1}", [sys.executable, "-m", "bot.cli", "worker"], env_of(f"worker-{n + 1}"),
                       log_dir) for n in range(workers)]
    return servers


def start_echo(*, port: int, env: dict[str, str], log_dir: Path) -> list[Server]:
    return [Server("echo", [sys.executable, "-m", "bench.echo_app", "--port", str(port)], env, log_dir)]


def start_durable_echo(*, port: int, env: dict[str, str], log_dir: Path) -> list[Server]:
    """bench/durable_echo_app.py; env from server_env with an empty scratch database and Redis."""
    return [Server("durable-echo", [sys.executable, "-m", "bench.durable_echo_app", "--port", str(port)], env,
                   log_dir)]


async def wait_http(url: str, servers: list[Server], *, want_ok: bool, timeout: float = 120.0) -> None:
    """Wait until the URL answers (with 200 when want_ok); fail early if a process died."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while loop.time() < deadline:
            for server in servers:
                if not server.alive():
                    raise RuntimeError(f"{server.name} exited; see {server.log_path}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with session.get(url) as response:
                    if response.status == 200 or not want_ok:
                        return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready in {timeout:.0f} s")


async def wait_workers_subscribed(storage: Storage, count: int, timeout: float = 120.0) -> None:
    """Workers are ready when they listen for wake-ups (otherwise the first events wait for a poll)."""
    if storage.redis_url is None or count == 0:
        return
    import redis.asyncio as redis

    client = redis.Redis.from_url(storage.redis_url)
    channel = f"{storage.redis_namespace}:wake:inbox"
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            subscribed = dict(await client.pubsub_numsub(channel))
            if subscribed.get(channel.encode(), 0) >= count:
                return
            await asyncio.sleep(0.1)
        raise RuntimeError("workers did not subscribe in time")
    finally:
        await client.aclose()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

"""Real processes: the web process, worker processes and the LINE stand-in, as in production.

Durability: a web process killed right after answering LINE loses nothing; a worker started
later sends the reply, once. Scale: two worker processes keep each user's order.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from backend.db import make_engine
from backend.demo import create_demo_school
from backend.inbox import InboundEvent
from tests.conftest import requires_redis
from tests.harness import free_socket, production_keys

SECRET, TOKEN = "process-test-secret", "process-test-token"
VENV_BIN = Path(sys.executable).parent


def _port() -> int:
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    return port


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("ab") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until(predicate, what: str, timeout: float = 180.0) -> None:
    """Wait for another process to reach a state (there is no clock to inject across processes).
    Generous: on a busy CI machine a process start-up has taken over 30 s; a healthy run returns
    as soon as the state is reached."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Stack:
    """The stand-in plus bot processes sharing one database (and Redis when configured)."""

    def __init__(self, tmp_path: Path, env: dict[str, str], namespace: str) -> None:
        self.tmp = tmp_path
        self.sim_port, self.web_port = _port(), _port()
        self.sim = f"http://127.0.0.1:{self.sim_port}/sim"
        self.web = f"http://127.0.0.1:{self.web_port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "DATABASE_", "REDIS_"))},
            **env,
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "LINE_API_BASE_URL": f"{self.sim}/line",
            "PUBLIC_BASE_URL": "https://bot.school.test",
            "REDIS_NAMESPACE": namespace,
            **production_keys(tmp_path / "keys"),
        }
        self.client = httpx.Client(timeout=10)

    def standin(self):
        return _process([sys.executable, "-m", "bot.simulator", "--port", str(self.sim_port),
                         "--webhook-url", f"{self.web}/line/webhook", "--channel-secret", SECRET,
                         "--access-token", TOKEN], self.env, self.tmp / "sim.log")

    def web_process(self):
        return _process([str(VENV_BIN / "schoolbot"), "serve", "--port", str(self.web_port), "--no-worker"],
                        self.env, self.tmp / "web.log")

    def worker(self, name: str = "worker"):
        return _process([str(VENV_BIN / "schoolbot"), "worker"], self.env, self.tmp / f"{name}.log")

    def wait_ready(self) -> None:
        _wait_until(lambda: self.client.get(f"{self.sim}/api/state").status_code == 200, "the stand-in")
        _wait_until(lambda: self.client.get(f"{self.web}/readyz").status_code == 200, "the web process")

    def add_friend(self, name: str) -> str:
        user = self.client.post(f"{self.sim}/api/users", json={"displayName": name}).json()
        assert self.client.post(f"{self.sim}/api/users/{user['userId']}/follow").status_code == 200
        return user["userId"]

    def say(self, user_id: str, text: str) -> None:
        response = self.client.post(f"{self.sim}/api/users/{user_id}/text", json={"text": text})
        assert response.status_code == 200, response.text

    def bot_messages(self, user_id: str) -> list[dict]:
        items = self.client.get(f"{self.sim}/api/users/{user_id}/timeline").json()["items"]
        return [item for item in items if item.get("from") == "bot"]


@pytest.fixture
def stack(tmp_path, env, redis_namespace) -> Iterator[Stack]:
    asyncio.run(create_demo_school(env["DATABASE_URL"]))
    stack = Stack(tmp_path, env, redis_namespace)
    yield stack
    stack.client.close()


def test_a_web_process_killed_after_answering_loses_nothing_and_the_reply_comes_once(stack):
    with stack.standin():
        with stack.web_process() as web:
            stack.wait_ready()
            user = stack.add_friend("คุณแม่")
            stack.say(user, "สวัสดีค่ะ")
            web.send_signal(signal.SIGKILL)  # crash: no chance to process anything
            web.wait()
        assert stack.bot_messages(user) == []
        with stack.worker():
            _wait_until(lambda: len(stack.bot_messages(user)) == 2, "the greeting and the answer")
        with stack.web_process(), stack.worker("worker-2"):
            stack.wait_ready()
            assert stack.client.post(f"{stack.sim}/api/users/{user}/redeliver").status_code == 200
            stack.say(user, "ขอบคุณค่ะ")
            # The answer to the new text comes after anything the restart might have repeated.
            _wait_until(lambda: len(stack.bot_messages(user)) >= 3, "the answer to the second text")
        assert len(stack.bot_messages(user)) == 3


@requires_redis
def test_two_worker_processes_keep_each_users_order_and_lose_nothing(stack, env):
    users, per_user = 6, 5
    with stack.standin(), stack.web_process(), stack.worker("worker-a"), stack.worker("worker-b"):
        stack.wait_ready()
        ids = [stack.add_friend(f"ผู้ปกครอง {i}") for i in range(users)]

        async def chat(user_id: str) -> None:
            async with httpx.AsyncClient(timeout=10) as client:
                for n in range(per_user):
                    response = await client.post(f"{stack.sim}/api/users/{user_id}/text", json={"text": f"ข้อความ {n}"})
                    assert response.status_code == 200

        async def everyone() -> None:
            await asyncio.gather(*(chat(user_id) for user_id in ids))

        asyncio.run(everyone())
        for user_id in ids:
            _wait_until(lambda u=user_id: len(stack.bot_messages(u)) >= 1 + per_user, "every answer")
        assert [len(stack.bot_messages(u)) for u in ids] == [1 + per_user] * users

    async def processing_order() -> dict[str, list[int]]:
        engine = make_engine(env["DATABASE_URL"])
        async with engine.connect() as connection:
            rows = await connection.execute(
                sa.select(InboundEvent.user_ref, InboundEvent.occurred_at)
                .order_by(InboundEvent.processed_at, InboundEvent.id))
            order: dict[str, list[int]] = {}
            for user_ref, occurred_at in rows:
                order.setdefault(user_ref, []).append(occurred_at)
        await engine.dispose()
        return order

    for occurred in asyncio.run(processing_order()).values():
        assert occurred == sorted(occurred), "events of one user processed out of order"
    worker_logs = [(stack.tmp / f"worker-{n}.log").read_text() for n in "ab"]
    assert all("Traceback" not in log for log in worker_logs)

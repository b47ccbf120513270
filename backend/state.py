"""State shared between processes: short-lived keys, per-user locks and wake-up signals.

Backed by Redis when REDIS_URL is set, otherwise by an in-process store that behaves the same
within one process. Nothing here is the only copy of anything a parent gave: answers and files
are in the database; this holds caches, locks and signals that can be lost without harm.

Keys (all prefixed with the store's namespace):
- ``lock:<name>``            a lock; value = owner token; TTL = the lock's lease
- ``conv:<channel>:<user>``  a conversation session cache (flows); TTL = session idle time
- ``count:<name>``           a counter of a fixed window (rate limits); TTL = the window
- ``wake:<topic>``           pub/sub channel (Redis) that wakes workers when work arrives; a message
                             may say which work (the worker's lanes), every subscriber gets it
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator
from typing import Protocol, cast

# Release a lock only if we still own it, so an expired lease taken over by another
# process is not released by the old owner.
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""


class SharedState(Protocol):
    async def get(self, key: str) -> bytes | None: ...
    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None: ...
    async def set_if_absent(self, key: str, value: bytes, *, ttl: float) -> bool: ...
    async def delete(self, key: str) -> None: ...
    async def increment(self, key: str, *, ttl: float) -> int: ...
    async def try_lock(self, name: str, *, ttl: float) -> str | None: ...
    async def unlock(self, name: str, token: str) -> None: ...
    async def notify(self, topic: str, message: bytes = b"") -> None: ...
    def subscribe(self, topic: str) -> contextlib.AbstractAsyncContextManager[Waiter]: ...
    async def ping(self) -> bool: ...
    async def close(self) -> None: ...


class Waiter(Protocol):
    async def wait(self, timeout: float) -> bool:
        """Wait until notified or the timeout passes; True if notified."""

    async def messages(self, timeout: float) -> list[bytes]:
        """Wait until notified or the timeout passes; every message received since the last call
        (empty on timeout)."""


class MemoryState:
    """The in-process store: same semantics as RedisState, for one process."""

    def __init__(self, namespace: str = "schoolbot") -> None:
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._queues: dict[str, set[asyncio.Queue[bytes]]] = {}

    def _alive(self, key: str) -> tuple[bytes, float | None] | None:
        item = self._data.get(key)
        if item is not None and item[1] is not None and item[1] <= time.monotonic():
            del self._data[key]
            return None
        return item

    async def get(self, key: str) -> bytes | None:
        item = self._alive(key)
        return item[0] if item else None

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        self._data[key] = (value, time.monotonic() + ttl if ttl else None)

    async def set_if_absent(self, key: str, value: bytes, *, ttl: float) -> bool:
        if self._alive(key) is not None:
            return False
        await self.set(key, value, ttl=ttl)
        return True

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def increment(self, key: str, *, ttl: float) -> int:
        """Add one to a counter that lives ttl seconds from its first increment; the new count."""
        item = self._alive(key)
        count = int(item[0]) + 1 if item else 1
        self._data[key] = (str(count).encode(), item[1] if item else time.monotonic() + ttl)
        return count

    async def try_lock(self, name: str, *, ttl: float) -> str | None:
        token = secrets.token_hex(8)
        return token if await self.set_if_absent(f"lock:{name}", token.encode(), ttl=ttl) else None

    async def unlock(self, name: str, token: str) -> None:
        if await self.get(f"lock:{name}") == token.encode():
            await self.delete(f"lock:{name}")

    async def notify(self, topic: str, message: bytes = b"") -> None:
        for queue in self._queues.get(topic, ()):
            queue.put_nowait(message)

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[Waiter]:
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._queues.setdefault(topic, set()).add(queue)
        try:
            yield _QueueWaiter(queue)
        finally:
            self._queues[topic].discard(queue)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._data.clear()


class _QueueWaiter:
    def __init__(self, queue: asyncio.Queue[bytes]) -> None:
        self._queue = queue

    async def wait(self, timeout: float) -> bool:
        return bool(await self.messages(timeout))

    async def messages(self, timeout: float) -> list[bytes]:
        if self._queue.empty():
            try:
                first = await asyncio.wait_for(self._queue.get(), timeout)
            except TimeoutError:
                return []
        else:
            first = self._queue.get_nowait()
        received = [first]
        while not self._queue.empty():
            received.append(self._queue.get_nowait())
        return received


class RedisState:
    """Redis-backed shared state for several web and worker processes."""

    def __init__(self, url: str, namespace: str = "schoolbot") -> None:
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(url)
        self._ns = namespace
        self._release = self._redis.register_script(_RELEASE_SCRIPT)

    def _k(self, key: str) -> str:
        return f"{self._ns}:{key}"

    async def get(self, key: str) -> bytes | None:
        # The client is made without decode_responses: Redis gives back the bytes stored.
        return cast("bytes | None", await self._redis.get(self._k(key)))

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        await self._redis.set(self._k(key), value, px=int(ttl * 1000) if ttl else None)

    async def set_if_absent(self, key: str, value: bytes, *, ttl: float) -> bool:
        return bool(await self._redis.set(self._k(key), value, px=int(ttl * 1000), nx=True))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._k(key))

    async def increment(self, key: str, *, ttl: float) -> int:
        # One MULTI: the expiry is set with the counter's creation, so no counter lives forever.
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._k(key), 0, px=int(ttl * 1000), nx=True)
            pipe.incr(self._k(key))
            _created, count = await pipe.execute()
        return int(count)

    async def try_lock(self, name: str, *, ttl: float) -> str | None:
        token = secrets.token_hex(8)
        return token if await self.set_if_absent(f"lock:{name}", token.encode(), ttl=ttl) else None

    async def unlock(self, name: str, token: str) -> None:
        await self._release(keys=[self._k(f"lock:{name}")], args=[token])

    async def notify(self, topic: str, message: bytes = b"") -> None:
        await self._redis.publish(self._k(f"wake:{topic}"), message)

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[Waiter]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self._k(f"wake:{topic}"))
        try:
            yield _PubSubWaiter(pubsub)
        finally:
            await pubsub.aclose()

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except Exception:  # noqa: BLE001 - readiness reports any failure as "not ready"
            return False

    async def close(self) -> None:
        await self._redis.aclose()


class _PubSubWaiter:
    def __init__(self, pubsub) -> None:
        self._pubsub = pubsub

    async def wait(self, timeout: float) -> bool:
        return bool(await self.messages(timeout))

    async def messages(self, timeout: float) -> list[bytes]:
        message = await self._pubsub.get_message(timeout=timeout)
        if message is None:
            return []
        received = [message["data"]]
        # Several notifications may be queued: take them all in one wake-up.
        while (message := await self._pubsub.get_message(timeout=0)) is not None:
            received.append(message["data"])
        return received


def make_state(redis_url: str | None, namespace: str = "schoolbot") -> SharedState:
    return RedisState(redis_url, namespace) if redis_url else MemoryState(namespace)

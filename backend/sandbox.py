"""Work on untrusted bytes in a separate process with a memory and a CPU budget.

A parent's photo, a PDF uploaded to the public verify page: decoding them can cost far more than
their size (a 657 KB PNG that decodes to 13000x13000 pixels, a PDF whose 1 MB stream inflates to
500 MB). The checks before decoding (backend/images.py, the bounded reads in backend/documents)
refuse what they can see coming; this process is the bound on everything else. Its address space
is limited (RLIMIT_AS: an allocation past it fails with MemoryError) and each job's CPU time too
(RLIMIT_CPU: past it the kernel ends the process). Either way the web and worker processes keep
their memory and their event loop, and the job's caller gets SandboxFailed.

Each sandbox process is a fresh interpreter (spawned, not forked) that imports the decoders once
when it starts, then serves jobs until it is replaced; a job costs a round trip, not a Python
start-up. A fork server would restart a crashed process faster, but it holds a second copy of the
decoders for as long as the pool lives and its children copy its pages as Python touches them:
measured, 74 MB for the fork server and one worker against 50 MB for one spawned worker, and on a
small machine the memory matters more than a second more after the rare crash. Jobs are
module-level functions (they travel by name) whose arguments and results are plain data.
Document signing never runs here: it has its own threads, so a flood of verify uploads cannot
delay it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import gc
import importlib
import logging
import math
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

MEBIBYTE = 1024 * 1024
# The decoders' own footprint (Python, Pillow, zxing, pyHanko, PDFium) is about 80 MB of address
# space; the rest is room for one job: a 12 MP photo decoded in full takes 36 MB, a signed 20 MB
# PDF well under 150 MB.
DEFAULT_MEMORY_BYTES = 384 * MEBIBYTE
DEFAULT_CPU_SECONDS = 10
# Callers beyond this many waiting are told to come back later rather than queue without end
# (each waiting job holds its input in memory).
DEFAULT_MAX_WAITING = 8
# Imported by each sandbox process as it starts, so that its jobs find them loaded. The decoders are
# named too: the jobs' modules import them only where they are used (the web process, which names
# the jobs, never loads them).
PRELOAD = ("backend.images", "backend.payments.slip", "backend.documents.preview",
           "backend.documents.untrusted_pdf", "pypdfium2", "zxingcpp", "pyhanko.pdf_utils.reader",
           "pyhanko.sign.validation", "pyhanko_certvalidator")
# A process is replaced after this many jobs, so that fragmentation cannot build up.
JOBS_PER_PROCESS = 200


class SandboxFailed(Exception):
    """The job went past its memory or CPU budget, or its process died."""


class SandboxBusy(SandboxFailed):
    """Too many jobs are waiting already."""


def _start_process(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for name in PRELOAD:
        importlib.import_module(name)
    # Below the web and worker processes: on a small machine, a long decode waits, a webhook does not.
    os.nice(5)


def _run_limited(job: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any],
                 cpu_seconds: float) -> T:
    """In the sandbox process: one job, with its own CPU allowance on top of what the process used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    spent = usage.ru_utime + usage.ru_stime
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(spent + cpu_seconds), hard))
    try:
        return job(*args, **kwargs)
    finally:
        _give_memory_back()


def _give_memory_back() -> None:
    """Return a job's freed memory to the system: a decoded photo is tens of megabytes that the
    allocator would otherwise keep for the process, idle, until its next job."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018 - glibc only (not musl, not macOS)
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _glibc()


class SandboxPool:
    """The limited processes (started at the first job), shared by the queues that use them."""

    def __init__(self, *, workers: int = 1, memory_bytes: int = DEFAULT_MEMORY_BYTES,
                 cpu_seconds: float = DEFAULT_CPU_SECONDS) -> None:
        self.workers = workers
        self.memory_bytes = memory_bytes
        self.cpu_seconds = cpu_seconds
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def executor(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=_start_process,
                    initargs=(self.memory_bytes,), max_tasks_per_child=JOBS_PER_PROCESS)
            return self._pool

    def discard(self, pool: concurrent.futures.ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


class Sandbox:
    """A queue of jobs onto a pool, with its own limit on how many may wait."""

    def __init__(self, *, pool: SandboxPool | None = None, max_waiting: int = DEFAULT_MAX_WAITING,
                 **budget: Any) -> None:
        """pool: shared processes; without one, processes of its own with the budget given
        (workers, memory_bytes, cpu_seconds)."""
        self.pool = pool or SandboxPool(**budget)
        self.max_waiting = max_waiting
        self._waiting = 0

    async def run(self, job: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """job(*args, **kwargs) in a sandbox process; raises SandboxFailed past the budget,
        SandboxBusy when this queue is full."""
        if self._waiting >= self.max_waiting:
            raise SandboxBusy(f"{self._waiting} jobs waiting")
        self._waiting += 1
        executor = self.pool.executor()
        try:
            return await asyncio.get_running_loop().run_in_executor(
                executor, _run_limited, job, args, kwargs, self.pool.cpu_seconds)
        except BrokenProcessPool:
            # Ended by the kernel (CPU budget) or by a crash in a decoder: the next job gets a new one.
            self.pool.discard(executor)
            log.warning("sandbox job %s ended its process (over its CPU budget or crashed)",
                        getattr(job, "__name__", job))
            raise SandboxFailed("the sandbox process ended") from None
        except MemoryError:
            log.warning("sandbox job %s went over its memory budget", getattr(job, "__name__", job))
            raise SandboxFailed("over the memory budget") from None
        finally:
            self._waiting -= 1

    def close(self) -> None:
        self.pool.close()


# One process per web or worker process, and two queues onto it: what parents send in the chat
# (photos checked and read, document previews), and what anyone may upload to the public verify
# page. The public queue is short (with the per-client limit of web/verify, a flood is refused
# before it waits), so a parent's photo waits behind a few uploads at most; a second process
# would cost some 20 MB more for every web and worker process.
CHAT = "chat"
PUBLIC = "public"
_WAITING = {CHAT: 64, PUBLIC: DEFAULT_MAX_WAITING}
_shared: dict[str, Sandbox] = {}
_shared_pool: SandboxPool | None = None


def shared_sandbox(name: str = CHAT) -> Sandbox:
    """The process's queue of that name onto its one sandbox pool."""
    global _shared_pool
    if name not in _shared:
        if _shared_pool is None:
            _shared_pool = SandboxPool()
        _shared[name] = Sandbox(pool=_shared_pool, max_waiting=_WAITING[name])
    return _shared[name]

"""Thread pools by kind of work, so that one kind cannot starve another.

asyncio's default executor (`asyncio.to_thread`) has a handful of threads shared by everything
the process hands it. A flood of logins — each an Argon2 hash of ~50 ms and 64 MiB — filled
it, and media downloads, search indexing and commits waited behind the hashes for seconds.
Now each kind of blocking work has its own pool: password hashing a small bounded one that
refuses work past its queue (`Saturated`, answered 429 with `Retry-After`), file reads and
writes another.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from guanxi.errors import RateLimited

T = TypeVar("T")


class ThreadPool:
    """A named pool of `threads` threads with an unbounded queue."""

    def __init__(self, name: str, threads: int) -> None:
        self.name = name
        self.threads = threads
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.wrap_future(self._submit(fn, *args))

    def _submit(self, fn: Callable[..., T], *args: object) -> Future[T]:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix=self.name)
            return self._executor.submit(fn, *args)

    def close(self, *, wait: bool = False) -> None:
        """Let running jobs finish (`wait`: and wait for them); drop the queued ones. The
        pool starts again if used."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=True)


class BoundedThreadPool(ThreadPool):
    """A pool that holds at most `threads + queue` jobs: past that it raises `RateLimited`
    (with a `retry_after` guessed from the jobs ahead) instead of queueing without end."""

    def __init__(self, name: str, threads: int, queue: int, job_seconds: float) -> None:
        super().__init__(name, threads)
        self.capacity = threads + queue
        self.job_seconds = job_seconds
        self._in_flight = 0

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        with self._lock:
            if self._in_flight >= self.capacity:
                raise RateLimited(
                    "The server is busy checking passwords; try again in a moment.",
                    "busy",
                    retry_after=self._retry_after(),
                )
            self._in_flight += 1
        try:
            future = self._submit(fn, *args)
        except BaseException:
            self._done()
            raise
        # Counted until the thread is done, not until the caller stops waiting: a request
        # that gave up still holds a thread while its hash runs.
        future.add_done_callback(lambda _: self._done())
        return await asyncio.wrap_future(future)

    def _done(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _retry_after(self) -> int:
        return max(1, math.ceil(self.capacity / self.threads * self.job_seconds))
